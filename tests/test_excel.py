"""The 別添2 workbook, read back with openpyxl (never compared as bytes)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pia_diff.compare.classify import Options, classify
from pia_diff.compare.diff import diff
from pia_diff.compare.rules import load_rules
from pia_diff.report.excel import BASIS_SHEET, SHEET, workbook_bytes
from pia_diff.text import display_width
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
    assert book.sheetnames == [SHEET, BASIS_SHEET]
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
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.freeze_panes == "A3"


def test_formula_like_text_is_stored_as_text() -> None:
    old, rows = _rows()
    sheet = _book(old, rows)[SHEET]
    cells = [c for r in sheet.iter_rows(min_row=3) for c in r if isinstance(c.value, str)]
    formula_like = [c for c in cells if c.value.startswith(("=", "＋"))]
    assert {c.value for c in formula_like} >= {"=SUM(A1:A3) と書かれた手順", "＋国民年金の事務"}
    assert all(c.data_type == "s" for c in formula_like)


def test_widths_follow_east_asian_display_width_and_text_wraps() -> None:
    old, rows = _rows()
    sheet = _book(old, rows)[SHEET]
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEF"}
    assert widths["A"] == display_width("令和5年11月6日") + 2  # the longest 変更日
    assert widths["E"] == display_width("提出時期") + 2
    assert widths["C"] <= 50 and widths["B"] <= 40  # long texts wrap instead
    assert all(c.alignment.wrap_text for r in sheet.iter_rows(min_row=3) for c in r)
    assert all(c.border.left.style == "thin" for c in sheet[3])
    # rows grow with their wrapped text (office suites do not resize rows written by a program)
    heights = [sheet.row_dimensions[r].height for r in range(3, sheet.max_row + 1)]
    assert min(heights) >= 15 and max(heights) > 100 and len(set(heights)) > 2


def test_basis_sheet_lists_rule_and_certainty() -> None:
    old, rows = _rows()
    sheet = _book(old, rows)[BASIS_SHEET]
    header = [c.value for c in sheet[2]]
    assert header[:6] == ["項目", "様式上の位置", "※", "根拠", "提案", "確度"]
    body = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    assert [r[3] for r in body] == [
        "STAR（重要な変更の対象項目（※））",
        "OTHER（その他の項目）",
    ]  # the rule table's names
    assert body[0][2] == "※"
    # the reader's certainty in words a person reads (the JSON keeps ok / uncertain / missing)
    assert [r[5] for r in body] == [Certainty(r.確度).word for r in rows]
    assert {r[5] for r in body} <= {"確か", "不確か (原本で確認)", "見つからない"}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_real_office_suite_opens_the_workbook(tmp_path: Path) -> None:
    old, rows = _rows()
    book = tmp_path / "別添2.xlsx"
    book.write_bytes(workbook_bytes(old.history, rows))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "別添2.pdf"
    assert pdf.exists() and pdf.stat().st_size > 1000


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


def test_redline_column_round_trips_as_rich_text() -> None:
    from openpyxl.cell.rich_text import CellRichText, TextBlock

    rows = _typo_rows()
    sheet = load_workbook(io.BytesIO(workbook_bytes([], rows)), rich_text=True)[BASIS_SHEET]
    header = [c.value for c in sheet[2]]
    assert header[-1].startswith("変更箇所")
    cell = sheet.cell(row=3, column=len(header))
    assert isinstance(cell.value, CellRichText)
    runs = list(cell.value)
    marked = [r for r in runs if isinstance(r, TextBlock)]
    assert [(r.text, r.font.strike, r.font.u) for r in marked] == [("構", True, None), ("講", None, "single")]
    assert all(r.font.color.rgb == "FFC00000" and r.font.rFont == "Calibri" for r in marked)
    plain = [r for r in runs if isinstance(r, str)]
    assert len(plain) == 2 and plain[0].endswith("設計・") and plain[1].startswith("築し")
    # struck and plain runs give the old text back, whitespace and line breaks included
    assert "".join(r for r in plain[:1]) + "構" + plain[1] == rows[0].変更前の全文


def test_redline_starting_like_a_formula_stays_text() -> None:
    path = ("Ⅳ 開示請求、問合せ", "1 特定個人情報の開示・訂正・利用停止請求", "②請求方法")
    base = sample("003")
    old, new = edited(base, path, "=SUM(A1) 窓口で受け付ける"), edited(base, path, "=SUM(A1) 郵送で受け付ける")
    rows = classify(diff(old, new, CAT), CAT, load_rules(), Options(DAY))
    data = workbook_bytes([], rows)
    for rich in (True, False):
        sheet = load_workbook(io.BytesIO(data), rich_text=rich)[BASIS_SHEET]
        cell = sheet.cell(row=3, column=sheet.max_column)
        assert str(cell.value).startswith("=SUM(A1) ") and cell.data_type == "s"


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
    assert "（略）・住民登録システム" in rows_table(rows, 200)
