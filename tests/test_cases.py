"""Golden cases: tests/cases/<name>/ holds case.yaml (old, new, date, optional decisions) and a
hand-written expected.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pia_diff.pipeline import compare_files
from pia_diff.wareki import parse_date

CASES = Path(__file__).resolve().parent / "cases"
NAMES = sorted(p.name for p in CASES.iterdir() if (p / "case.yaml").exists())


def test_there_are_golden_cases() -> None:
    assert NAMES


@pytest.mark.parametrize("name", NAMES)
def test_case_reproduces_the_published_rows(name: str) -> None:
    folder = CASES / name
    case = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))["rows"]
    date = parse_date(case["date"])
    assert date is not None
    # optional `form:` a catalogue name or generic (default: recognised from the document)
    decisions = folder / case["decisions"] if "decisions" in case else None
    result = compare_files(folder / case["old"], folder / case["new"], date, decisions, form=case.get("form"))
    rows = result.rows
    # optional `gaps`: what could not be compared, each named by a part of its place (else none)
    wanted_gaps = json.loads((folder / "expected.json").read_text(encoding="utf-8")).get("gaps", [])
    assert len(result.gaps) == len(wanted_gaps), [g.message for g in result.gaps]
    for gap, where in zip(result.gaps, wanted_gaps, strict=True):
        assert where in gap.where, (gap.message, where)
    # same items, in the same order, with the same 提出時期
    assert len(rows) == len(expected), [r.項目 for r in rows]
    for row, want in zip(rows, expected, strict=True):
        assert row.項目.endswith(want["item"]), (row.項目, want)
        assert row.提出時期 == want["提出時期"], (row.項目, want)
        assert row.確度 == want.get("確度", "ok"), (row.項目, want)
        assert row.根拠 == want.get("根拠", row.根拠), (row.項目, want)
        assert row.判断の状態 == want.get("判断の状態"), (row.項目, want)
        for cell in ("変更前の記載", "変更後の記載"):
            if cell in want:  # optional: the concise cell a person would paste
                assert getattr(row, cell) == want[cell], (row.項目, cell)
        assert row.変更日 == case["date"]
        if "根拠" in want:
            assert row.根拠 == want["根拠"], (row.項目, want)
