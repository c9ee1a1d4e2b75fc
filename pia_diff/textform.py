"""Parse a 評価書 given as text (cell text with TABs, or a PDF text dump) along the catalogue."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from .catalogue import TITLE, Catalogue, Kind, Node
from .snapshot import HistoryRow, Path
from .text import compare_key, fold, html_to_text
from .values import Certainty, Reading, has_marker, read_value
from .wareki import parse_date

_ENTITY = re.compile(r"^(システム|委託事項|提供先|移転先)(\d+)$")
_ENTITY_RANGE = re.compile(r"^(システム|委託事項|提供先|移転先)\d+[～~〜-]\d+$")
_FILE_NAME = re.compile(r"^\s*[(（]\s*([0-9０-９]+)\s*[)）]\s*(\S.*)$")
# The year and month are short runs that cannot hold a bracket, 年 or 月: a lazy \S+? here used to
# backtrack cubically on a line of 「[令和1年」 repeated (issue 13).
_FORM_VERSION = re.compile(
    r"\[\s*((?:令和|平成)\s*[^\s\[\]年月]{1,4}年\s*[^\s\[\]年月]{1,3}月)\s*(様式\s*[0-9０-９])\s*\]"
)
_HISTORY_START = "(別添2)変更箇所"
_TOC = "項目一覧"


@cache
def _label_regex(key: str) -> re.Pattern[str]:
    """Find a label key at the start of folded raw text, allowing spaces, ※ and tags inside it."""
    gap = r"(?:\s|※|<[^<>]*>)*"
    return re.compile(r"^" + gap + gap.join(re.escape(ch) for ch in key) + gap)


def _fold_map(raw: str) -> tuple[str, list[int]]:
    """Fold raw text and keep, for each folded character, the index of its raw character."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(raw):
        piece = fold(ch)
        out.append(piece)
        index.extend([i] * len(piece))
    return "".join(out), index


def cell_key(raw: str) -> str:
    return compare_key(raw).replace("※", "")


@cache
def _reachable(scope: Node) -> tuple[tuple[Node, Path], ...]:
    out: list[tuple[Node, Path]] = []

    def visit(node: Node, path: Path) -> None:
        for child in node.children:
            if child.kind is Kind.ENTITY:
                continue
            child_path = (*path, child.segment)
            out.append((child, child_path))
            if child.kind is Kind.GROUP:
                visit(child, child_path)

    visit(scope, ())
    return tuple(out)


@cache
def _prefix_key(prefix: str) -> str:
    return compare_key(prefix)


@dataclass
class Hit:
    """A leaf found in the document, before its value is read."""

    node: Node
    path: Path
    file: int
    line: int
    raw: list[str] = field(default_factory=list)
    same_line: bool = True


@dataclass
class Scope:
    node: Node
    path: Path


@dataclass
class ParseResult:
    hits: list[Hit]
    history: list[HistoryRow]
    history_found: bool
    title: str
    form_version: str | None
    labels_found: int


