"""Field-by-field differences between two snapshots."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pia_diff.catalogue import Catalogue, Kind
from pia_diff.forms import vocabulary
from pia_diff.model import DETAILS_KEY, Certainty, CheckboxSet, Value, render
from pia_diff.snapshot import Field, Path, Snapshot
from pia_diff.text import compare_key

from .change import Change, ChangeKind, comparable
from .engine import deepdiff_class
from .pairing import Alignment, Renumbering, align

__all__ = ["Change", "ChangeKind", "Differences", "comparable", "diff", "differences"]

_FILE_KEY = re.compile(r"^\(\d+\)$")
# Cover fields that change with every publication and are never a 変更箇所 (RULES.md §3).
NOT_CHANGES = vocabulary().not_changes


def _texts(keys: dict[Path, Any]) -> dict[Path, str]:
    """comparable() values as strings (for similarity scores)."""
    return {
        path: " ".join(f"{k}:{v}" for k, v in key.items())
        if isinstance(key, dict)
        else ("" if key is None else str(key))
        for path, key in keys.items()
    }


def _keys(fields: dict[Path, Field]) -> dict[Path, Any]:
    """Each item's comparable value; cover fields that are never a change left out."""
    return {path: comparable(item) for path, item in fields.items() if not (len(path) == 2 and path[-1] in NOT_CHANGES)}


def _prefixes(paths: Iterable[Path]) -> set[Path]:
    return {path[:cut] for path in paths for cut in range(1, len(path) + 1)}


def _unit(path: Path, other: set[Path]) -> Path:
    """The outermost part of a path the other version lacks altogether: an entity, a file, or the item.
    The item itself when the other version has the path only as a heading over deeper items (two
    documents read by their own structure may nest the same label differently)."""
    return next((path[:cut] for cut in range(1, len(path) + 1) if path[:cut] not in other), path)


def _checkbox_detail(before: Value, after: Value, ticked: set[str], unticked: set[str]) -> str:
    """The options DeepDiff saw ticked and unticked, in the form's order (a state the extract lost
    is never shown as a change), and whether the その他 text changed."""
    if not isinstance(before, CheckboxSet) or not isinstance(after, CheckboxSet):
        return ""
    words = []
    for option in after.options:
        if option in ticked:
            words.append(f"{option}: [ ]→[○]")
        elif option in unticked:
            words.append(f"{option}: [○]→[ ]")
    if before.details != after.details:
        words.append("その他の記載の変更")
    return "、".join(words)


def _entity_text(fields: dict[Path, Field], prefix: Path) -> str:
    lines = []
    for path, item in fields.items():
        if path[: len(prefix)] == prefix and item.value not in (None, ""):
            label = " ".join(path[len(prefix) :])
            lines.append(f"{label}: {render(item.value)}")
    return "\n".join(lines)


def _entity_name(fields: dict[Path, Field], prefix: Path, files: Mapping[str, str], own: Path) -> str:
    """What names an entity in a 別添2 row: its first item's value, or the file's name (`own`: the
    entity's path in the version that has it, whose file keys `files` names)."""
    if len(own) == 2 and own[1] in files:
        return files[own[1]]
    first = next((f for p, f in fields.items() if p[: len(prefix)] == prefix and len(p) == len(prefix) + 1), None)
    return render(first.value).strip() if first is not None and isinstance(first.value, str) else ""


# How much of an item's 「label value」 start must match an unplaced block's start
PLACED_PREFIX = 16


def _unplaced_there(fields: dict[Path, Field], entity: Path, other: Snapshot) -> bool:
    """Whether the other version shows this entity's items as text it could not place (the
    reading lost the entity's header line): then the entity was not added or removed."""
    blocks = other.meta.unplaced
    if not blocks:
        return False
    starts = {compare_key(b.text)[:PLACED_PREFIX] for b in blocks}
    for path, item in fields.items():
        if path[: len(entity)] == entity and len(path) > len(entity) and item.value not in (None, ""):
            key = compare_key(path[-1] + render(item.value))[:PLACED_PREFIX]
            if len(key) == PLACED_PREFIX and key in starts:
                return True
    return False


