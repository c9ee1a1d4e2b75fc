"""Auditing published 別添2 tables (003 all consistent; 001's ※ rows filed 事後 told apart),
completeness against OLD, しきい値判断 for every band of RULES.md §6, the 5-year rule, batch audit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from importlib import resources
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pia_diff.audit.batch import audit_folder
from pia_diff.audit.published import CONSISTENT, PLAIN_BEFORE, STAR_AFTER_NAMED, STAR_AFTER_UNNAMED, Audit, audit
from pia_diff.audit.threshold import (
    BANDS,
    Finding,
    Level,
    band_move,
    inputs,
    reassessment_warning,
    required_level,
    threshold_move,
    threshold_warnings,
)
from pia_diff.catalogue import load_catalogue
from pia_diff.cli import app
from pia_diff.compare.decisions import fingerprint
from pia_diff.compare.diff import diff
from pia_diff.compare.rules import Timing, load_rules, parse_rules
from pia_diff.pipeline import compare, release_blockers
from pia_diff.snapshot import HISTORY_COLUMNS, HistoryRow

from .conftest import ROOT, SEEDS
from .helpers import CAT, DAY, edited, sample

TABLE = load_rules()
PEOPLE = ("Ⅰ 基本情報", "1 特定個人情報ファイルを取り扱う事務", "③対象人数")


def test_003_rows_all_consistent() -> None:
    result = audit(sample("003"), CAT, TABLE)
    assert len(result.rows) == 18
    assert {r.verdict for r in result.rows} == {CONSISTENT}
    assert result.errors == []


def test_001_starred_rows_filed_after_are_flagged_and_told_apart() -> None:
    result = audit(sample("001"), CAT, TABLE)
    by_line = {r.line: r.verdict for r in result.rows}
    # the stated reason names a recognised exemption category (RULES.md §4)
    named = {
        348: "主務省令を追加記載するという形式的な変更",
        354: "課名追加",
        357: "再委託が不要",
        362: "再委託が不要",
        412: "番号法改正に伴う項ずれ",
    }
    # the stated reason is not an exemption category (「事務の見直し」「実態に合わせた修正」…)
    unnamed = {368, 369, 375, 392, 414}
    assert {line for line, v in by_line.items() if v == STAR_AFTER_NAMED} == set(named)
    assert {line for line, v in by_line.items() if v == STAR_AFTER_UNNAMED} == unnamed
    assert {f.line for f in result.errors} == unnamed
    assert sum(v == CONSISTENT for v in by_line.values()) == 48


def _revision(path, value: str, row: tuple[str, ...], line: int):
    """003 with one item edited and one row added to its 別添2, published after 003; audited against 003."""
    old = sample("003")
    new = edited(old, path, value)
    new.history = [*new.history, HistoryRow(("令和6年1月1日", *row), line)]  # type: ignore[arg-type]
    new.meta = dataclasses.replace(new.meta, published=dt.date.fromisoformat("2024-01-10"))
    return audit(new, CAT, TABLE, old)


def test_against_old_finds_missing_rows_unchanged_rows_and_wrong_text() -> None:
    path = ("Ⅱ 特定個人情報ファイルの概要", "2 基本情報", "③対象となる本人の範囲")
    row = ("III リスク対策 8 監査 実施の有無", "[○]自己点検", "[○]外部監査", "事前", "理由")
    result = _revision(path, "旭川市に住民登録のある国民年金の被保険者", row, 999)
    codes = {(f.code, f.level) for f in result.findings}
    assert ("change-without-row", "error") in codes  # ③対象となる本人の範囲 changed, no row
    # the row names 監査, whose boxes 003 lost: not 「変わっていません」 but 「確認できません」 (issue 9 §5)
    (unverifiable,) = [f for f in result.findings if f.line == 999]
    assert (unverifiable.code, unverifiable.level) == ("row-unverifiable", "warning")
    assert "変わっていません" not in unverifiable.message and "確認できません" in unverifiable.message


def test_after_text_that_does_not_match_the_document_is_reported() -> None:
    path = ("Ⅳ 開示請求、問合せ", "1 特定個人情報の開示・訂正・利用停止請求", "②請求方法")
    row = ("IV 開示請求、問合せ 1 ②請求方法", "旧", "郵送でも受け付ける。", "事後", "理由")
    result = _revision(path, "電子申請でも受け付ける。", row, 998)
    assert [f.code for f in result.findings if f.line == 998] == ["after-text-mismatch"]


def test_revision_dated_after_publication_is_reported() -> None:
    doc = sample("003")
    doc.meta = dataclasses.replace(
        doc.meta, published=dt.date.fromisoformat("2023-11-01")
    )  # the table's rows say 令和5年11月6日
    result = audit(doc, CAT, TABLE)
    assert sum(f.code == "date-after-publication" for f in result.findings) == 15


@pytest.mark.parametrize(
    ("band", "handlers", "incident", "expected"),
    [
        ("1,000人未満", None, None, (Level.NONE, Level.NONE)),
        ("1,000人以上1万人未満", True, True, (Level.BASIC, Level.BASIC)),
        ("1万人以上10万人未満", True, False, (Level.FOCUSED, Level.FOCUSED)),
        ("1万人以上10万人未満", False, True, (Level.FOCUSED, Level.FOCUSED)),
        ("1万人以上10万人未満", False, False, (Level.BASIC, Level.BASIC)),
        ("1万人以上10万人未満", None, None, (Level.BASIC, Level.FOCUSED)),
        ("10万人以上30万人未満", True, False, (Level.FULL, Level.FULL)),
        ("10万人以上30万人未満", False, False, (Level.FOCUSED, Level.FOCUSED)),
        ("10万人以上30万人未満", None, False, (Level.FOCUSED, Level.FULL)),
        ("30万人以上", False, False, (Level.FULL, Level.FULL)),
    ],
)
def test_required_level_for_every_band_of_rules_md_6(band, handlers, incident, expected) -> None:
    found = required_level(band, handlers, incident)
    assert (found.lowest, found.highest) == expected


@pytest.mark.parametrize(
    ("band", "codes"),
    [
        ("1,000人未満", []),
        ("1,000人以上1万人未満", []),
        ("1万人以上10万人未満", []),  # at most 重点 (this form)
        ("10万人以上30万人未満", ["threshold-may-be-heavier"]),  # 全項目 if ≥500 handlers or an incident
        ("30万人以上", ["threshold-heavier"]),
    ],
)
def test_threshold_warnings_on_a_focused_assessment(band: str, codes: list[str]) -> None:
    doc = edited(sample("001"), PEOPLE, band)
    assert [f.code for f in threshold_warnings(doc)] == codes


def test_a_recorded_incident_is_called_out() -> None:
    incident = next(p for p in sample("001").fields if p[-1].startswith("②過去3年以内"))
    doc = edited(sample("001"), incident, "発生あり")
    assert "incident-recorded" in [f.code for f in threshold_warnings(doc)]


def test_band_moves_are_called_out() -> None:
    # RULES.md §6: 10万–<30万 needs 全項目 with ≥500 handlers or a 1-year incident, heavier than 様式3 (重点)
    heavier = band_move("1万人以上10万人未満", "10万人以上30万人未満")
    assert heavier.level == "error" and "基礎項目評価及び全項目評価が必要になる可能性があります" in heavier.message
    # 1万–<10万 needs at most 重点: the level changes, but not beyond this form
    assert band_move("1,000人以上1万人未満", "1万人以上10万人未満").level == "warning"
    # known inputs narrow the range: no 500 handlers and no incident → 重点 only, not heavier
    assert band_move("1万人以上10万人未満", "10万人以上30万人未満", False, False).level == "warning"
    assert band_move("1万人以上10万人未満", "1万人以上10万人未満") is None
    old = sample("001")
    new = edited(old, PEOPLE, BANDS[2])
    result = audit(new, CAT, TABLE, old)
    assert "band-moved" in [f.code for f in result.findings]


@pytest.mark.parametrize(
    ("done", "published", "code"),
    [
        ("令和2年9月5日", "2025-12-26", "reassessment-overdue"),
        ("令和3年3月1日", "2025-12-26", "reassessment-due"),
        ("令和7年9月5日", "2025-12-26", None),
    ],
)
def test_five_year_reassessment(done: str, published: str, code: str | None) -> None:
    doc = edited(sample("001"), ("Ⅴ 評価実施手続", "1 基礎項目評価", "①実施日"), done)
    doc.meta = dataclasses.replace(doc.meta, published=dt.date.fromisoformat(published))
    found = reassessment_warning(doc)
    assert (found.code if found else None) == code


def test_batch_audit_of_a_folder_with_a_corrupt_file(tmp_path: Path) -> None:
    for source in sorted(SEEDS.glob("*.txt")):
        shutil.copy(source, tmp_path / source.name)
    (tmp_path / "zz_corrupt.txt").write_bytes(b"\x00\x01\x02" * 100)
    audits = audit_folder(tmp_path, workers=2)
    assert [Path(a.file).name[:3] for a in audits] == ["000", "001", "002", "003", "zz_"]
    assert audits[-1].result is None and "バイナリ" in (audits[-1].error or "")
    counts = {Path(a.file).name[:3]: a.counts for a in audits}
    assert counts["001"] == {"行": 61, "不整合": 12, "特定不能": 1, "要対応": 5, "警告": 7}
    # 003 lacks Ⅰ-1: its 本人の数 (10万人以上100万人未満) puts 対象人数 at 10万 or more (issue 17 §5)
    assert counts["003"] == {"行": 18, "不整合": 0, "特定不能": 0, "要対応": 0, "警告": 1}
    assert counts["000"]["行"] == 0 and counts["000"]["警告"] >= 1  # its 別添2 body is missing
    result = CliRunner().invoke(app, ["audit", str(tmp_path), "--workers", "1"])
    assert result.exit_code == 1  # 001 has errors and one document is unreadable
    assert "合計 5 文書" in result.stdout and "読めない文書 1" in result.stdout


def test_audit_command_json_shape_and_exit_codes() -> None:
    import json

    runner = CliRunner()
    ok = runner.invoke(app, ["audit", str(next(SEEDS.glob("003_*.txt"))), "--format", "json"])
    assert ok.exit_code == 0
    data = json.loads(ok.stdout)
    keys = {*HISTORY_COLUMNS, "item_path", "判定", "verdict"}
    assert keys <= set(data["rows"][0]) and {"level", "code", "message", "項目"} <= set(data["findings"][0])
    bad = runner.invoke(app, ["audit", str(next(SEEDS.glob("001_*.txt")))])
    assert bad.exit_code == 1 and "要対応" in bad.stdout


def test_check_is_blocked_by_a_missing_row_even_when_acknowledged(tmp_path: Path) -> None:
    old = ROOT / "samples" / "asahikawa" / "old.txt"
    text = (ROOT / "samples" / "asahikawa" / "new.txt").read_text(encoding="utf-8").split("\n")
    # drop the published row of ④再委託の有無 (source line 222) from the new version's table
    assert "④再委託の有無" in text[221]
    new = tmp_path / "new.txt"
    new.write_text("\n".join(text[:221] + text[222:]), encoding="utf-8")
    decisions = tmp_path / "判断.yaml"
    items = ["委託事項1 ④再委託の有無", "保管場所", "8 監査 実施の有無", "具体的な方法", "10 その他のリスク対策"]
    rows = CliRunner().invoke(app, ["diff", str(old), str(new), "--format", "json"]).stdout
    import json

    labels = [r["項目"] for r in json.loads(rows) if any(r["項目"].endswith(i) for i in items)]
    decisions.write_text("".join(f"- 項目: {label}\n  確認済み: true\n" for label in labels), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(old), str(new), "--decisions", str(decisions)])
    assert result.exit_code == 1
    assert "別添2 に要対応" in result.stdout and "④再委託の有無" in result.stdout


def test_dataclass_rows_are_frozen() -> None:
    row = audit(sample("003"), CAT, TABLE).rows[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.verdict = "x"  # type: ignore[misc]


def test_audit_is_deterministic() -> None:
    # audit results depend on the documents only (their 公表日), never on the clock
    first = audit(sample("001"), CAT, TABLE).as_json()
    assert audit(sample("001"), CAT, TABLE).as_json() == first


def test_audit_decides_through_the_rule_table_and_follows_a_new_rule() -> None:
    """issue 11: a rule added to the table changes audit's 判定 as it changes diff's (RULES.md §3)."""
    text = (resources.files("pia_diff.data") / "rules_form3.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    # IV 開示請求 items are not ※ (RULES.md §2), so 001 l.398 「IV…②請求方法」 filed 事前 is judged 事後 today
    stricter = {"id": "IV-BEFORE", "when": {"part": "Ⅳ 開示請求、問合せ"}, "timing": "事前", "explanation": "x"}
    data["rules"].insert(0, stricter)
    table = parse_rules(yaml.safe_dump(data, allow_unicode=True))
    before = {r.line: r for r in audit(sample("001"), CAT, TABLE).rows}
    after = {r.line: r for r in audit(sample("001"), CAT, table).rows}
    assert before[398].judged is Timing.AFTER and before[398].verdict == PLAIN_BEFORE
    assert after[398].judged is Timing.BEFORE and after[398].verdict == CONSISTENT
    # rows outside part Ⅳ are judged as before
    assert all(after[n].judged == before[n].judged for n in before if not before[n].cells[1].startswith("IV"))


# Entity-level rows (issue 9 item 6): 003 l.218 names the whole 「委託事項1」 (the spelling used below).
ENTITY_ROW = "II 特定個人情報ファイルの概要 4 特定個人情報ファイルの取扱いの委託 委託事項1"
ENTRUST = ("Ⅱ 特定個人情報ファイルの概要", "4 特定個人情報ファイルの取扱いの委託")


def test_a_row_naming_a_removed_entity_covers_the_removal_and_is_judged_as_the_entity() -> None:
    old = sample("003")
    new = sample("003")
    new.fields = {p: f for p, f in new.fields.items() if p[:3] != (*ENTRUST, "委託事項1")}
    row = (ENTITY_ROW, "COKAS-i国民年金システムのオペレーション業務委託", "(削除)", "事前", "委託の取りやめ")
    new.history = [*new.history, HistoryRow(("令和6年1月1日", *row), 999)]  # type: ignore[arg-type]
    new.meta = dataclasses.replace(new.meta, published=dt.date.fromisoformat("2024-01-10"))
    result = audit(new, CAT, TABLE, old)
    added = next(r for r in result.rows if r.line == 999)
    assert added.item_paths == ((*ENTRUST, "委託事項1"),)  # the entity, not the part nor a leaf
    # the entity holds ※ ④再委託の有無: removing it is judged 事前 (RULES.md §3; an exemption needs a decision, §4)
    assert added.judged is Timing.BEFORE and added.verdict == CONSISTENT
    assert [f for f in result.findings if f.code == "change-without-row"] == []


def test_a_row_renaming_an_entity_covers_its_name_only() -> None:
    """003 l.218: before/after are the 委託事項's name; a change of ③委託先名 in it still needs its own row."""
    row = (
        ENTITY_ROW,
        "COKAS-i国民年金システムのオペレーション業務委託",
        "新システムのオペレーション業務委託",
        "事後",
        "x",
    )
    result = _revision((*ENTRUST, "委託事項1", "③委託先名"), "別の株式会社", row, 999)
    added = next(r for r in result.rows if r.line == 999)
    assert added.item_paths == ((*ENTRUST, "委託事項1"),)
    assert added.judged is Timing.AFTER and added.verdict == CONSISTENT  # 名称 is not ※ (RULES.md §2)
    missing = [f for f in result.findings if f.code == "change-without-row"]
    assert [f.level for f in missing] == ["error"] and "③委託先名" in str(missing[0].項目)
    # the name itself did not change between the versions
    assert any(f.code == "row-without-change" and f.line == 999 for f in result.findings)


