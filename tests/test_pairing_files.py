"""Files of a multi-file document are paired as entities are (issue 17 §8, §10): by name and by what
they hold. A file replaced by an unrelated one under a similar name (both 「…情報ファイル」) is a removal and
an addition; the same file renamed is one row. Seed 002 (藤沢市 収納情報ファイル / 滞納情報ファイル)."""

from __future__ import annotations

import dataclasses

from pia_diff.compare.diff import ChangeKind, differences
from pia_diff.snapshot import Snapshot

from .helpers import CAT, sample

NAME = ("1 特定個人情報ファイル名",)


def _second_file(old: Snapshot, name: str, texts: bool) -> Snapshot:
    """002 with its second file renamed, and (texts) every text it holds written anew."""
    fields = {}
    for number, (path, item) in enumerate(old.fields.items()):
        if len(path) > 1 and path[1] == "(2)" and isinstance(item.value, str) and item.value:
            if texts:
                item = dataclasses.replace(item, value=f"口座振替依頼の受付と登録に使う記載 {number}")
            elif path[-1:] == ("1 特定個人情報ファイル名",) and path[0].startswith("Ⅱ"):
                item = dataclasses.replace(item, value=f"(2) {name}")
        fields[path] = item
    meta = dataclasses.replace(old.meta, files={"(1)": old.files["(1)"], "(2)": name})
    return dataclasses.replace(old, meta=meta, fields=fields)


def test_a_file_replaced_by_an_unrelated_one_is_a_removal_and_an_addition() -> None:
    old = sample("002")
    assert old.files == {"(1)": "収納情報ファイル", "(2)": "滞納情報ファイル"}
    new = _second_file(old, "口座振替依頼情報ファイル", texts=True)
    found = differences(old, new, CAT).changes
    assert [(c.kind, c.path[0][:2], c.name) for c in found] == [
        (ChangeKind.REMOVED, "Ⅱ ", "滞納情報ファイル"),
        (ChangeKind.ADDED, "Ⅱ ", "口座振替依頼情報ファイル"),
        (ChangeKind.REMOVED, "(別", "滞納情報ファイル"),
        (ChangeKind.ADDED, "(別", "口座振替依頼情報ファイル"),
        (ChangeKind.REMOVED, "Ⅲ ", "滞納情報ファイル"),
        (ChangeKind.ADDED, "Ⅲ ", "口座振替依頼情報ファイル"),
    ]


def test_the_same_file_renamed_is_its_name_changed() -> None:
    old = sample("002")
    new = _second_file(old, "滞納整理情報ファイル", texts=False)
    found = differences(old, new, CAT).changes
    assert [(c.kind, c.path[1], c.path[-1]) for c in found] == [
        (ChangeKind.MODIFIED, "(2)", "1 特定個人情報ファイル名")
    ]
