"""Free-text 項目 of the samples' own 別添2 tables → form items (pinned; resolution rate reported)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pia_diff.audit.resolve import resolve
from pia_diff.catalogue import load_catalogue
from pia_diff.ingest import read_document

from .conftest import check_golden, seed

CAT = load_catalogue()
GOLDEN = Path(__file__).resolve().parent / "golden"


def _resolutions(prefix: str) -> list[dict[str, object]]:
    out = []
    for row in read_document(seed(prefix)).history:
        found = resolve(row.cells[1], CAT)
        out.append(
            {"行": row.line, "項目": row.cells[1], "level": found.level, "paths": [" / ".join(p) for p in found.paths]}
        )
    return out


@pytest.mark.parametrize("prefix", ["001", "003"])
def test_published_rows_resolve_to_the_items_a_person_would_choose(prefix: str, update_golden: bool) -> None:
    """Golden files reviewed by eye row by row against the tables (lines 214-234 of 003, 348-421 of 001)."""
    golden = GOLDEN / f"resolve_{prefix}.json"
    check_golden(golden, _resolutions(prefix), update_golden)


def test_resolution_rates() -> None:
    rates = {p: [r["level"] != "unresolved" for r in _resolutions(p)] for p in ("001", "003")}
    assert (sum(rates["003"]), len(rates["003"])) == (18, 18)
    # 001 l.384 「V 評価実施一手手続き①実施日」: ①実施日 is in V-1 and V-3 and the heading is garbled
    assert (sum(rates["001"]), len(rates["001"])) == (60, 61)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I-6-② 所属長", "Ⅰ 基本情報 / 6 評価実施機関における担当部署 / ②所属長の役職名"),
        (
            "II 特定個人情報ファイルの概要－2基本情報－③対象となる本人の範囲",
            "Ⅱ 特定個人情報ファイルの概要 / 2 基本情報 / ③対象となる本人の範囲",
        ),
        ("Ⅱ 特定個人情報ファイルの概要 ②基本情報 ⑤保有開始", "Ⅱ 特定個人情報ファイルの概要 / 2 基本情報 / ⑤保有開始日"),
        ("<p>III リスク対策 8 監査 実施の有無</p>", "Ⅲ リスク対策 / 8 監査 / 実施の有無"),
        (
            "Ⅱ 特定個人情報ファイルの概要 4 特定個人情報ファイルの取扱いの委託 委託事項1 ④再委託の有無",
            "Ⅱ 特定個人情報ファイルの概要 / 4 特定個人情報ファイルの取扱いの委託 / 委託事項1 / ④再委託の有無",
        ),
        (
            "II 特定個人情報ファイルの概要-5. 特定個人情報の提供・移転(委託に伴うものを除く。)一提供先①-①法令上の根拠",
            "Ⅱ 特定個人情報ファイルの概要 / 5 特定個人情報の提供・移転(委託に伴うものを除く。) / 提供先1 / ①法令上の根拠",
        ),
    ],
)
def test_spellings_seen_in_real_tables(text: str, expected: str) -> None:
    found = resolve(text, CAT)
    assert [" / ".join(p) for p in found.paths] == [expected]


def test_several_items_in_one_cell() -> None:
    found = resolve("I-2-システム2 ①システムの名称 ②システムの機能", CAT)
    assert [p[-2:] for p in found.paths] == [("システム2", "①システムの名称"), ("システム2", "②システムの機能")]


@pytest.mark.parametrize("text", ["", "その他", "別表の変更", "Ⅵ 存在しない部 1 何か"])
def test_unresolvable_text_is_not_forced_onto_an_item(text: str) -> None:
    assert not resolve(text, CAT).resolved


SYSTEMS = "Ⅰ 基本情報 / 2 特定個人情報ファイルを取り扱う事務において使用するシステム"
ENTRUST = "Ⅱ 特定個人情報ファイルの概要 / 4 特定個人情報ファイルの取扱いの委託"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 003 l.218, verbatim: the whole entity, not its 名称 and not the whole part
        ("II 特定個人情報ファイルの概要 4 特定個人情報ファイルの取扱いの委託 委託事項1", f"{ENTRUST} / 委託事項1"),
        # 003 l.216's abbreviation 「I-2-システム2」 without items
        ("I-2-システム14", f"{SYSTEMS} / システム14"),
        # 001 l.385's spelling cut at the entity
        (
            "I 基本情報－2特定個人情報ファイルを取り扱う事務において使用するシステム－システム14",
            f"{SYSTEMS} / システム14",
        ),
        # no section named: the entity names it (the title match alone picks 「1 特定個人情報ファイル名」)
        ("Ⅱ 特定個人情報ファイルの概要 委託事項2", f"{ENTRUST} / 委託事項2"),
        ("Ⅰ 基本情報 システム14", f"{SYSTEMS} / システム14"),
    ],
)
def test_a_row_naming_a_whole_entity_resolves_to_that_entity(text: str, expected: str) -> None:
    found = resolve(text, CAT)
    assert ([" / ".join(p) for p in found.paths], found.level) == ([expected], "entity")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 001 l.369: 主な記録項目 sits under the ④記録される項目 row; the leaf, not ④記録される項目
        (
            "II 特定個人情報ファイルの概要－2基本情報－④記録される項目－主な記録項目",
            "Ⅱ 特定個人情報ファイルの概要 / 2 基本情報 / 主な記録項目",
        ),
        # 001 l.354 with the abbreviation of 003 l.214 「I-1-② 事務の内容」
        ("Ⅱ－3－①入手元", "Ⅱ 特定個人情報ファイルの概要 / 3 特定個人情報の入手・使用 / ①入手元"),
        # 001 l.396: ⑤使用方法 is the row above 情報の突合
        (
            "II 特定個人情報ファイルの概要ー③特定個人情報の入手・使用ー⑤使用方法ー情報の突合",
            "Ⅱ 特定個人情報ファイルの概要 / 3 特定個人情報の入手・使用 / 情報の突合",
        ),
        # an item inside an entity named without its heading
        ("Ⅱ 特定個人情報ファイルの概要 委託事項2 ③委託先名", f"{ENTRUST} / 委託事項2 / ③委託先名"),
    ],
)
def test_intermediate_levels_resolve_to_the_leaf_they_name(text: str, expected: str) -> None:
    found = resolve(text, CAT)
    assert ([" / ".join(p) for p in found.paths], found.level) == ([expected], "item")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the part's own name reads like '1. 特定個人情報ファイル名'; it once took this row there
        ("Ⅱ 特定個人情報ファイルの概要 ①委託内容", None),  # which 委託事項 is not said: not guessed
        (
            "Ⅱ 特定個人情報ファイルの概要 1 特定個人情報ファイル名",
            ("Ⅱ 特定個人情報ファイルの概要", "1 特定個人情報ファイル名"),
        ),
        # no section named: an item label only one item of the part has still names it
        ("Ⅳ ②請求方法", ("Ⅳ 開示請求、問合せ", "1 特定個人情報の開示・訂正・利用停止請求", "②請求方法")),
        ("V 評価実施 ②しきい値判断結果", ("Ⅴ 評価実施手続", "1 基礎項目評価", "②しきい値判断結果")),
        ("V 評価実施一手手続き①実施日", None),  # ①実施日 is in Ⅴ-1 and Ⅴ-3
        # ④再委託の有無 holds 委託の有無 (Ⅱ-4's heading item): the longer label is meant, in a 委託事項
        ("Ⅱ 特定個人情報ファイルの概要 ④再委託の有無", None),
    ],
)
def test_a_row_without_its_section_resolves_only_when_one_item_fits(
    text: str, expected: tuple[str, ...] | None
) -> None:
    found = resolve(text, load_catalogue())
    assert found.paths == ((expected,) if expected else ())