def _gate(old_band: str, new_band: str) -> list[Finding]:
    """release_blockers' audit errors for 001 moved from one 対象人数 band to another."""
    old, new = edited(sample("001"), PEOPLE, old_band), edited(sample("001"), PEOPLE, new_band)
    new.meta = dataclasses.replace(new.meta, published=dt.date.fromisoformat("2026-02-01"))
    return release_blockers(compare(old, new, DAY))[1]


def test_check_is_blocked_by_a_band_move_that_may_need_a_heavier_assessment() -> None:
    """RULES.md §6: 1万–<10万 → 10万–<30万 on 様式3 may need 全項目 (001's III-7-② is 発生なし, handlers unknown)."""
    moved = [f for f in _gate(BANDS[2], BANDS[3]) if f.code == "band-moved"]
    assert [f.level for f in moved] == ["error"]
    assert "基礎項目評価及び全項目評価が必要になる可能性があります" in moved[0].message


def test_a_band_move_within_this_forms_reach_does_not_block() -> None:
    assert [f for f in _gate(BANDS[1], BANDS[2]) if f.code == "band-moved"] == []


def test_a_threshold_error_the_old_version_already_had_does_not_block_the_revision() -> None:
    old = edited(sample("001"), PEOPLE, BANDS[4])
    assert "threshold-heavier" in [f.code for f in threshold_warnings(old)]  # 30万以上 on 様式3
    assert [f for f in _gate(BANDS[4], BANDS[4]) if f.code.startswith("threshold")] == []


