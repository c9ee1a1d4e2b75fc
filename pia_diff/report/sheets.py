"""What every workbook we write shares (openpyxl): the standard font, cell styles, A4 page setup, and
tables whose rows are as tall as their text and whose long texts run on into the next row, never cut."""

from __future__ import annotations

import io
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from functools import cache
from typing import Any

from pia_diff.lean import lean_import
from pia_diff.snapshot import HISTORY_COLUMNS

from .cells import put_text
from .layout import CELL_LIMIT, FONT, GRID_FONT, GRID_SIZE, SIZE, Face, Grid, Slot, heights, row_height, rows_needed

# A piece of rich text: its text and whether it is underlined (a changed passage).
Segment = tuple[str, bool]
Value = str | tuple[Segment, ...]
HEADER_FILL = "D9D9D9"
HEADING_FILL = "DDEBF7"
FOOTER = "&P / &N"  # page number / pages
# The 別添2 columns at most (Excel units): 136.5 units print on A4 landscape at about 94% (9.9 pt);
# 変更日 holds 「平成29年10月25日」 on one line.
HISTORY_WIDTHS = {
    "変更日": 16.6,
    "項目": 23,
    "変更前の記載": 32,
    "変更後の記載": 32,
    "提出時期": 8,
    "提出時期に係る説明": 24.9,
}
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.55, "bottom": 0.6, "header": 0.25, "footer": 0.3}  # inches


@dataclass(frozen=True)
class Written:
    """A workbook as bytes, and what its writer has to tell the user (a text run on over rows)."""

    data: bytes
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, width (Excel units) and how its cells are aligned."""

    name: str
    width: float
    center: bool = False


def too_long(sheet: str, row: int, item: str, column: str, length: int, rows: int) -> str:
    """The warning for a text longer than a cell keeps (Excel would cut it: we run it on instead)."""
    return (
        f"シート「{sheet}」{row}行目 ({item}) の「{column}」は {length:,} 文字あり、Excel の1つのセルに入る"
        f" {CELL_LIMIT:,} 文字を超えるため、{rows} 行に分けて続けて書きました。"
    )


def plain(value: Value) -> str:
    return value if isinstance(value, str) else "".join(text for text, _ in value)


def new_book() -> Any:
    """An empty workbook whose standard font is layout.GRID_FONT (the unit of column widths)."""
    lean_import("openpyxl")  # without numpy where the command line asked (pia_diff.lean)
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList

    book = Workbook()
    book.remove(book.active)
    base = Font(name=GRID_FONT, sz=GRID_SIZE)
    # openpyxl has no public way to change the standard style: its font is the first of the list
    book._fonts = IndexedList([base])
    book._named_styles["Normal"].font = base
    return book


def grid_of(book: Any) -> Grid:
    """The column width unit of a workbook: its standard style's font."""
    try:
        font = book._named_styles["Normal"].font
    except (AttributeError, KeyError):
        return Grid("", GRID_SIZE)  # unknown: the narrowest digit, so no text is sized too short
    return Grid(str(font.name or ""), float(font.sz or GRID_SIZE))


def face_of(cell: Any) -> Face:
    font = cell.font
    return Face(str(font.name or FONT), float(font.sz or SIZE), bool(font.b))


def save(book: Any, warnings: Sequence[str] = ()) -> Written:
    """The workbook as bytes, written in memory only (`in_memory`)."""
    return Written(in_memory(book), tuple(warnings))


class _Kept(io.BytesIO):
    """A buffer whose text outlives the XML writer that closes it when done."""

    def close(self) -> None:
        pass


def in_memory(book: Any) -> bytes:
    """openpyxl's own save (openpyxl.writer.excel.save_workbook) with each worksheet's XML written into
    memory: openpyxl writes it into a temporary file in the system's folder by default, which would put
    a document's content on disk outside the output (the page promises it keeps documents in memory)."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.writer.excel import ExcelWriter

    class InMemory(ExcelWriter):  # type: ignore[misc]
        def write_worksheet(self, ws: Any) -> None:  # ExcelWriter.write_worksheet, out in memory
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            out = _Kept()
            writer = WorksheetWriter(ws, out=out)
            writer.write()
            ws._rels = writer._rels
            self._archive.writestr(ws.path[1:], out.getvalue())
            self.manifest.append(ws)

    import datetime as dt

    book.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)  # as save_workbook does
    buffer = io.BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        InMemory(book, archive).save()
    return buffer.getvalue()


@cache  # one object per style: openpyxl compares and hashes every style it is given
def font(bold: bool = False, size: float = SIZE, underline: bool = False) -> Any:
    from openpyxl.styles import Font

    return Font(name=FONT, sz=size, b=bold, u="single" if underline else None, family=3, charset=128)


@cache
def wrapped(horizontal: str | None = None, indent: int = 0) -> Any:
    """Text wrapped in its cell from the top (a row's height is its text's)."""
    from openpyxl.styles import Alignment

    return Alignment(horizontal=horizontal, vertical="top", wrap_text=True, indent=indent)


@cache
def border(top: bool = True, bottom: bool = True) -> Any:
    """Thin lines around a cell; a hairline above or below where its text runs on from or into
    the next row (closed, so that a page may end between the two)."""
    from openpyxl.styles import Border, Side

    thin, hair = Side(style="thin"), Side(style="hair")
    return Border(left=thin, right=thin, top=thin if top else hair, bottom=thin if bottom else hair)


def put(cell: Any, value: Value) -> None:
    """Text through put_text (never a formula, control characters made visible); underlined runs
    as rich text in the cell's font, unless put_text had to change the text."""
    text = plain(value)
    put_text(cell, text)
    if isinstance(value, str) or not any(mark for _, mark in value) or cell.value != text:
        return
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    face = cell.font
    # every run names its font: a run without one falls back to a serif face in LibreOffice
    fonts = {mark: InlineFont(rFont=face.name, sz=face.sz, b=face.b, u="single" if mark else None) for mark in (0, 1)}
    cell.value = CellRichText([TextBlock(fonts[int(mark)], text) for text, mark in value if text])
    cell.data_type = "s"  # a shared string: text even when it starts with =


