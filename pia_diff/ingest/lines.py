"""What one line of a 評価書's text is, on its own: a pure classifier (no cursor, no state)."""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import NamedTuple

from pia_diff.catalogue import Node
from pia_diff.forms import vocabulary
from pia_diff.text import fold, html_to_text, remember
from pia_diff.wareki import parse_date

from .hits import history_header
from .labels import LabelIndex, cell_key

# The year and month are short runs that cannot hold a bracket, 年 or 月: a lazy \S+? here used to
# backtrack cubically on a line of 「[令和1年」 repeated (issue 13).
# Bounded pieces and no nested quantifiers: linear on a line of 「[令和1年」 repeated (issue 13).
FORM_VERSION_PATTERN = re.compile(
    r"\[\s*((?:令和|平成)\s*[^\s\[\]年月]{1,4}年\s*[^\s\[\]年月]{1,3}月)\s*(様式\s*[0-9０-９])\s*\]"
)
TOC = vocabulary().toc
TITLE = vocabulary().title


class LineKind(StrEnum):
    BLANK = "blank"
    PAGE_BREAK = "page break"  # a form feed: a page or sheet ends
    TOC = "toc"  # the 項目一覧 heading
    HISTORY_START = "history start"  # (別添2) 変更箇所: the document's own change table follows
    PART_HEADER = "part header"
    FORM_VERSION = "form version"  # [令和6年10月 様式3]
    COVER_HEADER = "cover header"  # 評価書番号 ⇥ 評価書名 (the values are on the next line)
    ENTITY_RANGE = "entity range"  # システム8～10: a heading over several entities, no item
    LABELS = "labels"  # cells of which one may start with a label, an entity header or a checkbox
    TEXT = "text"  # no label anywhere in it: it continues a value, or is unplaced


class Line(NamedTuple):
    number: int
    raw: str
    key: str  # the whole line as a label key
    kind: LineKind
    cells: tuple[str, ...]
    part: Node | None = None  # for PART_HEADER
    form_version: str | None = None  # '[令和6年10月 様式3]' when the line carries it
    title: str | None = None  # the document's title when the line names it


def is_cell_style(lines: list[str]) -> bool:
    """Cell text (TAB-separated cells) rather than a PDF dump: enough lines hold a TAB."""
    tabbed = sum("\t" in line for line in lines)
    return tabbed >= max(10, len([ln for ln in lines if ln.strip()]) // 10)


def split_lines(text: str) -> list[str]:
    # split on line ends only: a form feed (page or sheet break) stays a line of its own
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def form_version(folded: str) -> str | None:
    """'[令和6年10月 様式3]' when the (folded) line carries the form's version mark."""
    if "様式" not in folded:
        return None
    match = FORM_VERSION_PATTERN.search(folded)
    return f"[{match.group(1)} {match.group(2)}]" if match else None


_Fields = tuple[str, str, LineKind, tuple[str, ...], Node | None, str | None, str | None]
# _classify's answers, per index and style (see labels.remember)
_CLASSIFIED: dict[tuple[LabelIndex, bool], dict[str, _Fields]] = {}


def classify(raw: str, number: int, index: LabelIndex, cell_style: bool) -> Line:
    """What the line is. Pure: the same text always gets the same answer (so it is cached; a
    document repeats many lines, once per file and per entity)."""
    return classifier(index, cell_style)(raw, number)


def classifier(index: LabelIndex, cell_style: bool) -> Callable[[str, int], Line]:
    """classify for one index and style, its cache looked up once (the walk asks for every line)."""
    known = _CLASSIFIED.get((index, cell_style))
    if known is None:
        known = _CLASSIFIED[(index, cell_style)] = {}

    def classify_line(raw: str, number: int) -> Line:
        fields = known.get(raw)
        if fields is None:
            fields = remember(known, raw, _classify(raw, index, cell_style), 4000, 8192)
        # tuple.__new__ rather than Line(…): a NamedTuple's own __new__ parses its eight arguments
        # in Python (about 0.6 µs a line)
        return _new_line(Line, (number, *fields))

    return classify_line


_new_line = tuple.__new__


def _classify(raw: str, index: LabelIndex, cell_style: bool) -> _Fields:
    """Line's fields after its number."""
    key = cell_key(raw)
    folded = fold(raw)
    version = form_version(folded)
    title = fold(html_to_text(raw)).strip() if TITLE in folded else None
    cells = tuple(raw.split("\t")) if cell_style else (raw,)
    part = None
    if not key:
        kind = LineKind.PAGE_BREAK if "\f" in raw else LineKind.BLANK
    elif key == TOC:
        kind = LineKind.TOC
    elif (
        index.is_history_title(key)
        or (not cell_style and index.is_bare_history_title(key))  # a PDF dump has no header row to go by
        or (cell_style and _history_table_starts(cells, key, index))
    ):
        kind = LineKind.HISTORY_START
    elif (part := index.part_header(key)) is not None:
        kind = LineKind.PART_HEADER
    elif version is not None:
        kind = LineKind.FORM_VERSION
    elif key == index.cover_header_key:
        kind = LineKind.COVER_HEADER
    elif key[:1] in index.entity_first and index.entity_range.match(key if len(cells) == 1 else cell_key(cells[0])):
        kind = LineKind.ENTITY_RANGE
    else:
        kind = LineKind.LABELS if _may_hold_label(cells, key, index) else LineKind.TEXT
    return raw, key, kind, cells, part, version, title


def _history_table_starts(cells: tuple[str, ...], key: str, index: LabelIndex) -> bool:
    """A cell row that begins the 別添2 table: its title in the first cell (a date beside it), or,
    where the title is missing, the table's header row (変更日 … 提出時期)."""
    if index.history_tail in key:  # cheap test first: most lines hold no part of the title
        filled = [c for c in cells if c.strip()]
        head = cell_key(filled[0])
        if index.is_history_title(head):
            return True
        if index.is_bare_history_title(head) and len(filled) > 1 and all(parse_date(c) for c in filled[1:]):
            return True  # '別添2 変更箇所 ⇥ 令和5年11月6日': the title, its date beside it
    return vocabulary().history_timing_word in key and history_header(cells) is not None


def _may_hold_label(cells: tuple[str, ...], line_key: str, index: LabelIndex) -> bool:
    """Whether the first cell that counts starts a label, an entity or a checkbox item (anywhere in
    the form): a line without one is plain text whatever the cursor's scope."""
    if len(cells) == 1:
        key = line_key
        if not key or key in index.ignore:
            return False
        return index.is_entity_header(key) or index.starts_label(key) or may_hold_marker(cells[0])
    for i, cell in enumerate(cells):
        key = cell_key(cell)
        if not key or key in index.ignore:
            continue
        if index.is_entity_header(key) or index.starts_label(key):
            return True
        if i + 1 < len(cells) and index.starts_label(cell_key(cell + cells[i + 1])):
            return True
        return may_hold_marker(cell)
    return False


def may_hold_marker(cell: str) -> bool:
    """A cheap test before values.has_marker: every checkbox spelling needs one of these."""
    return "[" in cell or "<" in cell or "\x01" in cell or "\x02" in cell or "\x03" in cell