def not_found_on_one_side(before: Field | None, after: Field | None) -> bool:
    """An item the form always has, found with a value in one version and not at all in the other:
    the reading lost it (a form's items are never deleted), so it is not a change to report."""
    sides = (before, after)
    lost = [s for s in sides if s is not None and s.certainty is Certainty.MISSING]
    shown = [s for s in sides if s is not None and s.certainty is not Certainty.MISSING and s.value not in (None, "")]
    return len(lost) == 1 and len(shown) == 1


# How a second reading of an item is shown in its row (what the document says of it elsewhere).
ELSEWHERE = "（別の箇所の記載: {}）"


def _shown(item: Field | None) -> str:
    """An item's text for its row: its value, and what the document says of it elsewhere where that differs."""
    if item is None:
        return ""
    return "\n".join([render(item.value), *(ELSEWHERE.format(render(copy)) for copy in item.copies)])


def _certainty(*items: Field | None) -> Certainty:
    if any(item is None or item.certainty is not Certainty.OK for item in items):
        return Certainty.UNCERTAIN
    return Certainty.OK


@dataclass(frozen=True)
class Differences:
    """The changes between two versions, the entities that only changed their number, and how the
    new version's paths were aligned to the old one's (the safety net compares lines through it)."""

    changes: list[Change]
    renumbered: tuple[Renumbering, ...]
    # items one version shows and the other's reading did not find: not changes, gaps (gaps.py)
    not_found: list[Path] = field(default_factory=list)
    alignment: Alignment | None = None


def diff(old: Snapshot, new: Snapshot, catalogue: Catalogue) -> list[Change]:
    """Every difference between two versions, in the form's order."""
    return differences(old, new, catalogue).changes


# A path as one dictionary key for DeepDiff (no segment holds this character).
_JOIN = "\x1f"


def _engine_value(value: Any) -> Any:
    """An item's comparable value as DeepDiff compares it: a checkbox set's options as sets by
    state, so that its report says which options were ticked or unticked."""
    if isinstance(value, tuple):  # an item with other readings: (value, copies)
        return (_engine_value(value[0]), tuple(_engine_value(copy) for copy in value[1]))
    if not isinstance(value, dict):
        return value
    by_state: dict[str, Any] = {"checked": set(), "unchecked": set(), "unknown": set()}
    for option, state in value.items():
        if option == DETAILS_KEY:
            by_state[DETAILS_KEY] = dict(state)
        else:
            by_state[{True: "checked", False: "unchecked", None: "unknown"}[state]].add(option)
    return by_state


@dataclass(frozen=True)
class _Report:
    """What DeepDiff said, in our terms: items changed, added and removed, options ticked/unticked."""

    changed: set[Path]
    added: set[Path]
    removed: set[Path]
    ticked: dict[Path, set[str]]
    unticked: dict[Path, set[str]]


def _compare(before: dict[Path, Any], after: dict[Path, Any]) -> _Report:
    """DeepDiff over the paired, normalised values of two versions (the design's field-level engine;
    the only place that uses it, through compare.engine). Its report becomes our own at once."""
    report = _Report(set(), set(), set(), {}, {})
    # Items equal as values need no report: DeepDiff is given the rest (most of a revision is
    # untouched; its per-item walk would cost 20 times the dictionary comparison).
    missing = object()
    differing = [p for p in before.keys() | after.keys() if before.get(p, missing) != after.get(p, missing)]
    if not differing:
        return report  # nothing to compare: DeepDiff not even imported
    found = deepdiff_class()(
        {_JOIN.join(p): _engine_value(before[p]) for p in differing if p in before},
        {_JOIN.join(p): _engine_value(after[p]) for p in differing if p in after},
        view="tree",
        threshold_to_diff_deeper=0,
        verbose_level=0,
    )
    moved: dict[tuple[Path, str, str], set[str]] = {}  # (item, added/removed, state) → options
    for kind, levels in found.items():
        for level in levels:
            keys = level.path(output_format="list")
            path = tuple(str(keys[0]).split(_JOIN))
            if len(keys) == 1 and kind == "dictionary_item_added":
                report.added.add(path)
            elif len(keys) == 1 and kind == "dictionary_item_removed":
                report.removed.add(path)
            else:
                report.changed.add(path)
                if kind in ("set_item_added", "set_item_removed"):
                    option = level.t2 if kind == "set_item_added" else level.t1
                    moved.setdefault((path, kind, str(keys[1])), set()).add(str(option))
    for path in report.changed:
        # ticked: into 「checked」 out of 「unchecked」; a state the extract lost is no tick either way
        into, out_of = (
            moved.get((path, "set_item_added", "checked"), set()),
            moved.get((path, "set_item_removed", "unchecked"), set()),
        )
        if into & out_of:
            report.ticked[path] = into & out_of
        into, out_of = (
            moved.get((path, "set_item_added", "unchecked"), set()),
            moved.get((path, "set_item_removed", "checked"), set()),
        )
        if into & out_of:
            report.unticked[path] = into & out_of
    return report


