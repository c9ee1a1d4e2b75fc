"""The release gate's safety net (issue 17 §1): after the item diff, every line that differs between
the two versions is accounted for by a row, a reported gap, or a named non-change (the cover's 公表日
and 様式版, the table of contents, blank lines, the document's own 別添2 table, which audit checks).
Anything else becomes a gap, 「説明のつかない差分」, so that `check` cannot pass over it.

Lines are compared under the comparison's own normalisation (width, spaces, wrapping, markup, the
spellings of a checkbox, the printed option list of a choice, the ways of writing an empty cell),
grouped by who owns them (the readers record an owner for every line: see model.LineRole)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from pia_diff.catalogue import Catalogue, Node
from pia_diff.forms import vocabulary
from pia_diff.model import LineRole, Path, Snapshot, SourceText
from pia_diff.snapshot import item_label
from pia_diff.text import compare_key, remember
from pia_diff.values import BARE, CHECKED, UNCHECKED, unify_markers

from .change import Change, ChangeKind
from .gaps import Gap
from .pairing import Alignment

# Shown of a line in a gap's sentence, and before the place where two lines first differ.
SHOWN = 40
LEAD = 10
_MARKS = {CHECKED: "[○]", UNCHECKED: "[]", BARE: "[?]"}
_SENTINEL = re.compile(f"[{CHECKED}{UNCHECKED}{BARE}]")
_OWNED = (LineRole.ITEM, LineRole.HEADING, LineRole.COPY)
# An item's label where a line starts with it, in the line's key: the label's text is no content, but
# a label the other version no longer prints at all is (a row deleted, issue 17 §1).
_LABEL = "\x1f"


@dataclass(frozen=True)
class _Line:
    number: int
    text: str  # the line as the document has it (for the gap's sentence)
    key: str  # normalised


class _Normaliser:
    """One line to its comparison key, cell by cell: markup and spacing gone, a checkbox's marks in
    one spelling, a choice's printed option list (<選択肢> 1) … 2) …) and empty-cell marks removed."""

    def __init__(self, catalogue: Catalogue) -> None:
        words = vocabulary()
        options = {compare_key(o) for node in catalogue.nodes() for o in node.options}
        alternatives = "|".join(re.escape(o) for o in sorted(options, key=len, reverse=True) if o)
        # 「1)委託する」: a numbered option of the form (a sentence typed after the list stays)
        self.listed = re.compile(rf"\d{{1,2}}\)(?:{alternatives})") if alternatives else None
        self.heading = re.compile(rf"[<＜]{re.escape(words.option_list)}[>＞]")
        self.is_empty = words.is_empty
        self._cells: dict[str, str] = {}

    def cell(self, raw: str) -> str:
        """(Remembered for short cells: a document repeats its labels, options and marks.)"""
        known = self._cells.get(raw)
        if known is None:
            known = remember(self._cells, raw, self._cell(raw), 2000, 16384)
        return known

    def _cell(self, raw: str) -> str:
        marked = _SENTINEL.sub(lambda m: _MARKS[m.group(0)], unify_markers(raw))
        key = compare_key(marked).replace("※", "")
        key = self.heading.sub("", key)
        if self.listed is not None:
            key = self.listed.sub("", key)
        return "" if self.is_empty(key) else key

    def line(self, raw: str) -> str:
        return "".join(self.cell(cell) for cell in raw.split("\t"))


def _label_keys(path: Path, catalogue: Catalogue) -> tuple[str, ...]:
    """The keys a line may start with for the item or heading at `path`: its catalogue label and
    aliases, and the path's own last segment ('システム8', '4 …' as '4.…' and '4…')."""
    return _keys_of(catalogue.node_at(path), path[-1] if path else None)


@lru_cache(maxsize=4096)
def _keys_of(node: Node | None, segment: str | None) -> tuple[str, ...]:
    """_label_keys of an item or heading and its path's last segment (entities and files repeat them)."""
    keys: list[str] = []
    if node is not None:
        keys += list(node.keys)
    if segment is not None:
        last = compare_key(segment).replace("※", "")
        keys += [last, re.sub(r"^(\d+)", r"\1.", last)]
    return tuple(sorted({k for k in keys if k}, key=len, reverse=True))