def test_a_contractor_reaching_500_handlers_may_need_a_heavier_assessment() -> None:
    """様式3 has no 取扱者数; a 委託先 with 1,000人以上 proves ≥500 (RULES.md §6) → 全項目 in 10万–<30万."""
    # 003 (委託事項1 ②委託先における取扱者数 「10人未満」, III-7-② unread) put in the 10万–<30万 band
    old = edited(sample("003"), PEOPLE, BANDS[3])
    new = edited(
        old, ("Ⅱ 特定個人情報ファイルの概要", *ENTRUST[1:], "委託事項1", "②委託先における取扱者数"), "1,000人以上"
    )
    assert inputs(old) == (None, None) and inputs(new) == (True, None)
    assert [f.code for f in threshold_warnings(new) if f.level == "error"] == ["threshold-heavier"]
    moved = threshold_move(old, new)
    assert moved is not None and (moved.code, moved.level) == ("threshold-inputs-changed", "error")


@pytest.mark.parametrize("done", ["9999-06-01", "9995-03-01", "9999-12-31"])
def test_five_year_rule_near_year_9999_does_not_overflow(done: str) -> None:
    doc = edited(sample("001"), ("Ⅴ 評価実施手続", "1 基礎項目評価", "①実施日"), done)
    doc.meta = dataclasses.replace(doc.meta, published=dt.date.fromisoformat("9999-12-31"))
    assert reassessment_warning(doc) is None


