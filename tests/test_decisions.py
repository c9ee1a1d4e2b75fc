"""The decisions file (RULES.md §4: an exemption is never applied silently): decisions pinned to the
change they judged, stale and unpinned decisions, strict types, hostile YAML."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pia_diff.cli import app
from pia_diff.compare.classify import Options, blocking, classify
from pia_diff.compare.decisions import fingerprint, parse_decisions, read_decisions
from pia_diff.compare.diff import diff
from pia_diff.compare.facts import DecisionStatus
from pia_diff.compare.rules import Timing, load_rules
from pia_diff.errors import InputError
from pia_diff.pipeline import compare
from pia_diff.snapshot import HistoryRow, Snapshot, item_label

from .helpers import CAT, DAY, edited, sample

TABLE = load_rules()
# A ※ item (RULES.md §2) whose edit can be an organisation-name change (§4 形式的な変更).
PURPOSE = ("Ⅱ 特定個人情報ファイルの概要", "3 特定個人情報の入手・使用", "③使用目的")
LABEL = item_label(PURPOSE)
V1 = "国民年金課、市民課で使用する"
V2 = "年金課、市民課で使用する"  # the section was renamed: a formal change
V3 = "年金課、市民課及び委託先で使用する"  # a later, substantive edit of the same item
NAME_CHANGE = "形式的な変更（組織名・所在地）"


def version(text: str) -> Snapshot:
    return edited(sample(), PURPOSE, text)


def run(old: Snapshot, new: Snapshot, decisions_yaml: str):
    decisions = parse_decisions(decisions_yaml, "判断.yaml", TABLE.exemptions)
    return classify(diff(old, new, CAT), CAT, TABLE, Options(DAY, decisions))


def pinned_to(old: Snapshot, new: Snapshot) -> str:
    (change,) = diff(old, new, CAT)
    return fingerprint(change)


def exemption(fp: str | None) -> str:
    pin = f"  変更の指紋: {fp}\n" if fp else ""
    return f"- 項目: {LABEL}\n{pin}  例外: {NAME_CHANGE}\n  理由: 組織改正で課の名称が変わったため。\n"


def test_a_confirmed_exemption_applies_to_the_change_it_judged() -> None:
    """RULES.md §4: the confirmed exemption files this ※ change 事後."""
    fp = pinned_to(version(V1), version(V2))
    (row,) = run(version(V1), version(V2), exemption(fp))
    assert (row.提出時期, row.根拠, row.重要) == (Timing.AFTER, "EXEMPT", False)
    assert row.判断の状態 is DecisionStatus.APPLIED and row.decision is not None
    assert row.decision.exemption == NAME_CHANGE and row.変更の指紋 == fp
    assert row.as_json()["判断の状態"] == "applied" and row.as_json()["変更の指紋"] == fp


def test_the_same_item_edited_again_makes_the_decision_stale() -> None:
    """RULES.md §4 ("Err toward 事前"): the name-change exemption must not cover a substantive edit."""
    fp = pinned_to(version(V1), version(V2))
    (row,) = run(version(V1), version(V3), exemption(fp))
    assert (row.提出時期, row.根拠, row.重要) == (Timing.BEFORE, "STAR", True)
    assert row.判断の状態 is DecisionStatus.STALE
    assert "適用せず" in row.判断 and "変更後の記載" in row.判断 and "変更前" not in row.判断
    assert row.提案 == () or all(not s.startswith(NAME_CHANGE) for s in row.提案)
    assert blocking([row]) == [row]


def test_a_whitespace_or_width_only_re_edit_keeps_the_decision() -> None:
    """RULES.md §3: width, spaces and line wrapping are not changes, so the pin still holds."""
    fp = pinned_to(version(V1), version(V2))
    (row,) = run(version(V1), version("年金課、　市民課で\n使用する"), exemption(fp))
    assert (row.提出時期, row.判断の状態) == (Timing.AFTER, DecisionStatus.APPLIED)


def test_the_fingerprint_names_the_side_that_moved() -> None:
    a, b = pinned_to(version(V1), version(V2)), pinned_to(version(V1), version(V3))
    c = pinned_to(version("国民年金課で使用する"), version(V2))
    assert a.split("-")[0] == b.split("-")[0] and a.split("-")[1] != b.split("-")[1]
    assert a.split("-")[1] == c.split("-")[1] and a.split("-")[0] != c.split("-")[0]
    (row,) = run(version("国民年金課で使用する"), version(V2), exemption(a))
    assert "変更前の記載" in row.判断 and row.判断の状態 is DecisionStatus.STALE


def test_an_unpinned_exemption_is_not_applied_and_does_not_clear_check() -> None:
    """RULES.md §4 (never silently): without a fingerprint nobody can tell which edit the
    exemption was confirmed for, so the ※ change stays 事前."""
    (row,) = run(version(V1), version(V2), exemption(None))
    assert (row.提出時期, row.根拠, row.判断の状態) == (Timing.BEFORE, "STAR", DecisionStatus.UNPINNED)
    assert "指紋がないため、どの変更への判断か確かめられません" in row.判断
    assert "例外は適用していません" in row.判断
    assert blocking([row]) == [row]
    pinned = exemption(pinned_to(version(V1), version(V2)))
    (applied,) = run(version(V1), version(V2), pinned)
    assert (applied.提出時期, applied.根拠) == (Timing.AFTER, "EXEMPT")


def test_the_pinned_entry_wins_over_an_older_one_for_the_same_item() -> None:
    old_fp = pinned_to(version(V1), version(V2))
    new_fp = pinned_to(version(V1), version(V3))
    text = exemption(old_fp) + f"- 項目: {LABEL}\n  変更の指紋: {new_fp}\n  確認済み: true\n"
    (row,) = run(version(V1), version(V3), text)
    assert row.判断の状態 is DecisionStatus.APPLIED and row.decision is not None and row.decision.number == 2
    assert (row.提出時期, row.acknowledged, blocking([row])) == (Timing.BEFORE, True, [])


def test_pipeline_warns_about_stale_and_unused_decisions(tmp_path: Path) -> None:
    fp = pinned_to(version(V1), version(V2))
    path = tmp_path / "判断.yaml"
    path.write_text(exemption(fp) + "- 項目: Ⅸ 存在しない項目\n  確認済み: true\n", encoding="utf-8")
    result = compare(version(V1), version(V3), DAY, path)
    stale = [w for w in result.warnings if "1件目 (1行目)" in w]
    assert len(stale) == 1 and LABEL in stale[0] and "変更後の記載" in stale[0] and "適用しませんでした" in stale[0]
    assert any("5行目" in w and "当たる変更がありません" in w for w in result.warnings)


def published(new: Snapshot, timing: str) -> Snapshot:
    """The new version with its own 別添2 row for the edit (check audits the new version's table too)."""
    after = new.fields[PURPOSE].value
    assert isinstance(after, str)
    why = "組織改正に伴う課の名称の変更であり、形式的な変更のため重要な変更には該当しない。"
    new.history.append(HistoryRow(("令和8年1月15日", LABEL, V1, after, timing, why)))
    return new


def _cli(tmp_path: Path, old: Snapshot, new: Snapshot, decisions: str, command: str = "check"):
    (tmp_path / "old.json").write_text(old.to_json(), encoding="utf-8")
    (tmp_path / "new.json").write_text(new.to_json(), encoding="utf-8")
    (tmp_path / "判断.yaml").write_text(decisions, encoding="utf-8")
    args = [command, str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--decisions", str(tmp_path / "判断.yaml")]
    return CliRunner().invoke(app, [*args, "--date", "2026-01-15"])


def test_check_passes_for_the_pinned_change_and_fails_once_it_is_stale(tmp_path: Path) -> None:
    fp = pinned_to(version(V1), version(V2))
    assert _cli(tmp_path, version(V1), published(version(V2), "事後"), exemption(fp)).exit_code == 0
    stale = _cli(tmp_path, version(V1), published(version(V3), "事前"), exemption(fp))
    assert stale.exit_code == 1 and "古い判断" in stale.stdout and "③使用目的" in stale.stdout
    assert "適用しませんでした" in stale.stderr and "別添2 に要対応" not in stale.stdout
    unpinned = _cli(tmp_path, version(V1), published(version(V2), "事後"), exemption(None))
    assert unpinned.exit_code == 1 and "変更の指紋なし" in unpinned.stdout


def test_diff_warns_on_stderr_about_a_stale_decision(tmp_path: Path) -> None:
    fp = pinned_to(version(V1), version(V2))
    result = _cli(tmp_path, version(V1), version(V3), exemption(fp), command="diff")
    assert result.exit_code == 0
    assert "注意: 判断ファイル 1件目" in result.stderr and "変更後の記載" in result.stderr
    assert "事前" in result.stdout


ENTRY = "- 項目: x\n"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (ENTRY + '  確認済み: "false"\n', "true か false"),
        (ENTRY + "  確認済み: いいえ\n", "true か false"),
        (ENTRY + "  確認済み: [0]\n", "true か false"),
        (ENTRY + "  確認済み: 1\n", "true か false"),
        (ENTRY + "  施行日: 2026-02-30\n", "日付として読めません"),
        (ENTRY + "  施行日: 2026-04-01 10:00:00\n", "時刻を付けず"),
        (ENTRY + "  施行日: 2026-04-01T10:00:00Z\n", "時刻を付けず"),
        (ENTRY + "  施行日: 令和99999999999999999999年1月1日\n", "日付として読めません"),
        (ENTRY + "  施行日: 令和9" + "9" * 5000 + "年1月1日\n", "日付として読めません"),
        (ENTRY + "  施行日: 2026-04-01ごろ\n", "日付として読めません"),
        (ENTRY + "  施行日: 20260401\n", "日付として読めません"),
        ("- item_path: 5\n", "item_path"),
        ("- item_path: [Ⅰ 基本情報, 3]\n", "item_path"),
        ("- 項目: 5\n", "文字列"),
        ("- 項目: [a, b]\n", "文字列"),
        (ENTRY + "  理由: [a]\n  例外: 誤字脱字の修正\n", "文字列"),
        (ENTRY + "  変更の指紋: 12345678\n", "文字列"),
        (ENTRY + "  変更の指紋: xyz\n", "形が違います"),
    ],
)
def test_strict_types_are_refused_naming_the_entry(text: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem) as caught:
        parse_decisions(text, "判断.yaml", TABLE.exemptions)
    assert "1件目 (1行目)" in caught.value.problem


