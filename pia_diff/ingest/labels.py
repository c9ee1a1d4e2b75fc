"""The catalogue's labels as a lookup index: which items a cell's text can start with, and where."""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from pia_diff.catalogue import Catalogue, Kind, Node
from pia_diff.forms import vocabulary
from pia_diff.snapshot import Path
from pia_diff.text import cached_when_short, compare_key, fold, remember

# Keys are bucketed by their first characters; every label key has at least this many.
_BUCKET = 2


_CELL_KEYS: dict[str, str] = {}


def cell_key(raw: str) -> str:
    """A cell's text as label keys are compared: folded, no spaces, no ※ (cached: a line's cells
    are asked for by the classifier and again by the walk)."""
    known = _CELL_KEYS.get(raw)
    if known is not None:
        return known
    # compare_key without markup (the common line) inlined
    plain = "<" not in raw and "&" not in raw
    key = "".join(fold(raw).split()) if plain else compare_key(raw)
    return remember(_CELL_KEYS, raw, key.replace("※", ""), 2000, 16384)


class Candidate(NamedTuple):
    """A catalogue item a cell key starts with, and the length of the key it starts with (a tuple:
    the walk makes one or two for every line)."""

    node: Node
    length: int


class LabelIndex:
    """Every label key of a catalogue, bucketed by its first characters (built once per catalogue)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._buckets: dict[str, list[tuple[str, Node]]] = {}
        self._candidates: dict[str, tuple[Candidate, ...]] = {}
        self.entities: dict[str, list[Node]] = {}
        # checkbox items whose label is their only option's text ('[] 委託しない')
        self.marker_items: list[Node] = []
        # part keys by first character: most lines start with none of them
        self.part_keys: dict[str, list[tuple[str, Node]]] = {}
        for part in catalogue.parts:
            for key in part.keys:
                self.part_keys.setdefault(key[:1], []).append((key, part))
        for part in catalogue.parts:
            for node in part.walk()[1:]:
                keys = (compare_key(node.prefix),) if node.prefix else node.keys
                for key in dict.fromkeys(keys):
                    self._buckets.setdefault(key[:_BUCKET], []).append((key, node))
                if node.kind is Kind.ENTITY:
                    self.entities.setdefault(node.label, []).append(node)
                if node.kind is Kind.CHECKBOX and node.options and node.label in node.options[0]:
                    self.marker_items.append(node)
        self.ignore = catalogue.ignore
        # a part heading's own ※ exception after its name ('(7.②を除く。)', forms.yaml)
        self.star_exception = vocabulary().star_exception_key
        # form facts of the catalogue the classifier asks for on every line
        self.history_key = catalogue.history_key
        # the 別添2 title without its brackets ('別添2変更箇所'), and its end that every form of it has
        self.history_bare = re.sub(r"^\(([^()]*)\)", r"\1", self.history_key)
        self.history_tail = re.sub(r"^\([^()]*\)", "", self.history_key)
        self.cover_header_key = catalogue.cover_header_key
        self.entity_header = catalogue.entity_header
        self.entity_range = catalogue.entity_range
        self.entity_first = frozenset(label[:1] for label in catalogue.entity_labels)
        self._unique = _unique_keys(catalogue)
        # every option text of the form, longest first (so that no shorter one splits it)
        options = {compare_key(o) for node in catalogue.nodes() for o in node.options}
        self.option_keys = sorted(options, key=lambda o: (-len(o), o))

    def is_history_title(self, key: str) -> bool:
        """Whether a line (or its first cell) is the 別添2 table's title as the form prints it
        ('(別添2) 変更箇所', a mark or two after it). Without its brackets ('別添2 変更箇所参照')
        it is as likely a reference in some value: that begins no table."""
        return key.startswith(self.history_key) and len(key) <= len(self.history_key) + 2

    def is_bare_history_title(self, key: str) -> bool:
        """The title without brackets and nothing else on the line: the table's header row follows."""
        return key == self.history_bare

    def part_header(self, key: str) -> Node | None:
        """The part a line heads ('Ⅲ リスク対策 ※(7. ②を除く。)' → Ⅲ), or None."""
        for pkey, part in self.part_keys.get(key[:1], ()):
            if key == pkey or (key.startswith(pkey) and self.star_exception.match(key[len(pkey) :])):
                return part
        return None

    def candidates(self, key: str) -> tuple[Candidate, ...]:
        """Items whose label key `key` starts with (the longest of each item's keys), form order
        (remembered for short keys: a document's label cells repeat, once per file and entity)."""
        known = self._candidates.get(key)
        if known is not None:
            return known
        best: dict[Node, int] = {}
        for label, node in self._buckets.get(key[:_BUCKET], ()):
            if key.startswith(label) and len(label) > best.get(node, 0):
                best[node] = len(label)
        found = tuple(Candidate(node, length) for node, length in best.items())
        return remember(self._candidates, key, found, 200, 8192)

    def starts_label(self, key: str) -> bool:
        """Whether `key` starts with any label key of the form."""
        bucket = self._buckets.get(key[:_BUCKET])
        if bucket is None:
            return False  # most text: no label starts with its first two characters
        return any(key.startswith(label) for label, _ in bucket)

    @staticmethod
    def option_key(node: Node) -> str:
        return _option_key(node.options[0])

    def entity(self, label: str, part: Node | None) -> Node | None:
        """The entity item of that label ('委託事項'), preferring the given part's own."""
        nodes = self.entities.get(label, [])
        return next((n for n in nodes if n.part is part), nodes[0] if nodes else None)

    def is_entity_header(self, key: str) -> bool:
        if key[:1] not in self.entity_first:
            return False
        match = self.entity_header.match(key)
        return match is not None and match.group(1) in self.entities

    def unique_item(self, key: str) -> Node | None:
        """The one item of the whole form whose label key is exactly `key` (None when shared)."""
        return self._unique.get(key)


