"""Exemption suggestions (RULES.md §4): what a person would spot, shown with evidence, never applied.

Expectations are written by hand from RULES.md §4's table: 組織名・所在地 (部署名 changes after a
reorganisation), 法令の条項番号 (「別表第1の31項」→「別表46項」), リスクの軽減 (再委託する → 再委託しない;
a 委託 taken away)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest
import yaml

from pia_diff.compare.diff import Change, ChangeKind
from pia_diff.compare.rules import RuleError, RuleTable, load_rules, parse_rules
from pia_diff.compare.suggest import suggestions
from pia_diff.values import Certainty

from .helpers import CAT

TABLE = load_rules()
PURPOSE = ("Ⅱ 特定個人情報ファイルの概要", "3 特定個人情報の入手・使用", "③使用目的")  # ※
BASIS = ("Ⅰ 基本情報", "4 個人番号の利用", "法令上の根拠")  # ※
STORAGE = ("Ⅱ 特定個人情報ファイルの概要", "6 特定個人情報の保管・消去", "保管場所")  # ※
ENTRUST = ("Ⅱ 特定個人情報ファイルの概要", "4 特定個人情報ファイルの取扱いの委託", "委託事項1")
SUBCONTRACT = (*ENTRUST, "④再委託の有無")  # ※
ORG = "形式的な変更（組織名・所在地）"
CITATION = "形式的な変更（法令の条項番号）"
RISK = "リスクを明らかに軽減させる変更"


def _text(path: tuple[str, ...], before: str, after: str, table: RuleTable = TABLE) -> list[str]:
    change = Change(path, ChangeKind.MODIFIED, before, after, Certainty.OK, before_value=before, after_value=after)
    return suggestions(change, CAT.node_at(path), table)


def _categories(found: list[str]) -> list[str]:
    return [s.split(":")[0] for s in found]


@pytest.mark.parametrize(
    ("before", "after", "shown"),
    [
        # the changed characters are part of a longer word ending in 課長
        ("保険年金課長", "国保年金課長", "「保険年金課長」→「国保年金課長」"),
        (
            "市民部保険年金課長の指示のもと、国民年金に関する事務を行うため",
            "市民部国保年金課長の指示のもと、国民年金に関する事務を行うため",
            "「市民部保険年金課長」→「市民部国保年金課長」",
        ),
        (
            "市民課で管理する被保険者の情報を使用するため",
            "市民生活課で管理する被保険者の情報を使用するため",
            "「市民課」→「市民生活課」",
        ),
    ],
)
def test_organisation_names_inside_words(before: str, after: str, shown: str) -> None:
    found = _text(PURPOSE, before, after)
    assert _categories(found) == [ORG]
    assert shown in found[0]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # a substantive change of the sentence: no 組織名 suggestion
        ("国民年金に係る各種相談への対応を行うため", "国民年金に係る申請の審査及び給付を行うため"),
        # 一部 → 全部 ends in 部 but names no organisation
        ("事務の一部を委託するため", "事務の全部を委託するため"),
        # custody moved to another office, not a renaming (nothing of 国民年金 kept)
        ("国民年金課の施錠できる書庫に保管する。", "市民課 の施錠できる書庫に保管する。"),
        # a name changed together with what is done
        ("保険年金課長が承認する", "国保年金課長が廃棄する"),
    ],
)
def test_no_organisation_suggestion_for_substantive_changes(before: str, after: str) -> None:
    assert ORG not in _categories(_text(STORAGE, before, after))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "番号法第19条第8号に基づき、地方税法に基づく事務のため、他の地方公共団体へ特定個人情報を提供する。",
            "番号法第19条第9号に基づき、地方税法に基づく事務のため、他の地方公共団体へ特定個人情報を提供する。",
        ),
        ("番号法第9条第1項 別表第1の31項", "番号法第9条第1項 別表46項"),  # RULES.md §4's example
    ],
)
def test_statute_renumbering_anywhere_in_a_sentence(before: str, after: str) -> None:
    assert CITATION in _categories(_text(BASIS, before, after))


def test_a_citation_changed_with_other_words_is_not_renumbering() -> None:
    before = "番号法第19条第8号に基づき、他の地方公共団体へ特定個人情報を提供する。"
    after = "番号法第19条第9号に基づき、他の地方公共団体から特定個人情報を入手する。"
    assert CITATION not in _categories(_text(BASIS, before, after))


def test_subcontracting_given_up_is_risk_reduction_and_the_reverse_is_not() -> None:
    assert _categories(_text(SUBCONTRACT, "再委託する", "再委託しない")) == [RISK]
    assert _text(SUBCONTRACT, "再委託しない", "再委託する") == []


def test_removing_a_whole_entrustment_is_risk_reduction() -> None:
    """委託事項 holds ※ ④再委託の有無: its removal is ※ (as classify judges it) and takes a flow away."""
    before = "オペレーション業務委託 ①委託内容 帳票の出力 ④再委託の有無 再委託する"
    change = Change(ENTRUST, ChangeKind.REMOVED, before, "", Certainty.OK, entity=True)
    found = suggestions(change, CAT.node_at(ENTRUST), TABLE)
    assert found == [f"{RISK}: 委託事項の削除（再委託を含む）"]
    added = Change(ENTRUST, ChangeKind.ADDED, "", before, Certainty.OK, entity=True)
    assert suggestions(added, CAT.node_at(ENTRUST), TABLE) == []


def _renamed_table() -> dict[str, Any]:
    """A parsed copy of the rules file with the organisation category renamed everywhere."""
    text = (resources.files("pia_diff.data") / "rules_form3.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text.replace(ORG, "形式的な変更（組織の名称）"))
    return data


def test_category_names_come_from_the_rules_file() -> None:
    table = parse_rules(yaml.safe_dump(_renamed_table(), allow_unicode=True))
    assert _categories(_text(PURPOSE, "保険年金課長", "国保年金課長", table)) == ["形式的な変更（組織の名称）"]


def test_a_suggestion_category_must_be_an_exemption() -> None:
    data = _renamed_table()
    data["suggestion_categories"]["organisation"] = "独自の例外"
    with pytest.raises(RuleError, match="独自の例外"):
        parse_rules(yaml.safe_dump(data, allow_unicode=True))


def test_suggestions_only_for_starred_items() -> None:
    path = ("Ⅱ 特定個人情報ファイルの概要", "3 特定個人情報の入手・使用", "④使用の主体", "使用部署")  # not ※
    assert _text(path, "保険年金課", "国保年金課") == []


@pytest.mark.parametrize(
    ("before", "after", "shown"),
    [
        # RULES.md §4 誤字脱字: one character left out, one too many, one wrong
        ("国民年金に関する事務を行うため", "国民年金に関する事務を行うため。", "1文字だけの修正 (「。」を追加)"),
        ("国民年金に関するる事務を行うため", "国民年金に関する事務を行うため", "1文字だけの修正 (「る」を削除)"),
        ("国民年金に閑する事務を行うため", "国民年金に関する事務を行うため", "1文字だけの修正 (「閑」→「関」)"),
    ],
)
def test_a_typo_fix_is_shown_as_the_edit_a_person_made(before: str, after: str, shown: str) -> None:
    typo = [s for s in _text(PURPOSE, before, after) if s.startswith("誤字脱字")]
    assert typo == [f"誤字脱字の修正: {shown}"]
