"""One PDF page's characters and ruling lines into printed lines: table rows (their cells' text) and
text outside any table.

The cells come from the ruling lines as pdfplumber's table finder makes them (lines snapped and
joined within 3 pt, crossings within 3 pt, each crossing's smallest box, boxes that share a corner
one table), computed with sorted indexes instead of pdfplumber's all-pairs loops, and with budgets
on the crossings and the checks so that a page of thousands of lines costs a bounded time.
Characters are placed in the cell that holds their centre; a cell's printed lines are joined back
into its paragraphs.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from typing import NamedTuple

# A glyph the PDF gives no Unicode for: kept visible, and the item that holds it is uncertain.
UNMAPPED = "\ufffd"
# pdfplumber's defaults (table_settings), which the fixtures were read with
SNAP = 3.0
JOIN = 3.0
MIN_PREFILTER = 1.0
MIN_LENGTH = 3.0
CROSSING = 3.0

_MARKS = {"■": "[○]", "☑": "[○]", "☒": "[○]", "□": "[ ]", "☐": "[ ]"}
# Kangxi radicals, CJK compatibility ideographs, CJK compatibility forms
_COMPATIBLE = ((0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F))
_ASCII_WORD = re.compile(r"[0-9A-Za-z]")
# What starts a numbered or bulleted item of a list: ①…⑳, ・, ※, 【, (1)
_NEW_ITEM = re.compile(r"[\u2460-\u2473・※【(（]")
# a cell lookup band (points): cells are indexed by the bands their height spans
_BAND = 8.0

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


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


class OverBudget(Exception):
    """A page whose rules would cost more than its budget to turn into cells."""

    def __init__(self, what: str, count: int, limit: int) -> None:
        super().__init__(what, count, limit)
        self.what, self.count, self.limit = what, count, limit


@dataclass(frozen=True)
class CellLimits:
    """What finding one page's cells may cost."""

    rules: int  # horizontal and vertical stretches of ruling line
    crossings: int  # where a horizontal and a vertical rule meet
    checks: int  # edge-connection checks while looking for each crossing's box


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


# ---- rules into cells ------------------------------------------------------------------------------


def _snap(values: list[float]) -> dict[float, float]:
    """Values within SNAP of their neighbour (in a chain) become the mean of their cluster (by edge)."""
    out: dict[float, float] = {}
    ordered = sorted(values)
    start = 0
    for i in range(1, len(ordered) + 1):
        if i == len(ordered) or ordered[i] > ordered[i - 1] + SNAP:
            cluster = ordered[start:i]
            mean = sum(cluster) / len(cluster)
            for value in cluster:
                out[value] = mean
            start = i
    return out


def _merge(stretches: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """(position, start, end) stretches of one orientation: snapped onto shared positions, then
    joined where they touch or overlap along one position (within JOIN)."""
    snapped = _snap([s[0] for s in stretches])
    out: list[tuple[float, float, float]] = []
    ordered = sorted(((snapped[p], a, b) for p, a, b in stretches), key=lambda s: (s[0], s[1]))
    for position, group in groupby(ordered, key=lambda s: s[0]):
        joined: list[list[float]] = []
        for _, a, b in group:
            if joined and a <= joined[-1][1] + JOIN:
                joined[-1][1] = max(joined[-1][1], b)
            else:
                joined.append([a, b])
        out += [(position, a, b) for a, b in joined if b - a >= MIN_LENGTH]
    return out


def find_cells(edges: list[Box], limits: CellLimits) -> list[list[Box | None]]:
    """The table rows of a page, top to bottom, each a list of cells left to right (None where a
    cell of the table's column grid is covered by a cell merged from a row above)."""
    if len(edges) > limits.rules:
        raise OverBudget("rules", len(edges), limits.rules)
    vertical = [(x0, top, bottom) for x0, top, x1, bottom in edges if x0 == x1 and bottom - top >= MIN_PREFILTER]
    horizontal = [(top, x0, x1) for x0, top, x1, bottom in edges if top == bottom and x1 - x0 >= MIN_PREFILTER]
    vs, hs = _merge(vertical), _merge(horizontal)
    points = _crossings(vs, hs, limits.crossings)
    cells = _boxes(points, limits.checks)
    return [row for table in _tables(cells) for row in _rows(table)]


def _crossings(
    vs: list[tuple[float, float, float]], hs: list[tuple[float, float, float]], limit: int
) -> dict[tuple[float, float], tuple[set[int], set[int]]]:
    """Where each vertical rule meets a horizontal one (within CROSSING): point → (the vertical
    rules, the horizontal rules through it)."""
    hs_sorted = sorted(range(len(hs)), key=lambda i: hs[i][0])
    tops = [hs[i][0] for i in hs_sorted]
    out: dict[tuple[float, float], tuple[set[int], set[int]]] = {}
    found = 0
    for v, (x, top, bottom) in enumerate(vs):
        lo = bisect.bisect_left(tops, top - CROSSING)
        hi = bisect.bisect_right(tops, bottom + CROSSING)
        found += hi - lo  # every candidate is looked at: the budget counts them all
        if found > limit:
            raise OverBudget("crossings", found, limit)
        for k in range(lo, hi):
            h = hs_sorted[k]
            y, x0, x1 = hs[h]
            if x0 - CROSSING <= x <= x1 + CROSSING:
                through = out.setdefault((x, y), (set(), set()))
                through[0].add(v)
                through[1].add(h)
    return out


def _boxes(points: dict[tuple[float, float], tuple[set[int], set[int]]], limit: int) -> list[Box]:
    """Each crossing's smallest box whose four sides are rules: the crossings below it and to its
    right, nearest first, as pdfplumber's intersections_to_cells takes them."""
    columns: dict[float, list[float]] = defaultdict(list)
    rows: dict[float, list[float]] = defaultdict(list)
    for x, y in sorted(points):
        columns[x].append(y)
        rows[y].append(x)
    checks = 0

    def vertical(p: tuple[float, float], q: tuple[float, float]) -> bool:
        return not points[p][0].isdisjoint(points[q][0])

    def horizontal(p: tuple[float, float], q: tuple[float, float]) -> bool:
        return not points[p][1].isdisjoint(points[q][1])

    out: list[Box] = []
    for x, y in sorted(points):
        column, row = columns[x], rows[y]
        below = column[bisect.bisect_right(column, y) :]
        right = row[bisect.bisect_right(row, x) :]
        found = None
        for by in below:
            checks += 1
            if not vertical((x, y), (x, by)):
                continue
            for rx in right:
                checks += 1
                if checks > limit:
                    raise OverBudget("checks", checks, limit)
                if not horizontal((x, y), (rx, y)):
                    continue
                corner = (rx, by)
                if corner in points and vertical(corner, (rx, y)) and horizontal(corner, (x, by)):
                    found = (x, y, rx, by)
                    break
            if found:
                break
        if checks > limit:
            raise OverBudget("checks", checks, limit)
        if found:
            out.append(found)
    return out


def _tables(cells: list[Box]) -> list[list[Box]]:
    """Cells that share a corner, directly or through others, are one table; single cells are none."""
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[float, float], int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            j = owner.setdefault(corner, i)
            a, b = root(i), root(j)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[Box]] = defaultdict(list)
    for i, cell in enumerate(cells):
        groups[root(i)].append(cell)
    tables = [g for g in groups.values() if len(g) > 1]
    return sorted(tables, key=lambda t: min((c[1], c[0]) for c in t))


