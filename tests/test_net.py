"""The release gate's safety net (issue 17 §1): a line that differs between two versions is accounted
for by a row, a reported gap or a named non-change — or it is a gap itself, and `check` exits 1.
Each test edits the 旭川 sample the way a 担当者 would, in a place the item reader does not read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pia_diff.ingest import parse_bytes
from pia_diff.pipeline import compare, release

from .conftest import ROOT

NEW = ROOT / "samples" / "asahikawa" / "new.txt"
DAY = dt.date(2026, 4, 1)


def _lines() -> list[str]:
    return NEW.read_text(encoding="utf-8").split("\n")


def _pair(edit: dict[int, str], name: str = "edited.txt") -> tuple[object, object]:
    """The sample, and the sample with lines (1-based) replaced."""
    lines = _lines()
    for number, text in edit.items():
        lines[number - 1] = text
    old = parse_bytes(NEW.read_bytes(), "new.txt")
    new = parse_bytes("\n".join(lines).encode("utf-8"), name)
    return old, new


def _net(old: object, new: object) -> list[str]:
    result = compare(old, new, DAY)  # type: ignore[arg-type]
    return [g.message for g in result.gaps if "説明のつかない差分" in g.message]


def test_an_unchanged_document_has_nothing_unexplained() -> None:
    old, new = _pair({})
    assert _net(old, new) == []
    assert release(compare(old, new, DAY)).may_file  # type: ignore[arg-type]


def test_a_sentence_typed_after_the_option_list_of_a_choice() -> None:
    """l.80 ④再委託の有無 ※: the choice is read from its bracket; a sentence after the printed option
    list is no part of the value, yet the document says it: the net names the item."""
    line = _lines()[79] + " 令和8年4月からは再委託しない予定"
    old, new = _pair({80: line})
    result = compare(old, new, DAY)  # type: ignore[arg-type]
    assert result.rows == []  # the item reader sees no change
    found = _net(old, new)
    assert len(found) == 1 and "④再委託の有無" in found[0] and "80 行目" in found[0]
    assert not release(result).may_file
    # the two lines are the same for 60 characters: each is shown from a little before they differ
    assert "前の版 80 行目「… 2) 再委託しない」" in found[0]
    assert "新しい版 80 行目「… 2) 再委託しない 令和8年4月からは再委託しない予定」" in found[0]


def test_a_row_repeated_by_the_extract_is_compared_too() -> None:
    """A value printed twice (the extract repeats a row): editing the second copy only is a change of
    the item (both copies are compared, issue 17 §3), and the two readings in the new version are a gap."""
    lines = _lines()
    copy = lines[76]  # l.77 ①委託内容
    old_lines = [*lines[:77], copy, *lines[77:]]
    new_lines = [*lines[:77], copy.replace("報告文書", "報告書類"), *lines[77:]]
    old = parse_bytes("\n".join(old_lines).encode("utf-8"), "old.txt")
    new = parse_bytes("\n".join(new_lines).encode("utf-8"), "new.txt")
    result = compare(old, new, DAY)
    assert [r.item_path[-1] for r in result.rows] == ["①委託内容"]
    assert "（別の箇所の記載: COKAS-i国民年金システムにて行う報告書類(帳票)の出力）" in result.rows[0].変更後の全文
    assert [g.path[-1] for g in result.gaps] == ["①委託内容"] and "2か所に違う記載" in result.gaps[0].message
    assert _net(old, new) == []  # the line is accounted for by the row
    assert not release(result).may_file


def test_text_beside_a_heading_is_compared() -> None:
    """l.177 「8. 監査」 with a note typed into the cell beside the heading."""
    old, new = _pair({177: "8. 監査\t内部監査は令和8年度から実施\t\t"})
    found = _net(old, new)
    assert len(found) == 1 and "8 監査" in found[0]


def test_a_real_change_is_accounted_for_by_its_row() -> None:
    """l.77 ①委託内容 edited: a row, and nothing unexplained."""
    old, new = _pair({77: _lines()[76].replace("報告文書", "報告書類")})
    result = compare(old, new, DAY)  # type: ignore[arg-type]
    assert [r.item_path[-1] for r in result.rows] == ["①委託内容"]
    assert _net(old, new) == []


@pytest.mark.parametrize("dash", ["-", "－", "―", "空欄"])
def test_empty_cell_marks_are_no_change(dash: str) -> None:
    """Issue 17 §7: 「—」 written 「-」「－」「―」「空欄」 in the other version is the same empty cell."""
    lines = _lines()
    number = next(
        i
        for i, line in enumerate(lines, start=1)
        if line.startswith("⑤再委託の許諾方法") or "\t⑤再委託の許諾方法" in line
    )
    old_lines = [*lines]
    old_lines[number - 1] = "\t⑤再委託の許諾方法\t—"
    new_lines = [*lines]
    new_lines[number - 1] = f"\t⑤再委託の許諾方法\t{dash}"
    old = parse_bytes("\n".join(old_lines).encode("utf-8"), "old.txt")
    new = parse_bytes("\n".join(new_lines).encode("utf-8"), "new.txt")
    result = compare(old, new, DAY)
    assert result.rows == [] and result.gaps == []
    assert release(result).may_file


def test_an_edited_export_is_compared_line_by_line_with_the_old_version_written_out(tmp_path: Path) -> None:
    """The Excel workflow: old = the published text, new = its export edited by a person. A note
    typed after a choice's option in a cell is seen, although the item reader keeps the choice."""
    from openpyxl import load_workbook

    from pia_diff.catalogue import load_catalogue
    from pia_diff.report.export import export_bytes

    old = parse_bytes(NEW.read_bytes(), "new.txt")
    book = tmp_path / "作業用.xlsx"
    book.write_bytes(export_bytes(old, load_catalogue()))
    assert compare(old, parse_bytes(book.read_bytes(), "作業用.xlsx"), DAY).gaps == []
    workbook = load_workbook(book)
    cell = next(
        row[1]
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        if row[0].value and "④再委託の有無" in str(row[0].value)
    )
    cell.value = f"{cell.value} <選択肢> 1) 再委託する 2) 再委託しない 令和8年度から見直す"
    workbook.save(book)
    new = parse_bytes(book.read_bytes(), "作業用.xlsx")
    result = compare(old, new, DAY)
    assert result.rows == []
    assert any("④再委託の有無" in g.message and "説明のつかない差分" in g.message for g in result.gaps)


