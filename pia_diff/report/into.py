"""New 別添2 rows written into the new version's own workbook: the table is found by its header row
(as the reader finds it), the rows go below its last row styled like the rows above, and nothing
else in the workbook changes. The caller's bytes are never modified: a copy is returned."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from copy import copy
from dataclasses import dataclass
from typing import Any

from pia_diff.compare.classify import Row
from pia_diff.errors import InputError
from pia_diff.lean import lean_import
from pia_diff.snapshot import HISTORY_COLUMNS
from pia_diff.text import compare_key
from pia_diff.wareki import parse_date

from . import history_table, sheets
from .history_table import Table
from .layout import CELL_LIMIT, INDENT_PT, Face, Run, Slot, heights, rows_needed
from .sheets import Written

# Parts of a package openpyxl does not carry over when it saves a workbook it has read.
LOST_PARTS = {
    "drawings": "図形・画像",
    "charts": "グラフ",
    "comments": "コメント",
    "pivotTables": "ピボットテーブル",
    "externalLinks": "外部参照",
    "ctrlProps": "フォームコントロール",
    "embeddings": "埋め込みオブジェクト",
    "slicers": "スライサー",
}


# The end of the warning for a row the table already has (the command line counts the rows added by it).
ALREADY_THERE = "の行は別添2 にもうあるため、書き加えませんでした。"


def _make_room(sheet: Any, at: int, count: int) -> None:
    """Rows from `at` down move `count` rows lower (a closing 「以上」, notes below the table), with
    their merged cells and heights."""
    if count <= 0 or at > sheet.max_row:
        return
    moved = [m for m in list(sheet.merged_cells.ranges) if m.min_row >= at]
    for merged in moved:
        sheet.unmerge_cells(merged.coord)
    tall = {r: d.height for r, d in sheet.row_dimensions.items() if r >= at and d.height}
    sheet.insert_rows(at, count)
    for row in sorted(tall, reverse=True):
        sheet.row_dimensions[row + count].height = tall[row]
        sheet.row_dimensions[row].height = None
    for merged in moved:
        merged.shift(row_shift=count)
        sheet.merge_cells(merged.coord)


def _grow_ranges(sheet: Any, last: int, count: int) -> None:
    """Excel tables and an autofilter ending at the table's last row take in the new rows."""
    from openpyxl.worksheet.cell_range import CellRange

    for table in sheet.tables.values():
        area = CellRange(table.ref)
        if area.max_row == last:
            area.expand(down=count)
            table.ref = area.coord
            if table.autoFilter is not None:
                table.autoFilter.ref = area.coord
    if sheet.auto_filter.ref:
        area = CellRange(sheet.auto_filter.ref)
        if area.max_row == last:
            area.expand(down=count)
            sheet.auto_filter.ref = area.coord


def _lost(before: bytes, after: bytes) -> list[str]:
    """What the package had that the copy lacks (openpyxl does not carry every part over)."""

    def kinds(data: bytes) -> dict[str, int]:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
        return {kind: sum(f"/{kind}/" in f"/{n}" for n in names) for kind in LOST_PARTS}

    old, new = kinds(before), kinds(after)
    return [
        f"元のブックにあった{LOST_PARTS[k]}は書き写せませんでした (元のファイルはそのままです)。"
        for k in LOST_PARTS
        if new[k] < old[k]
    ]


def into_workbook(book: bytes, rows: list[Row], name: str) -> Written:
    """A copy of `book` (an .xlsx the user keeps their 評価書 in) with `rows` added below the last row
    of its 別添2 table; warnings for rows already there (not added again), texts run on over rows,
    and parts of the workbook the copy could not keep. InputError when there is no table."""
    lean_import("openpyxl")  # without numpy where the command line asked (pia_diff.lean)
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(book)) as archive:
            macros = "xl/vbaProject.bin" in archive.namelist()
        workbook = load_workbook(io.BytesIO(book), rich_text=True)
    except zipfile.BadZipFile as exc:
        if book.startswith(b"PK"):  # a zip package cut short or damaged
            raise InputError(name, "Excel ブック (.xlsx) が壊れているか、途中で切れています。") from exc
        raise InputError(
            name, "Excel ブック (.xlsx) ではありません。--into には新しい版の .xlsx を指定します。"
        ) from exc
    except Exception as exc:  # openpyxl raises many types for a damaged package
        raise InputError(name, f"Excel ファイル (.xlsx) として開けません ({exc.__class__.__name__})。") from exc
    if macros:
        raise InputError(name, "マクロ付きのブックです。マクロを含まない .xlsx で保存し直してください。")
    table = history_table.find_table(workbook, name)
    present = history_table.existing(table)
    warnings: list[str] = []
    new: list[Row] = []
    for row in rows:
        data = row.as_json()
        if tuple(compare_key(str(data[c])) for c in HISTORY_COLUMNS) in present:
            warnings.append(f"「{row.項目}」{ALREADY_THERE}")
        else:
            new.append(row)
    warnings += _append(workbook, table, new)
    written = sheets.save(workbook)
    return Written(written.data, (*warnings, *_lost(book, written.data)))


