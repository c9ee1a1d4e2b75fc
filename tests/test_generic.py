"""The generic reader: the document's own structure, validated against the 様式3 catalogue."""

from __future__ import annotations

import json

import pytest

from pia_diff.agreement import case_agreement, document_agreement
from pia_diff.errors import InputError
from pia_diff.generic import STAR_PATHS, segment, star_paths
from pia_diff.ingest import parse_bytes, read_document

from .conftest import CASES, seed

RISK7 = ("Ⅲ リスク対策", "7 特定個人情報の保管・消去", "リスク: 特定個人情報の漏えい・滅失・毀損リスク")


def test_segments_follow_the_catalogue_spelling() -> None:
    assert segment("III リスク対策 ※(7. ②を除く。)") == "Ⅲ リスク対策"
    assert segment("4. 個人番号の利用 ※") == "4 個人番号の利用"
    assert segment("リスク：目的外の入手が行われるリスク") == "リスク: 目的外の入手が行われるリスク"
    assert segment("5. 特定個人情報の提供・移転（委託に伴うものを除く。）") == (
        "5 特定個人情報の提供・移転(委託に伴うものを除く。)"
    )


def test_generic_snapshot_says_how_it_was_read() -> None:
    snapshot = read_document(seed("001"), form="generic")
    assert snapshot.meta["読み取り方"] == "generic"
    assert snapshot.meta["※の出典"] == "文書"
    assert snapshot.meta["様式"] == "様式3"
    stars = star_paths(snapshot)
    # ※ beside the section heading (「4. 個人番号の利用 ※」) covers its items
    assert ("Ⅰ 基本情報", "4 個人番号の利用", "法令上の根拠") in stars
    # ※ beside the item itself
    assert ("Ⅱ 特定個人情報ファイルの概要", "2 基本情報", "①ファイルの種類") in stars
    assert ("Ⅱ 特定個人情報ファイルの概要", "2 基本情報", "②対象となる本人の数") not in stars
    # 「Ⅲ リスク対策 ※(7. ②を除く。)」: the whole part, except 7.② and its detail rows
    assert (*RISK7, "①事故発生時手順の策定・周知") in stars
    assert (*RISK7, "②過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか") not in stars
    assert (*RISK7, "その内容") not in stars
    assert (*RISK7, "再発防止策の内容") not in stars
    assert (*RISK7, "その他の措置の内容") in stars
    assert all(isinstance(p, list) for p in snapshot.meta[STAR_PATHS])  # plain JSON


def test_generic_reading_keeps_repeating_blocks_and_the_change_table() -> None:
    snapshot = read_document(seed("003"), form="generic")
    entrust = ("Ⅱ 特定個人情報ファイルの概要", "4 特定個人情報ファイルの取扱いの委託", "委託事項1")
    assert snapshot.fields[(*entrust, "名称")].value == "COKAS-i国民年金システムのオペレーション業務委託"
    assert snapshot.fields[(*entrust, "④再委託の有無")].value == "再委託する"
    assert "委託事項" in snapshot.meta["繰り返し"]
    assert snapshot.meta["変更箇所の表"] == "(別添2) 変更箇所"
    assert snapshot.history[0].cells[0] == "令和3年3月31日"
    assert snapshot.history[-1].cells[4] == "事後"


def test_generic_agrees_with_the_catalogue_on_the_form3_samples() -> None:
    first = document_agreement(seed("001").read_bytes(), "001.txt")
    second = document_agreement(seed("003").read_bytes(), "003.txt")
    total = first + second
    assert total.item_rate >= 0.95, total.missed
    assert total.star_rate == 1.0, total.star_mismatches
    assert first.missed == []  # 001 has every heading: every item found
    # 003's extract lost the heading of II-5, so 移転先1 lands under II-4 (8 items + its name),
    # and the document words III-3 リスク1 differently from the form (2 items).
    assert len(second.missed) == 10
    assert all("移転先1" in path or "リスク1" in path[2] for path in second.missed)
    assert total.value_rate >= 0.95


def test_generic_gives_the_same_rows_on_every_form3_case() -> None:
    results = case_agreement(CASES)
    assert "asahikawa_r5" in results
    for name, (same, count) in results.items():
        assert same == count, name


def test_form_option_forces_a_catalogue_or_refuses_an_unknown_one() -> None:
    data = seed("003").read_bytes()
    forced = parse_bytes(data, "003.txt", form="form3_r6_10")
    assert forced.meta["様式"] == "様式3" and "読み取り方" not in forced.meta
    with pytest.raises(InputError, match="form9"):
        parse_bytes(data, "003.txt", form="form9")


def test_generic_refuses_text_without_structure() -> None:
    text = "特定個人情報保護評価書(基礎項目評価書)\n評価書番号\t評価書名\n"
    with pytest.raises(InputError, match="基礎項目評価書"):
        parse_bytes(text.encode("utf-8"), "kiso.txt")


def test_every_reading_command_takes_form_and_says_generic() -> None:
    from typer.testing import CliRunner

    from pia_diff.cli import app

    runner = CliRunner()
    doc = str(seed("003"))
    for args in (["show", doc], ["audit", doc], ["diff", doc, doc], ["check", doc, doc]):
        result = runner.invoke(app, [*args, "--form", "generic"])
        assert result.exit_code in (0, 1), (args, result.stderr)
        assert "読み取り方: generic" in result.stderr, args
        assert "文書に印刷された ※" in result.stderr, args
        plain = runner.invoke(app, args)
        assert "読み取り方: generic" not in plain.stderr, args
    imported = runner.invoke(app, ["import", doc, "--form", "generic"])
    assert json.loads(imported.stdout)["meta"]["読み取り方"] == "generic"
    wrong = runner.invoke(app, ["show", doc, "--form", "form9"])
    assert wrong.exit_code == 2 and "form3_r6_10" in wrong.stderr