def differences(old: Snapshot, new: Snapshot, catalogue: Catalogue) -> Differences:
    """Pair entities by content (pairing.align), then compare item by item with DeepDiff.

    Snapshots are flat {item path: value}: once entities are paired, two versions differ exactly
    where their keyed values differ, and an entity (or file) only one version has is one change."""
    before_keys, own_keys = _keys(old.fields), _keys(new.fields)
    aligned = align(old, new, catalogue, _texts(before_keys), _texts(own_keys))
    new_fields = aligned.fields
    after_keys = {path: own_keys[own] for path, own in aligned.own.items() if own in own_keys}
    report = _compare(before_keys, after_keys)
    leaves = set(report.changed)
    entities: dict[Path, ChangeKind] = {}
    for only, other, kind in (
        (report.added, _prefixes(before_keys), ChangeKind.ADDED),
        (report.removed, _prefixes(after_keys), ChangeKind.REMOVED),
    ):
        for path in only:
            unit = _unit(path, other)
            if unit == path and not (len(path) == 2 and _FILE_KEY.match(path[1].rstrip("+"))):
                leaves.add(path)  # (a part that is one text per file, 別添1, goes with its file)
            else:
                entities[unit] = kind

    changes: list[Change] = []
    unfound: list[Path] = []
    for path in leaves:
        before, after = old.fields.get(path), new_fields.get(path)
        if not_found_on_one_side(before, after):
            unfound.append(aligned.to_new(path) if after is not None else path)
            continue
        changes.append(
            Change(
                path=aligned.to_new(path) if after is not None else path,
                kind=ChangeKind.MODIFIED,
                before=_shown(before),
                after=_shown(after),
                certainty=_certainty(before, after),
                detail=_checkbox_detail(
                    before.value if before else None,
                    after.value if after else None,
                    report.ticked.get(path, set()),
                    report.unticked.get(path, set()),
                ),
                before_value=before.value if before else None,
                after_value=after.value if after else None,
                before_copies=before.copies if before else (),
                after_copies=after.copies if after else (),
                ticked=tuple(sorted(report.ticked.get(path, ()))),
                unticked=tuple(sorted(report.unticked.get(path, ()))),
            )
        )
    for path, kind in entities.items():
        node = catalogue.node_at(aligned.to_new(path))
        fields = new_fields if kind is ChangeKind.ADDED else old.fields
        if _unplaced_there(fields, path, new if kind is ChangeKind.REMOVED else old):
            unfound.append(aligned.to_new(path) if kind is ChangeKind.ADDED else path)
            continue  # its items stand in the other version's text, outside any heading: a lost header
        text = _entity_text(fields, path)
        sure = all(f.certainty is Certainty.OK for p, f in fields.items() if p[: len(path)] == path)
        # an entity the other version lacks is surely gone (or new) only if that version was read whole:
        # with text it could not place, the entity may stand there unread (issue 21 §4)
        lacking = new if kind is ChangeKind.REMOVED else old
        sure = sure and not lacking.meta.unplaced
        changes.append(
            Change(
                path=aligned.to_new(path) if kind is ChangeKind.ADDED else path,
                kind=kind,
                before="" if kind is ChangeKind.ADDED else text,
                after=text if kind is ChangeKind.ADDED else "",
                certainty=Certainty.OK if sure else Certainty.UNCERTAIN,
                entity=node is not None and node.kind is Kind.ENTITY,
                name=_entity_name(
                    fields,
                    path,
                    old.files if kind is ChangeKind.REMOVED else new.files,
                    path if kind is ChangeKind.REMOVED else aligned.to_new(path),
                ),
            )
        )
    changes.sort(key=lambda c: (catalogue.order_key(c.path), c.kind is ChangeKind.ADDED))
    unfound.sort(key=catalogue.order_key)
    return Differences(changes=changes, renumbered=aligned.renumbered, not_found=unfound, alignment=aligned)
