"""The example snapshots under snapshots/ stay what `import` makes of their sources today."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pia_diff.ingest import read_document

from .conftest import ROOT, SEEDS

SNAPSHOTS = sorted((ROOT / "snapshots").glob("*/*.json"))


def _source(snapshot: Path) -> Path:
    name = json.loads(snapshot.read_text(encoding="utf-8"))["meta"]["source"]
    for folder in (SEEDS, ROOT / "samples" / "asahikawa"):
        if (folder / name).exists():
            return folder / name
    raise AssertionError(f"source {name} of {snapshot} not found")


def test_there_are_example_snapshots_of_the_four_samples() -> None:
    sources = {json.loads(p.read_text(encoding="utf-8"))["meta"]["source"] for p in SNAPSHOTS}
    assert {s.name for s in SEEDS.glob("*.txt")} <= sources


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=[f"{p.parent.name}/{p.name}" for p in SNAPSHOTS])
def test_snapshot_matches_a_fresh_import(snapshot: Path) -> None:
    assert read_document(_source(snapshot)).to_json() == snapshot.read_text(encoding="utf-8")


def test_a_snapshot_diffs_like_its_document() -> None:
    import datetime as dt

    from pia_diff.pipeline import compare_files

    day = dt.date(2023, 11, 6)
    old_json = ROOT / "snapshots" / "asahikawa_kokumin-nenkin" / "2021-03-31.json"
    from_json = compare_files(old_json, ROOT / "samples" / "asahikawa" / "new.txt", day).rows
    from_text = compare_files(
        ROOT / "samples" / "asahikawa" / "old.txt", ROOT / "samples" / "asahikawa" / "new.txt", day
    ).rows
    assert from_json == from_text and len(from_json) == 13