def cut(value: Value, start: int, end: int) -> Value:
    """The part of a value between two offsets of its plain text, runs kept."""
    if isinstance(value, str):
        return value[start:end]
    out: list[Segment] = []
    at = 0
    for text, mark in value:
        a, b = max(start, at), min(end, at + len(text))
        if a < b:
            out.append((text[a - at : b - at], mark))
        at += len(text)
    return tuple(out)


def page_setup(sheet: Any, landscape: bool, title_rows: str | None = None) -> None:
    """A4, as wide as the page (as many pages down as it takes), page numbers in the footer."""
    from openpyxl.worksheet.page import PageMargins

    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(**MARGINS)
    sheet.print_options.horizontalCentered = True
    if title_rows:
        sheet.print_title_rows = title_rows
    for part in (sheet.oddFooter.center, sheet.evenFooter.center):
        part.text, part.font, part.size = FOOTER, f"{FONT},標準", 9
    for part in (sheet.oddHeader.right, sheet.evenHeader.right):
        part.text, part.font, part.size = "&A", f"{FONT},標準", 9


def title(sheet: Any, row: int, text: str, size: float = 12) -> None:
    cell = sheet.cell(row=row, column=1)
    put_text(cell, text)
    cell.font = font(bold=True, size=size)
    sheet.row_dimensions[row].height = Face(size=size, bold=True).pitch + 2


def header(sheet: Any, row: int, columns: Sequence[Column], first_column: int = 1) -> None:
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    grid = grid_of(sheet.parent)
    for offset, column in enumerate(columns):
        cell = sheet.cell(row=row, column=first_column + offset)
        put_text(cell, column.name)
        cell.font = font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.border = border()
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(first_column + offset)].width = column.width
    names = [c.name for c in columns]
    slots = [Slot(grid.text_width(c.width), Face(bold=True)) for c in columns]
    sheet.row_dimensions[row].height = row_height(names, slots)


def rows(
    sheet: Any,
    row: int,
    columns: Sequence[Column],
    values: Sequence[Sequence[Value]],
    where: Sequence[str],
    first_column: int = 1,
) -> tuple[int, list[str]]:
    """Write table rows from `row` down (one value per column); a text taller than a row can be or
    longer than a cell keeps runs on in the same column of the next rows, the row's other cells
    left empty there (the way the reader joins a row carried on), a hairline between. Returns the
    next free row and a warning per text longer than a cell (where[i] names the i-th row: its 項目)."""
    grid = grid_of(sheet.parent)
    slots = [Slot(grid.text_width(c.width)) for c in columns]
    warnings: list[str] = []
    for number, items in enumerate(values):
        texts = [plain(v) for v in items]
        runs = rows_needed(texts, slots)
        tall = heights(runs, slots)
        for index, (text, column) in enumerate(zip(texts, columns, strict=True)):
            if len(text) > CELL_LIMIT:
                warnings.append(too_long(sheet.title, row, where[number], column.name, len(text), len(runs[index])))
        height = len(tall)
        for k in range(height):
            line = [cut(v, r[k].start, r[k].end) if k < len(r) else "" for v, r in zip(items, runs, strict=True)]
            for offset, (value, column) in enumerate(zip(line, columns, strict=True)):
                cell = sheet.cell(row=row + k, column=first_column + offset)
                cell.font = font()
                put(cell, value)
                cell.border = border(top=k == 0, bottom=k == height - 1)
                cell.alignment = wrapped("center" if column.center else "left")
            sheet.row_dimensions[row + k].height = tall[k]
        row += height
    return row, warnings


def copy_style(source: Any, target: Any) -> None:
    """A cell styled like another (font, border, fill, alignment, number format)."""
    if source.has_style:
        target._style = copy(source._style)


def _natural(texts: Sequence[str], name: str, cap: float) -> float:
    """A column as wide as its longest line (capped: longer text wraps), never narrower than its header."""
    grid = Grid()
    face = Face()
    longest = max((sum(face.advance(ch) for ch in line) for t in texts for line in t.split("\n")), default=0.0)
    head = sum(Face(bold=True).advance(ch) for ch in name)
    return min(cap, grid.column_width(max(longest, head)))


def history_columns(table: Sequence[Sequence[str]]) -> list[Column]:
    """The 別添2 columns, each as wide as its content needs up to HISTORY_WIDTHS."""
    return [
        Column(name, _natural([r[i] for r in table], name, HISTORY_WIDTHS[name]), center=name == "提出時期")
        for i, name in enumerate(HISTORY_COLUMNS)
    ]


def history_sheet(book: Any, name: str, heading: str, table: Sequence[Sequence[str]]) -> list[str]:
    """A 別添2 sheet: its title, the header row (repeated on every page) and the rows."""
    sheet = book.create_sheet(name)
    title(sheet, 1, heading)
    columns = history_columns(table)
    header(sheet, 2, columns)
    _, warnings = rows(sheet, 3, columns, [list(r) for r in table], [r[1] for r in table])
    sheet.freeze_panes = "A3"
    page_setup(sheet, landscape=True, title_rows="2:2")
    return warnings