@dataclass(frozen=True)
class _Units:
    """One version's lines grouped: by the set of items and headings that own them, and the lines no
    item took (unplaced text, checkbox debris), whose roles say whether they were reported."""

    owned: dict[frozenset[Path], list[_Line]]
    loose: dict[str, list[tuple[_Line, LineRole]]]


def _units(text: SourceText, normalise: _Normaliser, to_old: Callable[[Path], Path], catalogue: Catalogue) -> _Units:
    owned: dict[frozenset[Path], list[_Line]] = {}
    loose: dict[str, list[tuple[_Line, LineRole]]] = {}
    labels: dict[Path, tuple[str, ...]] = {}
    for number, (raw, owners) in enumerate(zip(text.lines, text.owners, strict=True), start=1):
        roles = {owner.role for owner in owners}
        if LineRole.HISTORY in roles or (roles and roles <= {LineRole.FURNITURE}):
            continue
        key = normalise.line(raw)
        held = [(owner.path, owner.role) for owner in owners if owner.role in _OWNED]
        paths = [path for path, _ in held]
        if paths:
            # the owners' own labels are no content of theirs, but an item's are counted: its label
            # line deleted (a row gone) is a difference, a label moved onto its value's line is not;
            # a section's heading the extract lost is not (its items are still placed by their labels)
            marks = ""
            for path, role in held:
                for label in labels.setdefault(path, _label_keys(path, catalogue)):
                    if key.startswith(label):
                        key = key[len(label) :]
                        marks += _LABEL if role is not LineRole.HEADING else ""
                        break
            key = marks + key
            if key:
                owned.setdefault(frozenset(to_old(p) for p in paths), []).append(_Line(number, raw, key))
        elif key:
            role = LineRole.UNPLACED if LineRole.UNPLACED in roles else LineRole.LAYOUT
            loose.setdefault(key, []).append((_Line(number, raw, key), role))
    return _Units(owned, loose)


def _forward(alignment: Alignment | None) -> Callable[[Path], Path]:
    """NEW's own paths (and path prefixes) to the aligned paths OLD's keys use."""
    if alignment is None:
        return lambda path: path
    ahead = {own: aligned for aligned, own in alignment.back.items()}

    def to_old(path: Path) -> Path:
        if path in ahead:
            return ahead[path]
        for cut in range(len(path) - 1, 0, -1):
            if path[:cut] in ahead:
                return ahead[path[:cut]] + path[cut:]
        return path

    return to_old


def _covered(paths: Iterable[Path], covering: set[Path]) -> bool:
    """A row or gap at a path covers it and everything under it (an entity added or removed, a
    section lost)."""
    return any(path[:cut] in covering for path in paths for cut in range(1, len(path) + 1))


