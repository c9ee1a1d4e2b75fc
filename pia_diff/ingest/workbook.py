"""Reading an assessment kept as an Excel workbook: cells become cell-text rows for the parser."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

from pia_diff.errors import InputError
from pia_diff.lean import lean_import
from pia_diff.snapshot import Field, Snapshot
from pia_diff.values import Certainty
from pia_diff.wareki import to_wareki

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
# Every other XML part it reads whole too (styles, the workbook, relationships): the same bound.
MAX_XML_PART = MAX_SHARED_STRINGS

_CONTENT_TYPES = "[Content_Types].xml"
_TYPE_PREFIX = "application/vnd.openxmlformats-officedocument.spreadsheetml."
# Parts openpyxl streams row by row (bounded by MAX_ROWS, MAX_CELLS, MAX_CHARS instead).
_STREAMED = tuple(_TYPE_PREFIX + kind for kind in ("worksheet+xml", "chartsheet+xml", "dialogsheet+xml"))
_SHARED_STRINGS = _TYPE_PREFIX + "sharedStrings+xml"
# Strict Open XML names its namespaces differently; openpyxl knows only the transitional ones.
_STRICT_NAMESPACES = (
    (b"http://purl.oclc.org/ooxml/spreadsheetml/main", b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    ),
    (b"http://purl.oclc.org/ooxml/drawingml/main", b"http://schemas.openxmlformats.org/drawingml/2006/main"),
)
# How a formula's element starts, with or without a namespace prefix (<f>, <x:f …>).
_FORMULA_STARTS = (b"<f>", b"<f ", b":f>", b":f ")


def refuse_ole2(data: bytes, name: str) -> None:
    """Legacy .xls and password-protected workbooks share the OLE2 container."""
    if "EncryptedPackage".encode("utf-16-le") in data or b"EncryptionInfo" in data:
        raise InputError(name, "パスワードで保護された Excel ファイルです。保護を解除した .xlsx を指定してください。")
    raise InputError(name, "古い形式の Excel ファイル (.xls) です。Excel で .xlsx 形式に保存し直してください。")


def _archive(data: bytes, name: str) -> zipfile.ZipFile:
    """The package, checked before openpyxl reads any of it: a workbook, no macros, no zip bomb, and
    no part that openpyxl reads whole beyond its bound, whatever the part is named."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
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
    types = _content_types(archive, name)
    for entry in entries:
        kind = types.get(entry.filename.lower(), "")
        if entry.file_size <= MAX_XML_PART or kind.startswith(_STREAMED):
            continue
        if kind == _SHARED_STRINGS or entry.filename.lower() == "xl/sharedstrings.xml":
            what = "共有文字列"
        elif entry.filename.lower().endswith((".xml", ".rels")) or "xml" in kind:
            what = f"ブックの部品 {entry.filename} "
        else:
            continue  # a picture or another binary part: not read here
        raise InputError(
            name,
            f"{what}が大きすぎます ({entry.file_size // (1024 * 1024)} MB、上限 {MAX_XML_PART // (1024 * 1024)} MB)。"
            "評価書のブックとしては大きすぎるため読み込みを中止しました。",
        )
    return archive


def _content_types(archive: zipfile.ZipFile, name: str) -> dict[str, str]:
    """Each part's declared content type (by lower-case part name): openpyxl finds parts this way."""
    from defusedxml import ElementTree  # type: ignore[import-untyped]

    try:
        info = archive.getinfo(_CONTENT_TYPES)
    except KeyError:
        return {}
    if info.file_size > MAX_XML_PART:
        raise InputError(name, "ブックの部品 [Content_Types].xml が大きすぎます。読み込みを中止しました。")
    try:
        root = ElementTree.fromstring(_part(archive, info, name) or b"")
    except Exception as exc:  # defusedxml's refusals, a broken part, a broken zip entry: the file's fault
        raise InputError(name, f"Excel ファイルを読めません: {_reason(exc)}。") from exc
    types: dict[str, str] = {}
    for element in root:
        if str(element.tag).endswith("Override"):
            part = str(element.get("PartName") or "").lstrip("/").lower()
            types[part] = str(element.get("ContentType") or "")
    return types