def _band_revision(tmp_path: Path, old_band: str, new_band: str) -> list[str]:
    """001 as OLD (band old_band) and NEW (band new_band, with its 別添2 row, 事前 acknowledged)."""
    old, new = edited(sample("001"), PEOPLE, old_band), edited(sample("001"), PEOPLE, new_band)
    new.meta = dataclasses.replace(new.meta, published=dt.date.fromisoformat("2026-02-01"))
    row = ("令和8年1月15日", "I-1-③ 対象人数", old_band, new_band, "事前", "重要な変更の対象項目の変更のため。")
    new.history = [*new.history, HistoryRow(row, 999)]
    files = [tmp_path / "old.json", tmp_path / "new.json", tmp_path / "判断.yaml"]
    files[0].write_text(old.to_json(), encoding="utf-8")
    files[1].write_text(new.to_json(), encoding="utf-8")
    (change,) = diff(old, new, load_catalogue())
    files[2].write_text(
        "- 項目: Ⅰ 基本情報 1 特定個人情報ファイルを取り扱う事務 ③対象人数\n"
        f"  変更の指紋: {fingerprint(change)}\n  確認済み: true\n",
        encoding="utf-8",
    )
    return [str(f) for f in files]


def test_check_command_exits_1_naming_the_heavier_assessment(tmp_path: Path) -> None:
    old, new, decisions = _band_revision(tmp_path, BANDS[2], BANDS[3])
    result = CliRunner().invoke(app, ["check", old, new, "--decisions", decisions, "--date", "2026-01-15"])
    assert result.exit_code == 1
    assert "基礎項目評価及び全項目評価が必要になる可能性があります" in result.stdout
    # the same revision within 様式3's reach (RULES.md §6: 1万–<10万 needs at most 重点) may go out
    old, new, decisions = _band_revision(tmp_path, BANDS[1], BANDS[2])
    result = CliRunner().invoke(app, ["check", old, new, "--decisions", decisions, "--date", "2026-01-15"])
    assert result.exit_code == 0, result.stdout


