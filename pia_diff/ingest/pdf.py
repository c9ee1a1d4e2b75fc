"""Reading a published 評価書 PDF: ruled table cells become cell-text rows for the text parser.

pdfium (`pdfium`, run in a child process by `pdfchild`) gives each page's characters and ruling
lines; `pdfgrid` finds the table cells and `pdfcells` puts the characters in them; each table row becomes
one line of TAB-joined cells, as the workbook reader makes, so the same parser reads both. Page
headers, footers and page numbers are dropped; a row continued at the top of the next page (its
first cell empty) is joined to the row it continues. A page that could not be read within its
budgets is named in the text as a line of its own, which the parser reports as not placed.
"""

from __future__ import annotations

import re
from collections import Counter

from pia_diff.errors import InputError
from pia_diff.snapshot import Field, Snapshot
from pia_diff.values import Certainty

from .magic import MAGIC, is_pdf
from .pdfcells import UNMAPPED, Line, join, page_lines
from .pdfchild import PageContent, ReadLimits, Skipped, pages, reason
from .pdfgrid import CellLimits, OverBudget

# Bounds for a hostile or runaway file; a real 様式3 is 5-40 pages of a few thousand characters each.
MAX_PAGES = 300
# Page objects (text runs, paths, images; those inside form XObjects counted too): per page, a form
# page has a few hundred to a few thousand; per document, past this it is no assessment.
MAX_OBJECTS_PER_PAGE = 50_000
MAX_OBJECTS = 200_000
# Form XObjects drawn inside form XObjects: real documents nest them two or three deep.
MAX_FORM_DEPTH = 8
# Segments of the path objects on a page (a ruled page has hundreds)
MAX_SEGMENTS_PER_PAGE = 100_000
MAX_CHARS_PER_PAGE = 30_000
MAX_CHARS = 400_000
# Ruling lines per page, and the crossings and checks finding cells in them may take (a form page
# has under a hundred rules and a few hundred crossings; finding cells is quadratic in bad cases)
MAX_SHAPES_PER_PAGE = 5_000
MAX_CROSSINGS_PER_PAGE = 20_000
MAX_CELL_CHECKS_PER_PAGE = 1_000_000
# The clock: one page (pdfium reads a form page in a few tens of milliseconds), the whole document;
# and how many pages may stop the reader (by the clock or the memory limit) before it gives up the rest
PAGE_SECONDS = 4.0
MAX_SECONDS = 60.0
MAX_FAILED_PAGES = 3
# The memory the child process that runs pdfium may take: a page that would unpack a flate bomb or
# draw a form XObject millions of times reaches it, and is reported instead of taking the machine.
MEMORY_LIMIT = 400 * 1024 * 1024

_PAGE_NUMBER = re.compile(r"^[-－‐―\s]*(?:p\.?|page|ページ)?\s*\d+\s*(?:/\s*\d+|ページ)?[-－‐―\s]*$", re.I)

__all__ = ["MAGIC", "UNMAPPED", "is_pdf", "mark_unmapped", "pdf_text"]


def pdf_text(data: bytes, name: str) -> tuple[str, list[str]]:
    """The document as cell text (one table row per line, cells joined by TAB) and, per line, the
    page it came from ('3ページ'). A page that could not be read is a line saying so."""
    if b"%%EOF" not in data[-2048:]:
        raise InputError(
            name, "PDF ファイルが途中で切れています (終わりの印 %%EOF がありません)。ファイルを取り直してください。"
        )
    read = _read_pages(data, name)
    skipped = [page for page in read if isinstance(page, Skipped)]
    if not any(line.cells for page in read if isinstance(page, list) for line in page):
        if skipped:
            more = f" ほか {len(skipped) - 3} 件。" if len(skipped) > 3 else ""
            raise InputError(name, "PDF のどのページも読めませんでした。" + " ".join(map(_notice, skipped[:3])) + more)
        raise InputError(
            name,
            "文字を含まない PDF です (スキャンした画像だけのようです)。OCR でテキスト化した PDF か、"
            "評価書のテキストを指定してください。",
        )
    lines: list[str] = []
    places: list[str] = []
    previous: Line | None = None
    number = 0
    for page in _drop_running_heads(read):
        if isinstance(page, Skipped):
            # a page break on each side: no value runs on into the notice or out of it
            lines += ["\f", _notice(page), "\f"]
            places += [f"{page.number}ページ"] * 3
            number, previous = page.last, None
            continue
        number += 1
        for index, line in enumerate(page):
            if index == 0 and previous is not None and _continues(previous, line):
                previous.cells = [
                    join(a, b, wrapped) for a, b, wrapped in zip(previous.cells, line.cells, previous.full, strict=True)
                ]
                previous.full = line.full
                lines[-1] = _row_text(previous)
                continue
            lines.append(_row_text(line))
            places.append(f"{number}ページ")
            previous = line
    return "\n".join(lines), places


