"""The library's front door: `import pia_diff` is cheap, and read / compare / check / audit take paths,
bytes, streams or documents already read, giving results with rows, a workbook and a DataFrame."""

from __future__ import annotations

import datetime as dt
import inspect
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import pia_diff
from pia_diff.errors import InputError
from pia_diff.model import HISTORY_COLUMNS, Snapshot

from .conftest import ROOT, seed

OLD = ROOT / "samples" / "asahikawa" / "old.txt"
NEW = ROOT / "samples" / "asahikawa" / "new.txt"
DATE = dt.date(2023, 11, 6)


def test_import_pia_diff_imports_nothing_else() -> None:
    code = (
        "import sys, pia_diff\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pia_diff', 'pandas', 'openpyxl', 'deepdiff', 'typer', 'yaml', 'rapidfuzz', 'numpy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['pia_diff']"


def test_the_front_door_calls_are_documented_and_listed() -> None:
    for name in ("read", "compare", "check", "audit", "audit_folder"):
        call = getattr(pia_diff, name)
        assert name in pia_diff.__all__ and callable(call)
        assert call.__doc__ and len(call.__doc__) > 80, name
    assert list(inspect.signature(pia_diff.compare).parameters)[:4] == ["old", "new", "date", "decisions"]


def test_compare_and_audit_keep_their_subpackages_reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    import pia_diff.audit.batch
    import pia_diff.compare.diff

    assert pia_diff.compare.diff is sys.modules["pia_diff.compare.diff"]
    assert pia_diff.audit.batch.worker_count(1) == 1
    # a test that patches by dotted name still reaches the module
    monkeypatch.setattr("pia_diff.audit.batch.worker_count", lambda requested: 99)
    assert sys.modules["pia_diff.audit.batch"].worker_count(1) == 99
    from pia_diff.compare.classify import classify

    assert classify.__module__ == "pia_diff.compare.classify"


def test_compare_gives_the_rows_the_command_gives() -> None:
    from pia_diff.cli import app

    result = pia_diff.compare(str(OLD), NEW, date="令和5年11月6日")
    shown = CliRunner().invoke(app, ["diff", str(OLD), str(NEW), "--date", "2023-11-06", "--format", "json"])
    assert [r.as_json() for r in result.rows] == json.loads(shown.stdout)
    assert len(result.rows) == 13 and result.date == DATE
    decided = result.release()
    assert decided.may_file is False and pia_diff.check(OLD, NEW, DATE).may_file is False
    assert pia_diff.check(NEW, NEW).may_file is True


def test_documents_as_bytes_streams_or_snapshots() -> None:
    by_path = pia_diff.compare(OLD, NEW, DATE).rows
    old = pia_diff.read(OLD)
    assert isinstance(old, Snapshot)
    from_bytes = pia_diff.compare(OLD.read_bytes(), io.BytesIO(NEW.read_bytes()), DATE)
    assert [r.as_json() for r in from_bytes.rows] == [r.as_json() for r in by_path]
    assert [r.as_json() for r in pia_diff.compare(old, NEW, DATE).rows] == [r.as_json() for r in by_path]
    named = pia_diff.read(NEW.read_bytes(), name="新しい版.txt")
    assert named.source == "新しい版.txt"
    with pytest.raises(InputError) as refused:
        pia_diff.read(b"", name="空.txt")
    assert refused.value.source == "空.txt"
    with pytest.raises(TypeError):
        pia_diff.read(io.StringIO("text"))  # type: ignore[arg-type]


def test_decisions_as_a_path_text_or_decisions(tmp_path: Path) -> None:
    rows = pia_diff.compare(OLD, NEW, DATE).rows
    text = "".join(
        f"- 項目: {r.項目}\n  変更の指紋: {r.変更の指紋}\n  確認済み: true\n" for r in rows if r.提出時期 == "事前"
    )
    path = tmp_path / "判断.yaml"
    path.write_text(text, encoding="utf-8")
    by_path = pia_diff.compare(OLD, NEW, DATE, decisions=path)
    by_str_path = pia_diff.compare(OLD, NEW, DATE, decisions=str(path))
    by_text = pia_diff.compare(OLD, NEW, DATE, decisions=text)
    by_decisions = pia_diff.compare(OLD, NEW, DATE, decisions=by_text.decisions)
    for result in (by_path, by_str_path, by_text, by_decisions):
        assert result.release().may_file is True
    assert by_path.decisions_text == text and by_path.decisions.source == str(path)
    assert pia_diff.check(OLD, NEW, DATE, decisions=text).may_file is True
    with pytest.raises(InputError) as bad:
        pia_diff.compare(OLD, NEW, DATE, decisions="- 色: 赤\n")
    assert bad.value.source == "判断ファイル" and "知らないキー" in bad.value.problem


def test_to_excel_writes_safely(tmp_path: Path) -> None:
    result = pia_diff.compare(OLD, NEW, DATE)
    out = tmp_path / "別添2.xlsx"
    assert result.to_excel(out) == ()
    book = load_workbook(out)
    table = book["別添2 変更箇所"]
    items = [row[1] for row in table.iter_rows(values_only=True)]
    assert [r.項目 for r in result.rows] == items[-13:]
    with pytest.raises(InputError) as exists:
        result.to_excel(out)
    assert "既にあります" in exists.value.problem
    with pytest.raises(InputError) as over_input:
        pia_diff.compare(OLD, NEW, DATE).to_excel(NEW, force=True)
    assert "入力ファイル" in over_input.value.problem
    assert sorted(p.name for p in tmp_path.iterdir()) == ["別添2.xlsx"]


def test_to_frame_is_one_line_per_row() -> None:
    result = pia_diff.compare(OLD, NEW, DATE)
    frame = result.to_frame()
    assert len(frame) == len(result.rows) == 13
    assert list(frame.columns) == list(result.rows[0].as_json())
    assert list(frame["項目"]) == [r.項目 for r in result.rows]
    assert frame.loc[0, "item_path"] == " / ".join(result.rows[0].item_path)
    assert (frame["提出時期"] == "事前").sum() == sum(r.提出時期 == "事前" for r in result.rows)
    empty = pia_diff.compare(NEW, NEW).to_frame()
    assert len(empty) == 0 and list(empty.columns) == list(frame.columns)


def test_audit_of_a_document_and_its_frames(tmp_path: Path) -> None:
    audited = pia_diff.audit(NEW, against=OLD)
    assert len(audited.rows) == len(pia_diff.read(NEW).history)
    assert json.loads(audited.to_json())["rows"][0]["変更日"] == audited.rows[0].cells[0]
    rows, findings = audited.to_frame(), audited.findings_frame()
    assert len(rows) == len(audited.rows) and len(findings) == len(audited.findings)
    assert list(findings["code"]) == [str(f.code) for f in audited.findings]
    out = tmp_path / "監査.xlsx"
    audited.to_excel(out)
    book = load_workbook(out)
    assert book.sheetnames == ["監査", "指摘"]
    assert book["監査"].max_row == len(audited.rows) + 1


def test_a_folder_summary_as_csv_and_as_a_sheet(tmp_path: Path) -> None:
    import csv

    from pia_diff.cli import app

    folder = tmp_path / "公表版"
    folder.mkdir()
    (folder / "001.txt").write_bytes(seed("001").read_bytes())
    (folder / "=HYPERLINK(1).txt").write_bytes(seed("003").read_bytes())  # a name that looks like a formula
    (folder / "memo.txt").write_text("会議のメモ\n", encoding="utf-8")
    runner = CliRunner()
    for name in ("集計.csv", "集計.xlsx"):
        done = runner.invoke(app, ["audit", str(folder), "-o", str(tmp_path / name), "--workers", "1"])
        assert done.exit_code == 1, done.stderr  # a document could not be read
    with (tmp_path / "集計.csv").open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.DictReader(handle))
    # a name that starts like a formula gets the apostrophe spreadsheets take as «text»
    assert [line["文書"] for line in lines] == ["001.txt", "'=HYPERLINK(1).txt", "memo.txt"]
    assert [line["状態"] for line in lines] == ["監査済み", "監査済み", "読めません"]
    assert lines[2]["理由"] and lines[0]["行"] == str(len(pia_diff.read(seed("001")).history))
    sheet = load_workbook(tmp_path / "集計.xlsx")["文書ごとの集計"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["文書", "状態", "行"]
    cell = sheet.cell(3, 1)
    assert cell.value == "=HYPERLINK(1).txt" and cell.data_type == "s"  # text, never a formula
    summary = pia_diff.audit_folder(folder, workers=1).to_frame()
    assert list(summary["状態"]) == ["監査済み", "監査済み", "読めません"] and summary["行"].dtype.kind == "i"


def test_rows_frame_columns_follow_the_row_json() -> None:
    from pia_diff.report.frame import _EMPTY_ROW_KEYS

    row = pia_diff.compare(OLD, NEW, DATE).rows[0]
    assert tuple(row.as_json()) == _EMPTY_ROW_KEYS
    assert set(HISTORY_COLUMNS) <= set(_EMPTY_ROW_KEYS)


def test_a_folder_audit_refuses_against_rather_than_ignore_it(tmp_path: Path) -> None:
    """An auditor who asks for the comparison with the previous version must not get a folder audit
    that silently skipped it: exit 2, nothing written."""
    from pia_diff.cli import app

    folder = tmp_path / "公表版"
    folder.mkdir()
    (folder / "new.txt").write_bytes(NEW.read_bytes())
    out = tmp_path / "集計.csv"
    done = CliRunner().invoke(app, ["audit", str(folder), "--against", str(OLD), "-o", str(out)])
    assert done.exit_code == 2
    assert "--against" in done.stderr and "1 文書ずつ" in done.stderr
    assert not out.exists()


def test_one_audit_as_csv_says_the_findings_it_could_not_hold(tmp_path: Path) -> None:
    import csv

    from pia_diff.cli import app

    findings = pia_diff.audit(NEW, against=OLD).findings
    assert findings  # the sample's audit has findings to leave out
    runner = CliRunner()
    as_csv = runner.invoke(app, ["audit", str(NEW), "--against", str(OLD), "-o", str(tmp_path / "監査.csv")])
    assert f"指摘 {len(findings)} 件は書いていません" in as_csv.stderr
    with (tmp_path / "監査.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == len(pia_diff.read(NEW).history)
    as_xlsx = runner.invoke(app, ["audit", str(NEW), "--against", str(OLD), "-o", str(tmp_path / "監査.xlsx")])
    assert "書いていません" not in as_xlsx.stderr
    assert load_workbook(tmp_path / "監査.xlsx")["指摘"].max_row == len(findings) + 1
