"""The form catalogue: every item of a form edition, loaded from packaged data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, cached_property

from .forms import load_data
from .text import label_key

_NUMBERED = re.compile(r"^(\d+)\.\s*")
# node_at's remembered answers per catalogue, at most (a long-running page meets many entity numbers)
_CHILDREN_HELD = 50_000


class Kind(StrEnum):
    GROUP = "group"
    ENTITY = "entity"
    TEXT = "text"
    CHOICE = "choice"
    CHECKBOX = "checkbox"
    DATE = "date"


LEAF_KINDS = {Kind.TEXT, Kind.CHOICE, Kind.CHECKBOX, Kind.DATE}


@dataclass(eq=False)
class Node:
    """One item or heading of the form."""

    label: str
    kind: Kind
    star: bool
    parent: Node | None = None
    options: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    per_file: bool = False
    prefix: str | None = None
    title: bool = False
    sheet: str | None = None
    words: tuple[str, ...] = ()
    children: list[Node] = field(default_factory=list)

    @cached_property
    def segment(self) -> str:
        """The label as a path segment and in 項目 text: '4. 委託' → '4 委託'."""
        return _NUMBERED.sub(r"\1 ", self.label)

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """Match keys of the label and its aliases (computed once: the parser asks often)."""
        return tuple(label_key(text) for text in (self.label, *self.aliases))

    @cached_property
    def is_leaf(self) -> bool:
        """An item with a value (remembered: the parser asks on every line; become_group changes it)."""
        return self.kind in LEAF_KINDS

    @cached_property
    def part(self) -> Node:
        """The part the node stands in (remembered: a node's parent is given when it is made)."""
        node = self
        while node.parent is not None:
            node = node.parent
        return node

    def become_group(self) -> None:
        """Make an item a heading over others (a document catalogue finds it is one)."""
        self.kind = Kind.GROUP
        self.__dict__.pop("is_leaf", None)

    def walk(self) -> list[Node]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def ancestors(self) -> list[Node]:
        out: list[Node] = []
        node = self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out

    def leaves(self) -> list[Node]:
        return [node for node in self.walk() if node.is_leaf]


@dataclass
class Catalogue:
    form: str
    edition: str
    name: str
    ignore: frozenset[str]
    parts: list[Node]
    history_table: str = ""  # the catalogue's own; its form's (forms.yaml) when it names none
    # the cover's header row (its cells name the items whose values are on the next line)
    cover_header: tuple[str, ...] = ()
    # node_at's answers per (siblings, their number, segment): see _child
    _children: dict[tuple[int, int, str], tuple[Node | None]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @cached_property
    def entity_labels(self) -> tuple[str, ...]:
        """Labels of the repeating entities (システム, 委託事項, …), longest first."""
        labels = {node.label for node in self.nodes() if node.kind is Kind.ENTITY}
        return tuple(sorted(labels, key=lambda s: (-len(s), s)))

    @cached_property
    def entity_header(self) -> re.Pattern[str]:
        """A cell key that opens an entity: 「システム3」 → (label, number)."""
        return re.compile("^(" + "|".join(map(re.escape, self.entity_labels)) + r")(\d+)$")

    @cached_property
    def entity_range(self) -> re.Pattern[str]:
        """A heading row for entities the document leaves empty: 「委託事項2～5」."""
        return re.compile("^(?:" + "|".join(map(re.escape, self.entity_labels)) + r")\d+[～~〜-]\d+$")

    @cached_property
    def entity_mention(self) -> re.Pattern[str]:
        """An entity named inside free text (a published 項目): 「システム 14」, 「委託事項①」."""
        return re.compile("(" + "|".join(map(re.escape, self.entity_labels)) + r")\s*([0-9]+|[①-⑳])")

    @cached_property
    def history_key(self) -> str:
        """The change table's heading as a label key ((別添2)変更箇所)."""
        return label_key(self.history_table)

    @cached_property
    def cover_header_key(self) -> str:
        return "".join(label_key(label) for label in self.cover_header)

    def nodes(self) -> list[Node]:
        return [node for part in self.parts for node in part.walk()]

    def part_named(self, label: str) -> Node:
        for part in self.parts:
            if part.label == label:
                return part
        raise KeyError(label)

    def node_at(self, path: tuple[str, ...] | list[str]) -> Node | None:
        """The catalogue node for a snapshot path (entity numbers and file keys resolved)."""
        nodes = self.parts
        found: Node | None = None
        for segment in path:
            match = self._child(nodes, segment)
            if match is None:
                if found is not None and found.per_file and found.parent is None and segment.startswith("("):
                    continue  # the file key of a per-file part
                return None
            found = match
            nodes = match.children
        return found

    def _child(self, nodes: list[Node], segment: str) -> Node | None:
        """The node among siblings `nodes` that a path segment names: its own segment, or an entity item
        numbered ('システム12'). Remembered per list of siblings (and its length: a document catalogue
        grows while it is built) and segment: the safety net asks for every item of both versions."""
        key = (id(nodes), len(nodes), segment)
        known = self._children.get(key)  # (answer,): None is an answer too
        if known is not None:
            return known[0]
        match = next((n for n in nodes if n.segment == segment), None)
        if match is None:
            match = next(
                (n for n in nodes if n.kind is Kind.ENTITY and re.fullmatch(re.escape(n.label) + r"\d+", segment)),
                None,
            )
        if len(self._children) >= _CHILDREN_HELD:
            self._children.clear()
        self._children[key] = (match,)
        return match

    def order_key(self, path: tuple[str, ...] | list[str]) -> tuple[tuple[int, int], ...]:
        """Sort key that puts paths in the form's printed order (entities by number)."""
        nodes = self.parts
        key: list[tuple[int, int]] = []
        for segment in path:
            digits = re.search(r"(\d+)\)?$", segment)
            number = int(digits.group(1)) if digits else 0
            index = next(
                (
                    i
                    for i, n in enumerate(nodes)
                    if n.segment == segment or (n.kind is Kind.ENTITY and segment.startswith(n.label))
                ),
                None,
            )
            if index is None:
                key.append((-1, number))  # a file key: files in their order
                continue
            key.append((index, number))
            nodes = nodes[index].children
        return tuple(key)


# The path segment under which an entity's own name (委託事項1 ⇥ name) is stored.
TITLE = "名称"


class CatalogueError(ValueError):
    pass


def _build(raw: dict[str, object], parent: Node | None, inherited_star: bool, where: str) -> Node:
    unknown = set(raw) - {
        "label",
        "kind",
        "star",
        "options",
        "aliases",
        "per_file",
        "prefix",
        "title",
        "sheet",
        "words",
        "children",
    }
    if unknown:
        raise CatalogueError(f"{where}: unknown field(s) {sorted(unknown)}")
    label = raw.get("label")
    if not isinstance(label, str) or not label:
        raise CatalogueError(f"{where}: every item needs a label")
    children_raw = raw.get("children") or []
    if not isinstance(children_raw, list):
        raise CatalogueError(f"{where}/{label}: children must be a list")
    kind = Kind(str(raw.get("kind") or (Kind.GROUP if children_raw else Kind.TEXT)))
    options = tuple(str(o) for o in raw.get("options") or ())  # type: ignore[attr-defined]
    if kind in (Kind.CHOICE, Kind.CHECKBOX) and not options:
        raise CatalogueError(f"{where}/{label}: a {kind} needs options")
    star = bool(raw["star"]) if "star" in raw else inherited_star
    node = Node(
        label=label,
        kind=kind,
        star=star,
        parent=parent,
        options=options,
        aliases=tuple(str(a) for a in raw.get("aliases") or ()),  # type: ignore[attr-defined]
        per_file=bool(raw.get("per_file", False)),
        prefix=str(raw["prefix"]) if raw.get("prefix") else None,
        title=bool(raw.get("title", False)),
        sheet=str(raw["sheet"]) if raw.get("sheet") else None,
        words=tuple(str(w) for w in raw.get("words") or ()),  # type: ignore[attr-defined]
    )
    node.children = [_build(child, node, star, f"{where}/{label}") for child in children_raw]
    if node.title:
        # An entity's own name (委託事項1 ⇥ COKAS-i…) is an item of its own.
        node.children.insert(0, Node(label=TITLE, kind=Kind.TEXT, star=star, parent=node))
    return node


def parse_catalogue(text: str, source: str = "<catalogue>") -> Catalogue:
    import yaml

    return catalogue_from(yaml.safe_load(text), source)


def catalogue_from(data: object, source: str = "<catalogue>") -> Catalogue:
    """A catalogue from its parsed data (a YAML file's)."""
    if not isinstance(data, dict) or not isinstance(data.get("parts"), list):
        raise CatalogueError(f"{source}: a catalogue needs a 'parts' list")
    parts = [_build(part, None, False, source) for part in data["parts"]]
    return Catalogue(
        form=str(data["form"]),
        edition=str(data["edition"]),
        name=str(data["name"]),
        ignore=frozenset(label_key(s) for s in data.get("ignore", [])),
        parts=parts,
        history_table=str(data.get("history_table") or _form_history_table(str(data["form"]))),
        cover_header=tuple(str(s) for s in data.get("cover_header") or ()),
    )


def _form_history_table(form: str) -> str:
    from .forms import registry

    known = registry().form(form)
    return (known or registry().default).history_table


@cache
def load_catalogue(name: str = "form3_r6_10.yaml") -> Catalogue:
    """A packaged catalogue, read once (through the form registry's data cache)."""
    return catalogue_from(load_data(name), name)
