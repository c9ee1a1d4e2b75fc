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
