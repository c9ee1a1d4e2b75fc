"""The 別添2 workbook, read back with openpyxl (never compared as bytes)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pia_diff.classify import Options, classify
from pia_diff.diff import diff
from pia_diff.excel import BASIS_SHEET, SHEET, workbook_bytes
from pia_diff.rules import load_rules
from pia_diff.text import display_width

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
    assert header[:6] == ["項目", "item_path", "※", "根拠", "提案", "確度"]
    body = [[c.value for c in r] for r in sheet.iter_rows(min_row=3)]
    assert [r[3] for r in body] == ["STAR", "OTHER"]
    assert body[0][2] == "※"


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
