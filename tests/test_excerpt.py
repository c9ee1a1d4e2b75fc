"""Concise 変更前/変更後 cells, written by hand (no output copied from the program)."""

from __future__ import annotations

from pia_diff.compare.excerpt import (
    LONG_CELL,
    OMITTED,
    UNKNOWN_OPTIONS,
    Piece,
    checkbox_cells,
    excerpt,
    redline,
    sentences,
)
from pia_diff.model import CheckboxSet

S1 = "特定個人情報ファイルは、施錠できる保管庫に保管する。"
S2 = "保管庫の鍵は、担当課長が管理する。"
S3 = "システムへのアクセスは、ユーザーIDとパスワードにより認証する。"
S4 = "アクセスの記録は、一年間保存し、定期的に確認する。"
S5 = "職員には、年に一回、情報セキュリティの研修を行う。"
S6 = "委託先には、契約により秘密の保持を義務づけ、再委託には事前の書面による承諾を求め、管理の状況を年に一回確認する。"
S7 = "不要となった特定個人情報は、復元できない方法で消去する。"
S8 = "消去の記録は、五年間保存する。"
LONG = S1 + S2 + S3 + S4 + S5 + S6 + S7 + S8


def test_the_sample_text_is_long() -> None:
    assert len(LONG) > LONG_CELL


def test_sentences_keep_their_delimiters_and_give_the_text_back() -> None:
    text = "〈市の措置〉\n・紙媒体は施錠する。 ・保管・消去は記録する。\n最後の行"
    parts = sentences(text)
    assert parts == ["〈市の措置〉\n", "・紙媒体は施錠する。 ", "・保管・消去は記録する。\n", "最後の行"]
    assert "".join(parts) == text


def test_short_values_stay_whole() -> None:
    assert excerpt("再委託しない", "再委託する") == ("再委託しない", "再委託する")


def test_one_character_typo_in_the_middle_shows_one_sentence() -> None:
    typo = LONG.replace("担当課長", "担当科長")
    assert excerpt(LONG, typo) == (
        OMITTED + "保管庫の鍵は、担当課長が管理する。" + OMITTED,
        OMITTED + "保管庫の鍵は、担当科長が管理する。" + OMITTED,
    )


def test_a_sentence_added_at_the_end_is_shown_after_the_last_sentence() -> None:
    added = "消去した媒体は、業者の証明書とともに記録する。"
    before, after = excerpt(LONG, LONG + added)
    # the last unchanged sentence anchors both cells, so a reader sees where the new one goes
    assert before == OMITTED + S8
    assert after == OMITTED + S8 + added


def test_a_sentence_removed_keeps_the_sentence_before_it_in_both_cells() -> None:
    before, after = excerpt(LONG, LONG.replace(S5, ""))
    assert before == OMITTED + S4 + S5 + OMITTED
    assert after == OMITTED + S4 + OMITTED


def test_two_distant_edits_share_one_omission_between_them() -> None:
    edited = LONG.replace("施錠できる", "施錠可能な").replace("五年間", "十年間")
    before, after = excerpt(LONG, edited)
    assert before == S1 + OMITTED + S8
    assert after == S1.replace("施錠できる", "施錠可能な") + OMITTED + S8.replace("五年間", "十年間")
    # one 「（略）」 for the six unchanged sentences in between, not six
    assert before.count(OMITTED) == after.count(OMITTED) == 1


def test_line_breaks_and_bullets_are_sentence_breaks() -> None:
    lines = [f"・第{n}項の措置を講じ、その結果を記録簿に記録して保管する\n" for n in range(1, 9)]
    text = "".join(lines)
    changed = text.replace("第4項の措置を講じ", "第4項の措置を講じて")
    assert excerpt(text, changed) == (
        OMITTED + lines[3] + OMITTED,
        OMITTED + lines[3].replace("講じ", "講じて") + OMITTED,
    )


def test_a_reflowed_line_break_alone_is_no_change() -> None:
    text = S1 + "\n" + S2 + S3 + S4 + S5 + S6 + S7 + S8
    flat = LONG.replace("担当課長", "担当部長")
    before, after = excerpt(text, flat)
    assert S1 not in before and S1 not in after
    assert "担当課長" in before and "担当部長" in after


def test_text_without_delimiters_falls_back_to_a_character_window() -> None:
    text = "あ" * 150 + "住民基本台帳" + "い" * 150
    changed = text.replace("住民基本台帳", "住民基本台帖")
    before, after = excerpt(text, changed)
    # twenty unchanged characters on each side of the one that changed
    assert before == OMITTED + "あ" * 15 + "住民基本台帳" + "い" * 20 + OMITTED
    assert after == OMITTED + "あ" * 15 + "住民基本台帖" + "い" * 20 + OMITTED


def test_window_near_the_start_needs_no_leading_omission() -> None:
    text = "甲乙" + "う" * 300
    before, after = excerpt(text, "甲丙" + "う" * 300)
    assert (before, after) == ("甲乙" + "う" * 20 + OMITTED, "甲丙" + "う" * 20 + OMITTED)


def test_an_emptied_value_is_left_for_the_caller() -> None:
    assert excerpt(LONG, "") == (LONG, "")


