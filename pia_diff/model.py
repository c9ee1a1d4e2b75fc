"""The typed model every stage shares: a document's items (text, choice, checkbox set), its meta, its
own 別添2 rows, and what the reading could not place. JSON is written and read in `snapshot`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .forms import vocabulary

Path = tuple[str, ...]
# Where a value came from: a line number of a text, or 'sheet!row' of a workbook, or a page.
Source = int | str | None
# The 変更箇所 table's six columns (the form registry's; Row and HistoryRow name their cells by them).
HISTORY_COLUMNS: tuple[str, str, str, str, str, str] = vocabulary().history_columns  # type: ignore[assignment]
# The key under which a checkbox set's JSON keeps the text written beside its options.
DETAILS_KEY = "詳細"


class Certainty(StrEnum):
    """How sure a reading is; the JSON value, and the Japanese word people read (`word`)."""

    OK = "ok"
    UNCERTAIN = "uncertain"
    MISSING = "missing"

    @property
    def word(self) -> str:
        return _CERTAINTY_WORDS[self]


_CERTAINTY_WORDS = {Certainty.OK: "確か", Certainty.UNCERTAIN: "不確か (原本で確認)", Certainty.MISSING: "見つからない"}


class Choice(str):
    """A choice item's value: the text as printed after the reader ('委託する (4) 件'), which is what
    is compared and written, with the option it names (None when it names none of the form's)."""

    __slots__ = ("option",)
    option: str | None

    def __new__(cls, text: str, option: str | None = None) -> Choice:
        made = super().__new__(cls, text)
        made.option = option
        return made

    def __reduce__(self) -> tuple[Any, ...]:  # pickled across the folder audit's worker processes
        return (Choice, (str(self), self.option))


@dataclass(frozen=True, slots=True)
class CheckboxSet:
    """A checkbox item: each option checked (True), unchecked (False) or unknown (None, a state the
    extract lost), in the form's order, and the text written beside some options (その他 (…))."""

    options: tuple[str, ...]
    marks: tuple[bool | None, ...]
    details: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if len(self.options) != len(self.marks):
            raise ValueError("a checkbox set needs one mark per option")

    @classmethod
    def of(cls, states: Mapping[str, bool | None], details: Mapping[str, str] | None = None) -> CheckboxSet:
        return cls(tuple(states), tuple(states.values()), tuple((details or {}).items()))

    @property
    def states(self) -> dict[str, bool | None]:
        return dict(zip(self.options, self.marks, strict=True))

    @property
    def detail(self) -> dict[str, str]:
        return dict(self.details)

    def state(self, option: str) -> bool | None:
        return self.states.get(option)

    def checked(self) -> tuple[str, ...]:
        return tuple(o for o, m in zip(self.options, self.marks, strict=True) if m is True)

    @property
    def certain(self) -> bool:
        return None not in self.marks

    def with_state(self, option: str, state: bool | None) -> CheckboxSet:
        states = self.states
        states[option] = state
        return CheckboxSet.of(states, self.detail)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = dict(self.states)
        if self.details:
            out[DETAILS_KEY] = self.detail
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, object], order: Iterable[str] = ()) -> CheckboxSet:
        """From the JSON form (options → true/false/null, 詳細 → {option: text}); options listed in
        `order` first, in that order (JSON keeps keys sorted; the form has its own order)."""
        rank = {option: i for i, option in enumerate(order)}
        keys = sorted((k for k in data if k != DETAILS_KEY), key=lambda k: (rank.get(k, len(rank)), k in rank))
        details = data.get(DETAILS_KEY) or {}
        if not isinstance(details, Mapping):
            raise ValueError("詳細 must be a mapping")
        return cls(
            tuple(keys),
            tuple(data[k] for k in keys),  # type: ignore[misc]  # checked by the snapshot reader
            tuple((str(k), str(v)) for k, v in details.items()),
        )


# An item's value: text (or a Choice, which is text too), a checkbox set, or None (nothing read).
Value = str | CheckboxSet | None


def render(value: Value) -> str:
    """A value as people read it in the form: '[○] 紙 [ ] 電子メール', text as is."""
    if value is None:
        return ""
    if isinstance(value, str):
        return str(value)
    details = value.detail
    parts = []
    for option, state in value.states.items():
        mark = {True: "[○]", False: "[ ]", None: "[?]"}[state]
        extra = f" ({details[option]})" if option in details else ""
        parts.append(f"{mark} {option}{extra}")
    return " ".join(parts)


