"""Reading a published 評価書 PDF: ruled table cells become cell-text rows for the text parser.

The only module that imports pdfplumber (and pdfminer under it). Each page's ruling lines give the
table cells; characters are placed in cells by position; a cell's lines are joined back into its
paragraphs; each table row becomes one line of TAB-joined cells, as the workbook reader makes, so
the same parser reads both. Page headers, footers and page numbers are dropped; a row continued at
the top of the next page (its first cell empty) is joined to the row it continues.
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pia_diff.errors import InputError
from pia_diff.snapshot import Field, Snapshot
from pia_diff.values import Certainty

MAGIC = b"%PDF-"
# Bounds for a hostile or runaway file; a real 様式3 is 5-40 pages of a few thousand characters each.
MAX_PAGES = 300
MAX_OBJECTS = 200_000
MAX_CHARS_PER_PAGE = 30_000
# Ruling lines and boxes per page (a form page has under a hundred; finding cells is quadratic in them)
MAX_SHAPES_PER_PAGE = 5_000
MAX_SECONDS = 60.0
# A form page's drawing instructions unpack to about 50 KB; far more is a decompression bomb or a
# page built to be slow (pdfminer interprets roughly 0.5 MB a second), so the ceiling bounds one page's time.
MAX_CONTENT_BYTES = 2 * 1024 * 1024
# A glyph the PDF gives no Unicode for: kept visible, and the item that holds it is uncertain.
UNMAPPED = "\ufffd"

_CID = re.compile(r"\(cid:\d+\)")
_PAGE_NUMBER = re.compile(r"^[-－‐―\s]*(?:p\.?|page|ページ)?\s*\d+\s*(?:/\s*\d+|ページ)?[-－‐―\s]*$", re.I)
_MARKS = {"■": "[○]", "☑": "[○]", "☒": "[○]", "□": "[ ]", "☐": "[ ]"}
_ASCII_WORD = re.compile(r"[0-9A-Za-z]")
# What starts a numbered or bulleted item of a list: ①…⑳, ・, ※, 【, (1)
_NEW_ITEM = re.compile(r"[\u2460-\u2473・※【(（]")


def is_pdf(data: bytes) -> bool:
    """PDF by content: the magic may follow a little leading junk, as readers allow (but a ZIP
    package that happens to hold the magic near its start is a workbook)."""
    head = data[:1024]
    return head.startswith(MAGIC) or (MAGIC in head and not head.startswith(b"PK\x03\x04"))


def normalise_char(ch: str) -> str:
    """Kangxi radicals and CJK compatibility ideographs/forms, which some PDF fonts map glyphs to,
    become the ordinary characters; everything else is left as printed."""
    code = ord(ch)
    if 0x2E80 <= code <= 0x2FDF or 0xF900 <= code <= 0xFAFF or 0xFE30 <= code <= 0xFE4F:
        return unicodedata.normalize("NFKC", ch)
    return _MARKS.get(ch, ch)


@dataclass
class _Line:
    """One printed line of a page: a table row (its cells) or text outside any table."""

    top: float
    bottom: float
    cells: list[str]
    xs: list[tuple[float, float]]
    in_table: bool
    # per cell: its last printed line runs to the cell's right edge (the text goes on)
    full: list[bool]


def pdf_text(data: bytes, name: str) -> tuple[str, list[str]]:
    """The document as cell text (one table row per line, cells joined by TAB) and, per line, the
    page it came from ('3ページ')."""
    if b"%%EOF" not in data[-2048:]:
        raise InputError(
            name, "PDF ファイルが途中で切れています (終わりの印 %%EOF がありません)。ファイルを取り直してください。"
        )
    pages = _read_pages(data, name)
    if not any(line.cells for page in pages for line in page):
        raise InputError(
            name,
            "文字を含まない PDF です (スキャンした画像だけのようです)。OCR でテキスト化した PDF か、"
            "評価書のテキストを指定してください。",
        )
    pages = _drop_running_heads(pages)
    lines: list[str] = []
    places: list[str] = []
    previous: _Line | None = None
    for number, page in enumerate(pages, start=1):
        for index, line in enumerate(page):
            if index == 0 and previous is not None and _continues(previous, line):
                previous.cells = [
                    _join(a, b, wrapped)
                    for a, b, wrapped in zip(previous.cells, line.cells, previous.full, strict=True)
                ]
                previous.full = line.full
                lines[-1] = _row_text(previous)
                continue
            lines.append(_row_text(line))
            places.append(f"{number}ページ")
            previous = line
    return "\n".join(lines), places


def _row_text(line: _Line) -> str:
    cells = [c.replace("\t", " ").replace("\n", "<br>") for c in line.cells]
    while len(cells) > 1 and not cells[-1]:
        cells.pop()
    return "\t".join(cells)


def _continues(previous: _Line, line: _Line) -> bool:
    """A table row at the top of a page with its first cell empty, under the same columns as the
    last row of the previous page: the rest of that row, broken by the page end."""
    if not (previous.in_table and line.in_table) or line.cells[0] or len(line.xs) != len(previous.xs):
        return False
    return all(abs(a[0] - b[0]) < 2 and abs(a[1] - b[1]) < 2 for a, b in zip(previous.xs, line.xs, strict=True))


def _read_pages(data: bytes, name: str) -> list[list[_Line]]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    started = time.monotonic()
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            objects = sum(len(list(xref.get_objids())) for xref in pdf.doc.xrefs)
            if objects > MAX_OBJECTS:
                raise InputError(
                    name,
                    f"PDF の中身が多すぎます (オブジェクト {objects} 個)。評価書の PDF ではないか、細工されたファイルです。",
                )
            if len(pdf.pages) > MAX_PAGES:
                raise InputError(
                    name,
                    f"PDF のページが多すぎます ({len(pdf.pages)} ページ、上限 {MAX_PAGES})。評価書だけの PDF を指定してください。",
                )
            out = []
            for page in pdf.pages:
                if time.monotonic() - started > MAX_SECONDS:
                    raise InputError(
                        name, f"PDF の読み取りに時間がかかりすぎるため中止しました ({MAX_SECONDS:.0f} 秒)。"
                    )
                out.append(_page_lines(page, name))
                page.close()  # drop the page's cached layout: memory stays bounded by one page
            return out
    except InputError:
        raise
    except Exception as exc:  # pdfminer raises many types for a damaged file; pdfplumber wraps some
        causes = [exc, *getattr(exc, "args", ()), exc.__cause__, exc.__context__]
        if any(isinstance(c, (PDFPasswordIncorrect, PDFEncryptionError)) for c in causes):
            raise InputError(
                name, "パスワードで保護 (暗号化) された PDF です。保護を解除した PDF を指定してください。"
            ) from exc
        raise InputError(
            name, f"PDF として読めません。ファイルが壊れている可能性があります ({exc.__class__.__name__})。"
        ) from exc


def _check_contents(page: Any, name: str) -> None:
    """Measure the page's drawing instructions, unpacking with a ceiling, before pdfminer unpacks
    and interprets them without one."""
    import zlib

    total = 0
    for stream in page.page_obj.contents or []:
        filters = [str(f).strip("/'") for f, _ in stream.get_filters()]
        if stream.rawdata is None:
            continue
        if not filters:
            total += len(stream.rawdata)
        elif filters == ["FlateDecode"]:
            unpacker = zlib.decompressobj()
            try:
                total += len(unpacker.decompress(stream.rawdata, MAX_CONTENT_BYTES + 1))
            except zlib.error:
                continue  # pdfminer reports (or tolerates) a damaged stream itself
            if unpacker.unconsumed_tail:
                total = MAX_CONTENT_BYTES + 1  # the ceiling was reached with input left over
        if total > MAX_CONTENT_BYTES:
            raise InputError(
                name,
                f"{page.page_number} ページの描画命令が展開すると極端に大きい ({MAX_CONTENT_BYTES // (1024 * 1024)} MB 超) ため、"
                "読み込みを中止しました (圧縮爆弾か、遅くなるよう細工された PDF の疑い)。",
            )


def _page_lines(page: Any, name: str) -> list[_Line]:
    _check_contents(page, name)
    if len(page.chars) > MAX_CHARS_PER_PAGE:
        raise InputError(
            name,
            f"{page.page_number} ページの文字が多すぎます ({len(page.chars)} 文字)。評価書の PDF ではないようです。",
        )
    shapes = len(page.lines) + len(page.rects) + len(page.curves)
    if shapes > MAX_SHAPES_PER_PAGE:
        raise InputError(
            name, f"{page.page_number} ページの図形が多すぎます ({shapes} 個)。評価書の PDF ではないようです。"
        )
    chars = _dedupe(page.chars)
    tables = page.find_tables()
    cells: list[tuple[float, float, float, float]] = []
    rows: list[list[int]] = []
    for table in tables:
        for row in table.rows:
            indices: list[int] = []
            for box in row.cells:
                if box is None and not indices:
                    # the first column is covered by a label cell merged down from a row above: the row
                    # starts with an empty cell, as the cell text of such a row does
                    indices.append(len(cells))
                    cells.append((row.bbox[0], row.bbox[1], row.bbox[0], row.bbox[1]))
                elif box is not None:
                    indices.append(len(cells))
                    cells.append(box)
            if indices:
                rows.append(indices)
    buckets: list[list[dict[str, Any]]] = [[] for _ in cells]
    outside: list[dict[str, Any]] = []
    for ch in chars:
        x = (ch["x0"] + ch["x1"]) / 2
        y = (ch["top"] + ch["bottom"]) / 2
        for i, (x0, top, x1, bottom) in enumerate(cells):
            if x0 <= x <= x1 and top <= y <= bottom:
                buckets[i].append(ch)
                break
        else:
            outside.append(ch)
    lines = []
    for indices in rows:
        boxes = sorted(indices, key=lambda i: cells[i][0])
        read = [_cell_text(buckets[i], cells[i][2]) for i in boxes]
        texts = [text for text, _ in read]
        if not any(texts):
            continue
        top = min(cells[i][1] for i in boxes)
        bottom = max(cells[i][3] for i in boxes)
        lines.append(_Line(top, bottom, texts, [(cells[i][0], cells[i][2]) for i in boxes], True, [f for _, f in read]))
    for group in _visual_lines(outside):
        text = _join_line(group)
        if text.strip():
            lines.append(_Line(group[0]["top"], group[0]["bottom"], [text.strip()], [], False, [False]))
    lines.sort(key=lambda ln: ln.top)
    for line in lines:
        line.top /= float(page.height)
        line.bottom /= float(page.height)
    return lines


def _dedupe(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Text drawn twice at (nearly) one spot — "fake bold" — counts once: the same character
    overlapping itself by most of its width ("II" stays two letters)."""
    seen: dict[tuple[str, int], list[dict[str, Any]]] = {}
    out = []
    for ch in chars:
        near = seen.setdefault((ch["text"], round(ch["top"])), [])
        span = max(0.1, ch["x1"] - ch["x0"])
        if any(abs(o["x0"] - ch["x0"]) < 0.3 * span for o in near):
            continue
        near.append(ch)
        out.append(ch)
    return out


