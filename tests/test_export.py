"""The `export` workbook as it prints: ※ beside the ※ items, the same font, row heights and page setup
as the `diff` workbook, its 別添2 sheet laid out like diff's, and long values running on into the
next row while reading back as the same value (tests/test_workbook.py checks the round trip)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

from openpyxl import load_workbook

from pia_diff.ingest import parse_bytes
from pia_diff.pipeline import compare
from pia_diff.report.export import VALUE_WIDTH, export_workbook
from pia_diff.report.layout import FONT, SIZE, Face, Grid, Slot, height, wrap
from pia_diff.report.sheets import history_columns

from .helpers import CAT, sample

PATH = ("Ⅲ リスク対策", "9 従業者に対する教育・啓発", "具体的な方法")


def test_star_items_carry_the_mark_and_nothing_else_does() -> None:
    book = load_workbook(io.BytesIO(export_workbook(sample("001"), CAT).data))
    labels = {c.value for sheet in book.worksheets for c in sheet["A"] if isinstance(c.value, str)}
    assert {"①ファイルの種類 ※", "③使用目的 ※", "委託の有無 ※", "保管場所 ※"} <= labels
    assert "①ファイルの種類" not in labels and "②対象となる本人の数" in labels  # not ※
    # Ⅲ is ※ as a whole except 7 ②: the exception carries no mark, the part's heading none either
    assert any(str(v).startswith("②過去3年以内") and not str(v).endswith("※") for v in labels)
    assert "Ⅲ リスク対策" in labels


def test_form_sheets_print_on_a4_portrait_in_the_japanese_font() -> None:
    book = load_workbook(io.BytesIO(export_workbook(sample("001"), CAT).data))
    for sheet in book.worksheets[:-1]:
        assert sheet.page_setup.orientation == "portrait" and int(sheet.page_setup.paperSize) == 9
        assert sheet.page_setup.fitToWidth == 1 and sheet.oddFooter.center.text == "&P / &N"
        cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
        assert {(c.font.name, c.font.sz) for c in cells} == {(FONT, SIZE)}
        # 86 units: A4 portrait without shrinking
        assert sheet.column_dimensions["A"].width + sheet.column_dimensions["B"].width <= 86


def test_the_betten2_sheet_is_laid_out_like_the_diff_workbooks() -> None:
    snapshot = sample("003")
    sheet = load_workbook(io.BytesIO(export_workbook(snapshot, CAT).data))["別添2 変更箇所"]
    assert sheet["A1"].value == "(別添2) 変更箇所" and sheet.print_title_rows == "$2:$2"
    columns = history_columns([list(h.cells) for h in snapshot.history])
    assert [c.value for c in sheet[2]] == [c.name for c in columns]
    assert [sheet.column_dimensions[x].width for x in "ABCDEF"] == [c.width for c in columns]
    assert sheet.page_setup.orientation == "landscape" and sheet.freeze_panes == "A3"
    assert all(c.font.name == FONT and c.border.left.style == "thin" for c in sheet[3])


def test_a_value_taller_than_a_row_runs_on_and_reads_back_the_same() -> None:
    published = sample("003")
    long = "\n".join(f"・第{n}項 従業者に情報セキュリティの研修を年に一度行い、受講の記録を残す。" for n in range(60))
    snapshot = dataclasses.replace(published.fields[PATH], value=long)
    edited = dataclasses.replace(published, fields={**published.fields, PATH: snapshot})
    written = export_workbook(edited, CAT)
    assert written.warnings == ()  # 3,000 characters: more than a row shows, less than a cell keeps
    sheet = load_workbook(io.BytesIO(written.data))["Ⅲ リスク対策"]
    top = next(c.row for c in sheet["B"] if str(c.value).startswith("・第0項"))
    assert sheet.cell(top, 1).value == "具体的な方法 ※"
    parts = []
    for row in range(top, sheet.max_row + 1):
        if row > top and sheet.cell(row, 1).value is not None:
            break
        parts.append(sheet.cell(row, 2).value)
    assert len(parts) > 1 and "\n".join(parts) == long  # cut at line breaks, nothing lost
    lines = len(wrap(parts[0], Grid().text_width(VALUE_WIDTH)))
    assert sheet.row_dimensions[top].height == height(lines) and lines <= 26
    again = parse_bytes(written.data, "作業用.xlsx")
    assert again.fields[PATH].value == long
    assert compare(edited, again, dt.date(2026, 1, 15)).rows == []


def test_row_heights_follow_the_rule_with_the_labels_indent() -> None:
    sheet = load_workbook(io.BytesIO(export_workbook(sample("001"), CAT).data))["Ⅱ ファイルの概要"]
    grid = Grid()
    checked = 0
    for row in range(1, sheet.max_row + 1):
        label, value = sheet.cell(row, 1), sheet.cell(row, 2)
        if label.value is None or value.value is None:
            continue
        indent = (label.alignment.indent or 0) * 11.0
        slots = [Slot(grid.text_width(sheet.column_dimensions["A"].width) - indent), Slot(grid.text_width(VALUE_WIDTH))]
        lines = max(len(wrap(str(c.value), s.width_pt, Face())) for c, s in zip((label, value), slots, strict=True))
        assert sheet.row_dimensions[row].height == height(lines), label.value
        checked += 1
    assert checked > 20