def _unique_keys(catalogue: Catalogue) -> dict[str, Node]:
    seen: dict[str, list[Node]] = {}
    for part in catalogue.parts:
        for node in part.walk():
            for key in dict.fromkeys(node.keys):
                seen.setdefault(key, []).append(node)
    return {key: nodes[0] for key, nodes in seen.items() if len(nodes) == 1}


@cache
def _option_key(option: str) -> str:
    return compare_key(option)


_INDEXES: dict[int, tuple[Catalogue, LabelIndex]] = {}


def label_index(catalogue: Catalogue) -> LabelIndex:
    """The index of a catalogue, built once (the catalogue is kept so that its id stays its own)."""
    known = _INDEXES.get(id(catalogue))
    if known is None or known[0] is not catalogue:
        known = _INDEXES[id(catalogue)] = (catalogue, LabelIndex(catalogue))
    return known[1]


@cache
def reachable(scope: Node) -> dict[Node, tuple[int, Path]]:
    """Items reachable from a scope without entering an entity: item → (form order, relative path)."""
    out: dict[Node, tuple[int, Path]] = {}

    def visit(node: Node, path: Path) -> None:
        for child in node.children:
            if child.kind is Kind.ENTITY:
                continue
            child_path = (*path, child.segment)
            out[child] = (len(out), child_path)
            if child.kind is Kind.GROUP:
                visit(child, child_path)

    visit(scope, ())
    return out


def label_end(folded: str, key: str) -> int | None:
    """Where a label key ends at the start of folded raw text, spaces, ※ and tags allowed before,
    inside and after it (the gap after it is taken too); None when the text does not start with it.

    A scan rather than a regular expression per label (the form has hundreds): each gap is taken
    whole and never given back, which loses nothing because a key character is never a gap character."""
    at = _after_gap(folded, 0)
    end = len(folded)
    for ch in key:
        if at >= end or folded[at] != ch:
            return None
        at = _after_gap(folded, at + 1)
    return at


def _after_gap(text: str, at: int) -> int:
    """The end of the run of spaces, ※ and complete tags (<…> with no < or > inside) from `at`."""
    end = len(text)
    while at < end:
        ch = text[at]
        if ch == "<":
            close = at + 1
            while close < end and text[close] not in "<>":
                close += 1
            if close == end or text[close] == "<":
                return at  # no tag: an unclosed '<' is text
            at = close + 1
        elif ch == "※" or ch.isspace():
            at += 1
        else:
            return at
    return at


_FOLDED: dict[str, str] = {}


def _fold_map(raw: str) -> tuple[str, list[int]]:
    """Fold raw text and keep, for each folded character, the index of its raw character."""
    folded = fold(raw)
    if folded == raw:
        return raw, list(range(len(raw)))  # already folded (the common case): each char is itself
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(raw):
        piece = _FOLDED.get(ch)
        if piece is None:
            piece = _FOLDED[ch] = fold(ch)
        out.append(piece)
        if len(piece) == 1:
            index.append(i)
        else:
            index.extend([i] * len(piece))
    return "".join(out), index


@cached_when_short(limit=2000, maxsize=8192)
def after_label(raw: str, key: str) -> str:
    """The raw text after the label whose key starts the cell ('①部署 ⇥ 市民課' → ' ⇥ 市民課')."""
    # Fold only a window at the start of the cell (cells run to thousands of characters); the match
    # in the window is the match in the whole text unless it ran into the window's end or into a
    # '<' that may close beyond it.
    window = 2 * len(key) + 40
    if window < len(raw):
        folded, index = _fold_map(raw[:window])
        end = label_end(folded, key)
        if end is not None and end < len(folded) and folded[end] != "<":
            return raw[index[end] :]
    folded, index = _fold_map(raw)
    end = label_end(folded, key)
    if end is None or end >= len(index):
        return ""
    return raw[index[end] :]
