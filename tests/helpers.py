"""Building test inputs: the real samples with one item edited."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import cache

from pia_diff.catalogue import Kind, Node, load_catalogue
from pia_diff.ingest import read_document
from pia_diff.model import Certainty, CheckboxSet, Value
from pia_diff.snapshot import Field, Path, Snapshot

from .conftest import seed

CAT = load_catalogue()
DAY = dt.date(2026, 1, 15)


@cache
def _sample(prefix: str) -> Snapshot:
    return read_document(seed(prefix))


def sample(prefix: str = "001") -> Snapshot:
    """A fresh copy of a sample's snapshot (tests may change it)."""
    snap = _sample(prefix)
    return Snapshot(meta=snap.meta, fields=dict(snap.fields), history=list(snap.history))


def other_value(node: Node, value: Value) -> Value:
    """A different value of the same kind: another option, one box flipped, or more text."""
    if node.kind is Kind.CHOICE:
        return next(o for o in node.options if o != value)
    if node.kind is Kind.CHECKBOX:
        assert isinstance(value, CheckboxSet)
        first = node.options[0]
        return value.with_state(first, not value.state(first))
    return f"{value or ''}(改訂)"


def edited(snapshot: Snapshot, path: Path, value: Value) -> Snapshot:
    fields = dict(snapshot.fields)
    fields[path] = dataclasses.replace(fields[path], value=value, certainty=Certainty.OK)
    return Snapshot(meta=snapshot.meta, fields=fields, history=list(snapshot.history))


def ok_fields(prefix: str = "001") -> list[Field]:
    """The items of a sample read with certainty 'ok', cover aside."""
    return [f for f in _sample(prefix).fields.values() if f.certainty is Certainty.OK and f.path[0] != "表紙"]