def _notice(page: Skipped) -> str:
    pages = f"{page.number}" if page.last == page.number else f"{page.number}〜{page.last}"
    return f"PDF の {pages} ページ目を読めません: {page.reason}。"


def _row_text(line: Line) -> str:
    cells = [c.replace("\t", " ").replace("\n", "<br>") for c in line.cells]
    while len(cells) > 1 and not cells[-1]:
        cells.pop()
    return "\t".join(cells)


# How far (points) a column's edge may move between the last row of a page and the first of the next
# for the two to be one row broken by the page end: ruling lines drawn twice differ by a fraction.
COLUMN_TOLERANCE = 2.0


def _continues(previous: Line, line: Line) -> bool:
    """A table row at the top of a page with its first cell empty, under the same columns as the
    last row of the previous page: the rest of that row, broken by the page end."""
    if not (previous.in_table and line.in_table) or line.cells[0] or len(line.xs) != len(previous.xs):
        return False
    return all(
        abs(a[0] - b[0]) < COLUMN_TOLERANCE and abs(a[1] - b[1]) < COLUMN_TOLERANCE
        for a, b in zip(previous.xs, line.xs, strict=True)
    )


def _read_pages(data: bytes, name: str) -> list[list[Line] | Skipped]:
    limits = ReadLimits(
        pages=MAX_PAGES,
        failed_pages=MAX_FAILED_PAGES,
        objects=MAX_OBJECTS,
        page_objects=MAX_OBJECTS_PER_PAGE,
        form_depth=MAX_FORM_DEPTH,
        page_segments=MAX_SEGMENTS_PER_PAGE,
        page_chars=MAX_CHARS_PER_PAGE,
        chars=MAX_CHARS,
        memory=MEMORY_LIMIT,
        page_seconds=PAGE_SECONDS,
        seconds=MAX_SECONDS,
    )
    cells = CellLimits(rules=MAX_SHAPES_PER_PAGE, crossings=MAX_CROSSINGS_PER_PAGE, checks=MAX_CELL_CHECKS_PER_PAGE)
    return [page if isinstance(page, Skipped) else _lines(page, cells) for page in pages(data, name, limits)]


def _lines(page: PageContent, limits: CellLimits) -> list[Line] | Skipped:
    try:
        return page_lines(page.chars, page.edges, page.height, limits)
    except OverBudget as over:
        return Skipped(page.number, page.number, reason(over.what, over.count, over.limit))


def _drop_running_heads(pages: list[list[Line] | Skipped]) -> list[list[Line] | Skipped]:
    """Page headers, footers and page numbers: text outside the tables near the top or bottom edge
    that repeats on most pages read (digits aside), or that is only a page number."""

    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", line.cells[0])

    def marginal(line: Line) -> bool:
        return not line.in_table and (line.bottom < 0.12 or line.top > 0.88)

    read = [page for page in pages if isinstance(page, list)]
    counts = Counter(key(ln) for page in read for ln in {key(x): x for x in page if marginal(x)}.values())
    repeated = {k for k, n in counts.items() if len(read) > 1 and n >= max(2, len(read) // 2)}
    return [
        [ln for ln in page if not (marginal(ln) and (key(ln) in repeated or _PAGE_NUMBER.match(ln.cells[0])))]
        if isinstance(page, list)
        else page
        for page in pages
    ]


def mark_unmapped(snapshot: Snapshot) -> Snapshot:
    """An item whose text holds a glyph without Unicode is uncertain: its value is not what was printed."""
    for path, item in snapshot.fields.items():
        if UNMAPPED in repr(item.value):
            snapshot.fields[path] = Field(path, item.value, item.line, Certainty.UNCERTAIN)
    return snapshot