def test_a_row_naming_an_entity_neither_version_has_is_not_called_unchanged() -> None:
    path = ("Ⅳ 開示請求、問合せ", "1 特定個人情報の開示・訂正・利用停止請求", "②請求方法")
    row = (
        "I 基本情報 2 特定個人情報ファイルを取り扱う事務において使用するシステム システム14",
        "—",
        "新システム",
        "事後",
        "x",
    )
    result = _revision(path, "郵送でも受け付ける。", row, 999)
    (found,) = [f for f in result.findings if f.line == 999]
    assert found.code == "row-item-not-found" and "どちらの版にも見つかりません" in found.message


@pytest.mark.parametrize(
    ("cell", "timing"),
    [
        ("事後", "事後"),
        ("事前", "事前"),
        ("事後（事前の届出は不要）", "事後"),  # the first word the cell names is its decision
        ("事前（事後の公表も行う）", "事前"),
        ("事前提出不要のため事後", "事後"),  # a 事前 the cell denies is no 事前
        ("事前提出の対象外(事後)", "事後"),
        ("事前の提出を要しない", "事後"),
        ("重要な変更のため事前", "事前"),
        ("事前の提出・公表が義務づけられないため事後", "事後"),
        ("事前提出の義務なし", "事後"),
        ("事前の提出は必要ありません", "事後"),
        ("事前提出対象ではないため事後", "事後"),
        ("事前の提出が必要な変更", "事前"),  # 必要な: needed, not denied
        ("事前の提出を要しません", "事後"),
        ("事前の提出が必要な変更ではないため事後", "事後"),
        ("事前の提出が必要ではない", "事後"),
        ("事前提出不要の変更には該当しない", "事前"),  # the denial denied
        ("事前でなくてもよい変更だが事前に提出", "事前"),
        ("事 前", "事前"),  # spacing and width do not matter
        ("事　後", "事後"),
        ("", None),
        ("提出済み", None),
    ],
)
def test_the_filed_timing_is_the_first_word_the_cell_names(cell: str, timing: str | None) -> None:
    from pia_diff.audit.published import filed_timing

    assert filed_timing(cell) == timing


