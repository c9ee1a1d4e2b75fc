"""The `diff` workbook: the 別添2 table (OLD's published rows, then the new ones), the 新旧対照表 of the
changed items, and the 判定根拠 sheet saying how each row was decided."""

from __future__ import annotations

import re
from typing import Any

from pia_diff.compare.classify import Row
from pia_diff.compare.excerpt import EMPTY, Piece, redline
from pia_diff.forms import registry
from pia_diff.snapshot import HISTORY_COLUMNS, HistoryRow
from pia_diff.values import Certainty

from . import sheets
from .cells import put_text
from .layout import Grid, Slot, row_height
from .sheets import Column, Value, Written

SHEET = "別添2 変更箇所"  # the default form's (diff_workbook names the sheet after the form's table)
COMPARISON_SHEET = "新旧対照表"
BASIS_SHEET = "判定根拠"
TITLE = "（別添2）変更箇所"
COMPARISON_TITLE = "新旧対照表"
COMPARISON_NOTE = "（下線の部分が変更箇所です。）"
BASIS_TITLE = "判定根拠 (pia-diff による判定の内訳)"
NEW_ITEM = "（新設）"
DELETED_ITEM = "（削除）"
# 122 units: A4 landscape at 100% (10.5 pt)
BASIS_COLUMNS = (
    Column("項目", 34),
    Column("提出時期", 8, center=True),
    Column("確度", 10),
    Column("判定の根拠", 32),
    Column("提案", 38),
)
# 124 units: A4 landscape at 100% (10.5 pt)
COMPARISON_COLUMNS = (Column("項目", 24), Column("変更前", 50), Column("変更後", 50))
REMARKS_HEADING = "確認事項 (表の行にならないもの)"


def _side(full: str, other: str, pieces: tuple[Piece, ...], keep: str) -> Value:
    """One side of a 新旧対照表 row: the whole text, its changed passages underlined."""
    if not full or full == EMPTY:
        return NEW_ITEM if keep == "delete" else DELETED_ITEM
    if not other or other == EMPTY:
        return ((full, True),)  # all of it is new, or all of it went
    return tuple((p.text, p.op == keep) for p in pieces if p.op in ("equal", keep))


def comparison(row: Row) -> list[Value]:
    """項目 | 変更前 | 変更後 of one changed item, deletions underlined in the old text and insertions
    in the new (a checkbox set or an entity has no redline from the classifier: one is made here)."""
    before, after = row.変更前の全文, row.変更後の全文
    pieces = row.赤字 or tuple(redline(before, after))
    return [row.項目, _side(before, after, pieces, "delete"), _side(after, before, pieces, "insert")]


def comparison_sheet(book: Any, rows: list[Row]) -> list[str]:
    sheet = book.create_sheet(COMPARISON_SHEET)
    sheets.title(sheet, 1, COMPARISON_TITLE)
    put_text(sheet.cell(row=2, column=1), COMPARISON_NOTE)
    sheet.cell(row=2, column=1).font = sheets.font()
    sheets.header(sheet, 3, COMPARISON_COLUMNS)
    _, warnings = sheets.rows(sheet, 4, COMPARISON_COLUMNS, [comparison(r) for r in rows], [r.項目 for r in rows])
    sheet.freeze_panes = "A4"
    sheets.page_setup(sheet, landscape=True, title_rows="3:3")
    return warnings


def basis(row: Row) -> list[Value]:
    """One row of the 判定根拠 sheet: 項目, 提出時期 (※ for a 重要な変更), 確度, the rule and what
    else decided it, and the exemptions suggested but not applied."""
    reasons = [f"{row.根拠}（{row.根拠の名前}）" if row.根拠の名前 else row.根拠]
    if row.詳細:
        reasons.append(f"変更の内容: {row.詳細}")
    if row.判断:
        reasons.append(f"判断ファイル: {row.判断}")
    return [
        row.項目,
        str(row.提出時期) + ("※" if row.重要 else ""),
        Certainty(row.確度).word,
        "\n".join(reasons),
        "\n".join(row.提案),
    ]


def basis_sheet(book: Any, rows: list[Row], remarks: list[tuple[str, str]]) -> list[str]:
    sheet = book.create_sheet(BASIS_SHEET)
    sheets.title(sheet, 1, BASIS_TITLE)
    sheets.header(sheet, 2, BASIS_COLUMNS)
    below, warnings = sheets.rows(sheet, 3, BASIS_COLUMNS, [basis(r) for r in rows], [r.項目 for r in rows])
    if remarks:
        _remarks(sheet, below + 1, remarks)
    sheet.freeze_panes = "A3"
    sheets.page_setup(sheet, landscape=True, title_rows="2:2")
    return warnings


def _remarks(sheet: Any, row: int, remarks: list[tuple[str, str]]) -> None:
    """Below the table: what was not compared, renumbered entities, unused decisions (kind, text),
    the text across the columns right of the first."""
    put_text(sheet.cell(row=row, column=1), REMARKS_HEADING)
    sheet.cell(row=row, column=1).font = sheets.font(bold=True)
    last = len(BASIS_COLUMNS)
    first, rest = BASIS_COLUMNS[0].width, sum(c.width for c in BASIS_COLUMNS[1:])
    slots = [Slot(Grid().text_width(first)), Slot(Grid().text_width(rest))]
    for kind, text in remarks:
        row += 1
        for column, value in ((1, kind), (2, text)):
            cell = sheet.cell(row=row, column=column)
            put_text(cell, value)
            cell.font = sheets.font()
            cell.alignment = sheets.wrapped()
        for column in range(1, last + 1):
            sheet.cell(row=row, column=column).border = sheets.border()
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=last)
        sheet.row_dimensions[row].height = row_height([kind, text], slots)


def diff_workbook(
    published: list[HistoryRow],
    rows: list[Row],
    remarks: list[tuple[str, str]] | None = None,
    table_title: str = "",
) -> Written:
    """The workbook `diff -o` writes, and a warning for each text that had to run on over rows
    because one cell cannot keep it. `table_title`: the form's change table, as the form registry
    names it ((別添2) 変更箇所; 様式4's is (別添3)); the default form's when not given."""
    book = sheets.new_book()
    table = [list(h.cells) for h in published]
    table.extend([str(r.as_json()[c]) for c in HISTORY_COLUMNS] for r in rows)
    title = table_title or registry().default.history_table
    warnings = sheets.history_sheet(book, _sheet_name(title), _full_width(title), table)
    warnings += comparison_sheet(book, rows)
    warnings += basis_sheet(book, rows, remarks or [])
    return sheets.save(book, warnings)


def workbook_bytes(
    published: list[HistoryRow], rows: list[Row], remarks: list[tuple[str, str]] | None = None, table_title: str = ""
) -> bytes:
    """diff_workbook's bytes (for callers that print no warnings)."""
    return diff_workbook(published, rows, remarks, table_title).data


def _sheet_name(title: str) -> str:
    """(別添2) 変更箇所 → 別添2 変更箇所 (a sheet name holds no brackets of this kind)."""
    return re.sub(r"^[(（]([^()（）]*)[)）]\s*", r"\1 ", title).strip()[:31]


def _full_width(title: str) -> str:
    """(別添2) 変更箇所 → （別添2）変更箇所, as the form prints its heading."""
    return re.sub(r"^\(([^()]*)\)\s*", r"（\1）", title)