def _part(archive: zipfile.ZipFile, part: str | zipfile.ZipInfo, name: str) -> bytes | None:
    """One part's bytes (None if there is no such part); a part that cannot be unpacked is the file's fault."""
    try:
        return archive.read(part)
    except KeyError:
        return None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise InputError(name, f"Excel ファイルを読めません: {_reason(exc)}。") from exc


def _transitional(data: bytes, archive: zipfile.ZipFile, name: str) -> bytes:
    """A Strict Open XML package rewritten with the transitional namespaces openpyxl reads (its size
    is bounded already); any other package as it is."""
    if _STRICT_NAMESPACES[0][0] not in (_part(archive, "xl/workbook.xml", name) or b""):
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for entry in archive.infolist():
            content = _part(archive, entry, name) or b""
            if entry.filename.lower().endswith((".xml", ".rels")):
                for strict, transitional in _STRICT_NAMESPACES:
                    content = content.replace(strict, transitional)
            copy.writestr(entry.filename, content)
    return out.getvalue()


def _reason(exc: BaseException) -> str:
    """Why the library could not read the package, in Japanese (the exception's name only as a hint).
    openpyxl wraps a part's parse error in its own ValueError: the cause tells more."""
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, ValueError) and isinstance(cause, Exception) and cause is not exc:
        return _reason(cause)
    kind = exc.__class__.__name__
    if kind in ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden", "NotSupportedError"):
        return "XML に実体宣言や外部参照が含まれています (XML 爆弾の疑い)"
    if kind in ("ParseError", "XMLSyntaxError", "ExpatError"):
        return "ブックの XML が壊れています"
    if isinstance(exc, KeyError):
        return "ブックに必要な部品がありません"
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError | OSError):
        return "ZIP の中身が壊れています"
    if isinstance(exc, NotImplementedError | RuntimeError):
        return "対応していない圧縮方式か、暗号化された部品があります"
    return f"ブックの構造が Excel の形式に合いません ({kind})"