def test_the_entry_is_named_by_number_line_and_item() -> None:
    text = "- 項目: a\n  確認済み: true\n- 項目: b\n  確認済み: はい\n"
    with pytest.raises(InputError, match=r"2件目 \(3行目\)「b」"):
        parse_decisions(text, "判断.yaml", TABLE.exemptions)


def test_good_types_are_read() -> None:
    text = (
        "- item_path: [Ⅰ 基本情報, 4 個人番号の利用]\n  施行日: 令和８年４月１日\n  確認済み: false\n"
        '- 項目: b\n  施行日: "2026-04-01"\n  確認済み: yes\n  変更の指紋: 3F2A9C1E-7B01D2AA\n'
    )
    first, second = parse_decisions(text, "判断.yaml", TABLE.exemptions).entries
    assert (first.item, first.effective, first.acknowledged) == (
        "Ⅰ 基本情報 4 個人番号の利用",
        DAY.replace(2026, 4, 1),
        False,
    )
    assert (second.effective, second.acknowledged, second.fingerprint) == (
        DAY.replace(2026, 4, 1),
        True,
        "3f2a9c1e-7b01d2aa",
    )


def test_a_parse_error_names_line_and_column_with_a_hint() -> None:
    text = "- 項目: a\n  確認済み: true\n- 項目: b: c\n"
    with pytest.raises(InputError, match="3行目 8文字目") as caught:
        parse_decisions(text, "判断.yaml", TABLE.exemptions)
    assert "引用符" in caught.value.problem
    with pytest.raises(InputError, match="タブ"):
        parse_decisions("- 項目: a\n\t確認済み: true\n", "判断.yaml", TABLE.exemptions)


