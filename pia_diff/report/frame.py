"""Rows and audits as pandas DataFrames, and frames written as CSV or as workbook sheets: the one module
that imports pandas, always inside the function that needs it (`import pia_diff` stays cheap)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pia_diff.audit.batch import DocumentAudit
from pia_diff.audit.published import Audit
from pia_diff.compare.classify import Row
from pia_diff.text import display_width

from .cells import csv_safe, visible
from .sheets import in_memory

# A list in a cell of a frame (item paths, suggestions) is joined into one text.
PATH_JOIN = " / "
LIST_JOIN = "\n"
WIDEST = 60  # display columns: a summary sheet's column is never wider than this


def _flat(value: object, join: str) -> object:
    if isinstance(value, list | tuple):
        return join.join(_flat(v, PATH_JOIN) for v in value)  # type: ignore[misc]
    return value


def _frame(records: list[dict[str, Any]], columns: list[str]) -> Any:
    import pandas as pd

    return pd.DataFrame.from_records(records, columns=columns)


def rows_frame(rows: list[Row]) -> Any:
    """One line per 別添2 row, the columns of `diff --format json` (item_path joined by 「 / 」, 提案 by
    line breaks, so that every cell holds one value)."""
    records = [
        {key: _flat(value, PATH_JOIN if key == "item_path" else LIST_JOIN) for key, value in row.as_json().items()}
        for row in rows
    ]
    return _frame(records, list(records[0]) if records else list(_EMPTY_ROW_KEYS))


# The columns of a frame of no rows (Row.as_json's keys, in its order)
_EMPTY_ROW_KEYS = (
    *("変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明", "item_path", "重要"),
    *("根拠", "提案", "確度", "判断", "詳細", "変更の指紋", "判断の状態", "根拠の名前", "変更前の全文", "変更後の全文"),
)

AUDIT_ROW_COLUMNS = ["行", "変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明"]
AUDIT_ROW_COLUMNS += ["item_path", "判定", "verdict"]
FINDING_COLUMNS = ["level", "code", "message", "項目", "parameters"]


def audit_frames(report: Audit) -> tuple[Any, Any]:
    """An audit as two frames: its published rows with their verdicts, and its findings."""
    rows = [{k: _flat(v, PATH_JOIN) for k, v in r.as_json().items() if k in AUDIT_ROW_COLUMNS} for r in report.rows]
    findings = [
        {**f.as_json(), "parameters": ", ".join(f"{k}={v}" for k, v in f.as_json()["parameters"].items())}
        for f in report.findings
    ]
    return _frame(rows, AUDIT_ROW_COLUMNS), _frame(findings, FINDING_COLUMNS)


SUMMARY_COLUMNS = ["文書", "状態", "行", "不整合", "特定不能", "要対応", "警告", "理由"]


def summary_frame(audits: list[DocumentAudit]) -> Any:
    """A folder audit's summary: one line per document (its file name, whether it was audited, the counts,
    and why it could not be read); no totals line, so that the frame can be summed and filtered."""
    records = [
        {
            "文書": Path(item.file).name,
            "状態": "監査済み" if item.result is not None else "読めません",
            **item.counts,
            "理由": item.error or "",
        }
        for item in audits
    ]
    return _frame(records, SUMMARY_COLUMNS)


def csv_bytes(frame: Any) -> bytes:
    """A frame as CSV for Excel: UTF-8 with a BOM, CRLF, no index; a text cell that starts like a formula
    gets a leading apostrophe (report.cells.csv_safe)."""
    safe = frame.map(lambda v: csv_safe(v) if isinstance(v, str) else v)
    text = str(safe.to_csv(index=False, lineterminator="\r\n"))
    return ("\ufeff" + text).encode("utf-8")


def xlsx_bytes(sheets: Mapping[str, Any]) -> bytes:
    """Frames as the sheets of one workbook (name → frame): text stays text (never a formula), control
    characters are shown, each column as wide as its widest cell (up to WIDEST), the header row frozen."""
    import pandas as pd

    # pandas fills the workbook; it is saved in memory (sheets.in_memory), never by the writer's own
    # save, which writes each sheet into a temporary file first
    writer = pd.ExcelWriter(io.BytesIO(), engine="openpyxl")
    for name, frame in sheets.items():
        frame.map(lambda v: visible(v) if isinstance(v, str) else v).to_excel(writer, sheet_name=name, index=False)
        sheet = writer.sheets[name]
        _as_text(sheet)
        for number, column in enumerate(frame.columns, start=1):
            texts = [str(column), *(str(v) for v in frame[column])]
            widest = max(display_width(line) for text in texts for line in text.split("\n") or [""])
            sheet.column_dimensions[column_letter(number)].width = min(WIDEST, widest + 2)
        sheet.freeze_panes = "A2"
    return in_memory(writer.book)


def _as_text(sheet: Any) -> None:
    """A cell openpyxl took for a formula (a text starting with 「=」) written as the text it is."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def column_letter(number: int) -> str:
    """A spreadsheet column's letters (1 → A, 27 → AA)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
