"""No regular expression of the parser backtracks catastrophically (issue 13).

Pathological inputs run in a subprocess with a generous time limit, so a regression shows up as a
failure instead of a hung test run; nothing here asserts a duration in-process."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest

from .conftest import ROOT

# Each snippet must finish well within the limit; before the fix the first took minutes.
_CASES = {
    "form version line": """
        from pia_diff.ingest import parse_text
        from pia_diff.errors import InputError
        try:
            parse_text("特定個人情報保護評価書\\n" + "[令和1年" * 3000, "x.txt")
        except InputError:
            pass
    """,
    "form version in an xlsx cell": """
        import io
        from openpyxl import Workbook
        from pia_diff.ingest import parse_bytes
        from pia_diff.errors import InputError
        book = Workbook()
        book.active["A1"] = "特定個人情報保護評価書"
        book.active["A2"] = "[令和1年" * 3000
        buffer = io.BytesIO()
        book.save(buffer)
        try:
            parse_bytes(buffer.getvalue(), "x.xlsx")
        except InputError:
            pass
    """,
    "unclosed tags": """
        from pia_diff.text import compare_key, html_to_text
        from pia_diff.values import has_marker, read_checkbox, read_choice
        for piece in ("<p", "<input", "<input checked", "<br ", "[", "[○", "<選択肢"):
            raw = piece * 30000
            html_to_text(raw); compare_key(raw); has_marker(raw)
            read_checkbox(("紙", "その他"), raw); read_choice(("委託する", "委託しない"), raw)
    """,
    "dates": """
        from pia_diff.wareki import parse_date
        for piece in ("令和1年", "令和 1 年 1 月", "2024-", "2024-01-"):
            parse_date(piece * 30000)
    """,
}


@pytest.mark.parametrize("name", sorted(_CASES))
def test_pathological_input_finishes(name: str) -> None:
    code = textwrap.dedent(_CASES[name])
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: still running after 60 s (catastrophic backtracking?)")
    assert done.returncode == 0, done.stderr


def _modules() -> list[object]:
    """Every module of the package: a pattern added anywhere is checked (the generic reader once
    copied the backtracking form-version pattern)."""
    import importlib
    import pkgutil

    import pia_diff

    walk = pkgutil.walk_packages(pia_diff.__path__, "pia_diff.")
    names = [m.name for m in walk if m.name not in ("pia_diff.__main__", "pia_diff.cli")]
    return [importlib.import_module(name) for name in sorted(names)]


def _patterns() -> list[tuple[str, str]]:
    found = []
    for module in _modules():
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found.append((f"{module.__name__}.{name}", value.pattern))
            elif isinstance(value, tuple):
                found += [
                    (f"{module.__name__}.{name}", v[0].pattern)
                    for v in value
                    if isinstance(v, tuple) and isinstance(v[0], re.Pattern)
                ]
    return found


def test_the_module_patterns_are_all_checked() -> None:
    names = {name for name, _ in _patterns()}
    assert {
        "pia_diff.ingest.lines.FORM_VERSION_PATTERN",
        "pia_diff.values._MARKERS",
        "pia_diff.text._BLOCK_TAG",
    } <= names


@pytest.mark.parametrize(("name", "pattern"), _patterns())
def test_no_unbounded_lazy_run_or_tag_scan_past_a_new_tag(name: str, pattern: str) -> None:
    """The two shapes that backtracked: a lazy run of anything up to a later literal, and a tag
    body ([^>]*) that may run over further tags."""
    assert not re.search(r"\\S[+*]\?|\.[+*]\?", pattern), name
    assert "[^>]*" not in pattern, name
