"""Issue 9 on real revisions: every printed part of a choice counts (「(n) 件」, text beside it)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path as FsPath

import pytest
from typer.testing import CliRunner

from pia_diff.catalogue import load_catalogue
from pia_diff.cli import app
from pia_diff.compare.classify import Options, classify
from pia_diff.compare.diff import diff, differences
from pia_diff.compare.gaps import gaps
from pia_diff.compare.rules import Timing, load_rules
from pia_diff.ingest import parse_bytes, parse_text, read_document
from pia_diff.model import CheckboxSet, UnplacedBlock
from pia_diff.pipeline import compare_files
from pia_diff.report.export import export_bytes
from pia_diff.snapshot import Snapshot
from pia_diff.values import Certainty, choice_option, read_choice

from .conftest import ROOT, seed

CAT = load_catalogue()
ENTRUST = ("委託する", "委託しない")
NEW = ROOT / "samples" / "asahikawa" / "new.txt"
# 003 l.75, as published: 「委託の有無 ※ ⇥ [委託する] <選択肢> 1) 委託する 2) 委託しない (1) 件」
LINE_75 = "委託の有無 ※\t[委託する] <選択肢> 1) 委託する 2) 委託しない (1) 件\t"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("[委託する] <選択肢> 1) 委託する 2) 委託しない (1) 件", "委託する (1) 件"),
        ("[委託する] <選択肢> 1) 委託する 2) 委託しない (１２) 件", "委託する (12) 件"),
        ("[委託しない] <選択肢> 1) 委託する 2) 委託しない () 件", "委託しない"),  # 001 l.127: no count
        ("[委託する] 令和8年4月から <選択肢> 1) 委託する 2) 委託しない (1) 件", "委託する 令和8年4月から (1) 件"),
        ("[実施しない]\t<選択肢> 1) 実施する 2) 実施しない 3) 未定", "実施しない"),
    ],
)
def test_a_choice_keeps_every_printed_part(raw: str, value: str) -> None:
    options = ENTRUST if "委託" in raw else ("実施する", "実施しない", "未定")
    reading = read_choice(options, raw)
    assert reading.value == value
    assert reading.certainty is Certainty.OK
    assert choice_option(reading.value, options) == value.split()[0]


def _asahikawa(line_75: str) -> Snapshot:
    text = NEW.read_text(encoding="utf-8")
    assert LINE_75 in text
    return parse_text(text.replace(LINE_75, line_75), "new.txt")


def test_a_changed_count_is_a_change_filed_before() -> None:
    """「委託する (1) 件」→「委託する (2) 件」: 委託の有無 is ※ (RULES.md §2), so 事前 (§3)."""
    old = _asahikawa(LINE_75)
    new = _asahikawa(LINE_75.replace("(1) 件", "(2) 件"))
    rows = classify(diff(old, new, CAT), CAT, load_rules(), Options(dt.date(2026, 4, 1)))
    assert [(r.item_path[-1], r.変更前の記載, r.変更後の記載, r.提出時期) for r in rows] == [
        ("委託の有無", "委託する (1) 件", "委託する (2) 件", Timing.BEFORE)
    ]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_an_untouched_export_diffs_to_nothing(prefix: str) -> None:
    """Issue 9: export, then diff the document against the untouched workbook: no rows, even
    where the extract lost a checkbox state ([?]) or left a choice unmatched (PDF dumps 000, 002)."""
    source = seed(prefix)
    document = read_document(source)
    unsure = [f for f in document.fields.values() if f.certainty is Certainty.UNCERTAIN and f.value]
    assert unsure  # every sample has uncertain values: the round trip is tested on them too
    book = parse_bytes(export_bytes(document, CAT), "作業用.xlsx")
    assert diff(document, book, CAT) == []
    # a checkbox state the extract lost stays unknown ([?]) in the workbook: never made up
    lost = {p for p, f in document.fields.items() if isinstance(f.value, CheckboxSet) and not f.value.certain}
    assert all(
        isinstance(book.fields[p].value, CheckboxSet) and book.fields[p].certainty is Certainty.UNCERTAIN for p in lost
    )
    assert all(book.fields[p].value == document.fields[p].value for p in lost)


def test_renumbered_entities_are_named_in_the_notes() -> None:
    case = ROOT / "tests" / "cases" / "system_deleted"
    result = compare_files(seed("001"), case / "new.txt", dt.date(2026, 4, 1))
    assert [r.item_path[-1] for r in result.rows] == ["システム3"]
    moves = [n.split(": ", 1)[1].split(" (")[0] for n in result.notes]
    assert moves == ["システム4 → システム3", "システム5 → システム4", "システム6 → システム5", "システム7 → システム6"]


def _files_swapped(snapshot: Snapshot) -> Snapshot:
    swap = {"(1)": "(2)", "(2)": "(1)"}
    fields = {}
    for path, item in snapshot.fields.items():
        if len(path) > 1 and path[1] in swap:
            path = (path[0], swap[path[1]], *path[2:])
            item = dataclasses.replace(item, path=path)
        fields[path] = item
    files = {swap[k]: v for k, v in snapshot.files.items()}
    return Snapshot(meta=dataclasses.replace(snapshot.meta, files=files), fields=fields, history=list(snapshot.history))


def test_files_of_a_multi_file_document_are_paired_by_name() -> None:
    """002 holds two files (収納情報, 滞納情報): printed in the other order, nothing changed."""
    old = read_document(seed("002"))
    assert len(old.files) == 2
    new = _files_swapped(old)
    found = differences(old, new, CAT)
    assert found.changes == []
    assert {(r.old, r.new) for r in found.renumbered} == {(("(1)",), ("(2)",)), (("(2)",), ("(1)",))}


def test_an_edit_inside_a_renumbered_entity_is_named_by_its_new_number() -> None:
    old = read_document(seed("001"))
    new = read_document(ROOT / "tests" / "cases" / "system_deleted" / "new.txt")
    section = next(p[1] for p in new.fields if p[2:3] == ("システム6",))
    path = ("Ⅰ 基本情報", section, "システム6", "②システムの機能")  # was システム7 (社会保険オンラインシステム)
    assert "年金記録" in str(new.fields[path].value)
    new.fields[path] = dataclasses.replace(new.fields[path], value=str(new.fields[path].value) + "(改訂)")
    changes = diff(old, new, CAT)
    assert [(c.path, c.kind.value) for c in changes] == [
        (("Ⅰ 基本情報", section, "システム3"), "removed"),
        (path, "modified"),
    ]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_a_document_against_itself_has_no_gaps(prefix: str) -> None:
    document = read_document(seed(prefix))
    assert gaps(document, document, CAT) == []


def test_a_part_lost_from_the_new_version_is_a_gap_and_stops_check(tmp_path: FsPath) -> None:
    """Issue 9 §5: the extract of the new version lost Ⅳ (lines 186–196 of the 旭川 document):
    its items are not 'unchanged', they could not be compared, and check must not pass."""
    lines = NEW.read_text(encoding="utf-8").split("\n")
    assert lines[185] == "IV 開示請求、問合せ" and lines[196] == "V 評価実施手続"
    lost = tmp_path / "new.txt"
    lost.write_text("\n".join(lines[:185] + lines[196:]), encoding="utf-8")
    found = gaps(read_document(NEW), read_document(lost), CAT)
    assert [(g.version, g.where) for g in found] == [("新しい版", "Ⅳ 開示請求、問合せ")]
    result = CliRunner().invoke(app, ["check", str(NEW), str(lost), "--date", "令和8年4月1日"])
    assert result.exit_code == 1
    assert "確認できない部分があります" in result.output
    same = CliRunner().invoke(app, ["check", str(NEW), str(NEW), "--date", "令和8年4月1日"])
    assert same.exit_code == 0, same.output


def test_text_the_parser_could_not_place_is_a_gap() -> None:
    document = read_document(NEW)
    blocks = tuple(UnplacedBlock(40 + n, f"ブロック{n}", f"{n:012x}") for n in range(7))
    unplaced = Snapshot(
        dataclasses.replace(document.meta, unplaced=blocks), dict(document.fields), list(document.history)
    )
    found = gaps(document, unplaced, CAT)
    assert [g.where for g in found] == ["40 行目", "41 行目", "42 行目", "43 行目", "44 行目", "ほか"]
    assert "ブロック0" in found[0].message and "2 箇所" in found[-1].message
    # the same unplaced blocks in both versions hide no change: only the one the old version lacks counts
    earlier = Snapshot(dataclasses.replace(document.meta, unplaced=blocks[1:]), dict(document.fields), [])
    assert [g.where for g in gaps(earlier, unplaced, CAT)] == ["40 行目"]


def test_the_workbook_lists_renumberings_and_gaps_below_the_basis_table(tmp_path: FsPath) -> None:
    from openpyxl import load_workbook

    from pia_diff.report.excel import BASIS_SHEET, REMARKS_HEADING, SHEET

    case = ROOT / "tests" / "cases" / "system_deleted"
    lines = (case / "new.txt").read_text(encoding="utf-8").split("\n")
    # drop Ⅳ from the body (its second heading; the first one is in the table of contents)
    part = [i for i, ln in enumerate(lines) if ln == "IV 開示請求、問合せ"][1]
    end = [i for i, ln in enumerate(lines) if ln == "V 評価実施手続"][1]
    new = tmp_path / "new.txt"
    new.write_text("\n".join(lines[:part] + lines[end:]), encoding="utf-8")
    out = tmp_path / "別添2.xlsx"
    result = CliRunner().invoke(app, ["diff", str(seed("001")), str(new), "--date", "令和8年4月1日", "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert [c.value for c in book[SHEET]["B"] if c.value and "システム3" in str(c.value)]
    basis = [[c.value for c in row] for row in book[BASIS_SHEET].iter_rows()]
    heading = next(i for i, row in enumerate(basis) if row[0] == REMARKS_HEADING)
    kinds = [(row[0], row[1]) for row in basis[heading + 1 :]]
    assert [k for k, _ in kinds].count("番号の振り直し") == 4
    assert any(k == "確認できない部分" and "Ⅳ 開示請求、問合せ" in str(text) for k, text in kinds)


def test_an_item_the_new_reading_lost_is_a_gap_not_a_deletion(tmp_path: FsPath) -> None:
    """The form's items are never deleted: ①請求先 not found in the new extract (its row lost) is
    not 「—」 in the 別添2 but a gap to check in the original (issue 9 §5)."""
    text = NEW.read_text(encoding="utf-8")
    row = next(ln for ln in text.split("\n") if ln.startswith("①請求先\t"))
    lost = tmp_path / "new.txt"
    lost.write_text(text.replace(row + "\n", ""), encoding="utf-8")
    result = compare_files(NEW, lost, dt.date(2026, 4, 1))
    assert result.rows == []
    assert [(g.version, g.where.split()[-1]) for g in result.gaps] == [("新しい版", "①請求先")]


def test_ending_the_only_entrustment_is_suggested_as_risk_reduction_not_applied() -> None:
    """RULES.md §4: 委託する→委託しない is the safer choice even with its count printed
    (「委託する (1) 件」), and removing 委託事項1 takes a flow away: suggested, still 事前."""
    case = ROOT / "tests" / "cases" / "entrustment_removed"
    rows = compare_files(seed("003"), case / "new.txt", dt.date(2026, 4, 1)).rows
    assert [(r.item_path[-1], r.提出時期, r.提案) for r in rows] == [
        ("委託の有無", Timing.BEFORE, ("リスクを明らかに軽減させる変更: 委託する→委託しない",)),
        ("委託事項1", Timing.BEFORE, ("リスクを明らかに軽減させる変更: 委託事項の削除（再委託を含む）",)),
    ]


def test_a_snapshot_keeps_its_gap_lists_and_rejects_a_wrong_shape() -> None:
    from pia_diff.snapshot import from_json

    document = read_document(seed("000"))  # a PDF dump: unplaced blocks
    again = from_json(document.to_json())
    assert again.meta.to_json()["読み取れない箇所"] == document.meta.to_json()["読み取れない箇所"] != []
    bad = document.to_json().replace('"読み取れない箇所": [', '"読み取れない箇所": [3, ', 1)
    with pytest.raises(ValueError, match="読み取れない箇所/0"):
        from_json(bad)


@pytest.mark.parametrize(
    ("scores", "pairs"),
    [
        ([[1.0, 0.0], [0.0, 1.0]], [(0, 0), (1, 1)]),
        # greedy would take 0.9 first (total 1.0); the best one-to-one total is 0.8 + 0.85
        ([[0.9, 0.8], [0.85, 0.1]], [(0, 1), (1, 0)]),
        ([[0.1, 0.2, 0.9]], [(0, 2)]),  # more NEW entities than OLD
        ([[0.3], [0.7], [0.5]], [(1, 0)]),  # more OLD entities than NEW
        ([], []),
    ],
)
def test_the_assignment_is_optimal_not_greedy(scores: list[list[float]], pairs: list[tuple[int, int]]) -> None:
    from pia_diff.compare.pairing import assign

    assert assign(scores) == pairs


def test_items_under_a_lost_section_heading_are_still_placed_and_compared() -> None:
    case = ROOT / "tests" / "cases" / "lost_section_header"
    old, new = read_document(seed("003")), read_document(case / "new.txt")
    path = ("Ⅱ 特定個人情報ファイルの概要", "4 特定個人情報ファイルの取扱いの委託", "委託の有無")
    assert new.fields[path].value == old.fields[path].value == "委託する (1) 件"
    # still read inside Ⅱ, where 委託の有無 names one item: placed as surely as before
    assert new.fields[path].certainty is Certainty.OK
    assert (
        "Ⅱ 特定個人情報ファイルの概要 4 特定個人情報ファイルの取扱いの委託" in new.meta.to_json()["見つからない見出し"]
    )


def test_an_unedited_export_passes_check(tmp_path: FsPath) -> None:
    """003's extract lacks some headings; its export has them, with the items it could not find left
    empty: that loses nothing, so the round trip is no gap and check passes."""
    book = tmp_path / "作業用.xlsx"
    assert CliRunner().invoke(app, ["export", str(NEW), "-o", str(book)]).exit_code == 0
    result = CliRunner().invoke(app, ["check", str(NEW), str(book), "--date", "令和8年4月1日"])
    assert result.exit_code == 0, result.output
    assert "確認できない部分" not in result.output
