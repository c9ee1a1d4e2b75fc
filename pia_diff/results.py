"""What the library's front door (pia_diff.api) gives back: a comparison, an audit and a folder audit,
each with its rows, JSON, a pandas DataFrame and a workbook written safely; and the rule that an
output's extension chooses its format."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .compare.classify import Row
from .compare.decisions import Decisions
from .compare.gaps import Gap
from .errors import InputError
from .fileio import json_text, write_atomic
from .model import Snapshot
from .pipeline import Comparison, release, remarks

if TYPE_CHECKING:  # the audit loads only when a check or an audit asks for it (a diff never does)
    from .audit.batch import DocumentAudit
    from .audit.findings import Finding
    from .audit.gate import Release
    from .audit.published import Audit, AuditRow

PathLike = str | os.PathLike[str]
ROW_FORMATS = (".xlsx", ".csv", ".json")
SUMMARY_SHEET = "文書ごとの集計"
AUDIT_SHEET = "監査"
FINDINGS_SHEET = "指摘"


def output_format(path: PathLike, allowed: Sequence[str]) -> str:
    """The format an output's extension names ('.xlsx', '.csv', '.json'), lower-cased; InputError naming
    the extensions this output can have when it is none of them."""
    suffix = Path(path).suffix.lower()
    if suffix in allowed:
        return suffix
    named = f"拡張子「{Path(path).suffix}」" if Path(path).suffix else "拡張子のない名前"
    which = f"{allowed[0]} " if len(allowed) == 1 else f"{'、'.join(allowed)} のどれか"
    raise InputError(str(path), f"{named}では書き出せません。出力先の名前を {which}で終えてください。")


def _write(
    path: PathLike, make: Callable[[], tuple[bytes, tuple[str, ...]]], force: bool, inputs: Sequence[PathLike | None]
) -> tuple[str, ...]:
    """Write what `make` builds (run beside the target, for openpyxl's temporary files) atomically; the
    builder's warnings."""
    said: list[tuple[str, ...]] = []

    def data() -> bytes:
        built, warnings = make()
        said.append(warnings)
        return built

    write_atomic(path, data, force, inputs)
    return said[0] if said else ()


@dataclass(frozen=True)
class Compared:
    """Two versions compared (pia_diff.compare): the new 別添2 rows, what could not be compared, and the
    release gate's decision on them; written as the `diff` workbook, JSON, CSV or a DataFrame."""

    comparison: Comparison
    decisions: Decisions
    date: dt.date
    # the decisions file's text as read (a merged --decisions-template keeps its entries), if any
    decisions_text: str | None = None
    # the files it was read from (old, new, decisions): an output is never written over one of them
    inputs: tuple[Path | None, ...] = ()

    @property
    def rows(self) -> list[Row]:
        """The new 別添2 rows, each with its 提出時期, the rule that decided it and the decision used."""
        return self.comparison.rows

    @property
    def old(self) -> Snapshot:
        return self.comparison.old

    @property
    def new(self) -> Snapshot:
        return self.comparison.new

    @property
    def gaps(self) -> list[Gap]:
        """What could not be compared (check does not pass while there is any)."""
        return self.comparison.gaps

    @property
    def warnings(self) -> list[str]:
        """What the user must know that is no row (the CLI prints each after 「注意: 」)."""
        return self.comparison.warnings

    @property
    def notes(self) -> list[str]:
        """Entities that only changed their number (the CLI prints each after 「参考: 」)."""
        return self.comparison.notes

    @property
    def exemptions(self) -> tuple[str, ...]:
        """The exemption categories of the rule table the comparison used (a decisions file's 例外)."""
        from .compare.docform import form_context

        return form_context(self.old, self.new)[1].exemptions

    def release(self) -> Release:
        """The release gate's decision (`check`): may_file, and what stops the revision if not."""
        return release(self.comparison)

    def to_json(self) -> str:
        """The rows as `diff --format json` prints them."""
        from .report.rows import rows_json

        return rows_json(self.rows)

    def to_csv(self) -> str:
        """The rows as `diff --format csv` prints them (with a BOM, for Excel)."""
        from .report.rows import rows_csv

        return rows_csv(self.rows)

    def to_frame(self) -> Any:
        """The rows as a pandas DataFrame, one line per row, the columns of the JSON (item_path joined by
        「 / 」, 提案 by line breaks)."""
        from .report.frame import rows_frame

        return rows_frame(self.rows)

    def workbook(self) -> tuple[bytes, tuple[str, ...]]:
        """The `diff -o` workbook (the old version's published rows, then the new ones; the 新旧対照表 and
        判定根拠 sheets) and its warnings (a text longer than one cell keeps)."""
        from .report.excel import diff_workbook

        written = diff_workbook(self.old.history, self.rows, remarks(self.comparison), self.comparison.table_title)
        return written.data, written.warnings

    def to_excel(self, path: PathLike, force: bool = False) -> tuple[str, ...]:
        """Write the `diff -o` workbook to `path` safely (never over an existing file unless `force`, never
        over an input, never half-written); its warnings."""
        return _write(path, self.workbook, force, self.inputs)

    def write(self, path: PathLike, force: bool = False) -> tuple[str, ...]:
        """The rows written to `path` as its extension says: .xlsx (the `diff -o` workbook), .csv, .json;
        safely (never over an existing file unless `force`, never over an input); the warnings."""
        kind = output_format(path, ROW_FORMATS)
        if kind == ".xlsx":
            return self.to_excel(path, force)
        text = self.to_csv() if kind == ".csv" else self.to_json()
        return _write(path, lambda: (text.encode("utf-8"), ()), force, self.inputs)

    def into(self, book: bytes, name: str) -> tuple[bytes, tuple[str, ...]]:
        """A copy of `book` (the new version's own .xlsx) with the new rows added below its 別添2 table, and
        what the copy could not keep or did not add (rows already there); InputError if it has no table."""
        from .report.into import into_workbook

        written = into_workbook(book, self.rows, name)
        return written.data, written.warnings

    def into_excel(self, book: PathLike, path: PathLike, force: bool = False) -> tuple[str, ...]:
        """Read the workbook `book` (as any input, within the size limit), add the new rows to its 別添2
        table, and write the copy to `path` safely (never over `book` or an input); the warnings."""
        from .fileio import read_input

        data = read_input(book, what="Excel ブック")
        return _write(path, lambda: self.into(data, str(book)), force, (*self.inputs, Path(book)))


@dataclass(frozen=True)
class Audited:
    """A published 別添2 audited (pia_diff.audit): each row's verdict, and the findings."""

    report: Audit
    document: Snapshot
    against: Snapshot | None = None
    # the files it was read from: an output is never written over one of them
    inputs: tuple[Path | None, ...] = ()

    @property
    def rows(self) -> list[AuditRow]:
        """The published rows, each with the item it names, the 提出時期 the rules give and the verdict."""
        return self.report.rows

    @property
    def findings(self) -> list[Finding]:
        return self.report.findings

    @property
    def errors(self) -> list[Finding]:
        """The findings that need action (要対応): `audit` exits 1 while there is any."""
        return self.report.errors

    def to_json(self) -> str:
        """The audit as `audit --format json` prints it."""
        return json_text(self.report.as_json())

    def to_frame(self) -> Any:
        """The audited rows as a pandas DataFrame (the findings: `findings_frame`)."""
        from .report.frame import audit_frames

        return audit_frames(self.report)[0]

    def findings_frame(self) -> Any:
        """The findings as a pandas DataFrame: level, code, message, 項目, parameters."""
        from .report.frame import audit_frames

        return audit_frames(self.report)[1]

    def to_excel(self, path: PathLike, force: bool = False) -> None:
        """The rows and the findings as two sheets of a workbook, written safely."""
        self.write(path, force, ".xlsx")

    def write(self, path: PathLike, force: bool = False, kind: str | None = None) -> tuple[str, ...]:
        """The audit written to `path` as its extension says: .xlsx (rows and findings, a sheet each),
        .csv (the rows: one table only, so a warning says the findings were not written), .json (as
        `audit --format json`); safely, never over the audited documents. The warnings."""
        from .report.frame import audit_frames, csv_bytes, xlsx_bytes

        kind = kind or output_format(path, ROW_FORMATS)

        def make() -> tuple[bytes, tuple[str, ...]]:
            if kind == ".json":
                return self.to_json().encode("utf-8"), ()
            rows, findings = audit_frames(self.report)
            if kind == ".xlsx":
                return xlsx_bytes({AUDIT_SHEET: rows, FINDINGS_SHEET: findings}), ()
            left = len(self.report.findings)
            said = (
                f"CSV には別添2 の行と判定だけを書きました。指摘 {left} 件は書いていません "
                "(画面の表のとおりです。指摘も書き出すには -o を .xlsx か .json にしてください)。",
            )
            return csv_bytes(rows), said if left else ()

        return _write(path, make, force, self.inputs)


@dataclass(frozen=True)
class FolderAudit:
    """Every document of a folder audited (pia_diff.audit_folder): one entry per file, readable or not."""

    documents: list[DocumentAudit] = field(default_factory=list)
    folder: Path | None = None

    @property
    def failed(self) -> bool:
        """A document could not be read, or one has a finding that needs action (`audit` exits 1)."""
        from .audit.batch import folder_failed

        return folder_failed(self.documents)

    def to_json(self) -> str:
        """The folder audit as `audit FOLDER --format json` prints it."""
        from .audit.batch import folder_json

        return json_text(folder_json(self.documents))

    def to_frame(self) -> Any:
        """The per-document summary as a pandas DataFrame: 文書, 状態, the counts, 理由."""
        from .report.frame import summary_frame

        return summary_frame(self.documents)

    def write(self, path: PathLike, force: bool = False) -> None:
        """The summary written to `path` as its extension says: .csv (UTF-8 with a BOM), .xlsx (one
        sheet), .json (every document's whole audit); safely, never into the audited folder's files."""
        from .report.frame import csv_bytes, summary_frame, xlsx_bytes

        kind = output_format(path, (".csv", ".xlsx", ".json"))

        def make() -> tuple[bytes, tuple[str, ...]]:
            if kind == ".json":
                return self.to_json().encode("utf-8"), ()
            frame = summary_frame(self.documents)
            return (csv_bytes(frame) if kind == ".csv" else xlsx_bytes({SUMMARY_SHEET: frame})), ()

        _write(path, make, force, [Path(d.file) for d in self.documents])