def test_a_filed_after_with_a_remark_about_before_is_no_disagreement(tmp_path: Path) -> None:
    """003's 12 事後 rows (RULES.md §3: その他の項目の変更, 事後) written 「事後（事前の届出は不要）」: still 一致."""
    source = next(SEEDS.glob("003*.txt"))
    text = source.read_text(encoding="utf-8").replace("\t事後\t", "\t事後（事前の届出は不要）\t")
    assert text.count("事後（事前の届出は不要）") == 12
    (tmp_path / source.name).write_text(text, encoding="utf-8")
    (audited,) = audit_folder(tmp_path, workers=1)
    assert audited.counts["不整合"] == 0
    assert audited.result is not None
    assert {r["verdict"] for r in audited.result["rows"]} == {"一致"}


def _audit_with_dates(tmp_path: Path, dates: dict[int, str]) -> tuple[Audit, Audit]:
    """The sample's new version audited against the old one, as published and with the 変更日 of
    the given lines (1-based) rewritten; each of those lines was dated 令和5年11月6日."""
    from pia_diff.ingest import read_document

    sample_dir = Path(__file__).resolve().parent.parent / "samples" / "asahikawa"
    lines = (sample_dir / "new.txt").read_text(encoding="utf-8").split("\n")
    for number, date in dates.items():
        assert lines[number - 1].startswith("令和5年11月6日\t")
        lines[number - 1] = date + lines[number - 1].removeprefix("令和5年11月6日")
    edited = tmp_path / "new.txt"
    edited.write_text("\n".join(lines), encoding="utf-8")
    old = read_document(sample_dir / "old.txt")
    return audit(read_document(sample_dir / "new.txt"), CAT, TABLE, old), audit(read_document(edited), CAT, TABLE, old)