def test_an_alias_bomb_fails_fast() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(9)]
    start = time.perf_counter()
    with pytest.raises(InputError, match=r"2行目 .*エイリアス"):
        parse_decisions("\n".join(lines) + "\n", "判断.yaml", TABLE.exemptions)
    assert time.perf_counter() - start < 1.0


def test_deep_nesting_is_an_input_error_not_a_crash() -> None:
    with pytest.raises(InputError, match="YAML"):
        parse_decisions("[" * 100_000 + "]" * 100_000, "判断.yaml", TABLE.exemptions)


def test_size_cap(tmp_path: Path) -> None:
    big = tmp_path / "判断.yaml"
    big.write_text("# " + "x" * 1_100_000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="大きすぎます"):
        read_decisions(big, TABLE.exemptions)
    with pytest.raises(InputError, match="大きすぎます"):
        parse_decisions(big.read_text(encoding="utf-8"), "判断.yaml", TABLE.exemptions)


def test_bad_decisions_exit_2_without_traceback_or_output(tmp_path: Path) -> None:
    out = tmp_path / "別添2.xlsx"
    (tmp_path / "old.json").write_text(version(V1).to_json(), encoding="utf-8")
    (tmp_path / "new.json").write_text(version(V2).to_json(), encoding="utf-8")
    for text in ('- 項目: a\n  確認済み: "false"\n', "a: &a [1]\nb: *a\n", "- 項目: a\n  施行日: 2026-02-30\n"):
        (tmp_path / "判断.yaml").write_text(text, encoding="utf-8")
        args = ["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "-o", str(out)]
        result = CliRunner().invoke(app, [*args, "--decisions", str(tmp_path / "判断.yaml")])
        assert result.exit_code == 2, result.output
        assert "判断.yaml" in result.stderr and "Traceback" not in result.output
        assert not out.exists()


def uncomment(template: str, number: int, fill: dict[str, str]) -> str:
    """What a person does with the template: in entry `number`, take the '# ' off the entry lines
    and of the chosen keys, writing their values."""
    out, block = [], 0
    for line in template.split("\n"):
        if line.startswith("## ") and line[3:].split(".")[0].isdigit():
            block = int(line[3:].split(".")[0])
        key = line[2:].strip().split(":")[0].lstrip("- ")
        if block == number and line.startswith("# ") and (key in ("項目", "変更の指紋") or key in fill):
            line = line[2:]
            if key in fill:
                line = line.split(":")[0] + ": " + fill[key]
        out.append(line)
    return "\n".join(out)


def test_the_template_round_trips(tmp_path: Path) -> None:
    """An untouched template decides nothing; filling one entry applies to that change (RULES.md §4)."""
    old, new = version(V1), version(V2)
    (tmp_path / "old.json").write_text(old.to_json(), encoding="utf-8")
    (tmp_path / "new.json").write_text(new.to_json(), encoding="utf-8")
    template = tmp_path / "判断.yaml"
    args = ["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--date", "2026-01-15"]
    made = CliRunner().invoke(app, [*args, "--decisions-template", str(template)])
    assert made.exit_code == 0 and "ひな形を書き出しました" in made.stderr
    text = template.read_text(encoding="utf-8")
    assert f"# - 項目: {LABEL}" in text and f"変更の指紋: {pinned_to(old, new)}" in text
    assert f"##    提案: {NAME_CHANGE}: 組織名・所在地だけが変わっている" in text
    assert f"\n#   例外: {NAME_CHANGE} " in text  # the first suggested category, still commented out
    assert parse_decisions(text, "判断.yaml", TABLE.exemptions).entries == ()
    (untouched,) = run(old, new, text)
    assert (untouched.提出時期, untouched.decision) == (Timing.BEFORE, None)
    filled = uncomment(text, 1, {"例外": NAME_CHANGE, "理由": "組織改正で課の名称が変わったため。"})
    (row,) = run(old, new, filled)
    assert (row.提出時期, row.根拠, row.判断の状態) == (Timing.AFTER, "EXEMPT", DecisionStatus.APPLIED)
    # the template is not overwritten without --force
    again = CliRunner().invoke(app, [*args, "--decisions-template", str(template)])
    assert again.exit_code == 2 and "--force" in again.stderr
    assert template.read_text(encoding="utf-8") == text


def test_the_template_quotes_awkward_labels_and_flattens_comments() -> None:
    from pia_diff.report.decision_template import decisions_template

    (row,) = run(version(V1), version(V2), "")
    awkward = dataclasses.replace(
        row,
        項目="Ⅱ 4: 委託 # ファイル「a: b」\u2028*x",
        変更前の記載="一行目\u2028二行目\x85三\x00",
        変更後の記載="*x\n- y",
    )
    text = decisions_template([awkward], TABLE.exemptions, "旧: a\nb")
    assert parse_decisions(text, "判断.yaml", TABLE.exemptions).entries == ()
    filled = uncomment(text, 1, {"確認済み": "true"})
    (entry,) = parse_decisions(filled, "判断.yaml", TABLE.exemptions).entries
    assert (entry.fingerprint, entry.acknowledged) == (row.変更の指紋, True)
    assert entry.item == "Ⅱ 4: 委託 # ファイル「a: b」 *x"  # items match with whitespace ignored (compare_key)


def test_an_empty_template_says_so() -> None:
    from pia_diff.report.decision_template import decisions_template

    text = decisions_template([], TABLE.exemptions, "x")
    assert "判断の必要な変更" in text and parse_decisions(text, "t", TABLE.exemptions).entries == ()


def test_the_stale_golden_case_pins_what_it_says() -> None:
    """tests/cases/asahikawa_stale_decision: entry 1 is pinned to the draft (citation renumbered only),
    entry 2 to NEW's own change; recompute both from the documents."""
    from pia_diff.ingest import read_document

    folder = Path(__file__).resolve().parent / "cases" / "asahikawa_stale_decision"
    old = read_document(folder / "../../../samples/asahikawa/new.txt")
    new = read_document(folder / "new.txt")
    first, second = read_decisions(folder / "decisions.yaml", TABLE.exemptions).entries
    law = next(p for p in old.fields if item_label(p) == first.item)
    before = old.fields[law].value
    assert isinstance(before, str) and "別表第1の31の項" in before
    draft = edited(old, law, before.replace("別表第1の31の項", "別表46項"))
    (drafted,) = diff(old, draft, CAT)
    assert fingerprint(drafted) == first.fingerprint
    now = {item_label(c.path): fingerprint(c) for c in diff(old, new, CAT)}
    assert now[second.item] == second.fingerprint and now[first.item] != first.fingerprint


def test_the_readme_example_is_a_valid_decisions_file() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("# 判断ファイル（YAML）\n")[1]
    example = section.split("```yaml\n")[1].split("```")[0]
    entries = parse_decisions(example, "README.md", TABLE.exemptions).entries
    assert [bool(e.exemption) for e in entries] == [True, False, False]
    assert all(e.fingerprint for e in entries) and entries[2].acknowledged


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- 項目: a\n  確認済み: false\n  確認済み: true\n", "3行目 3文字目.*2度"),
        ("項目: a\n確認済み: true\n", "「- 」がありますか"),
        ("- 項目: a\x00\n", "1行目に使えない文字 U\\+0000"),
        ("- 項目: a\n  ? [x]\n  : 1\n", "2行目"),
        ("---\n- 項目: a\n---\n- 項目: b\n", "3行目.*1つの一覧"),
        ("判断: 5\n", "判断の一覧"),
    ],
)
def test_more_malformed_files_are_input_errors(text: str, problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        parse_decisions(text, "判断.yaml", TABLE.exemptions)


def test_the_basis_sheet_records_a_stale_decision(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    fp = pinned_to(version(V1), version(V2))
    out = tmp_path / "別添2.xlsx"
    (tmp_path / "old.json").write_text(version(V1).to_json(), encoding="utf-8")
    (tmp_path / "new.json").write_text(version(V3).to_json(), encoding="utf-8")
    (tmp_path / "判断.yaml").write_text(exemption(fp), encoding="utf-8")
    args = ["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "-o", str(out)]
    assert CliRunner().invoke(app, [*args, "--decisions", str(tmp_path / "判断.yaml")]).exit_code == 0
    sheet = load_workbook(out)["判定根拠"]
    header = [c.value for c in sheet[2]]
    (row,) = [[c.value for c in r] for r in sheet.iter_rows(min_row=3) if r[0].value == LABEL]
    rule, used = row[header.index("判定の根拠")].split("\n")  # the decision's use under the rule
    assert "1件目" in used and "古い判断のため適用せず" in used and "変更後の記載" in used
    assert row[header.index("提出時期")] == "事前※" and rule == "STAR（重要な変更の対象項目（※））"


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_decisions_file_that_is_not_a_regular_file_is_refused(tmp_path: Path, special: str) -> None:
    """Issue 13: a FIFO would block and /dev/zero would never end; both are refused before reading."""
    import os

    target = special
    if special == "fifo":
        target = str(tmp_path / "判断.yaml")
        os.mkfifo(target)
    with pytest.raises(InputError, match="通常のファイルではありません"):
        read_decisions(target, TABLE.exemptions)


def test_the_template_shows_the_whole_changed_passage() -> None:
    """Issue 17 §6: the person confirming an exemption sees every changed line, not a preview cut at
    80 characters (the added 条例 of a citation change was cut off)."""
    from pia_diff.report.decision_template import decisions_template

    old = sample()
    path = ("Ⅰ 基本情報", "4 個人番号の利用", "法令上の根拠")
    added = "・法第9条第2項 川口市個人番号の利用及び特定個人情報の提供に関する条例 第3条第1項第二号の事務であって主務省令で定めるもの"
    new = edited(old, path, f"{old.fields[path].value}\n{added}")
    rows = classify(diff(old, new, CAT), CAT, TABLE, Options(DAY))
    text = decisions_template(rows, TABLE.exemptions, "x")
    assert added in text  # whole, on a comment line of its own
    assert all(line.startswith("#") or not line.strip() for line in text.splitlines())
