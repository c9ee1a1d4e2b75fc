"""One PDF page's characters and ruling lines into printed lines: table rows (their cells' text) and
text outside any table.

The cells come from the ruling lines (`pdfgrid`); characters are placed in the cell that holds
their centre; a cell's printed lines are joined back into its paragraphs.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from .pdfgrid import Box, CellLimits, OverBudget, find_cells

# A glyph the PDF gives no Unicode for: kept visible, and the item that holds it is uncertain.
UNMAPPED = "\ufffd"

_MARKS = {"■": "[○]", "☑": "[○]", "☒": "[○]", "□": "[ ]", "☐": "[ ]"}
# Kangxi radicals, CJK compatibility ideographs, CJK compatibility forms
_COMPATIBLE = ((0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F))
_ASCII_WORD = re.compile(r"[0-9A-Za-z]")
# What starts a numbered or bulleted item of a list: ①…⑳, ・, ※, 【, (1)
_NEW_ITEM = re.compile(r"[\u2460-\u2473・※【(（]")
# a cell lookup band (points): cells are indexed by the bands their height spans; a page whose
# characters lie further apart than this many bands gets wider bands
_BAND = 8.0
_MAX_BANDS = 4096


class Char(NamedTuple):
    """One printed character in reading coordinates (points, top measured down the page). A tuple:
    a page has thousands, made from the child's lists."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass
class Line:
    """One printed line of a page: a table row (its cells) or text outside any table."""

    top: float
    bottom: float
    cells: list[str]
    xs: list[tuple[float, float]]
    in_table: bool
    # per cell: its last printed line runs to the cell's right edge (the text goes on)
    full: list[bool]


def normalise_char(ch: str) -> str:
    """Kangxi radicals and CJK compatibility ideographs/forms, which some PDF fonts map glyphs to,
    become the ordinary characters; everything else is left as printed."""
    return ch.translate(_normal())


@cache
def _normal() -> dict[int, str]:
    """normalise_char as a str.translate table."""
    table = {
        code: unicodedata.normalize("NFKC", chr(code)) for start, end in _COMPATIBLE for code in range(start, end + 1)
    }
    table.update({ord(mark): text for mark, text in _MARKS.items()})
    return table


def page_lines(chars: list[Char], edges: list[Box], height: float, limits: CellLimits) -> list[Line]:
    """The page's printed lines, top to bottom; tops and bottoms as fractions of the page height."""
    chars = dedupe(chars)
    cells: list[Box] = []
    rows: list[list[int]] = []
    for row in find_cells(edges, limits):
        present = [c for c in row if c is not None]
        left, top = min(c[0] for c in present), min(c[1] for c in present)
        indices: list[int] = []
        for box in row:
            if box is None and not indices:
                # the first column is covered by a label cell merged down from a row above: the row
                # starts with an empty cell, as the cell text of such a row does
                indices.append(len(cells))
                cells.append((left, top, left, top))
            elif box is not None:
                indices.append(len(cells))
                cells.append(box)
        rows.append(indices)
    buckets, outside = _place(chars, cells, limits.checks)
    lines = []
    for indices in rows:
        boxes = sorted(indices, key=lambda i: cells[i][0])
        read = [cell_text(buckets[i], cells[i][2]) for i in boxes]
        texts = [text for text, _ in read]
        if not any(texts):
            continue
        top = min(cells[i][1] for i in boxes)
        bottom = max(cells[i][3] for i in boxes)
        lines.append(Line(top, bottom, texts, [(cells[i][0], cells[i][2]) for i in boxes], True, [f for _, f in read]))
    for group in _visual_lines(outside):
        text = _join_line(group)
        if text.strip():
            lines.append(Line(group[0].top, group[0].bottom, [text.strip()], [], False, [False]))
    lines.sort(key=lambda ln: ln.top)
    height = height if height > 0 else 1.0  # a page box of no height (pdfium gives one a default)
    for line in lines:
        line.top /= height
        line.bottom /= height
    return lines


