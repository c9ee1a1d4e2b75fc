"""Column widths count what a reader sees (wcwidth): wide characters twice, combining marks not."""

from __future__ import annotations

import unicodedata

import pytest

from pia_diff.text import display_width


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("abc", 3),
        ("委託する", 8),
        ("ｶﾞ", 2),  # half-width katakana and its half-width dakuten
        (unicodedata.normalize("NFD", "ガイド"), 6),  # decomposed kana: the dakuten takes no column
        ("a\tb", 3),
        ("", 0),
    ],
)
def test_display_width(text: str, width: int) -> None:
    assert display_width(text) == width


def test_the_shortcut_for_wide_letters_agrees_with_wcwidth() -> None:
    """Kanji, kana and full-width forms are measured without wcwidth; every character of the planes
    a 評価書 uses must still measure as wcwidth says (marks, Hangul filler and controls included)."""
    from wcwidth import wcwidth

    disagree = [
        hex(cp)
        for cp in range(0x30000)
        if not 0xD800 <= cp <= 0xDFFF
        and display_width(chr(cp)) != (max(wcwidth(chr(cp)), 0) if chr(cp).isprintable() else 1)
    ]
    assert disagree == []


def test_the_help_needs_no_wcwidth() -> None:
    """`pia-diff --help` lines its columns up by display width without loading wcwidth's tables."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom pia_diff.cli import app\n"
        "try:\n    app(['diff', '--help'])\nexcept SystemExit:\n    pass\n"
        "print('wcwidth' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "使い方:" in done.stdout
    assert done.stderr.strip().endswith("False")
