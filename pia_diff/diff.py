"""Field-by-field differences between two snapshots (the only module that knows deepdiff)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .catalogue import Catalogue, Kind
from .pairing import Renumbering, align
from .snapshot import Field, Path, Snapshot
from .text import compare_key
from .values import Certainty, Value, render

# Cover fields that change with every publication and are never a 変更箇所 (RULES.md §3).
NOT_CHANGES = frozenset({"公表日", "様式版"})


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"


@dataclass(frozen=True)
class Change:
    """One changed item (or one added/removed entity such as システム3)."""

    path: Path
    kind: ChangeKind
    before: str
    after: str
    certainty: Certainty
    entity: bool = False
    detail: str = ""
    before_value: Value = None
    after_value: Value = None


def comparable(item: Field) -> Any:
    """What two versions of an item are compared by: width, spaces and wrapping do not count."""
    value = item.value
    if item.certainty is Certainty.MISSING:
        return ""  # not found reads like blank: an empty cell in an edited workbook is no change
    if isinstance(value, str):
        return compare_key(value)
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, state in value.items():
            if key == "詳細" and isinstance(state, dict):
                out[key] = {k: compare_key(str(v)) for k, v in state.items()}
            else:
                out[key] = state
        return out
    return value


def comparable_text(item: Field) -> str:
    """comparable() as one string (for similarity scores)."""
    key = comparable(item)
    if isinstance(key, dict):
        return " ".join(f"{k}:{v}" for k, v in key.items())
    return "" if key is None else str(key)


def _tree(fields: dict[Path, Field]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for path, item in fields.items():
        if path[-1] in NOT_CHANGES and len(path) == 2:
            continue
        node = root
        for segment in path[:-1]:
            node = node.setdefault(segment, {})
        node[path[-1]] = comparable(item)
    return root


def _checkbox_detail(before: Value, after: Value) -> str:
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ""
    words = []
    for option, state in after.items():
        if option == "詳細":
            continue
        old = before.get(option)
        if old is not state:
            mark = {True: "[○]", False: "[ ]", None: "[?]"}
            words.append(f"{option}: {mark[old]}→{mark[state]}")  # type: ignore[index]
    if before.get("詳細") != after.get("詳細"):
        words.append("その他の記載の変更")
    return "、".join(words)


def _entity_text(fields: dict[Path, Field], prefix: Path) -> str:
    lines = []
    for path, item in fields.items():
        if path[: len(prefix)] == prefix and item.value not in (None, ""):
            label = " ".join(path[len(prefix) :])
            lines.append(f"{label}: {render(item.value)}")
    return "\n".join(lines)


def _certainty(*items: Field | None) -> Certainty:
    if any(item is None or item.certainty is not Certainty.OK for item in items):
        return Certainty.UNCERTAIN
    return Certainty.OK


@dataclass(frozen=True)
class Differences:
    """The changes between two versions, and the entities that only changed their number."""

    changes: list[Change]
    renumbered: tuple[Renumbering, ...]


def diff(old: Snapshot, new: Snapshot, catalogue: Catalogue) -> list[Change]:
    """Every difference between two versions, in the form's order."""
    return differences(old, new, catalogue).changes


def differences(old: Snapshot, new: Snapshot, catalogue: Catalogue) -> Differences:
    """Pair entities by content (pairing.align), then diff item by item with deepdiff."""
    from deepdiff import DeepDiff

    aligned = align(old, new, catalogue)
    new_fields = aligned.fields
    result = DeepDiff(_tree(old.fields), _tree(new_fields), threshold_to_diff_deeper=0, view="tree")
    leaves: set[Path] = set()
    entities: dict[Path, ChangeKind] = {}
    for report, levels in result.items():
        for level in levels:
            parts = tuple(str(p) for p in level.path(output_format="list"))
            leaf = next(
                (parts[:n] for n in range(len(parts), 0, -1) if parts[:n] in old.fields or parts[:n] in new_fields),
                None,
            )
            if leaf is not None:
                leaves.add(leaf)
            elif report == "dictionary_item_added":
                entities[parts] = ChangeKind.ADDED
            elif report == "dictionary_item_removed":
                entities[parts] = ChangeKind.REMOVED

    changes: list[Change] = []
    for path in leaves:
        before, after = old.fields.get(path), new_fields.get(path)
        changes.append(
            Change(
                path=aligned.to_new(path) if after is not None else path,
                kind=ChangeKind.MODIFIED,
                before=render(before.value) if before else "",
                after=render(after.value) if after else "",
                certainty=_certainty(before, after),
                detail=_checkbox_detail(before.value if before else None, after.value if after else None),
                before_value=before.value if before else None,
                after_value=after.value if after else None,
            )
        )
    for path, kind in entities.items():
        node = catalogue.node_at(aligned.to_new(path))
        fields = new_fields if kind is ChangeKind.ADDED else old.fields
        text = _entity_text(fields, path)
        sure = all(f.certainty is Certainty.OK for p, f in fields.items() if p[: len(path)] == path)
        changes.append(
            Change(
                path=aligned.to_new(path) if kind is ChangeKind.ADDED else path,
                kind=kind,
                before="" if kind is ChangeKind.ADDED else text,
                after=text if kind is ChangeKind.ADDED else "",
                certainty=Certainty.OK if sure else Certainty.UNCERTAIN,
                entity=node is not None and node.kind is Kind.ENTITY,
            )
        )
    changes.sort(key=lambda c: (catalogue.order_key(c.path), c.kind is ChangeKind.ADDED))
    return Differences(changes=changes, renumbered=aligned.renumbered)
