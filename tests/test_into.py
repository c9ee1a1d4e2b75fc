"""New 別添2 rows written into the new version's own workbook, the way users will do it: export the
published version, edit it as a person would, diff, write the rows in, and `check` the result."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side

from pia_diff.catalogue import load_catalogue
from pia_diff.errors import InputError
from pia_diff.ingest import read_document
from pia_diff.ingest.hits import history_rows
from pia_diff.ingest.workbook import workbook_text
from pia_diff.pipeline import compare_files, release_blockers
from pia_diff.report.export import export_bytes
from pia_diff.report.into import into_workbook
from pia_diff.report.layout import CELL_LIMIT, Face, Grid, Slot, row_height
from pia_diff.text import compare_key

from .conftest import seed

DAY = dt.date(2026, 1, 15)
ADDRESS = "〒070-8525 旭川市7条通9丁目48番地(総合庁舎2階) 旭川市市民生活部地域活動推進課 0166-25-9101"


def edited_export(folder: Path, label: str = "①請求先", value: str = ADDRESS) -> tuple[Path, Path]:
    """003's published text, and its export with one value changed in Excel's way (openpyxl, by the
    label in column A): (old, edited)."""
    old = seed("003")
    book = load_workbook(io.BytesIO(export_bytes(read_document(old), load_catalogue())))
    sheet = book["Ⅳ 開示請求、問合せ"]
    cell = next(row[1] for row in sheet.iter_rows() if row[0].value == label)
    cell.value = value
    path = folder / "新しい版.xlsx"
    book.save(path)
    return old, path


def test_rows_written_into_the_new_version_clear_the_missing_row_errors(tmp_path: Path) -> None:
    old, edited = edited_export(tmp_path)
    # a second 事後 change: ②請求方法 (not ※)
    book = load_workbook(edited)
    sheet = book["Ⅳ 開示請求、問合せ"]
    next(r[1] for r in sheet.iter_rows() if r[0].value == "②請求方法").value = "窓口または郵送で受け付ける。"
    book.save(edited)
    before = compare_files(old, edited, DAY)
    assert [str(r.提出時期) for r in before.rows] == ["事後", "事後"]
    _, errors = release_blockers(before)
    assert {e.code for e in errors} == {"change-without-row"} and len(errors) == 2  # what the user meets today

    original = edited.read_bytes()
    written = into_workbook(original, before.rows, edited.name)
    assert edited.read_bytes() == original  # the input is never modified
    result = tmp_path / "出力.xlsx"
    result.write_bytes(written.data)
    after = compare_files(old, result, DAY)
    assert [(r.項目, r.提出時期) for r in after.rows] == [(r.項目, r.提出時期) for r in before.rows]
    blocking, errors = release_blockers(after)
    assert blocking == [] and errors == []
    # the new version's 別添2 now holds its published rows, then the two new ones
    history = read_document(result).history
    assert len(history) == len(read_document(old).history) + 2
    assert [h.cells[1] for h in history[-2:]] == [r.項目 for r in before.rows]
    assert history[-1].cells[4] == "事後" and history[-1].cells[0] == "令和8年1月15日"


def _style(cell) -> str:
    return repr((cell.font, cell.border, cell.fill, cell.alignment, cell.number_format))


def test_other_sheets_and_the_rows_above_are_untouched(tmp_path: Path) -> None:
    old, edited = edited_export(tmp_path)
    rows = compare_files(old, edited, DAY).rows
    before = load_workbook(edited)
    after = load_workbook(io.BytesIO(into_workbook(edited.read_bytes(), rows, edited.name).data))
    assert after.sheetnames == before.sheetnames
    table = "別添2 変更箇所"
    for name in before.sheetnames:
        a, b = before[name], after[name]
        for row in range(1, a.max_row + 1):  # on the table's sheet: every row above the new ones
            for column in range(1, a.max_column + 1):
                x, y = a.cell(row, column), b.cell(row, column)
                assert x.value == y.value and _style(x) == _style(y)
            assert a.row_dimensions[row].height == b.row_dimensions[row].height
        assert {c: d.width for c, d in a.column_dimensions.items()} == {
            c: d.width for c, d in b.column_dimensions.items()
        }
        assert set(map(str, a.merged_cells.ranges)) <= set(map(str, b.merged_cells.ranges))
    sheet, top = after[table], before[table].max_row
    assert sheet.max_row == top + len(rows)
    new = sheet.cell(top + 1, 2)
    template = sheet.cell(top, 2)
    assert new.value == rows[0].項目
    assert _style(new) == _style(template)
    # as tall as the layout rule says for its texts in these columns
    grid = Grid()
    widths = [sheet.column_dimensions[c].width for c in "ABCDEF"]
    texts = [str(sheet.cell(top + 1, c).value) for c in range(1, 7)]
    expected = row_height(texts, [Slot(grid.text_width(w), Face()) for w in widths])
    assert sheet.row_dimensions[top + 1].height == pytest.approx(expected)


def hand_built() -> bytes:
    """A workbook as a city keeps it: a cover sheet, then the 別添2 sheet with a No. column, the
    変更前の記載 header and cells merged over two columns, 変更日 merged down over two rows of
    the same revision, a 備考 column of its own, 游ゴシック 11, and 「以上」 under the table."""
    book = Workbook()
    cover = book.active
    cover.title = "表紙"
    cover["A1"], cover["B1"] = "評価書名", "国民年金に関する事務 重点項目評価書"
    sheet = book.create_sheet("別添2")
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    yu = Font(name="游ゴシック", sz=11)
    sheet["A1"] = "（別添2）変更箇所"
    header = ["No.", "変更日", "項目", "変更前の記載", None, "変更後の記載", "提出時期", "提出時期に係る説明", "備考"]
    body = [
        ["1", "令和3年3月31日", "I-6-② 所属長", "市民課長 東峰 隆", None, "市民課長", "事後", "異動のため"],
        ["2", None, "I-1-② 事務の内容", "国民年金法等に基づき", None, "番号法に基づき", "事後", "法令名"],
        ["3", "令和5年11月6日", "Ⅴ ①実施日", "令和3年3月31日", None, "令和5年10月1日", "事後", "再評価", "決裁済"],
    ]
    for r, values in enumerate([header, *body], start=3):
        for c, value in enumerate([*values, None][:9], start=1):
            cell = sheet.cell(r, c, value)  # the 備考 column ruled even where it is empty
            cell.border, cell.font = box, yu
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.merge_cells(start_row=r, start_column=4, end_row=r, end_column=5)
    sheet.merge_cells("B4:B5")  # one date for two rows of the same revision
    sheet["H8"] = "以上"
    sheet.page_setup.orientation = "landscape"  # printed on one page across, as the city prints it
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    for letter, width in zip("ABCDEFGHI", (5, 16, 24, 18, 18, 34, 8, 24, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_hand_built_table_with_a_number_column_and_merged_cells(tmp_path: Path) -> None:
    old, edited = edited_export(tmp_path)
    rows = compare_files(old, edited, DAY).rows
    data = into_workbook(hand_built(), rows, "hand.xlsx").data
    sheet = load_workbook(io.BytesIO(data))["別添2"]
    assert [sheet.cell(7, c).value for c in (1, 2, 3, 7)] == ["4", "令和8年1月15日", rows[0].項目, "事後"]
    assert sheet.cell(7, 4).value == rows[0].変更前の記載 and sheet.cell(7, 6).value == rows[0].変更後の記載
    merged = set(map(str, sheet.merged_cells.ranges))
    assert {"B4:B5", "D3:E3", "D6:E6", "D7:E7"} <= merged  # the old merges kept, the new row merged like the one above
    assert sheet["H9"].value == "以上" and sheet["H8"].value is None  # moved below the new row
    assert sheet.cell(7, 3).font.name == "游ゴシック" and sheet.cell(7, 3).border.left.style == "thin"
    assert sheet.cell(7, 9).value is None and sheet.cell(7, 9).border.right.style == "thin"  # 備考: ruled, empty
    # 游ゴシック's lines are further apart: the row is sized for it
    assert sheet.row_dimensions[7].height >= 2 * Face("游ゴシック", 11).pitch
    # the reader finds all four rows, the merged date carried down
    lines = workbook_text(data, "hand.xlsx")[0].split("\n")
    start = next(i for i, line in enumerate(lines, start=1) if "提出時期" in line)
    found, stray = history_rows(lines, start)
    assert [r.cells[1] for r in found] == ["I-6-② 所属長", "I-1-② 事務の内容", "Ⅴ ①実施日", rows[0].項目]
    assert stray == []  # 「以上」 closes the table


def test_rows_already_in_the_table_are_not_written_twice(tmp_path: Path) -> None:
    old, edited = edited_export(tmp_path)
    rows = compare_files(old, edited, DAY).rows
    once = into_workbook(edited.read_bytes(), rows, edited.name)
    twice = into_workbook(once.data, rows, edited.name)
    assert once.warnings == ()
    assert len(twice.warnings) == 1 and "もうある" in twice.warnings[0]
    assert (
        load_workbook(io.BytesIO(twice.data))["別添2 変更箇所"].max_row
        == load_workbook(io.BytesIO(once.data))["別添2 変更箇所"].max_row
    )


def test_a_workbook_without_a_betten2_table_is_refused_in_japanese(tmp_path: Path) -> None:
    old, edited = edited_export(tmp_path)
    rows = compare_files(old, edited, DAY).rows
    book = Workbook()
    book.active["A1"] = "評価書名"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(InputError) as caught:
        into_workbook(buffer.getvalue(), rows, "表だけ.xlsx")
    assert caught.value.source == "表だけ.xlsx" and "別添2" in caught.value.problem
    with pytest.raises(InputError, match="ではありません"):
        into_workbook(b"not a workbook", rows, "文書.xlsx")
    with pytest.raises(InputError, match="壊れているか、途中で切れています"):
        into_workbook(buffer.getvalue()[:-100], rows, "壊れた.xlsx")


def test_a_text_longer_than_a_cell_runs_on_and_is_reported(tmp_path: Path) -> None:
    import dataclasses

    old, edited = edited_export(tmp_path)
    rows = compare_files(old, edited, DAY).rows
    long = "長い記載です。" * 5000  # 35,000 characters
    written = into_workbook(edited.read_bytes(), [dataclasses.replace(rows[0], 変更後の記載=long)], edited.name)
    assert len(written.warnings) == 1 and "32,767" in written.warnings[0] and "35,000" in written.warnings[0]
    sheet = load_workbook(io.BytesIO(written.data))["別添2 変更箇所"]
    top = load_workbook(edited)["別添2 変更箇所"].max_row + 1
    parts = [sheet.cell(r, 4).value for r in range(top, sheet.max_row + 1)]
    assert all(len(p) <= CELL_LIMIT for p in parts) and "".join(parts) == long
    # read back, the rows are one row again with the whole text (the reader joins them with spaces)
    path = tmp_path / "出力.xlsx"
    path.write_bytes(written.data)
    last = read_document(path).history[-1]
    assert last.cells[1] == rows[0].項目 and compare_key(last.cells[3]) == compare_key(long)


def _with_a_shape(data: bytes) -> bytes:
    """The workbook with a text box drawn on its cover sheet (a part openpyxl does not carry over)."""
    import re
    import zipfile

    drawing = (
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:twoCellAnchor>'
        "<xdr:from><xdr:col>3</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>3</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
        "<xdr:to><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>6</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
        '<xdr:sp><xdr:nvSpPr><xdr:cNvPr id="2" name="TextBox 1"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr>'
        '<xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr>'
        "<xdr:txBody><a:bodyPr/><a:p><a:r><a:t>決裁済</a:t></a:r></a:p></xdr:txBody></xdr:sp>"
        "<xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>"
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rIdShape" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing" '
        'Target="../drawings/drawing1.xml"/></Relationships>'
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = body.decode()
                if "xmlns:r=" not in text:
                    text = text.replace(
                        "<worksheet ",
                        '<worksheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ',
                        1,
                    )
                body = re.sub(r"(</worksheet>)", '<drawing r:id="rIdShape"/>\\1', text).encode()
            if item.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/drawings/drawing1.xml" '
                    b'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>',
                )
            target.writestr(item, body)
        target.writestr("xl/worksheets/_rels/sheet1.xml.rels", rels)
        target.writestr("xl/drawings/drawing1.xml", drawing)
    return out.getvalue()


def test_what_the_copy_cannot_keep_is_said(tmp_path: Path) -> None:
    old, edited = edited_export(tmp_path)
    rows = compare_files(old, edited, DAY).rows
    book = _with_a_shape(hand_built())
    assert load_workbook(io.BytesIO(book))["別添2"].max_row == 8  # the package opens
    written = into_workbook(book, rows, "hand.xlsx")
    assert written.warnings == ("元のブックにあった図形・画像は書き写せませんでした (元のファイルはそのままです)。",)
    assert load_workbook(io.BytesIO(written.data))["別添2"]["H9"].value == "以上"  # and the rows went in