def _first_difference(old: list[_Line], new: list[_Line]) -> tuple[_Line | None, _Line | None]:
    codes = SequenceMatcher(None, [x.key for x in old], [x.key for x in new], autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in codes:
        if tag != "equal":
            return (old[i1] if i1 < i2 else None), (new[j1] if j1 < j2 else None)
    return (old[0] if old else None), (new[0] if new else None)


def _where(text: SourceText, number: int) -> str:
    place = text.place(number)
    return f"{place} 行目" if isinstance(place, int) else str(place)


def _flat(line: _Line) -> str:
    return " ".join(line.text.replace("\t", " ").split())


def _shown(line: _Line | None, text: SourceText, start: int = 0) -> str:
    """「N 行目「…」」: where a line is and 40 of its characters, from its start or, where the other
    version's line is the same up to a point past that, from a few characters before they differ."""
    if line is None:
        return "(なし)"
    flat = _flat(line)
    head = "…" if start else ""
    flat = head + flat[start:]
    flat = flat if len(flat) <= SHOWN else flat[: SHOWN - 1] + "…"
    return f"{_where(text, line.number)}「{flat}」"


def _cut(old: _Line | None, new: _Line | None) -> int:
    """Where both lines are shown from: 0, or LEAD characters before they first differ when that lies
    past what 40 characters show (both would read the same)."""
    if old is None or new is None:
        return 0
    a, b = _flat(old), _flat(new)
    same = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return same - LEAD if same + LEAD >= SHOWN and a != b else 0


def unexplained(
    old: Snapshot,
    new: Snapshot,
    catalogue: Catalogue,
    changes: Iterable[Change],
    gaps: Iterable[Gap],
    alignment: Alignment | None,
) -> list[Gap]:
    """Gaps for what differs between the two versions' lines and nothing accounts for. `changes`: the
    changes the rows were made from (a removal names the old version's path, any other change the
    new one's); `gaps`: those already reported. Versions of different kinds (a text and a workbook)
    are compared item by item only: lines holding several items, and lines no item took, are laid
    out differently in each kind."""
    if old.text is None or new.text is None:
        return []  # a snapshot read from JSON holds its items only: the item diff saw all of them
    to_old = _forward(alignment)
    covering = {c.path if c.kind is ChangeKind.REMOVED else to_old(c.path) for c in changes}
    covering |= {g.path for g in gaps if g.path} | {to_old(g.path) for g in gaps if g.path}
    cover = vocabulary().cover
    covering |= {(cover, word) for word in vocabulary().not_changes}  # 公表日, 様式版: never a change
    normalise = _Normaliser(catalogue)
    before = _units(old.text, normalise, lambda p: p, catalogue)
    after = _units(new.text, normalise, to_old, catalogue)
    same_kind = old.text.kind == new.text.kind
    found: list[Gap] = []
    for key in sorted(before.owned.keys() | after.owned.keys(), key=lambda k: sorted(k)):
        if not same_kind and len(key) > 1:
            continue
        lines_old, lines_new = before.owned.get(key, []), after.owned.get(key, [])
        if "".join(x.key for x in lines_old) == "".join(x.key for x in lines_new) or _covered(key, covering):
            continue
        first_old, first_new = _first_difference(lines_old, lines_new)
        start = _cut(first_old, first_new)
        label = "、".join(item_label(p, new.files or old.files) for p in sorted(key))
        found.append(
            Gap(
                "新しい版" if first_new is not None else "前の版",
                (new.source if first_new is not None else old.source) or "",
                label,
                "説明のつかない差分: 前の版 "
                + _shown(first_old, old.text, start)
                + "、新しい版 "
                + _shown(first_new, new.text, start)
                + "。別添2 の行も、読み取れなかった箇所の報告もありません。原本を比べて確認してください",
            )
        )
    if same_kind:
        found += _loose(before, after, old, new)
    return found


def _loose(before: _Units, after: _Units, old: Snapshot, new: Snapshot) -> list[Gap]:
    """Lines no item took that one version has more often than the other: text reported as
    unplaced is accounted for by that report; checkbox and choice debris is not."""
    found: list[Gap] = []
    counts_old = Counter({k: len(v) for k, v in before.loose.items()})
    counts_new = Counter({k: len(v) for k, v in after.loose.items()})
    for version, snapshot, units, extra in (
        ("前の版", old, before, counts_old - counts_new),
        ("新しい版", new, after, counts_new - counts_old),
    ):
        text = snapshot.text
        if text is None:
            continue
        for key, count in extra.items():
            # which of the lines with this text is the extra one cannot be told: debris first, so
            # that a reported block's copy of the text never hides a deleted line of debris
            lines = sorted(units.loose[key], key=lambda held: (held[1] is LineRole.UNPLACED, held[0].number))
            for line, role in lines[:count]:
                if role is LineRole.UNPLACED:
                    continue  # its block is reported as 読み取れない箇所 (its digest differs)
                found.append(
                    Gap(
                        version,
                        snapshot.source or version,
                        _where(text, line.number),
                        f"説明のつかない差分: {_shown(line, text)}。選択肢やチェックボックスの書式の一部として"
                        "読み飛ばした行が、もう一方の版と違います。原本を比べて確認してください",
                    )
                )
    return found
