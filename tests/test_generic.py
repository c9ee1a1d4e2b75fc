"""The generic reader: the document's own structure, validated against the 様式3 catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pia_diff.errors import InputError
from pia_diff.ingest import parse_bytes, read_document
from pia_diff.ingest.generic import segment, star_paths

from .agreement import case_agreement, document_agreement
from .conftest import CASES, ROOT, seed

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
    assert snapshot.meta.to_json()["読み取り方"] == "generic"
    assert snapshot.meta.to_json()["※の出典"] == "文書"
    assert snapshot.meta.to_json()["様式"] == "様式3"
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
    assert all(isinstance(p, list) for p in snapshot.meta.to_json()["※項目"])  # plain JSON


def test_generic_reading_keeps_repeating_blocks_and_the_change_table() -> None:
    snapshot = read_document(seed("003"), form="generic")
    entrust = ("Ⅱ 特定個人情報ファイルの概要", "4 特定個人情報ファイルの取扱いの委託", "委託事項1")
    assert snapshot.fields[(*entrust, "名称")].value == "COKAS-i国民年金システムのオペレーション業務委託"
    assert snapshot.fields[(*entrust, "④再委託の有無")].value == "再委託する"
    assert "委託事項" in snapshot.meta.to_json()["繰り返し"]
    assert snapshot.meta.to_json()["変更箇所の表"] == "(別添2) 変更箇所"
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
    assert total.value_rate == 1.0, total.value_mismatches


def test_generic_gives_the_same_rows_on_every_form3_case() -> None:
    results = case_agreement(CASES)
    assert "asahikawa_r5" in results
    for name, (same, count) in results.items():
        assert same == count, name


def test_form_option_forces_a_catalogue_or_refuses_an_unknown_one() -> None:
    data = seed("003").read_bytes()
    forced = parse_bytes(data, "003.txt", form="form3_r6_10")
    assert forced.meta.to_json()["様式"] == "様式3" and "読み取り方" not in forced.meta.to_json()
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


FORMS = CASES.parent / "data" / "forms"


def test_form4_and_form2_are_recognised_and_read_generically() -> None:
    full = read_document(FORMS / "form4_new.txt")
    assert full.meta.to_json()["読み取り方"] == "generic" and full.meta.to_json()["様式"] == "様式4"
    # in 様式4 the change table is (別添3); (別添2) is the file's 記録項目 list, an item
    assert full.meta.to_json()["変更箇所の表"] == "(別添3) 変更箇所"
    assert [row.cells[0] for row in full.history] == ["令和5年4月1日", "令和7年4月1日"]
    assert ("(別添2) 特定個人情報ファイル記録項目",) in full.fields
    stars = star_paths(full)
    assert ("Ⅰ 基本情報", "1 特定個人情報ファイルを取り扱う事務", "②事務の内容") in stars
    assert ("Ⅰ 基本情報", "1 特定個人情報ファイルを取り扱う事務", "①事務の名称") not in stars
    assert ("Ⅳ その他のリスク対策", "3 その他のリスク対策") in stars  # 「IV その他のリスク対策 ※」
    assert not any(path[0].startswith("Ⅴ") for path in stars)
    basic = read_document(FORMS / "form2_new.txt")
    assert basic.meta.to_json()["様式"] == "様式2" and star_paths(basic) == frozenset()
    people = ("Ⅱ しきい値判断項目", "1 対象人数", "評価対象の事務の対象人数は何人か")
    assert basic.fields[people].value == "10万人以上30万人未満"


def test_an_older_edition_matches_the_current_one_by_the_catalogue_aliases() -> None:
    current = seed("001").read_text(encoding="utf-8")
    older = current.replace("I 基本情報", "I 関連情報").replace("②所属長の役職名\t", "②所属長\t")
    assert older != current
    import datetime as dt

    from pia_diff.pipeline import compare

    old = parse_bytes(older.encode("utf-8"), "older.txt")
    new = parse_bytes(current.encode("utf-8"), "001.txt")
    head = ("Ⅰ 基本情報", "6 評価実施機関における担当部署", "②所属長の役職名")
    assert old.fields[head].value == new.fields[head].value == "国民年金課長"
    assert compare(old, new, dt.date(2025, 12, 26)).rows == []  # a pure rename is no change


def test_form2_rules_take_effective_dates_and_flag_the_threshold() -> None:
    from pia_diff.compare.rules import Facts, load_rules_for

    table = load_rules_for("様式2")
    assert table.form == "様式2" and load_rules_for("様式4").form == "様式3"
    part = "Ⅱ しきい値判断項目"
    assert table.decide(Facts(star=False, part=part, threshold=False, effective_later=True)).id == "EFFECTIVE-LATER"
    assert table.decide(Facts(star=True, part=part, threshold=True)).id == "THRESHOLD"
    # no ※ in 様式2: even a change the document would mark is a 修正
    assert table.decide(Facts(star=True, part=part, threshold=False)).timing == "事後"
    assert table.is_threshold(("Ⅱ しきい値判断項目", "2 取扱者数", "特定個人情報ファイル取扱者数は500人以上か"))
    assert not table.is_threshold(("Ⅰ 関連情報", "5 評価実施機関における担当部署", "①部署"))


def test_a_generic_document_round_trips_through_its_workbook(tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from pia_diff.cli import app
    from pia_diff.pipeline import compare

    book = tmp_path / "work.xlsx"
    result = CliRunner().invoke(app, ["export", str(FORMS / "form4_new.txt"), "-o", str(book)])
    assert result.exit_code == 0, result.stderr
    published = read_document(FORMS / "form4_new.txt")
    # laid out by the document's own parts, not 様式3's
    assert load_workbook(book).sheetnames[:3] == ["表紙", "Ⅰ 基本情報", "(別添1) 事務の内容"]
    assert compare(published, read_document(book), dt.date(2025, 4, 1)).rows == []
    workbook = load_workbook(book)
    sheet = workbook["Ⅱ 特定個人情報ファイルの概要"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "④再委託の有無 ※")
    sheet.cell(row, 2).value = "再委託しない"
    workbook.save(book)
    rows = compare(published, read_document(book), dt.date(2025, 4, 1)).rows
    assert [(r.項目.split()[-1], str(r.提出時期)) for r in rows] == [("④再委託の有無", "事前")]


def test_a_value_read_as_a_heading_in_one_version_is_compared_as_one_item() -> None:
    from pia_diff.compare.docform import reconcile
    from pia_diff.model import DocumentMeta, GenericReading
    from pia_diff.snapshot import Field, Snapshot
    from pia_diff.values import Certainty

    head = ("Ⅰ 基本情報", "3 特定個人情報ファイル名")
    meta = DocumentMeta(generic=GenericReading())
    one = Snapshot(meta, {head: Field(head, "住民基本台帳ファイル", 1, Certainty.OK)})
    other = Snapshot(
        meta, {(*head, "住民基本台帳ファイル"): Field((*head, "住民基本台帳ファイル"), "", 1, Certainty.OK)}
    )
    a, b = reconcile(one, other)
    assert a.fields == one.fields
    assert list(b.fields) == [head] and b.fields[head].value == "住民基本台帳ファイル"


def test_audit_of_a_form4_document_resolves_its_own_rows_and_finds_the_missing_ones() -> None:
    from typer.testing import CliRunner

    from pia_diff.cli import app

    result = CliRunner().invoke(
        app, ["audit", str(FORMS / "form4_new.txt"), "--against", str(FORMS / "form4_old.txt"), "--format", "json"]
    )
    assert result.exit_code == 1, result.stderr  # rows are missing: 要対応
    report = json.loads(result.stdout)
    # 様式4 numbers 開示請求、問合せ Ⅴ (様式3: Ⅳ); the row resolves to the document's own item
    assert [(r["item_path"][-1], r["verdict"]) for r in report["rows"]] == [
        ("②対応方法", "一致"),
        ("②システムの機能", "一致"),
    ]
    missing = [f["項目"].split()[-1] for f in report["findings"] if f["code"] == "change-without-row"]
    # the hand-made edits of form4_new.txt other than システム1 ②システムの機能, which has its row
    assert missing == ["④再委託の有無", "①保管場所", "特定個人情報ファイル記録項目", "②監査", "①請求先"]


def test_an_exported_form3_workbook_is_read_generically_item_for_item() -> None:
    from pia_diff.catalogue import load_catalogue
    from pia_diff.report.export import export_bytes

    catalogue = load_catalogue()
    document = read_document(seed("001"))
    book = export_bytes(document, catalogue)
    result = document_agreement(book, "001.xlsx")
    # every item at its place (④使用の主体 alone on its row, its parts below it), '[選択]' read as the option
    assert result.missed == [] and result.items == 134
    assert result.value_rate == 1.0, result.value_mismatches
    # the workbook prints ※ beside every ※ item: read generically, those are the document's marks
    starred = star_paths(parse_bytes(book, "001.xlsx", form="generic"))
    expected = {p for p in document.fields if p[0] != "表紙" and (node := catalogue.node_at(p)) and node.star}
    assert starred == expected
    # 7 ②: a ※ part's one exception carries no mark
    assert not any(p[-1].startswith("②過去3年以内") for p in starred)


def test_a_generic_snapshot_read_back_from_json_keeps_its_marks_and_order() -> None:
    import datetime as dt

    from pia_diff.pipeline import compare

    text_old = read_document(FORMS / "form4_old.txt")
    json_old = parse_bytes(text_old.to_json().encode("utf-8"), "old.json")
    assert star_paths(json_old) == star_paths(text_old)
    new = read_document(FORMS / "form4_new.txt")
    from_text = [(r.項目, r.提出時期) for r in compare(text_old, new, dt.date(2025, 4, 1)).rows]
    from_json = [(r.項目, r.提出時期) for r in compare(json_old, new, dt.date(2025, 4, 1)).rows]
    assert from_json == from_text and len(from_text) == 6


def test_a_form3_text_the_catalogue_does_not_fit_falls_back_to_its_own_structure() -> None:
    # labels of no catalogue, but the document's own numbering and ※ marks
    lines = ["特定個人情報保護評価書(重点項目評価書)", "I 概要"]
    for n in range(1, 5):
        lines += [f"{n}. 区分{n}", f"①項目{n}の一 ※\t値{n}a", f"②項目{n}の二\t値{n}b", f"③項目{n}の三\t値{n}c"]
    snapshot = parse_bytes("\n".join(lines).encode("utf-8"), "other.txt")
    assert snapshot.meta.to_json()["読み取り方"] == "generic" and snapshot.meta.to_json()["様式"] == "様式3"
    assert snapshot.fields[("Ⅰ 概要", "2 区分2", "②項目2の二")].value == "値2b"
    assert star_paths(snapshot) == {("Ⅰ 概要", f"{n} 区分{n}", f"①項目{n}の一") for n in range(1, 5)}


def test_parts_that_repeat_per_file_get_file_keys_like_the_catalogue() -> None:
    text = seed("003").read_text(encoding="utf-8")
    start, end = text.index("II 特定個人情報ファイルの概要\n\n1."), text.index("IV 開示請求、問合せ\n\n1.")
    second = text[start:end].replace("国民年金情報ファイル", "国民年金資格ファイル")
    two = (text[:end] + second + text[end:]).encode("utf-8")
    generic = parse_bytes(two, "two.txt", form="generic")
    assert generic.meta.to_json()["files"] == {"(1)": "国民年金情報ファイル", "(2)": "国民年金資格ファイル"}
    annex = [path for path in generic.fields if path[0] == "(別添1) 特定個人情報ファイル記録項目"]
    assert annex == [("(別添1) 特定個人情報ファイル記録項目", "(1)"), ("(別添1) 特定個人情報ファイル記録項目", "(2)")]
    assert str(generic.fields[annex[1]].value).startswith("○宛名情報")  # the annex is one text, per file
    result = document_agreement(two, "two.txt")
    assert result.star_rate == 1.0
    # only 003's own two defects (see above), once per file
    assert len(result.missed) == 20
    assert all("移転先1" in path or "リスク1" in path[3] for path in result.missed)


def test_folder_audit_reads_a_form4_document_by_its_own_tree() -> None:
    from pia_diff.audit.batch import audit_file

    result = audit_file(str(FORMS / "form4_new.txt")).result
    assert result is not None
    paths = [row["item_path"] for row in result["rows"]]
    assert paths[0] == ["Ⅴ 開示請求、問合せ", "2 特定個人情報ファイルの取扱いに関する問合せ", "②対応方法"]


def test_the_part_wide_star_exception_holds_in_every_file() -> None:
    text = seed("001").read_text(encoding="utf-8")
    start, end = text.rindex("II 特定個人情報ファイルの概要\n"), text.rindex("IV 開示請求、問合せ\n")  # the body's
    two = (text[:end] + text[start:end].replace("国民年金情報ファイル", "国民年金資格ファイル") + text[end:]).encode()
    result = document_agreement(two, "two.txt")
    assert result.missed == [] and result.star_rate == 1.0, result.star_mismatches
    stars = star_paths(parse_bytes(two, "two.txt", form="generic"))
    for file in ("(1)", "(2)"):
        assert ("Ⅲ リスク対策", file, *RISK7[1:], "その内容") not in stars
        assert ("Ⅲ リスク対策", file, *RISK7[1:], "その他の措置の内容") in stars


@pytest.mark.parametrize("trial", range(12))
def test_mangled_documents_are_read_or_refused_never_crash(trial: int) -> None:
    """Lines deleted, repeated, re-tabbed or indented at random: a snapshot or an InputError."""
    import datetime as dt
    import random

    from pia_diff.pipeline import compare

    rng = random.Random(trial)
    sources = [seed("001"), seed("003"), FORMS / "form4_old.txt", FORMS / "form2_old.txt"]
    lines = sources[trial % len(sources)].read_text(encoding="utf-8").split("\n")

    def mangle() -> bytes:
        out = list(lines)
        for _ in range(rng.randint(1, 40)):
            i = rng.randrange(len(out))
            action = rng.randrange(4)
            if action == 0:
                del out[i]
            elif action == 1:
                out.insert(i, rng.choice(out))
            elif action == 2:
                out[i] = out[i].replace("\t", " ")
            else:
                out[i] = "\t" + out[i]
        return "\n".join(out).encode("utf-8")

    try:
        old = parse_bytes(mangle(), "old.txt", form="generic")
        new = parse_bytes(mangle(), "new.txt", form=rng.choice([None, "generic"]))
    except InputError:
        return
    compare(old, new, dt.date(2025, 1, 1))


@pytest.mark.parametrize("form", [None, "generic"])
def test_both_readers_keep_every_row_of_the_change_table(form: str | None) -> None:
    """Issue 19: one assembler reads the 別添2 table for both readers. The 旭川 sample (18 rows) with
    two rows added by hand after l.217 — one with no 変更日 (merged from above), one dated 「令和3年3月」
    (no day: no date) — gives 20 rows whichever reader reads it, nothing dropped or reported."""
    lines = (ROOT / "samples" / "asahikawa" / "new.txt").read_text(encoding="utf-8").split("\n")
    explain = "その他の項目の変更であり、事前の提出・公表が義務付けられない。"
    added = [
        f"\tⅣ 開示請求、問合せ 1 特定個人情報の開示・訂正・利用停止請求 ②請求方法\t窓口\t窓口又は郵送\t事後\t{explain}",
        f"令和3年3月\tⅠ 基本情報 6 評価実施機関における担当部署 ①部署\t市民課\t国民年金課\t事後\t{explain}",
    ]
    data = "\n".join([*lines[:217], *added, *lines[217:]]).encode("utf-8")
    snapshot = parse_bytes(data, "new.txt", form=form)
    assert len(snapshot.history) == 20
    assert [row.cells[0] for row in snapshot.history[4:6]] == ["", "令和3年3月"]
    assert snapshot.meta.unplaced == ()
