"""The 別添2 workbook, read back with openpyxl (never compared as bytes)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText

from pia_diff.compare.classify import Options, classify
from pia_diff.compare.diff import diff
from pia_diff.compare.rules import load_rules
from pia_diff.report.excel import BASIS_SHEET, COMPARISON_SHEET, SHEET, diff_workbook, workbook_bytes
from pia_diff.report.layout import CELL_LIMIT, FONT, SIZE, Face, Grid, Slot, row_height
from pia_diff.values import Certainty

from .helpers import CAT, DAY, edited, sample


def _rows(value: str = "=SUM(A1:A3) と書かれた手順"):
    path = ("Ⅳ 開示請求、問合せ", "1 特定個人情報の開示・訂正・利用停止請求", "②請求方法")
    star = ("Ⅱ 特定個人情報ファイルの概要", "3 特定個人情報の入手・使用", "③使用目的")
    old = sample("003")
    new = edited(edited(old, path, value), star, "＋国民年金の事務")
    return old, classify(diff(old, new, CAT), CAT, load_rules(), Options(DAY))


def _book(old, rows):
    return load_workbook(io.BytesIO(workbook_bytes(old.history, rows)))


def test_sheet_layout_header_and_cumulative_rows() -> None:
    old, rows = _rows()
    book = _book(old, rows)
    assert book.sheetnames == [SHEET, COMPARISON_SHEET, BASIS_SHEET]
    sheet = book[SHEET]
    assert sheet["A1"].value == "（別添2）変更箇所"
    header = [c.value for c in sheet[2]]
    assert header == ["変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明"]
    body = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    assert len(body) == len(old.history) + len(rows) == 18 + 2
    assert body[0][:2] == ["令和3年3月31日", "I-1-② 事務の内容"]  # 003's first published row
    new_rows = body[len(old.history) :]
    assert [r[0] for r in new_rows] == ["令和8年1月15日"] * 2
    assert [r[4] for r in new_rows] == ["事前", "事後"]  # ③使用目的 is ※; ②請求方法 is not
    assert sheet.freeze_panes == "A3"


@pytest.mark.parametrize("name", [SHEET, COMPARISON_SHEET, BASIS_SHEET])
def test_every_sheet_prints_on_a4_as_wide_as_the_page_with_page_numbers(name: str) -> None:
    old, rows = _rows()
    sheet = _book(old, rows)[name]
    setup = sheet.page_setup
    assert (int(setup.paperSize), setup.orientation) == (9, "landscape")  # 9: A4
    assert (setup.fitToWidth, setup.fitToHeight, sheet.sheet_properties.pageSetUpPr.fitToPage) == (1, 0, True)
    assert sheet.print_title_rows == ("$3:$3" if name == COMPARISON_SHEET else "$2:$2")  # the header row
    assert sheet.oddFooter.center.text == "&P / &N" and sheet.oddHeader.right.text == "&A"
    assert sheet.page_margins.left == sheet.page_margins.right == 0.4


def test_every_written_cell_is_in_the_japanese_font() -> None:
    old, rows = _rows()
    data = workbook_bytes(old.history, rows, [("注意", "確認事項")])
    book = load_workbook(io.BytesIO(data))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert len(cells) > 150
    assert {(c.font.name, c.font.sz) for c in cells} <= {(FONT, SIZE), (FONT, 12.0)}  # 12 pt: the titles
    # the standard style (the unit of column widths) is Arial: as wide in Excel as in LibreOffice
    assert book._named_styles["Normal"].font.name == "Arial"
    # rich text runs name the font too (a run without one falls back to a serif face in LibreOffice)
    rich = load_workbook(io.BytesIO(data), rich_text=True)[COMPARISON_SHEET]
    runs = [r for row in rich.iter_rows() for c in row if isinstance(c.value, CellRichText) for r in c.value]
    assert runs and all(isinstance(r, str) or (r.font.rFont, r.font.sz) == (FONT, SIZE) for r in runs)


def test_formula_like_text_is_stored_as_text() -> None:
    old, rows = _rows()
    book = _book(old, rows)
    for name in (SHEET, COMPARISON_SHEET):
        cells = [c for r in book[name].iter_rows(min_row=3) for c in r if isinstance(c.value, str)]
        formula_like = [c for c in cells if c.value.startswith(("=", "＋"))]
        assert formula_like and all(c.data_type == "s" for c in formula_like), name
    texts = {c.value for r in book[SHEET].iter_rows() for c in r}
    assert {"=SUM(A1:A3) と書かれた手順", "＋国民年金の事務"} <= texts


def test_widths_follow_the_text_and_rows_its_wrapped_lines() -> None:
    old, rows = _rows()
    sheet = _book(old, rows)[SHEET]
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEF"}
    # 変更日: as wide as 「令和5年11月6日」 (five kanji, four digits as wide as LibreOffice draws them)
    face, grid = Face(), Grid()
    assert widths["A"] == grid.column_width(sum(face.advance(ch) for ch in "令和5年11月6日"))
    assert widths["E"] == grid.column_width(4 * Face(bold=True).advance("提"))  # the header 「提出時期」
    assert widths["C"] == widths["D"] == 32 and widths["B"] == 23  # long texts wrap instead
    assert all(c.alignment.wrap_text for r in sheet.iter_rows(min_row=3) for c in r)
    assert all(c.border.left.style == "thin" for c in sheet[3])
    for number in range(3, sheet.max_row + 1):
        texts = [str(c.value or "") for c in sheet[number]]
        slots = [Slot(grid.text_width(widths[c])) for c in "ABCDEF"]
        assert sheet.row_dimensions[number].height == row_height(texts, slots)
    heights = [sheet.row_dimensions[r].height for r in range(3, sheet.max_row + 1)]
    assert min(heights) >= Face().pitch and len(set(heights)) > 2


def test_basis_sheet_lists_timing_rule_and_certainty() -> None:
    old, rows = _rows()
    sheet = _book(old, rows)[BASIS_SHEET]
    header = [c.value for c in sheet[2]]
    assert header == ["項目", "提出時期", "確度", "判定の根拠", "提案"]
    body = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    assert [r[1] for r in body] == ["事前※", "事後"]  # ③使用目的 is ※
    assert [r[3].split("\n")[0] for r in body] == [
        "STAR（重要な変更の対象項目（※））",
        "OTHER（その他の項目）",
    ]  # the rule table's names
    # the reader's certainty in words a person reads (the JSON keeps ok / uncertain / missing)
    assert [r[2] for r in body] == [Certainty(r.確度).word for r in rows]
    # 122 units: A4 landscape without shrinking (10.5 pt)
    assert sum(sheet.column_dimensions[c].width for c in "ABCDE") <= 122


def test_basis_sheet_says_what_changed_in_a_checkbox_set_and_which_decision_was_used() -> None:
    import dataclasses

    _, rows = _rows()
    row = dataclasses.replace(rows[1], 詳細="自己点検: [○]→[ ]", 判断="判断ファイル 1件目、例外: 軽微な変更")
    basis = load_workbook(io.BytesIO(workbook_bytes([], [row])))[BASIS_SHEET]
    assert basis["D3"].value.split("\n") == [
        "OTHER（その他の項目）",
        "変更の内容: 自己点検: [○]→[ ]",
        "判断ファイル: 判断ファイル 1件目、例外: 軽微な変更",
    ]


def test_remarks_stay_below_the_basis_table() -> None:
    old, rows = _rows()
    remarks = [("確認できない部分", "Ⅲ の一部を読み取れませんでした。"), ("注意", "古い判断があります。")]
    sheet = load_workbook(io.BytesIO(workbook_bytes(old.history, rows, remarks)))[BASIS_SHEET]
    column = [sheet.cell(r, 1).value for r in range(1, sheet.max_row + 1)]
    heading = column.index("確認事項 (表の行にならないもの)") + 1
    assert heading == 3 + len(rows) + 1  # one blank row under the table
    assert [(sheet.cell(heading + i, 1).value, sheet.cell(heading + i, 2).value) for i in (1, 2)] == remarks
    assert f"B{heading + 1}:E{heading + 1}" in {str(m) for m in sheet.merged_cells.ranges}


CASE = Path(__file__).resolve().parent / "cases" / "typo_in_long_cell"
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "asahikawa"


def _typo_rows():
    from pia_diff.pipeline import compare_files

    return compare_files(CASE / "old.txt", CASE / "new.txt", DAY).rows


def test_concise_cells_in_the_betten2_sheet_and_whole_texts_in_json() -> None:
    rows = _typo_rows()
    sheet = load_workbook(io.BytesIO(workbook_bytes([], rows)))[SHEET]
    before, after = sheet["C3"].value, sheet["D3"].value
    assert before.startswith("（略）・住民登録システム") and before.endswith("ことはない。（略）")
    assert "設計・構築" in before and "設計・講築" in after
    assert len(before) < 100 < len(rows[0].変更前の全文)
    data = rows[0].as_json()
    assert data["変更前の全文"].startswith("特定個人情報の入手先を以下のものに限定し")
    assert data["変更後の全文"] == data["変更前の全文"].replace("設計・構築", "設計・講築", 1)


def test_comparison_sheet_underlines_what_changed_on_each_side() -> None:
    from openpyxl.cell.rich_text import TextBlock

    rows = _typo_rows()
    sheet = load_workbook(io.BytesIO(workbook_bytes([], rows)), rich_text=True)[COMPARISON_SHEET]
    assert sheet["A1"].value == "新旧対照表" and sheet["A2"].value == "（下線の部分が変更箇所です。）"
    assert [c.value for c in sheet[3]] == ["項目", "変更前", "変更後"]
    assert sheet["A4"].value == rows[0].項目
    old, new = sheet["B4"].value, sheet["C4"].value
    assert isinstance(old, CellRichText) and isinstance(new, CellRichText)
    underlined = [[r.text for r in v if isinstance(r, TextBlock) and r.font.u == "single"] for v in (old, new)]
    assert underlined == [["構"], ["講"]]  # the deletion in the old text, the insertion in the new
    # the whole texts, line breaks included; nothing struck through, nothing in colour (it prints in black)
    assert "".join(r if isinstance(r, str) else r.text for r in old) == rows[0].変更前の全文
    assert "".join(r if isinstance(r, str) else r.text for r in new) == rows[0].変更後の全文
    blocks = [r for v in (old, new) for r in v if isinstance(r, TextBlock)]
    assert all(not r.font.strike and r.font.color is None for r in blocks)


def test_comparison_sheet_names_new_items_and_marks_checkbox_changes() -> None:
    from pia_diff.pipeline import compare_files

    rows = compare_files(SAMPLE / "old.txt", SAMPLE / "new.txt", DAY).rows
    sheet = load_workbook(io.BytesIO(workbook_bytes([], rows)), rich_text=True)[COMPARISON_SHEET]
    shown = {
        sheet.cell(r, 1).value.split(" ")[-1]: (sheet.cell(r, 2).value, sheet.cell(r, 3).value)
        for r in range(4, sheet.max_row + 1)
    }
    before, after = shown["⑤再委託の許諾方法"]  # a value that was empty
    assert before == "（新設）" and [(r.text, r.font.u) for r in after] == [("事前の書面による承諾願による", "single")]
    # a checkbox set gets its redline here: the changed marks are underlined
    _, after = shown["実施の有無"]
    assert [r.text for r in after if not isinstance(r, str) and r.font.u == "single"] == ["?"] * 3


def test_comparison_starting_like_a_formula_stays_text() -> None:
    path = ("Ⅳ 開示請求、問合せ", "1 特定個人情報の開示・訂正・利用停止請求", "②請求方法")
    base = sample("003")
    old, new = edited(base, path, "=SUM(A1) 窓口で受け付ける"), edited(base, path, "=SUM(A1) 郵送で受け付ける")
    rows = classify(diff(old, new, CAT), CAT, load_rules(), Options(DAY))
    data = workbook_bytes([], rows)
    for rich in (True, False):
        sheet = load_workbook(io.BytesIO(data), rich_text=rich)[COMPARISON_SHEET]
        for cell in (sheet["B4"], sheet["C4"]):
            assert str(cell.value).startswith("=SUM(A1) ") and cell.data_type == "s"


def test_a_text_longer_than_a_cell_runs_on_over_rows_and_is_reported() -> None:
    import dataclasses

    rows = _typo_rows()
    long = "とても長い記載です。" * 3500  # 35,000 characters: more than a cell keeps
    row = dataclasses.replace(rows[0], 変更後の記載=long)
    written = diff_workbook([], [row])
    assert len(written.warnings) == 1
    assert "35,000" in written.warnings[0] and "32,767" in written.warnings[0] and "変更後の記載" in written.warnings[0]
    sheet = load_workbook(io.BytesIO(written.data))[SHEET]
    parts = [sheet.cell(r, 4).value for r in range(3, sheet.max_row + 1)]
    assert len(parts) > 2 and "".join(parts) == long and all(len(p) <= CELL_LIMIT for p in parts)
    # the run-on rows carry only the text: the reader joins them to the row above
    assert [sheet.cell(r, 2).value for r in range(4, sheet.max_row + 1)] == [None] * (len(parts) - 1)
    assert all(sheet.row_dimensions[r].height <= 409 for r in range(3, sheet.max_row + 1))
    assert sheet.cell(4, 4).border.top.style == "hair"  # a hairline between the parts of one row


def test_checkbox_rows_get_no_redline() -> None:
    from pia_diff.pipeline import compare_files

    rows = compare_files(SAMPLE / "old.txt", SAMPLE / "new.txt", DAY).rows
    by_item = {r.項目.split(" ")[-1]: r for r in rows}
    assert by_item["実施の有無"].赤字 == ()  # the 監査 checkbox set
    assert by_item["③委託先名"].赤字 != ()
    assert by_item["⑤再委託の許諾方法"].変更前の記載 == "—"


def test_full_text_option_keeps_whole_cells() -> None:
    import json

    from typer.testing import CliRunner

    from pia_diff.cli import app

    def run(*extra: str) -> dict[str, dict[str, str]]:
        args = ["diff", str(SAMPLE / "old.txt"), str(SAMPLE / "new.txt"), "--format", "json", *extra]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        return {r["項目"].split(" ")[-1]: r for r in json.loads(result.stdout)}

    concise, full = run(), run("--full-text")
    key = "具体的な方法"  # 9 従業者に対する教育・啓発: one sentence added to a long text
    assert concise[key]["変更前の記載"].startswith("（略）")
    assert full[key]["変更前の記載"] == full[key]["変更前の全文"] == concise[key]["変更前の全文"]
    assert "（略）" not in full[key]["変更後の記載"]
    # the checkbox item whose new states were lost: the old states, and words for the new ones
    # (never [?] pseudo-changes; issue 17 §2: the readable side is shown)
    audit = concise["実施の有無"]
    assert "[?]" not in audit["変更後の記載"] and "読み取れません" in audit["変更後の記載"]
    assert "[?]" not in audit["変更前の記載"] and "読み取れません" not in audit["変更前の記載"]
    assert "[?]" in full["実施の有無"]["変更後の記載"]


def test_terminal_table_and_csv_use_the_concise_cells() -> None:
    import csv

    from pia_diff.report.rows import rows_csv, rows_table

    rows = _typo_rows()
    records = list(csv.reader(io.StringIO(rows_csv(rows).lstrip("\ufeff"))))
    before = records[1][records[0].index("変更前の記載")]
    assert before == rows[0].変更前の記載 and before.startswith("（略）")
    assert "特定個人情報の入手先を以下のものに限定し" not in rows_csv(rows)  # the first, unchanged sentence
    # the concise cells, cut on screen where they differ (the typo sits past the column's width)
    table = rows_table(rows, 200)
    assert "…いよう設計・構築し" in table and "…いよう設計・講築し" in table