SEED000 = ROOT / "tests" / "data" / "seeds" / "000_1b26583c935d31ed.txt"


def _seed000_without(number: int) -> tuple[object, object]:
    """Seed 000 (a PDF's text dump, labels and values on lines of their own), and the same with line
    `number` deleted."""
    lines = SEED000.read_text(encoding="utf-8").split("\n")
    old = parse_bytes(SEED000.read_bytes(), "old.txt")
    new = parse_bytes("\n".join(lines[: number - 1] + lines[number:]).encode("utf-8"), "new.txt")
    return old, new


def test_a_label_line_deleted_is_a_difference() -> None:
    """l.907 「リスクに対する措置の内容」 printed a second time, with no text of its own: a label is no
    content of its item, but a label the new version no longer prints is a row gone (missed by the
    gate sweep until labels were counted)."""
    old, new = _seed000_without(907)
    result = compare(old, new, DAY)  # type: ignore[arg-type]
    assert result.rows == []
    found = _net(old, new)
    assert len(found) == 1 and "リスクに対する措置の内容" in found[0]
    assert not release(result).may_file


def test_a_deleted_line_of_debris_is_not_hidden_by_the_same_text_in_an_unplaced_block() -> None:
    """l.1348 「[ 10人以上50人未満 ]」, a choice's bracket the PDF printed apart from its label (debris),
    deleted; the same text stands again at l.1418 inside a block reported as unplaced. Which of the two
    went cannot be told: the debris line is named rather than passed over."""
    old, new = _seed000_without(1348)
    lines = SEED000.read_text(encoding="utf-8").split("\n")
    assert lines[1347] == lines[1417] == "[ 10人以上50人未満 ]"
    found = _net(old, new)
    assert len(found) == 1 and "1348 行目「[ 10人以上50人未満 ]」" in found[0]
    assert not release(compare(old, new, DAY)).may_file  # type: ignore[arg-type]
