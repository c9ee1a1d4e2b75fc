"""Reading an assessment kept as an Excel workbook: cells become cell-text rows for the parser."""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Iterator
from typing import Any

from pia_diff.errors import InputError

from .hits import history_header

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A real 評価書 workbook unpacks to a few MB; far more is a zip bomb.
MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200
# A 評価書 fills a few hundred rows; these bound the time and memory a hostile workbook can cost.
MAX_ROWS = 50_000
MAX_CELLS = 1_000_000
MAX_CHARS = 20_000_000
# openpyxl reads the whole shared-string table at once, about 100 bytes of memory per byte of XML.
MAX_SHARED_STRINGS = 10 * 1024 * 1024


def refuse_ole2(data: bytes, name: str) -> None:
    """Legacy .xls and password-protected workbooks share the OLE2 container."""
    if "EncryptedPackage".encode("utf-16-le") in data or b"EncryptionInfo" in data:
        raise InputError(name, "パスワードで保護された Excel ファイルです。保護を解除した .xlsx を指定してください。")
    raise InputError(name, "古い形式の Excel ファイル (.xls) です。Excel で .xlsx 形式に保存し直してください。")


def _check_archive(data: bytes, name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(
            name, "Excel ファイル (.xlsx) として開けません。ファイルが壊れている可能性があります。"
        ) from exc
    names = {e.filename for e in entries}
    if "xl/workbook.xml" not in names:
        raise InputError(name, "ZIP ファイルですが、Excel のブック (.xlsx) ではありません。")
    if "xl/vbaProject.bin" in names:
        raise InputError(name, "マクロ付きのブック (.xlsm) です。マクロを含まない .xlsx で保存し直してください。")
    unpacked = sum(e.file_size for e in entries)
    packed = max(1, sum(e.compress_size for e in entries))
    if unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
        raise InputError(name, "展開すると極端に大きくなるファイルです (ZIP 爆弾の疑い)。読み込みを中止しました。")
    shared = sum(e.file_size for e in entries if e.filename.lower() == "xl/sharedstrings.xml")
    if shared > MAX_SHARED_STRINGS:
        raise InputError(
            name,
            f"共有文字列が大きすぎます ({shared // (1024 * 1024)} MB、上限 {MAX_SHARED_STRINGS // (1024 * 1024)} MB)。"
            "評価書のブックとしては大きすぎるため読み込みを中止しました。",
        )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat") and not isinstance(value, str):
        from pia_diff.wareki import to_wareki

        day = value.date() if hasattr(value, "date") else value  # datetime → date
        return to_wareki(day)  # type: ignore[arg-type]
    text = str(value)
    # a line break inside a cell is part of the value, not a new row of the form
    return text.replace("\r\n", "\n").replace("\n", "<br>").replace("\t", " ")


def workbook_text(data: bytes, name: str) -> tuple[str, list[str]]:
    """Every sheet, row by row, cells joined by TAB (merged cells hold their value once), and for
    each line the place it came from ('Ⅰ 基本情報!12')."""
    _check_archive(data, name)
    from openpyxl import load_workbook

    try:
        with _no_dimension_scan():
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, rich_text=False)
        return _sheets_text(book, name)
    except InputError:
        raise
    except Exception as exc:  # openpyxl and defusedxml raise many types for a damaged or hostile package
        raise InputError(name, f"Excel ファイルを読めません ({exc.__class__.__name__})。") from exc


@contextlib.contextmanager
def _no_dimension_scan() -> Iterator[None]:
    """openpyxl's read-only sheet looks for <dimension> on opening, and when a sheet has none it
    parses the whole sheet to find out (seconds per MB, before any row limit can act). We ignore
    the dimension anyway (it may be stale), so skip that look-up while the book is opened."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    original = getattr(ReadOnlyWorksheet, "_get_size", None)
    if original is None:  # another openpyxl: nothing to skip
        yield
        return
    ReadOnlyWorksheet._get_size = lambda self: None
    try:
        yield
    finally:
        ReadOnlyWorksheet._get_size = original


def _too_big(name: str, what: str, limit: int) -> InputError:
    return InputError(name, f"ブックの{what}が上限 ({limit:,}) を超えています。評価書のブックとしては大きすぎます。")


class _Layout:
    """How a sheet's rows become cell-text lines: leading empty cells dropped, except where they
    mean something. A row with one filled cell right under the value cell of the row above is text
    typed on into the next row (one empty leading cell says so); below a table's header row, rows
    keep their columns from the 変更日 column on (an empty 変更日 stays an empty cell)."""

    def __init__(self) -> None:
        self.label_column: int | None = None  # the leftmost column any row starts in
        self.value_column: int | None = None  # where the value of the row above starts
        self.table_column: int | None = None

    def line(self, cells: list[str]) -> str:
        while cells and not cells[-1].strip():
            cells.pop()
        if self.table_column is None and any("時期" in c for c in cells):  # cheap test: 提出時期 in the row
            self.table_column = history_header(cells)
        if self.table_column is not None:
            return "\t".join(c.strip() for c in cells[self.table_column :])
        filled = [i for i, c in enumerate(cells) if c.strip()]
        if not filled:
            self.value_column = None  # a blank row: nothing below continues what is above it
            return ""
        first = filled[0]
        if self.label_column is None or first < self.label_column:
            self.label_column = first
        typed_on = len(filled) == 1 and first == self.value_column and first > self.label_column
        if not typed_on:
            self.value_column = filled[1] if len(filled) > 1 else None
        return "\t".join([""] * typed_on + [c.strip() for c in cells[first:]])


def _sheets_text(book: Any, name: str = "") -> tuple[str, list[str]]:
    lines: list[str] = []
    places: list[str] = []
    rows = cells_read = chars = 0
    try:
        for sheet in book.worksheets:
            # read_only trusts the stored <dimension>, which may be stale and cut cells off
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()
            layout = _Layout()
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                rows += 1
                cells_read += len(row)
                if rows > MAX_ROWS:
                    raise _too_big(name, "行数", MAX_ROWS)
                if cells_read > MAX_CELLS:
                    raise _too_big(name, "セル数", MAX_CELLS)
                cells = [_cell_text(v) for v in row]
                chars += sum(len(c) for c in cells)
                if chars > MAX_CHARS:
                    raise _too_big(name, "文字数", MAX_CHARS)
                lines.append(layout.line(cells))
                places.append(f"{sheet.title}!{number}")
            lines.append("\f")  # a sheet ends: no value runs on into the next sheet
            places.append(sheet.title)
    finally:
        book.close()
    return "\n".join(lines), places