def _cell_text(value: object) -> str:
    """A cell's value as the text Excel shows for it (dates in 和暦); a type not known here by its text."""
    if value is None:
        return ""
    if isinstance(value, str):
        # a line break inside a cell is part of the value, not a new row of the form
        return value.replace("\r\n", "\n").replace("\n", "<br>").replace("\t", " ")
    if isinstance(value, bool):  # before int: a bool is an int
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel shows 15 significant digits; a float that is a whole number has no decimal point
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.15g}"
    if isinstance(value, dt.datetime):
        day = to_wareki(value.date())
        return day if value.time() == dt.time(0) else f"{day} {_clock(value.time())}"
    if isinstance(value, dt.date):
        return to_wareki(value)
    if isinstance(value, dt.time):
        return _clock(value)
    if isinstance(value, dt.timedelta):  # a duration, as Excel's [h]:mm:ss shows it
        seconds = round(value.total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return _cell_text(str(value))


def _clock(time: dt.time) -> str:
    return f"{time.hour}:{time.minute:02d}" + (f":{time.second:02d}" if time.second else "")


class Places(list[str]):
    """Where each line of a workbook's text came from ('Ⅰ 基本情報!12'); `formulas`: the places of
    rows holding a formula without a saved result (the workbook does not show its value)."""

    formulas: frozenset[str] = frozenset()


def workbook_text(data: bytes, name: str) -> tuple[str, Places]:
    """Every sheet, row by row, cells joined by TAB (merged cells hold their value once), and for
    each line the place it came from ('Ⅰ 基本情報!12')."""
    archive = _archive(data, name)
    data = _transitional(data, archive, name)
    lean_import("openpyxl")  # without numpy where the command line asked (pia_diff.lean)
    from openpyxl import load_workbook

    # Only the library's own work is inside the excepts: a damaged or hostile package is the file's
    # fault (exit 2); a bug in our assembly is ours (exit 3, with its traceback saved to be reported).
    try:
        with _no_dimension_scan(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's English warnings are no message for the user
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, rich_text=False)
    except Exception as exc:  # openpyxl and defusedxml raise many types for a damaged or hostile package
        raise InputError(name, f"Excel ファイルを読めません: {_reason(exc)}。") from exc
    try:
        return _sheets_text(book, name, zipfile.ZipFile(io.BytesIO(data)))
    finally:
        book.close()


def _library_rows(sheet: Any, name: str) -> Iterator[tuple[object, ...]]:
    """A sheet's rows of values as openpyxl parses them (lazily); its failures are the file's fault."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows = iter(sheet.iter_rows(values_only=True))
    except Exception as exc:
        raise InputError(name, f"Excel ファイルを読めません: {_reason(exc)}。") from exc
    while True:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # the sheet's XML is parsed as the rows are asked for
            raise InputError(name, f"Excel ファイルを読めません: {_reason(exc)}。") from exc
        yield row


def _formula_rows(archive: zipfile.ZipFile, part: str, name: str) -> set[int]:
    """Rows of a sheet holding a formula without a saved result: openpyxl gives a formula's value as
    Excel computed it when the file was last saved, and nothing when no program computed it (a file
    written by a program that does not calculate). Nothing here computes a formula."""
    from defusedxml import ElementTree

    content = _part(archive, part, name) if part else None
    if content is None or not any(start in content for start in _FORMULA_STARTS):
        return set()
    rows: set[int] = set()
    try:
        for _event, element in ElementTree.iterparse(io.BytesIO(content), events=("end",)):
            if not str(element.tag).endswith("}c") and element.tag != "c":
                continue
            children = {str(child.tag).rsplit("}", 1)[-1]: child for child in element}
            if "f" in children and not (children.get("v") is not None and children["v"].text):
                digits = "".join(ch for ch in str(element.get("r") or "") if ch.isdigit())
                if digits and len(digits) < 8:
                    rows.add(int(digits))
            element.clear()
    except Exception as exc:  # the library's parse of the sheet: the file's fault
        raise InputError(name, f"Excel ファイルを読めません: {_reason(exc)}。") from exc
    return rows


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


def _sheets_text(book: Any, name: str, archive: zipfile.ZipFile) -> tuple[str, Places]:
    lines: list[str] = []
    places = Places()
    formulas: set[str] = set()
    rows = cells_read = chars = 0
    for sheet in book.worksheets:
        # read_only trusts the stored <dimension>, which may be stale and cut cells off
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
        with_formulas = _formula_rows(archive, str(getattr(sheet, "_worksheet_path", "")), name)
        layout = _Layout()
        for number, row in enumerate(_library_rows(sheet, name), start=1):
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
            if number in with_formulas:
                formulas.add(places[-1])
        lines.append("\f")  # a sheet ends: no value runs on into the next sheet
        places.append(sheet.title)
    places.formulas = frozenset(formulas)
    return "\n".join(lines), places


def mark_formulas(snapshot: Snapshot, places: list[str]) -> Snapshot:
    """An item read from a row holding a formula without a saved result is uncertain: the workbook
    shows no value there, and nothing here computes one. (A formula with a saved result is read as
    that result, as Excel shows it on opening.)"""
    formulas: frozenset[str] = getattr(places, "formulas", frozenset())
    if not formulas:
        return snapshot
    for path, item in snapshot.fields.items():
        if item.line in formulas and item.certainty is Certainty.OK:
            snapshot.fields[path] = Field(path, item.value, item.line, Certainty.UNCERTAIN)
    return snapshot