def _place(chars: list[Char], cells: list[Box], limit: int) -> tuple[list[list[Char]], list[Char]]:
    """Each character into the first cell (in the order given) that holds its centre; the rest outside.
    Cells are indexed by the bands of height they span; the bands and the cells looked at per
    character count against limit (a page of thousands of tiny cells, or coordinates far off the
    page, would otherwise cost without bound)."""
    buckets: list[list[Char]] = [[] for _ in cells]
    if not chars:
        return buckets, []
    centres = [(ch.top + ch.bottom) / 2 for ch in chars]
    low, high = min(centres), max(centres)
    band = max(_BAND, (high - low) / _MAX_BANDS)
    bands: dict[int, list[tuple[float, float, float, float, list[Char]]]] = defaultdict(list)
    work = 0
    for (x0, top, x1, bottom), bucket in zip(cells, buckets, strict=True):
        first, last = int((max(top, low) - low) // band), int((min(bottom, high) - low) // band)
        work += max(0, last - first + 1)
        if work > limit:
            raise OverBudget("placing", work, limit)
        for at in range(first, last + 1):
            bands[at].append((x0, top, x1, bottom, bucket))
    outside: list[Char] = []
    nowhere: list[tuple[float, float, float, float, list[Char]]] = []
    for ch, y in zip(chars, centres, strict=True):
        x = (ch.x0 + ch.x1) / 2
        candidates = bands.get(int((y - low) // band), nowhere)
        work += len(candidates)
        for x0, top, x1, bottom, bucket in candidates:
            if x0 <= x <= x1 and top <= y <= bottom:
                bucket.append(ch)
                break
        else:
            outside.append(ch)
    if work > limit:
        raise OverBudget("placing", work, limit)
    return buckets, outside


def dedupe(chars: list[Char]) -> list[Char]:
    """Text drawn twice at (nearly) one spot — "fake bold" — counts once: the same character
    overlapping itself by most of its width ("II" stays two letters)."""
    seen: dict[tuple[str, int], list[float]] = {}
    out = []
    for ch in chars:
        key = (ch.text, round(ch.top))
        near = seen.get(key)  # where the same character starts on this line, in order
        if near is None:
            seen[key] = [ch.x0]
        else:
            span = 0.3 * max(0.1, ch.x1 - ch.x0)
            at = bisect.bisect_left(near, ch.x0)
            if (at < len(near) and near[at] - ch.x0 < span) or (at and ch.x0 - near[at - 1] < span):
                continue
            near.insert(at, ch.x0)
        out.append(ch)
    return out


def _visual_lines(chars: list[Char]) -> list[list[Char]]:
    """Group characters into printed lines by their vertical position, each line left to right."""
    groups: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: (round(c.top), c.x0)):
        if groups and abs(groups[-1][-1].top - ch.top) < 0.5 * ch.size:
            groups[-1].append(ch)
        else:
            groups.append([ch])
    return [sorted(g, key=lambda c: c.x0) for g in groups]


def _join_line(group: list[Char]) -> str:
    out: list[str] = []
    last: Char | None = None
    for ch in group:
        if last is not None and ch.x0 - last.x1 > 0.8 * ch.size and ch.text != " " and out[-1] != " ":
            out.append(" ")
        out.append(ch.text)
        last = ch
    return "".join(out).translate(_normal()).replace("  ", " ")


def cell_text(chars: list[Char], right: float) -> tuple[str, bool]:
    """A cell's printed lines back into its paragraphs: a line that runs to the cell's right edge
    was wrapped by the printer (joined); a shorter one ended its paragraph (a line break).
    Also says whether the last line runs to the edge."""
    if not chars:
        return "", False
    text = ""
    wrapped = False
    groups = _visual_lines(chars)
    for index, group in enumerate(groups):
        line = _join_line(group)
        # a printer that wraps at a space leaves the space at the end of the line
        text = join(text + (" " if wrapped and line.endswith(" ") else ""), line.strip(), wrapped)
        wrapped = group[-1].x1 >= right - 2.5 * max(c.size for c in group)
        below = groups[index + 1][0].text if index + 1 < len(groups) else ""
        if wrapped and line.rstrip().endswith("。") and _NEW_ITEM.match(below):
            wrapped = False  # a sentence that happens to fill the line, then a numbered item: a new paragraph
    return text.strip(), wrapped


def join(text: str, more: str, wrapped: bool) -> str:
    """Two pieces of one cell's text: run together where the printer wrapped the line, a line break
    where a paragraph ended."""
    if not text or not more:
        return text or more
    if not wrapped:
        return f"{text.rstrip()}\n{more}"
    if _ASCII_WORD.match(text[-1]) and _ASCII_WORD.match(more[0]):
        return f"{text} {more}"  # words split at a line end whose space was not printed
    return text + more