def value_json(value: Value) -> object:
    """The value as snapshot JSON holds it."""
    if isinstance(value, CheckboxSet):
        return value.to_json()
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)  # slots: a long document has hundreds of thousands
class Field:
    """One item's value as read, with where it came from and how sure we are; `copies`: what the
    document says of the same item elsewhere where that differs (a repeated row, a name printed
    beside an entity's heading), compared too (issue 17 §3)."""

    path: Path
    value: Value
    line: Source
    certainty: Certainty
    copies: tuple[Value, ...] = ()


@dataclass(frozen=True)
class HistoryRow:
    """One row of a document's own 別添2 変更箇所 table, the six cells as printed."""

    cells: tuple[str, str, str, str, str, str]
    line: Source = None

    def as_dict(self) -> dict[str, str]:
        return dict(zip(HISTORY_COLUMNS, self.cells, strict=True))


@dataclass(frozen=True)
class UnplacedBlock:
    """A block of text the reading could not place in the form: where it starts, how it starts
    (40 characters), and a digest of the whole block (the same block in two versions hides no change)."""

    line: Source
    text: str
    digest: str = ""

    def to_json(self) -> dict[str, object]:
        return {"行": self.line, "内容": self.text, "指紋": self.digest}


class ReadBy(StrEnum):
    """How a document was read: along a form catalogue, or by its own structure (generic)."""

    CATALOGUE = "catalogue"
    GENERIC = "generic"


@dataclass(frozen=True)
class GenericReading:
    """What the generic reader adds: the items the document itself marks ※, its repeating blocks'
    stems (システム, 委託事項, …) and the heading of its change table ((別添2) / (別添3) 変更箇所)."""

    stars: tuple[Path, ...] = ()
    repeating: tuple[str, ...] = ()
    history_heading: str | None = None


# The JSON key of each DocumentMeta attribute (snapshot JSON keeps the keys it has always had).
META_KEYS = {
    "number": "評価書番号",
    "title": "評価書名",
    "body": "評価実施機関名",
    "published": "公表日",
    "form": "様式",
    "edition": "版",
    "form_version": "様式版",
    "source": "source",
    "sha256": "sha256",
    "style": "style",
    "files": "files",
    "history_certainty": "別添2の確度",
    "unplaced": "読み取れない箇所",
    "unseen": "見つからない見出し",
}
# The generic reading's keys (present only in a generically read snapshot).
GENERIC_KEYS = {"read_by": "読み取り方", "star_source": "※の出典", "stars": "※項目", "repeating": "繰り返し"}
HISTORY_HEADING_KEY = "変更箇所の表"
STAR_SOURCE_DOCUMENT = "文書"


@dataclass(frozen=True)
class DocumentMeta:
    """A document's cover facts and how it was read (snapshot JSON `meta`)."""

    number: str | None = None  # 評価書番号
    title: str | None = None  # 評価書名
    body: str | None = None  # 評価実施機関名
    published: dt.date | None = None  # 公表日
    form: str | None = None  # 様式 (様式2 / 様式3 / 様式4)
    edition: str | None = None  # 版 (令和6年10月)
    form_version: str | None = None  # 様式版 as printed ([令和6年10月 様式3])
    source: str = ""  # the file name it was read from
    sha256: str = ""
    style: str = "cell"  # cell: table cells survive (TAB text, workbook, PDF); pdf: a PDF text dump
    files: Mapping[str, str] = field(default_factory=dict)  # file key (1) → file name, multi-file documents
    history_certainty: Certainty = Certainty.MISSING  # 別添2の確度: its own 別添2 table read?
    unplaced: tuple[UnplacedBlock, ...] = ()  # 読み取れない箇所
    unseen: tuple[str, ...] = ()  # 見つからない見出し: headings of the form never seen
    generic: GenericReading | None = None  # set when read by the document's own structure
    extra: Mapping[str, Any] = field(default_factory=dict)  # keys of another version of the tool, kept

    @property
    def read_by(self) -> ReadBy:
        return ReadBy.CATALOGUE if self.generic is None else ReadBy.GENERIC

    @property
    def star_paths(self) -> frozenset[Path]:
        """The items the document itself marks ※ (generic reading only)."""
        return frozenset(self.generic.stars) if self.generic is not None else frozenset()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.extra)
        for name, key in META_KEYS.items():
            value = getattr(self, name)
            if name == "published":
                value = value.isoformat() if value else None
            elif name == "files":
                value = dict(value)
            elif name == "history_certainty":
                value = str(value)
            elif name == "unplaced":
                value = [block.to_json() for block in value]
            elif name == "unseen":
                value = list(value)
            out[key] = value
        if self.generic is not None:
            out[GENERIC_KEYS["read_by"]] = str(ReadBy.GENERIC)
            out[GENERIC_KEYS["star_source"]] = STAR_SOURCE_DOCUMENT
            out[GENERIC_KEYS["stars"]] = [list(p) for p in self.generic.stars]
            out[GENERIC_KEYS["repeating"]] = list(self.generic.repeating)
            out[HISTORY_HEADING_KEY] = self.generic.history_heading
        return out


