"""Ruling lines into table cells, as pdfplumber's table finder makes them from a page's lines:
rules snapped and joined within 3 pt, crossings within 3 pt, each crossing's smallest box whose four
sides are rules, boxes that share a corner one table. Computed with sorted indexes instead of
pdfplumber's all-pairs loops, and within budgets on the rules, the crossings and the checks, so
that a page of thousands of lines costs a bounded time (OverBudget names what ran out).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby

# pdfplumber's defaults (table_settings), which the fixtures were read with
SNAP = 3.0
JOIN = 3.0
MIN_PREFILTER = 1.0
MIN_LENGTH = 3.0
CROSSING = 3.0

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


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
    checks: int  # edge-connection checks while looking for each crossing's box; cells looked at to place characters


def _snap(values: list[float]) -> dict[float, float]:
    """Values within SNAP of their neighbour (in a chain) become the mean of their cluster, each
    value counted as often as it comes (one a rule), as pdfplumber averages them."""
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