class TextFormParser:
    """A line-by-line walk with a cursor in the catalogue (part → section → entity → group)."""

    def __init__(self, catalogue: Catalogue, text: str) -> None:
        self.cat = catalogue
        # split on line ends only: a form feed (page or sheet break) stays a line of its own
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        tabbed = sum("\t" in line for line in self.lines)
        self.cell_style = tabbed >= max(10, len([ln for ln in self.lines if ln.strip()]) // 10)
        cover = catalogue.parts[0]
        self.scope: list[Scope] = [Scope(cover, (cover.segment,))]
        self.file_count: dict[str, int] = {}
        self.hits: list[Hit] = []
        self.filled: dict[tuple[int, Path], Hit] = {}
        self.pending: Hit | None = None
        self.last: Hit | None = None
        self.history: list[HistoryRow] = []
        self.history_found = False
        self._cover_header = False

    # ---- matching -------------------------------------------------------------------------

    @property
    def part(self) -> Node | None:
        return self.scope[0].node if self.scope else None

    @property
    def file(self) -> int:
        part = self.part
        if part is None or not part.per_file:
            return 0
        return max(1, self.file_count.get(part.label, 1))

    def _part_header(self, key: str) -> Node | None:
        for part in self.cat.parts:
            for pkey in part.keys:
                if key == pkey or (key.startswith(pkey) and key[len(pkey) :].startswith("(7.")):
                    return part
        return None

    @staticmethod
    def _starts(node: Node, key: str) -> int:
        """Length of the node's key that `key` starts with (0 when it does not)."""
        if node.prefix:
            pkey = _prefix_key(node.prefix)
            return len(pkey) if key.startswith(pkey) else 0
        best = 0
        for nkey in node.keys:
            if key.startswith(nkey) and len(nkey) > best:
                best = len(nkey)
        return best

    def _candidates(self, scope: Scope) -> list[tuple[Node, Path]]:
        """Nodes reachable from a scope without entering an entity that is not in scope."""
        return [(node, scope.path + relative) for node, relative in _reachable(scope.node)]

    def _match_label(self, key: str) -> tuple[int, Node, Path, int] | None:
        """(scope depth, node, path, key length) of the best label match for a cell key."""
        for depth in range(len(self.scope) - 1, -1, -1):
            found = []
            for node, path in self._candidates(self.scope[depth]):
                length = self._starts(node, key)
                if length:
                    done = (self.file, path) in self.filled
                    found.append((length, not done, node, path))
            if found:
                length, _, node, path = max(found, key=lambda f: (f[0], f[1]))
                return depth, node, path, length
        # A section heading of another part (an extract that lost a part heading).
        sections = []
        for part in self.cat.parts:
            for child in part.children:
                if child.label[:1].isdigit() and self._starts(child, key) == max(len(k) for k in child.keys):
                    sections.append((part, child))
        if len(sections) == 1:
            part, child = sections[0]
            self.scope = [Scope(part, (part.segment,))]
            return 0, child, (part.segment, child.segment), len(child.keys[0])
        return None

    def _enter(self, depth: int, node: Node, path: Path) -> None:
        """Move the cursor: keep scopes down to `depth`, then the groups leading to node."""
        base = self.scope[: depth + 1]
        chain: list[Node] = []
        walker: Node | None = node.parent if node.is_leaf else node
        while walker is not None and walker is not base[-1].node:
            chain.append(walker)
            walker = walker.parent
        prefix = base[-1].path
        for group in reversed(chain):
            prefix = (*prefix, group.segment)
            base.append(Scope(group, prefix))
        self.scope = base

    def _split(self, raw: str, key_length: int, key: str) -> str:
        """The raw text after a label whose key (first key_length chars of key) starts the cell."""
        folded, index = _fold_map(raw)
        match = _label_regex(key[:key_length]).match(folded)
        if match is None or match.end() >= len(index):
            return ""
        return raw[index[match.end()] :]

    # ---- the walk -------------------------------------------------------------------------

    def parse(self) -> ParseResult:
        in_toc = False
        title = ""
        form_version = None
        for number, line in enumerate(self.lines, start=1):
            if self.history_found:
                self._history_line(line, number)
                continue
            key = cell_key(line)
            if not title and "特定個人情報保護評価書" in fold(line):
                title = fold(html_to_text(line)).strip()
            version = _FORM_VERSION.search(fold(line))
            if version and form_version is None:
                form_version = f"[{version.group(1)} {version.group(2)}]"
            if key == _TOC:
                in_toc = True
                continue
            if in_toc:
                if not key or self._part_header(key) or key.startswith(_HISTORY_START):
                    continue
                in_toc = False
            if key.startswith(_HISTORY_START) and len(key) <= len(_HISTORY_START) + 2:
                self._close_pending()
                self.history_found = True
                continue
            self._line(line, number, key)
        self._close_pending()
        return ParseResult(
            hits=self.hits,
            history=self.history,
            history_found=self.history_found,
            title=title,
            form_version=form_version,
            labels_found=len(self.hits),
        )

    def _line(self, line: str, number: int, key: str) -> None:
        if "\f" in line and not key:
            # a page or sheet break: nothing continues across it
            self._close_pending()
            self.last = None
            return
        if not key:
            if self.pending is not None:
                self.pending.raw.append("")
            return
        part = self._part_header(key)
        if part is not None:
            self._close_pending()
            self.file_count[part.label] = self.file_count.get(part.label, 0) + 1
            self.scope = [Scope(part, (part.segment,))]
            if part.is_leaf:
                self.pending = self._hit(part, (part.segment,), number, same_line=False)
            return
        if (
            self.pending is not None
            and self.pending.node.kind is Kind.DATE
            and any(r.strip() for r in self.pending.raw)
        ):
            self._close_pending()  # a date is one line: what follows is something else
        if _FORM_VERSION.search(fold(line)):
            self._close_pending()
            return
        if self.pending is not None and self.pending.node.parent is None:
            self.pending.raw.append(line)  # 別添1: everything up to the next part heading
            return
        if self._cover(line, number, key):
            return
        cells = line.split("\t") if self.cell_style else [line]
        if _ENTITY_RANGE.match(cell_key(cells[0])):
            self._close_pending()
            return
        matched = False
        i = 0
        while i < len(cells):
            ckey = cell_key(cells[i])
            if not ckey or ckey in self.cat.ignore:
                i += 1
                continue
            entity = _ENTITY.match(ckey)
            if entity and self._enter_entity(entity.group(1), entity.group(0), cells[i + 1 :], number):
                return
            found = self._match_label(ckey)
            if found is None and i + 1 < len(cells):
                # a label split over two cells ('①システム' | 'の名称'), as workbooks sometimes have it
                joined = cell_key(cells[i] + cells[i + 1])
                split = self._match_label(joined)
                if split is not None and split[3] > len(ckey):
                    cells = [*cells[:i], cells[i] + cells[i + 1], *cells[i + 2 :]]
                    ckey, found = joined, split
            if found is None:
                if has_marker(cells[i]):
                    found = self._match_marker_cell(cells[i])
                if found is None:
                    break
            matched = True
            self._close_pending()
            depth, node, path, length = found
            self._enter(depth, node, path)
            rest = self._split(cells[i], length, ckey)
            if node.is_leaf:
                raw = "\t".join([rest, *cells[i + 1 :]])
                self._leaf(node, path, number, raw)
                return
            if compare_key(rest):
                # the heading's own cell carried more (「4. 委託 [] 委託しない」): look at it again
                cells = [*cells[:i], rest, *cells[i + 1 :]]
                continue
            i += 1
        if matched:
            return
        self._continuation(line, cells)

    def _match_marker_cell(self, raw: str) -> tuple[int, Node, Path, int] | None:
        """A cell like '[] 委託しない': a checkbox item whose label is its only option."""
        text = cell_key(re.sub(r"<[^<>]*>|\[[^\[\]]*\]|[○〇]", "", raw))
        for depth in range(len(self.scope) - 1, -1, -1):
            for node, path in self._candidates(self.scope[depth]):
                first = node.options[0] if node.options else ""
                if node.kind is Kind.CHECKBOX and node.label in first and text.startswith(compare_key(first)):
                    return depth, node, path, 0
        return None

    def _enter_entity(self, label: str, segment: str, rest: list[str], number: int) -> bool:
        part = self.part
        pool = [part] if part is not None else []
        pool += [p for p in self.cat.parts if p is not part]
        for candidate_part in pool:
            for node in candidate_part.walk():
                if node.kind is Kind.ENTITY and node.label == label:
                    self._close_pending()
                    if self.part is not candidate_part:
                        self.scope = [Scope(candidate_part, (candidate_part.segment,))]
                    chain = [a for a in reversed(node.ancestors()) if a.parent is not None]
                    self.scope = self.scope[:1]
                    path = self.scope[0].path
                    for group in chain:
                        path = (*path, group.segment)
                        self.scope.append(Scope(group, path))
                    self.scope.append(Scope(node, (*path, segment)))
                    if node.title:
                        title = next(c for c in node.children if c.label == TITLE)
                        self._leaf(title, (*path, segment, TITLE), number, "\t".join(rest))
                    return True
        return False

    def _hit(self, node: Node, path: Path, number: int, same_line: bool) -> Hit:
        return Hit(node=node, path=path, file=self.file, line=number, same_line=same_line)

    def _leaf(self, node: Node, path: Path, number: int, raw: str) -> None:
        slot = (self.file, path)
        if slot in self.filled:
            self.last = None  # a duplicated row: the first reading stands
            return
        hit = self._hit(node, path, number, same_line=bool(compare_key(raw)))
        if hit.same_line:
            hit.raw.append(raw)
            self._store(hit)
            self.last = hit
        else:
            self.pending = hit

    def _store(self, hit: Hit) -> None:
        self.filled[(hit.file, hit.path)] = hit
        self.hits.append(hit)

    def _close_pending(self) -> None:
        if self.pending is not None:
            while self.pending.raw and not self.pending.raw[-1].strip():
                self.pending.raw.pop()
            self._store(self.pending)
            self.last = self.pending if self.pending.node.parent is not None else None
            self.pending = None

    def _continuation(self, line: str, cells: list[str]) -> None:
        if self.pending is not None:
            self.pending.raw.append(line)
            return
        # A row that continues the previous value in the next table row ('⇥・別表116項 …').
        if self.cell_style and self.last is not None and not cells[0].strip():
            self.last.raw.append(line)
        elif self.last is not None and self.last.node.kind is Kind.CHECKBOX and has_marker(cells[0]):
            self.last.raw.append(line)  # the rest of a checkbox set, wrapped onto its own row

    def _cover(self, line: str, number: int, key: str) -> bool:
        """The cover's 評価書番号/評価書名 header row; its values are on the next non-empty line."""
        if key == "評価書番号評価書名":
            self._close_pending()
            self._cover_header = True
            return True
        if self._cover_header:
            self._cover_header = False
            cover = self.cat.parts[0]
            cells = [c for c in line.split("\t") if c.strip()] if "\t" in line else line.strip().split(None, 1)
            nodes = [n for n in cover.children if n.label in ("評価書番号", "評価書名")]
            for node, cell in zip(nodes, cells, strict=False):
                self._leaf(node, (cover.segment, node.segment), number, cell)
            return True
        return False

    def _history_line(self, line: str, number: int) -> None:
        if not self.cell_style:
            return  # PDF dumps interleave the table's cells: not read (see meta 別添2の確度)
        cells = [html_to_text(c).replace("\n", " ") for c in line.split("\t")]
        if not any(c.strip() for c in cells):
            return
        if cell_key(cells[0]) == "変更日":
            return
        if parse_date(cells[0]) is None:
            return
        padded = (cells + [""] * 6)[:6]
        if len(cells) > 6:
            padded[5] = " ".join(cells[5:]).strip()
        self.history.append(HistoryRow(tuple(c.strip() for c in padded), number))  # type: ignore[arg-type]


def read_hit(hit: Hit, cell_style: bool, unique_in_part: bool, multi_file: bool) -> Reading:
    """Interpret a hit's raw text, and say how sure we are of it."""
    raw = "\n".join(hit.raw)
    reading = read_value(hit.node, raw)
    if cell_style or reading.certainty is not Certainty.OK:
        return reading
    # A PDF dump: trust only a value that shares its label's line, for an item that the label
    # alone identifies (no repeated entity, no second file to confuse it with).
    in_entity = any(a.kind is Kind.ENTITY for a in hit.node.ancestors())
    per_file = hit.node.part.per_file and multi_file
    if hit.same_line and len(hit.raw) == 1 and unique_in_part and not in_entity and not per_file:
        return reading
    return Reading(reading.value, Certainty.UNCERTAIN)


def file_names(result: ParseResult) -> dict[int, str]:
    """File number → name, from the II/III 'ファイル名' items ('(1) 被保険者台帳情報ファイル')."""
    names: dict[int, str] = {}
    for hit in result.hits:
        if hit.node.label.endswith("特定個人情報ファイル名") and hit.file:
            text = "\n".join(hit.raw)
            first = next((ln for ln in html_to_text(text).splitlines() if ln.strip()), "")
            match = _FILE_NAME.match(first)
            names.setdefault(hit.file, (match.group(2) if match else first).strip())
    return names