class LineRole(StrEnum):
    """What a line of the document is to the reading (the release gate's safety net accounts for
    every line that differs between two versions by it)."""

    ITEM = "item"  # holds (part of) an item's label or value
    HEADING = "heading"  # a part, section, group or entity heading (and whatever else its row holds)
    COPY = "copy"  # a second copy of an item already read (an extract repeating a row)
    UNPLACED = "unplaced"  # text no item took (reported as 読み取れない箇所)
    LAYOUT = "layout"  # what the reading took for checkbox or choice debris, a ruler line
    HISTORY = "history"  # the document's own 別添2 table (audited, not compared as items)
    FURNITURE = "furniture"  # no content of the document's own: title, TOC, form version, cover header, blank


@dataclass(frozen=True, slots=True)
class Owner:
    """Who a line belongs to: a role, and the item or heading path for ITEM, HEADING and COPY."""

    role: LineRole
    path: Path = ()


@dataclass
class SourceText:
    """The document's lines as the reader saw them (text, or the cell rows of a PDF or workbook),
    and who owns each. Kept beside a snapshot read from a document; never written to JSON."""

    lines: list[str]
    owners: list[tuple[Owner, ...]]
    kind: str = "text"  # text, pdf or workbook: two versions' lines compare line by line only in one kind
    places: list[str] | None = None  # where each line came from ('シート!行', 'Nページ'); None: its number

    def place(self, number: int) -> Source:
        return self.places[number - 1] if self.places and 0 < number <= len(self.places) else number


@dataclass
class Snapshot:
    """One document as read: meta, every item along the form, and its own 別添2 rows."""

    meta: DocumentMeta
    fields: dict[Path, Field] = field(default_factory=dict)
    history: list[HistoryRow] = field(default_factory=list)
    # the lines it was read from, with their owners (None for a snapshot read from JSON)
    text: SourceText | None = field(default=None, compare=False, repr=False)

    @property
    def files(self) -> Mapping[str, str]:
        """File key → file name, for documents that hold several 特定個人情報ファイル."""
        return self.meta.files

    @property
    def source(self) -> str:
        return self.meta.source

    def items(self) -> Iterator[tuple[Path, Field]]:
        return iter(self.fields.items())

    def tree(self) -> dict[str, Any]:
        """Item values nested along the form: {part: {section: {item: leaf}}}."""
        root: dict[str, Any] = {}
        for path, item in sorted(self.fields.items()):
            node = root
            for segment in path[:-1]:
                node = node.setdefault(segment, {})
            leaf = {"value": value_json(item.value), "line": item.line, "certainty": str(item.certainty)}
            if item.copies:
                leaf["copies"] = [value_json(copy) for copy in item.copies]
            node[path[-1]] = leaf
        return root

    def to_json(self) -> str:
        """The snapshot JSON (deterministic: sorted keys, 2-space indent); see json_chunks."""
        return "".join(self.json_chunks())

    def json_chunks(self) -> Iterator[str]:
        """The snapshot JSON in pieces, to be written as they come (a long document's is never whole)."""
        from .snapshot import json_chunks

        return json_chunks(self)
