"""A folder audit that streams (issue 20): each document's audit comes in the folder's order as soon as it is
done, the JSON and the table are written a document at a time, and the totals are kept as they go."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pia_diff.audit.batch import (
    DocumentAudit,
    FolderTotals,
    audit_file,
    audit_folder,
    audits,
    folder_failed,
    folder_files,
    folder_json,
    folder_json_chunks,
)
from pia_diff.errors import InputError
from pia_diff.fileio import json_text
from pia_diff.report.listing import folder_table_lines, summary_rows

from .conftest import SEEDS


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four samples twice over, and a file that is no 評価書."""
    out = tmp_path_factory.mktemp("folder")
    for copy in ("a", "b"):
        for source in sorted(SEEDS.glob("*.txt")):
            shutil.copy(source, out / f"{copy}_{source.name}")
    (out / "c_notes.txt").write_text("メモ\n", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def audited(folder: Path) -> list[DocumentAudit]:
    return list(audits(folder_files(folder), workers=2))


def test_each_document_comes_in_the_folder_order(folder: Path, audited: list[DocumentAudit]) -> None:
    files = folder_files(folder)
    assert len(files) == 9
    assert [a.file for a in audited] == files
    one_by_one = [audit_file(f) for f in files]
    assert [a.result for a in audited] == [a.result for a in one_by_one]  # two workers read as one does
    assert [a.error for a in audited] == [a.error for a in one_by_one]
    assert audited[-1].result is None and audited[-1].error
    assert all(a.seconds > 0 for a in audited)  # each says what it cost


def test_one_worker_gives_the_same(folder: Path, audited: list[DocumentAudit]) -> None:
    alone = list(audits(folder_files(folder), workers=1))
    assert [(a.file, a.result, a.error) for a in alone] == [(a.file, a.result, a.error) for a in audited]
    assert [(a.file, a.result) for a in audit_folder(folder, workers=2)] == [(a.file, a.result) for a in audited]


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="文書がありません"):
        folder_files(tmp_path)


def test_the_json_written_a_document_at_a_time_is_the_whole_json(audited: list[DocumentAudit]) -> None:
    expected = json_text(folder_json(audited))
    assert "".join(folder_json_chunks(audited)) == expected
    assert "".join(folder_json_chunks(audited[:1])) == json_text(folder_json(audited[:1]))
    assert "".join(folder_json_chunks([])) == json_text([]) == "[]\n"


def test_the_json_is_written_as_the_documents_come(audited: list[DocumentAudit]) -> None:
    given = []

    def one_by_one() -> object:
        for item in audited:
            given.append(item)
            yield item

    chunks = folder_json_chunks(one_by_one())  # type: ignore[arg-type]
    first = next(chunks)
    assert len(given) == 1 and audited[0].file in first  # the first document is out before the second is asked for


def test_the_totals_are_those_of_the_whole_table(audited: list[DocumentAudit]) -> None:
    totals = FolderTotals()
    for item in audited:
        totals.add(item)
    table_totals = summary_rows(audited)[-1]
    assert table_totals[0] == f"合計 {totals.documents} 文書" == "合計 9 文書"
    assert table_totals[1] == f"読めない文書 {totals.unreadable}" == "読めない文書 1"
    assert table_totals[2:] == list(totals.counts.values())
    assert totals.needs_action == folder_failed(audited) is True
    assert totals.seconds == pytest.approx(sum(a.seconds for a in audited))
    assert totals.slowest[0] == max(a.seconds for a in audited)
    note = totals.cost_note(2.0, 2)
    assert "9 文書を 2.0 秒で監査しました (2 並列、4 文書/秒)" in note


def test_the_table_is_written_a_line_per_document(folder: Path, audited: list[DocumentAudit]) -> None:
    totals = FolderTotals()
    lines = list(folder_table_lines(folder_files(folder), (totals.add(a) for a in audited), totals))
    assert len(lines) == 2 + 9 + 1  # heading, rule, a line per document, the totals
    assert lines[0].split() == ["文書", "行", "不整合", "特定不能", "要対応", "警告", "状態"]
    assert lines[2].startswith("a_000_") and lines[2].endswith("監査済み")
    assert lines[-2].startswith("c_notes.txt") and "読めません: " in lines[-2]
    assert lines[-1].split()[:3] == ["合計", "9", "文書"] and lines[-1].endswith("読めない文書 1")
    # the counts stand in one column whatever the names' widths
    starts = {line.index(" 61 ") for line in lines if line.startswith(("a_001", "b_001"))}
    assert len(starts) == 1


def test_a_bug_of_ours_on_one_document_is_its_row_with_the_traceback_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder goes on past a document our code fails on; the row says it is pia-diff's fault and
    where its traceback was saved (as exit 3 does for one command), never 「壊れている」."""
    import tempfile

    import pia_diff.audit.published

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(pia_diff.audit.published, "audit", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = tmp_path / "公表版"
    folder.mkdir()
    shutil.copy(next(SEEDS.glob("003_*.txt")), folder / "003.txt")
    (row,) = list(audits(folder_files(folder), workers=1))
    assert row.result is None and row.error is not None
    assert "予期しないエラーで監査できません (ZeroDivisionError)。pia-diff の不具合です。" in row.error
    (saved,) = tmp_path.glob("pia-diff-error-*.txt")
    assert str(saved) in row.error and "ZeroDivisionError: a bug" in saved.read_text(encoding="utf-8")
