"""The 別添2 workbook (the only module that knows openpyxl)."""

from __future__ import annotations

import io

from pia_diff.compare.classify import Row
from pia_diff.compare.excerpt import Piece
from pia_diff.snapshot import HISTORY_COLUMNS, HistoryRow
from pia_diff.text import display_width
from pia_diff.values import Certainty

from .cells import put_text, visible

SHEET = "別添2 変更箇所"
BASIS_SHEET = "判定根拠"
TITLE = "（別添2）変更箇所"
# Column width caps (characters of display width) so long texts wrap instead of running off.
MAX_WIDTH = {"変更日": 16, "項目": 30, "変更前の記載": 40, "変更後の記載": 40, "提出時期": 10, "提出時期に係る説明": 30}
LINE_HEIGHT = 15  # points per wrapped line at the default 11pt font
MAX_HEIGHT = 409  # Excel's limit for one row
REDLINE = "変更箇所 (赤字: 削除は取消線、追加は下線)"
RED = "FFC00000"

Value = str | tuple[Piece, ...]


def _plain(value: Value) -> str:
    return value if isinstance(value, str) else "".join(p.text for p in value)


def put_redline(cell: object, pieces: tuple[Piece, ...]) -> None:
    """Rich text: deletions red and struck through, insertions red and underlined, the rest plain.
    Stored as a shared string (data type s), so even text starting with = is never a formula."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    # Name the font: a run without one falls back to a serif face in LibreOffice, unlike the plain runs.
    fonts = {
        "delete": InlineFont(rFont="Calibri", sz=11, color=RED, strike=True),
        "insert": InlineFont(rFont="Calibri", sz=11, color=RED, u="single"),
    }
    texts = [(p.op, visible(p.text)) for p in pieces if p.text]  # control characters shown, as put_text does
    runs = [text if op == "equal" else TextBlock(fonts[op], text) for op, text in texts]
    cell.value = CellRichText(runs)  # type: ignore[attr-defined]
    cell.data_type = "s"  # type: ignore[attr-defined]


def _widths(rows: list[list[str]], header: list[str], caps: dict[str, int]) -> list[int]:
    widths = []
    for i, name in enumerate(header):
        longest = max(
            [display_width(name)] + [max((display_width(x) for x in r[i].split("\n")), default=0) for r in rows]
        )
        widths.append(min(max(longest, display_width(name)) + 2, caps.get(name, 40)))
    return widths


def _wrapped_lines(text: str, width: int) -> int:
    return sum(max(1, -(-display_width(line) // max(1, width))) for line in text.split("\n"))


def _sheet(
    book: object, title: str, header: list[str], cells: list[list[Value]], caps: dict[str, int], heading: str
) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)  # type: ignore[attr-defined]
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet["A1"] = heading
    sheet["A1"].font = Font(bold=True, size=12)
    for col, name in enumerate(header, start=1):
        cell = sheet.cell(row=2, column=col)
        put_text(cell, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    rows = [[_plain(value) for value in values] for values in cells]
    for r, values in enumerate(cells, start=3):
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=col)
            if isinstance(value, str):
                put_text(cell, value)
            else:
                put_redline(cell, value)
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    widths = _widths(rows, header, caps)
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    # Row heights from the wrapped line count: office suites do not grow rows written by a program.
    for r, texts in enumerate(rows, start=3):
        lines = max(_wrapped_lines(text, int(width * 0.85)) for text, width in zip(texts, widths, strict=True))
        sheet.row_dimensions[r].height = min(MAX_HEIGHT, LINE_HEIGHT * lines)
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


REMARKS_HEADING = "確認事項 (表の行にならないもの)"


def _remarks(book: object, remarks: list[tuple[str, str]]) -> None:
    """Below the 判定根拠 table: what was not compared, renumbered entities, unused decisions."""
    from openpyxl.styles import Alignment, Font

    sheet = book[BASIS_SHEET]  # type: ignore[index]
    row = sheet.max_row + 2
    sheet.cell(row=row, column=1, value=REMARKS_HEADING).font = Font(bold=True)
    for kind, text in remarks:
        row += 1
        put_text(sheet.cell(row=row, column=1), kind)
        cell = sheet.cell(row=row, column=2)
        put_text(cell, text)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=7)
        sheet.row_dimensions[row].height = LINE_HEIGHT * max(1, -(-display_width(text) // 150))


def workbook_bytes(published: list[HistoryRow], rows: list[Row], remarks: list[tuple[str, str]] | None = None) -> bytes:
    """別添2 sheet (OLD's published rows, then the new ones) and the 判定根拠 sheet, with the
    remarks (kind, text) that are no row of the table listed below it."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    table: list[list[Value]] = [list(h.cells) for h in published]
    table.extend([str(r.as_json()[c]) for c in HISTORY_COLUMNS] for r in rows)
    _sheet(book, SHEET, list(HISTORY_COLUMNS), table, MAX_WIDTH, TITLE)
    basis_header = ["項目", "様式上の位置", "※", "根拠", "提案", "確度", "判断ファイルの使用", "変更の内容", REDLINE]
    basis: list[list[Value]] = [
        [
            r.項目,
            " / ".join(r.item_path),
            "※" if r.重要 else "",
            f"{r.根拠}（{r.根拠の名前}）" if r.根拠の名前 else r.根拠,
            "\n".join(r.提案),
            Certainty(r.確度).word,
            r.判断,
            r.詳細,
            r.赤字 or "",
        ]
        for r in rows
    ]
    caps = {"項目": 40, "様式上の位置": 40, "提案": 50, "判断ファイルの使用": 40, "変更の内容": 40, REDLINE: 60}
    _sheet(book, BASIS_SHEET, basis_header, basis, caps, "判定根拠 (pia-diff による判定の内訳)")
    if remarks:
        _remarks(book, remarks)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
