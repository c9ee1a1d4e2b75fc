"""The 重要な変更 rules (RULES.md §3–§5), one by one, on the real sample 001 with single edits."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest

from pia_diff.compare.classify import Options, classify
from pia_diff.compare.decisions import fingerprint, parse_decisions
from pia_diff.compare.diff import diff
from pia_diff.compare.rules import Facts, RuleError, Timing, load_rules, parse_rules
from pia_diff.model import CheckboxSet
from pia_diff.snapshot import Snapshot, item_label
from pia_diff.values import Certainty

from .helpers import CAT, DAY, edited, ok_fields, other_value, sample

TABLE = load_rules()


def run(old, new, decisions_yaml: str = "", day: dt.date = DAY):
    decisions = parse_decisions(decisions_yaml, "判断.yaml", TABLE.exemptions) if decisions_yaml else None
    options = Options(day, decisions) if decisions else Options(day)
    return classify(diff(old, new, CAT), CAT, TABLE, options)


FIELDS = ok_fields("001")


@pytest.mark.parametrize("path", [f.path for f in FIELDS], ids=[" ".join(f.path)[-50:] for f in FIELDS])
def test_one_edit_gives_one_row_with_the_rule_of_its_item(path) -> None:
    """RULES.md §3: ※ → 事前 (STAR); III 7.② and its details → 事後 (III-7-2); others → 事後 (OTHER)."""
    old = sample()
    node = CAT.node_at(path)
    assert node is not None
    new = edited(old, path, other_value(node, old.fields[path].value))
    rows = run(old, new)
    assert len(rows) == 1
    row = rows[0]
    assert row.item_path == path
    if node.star:
        assert (row.提出時期, row.根拠, row.重要) == (Timing.BEFORE, "STAR", True)
    elif path[0] == "Ⅲ リスク対策":
        assert (row.提出時期, row.根拠) == (Timing.AFTER, "III-7-2")
        assert path[1] == "7 特定個人情報の保管・消去"
    else:
        assert (row.提出時期, row.根拠, row.重要) == (Timing.AFTER, "OTHER", False)
    assert row.提出時期に係る説明
    assert row.変更日 == "令和8年1月15日"


def test_every_starred_item_of_001_was_edited_above() -> None:
    starred = {f.path for f in FIELDS if (n := CAT.node_at(f.path)) is not None and n.star}
    assert len(starred) >= 40


def test_width_and_whitespace_only_edits_are_not_changes() -> None:
    old = sample()
    path = ("Ⅰ 基本情報", "6 評価実施機関における担当部署", "①部署")
    assert old.fields[path].value == "川口市 市民生活部 国民年金課"
    new = edited(old, path, "川口市　市民生活部\n国民年金課")  # full-width space, a line break
    assert run(old, new) == []
    digits = ("Ⅴ 評価実施手続", "1 基礎項目評価", "①実施日")
    assert run(old, edited(old, digits, "令和７年９月５日")) == []  # full-width digits


def test_publication_date_and_change_table_are_not_changes() -> None:
    old = sample()
    new = edited(old, ("表紙", "公表日"), "令和8年3月1日")
    new.history = new.history[:3]
    assert run(old, new) == []


def _renumbered(snapshot: Snapshot, moves: dict[str, str | None]) -> Snapshot:
    """The snapshot with its systems renumbered as a publisher would (None: the system is deleted)."""
    out = sample()
    out.fields = {}
    for path, item in snapshot.fields.items():
        if path[2:3] and path[2] in moves:
            target = moves[path[2]]
            if target is None:
                continue
            path = (*path[:2], target, *path[3:])
            item = dataclasses.replace(item, path=path)
        out.fields[path] = item
    return out


def test_a_pure_renumbering_is_no_change() -> None:
    """Issue 9: pairing by content; システム7 now printed as システム8 is the same system."""
    old = sample()
    assert run(old, _renumbered(old, {"システム7": "システム8"})) == []


def test_deleting_a_system_and_renumbering_the_rest_is_one_row() -> None:
    """001 has システム1–7; deleting システム3 renumbers 4–7 to 3–6: one (削除) row, nothing else."""
    old = sample()
    new = _renumbered(
        old,
        {
            "システム3": None,
            "システム4": "システム3",
            "システム5": "システム4",
            "システム6": "システム5",
            "システム7": "システム6",
        },
    )
    rows = run(old, new)
    assert [(r.item_path[-1], r.変更後の記載) for r in rows] == [("システム3", "(削除)")]
    assert "共通基盤システム" in rows[0].変更前の記載  # the deleted one is named by its content
    assert rows[0].提出時期 is Timing.AFTER  # システム has no ※ item (RULES.md §2)


def test_inserting_a_system_in_the_middle_is_one_row() -> None:
    old = sample()
    moved = _renumbered(old, {f"システム{n}": f"システム{n + 1}" for n in range(2, 8)})
    added = {
        (*p[:2], "システム2", *p[3:]): dataclasses.replace(f, path=(*p[:2], "システム2", *p[3:]))
        for p, f in old.fields.items()
        if p[2:3] == ("システム1",)
    }
    name = ("Ⅰ 基本情報", old_system_section(old), "システム2", "①システムの名称")
    added[name] = dataclasses.replace(added[name], value="電子申請受付システム")
    function = (*name[:-1], "②システムの機能")
    added[function] = dataclasses.replace(added[function], value="マイナポータルからの電子申請を受け付ける。")
    moved.fields.update(added)
    rows = run(old, moved)
    assert [(r.item_path[-1], r.変更後の記載[:4]) for r in rows] == [("システム2", "(追加)")]
    assert "電子申請受付システム" in rows[0].変更後の記載


def old_system_section(snapshot: Snapshot) -> str:
    return next(p[1] for p in snapshot.fields if p[2:3] == ("システム1",))


def test_a_renamed_system_with_the_same_functions_is_edited_not_replaced() -> None:
    old = sample()
    path = ("Ⅰ 基本情報", old_system_section(old), "システム5", "①システムの名称")
    new = edited(old, path, "住登外者宛名管理システム")
    rows = run(old, new)
    assert [r.item_path for r in rows] == [path]
    assert rows[0].変更前の記載 == "住登外管理システム" and rows[0].変更後の記載 == "住登外者宛名管理システム"


def test_uncertain_values_are_flagged_not_dropped() -> None:
    old = sample()
    path = ("Ⅱ 特定個人情報ファイルの概要", "3 特定個人情報の入手・使用", "④使用の主体", "使用者数")
    assert old.fields[path].certainty is Certainty.UNCERTAIN
    new = edited(old, path, "100人以上500人未満")
    rows = run(old, new)
    assert len(rows) == 1 and rows[0].確度 is Certainty.UNCERTAIN


STAR_PATH = ("Ⅱ 特定個人情報ファイルの概要", "4 特定個人情報ファイルの取扱いの委託", "委託の有無")


def test_a_confirmed_exemption_files_a_starred_change_after() -> None:
    """RULES.md §4: an exemption is effective only when the user confirms it."""
    old = edited(sample(), STAR_PATH, "委託する")
    new = sample()  # 委託しない
    plain = run(old, new)
    assert plain[0].提出時期 is Timing.BEFORE
    assert any(s.startswith("リスクを明らかに軽減させる変更") for s in plain[0].提案)
    label = item_label(STAR_PATH)
    (change,) = diff(old, new, CAT)
    decided = run(
        old,
        new,
        f"- 項目: {label}\n  変更の指紋: {fingerprint(change)}\n"
        "  例外: リスクを明らかに軽減させる変更\n  理由: 委託を取りやめたため。\n",
    )
    row = decided[0]
    assert (row.提出時期, row.根拠, row.重要, row.提案) == (Timing.AFTER, "EXEMPT", False, ())
    assert "委託を取りやめたため" in row.提出時期に係る説明 and "1件目" in row.判断


def test_an_effective_date_after_the_revision_date_files_a_plain_change_before() -> None:
    """RULES.md §3 (seed 001, 令和5年3月1日 rows): a law change effective later → 事前."""
    old = sample()
    path = ("Ⅳ 開示請求、問合せ", "1 特定個人情報の開示・訂正・利用停止請求", "②請求方法")
    new = edited(old, path, "条例の改正に伴い、請求書に必要事項を記載し提出。")
    decisions = f"- 項目: {item_label(path)}\n  施行日: 令和8年4月1日\n"
    later = run(old, new, decisions, day=dt.date(2026, 3, 1))
    assert (later[0].提出時期, later[0].根拠) == (Timing.BEFORE, "EFFECTIVE-LATER")
    assert "令和8年4月1日" in later[0].提出時期に係る説明
    earlier = run(old, new, decisions, day=dt.date(2026, 5, 1))
    assert (earlier[0].提出時期, earlier[0].根拠) == (Timing.AFTER, "OTHER")


def test_an_exemption_cannot_make_a_plain_item_important_or_unimportant() -> None:
    old = sample()
    path = ("Ⅳ 開示請求、問合せ", "2 特定個人情報ファイルの取扱いに関する問合せ", "①連絡先")
    new = edited(old, path, "川口市総務部行政管理課 川口市青木2-1-2 048-258-1641")
    rows = run(old, new, f"- 項目: {item_label(path)}\n  例外: 誤字脱字の修正\n  理由: 番地の誤り。\n")
    assert (rows[0].提出時期, rows[0].根拠) == (Timing.AFTER, "OTHER")


@pytest.mark.parametrize(
    ("path", "before", "after", "category"),
    [
        (
            ("Ⅱ 特定個人情報ファイルの概要", "3 特定個人情報の入手・使用", "③使用目的"),
            "国民年金に関する事務の執行において各業務を効率的かつ的確に行い市民サービスの向上を図るため",
            "国民年金に関する事務の執行において各業務を効率的かつ的確に行い市民サービスの向上を図るたため",
            "誤字脱字の修正",
        ),
        (
            ("Ⅰ 基本情報", "4 個人番号の利用", "法令上の根拠"),
            "番号法第9条第1項 別表第1の31の項",
            "番号法第9条第1項 別表46項",
            "形式的な変更（法令の条項番号）",
        ),
        (
            ("Ⅱ 特定個人情報ファイルの概要", "6 特定個人情報の保管・消去", "保管場所"),
            "国民年金課の施錠できる書庫に保管する。",
            "市民課 の施錠できる書庫に保管する。",
            None,
        ),
        (
            ("Ⅱ 特定個人情報ファイルの概要", "3 特定個人情報の入手・使用", "③使用目的"),
            "国民年金課、市民課で使用する",
            "年金課、市民課で使用する",
            "形式的な変更（組織名・所在地）",
        ),
    ],
)
def test_text_suggestions(path, before, after, category) -> None:
    rows = run(edited(sample(), path, before), edited(sample(), path, after))
    assert rows[0].提出時期 is Timing.BEFORE  # a suggestion never changes the timing
    found = [s.split(":")[0] for s in rows[0].提案]
    if category is None:
        assert not any("組織名" in s for s in found)
    else:
        assert category in found


def test_choice_and_checkbox_suggestions() -> None:
    audit = ("Ⅲ リスク対策", "8 監査", "実施の有無")
    before = CheckboxSet.of({"自己点検": True, "内部監査": True, "外部監査": False})
    rows = run(edited(sample(), audit, before), edited(sample(), audit, before.with_state("外部監査", True)))
    assert rows[0].提案 == ("リスクを明らかに軽減させる変更: 外部監査の追加",)
    assert "外部監査: [ ]→[○]" in rows[0].詳細
    fewer = run(edited(sample(), audit, before), edited(sample(), audit, before.with_state("内部監査", False)))
    assert fewer[0].提案 == ()
    link = ("Ⅰ 基本情報", "5 情報提供ネットワークシステムによる情報連携", "①実施の有無")
    rows = run(edited(sample(), link, "実施しない"), edited(sample(), link, "実施する"))
    assert rows[0].提案 == ()  # the riskier direction gets no suggestion


def test_unknown_decision_items_are_reported() -> None:
    from pia_diff.compare.classify import unknown_decisions

    decisions = parse_decisions("- 項目: Ⅸ 存在しない項目\n  確認済み: true\n", "判断.yaml", TABLE.exemptions)
    rows = classify(diff(sample(), sample(), CAT), CAT, TABLE, Options(DAY, decisions))
    assert [d.item for d in unknown_decisions(decisions, rows)] == ["Ⅸ 存在しない項目"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- 項目: x\n  例外: 事務の見直し\n  理由: r\n", "使えません"),
        ("- 項目: x\n  例外: 誤字脱字の修正\n", "理由"),
        ("- 項目: x\n  施行日: そのうち\n", "日付として読めません"),
        ("- 例外: 誤字脱字の修正\n", "項目"),
        ("- 項目: x\n  色: 赤\n", "知らないキー"),
        ("項目: [", "YAML"),
    ],
)
def test_bad_decisions_files_are_refused_with_a_reason(text: str, problem: str) -> None:
    from pia_diff.errors import InputError

    with pytest.raises(InputError, match=problem):
        parse_decisions(text, "判断.yaml", TABLE.exemptions)


def test_rule_table_is_sound() -> None:
    ids = [r.id for r in TABLE.rules]
    assert len(set(ids)) == len(ids)
    assert TABLE.rules[-1].when == {}  # catch-all last
    # no rule is shadowed: each one decides for some combination of facts
    reachable = set()
    for exempted, later, star, threshold in itertools.product((True, False), repeat=4):
        for part in ("Ⅲ リスク対策", "Ⅰ 基本情報"):
            facts = Facts(star=star, part=part, threshold=threshold, exempted=exempted, effective_later=later)
            reachable.add(TABLE.decide(facts).id)
    assert reachable == set(ids)
    with pytest.raises(RuleError, match="catch-all"):
        parse_rules("form: x\nrules:\n  - {id: A, when: {star: true}, timing: 事前, explanation: e}\n")
    with pytest.raises(RuleError, match="unknown fact"):
        parse_rules("form: x\nrules:\n  - {id: A, when: {colour: red}, timing: 事前, explanation: e}\n")