def test_a_row_with_an_empty_date_is_audited_and_belongs_to_the_revision_above_it(tmp_path: Path) -> None:
    """The 別添2 of the sample with the date of l.219 left empty (a date cell merged down in the
    original workbook): the row is still audited, said to lack its date, and still counts as a row
    of the 令和5年11月6日 revision when checked against the old version."""
    before, after = _audit_with_dates(tmp_path, {219: ""})
    assert len(after.rows) == len(before.rows)
    assert [r.verdict for r in after.rows] == [r.verdict for r in before.rows]
    added = [f for f in after.findings if f not in before.findings]
    assert [(f.code, f.line) for f in added] == [("history-no-date", 219)]
    assert [f for f in before.findings if f not in after.findings] == []


def test_an_unreadable_date_is_counted_with_the_revision_under_audit(tmp_path: Path) -> None:
    """l.218 dated 「令和5年11月」 (no day) and l.219 left empty: both rows still cover their changes
    against the old version; audit says which dates it could not read."""
    before, after = _audit_with_dates(tmp_path, {218: "令和5年11月", 219: ""})
    added = [(f.code, f.line) for f in after.findings if f not in before.findings]
    assert added == [("history-bad-date", 218), ("history-no-date", 219)]
    assert [f for f in before.findings if f not in after.findings] == []
    assert not after.errors


def test_a_snapshot_edited_between_two_audits_is_audited_as_it_now_is() -> None:
    """threshold_warnings remembers the threshold items it found only for its own call: a library user who
    corrects 対象人数 in a snapshot and audits again gets the band as corrected (しきい値判断, RULES.md §6)."""
    from pia_diff.audit.threshold import band_of
    from pia_diff.ingest import read_document

    snapshot = read_document(SEEDS / "001_842b3e857be94120.txt")
    before = {f.code for f in threshold_warnings(snapshot)}
    path = next(p for p in snapshot.fields if p[-1] == "③対象人数")
    assert band_of(snapshot) == "10万人以上30万人未満"
    snapshot.fields[path] = dataclasses.replace(snapshot.fields[path], value="30万人以上")
    assert band_of(snapshot) == "30万人以上"
    after = {f.code for f in threshold_warnings(snapshot)}
    assert after != before
    assert after == {f.code for f in threshold_warnings(dataclasses.replace(snapshot, fields=dict(snapshot.fields)))}
