"""The form catalogue against RULES.md §2: every ※ item present and flagged, registries sound."""

from __future__ import annotations

import re

import pytest

from pia_diff.catalogue import CatalogueError, Kind, load_catalogue, parse_catalogue
from pia_diff.text import label_key

from .conftest import RULES

CAT = load_catalogue()


def _section2() -> str:
    text = RULES.read_text(encoding="utf-8")
    start = text.index("## 2.")
    return text[start : text.index("## 3.")]


def _starred_labels() -> list[str]:
    """Labels that RULES.md §2 marks with ※ (the tree lines and the legend aside)."""
    tree = _section2().split("```")[1]
    labels = []
    for match in re.finditer(r"([^\s,:(（]+?)\s*※", tree):
        label = match.group(1)
        if label not in {"リスク対策", "NOT"}:  # III as a whole is tested below; "NOT ※" is the 7.② note
            labels.append(label)
    return labels


def test_rules_md_lists_starred_items() -> None:
    labels = _starred_labels()
    # RULES.md §2 marks these (plus III as a whole); if the file changes, this test shows it.
    assert len(labels) >= 10, labels


@pytest.mark.parametrize("label", _starred_labels())
def test_every_starred_item_of_rules_md_is_starred_in_the_catalogue(label: str) -> None:
    key = label_key(re.sub(r"^\d+\.", "", label))
    nodes = [n for n in CAT.nodes() if any(k.endswith(key) for k in n.keys)]
    assert nodes, f"{label} is not in the catalogue"
    assert all(n.star for n in nodes), f"{label} is not ※ in the catalogue"
    assert all(leaf.star for n in nodes for leaf in n.leaves()), f"a leaf under {label} lost its ※"


def test_part_iii_is_starred_except_7_2_and_its_details() -> None:
    iii = CAT.part_named("Ⅲ リスク対策")
    not_starred = sorted(leaf.label for leaf in iii.leaves() if not leaf.star)
    assert not_starred == sorted(
        ["②過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか", "その内容", "再発防止策の内容"]
    )
    assert sum(leaf.star for leaf in iii.leaves()) >= 30


def test_non_starred_items_stay_plain() -> None:
    plain = {"①事務の名称", "②所属長の役職名", "②対象となる本人の数", "①請求先", "①実施日"}
    for node in CAT.nodes():
        if node.label in plain:
            assert not node.star, node.label


def test_choice_and_checkbox_items_carry_their_options() -> None:
    for node in CAT.nodes():
        if node.kind in (Kind.CHOICE, Kind.CHECKBOX):
            assert node.options, node.label
    grid = next(n for n in CAT.nodes() if n.label == "主な記録項目")
    assert len(grid.options) == 19  # RULES.md §2: 3 + 3 + 13 boxes


def test_older_names_are_aliases() -> None:
    part_i = CAT.part_named("Ⅰ 基本情報")
    assert label_key("I 関連情報") in part_i.keys
    chief = next(n for n in CAT.nodes() if n.label == "②所属長の役職名")
    assert label_key("②所属長") in chief.keys


def test_paths_resolve_back_to_their_nodes() -> None:
    for node in CAT.nodes():
        chain = [*reversed(node.ancestors()), node]
        path = [n.segment + ("1" if n.kind is Kind.ENTITY else "") for n in chain]
        assert CAT.node_at(path) is node, path


def test_a_broken_catalogue_is_refused_with_its_place() -> None:
    with pytest.raises(CatalogueError, match="needs options"):
        parse_catalogue(
            "form: x\nedition: y\nname: z\nparts:\n  - label: P\n    children:\n      - {label: Q, kind: choice}\n"
        )
    with pytest.raises(CatalogueError, match="unknown field"):
        parse_catalogue("form: x\nedition: y\nname: z\nparts:\n  - label: P\n    colour: red\n")


def _choices_in_rules_md() -> dict[str, list[str]]:
    """「③対象人数 (choice: 1,000人未満 / 1,000人以上1万人未満 / …)」 lines of RULES.md §2's tree."""
    tree = _section2().split("```")[1]
    out = {}
    for match in re.finditer(r"([①-⑳][^\s(（]+|使用者数) \((?:choice: )?([^()]*?(?:\([^()]*\)[^()]*?)*)\)", tree):
        options = [o.strip() for o in match.group(2).split(" / ")]
        if len(options) > 1 and match.group(1) not in out:
            out[match.group(1)] = options
    return out


def test_choice_options_are_the_printed_options_of_rules_md() -> None:
    """A number with a thousands comma (「1,000人未満」) is one option, not two (a YAML flow list
    splits at the comma unless the option is quoted)."""
    choices = _choices_in_rules_md()
    assert {"③対象人数", "②対象となる本人の数", "使用者数"} <= set(choices), choices
    by_label = {n.label: n for n in CAT.nodes() if n.kind is Kind.CHOICE}
    for label in ("③対象人数", "②対象となる本人の数", "使用者数", "④記録される項目"):
        assert list(by_label[label].options) == choices[label], label
    for node in CAT.nodes():
        assert not any(re.fullmatch(r"[\d,]*|0\d.*", option) for option in node.options), node.label


def test_node_at_resolves_entity_numbers_and_file_keys_and_sees_a_catalogue_grow() -> None:
    """node_at remembers its answers per list of siblings: asked again, after a document catalogue
    (compare/docform) gave a heading one more child, it finds the new child, and it still says None
    for a segment no node names."""
    from pia_diff.catalogue import Node

    cat = load_catalogue()
    system = (
        "Ⅰ 基本情報",
        "2 特定個人情報ファイルを取り扱う事務において使用するシステム",
        "システム12",
        "①システムの名称",
    )
    assert cat.node_at(system) is not None and cat.node_at(system).label == "①システムの名称"
    filed = ("Ⅱ 特定個人情報ファイルの概要", "(2)", "1 特定個人情報ファイル名")
    assert cat.node_at(filed) is not None and cat.node_at(filed).label == "1. 特定個人情報ファイル名"
    part = cat.parts[1]
    new = ("Ⅰ 基本情報", "新しい見出し")
    assert cat.node_at(new) is None
    part.children.append(Node(label="新しい見出し", kind=Kind.TEXT, star=False, parent=part))
    try:
        assert part.label == "Ⅰ 基本情報"
        assert cat.node_at(new) is part.children[-1]
    finally:
        part.children.pop()
    assert cat.node_at(new) is None
