"""One change between two versions (an item, or an entity added or removed), what it is compared
by, and its fingerprint: the one definition of "the same change" that decisions are pinned to."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pia_diff.forms import vocabulary
from pia_diff.model import DETAILS_KEY, Certainty, CheckboxSet, Field, Path, Value
from pia_diff.text import compare_key


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
    # An added or removed entity's name (its first item: 名称, ①システムの名称), or a file's name
    name: str = ""
    # a checkbox set's options ticked and unticked (DeepDiff's set report)
    ticked: tuple[str, ...] = ()
    unticked: tuple[str, ...] = ()
    # what each version says of the item elsewhere, where it differs (Field.copies)
    before_copies: tuple[Value, ...] = ()
    after_copies: tuple[Value, ...] = ()


def comparable(item: Field) -> Any:
    """What two versions of an item are compared by: width, spaces and wrapping do not count; an item
    the document prints twice is compared with its other readings too."""
    if item.copies:
        main = comparable(dataclasses.replace(item, copies=()))
        return (main, tuple(comparable(Field((), copy, None, Certainty.OK)) for copy in item.copies))
    value = item.value
    if item.certainty is Certainty.MISSING:
        return ""  # not found reads like blank: an empty cell in an edited workbook is no change
    if isinstance(value, str):
        key = compare_key(value)
        return "" if vocabulary().is_empty(key) else key  # 「—」「－」「空欄」: one empty value
    if isinstance(value, CheckboxSet):
        out: dict[str, Any] = dict(value.states)
        if value.details:
            out[DETAILS_KEY] = {k: compare_key(v) for k, v in value.details}
        return out
    return value


def _side(value: Value, text: str, copies: tuple[Value, ...] = ()) -> str:
    """One side of a change as the diff compares it (width, spaces and wrapping do not count)."""
    if value is None:
        value = text  # added/removed entities carry text only
    normal = comparable(Field(path=(), value=value, line=None, certainty=Certainty.OK, copies=copies))
    return json.dumps(normal if normal is not None else "", ensure_ascii=False, sort_keys=True)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def fingerprint(change: Change) -> str:
    """`before-after`: the first 8 hex digits of sha256 over each normalised side. The one definition
    of "the same change"; two halves so that a stale decision can say which side moved."""
    before = _side(change.before_value, change.before, change.before_copies)
    after = _side(change.after_value, change.after, change.after_copies)
    return f"{_digest(before)}-{_digest(after)}"


def what_changed(pinned: str, current: str) -> str:
    """Which side of the change moved since the decision was written (both fingerprints are well formed)."""
    before, after = pinned.split("-")[0] != current.split("-")[0], pinned.split("-")[1] != current.split("-")[1]
    if before and after:
        return "変更前と変更後の記載が、判断したときから変わっています"
    if before:
        return "変更前の記載が、判断したときから変わっています"
    return "変更後の記載が、判断したときから変わっています"