def test_redline_marks_deletions_and_insertions_in_order() -> None:
    assert redline("担当課長が管理", "担当部長が管理する") == [
        Piece("equal", "担当"),
        Piece("delete", "課"),
        Piece("insert", "部"),
        Piece("equal", "長が管理"),
        Piece("insert", "する"),
    ]
    # the unchanged and deleted runs give the old text back, unchanged and inserted the new
    pieces = redline(LONG, LONG.replace(S3, "") + "追記。")
    assert "".join(p.text for p in pieces if p.op != "insert") == LONG
    assert "".join(p.text for p in pieces if p.op != "delete") == LONG.replace(S3, "") + "追記。"


OPTIONS = ("福祉関係情報", "障害者福祉関係情報", "地方税関係情報", "その他")


def box(states: dict[str, object]) -> CheckboxSet:
    return CheckboxSet.from_json(states)


def test_checkbox_lists_only_the_options_that_changed() -> None:
    before = {"福祉関係情報": True, "障害者福祉関係情報": False, "地方税関係情報": True, "その他": False}
    after = {**before, "障害者福祉関係情報": True, "地方税関係情報": False}
    assert checkbox_cells(box(before), box(after)) == (
        "[ ]障害者福祉関係情報\n[○]地方税関係情報",
        "[○]障害者福祉関係情報\n[ ]地方税関係情報",
    )


def test_unknown_states_are_never_shown_as_changes() -> None:
    before = {"福祉関係情報": True, "障害者福祉関係情報": False, "地方税関係情報": True, "その他": False}
    after = {"福祉関係情報": None, "障害者福祉関係情報": True, "地方税関係情報": None, "その他": None}
    assert checkbox_cells(box(before), box(after)) == ("[ ]障害者福祉関係情報", "[○]障害者福祉関係情報")


def test_states_lost_on_one_side_show_the_readable_side() -> None:
    """Issue 17 §2: nothing certain changed, yet the row needs its 別添2 line: the side that could be
    read shows its states, the other says in words that its states could not be read."""
    before = {"福祉関係情報": True, "障害者福祉関係情報": False, "地方税関係情報": True, "その他": False}
    lost = dict.fromkeys(before)
    shown = "[○]福祉関係情報\n[ ]障害者福祉関係情報\n[○]地方税関係情報\n[ ]その他"
    assert checkbox_cells(box(before), box(lost)) == (shown, UNKNOWN_OPTIONS)
    assert checkbox_cells(box(lost), box(before)) == (UNKNOWN_OPTIONS, shown)
    # read in part on both sides: the lost states are marked [?]
    partly = {**lost, "福祉関係情報": True, "その他": True}
    assert checkbox_cells(box({**before, "その他": None}), box(partly)) == (
        "[ ]障害者福祉関係情報\n[○]地方税関係情報\n[?]その他",
        "[?]障害者福祉関係情報\n[?]地方税関係情報\n[○]その他",
    )
    assert checkbox_cells(box(lost), box(lost)) is None


def test_a_changed_other_detail_is_shown() -> None:
    before = {"福祉関係情報": True, "その他": True, "詳細": {"その他": "旧システム"}}
    after = {"福祉関係情報": True, "その他": True, "詳細": {"その他": "新システム"}}
    assert checkbox_cells(box(before), box(after)) == ("[○]その他 (旧システム)", "[○]その他 (新システム)")


def _change(before: object, after: object, kind: str = "modified") -> object:
    from pia_diff.compare.diff import Change, ChangeKind
    from pia_diff.values import Certainty, render

    return Change(
        path=("Ⅲ リスク対策", "x"),
        kind=ChangeKind(kind),
        before=render(before),  # type: ignore[arg-type]
        after=render(after),  # type: ignore[arg-type]
        certainty=Certainty.OK,
        before_value=before,  # type: ignore[arg-type]
        after_value=after,  # type: ignore[arg-type]
    )


def test_row_cells_read_a_dash_for_an_empty_value_and_keep_the_marks() -> None:
    from pia_diff.compare.classify import ADDED_MARK, REMOVED_MARK, cells

    assert cells(_change("", "再委託する")) == ("—", "再委託する")  # type: ignore[arg-type]
    assert cells(_change("再委託する", "")) == ("再委託する", "—")  # type: ignore[arg-type]
    assert cells(_change("", "システム3", "added")) == ("—", f"{ADDED_MARK} システム3")  # type: ignore[arg-type]
    assert cells(_change("システム3", "", "removed")) == ("システム3", REMOVED_MARK)  # type: ignore[arg-type]


def test_row_cells_concise_unless_full_text_is_asked_for() -> None:
    from pia_diff.compare.classify import UNKNOWN_OPTIONS, cells

    typo = LONG.replace("担当課長", "担当科長")
    assert cells(_change(LONG, typo)) == (OMITTED + S2 + OMITTED, OMITTED + S2.replace("課", "科") + OMITTED)  # type: ignore[arg-type]
    assert cells(_change(LONG, typo), None) == (LONG, typo)  # type: ignore[arg-type]
    read = {"自己点検": True, "内部監査": True, "外部監査": False}
    shown = "[○]自己点検\n[○]内部監査\n[ ]外部監査"
    assert cells(_change(box(read), box(dict.fromkeys(read)))) == (shown, UNKNOWN_OPTIONS)  # type: ignore[arg-type]


def test_a_sentence_added_at_the_start_is_anchored_on_the_sentence_after_it() -> None:
    added = "本市は、次の措置を講じる。"
    assert excerpt(LONG, added + LONG) == (S1 + OMITTED, added + S1 + OMITTED)


def test_spacing_only_differences_keep_whole_cells() -> None:
    spaced = LONG.replace("。", "。 ")
    assert excerpt(LONG, spaced) == (LONG, spaced)
