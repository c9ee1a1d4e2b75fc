"""Where the 別添2 table is in a workbook a user keeps: the sheet, the header row (found as the
reader finds it: 変更日 and 提出時期 among its cells), the column of each cell, a No. column, the
last row, and the row that new rows are styled like."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pia_diff.errors import InputError
from pia_diff.forms import vocabulary
from pia_diff.snapshot import HISTORY_COLUMNS
from pia_diff.text import compare_key
from pia_diff.wareki import to_wareki

_WORDS = vocabulary()
DATE_WORDS = _WORDS.history_date_words
NUMBER_WORDS = _WORDS.history_number_words
CLOSING = tuple(_WORDS.history_closing)
NUMBER = "No."
DEFAULT_WIDTH = 8.43  # Excel's column width when the sheet sets none
NO_TABLE = (
    "別添2 (変更箇所) の表が見つかりません。変更日・項目・変更前の記載・変更後の記載・提出時期・"
    "提出時期に係る説明 の見出しの行がある表に、新しい行を書き加えます。"
)


@dataclass(frozen=True)
class Table:
    """Where a 別添2 table is: its sheet, header row, first data row, the column of each of the six
    cells (and of a No. column), and the row below which new rows go."""

    sheet: Any
    header: int
    first: int
    columns: dict[str, int]
    number: int | None
    last: int  # the last row of the table (the header's last row when the table is empty)
    span: tuple[int, int] = (1, 1)  # the first and last column of the header row

    @property
    def others(self) -> list[int]:
        """Columns of the table that are none of its cells (a remarks column, a merged cell's rest)."""
        named = {*self.columns.values(), self.number}
        return [c for c in range(self.span[0], self.span[1] + 1) if c not in named]


def _text(value: object) -> str:
    return "" if value is None or isinstance(value, dt.date | dt.datetime) else str(value)


def _header_columns(cells: Sequence[object]) -> dict[str, int] | None:
    """The column (1-based) of each of the six 別添2 cells, when these cells are its header row."""
    keys = [compare_key(_text(c)).replace("※", "") for c in cells]
    if not any(k in DATE_WORDS for k in keys) or not any(_WORDS.history_timing_word in k for k in keys):
        return None
    return {name: next((i + 1 for i, k in enumerate(keys) if _is_column(name, k)), 0) for name in HISTORY_COLUMNS}


def _is_column(name: str, key: str) -> bool:
    """Whether a header cell (its key) names one of the six cells, in the wordings seen in documents."""
    if name == "変更日":
        return key in DATE_WORDS
    if name == "提出時期に係る説明":
        return key.startswith("提出時期に係る") or key.endswith("説明")
    if name in ("変更前の記載", "変更後の記載"):
        return key.startswith(name[:3])  # 変更前の記載内容, 変更前
    return key == name


def _merged_at(sheet: Any, row: int, column: int) -> Any | None:
    return next(
        (m for m in sheet.merged_cells.ranges if m.min_row <= row <= m.max_row and m.min_col <= column <= m.max_col),
        None,
    )


def find_table(book: Any, name: str) -> Table:
    """The last 別添2 table of the workbook (a table continued on a later sheet goes on there)."""
    found: Table | None = None
    for sheet in book.worksheets:
        header = columns = None
        for cells in sheet.iter_rows():
            mapped = _header_columns([c.value for c in cells])
            if mapped is not None:
                header, columns = cells[0].row, mapped
                break
        if header is None or columns is None:
            continue
        missing = [n for n, c in columns.items() if not c]
        if missing:
            raise InputError(
                name, f"別添2 の表 (シート「{sheet.title}」) に列「{'」「'.join(missing)}」が見つかりません。"
            )
        # a header cell merged down over two rows: the data starts below it
        first = max(
            [header + 1] + [m.max_row + 1 for m in sheet.merged_cells.ranges if m.min_row <= header <= m.max_row]
        )
        number = _number_column(sheet, header, columns["変更日"])
        used = [c.column for c in sheet[header] if c.value not in (None, "")]
        used += [m.max_col for m in sheet.merged_cells.ranges if m.min_row <= header <= m.max_row]
        low = min([*columns.values(), number or columns["変更日"]])
        last = _last_row(sheet, first, columns, first - 1)
        found = Table(sheet, header, first, columns, number, last, (low, max(used)))
    if found is None:
        raise InputError(name, NO_TABLE)
    return found


def _number_column(sheet: Any, header: int, date_column: int) -> int | None:
    """A No. column just left of 変更日 (the reader reads from 変更日 on: it is not the table's)."""
    if date_column <= 1:
        return None
    key = compare_key(_text(sheet.cell(row=header, column=date_column - 1).value)).lower()
    return date_column - 1 if key in NUMBER_WORDS else None


def _last_row(sheet: Any, first: int, columns: dict[str, int], header_end: int) -> int:
    """The last row holding a cell of the table, above a closing 「以上」 if there is one; repeated
    header rows and blank rows inside the table do not end it."""
    last = header_end
    wanted = sorted(set(columns.values()))
    for row in range(first, sheet.max_row + 1):
        texts = [_text(sheet.cell(row=row, column=c).value).strip() for c in wanted]
        dated = sheet.cell(row=row, column=columns["変更日"]).value
        filled = [t for t in texts if t] + ([str(dated)] if isinstance(dated, dt.date) else [])
        if not filled:
            continue
        if len(filled) == 1 and compare_key(filled[0]) in CLOSING:
            break
        last = row
    return last


def width(sheet: Any, column: int) -> float:
    """A column's width (Excel units), however the sheet stores it (column ranges share one entry)."""
    for dimension in sheet.column_dimensions.values():
        low, high = dimension.min or 0, dimension.max or 0
        if low <= column <= high and dimension.width:
            return float(dimension.width)
    default = sheet.sheet_format.defaultColWidth
    return float(default) if default else DEFAULT_WIDTH


def template_row(table: Table) -> int | None:
    """The row new rows are styled like: the last one with a 変更日 (a continuation row lacks the top
    border), else the last row of the table; none when the table is empty."""
    sheet, date = table.sheet, table.columns["変更日"]
    rows = range(table.last, table.first - 1, -1)
    dated = next((r for r in rows if sheet.cell(row=r, column=date).value not in (None, "")), None)
    if dated is not None:
        return dated
    return table.last if table.last >= table.first else None


def span(sheet: Any, row: int, column: int) -> tuple[int, int]:
    """The columns a cell of the template row covers (merged across in that row alone)."""
    merged = _merged_at(sheet, row, column)
    if merged is not None and merged.min_row == merged.max_row == row:
        return merged.min_col, merged.max_col
    return column, column


def _cell_text(value: object) -> str:
    """A cell as the reader sees it: a date as 和暦, everything else as its text."""
    if isinstance(value, dt.datetime):
        value = value.date()
    return to_wareki(value) if isinstance(value, dt.date) else _text(value)


def existing(table: Table) -> set[tuple[str, ...]]:
    """The table's rows, compared as the reader compares them (width and spaces do not count)."""
    return {
        tuple(compare_key(_cell_text(table.sheet.cell(row=r, column=table.columns[n]).value)) for n in HISTORY_COLUMNS)
        for r in range(table.first, table.last + 1)
    }


def next_number(table: Table) -> int | None:
    if table.number is None:
        return None
    for row in range(table.last, table.first - 1, -1):
        value = table.sheet.cell(row=row, column=table.number).value
        text = compare_key(_text(value)) if not isinstance(value, int) else str(value)
        if text.isdigit():
            return int(text) + 1
    return 1