@dataclass(frozen=True)
class _Cell:
    """One cell of the new rows: its name, column, the columns it spans and its template cell."""

    name: str
    column: int
    low: int
    high: int
    slot: Slot


def _cells(workbook: Any, table: Table, template: int | None) -> list[_Cell]:
    sheet = table.sheet
    grid = sheets.grid_of(workbook)
    order = [(name, table.columns[name]) for name in HISTORY_COLUMNS]
    if table.number is not None:
        order.insert(0, (history_table.NUMBER, table.number))
    out = []
    for name, column in order:
        low, high = history_table.span(sheet, template, column) if template else (column, column)
        source = sheet.cell(row=template, column=column) if template else None
        face, indent = Face(), 0.0
        if source is not None and source.has_style:
            face, indent = sheets.face_of(source), float(source.alignment.indent or 0)
        width = grid.text_width(sum(history_table.width(sheet, c) for c in range(low, high + 1))) - indent * INDENT_PT
        out.append(_Cell(name, column, low, high, Slot(width, face)))
    return out


def _append(workbook: Any, table: Table, rows: list[Row]) -> list[str]:
    """Write rows below the table's last row (moving what is below it down); each as tall as its
    text needs, a text longer than a row can show running on in the same column of the next rows
    (the row's other cells left empty there: the reader joins such rows into one)."""
    sheet = table.sheet
    template = history_table.template_row(table)
    as_date = template is not None and isinstance(
        sheet.cell(row=template, column=table.columns["変更日"]).value, dt.date
    )
    cells = _cells(workbook, table, template)
    slots = [c.slot for c in cells]
    number = history_table.next_number(table)
    plan: list[tuple[Row, list[str], list[list[Run]]]] = []
    for row in rows:
        data = {**row.as_json(), history_table.NUMBER: str(number + len(plan)) if number is not None else ""}
        texts = [str(data[c.name]) for c in cells]
        plan.append((row, texts, rows_needed(texts, slots)))
    at = table.last + 1
    _make_room(sheet, at, sum(max(len(r) for r in runs) for _, _, runs in plan))
    _grow_ranges(sheet, table.last, sum(max(len(r) for r in runs) for _, _, runs in plan))
    warnings: list[str] = []
    for row, texts, runs in plan:
        tall = heights(runs, slots)
        height = len(tall)
        for cell, text, run in zip(cells, texts, runs, strict=True):
            if len(text) > CELL_LIMIT:
                warnings.append(sheets.too_long(sheet.title, at, row.項目, cell.name, len(text), len(run)))
            for k in range(height):
                target = sheet.cell(row=at + k, column=cell.column)
                _style(sheet, template, cell, at + k)
                if k < len(run) and cell.name == "変更日" and as_date and parse_date(text) is not None:
                    target.value = parse_date(text)  # a column of dates gets a date, in its own format
                elif k < len(run):
                    sheets.put(target, text[run[k].start : run[k].end])
                if cell.high > cell.low:
                    sheet.merge_cells(start_row=at + k, start_column=cell.low, end_row=at + k, end_column=cell.high)
        covered = {c for cell in cells for c in range(cell.low, cell.high + 1)}
        for k in range(height):
            sheet.row_dimensions[at + k].height = tall[k]
            for column in table.others:  # the rest of the table's width: borders like the row above
                if column not in covered and template is not None:
                    sheets.copy_style(sheet.cell(row=template, column=column), sheet.cell(row=at + k, column=column))
        at += height
    return warnings


def _style(sheet: Any, template: int | None, cell: _Cell, row: int) -> None:
    """A new cell styled like its template (wrapped, so that its height is its text's)."""
    for column in range(cell.low, cell.high + 1):
        target = sheet.cell(row=row, column=column)
        if template is not None:
            sheets.copy_style(sheet.cell(row=template, column=column), target)
        else:
            target.font, target.border = sheets.font(), sheets.border()
        alignment = copy(target.alignment)
        alignment.wrap_text = True
        alignment.vertical = alignment.vertical or "top"
        target.alignment = alignment