def _visual_lines(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group characters into printed lines by their vertical position, each line left to right."""
    groups: list[list[dict[str, Any]]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if groups and abs(groups[-1][-1]["top"] - ch["top"]) < 0.5 * ch["size"]:
            groups[-1].append(ch)
        else:
            groups.append([ch])
    return [sorted(g, key=lambda c: c["x0"]) for g in groups]


def _join_line(group: list[dict[str, Any]]) -> str:
    out: list[str] = []
    last: dict[str, Any] | None = None
    for ch in group:
        if last is not None and ch["x0"] - last["x1"] > 0.8 * ch["size"] and ch["text"] != " " and out[-1] != " ":
            out.append(" ")
        out.append("".join(normalise_char(c) for c in _CID.sub(UNMAPPED, ch["text"])))
        last = ch
    return "".join(out).replace("  ", " ")


def _cell_text(chars: list[dict[str, Any]], right: float) -> tuple[str, bool]:
    """A cell's printed lines back into its paragraphs: a line that runs to the cell's right edge
    was wrapped by the printer (joined); a shorter one ended its paragraph (a line break).
    Also says whether the last line runs to the edge."""
    if not chars:
        return "", False
    text = ""
    wrapped = False
    for group in _visual_lines(chars):
        line = _join_line(group)
        # a printer that wraps at a space leaves the space at the end of the line
        text = _join(text + (" " if wrapped and line.endswith(" ") else ""), line.strip(), wrapped)
        wrapped = group[-1]["x1"] >= right - 2.5 * max(c["size"] for c in group)
        if wrapped and line.rstrip().endswith("。") and _NEW_ITEM.match(_next_start(group, chars)):
            wrapped = False  # a sentence that happens to fill the line, then a numbered item: a new paragraph
    return text.strip(), wrapped


def _next_start(group: list[dict[str, Any]], chars: list[dict[str, Any]]) -> str:
    """The first character of the printed line below group, within the same cell."""
    below = [c for c in chars if c["top"] > group[-1]["top"] + 0.5 * group[-1]["size"]]
    if not below:
        return ""
    top = min(c["top"] for c in below)
    first = min((c for c in below if abs(c["top"] - top) < 0.5 * c["size"]), key=lambda c: c["x0"])
    return str(first["text"])


def _join(text: str, more: str, wrapped: bool) -> str:
    if not text or not more:
        return text or more
    if not wrapped:
        return f"{text.rstrip()}\n{more}"
    if _ASCII_WORD.match(text[-1]) and _ASCII_WORD.match(more[0]):
        return f"{text} {more}"  # words split at a line end whose space was not printed
    return text + more


def _drop_running_heads(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Page headers, footers and page numbers: text outside the tables near the top or bottom edge
    that repeats on most pages (digits aside), or that is only a page number."""

    def key(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.cells[0])

    def marginal(line: _Line) -> bool:
        return not line.in_table and (line.bottom < 0.12 or line.top > 0.88)

    counts = Counter(key(ln) for page in pages for ln in {key(x): x for x in page if marginal(x)}.values())
    repeated = {k for k, n in counts.items() if len(pages) > 1 and n >= max(2, len(pages) // 2)}
    return [
        [ln for ln in page if not (marginal(ln) and (key(ln) in repeated or _PAGE_NUMBER.match(ln.cells[0])))]
        for page in pages
    ]


def mark_unmapped(snapshot: Snapshot) -> Snapshot:
    """An item whose text holds a glyph without Unicode is uncertain: its value is not what was printed."""
    for path, item in snapshot.fields.items():
        if UNMAPPED in repr(item.value):
            snapshot.fields[path] = Field(path, item.value, item.line, Certainty.UNCERTAIN)
    return snapshot
