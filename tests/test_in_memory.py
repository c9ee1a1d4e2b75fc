"""Every workbook the tool writes is built in memory (report.sheets.in_memory): openpyxl's own save
writes each sheet's XML into a temporary file in the system's folder first, which would put a document's
content on disk outside the output (the page promises to keep documents in memory only)."""

from __future__ import annotations

import io
import tempfile

import pytest
from openpyxl import load_workbook

import pia_diff
from pia_diff.compare.docform import form_context
from pia_diff.report.export import export_bytes
from pia_diff.report.frame import audit_frames, xlsx_bytes

from .conftest import ROOT

OLD = ROOT / "samples" / "asahikawa" / "old.txt"
NEW = ROOT / "samples" / "asahikawa" / "new.txt"


@pytest.fixture
def no_temporary_files(monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl.worksheet._writer

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a temporary file was made")

    for name in ("TemporaryFile", "NamedTemporaryFile", "SpooledTemporaryFile", "mkstemp", "mkdtemp"):
        monkeypatch.setattr(tempfile, name, refuse)
    monkeypatch.setattr(openpyxl.worksheet._writer, "NamedTemporaryFile", refuse)


def test_every_workbook_is_written_without_a_temporary_file(no_temporary_files: None) -> None:
    result = pia_diff.compare(OLD, NEW, date="令和5年11月6日")
    diff_book, _ = result.workbook()
    assert len(load_workbook(io.BytesIO(diff_book))["別添2 変更箇所"]["B"]) > 13
    exported = export_bytes(result.new, form_context(result.new)[0])
    into, _ = result.into(exported, "作業用.xlsx")
    assert load_workbook(io.BytesIO(into)).sheetnames == load_workbook(io.BytesIO(exported)).sheetnames
    rows, findings = audit_frames(pia_diff.audit(NEW, against=OLD).report)
    frames = load_workbook(io.BytesIO(xlsx_bytes({"監査": rows, "指摘": findings})))
    assert frames["監査"].max_row == len(rows) + 1
