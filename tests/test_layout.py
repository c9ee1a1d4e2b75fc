"""The row-height rule, worked by hand: how wide characters are, where lines wrap, how tall a row
must be (tests/test_rendering.py checks the same rule against LibreOffice's printing)."""

from __future__ import annotations

import pytest

from pia_diff.report.layout import (
    CELL_LIMIT,
    MAX_ROW_HEIGHT,
    Face,
    Grid,
    Slot,
    height,
    heights,
    max_lines,
    row_height,
    rows_needed,
    wrap,
)

KANJI = 10.5  # points: a full-width character of ＭＳ ゴシック 10.5 pt


def _lines(text: str, width_pt: float) -> list[str]:
    return [text[a:b] for a, b in wrap(text, width_pt)]


def test_character_widths_in_the_cell_font() -> None:
    face = Face()
    assert face.advance("あ") == face.advance("漢") == face.advance("（") == KANJI  # full width: two columns
    assert (
        face.advance("○") == face.advance("※") == face.advance("①") == KANJI
    )  # ambiguous: full width in a Japanese font
    assert face.advance("i") == face.advance(" ") == KANJI / 2  # ＭＳ ゴシック's half width
    assert face.advance("0") == 1.3 * KANJI / 2  # DejaVu Sans, LibreOffice's Latin face when ＭＳ ゴシック is missing
    assert face.advance("W") == KANJI and face.advance("ｱ") == KANJI / 2
    assert Face(bold=True).advance("W") == 1.2 * KANJI and Face(bold=True).advance("提") == KANJI


def test_line_pitch_by_font() -> None:
    assert Face().pitch == pytest.approx(10.5 * 1.45)  # LibreOffice's Noto Sans CJK: 1.448 em
    assert Face("游ゴシック", 11).pitch == pytest.approx(11 * 1.71)  # Excel: 18.75 pt a line at 11 pt
    assert Face("Meiryo UI", 11).pitch == pytest.approx(11 * 1.71)


def test_column_width_unit_is_the_standard_fonts_digit() -> None:
    grid = Grid()  # Arial 11: Excel 8 px a unit (6 pt) less 5 px of margins, 2% spare; LibreOffice 6.116 pt less 2
    assert grid.text_width(10) == pytest.approx(min((60 - 3.75) * 0.98, 10 * 0.556 * 11 - 2))
    assert grid.text_width(40) == pytest.approx((240 - 3.75) * 0.98)
    assert grid.column_width(grid.text_width(33)) == pytest.approx(33, abs=0.1)
    # a workbook whose standard font we do not know: the narrowest digit (half an em)
    assert Grid("游ゴシック", 11).text_width(10) < grid.text_width(10)


def test_full_width_characters_count_double() -> None:
    assert _lines("あ" * 12, 5 * KANJI) == ["あああああ", "あああああ", "ああ"]
    assert _lines("abcdefghij", 5 * KANJI) != _lines("ああああああああああ", 5 * KANJI)
    assert len(wrap("あ" * 10, 5 * KANJI)) == 2 and len(wrap("i" * 10, 5 * KANJI)) == 1


def test_line_breaks_in_the_cell_are_kept() -> None:
    assert _lines("あ\n\nい", 5 * KANJI) == ["あ", "", "い"]
    assert _lines("", 5 * KANJI) == [""]


def test_a_character_that_may_not_start_a_line_takes_the_one_before_with_it() -> None:
    # Excel's kinsoku: 「。」 never starts a line, so 「お」 goes down with it
    assert _lines("あいうえお。", 5 * KANJI) == ["あいうえ", "お。"]
    assert _lines("あいうえ「お", 5 * KANJI) == ["あいうえ", "「お"]  # 「 never ends a line
    assert _lines("あいうえお", 5 * KANJI) == ["あいうえお"]


def test_words_wrap_whole_and_spaces_hang_at_the_end_of_a_line() -> None:
    assert _lines("abc defghij", 5 * KANJI) == ["abc", "defghij"]
    assert _lines("x" * 30, 5 * KANJI) == ["x" * 8] * 3 + ["x" * 6]  # x: 1.2 half-ems; a word longer than a line breaks
    assert _lines("あいうえお   ", 5 * KANJI) == ["あいうえお"]


def test_row_height_is_lines_times_the_pitch_up_to_excels_limit() -> None:
    assert height(4) == pytest.approx(4 * 15.225 + 1)
    assert height(0) == height(1)
    assert height(100) == MAX_ROW_HEIGHT and max_lines() == 26
    slots = [Slot(5 * KANJI), Slot(10 * KANJI)]
    assert row_height(["あ" * 12, "い"], slots) == height(3)  # the tallest cell decides
    assert row_height(["", ""], slots) == height(1)


def test_a_text_taller_than_a_row_runs_on_cut_at_a_line_break() -> None:
    text = "".join(f"第{n}項の記載です。\n" for n in range(40)).rstrip("\n")
    (runs,) = rows_needed([text], [Slot(20 * KANJI)])
    assert len(runs) == 2
    first, second = (text[r.start : r.end] for r in runs)
    assert first + "\n" + second == text and first.endswith("第25項の記載です。")
    assert [r.lines for r in runs] == [26, 14] == [len(wrap(t, 20 * KANJI)) for t in (first, second)]
    assert heights([runs], [Slot(20 * KANJI)]) == [height(26), height(14)]


def test_a_text_longer_than_a_cell_keeps_runs_on_at_the_cell_limit() -> None:
    text = "あ" * 40_000
    (runs,) = rows_needed([text], [Slot(2000 * KANJI)])  # a column so wide that 26 lines hold 52,000
    assert [r.end - r.start for r in runs] == [32_000, 8_000]  # whole lines of 2,000 up to the limit
    assert [r.lines for r in runs] == [16, 4] and runs[0].end == runs[1].start and runs[0].end <= CELL_LIMIT
