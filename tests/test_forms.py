"""The form registry (issue 19): every form's facts come from data/forms.yaml, and each is used."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pia_diff.audit.published import audit
from pia_diff.audit.threshold import evidence, threshold_warnings
from pia_diff.compare.docform import for_audit, form_context
from pia_diff.forms import Level, path_matcher, path_matches, registry, vocabulary
from pia_diff.ingest import read_document

from .conftest import DATA

FORMS = DATA / "forms"


def test_each_form_has_its_level_rules_and_change_table_title() -> None:
    """RULES.md §1: 様式2 基礎, 様式3 重点, 様式4 全項目; 様式4's change table is (別添3)."""
    found = {f.id: (f.name, f.level, f.rules_file, f.history_table) for f in registry().forms}
    assert found == {
        "様式2": ("基礎項目評価書", Level.BASIC, "rules_form2.yaml", "(別添2) 変更箇所"),
        "様式3": ("重点項目評価書", Level.FOCUSED, "rules_form3.yaml", "(別添2) 変更箇所"),
        "様式4": ("全項目評価書", Level.FULL, "rules_form3.yaml", "(別添3) 変更箇所"),
    }
    assert registry().form("様式4").history_sheet == "別添3 変更箇所"  # type: ignore[union-attr]
    assert registry().default.id == "様式3" and registry().catalogues == ("form3_r6_10",)


@pytest.mark.parametrize(
    ("title", "form"),
    [
        ("特定個人情報保護評価書(全項目評価書)", "様式4"),
        ("特定個人情報保護評価書（基礎項目評価書）", "様式2"),  # full-width brackets
        ("特定個人情報保護評価書(重点項目評価書)", "様式3"),
        ("特定個人情報保護評価書", None),
    ],
)
def test_a_title_names_its_form(title: str, form: str | None) -> None:
    named = registry().named_in(title)
    assert (named.id if named else None) == form


def test_path_words_match_in_order_only() -> None:
    path = ("Ⅱ しきい値判断項目", "1 対象人数", "評価対象の事務の対象人数は何人か")
    assert path_matches(path, ("しきい値判断項目", "対象人数"))
    assert not path_matches(path, ("対象人数", "しきい値判断項目"))  # order counts
    assert not path_matches(path, ("取扱者数",))
    assert not path_matches(path, ())  # no words name nothing


_SEGMENTS = st.sampled_from(["Ⅱ しきい値判断項目", "1 対象人数", "対象人数", "取扱者数", "人数", "", "Ⅰ 基本情報"])
_WORDS = st.sampled_from(["しきい値判断項目", "対象人数", "取扱者数", "人数", "Ⅰ", "1"])


@settings(max_examples=300, deadline=None)
@given(
    paths=st.lists(st.lists(_SEGMENTS, max_size=5).map(tuple), max_size=12),
    words=st.lists(_WORDS, max_size=4).map(tuple),
)
def test_the_matcher_over_many_paths_is_path_matches(paths: list[tuple[str, ...]], words: tuple[str, ...]) -> None:
    """path_matcher remembers what each parent holds: for any paths (sharing parents or not), in any
    order, it answers as path_matches does (the threshold items of しきい値判断 are found by it)."""
    matches = path_matcher(words)
    assert [matches(path) for path in paths] == [path_matches(path, words) for path in paths]


@pytest.mark.parametrize("text", ["—", "－", "-", "―", "‐", "空欄", " — ", "ー"])
def test_every_empty_cell_marker_is_empty(text: str) -> None:
    """Issue 17 §7: the ways documents write an empty cell are one empty value."""
    assert vocabulary().is_empty(text)


@pytest.mark.parametrize("text", ["—あり", "なし", "0", "-1"])
def test_text_beside_a_dash_is_not_empty(text: str) -> None:
    assert not vocabulary().is_empty(text)


def test_a_form2_document_is_judged_by_form2_thresholds() -> None:
    """様式2's own しきい値 items (対象人数, 取扱者数, 重大事故) are read: no 'threshold-unknown'."""
    new = read_document(FORMS / "form2_new.txt")
    found = evidence(new)
    # form2_new: 対象人数 10万人以上30万人未満, 取扱者数 500人未満, 重大事故 発生なし (lines 39, 42, 45)
    assert (found.bands, found.handlers, found.incident) == ((3, 3), False, False)
    codes = [f.code for f in threshold_warnings(new)]
    assert "threshold-unknown" not in codes
    # RULES.md §6: 10万–<30万 without a trigger needs 基礎+重点, heavier than 様式2 (基礎)
    assert codes == ["threshold-heavier"]
    old = read_document(FORMS / "form2_old.txt")
    catalogue, table, _ = form_context(new, old)
    result = audit(new, for_audit(catalogue), table, old)
    moved = [f for f in result.findings if f.code == "band-moved"]
    assert moved and moved[0].項目 is not None and "しきい値判断項目" in moved[0].項目


def test_a_form4_comparison_writes_its_change_table_as_bekkten3(tmp_path: object) -> None:
    """Issue 19: 様式4's change table is (別添3) (RULES.md §1): the workbook `diff -o` writes says so."""
    import datetime as dt
    import io

    from openpyxl import load_workbook

    from pia_diff.pipeline import compare_files
    from pia_diff.report.excel import workbook_bytes

    result = compare_files(FORMS / "form4_old.txt", FORMS / "form4_new.txt", dt.date(2026, 4, 1))
    assert result.table_title == "(別添3) 変更箇所"
    book = load_workbook(io.BytesIO(workbook_bytes(result.old.history, result.rows, [], result.table_title)))
    assert book.sheetnames[0] == "別添3 変更箇所"
    assert book.worksheets[0]["A1"].value == "（別添3）変更箇所"
    form3 = compare_files(
        DATA / "seeds" / "003_74a771ded86e46c6.txt", DATA / "seeds" / "003_74a771ded86e46c6.txt", dt.date(2026, 4, 1)
    )
    assert form3.table_title == "(別添2) 変更箇所"
