"""The generic reader: a 評価書 read by its own structure when no catalogue fits.

Part headings (Ⅰ…Ⅵ, (別添n)), numbered sections (1. 2. …), circled items (①②…), repeating
blocks (システム1, 委託事項1, …) and the ※ beside an item's label are all taken from the document.
The change table is found by its header row, whichever 別添 it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pia_diff.catalogue import TITLE
from pia_diff.errors import InputError
from pia_diff.forms import registry, vocabulary
from pia_diff.model import GenericReading, LineRole, Owner
from pia_diff.snapshot import Field, Path, Snapshot, Source
from pia_diff.text import compare_key as _compare_key
from pia_diff.text import fold, html_to_text
from pia_diff.values import MARK as _MARK
from pia_diff.values import Certainty, has_marker, unify_markers

from .assemble import Walked, assemble
from .hits import history_header
from .lines import FORM_VERSION_PATTERN
from .printed import read_item

GENERIC = "generic"
_WORDS = vocabulary()
COVER = _WORDS.cover
# The cover's labels are the same on every form (RULES.md §2 表紙); nothing else is assumed.
COVER_LABELS = _WORDS.cover_labels
# Fewer labelled items than this outside the cover: not a 評価書 (or not one this reader can follow).
MIN_ITEMS = 10
_ROMAN = _WORDS.numerals
_PART = re.compile("^(" + "|".join(sorted(map(re.escape, _ROMAN), key=len, reverse=True)) + r")\s+(\S.*)$")
_ANNEX = re.compile(r"^\(" + _WORDS.annex + r"\s*(\d+)\)\s*(\S.*)$")
_SECTION = re.compile(r"^(\d{1,2})\.\s*(\D.*)$")
_CIRCLED = re.compile(r"^[①-⑳]")
_ENTITY = re.compile(r"^([^\d\s:()①-⑳・、。]{2,8}?)(\d{1,3})$")
_ENTITY_RANGE = re.compile(r"^[^\d\s]{2,8}\d+[～~〜\-]\d+$")
_HEADING_COLON = re.compile(r"^[^\s:]{1,8}\d*\s*:")
# ※(7. ②を除く。): the document's own exception to a part-wide ※
_STAR_EXCEPT = _WORDS.star_exception
_ANNEX_NUMBER = re.compile(r"^\(" + _WORDS.annex + r"\s*(\d+)\)\s*")
_NOT_LABEL_START = tuple("[<＜・-—–―(（○〇●◯■□「【『〒*＊")
_RULER = re.compile(r"[-—–―─‐]{2,}")
_FILE_KEY = re.compile(r"^\(\d+\)$")
_FILE_KEY_PREFIX = re.compile(r"^\s*[(（]\s*[0-9０-９]+\s*[)）]\s*")


def segment(raw: str) -> str:
    """A label as a path segment: folded, ※ and what follows it dropped, '4.' → '4', Ⅰ…Ⅵ kept."""
    text = " ".join(fold(html_to_text(raw)).split())
    text = text.split("※", 1)[0].strip()
    part = _PART.match(text)
    if part:
        text = f"{_ROMAN[part.group(1)]} {part.group(2)}"
    text = re.sub(r"^(\d{1,2})\.\s*", r"\1 ", text)
    text = _ANNEX_NUMBER.sub(rf"({_WORDS.annex}\1) ", text)
    text = re.sub(r"^([^\s:]{1,8}\d*)\s*:\s*", r"\1: ", text)  # 'リスク：目的外…' → 'リスク: 目的外…'
    return text.rstrip(":").strip()


@lru_cache(maxsize=65536)
def compare_key(raw: str) -> str:
    """text.compare_key, remembered: the walk asks about the same cells many times."""
    return _compare_key(raw)


@lru_cache(maxsize=65536)
def _plain(raw: str) -> str:
    return " ".join(fold(html_to_text(raw)).split())


def _label_like(raw: str) -> bool:
    text = _plain(raw)
    if not text or len(text) > 80 or has_marker(raw):
        return False
    if _CIRCLED.match(text) or _SECTION.match(text):
        return True
    if text.startswith(_NOT_LABEL_START) or text[0].isdigit() or text.endswith(("。", "、")):
        return False
    return "\n" not in html_to_text(raw)


@dataclass
class _Item:
    path: Path
    line: int
    raw: list[str] = field(default_factory=list)
    star: bool = False


@dataclass
class _Scope:
    """The cursor: part → (file) → section → group → entity."""

    part: str = COVER
    part_star: bool = False
    star_except: tuple[str, str] | None = None
    section: str | None = None
    section_star: bool = False
    group: str | None = None
    group_star: bool = False
    group_flat: bool = False
    entity: str | None = None


class GenericReader:
    """One pass over the lines; the tree is whatever the document's headings say it is."""

    def __init__(self, text: str) -> None:
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        tabbed = sum("\t" in line for line in self.lines)
        self.cell_style = tabbed >= max(10, len([ln for ln in self.lines if ln.strip()]) // 10)
        self.scope = _Scope()
        self.items: list[_Item] = []
        self.pending: _Item | None = None  # a label whose value may follow on the next lines
        self.pending_heading = False  # the pending label is a heading: labels may follow instead
        self.last: _Item | None = None
        self.part_seen: dict[str, int] = {}
        self.part_occurrence = 0
        self.history_found = False
        self.history_heading = ""
        self.title = ""
        self.form_version: str | None = None
        self.toc: list[str] = []
        self.entity_stems: set[str] = set()
        self._cover_header: list[str] = []
        self._except_open: Path | None = None
        self._next_is_new = False
        self._next_is_sublabel = False
        self._sublabels_follow = False
        self.headings: list[_Item] = []
        self.annex: _Item | None = None  # an annex's text, read up to the next heading
        self.taken: dict[Path, _Item] = {}  # self.items by path
        self.history_at: int | None = None  # the line the document's change table starts at
        # per line: who it belongs to (an item, resolved to its final path after the walk, or a path)
        self.owners: list[list[tuple[LineRole, _Item | Path]]] = [[] for _ in self.lines]
        self._number = 0  # the line being read

    def _own(self, role: LineRole, target: _Item | Path = (), number: int | None = None) -> None:
        at = (number or self._number) - 1
        if (role, target) not in self.owners[at]:
            self.owners[at].append((role, target))

    # ---- the walk -------------------------------------------------------------------------

    def parse(self) -> None:
        in_toc = False
        following = [""] * len(self.lines)
        upcoming = ""
        for index in range(len(self.lines) - 1, -1, -1):
            following[index] = upcoming
            if self.lines[index].strip():
                upcoming = self.lines[index]
        for number, line in enumerate(self.lines, start=1):
            self._number = number
            self._next_is_new = self._looks_new(following[number - 1])
            self._next_is_sublabel = self._looks_sublabel(following[number - 1])
            cells = line.split("\t") if self.cell_style else [line]
            if self.history_found:
                self._own(LineRole.HISTORY)  # its rows are read by the assembler (ingest/assemble.py)
                continue
            plain = _plain(line)
            if not self.title and _WORDS.title in plain:
                self.title = plain
                self._own(LineRole.FURNITURE)
                continue
            version = FORM_VERSION_PATTERN.search(fold(line))
            if version:
                if self.form_version is None:
                    self.form_version = f"[{version.group(1)} {version.group(2)}]"
                self._close()
                self._own(LineRole.FURNITURE)
                continue
            if compare_key(line) == _WORDS.toc:
                self._close()
                in_toc = True
                self._own(LineRole.FURNITURE)
                continue
            if in_toc:
                first = segment(next((c for c in cells if c.strip()), ""))
                if not plain or _PART.match(plain) or _ANNEX.match(plain):
                    if first and first not in self.toc:
                        self.toc.append(first)
                    self._own(LineRole.FURNITURE)
                    continue
                in_toc = False
                if self.scope.part == COVER and self.toc and not (_PART.match(plain) or _ANNEX.match(plain)):
                    self._enter_part(self.toc[0], line)  # the heading the extract lost: the TOC's first part
            self._line(cells, number)
            if not self.owners[number - 1]:
                self._own(LineRole.HEADING, self._base())  # a row of labels that set the scope
        self._close()
        # a heading with nothing under it ('7. 他の評価実施機関' left blank) is an empty item
        present = {item.path[:cut] for item in self.items for cut in range(1, len(item.path) + 1)}
        for heading in self.headings:
            if heading.path not in present:
                self.items.append(heading)
                present.add(heading.path)
        self.items.sort(key=lambda item: item.line)

    def _line(self, cells: list[str], number: int) -> None:
        filled = [(i, c) for i, c in enumerate(cells) if compare_key(c)]
        if not filled:
            if self.pending is not None:
                self.pending.raw.append("")
            self._own(LineRole.FURNITURE)
            return
        keys = [compare_key(c) for _, c in filled]
        if all(_RULER.fullmatch(k) for k in keys) and any(len(k) >= 4 for k in keys):
            self._own(LineRole.LAYOUT)
            return  # a ruler line ('--------'): layout, not text
        if history_header(cells) is not None:
            self._start_history(self.history_heading)
            return
        first_index, first = filled[0]
        plain = _plain(first)
        if len(filled) == 1 and (_PART.match(plain) or _ANNEX.match(plain)):
            self._close()
            annex = _ANNEX.match(plain)
            if annex and _WORDS.history_title_tail in plain:
                self._start_history(segment(first))
                return
            self._enter_part(segment(first), first)
            self._own(LineRole.HEADING, self._base())
            if annex:
                # an annex is one text: everything up to the next heading
                self.pending = self.annex = _Item(self._base(), number, star=self.scope.part_star)
                self.pending_heading = False
            return
        if self.pending is not None and self.pending is self.annex:
            self.pending.raw.append("\t".join(cells))
            self._own(LineRole.ITEM, self.pending)
            return
        if self.scope.part == COVER and self._cover(filled, number):
            return
        key = compare_key(first)
        if _ENTITY_RANGE.match(key) and first_index == 0:
            self._close()
            self.scope.entity = None
            self._own(LineRole.HEADING, (*self._base(), key))  # what else its row holds is compared
            return
        entity = _ENTITY.match(key)
        if entity and first_index == 0 and self.scope.section is not None and not _SECTION.match(plain):
            self._close()
            stem = entity.group(1)
            self.entity_stems.add(stem)
            self.scope.entity = key
            self.scope.group = None
            self._own(LineRole.HEADING, self._base())
            rest = "\t".join(c for _, c in filled[1:])
            if compare_key(rest):
                self._leaf(TITLE, number, rest, star=False)
            return
        self._labels(cells, filled, number)

    def _labels(self, cells: list[str], filled: list[tuple[int, str]], number: int) -> None:
        """A row of label cells followed by a value: headings, groups and the item itself."""
        first_index, first = filled[0]
        plain = _plain(first)
        continuation = first_index > 0 and len(filled) == 1
        if first_index > 0 and not (len(filled) > 1 and _label_like(first)):
            continuation = True
        if continuation or not self._structural(first, len(filled)):
            self._continue(cells)
            return
        self._close()
        if first_index == 0 and self.scope.group_flat and not (self._sublabels_follow and not _CIRCLED.match(plain)):
            self.scope.group, self.scope.group_flat = None, False  # '④使用の主体 | …' ends at the next row label
        self._sublabels_follow = self._sublabels_follow and not _CIRCLED.match(plain) and first_index == 0
        if self.scope.section and segment(first).startswith(self.scope.section.split(" ", 1)[-1]):
            # a label that names its section ('特定個人情報の使用におけるその他のリスク…') stands outside its groups
            self.scope.group, self.scope.group_star = None, False
        position = 0
        while position < len(filled):
            cell = filled[position][1]
            text = _plain(cell)
            star = "※" in text
            rest_cells = [c for _, c in filled[position + 1 :]]
            if has_marker(cell) and not _CIRCLED.match(text):
                # a checkbox set standing where a label would: '[] 委託しない' / '実施の有無 [○] 自己点検'
                head = _MARK.split(unify_markers(cell), maxsplit=1)[0]
                if compare_key(head):
                    label = segment(head)
                    value = "\t".join([cell[len(head) :] if cell.startswith(head) else cell, *rest_cells])
                else:
                    label = self._option_label(cell)
                    value = "\t".join([cell, *rest_cells])
                self._leaf(label, number, value, star=False)
                return
            section = _SECTION.match(text)
            if section:
                self.scope.section = segment(cell)
                self.scope.section_star = star
                self.scope.group = None
                self.scope.entity = None
                self.scope.group_flat = False
                if not rest_cells:
                    self._open(number, heading=True, star=star)
                    return
                if len(rest_cells) == 1 and not self._starts_item(rest_cells[0]):
                    # '3. 特定個人情報ファイル名 | 住民基本台帳ファイル': the section's own value
                    self._open(number, heading=False, star=star)
                    self._leaf_value(rest_cells[0])
                    return
                position += 1
                continue
            if _HEADING_COLON.match(text) and not rest_cells:
                self.scope.group = segment(cell)
                self.scope.group_star = star
                self.scope.group_flat = False
                return
            label = segment(cell)
            if rest_cells and _label_like(rest_cells[0]) and len(rest_cells) > 1:
                nxt = _plain(rest_cells[0])
                if _CIRCLED.match(nxt) and not _CIRCLED.match(text):
                    position += 1  # a decorative heading over circled items ('再委託 | ④再委託の有無')
                    continue
                if not _CIRCLED.match(nxt):
                    # a circled item with sub-labels ('④使用の主体 | 使用部署 | …')
                    self.scope.group = label
                    self.scope.group_star = star
                    self.scope.group_flat = True
                    position += 1
                    continue
            if _CIRCLED.match(text) and self.scope.group_flat:
                self.scope.group = None
                self.scope.group_flat = False
            value = "\t".join(rest_cells)
            if not rest_cells and _CIRCLED.match(text) and self._next_is_sublabel:
                # '④使用の主体' alone on its row, its labelled parts on the next rows
                self.scope.group, self.scope.group_star, self.scope.group_flat = label, star, True
                self._sublabels_follow = True
                return
            self._leaf(label, number, value, star=star)
            return

    def _structural(self, first: str, cell_count: int) -> bool:
        """Does a line start something new (a label), or continue the value before it?"""
        plain = _plain(first)
        if _SECTION.match(plain) or _CIRCLED.match(plain) or _HEADING_COLON.match(plain):
            return True
        if has_marker(first):
            # a checkbox set on its own line: new only when it follows a heading
            return self.pending is not None and self.pending_heading
        if not _label_like(first):
            return False
        if cell_count > 1:
            return True
        # a lone label-like line: a label unless a label above still waits for its value
        if self.pending is None:
            return True
        if not (self.pending_heading and not self.pending.raw):
            return False
        # right under a heading: a label when its own value follows, the heading's value when
        # the next thing is a new label ('3. 特定個人情報ファイル名' / '国民年金情報ファイル' / '4. …')
        return not self._next_is_new

    def _looks_sublabel(self, line: str) -> bool:
        """An unnumbered 'label | value' row (under a circled heading such as '④使用の主体')."""
        cells = [c for c in (line.split("\t") if self.cell_style else [line]) if compare_key(c)]
        if len(cells) < 2 or not _label_like(cells[0]):
            return False
        plain = _plain(cells[0])
        numbered = _CIRCLED.match(plain) or _SECTION.match(plain) or _PART.match(plain) or _ANNEX.match(plain)
        return not numbered and not _HEADING_COLON.match(plain) and not _ENTITY.match(compare_key(cells[0]))

    def _looks_new(self, line: str) -> bool:
        cells = [c for c in (line.split("\t") if self.cell_style else [line]) if compare_key(c)]
        if not cells:
            return False
        plain = _plain(cells[0])
        if _PART.match(plain) or _ANNEX.match(plain) or _SECTION.match(plain) or _CIRCLED.match(plain):
            return True
        if (
            _HEADING_COLON.match(plain)
            or _ENTITY.match(compare_key(cells[0]))
            or _ENTITY_RANGE.match(compare_key(cells[0]))
        ):
            return True
        return len(cells) > 1 and _label_like(cells[0]) and line.split("\t")[0].strip() != ""

    @staticmethod
    def _starts_item(cell: str) -> bool:
        plain = _plain(cell)
        return bool(_CIRCLED.match(plain) or _SECTION.match(plain) or _HEADING_COLON.match(plain) or has_marker(cell))

    def _leaf_value(self, value: str) -> None:
        item = self.pending
        if item is None:
            return
        item.raw.append(value)
        self.pending = None
        if item.path not in self.taken:
            self._add(item)
            self.last = item
            self._own(LineRole.ITEM, item)
        else:
            self._own(LineRole.COPY, self.taken[item.path])

    def _option_label(self, cell: str) -> str:
        """'[] 委託しない' → 委託しない; '[○] 接続しない(入手) [○] 接続しない(提供)' → 接続しない."""
        pieces = [p for p in _MARK.split(unify_markers(cell)) if compare_key(p)]
        first = _plain(pieces[0]) if pieces else _plain(cell)
        return segment(re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", first))

    # ---- items ----------------------------------------------------------------------------

    def _base(self) -> Path:
        s = self.scope
        parts: list[str] = [s.part]
        if self.part_occurrence:
            parts.append(f"({self.part_occurrence})")
        for piece in (s.section, s.group if not s.entity or s.group_flat else None, s.entity):
            if piece:
                parts.append(piece)
        if s.entity and s.group and s.group_flat:
            # a group inside an entity comes after the entity
            parts = [p for p in parts if p != s.group] + [s.group]
        return tuple(parts)

    def _star(self, own: bool, path: Path) -> bool:
        s = self.scope
        if own or s.section_star or s.group_star:
            return True
        if not s.part_star:
            return False
        return not self._is_excepted(path)

    def _is_excepted(self, path: Path) -> bool:
        exc = self.scope.star_except
        if exc is None:
            return False
        section, circled = exc
        in_section = len(path) > 1 and any(p.split(" ", 1)[0] == section for p in path[1:-1])
        if not in_section:
            self._except_open = None
            return False
        if path[-1].startswith(circled):
            self._except_open = path[:-1]
            return True
        if self._except_open == path[:-1] and not _CIRCLED.match(path[-1]):
            # the excepted item's detail rows ('その内容'), up to a label the part's other groups share
            own = path[:2] if len(path) > 2 and _FILE_KEY.match(path[1]) else path[:1]  # this file's part
            shared = any(
                i.path[-1] == path[-1] and i.path[:-1] != path[:-1] and i.path[: len(own)] == own for i in self.items
            )
            if not shared:
                return True
        self._except_open = None
        return False

    def _leaf(self, label: str, number: int, value: str, star: bool) -> None:
        path = (*self._base(), label)
        if path in self.taken:
            self.last = None  # a repeated row: the first reading stands (the safety net compares the copy)
            self._own(LineRole.COPY, self.taken[path], number)
            return
        item = _Item(path, number, star=self._star(star, path))
        self._own(LineRole.ITEM, item, number)
        if compare_key(value):
            item.raw.append(value)
            self._add(item)
            self.last = item
            self.pending = None
        else:
            self.pending = item
            self.pending_heading = False

    def _add(self, item: _Item) -> None:
        self.items.append(item)
        self.taken[item.path] = item

    def _open(self, number: int, heading: bool, star: bool) -> None:
        """A heading with no value on its row: a leaf if text follows, a group if labels do."""
        path = self._base()
        self.pending = _Item(path, number, star=self._star(star, path))
        self.pending_heading = heading
        self.headings.append(self.pending)
        self._own(LineRole.ITEM, self.pending, number)

    def _close(self) -> None:
        item = self.pending
        self.pending = None
        if item is None:
            return
        while item.raw and not item.raw[-1].strip():
            item.raw.pop()
        if (item.raw or not self.pending_heading) and item.path not in self.taken:
            self._add(item)
            self.last = item
        self.pending_heading = False

    def _continue(self, cells: list[str]) -> None:
        line = "\t".join(cells)
        if self.pending is not None:
            self.pending.raw.append(line)
            self._own(LineRole.ITEM, self.pending)
        elif self.last is not None:
            self.last.raw.append(line)
            self._own(LineRole.ITEM, self.last)
        else:
            self._own(LineRole.UNPLACED)  # nothing it could continue: reported, never dropped

    def _enter_part(self, label: str, raw: str) -> None:
        self._close()
        folded = fold(raw)
        exception = _STAR_EXCEPT.search(folded)
        self.part_seen[label] = self.part_seen.get(label, 0) + 1
        self.scope = _Scope(
            part=label,
            part_star="※" in folded,
            star_except=(exception.group(1), exception.group(2)) if exception else None,
        )
        self.part_occurrence = self.part_seen[label] if self.part_seen[label] > 1 else 0
        self.last = None

    def _cover(self, filled: list[tuple[int, str]], number: int) -> bool:
        keys = [segment(c) for _, c in filled]
        if len(keys) > 1 and all(k in COVER_LABELS for k in keys):
            self._close()
            self._cover_header = keys
            self._own(LineRole.FURNITURE)
            return True
        if self._cover_header:
            values = [c for _, c in filled]
            if len(values) == 1 and len(self._cover_header) > 1:
                values = values[0].strip().split(None, len(self._cover_header) - 1)
            for label, value in zip(self._cover_header, values, strict=False):
                item = _Item((COVER, label), number, [value])
                self._add(item)
                self._own(LineRole.ITEM, item)
            self._cover_header = []
            return True
        if keys[0] in COVER_LABELS:
            self._close()
            rest = "\t".join(c for _, c in filled[1:])
            self.pending = _Item((COVER, keys[0]), number, [rest] if compare_key(rest) else [])
            self.pending_heading = False
            self._own(LineRole.ITEM, self.pending)
            return True
        if self.pending is not None:
            self.pending.raw.append("\t".join(c for _, c in filled))
            self._own(LineRole.ITEM, self.pending)
            return True
        self._own(LineRole.UNPLACED)  # cover text that belongs to no label: reported
        return True

    def _start_history(self, heading: str) -> None:
        self._close()
        self.history_found = True
        self.history_at = self._number
        self._own(LineRole.HISTORY)
        if heading:
            self.history_heading = heading


# ---- the snapshot ---------------------------------------------------------------------------


def form_of(title: str, version: str | None) -> str | None:
    named = registry().named_in(title)
    if named is not None:
        return named.id
    if version:
        match = re.search(r"様式\s*([0-9])", version)
        if match:
            return f"様式{match.group(1)}"
    return None


def read_generic(
    text: str, name: str, sha256: str = "", places: list[str] | None = None, kind: str = "text"
) -> Snapshot:
    """Parse a 評価書's text by its own structure (no catalogue)."""

    def source(line: int | None) -> Source:
        return places[line - 1] if places and line else line

    reader = GenericReader(text)
    reader.parse()
    form = form_of(reader.title, reader.form_version)
    labelled = [item for item in reader.items if item.path[0] != COVER]
    if len(labelled) < MIN_ITEMS:
        what = f"{form} の評価書" if form else _WORDS.title
        title = f" ({reader.title})" if reader.title else ""
        raise InputError(
            name,
            f"{what}{title}として様式の構造を読み取れません (見出しのついた項目が {len(labelled)} 個しか見つかりません)。",
        )
    multi = {part for part, count in reader.part_seen.items() if count > 1}

    def filed(path: Path) -> Path:
        """A part that repeats per file: its first occurrence is file (1)."""
        if path and path[0] in multi and not (len(path) > 1 and _FILE_KEY.match(path[1])):
            return (path[0], "(1)", *path[1:])
        return path

    files: dict[str, str] = {}
    for item in reader.items:
        item.path = filed(item.path)
        if item.path[0] in multi and item.path[-1].endswith(_WORDS.file_name_label) and item.raw:
            first = next((ln for ln in html_to_text("\n".join(item.raw)).splitlines() if ln.strip()), "")
            files.setdefault(item.path[1], _FILE_KEY_PREFIX.sub("", first).strip())
    fields: dict[Path, Field] = {}
    stars: list[Path] = []
    for item in reader.items:
        raw = "\n".join(item.raw)
        reading = read_item(item.path[-1], raw)
        certainty = reading.certainty
        if not reader.cell_style and certainty is Certainty.OK and len(item.raw) > 1:
            certainty = Certainty.UNCERTAIN  # a PDF dump: a value over several lines may be mixed up
        fields[item.path] = Field(item.path, reading.value, source(item.line), certainty)
        if item.star:
            stars.append(item.path)
    edition = None
    if reader.form_version:
        match = FORM_VERSION_PATTERN.search(reader.form_version)
        edition = match.group(1).replace(" ", "") if match else None
    owners = [
        tuple(Owner(role, target.path if isinstance(target, _Item) else filed(target)) for role, target in claims)
        for claims in reader.owners
    ]
    walked = Walked(
        fields=fields,
        lines=reader.lines,
        owners=owners,
        cell_style=reader.cell_style,
        form=form,
        edition=edition,
        form_version=reader.form_version,
        files={f"({n})": files.get(f"({n})", "") for n in range(1, max(reader.part_seen.values()) + 1)}
        if multi
        else {},
        history_at=reader.history_at,
        generic=GenericReading(tuple(stars), tuple(sorted(reader.entity_stems)), reader.history_heading or None),
    )
    return assemble(walked, name, sha256, places, kind)


def _text(item: Field | None) -> str | None:
    if item is None or not isinstance(item.value, str):
        return None
    return item.value.strip() or None


def is_generic(snapshot: Snapshot) -> bool:
    return snapshot.meta.generic is not None


def star_paths(snapshot: Snapshot) -> frozenset[Path]:
    """The items the document itself marks ※ (generic reading only)."""
    return snapshot.meta.star_paths