def _rows(table: list[Box]) -> list[list[Box | None]]:
    """A table's rows: cells with the same top, on the grid of every left edge in the table."""
    xs = sorted({c[0] for c in table})
    out: list[list[Box | None]] = []
    for _, row in groupby(sorted(table, key=lambda c: (c[1], c[0])), key=lambda c: c[1]):
        by_left = {c[0]: c for c in row}
        out.append([by_left.get(x) for x in xs])
    return out


# ---- characters into cells ---------------------------------------------------------------------------


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
    buckets, outside = _place(chars, cells)
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
    for line in lines:
        line.top /= height
        line.bottom /= height
    return lines


def _place(chars: list[Char], cells: list[Box]) -> tuple[list[list[Char]], list[Char]]:
    """Each character into the first cell (in the order given) that holds its centre; the rest outside."""
    bands: dict[int, list[tuple[float, float, float, float, list[Char]]]] = defaultdict(list)
    buckets: list[list[Char]] = [[] for _ in cells]
    for (x0, top, x1, bottom), bucket in zip(cells, buckets, strict=True):
        for band in range(int(top // _BAND), int(bottom // _BAND) + 1):
            bands[band].append((x0, top, x1, bottom, bucket))
    outside: list[Char] = []
    nowhere: list[tuple[float, float, float, float, list[Char]]] = []
    for ch in chars:
        x = (ch.x0 + ch.x1) / 2
        y = (ch.top + ch.bottom) / 2
        for x0, top, x1, bottom, bucket in bands.get(int(y // _BAND), nowhere):
            if x0 <= x <= x1 and top <= y <= bottom:
                bucket.append(ch)
                break
        else:
            outside.append(ch)
    return buckets, outside


def dedupe(chars: list[Char]) -> list[Char]:
    """Text drawn twice at (nearly) one spot — "fake bold" — counts once: the same character
    overlapping itself by most of its width ("II" stays two letters)."""
    seen: dict[tuple[str, int], list[float]] = {}
    out = []
    for ch in chars:
        key = (ch.text, round(ch.top))
        near = seen.get(key)
        if near is None:
            seen[key] = [ch.x0]
        else:
            span = 0.3 * max(0.1, ch.x1 - ch.x0)
            if any(abs(x0 - ch.x0) < span for x0 in near):
                continue
            near.append(ch.x0)
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
    for group in _visual_lines(chars):
        line = _join_line(group)
        # a printer that wraps at a space leaves the space at the end of the line
        text = join(text + (" " if wrapped and line.endswith(" ") else ""), line.strip(), wrapped)
        wrapped = group[-1].x1 >= right - 2.5 * max(c.size for c in group)
        if wrapped and line.rstrip().endswith("。") and _NEW_ITEM.match(_next_start(group, chars)):
            wrapped = False  # a sentence that happens to fill the line, then a numbered item: a new paragraph
    return text.strip(), wrapped


def _next_start(group: list[Char], chars: list[Char]) -> str:
    """The first character of the printed line below group, within the same cell."""
    below = [c for c in chars if c.top > group[-1].top + 0.5 * group[-1].size]
    if not below:
        return ""
    top = min(c.top for c in below)
    first = min((c for c in below if abs(c.top - top) < 0.5 * c.size), key=lambda c: c.x0)
    return first.text


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
