"""The main job as one library call: two documents in, classified 別添2 rows out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .catalogue import load_catalogue
from .classify import Options, Row, blocking, classify, unknown_decisions
from .decisions import NONE, read_decisions
from .diff import diff
from .errors import InputError
from .ingest import read_document
from .rules import load_rules
from .snapshot import Snapshot
from .threshold import Finding, band_move, band_of, threshold_warnings


@dataclass(frozen=True)
class Comparison:
    old: Snapshot
    new: Snapshot
    rows: list[Row]
    warnings: list[str]


def _same_assessment(old: Snapshot, new: Snapshot, new_name: str) -> None:
    for key in ("評価書番号", "評価実施機関名"):
        a, b = old.meta.get(key), new.meta.get(key)
        if a and b and a != b:
            raise InputError(
                new_name,
                f"別の評価書のようです ({key}: 旧「{a}」、新「{b}」)。同じ評価書の2つの版を指定してください"
                " (承知の上で比べるときは --force)。",
            )


def compare(
    old: Snapshot,
    new: Snapshot,
    revision_date: dt.date,
    decisions_path: Path | None = None,
) -> Comparison:
    catalogue, table = load_catalogue(), load_rules()
    decisions = read_decisions(decisions_path, table.exemptions) if decisions_path else NONE
    files = new.files or old.files
    rows = classify(diff(old, new, catalogue), catalogue, table, Options(revision_date, decisions, files))
    warnings = [
        f"判断ファイル {d.number}件目「{d.item}」に当たる変更がありません (項目名の誤りか、変更のない項目です)。"
        for d in unknown_decisions(decisions, rows)
    ]
    if old.meta.get("別添2の確度") != "ok":
        warnings.append(
            f"{old.meta.get('source', '前の版')} からは公表済みの別添2 を読み取れませんでした。"
            "Excel に書き出す表には、前の版の行が入りません。"
        )
    moved = band_move(band_of(old), band_of(new))
    if moved is not None:
        warnings.append(moved.message)
    return Comparison(old, new, rows, warnings)


def compare_files(
    old_path: Path,
    new_path: Path,
    revision_date: dt.date,
    decisions_path: Path | None = None,
    allow_different: bool = False,
) -> Comparison:
    old, new = read_document(old_path), read_document(new_path)
    if not allow_different:
        _same_assessment(old, new, str(new_path))
    return compare(old, new, revision_date, decisions_path)


def release_blockers(result: Comparison) -> tuple[list[Row], list[Finding]]:
    """What stops a revision going out: 事前 changes not acknowledged, and audit errors on the
    new revision (a ※ row of it filed 事後 without an exemption, a real change with no row)."""
    from .audit import audit, revision_rows

    catalogue = load_catalogue()
    report = audit(result.new, catalogue, load_rules(), result.old)
    lines = {r.line for r in revision_rows(result.new, report.rows, result.old)}
    errors = [f for f in report.errors if f.line is None or f.line in lines]
    # a しきい値 error the old version already had is not this revision's doing; one it brings (a band
    # move that may need a heavier assessment, RULES.md §6) blocks
    standing = {(f.code, f.message) for f in threshold_warnings(result.old)}
    return blocking(result.rows), [f for f in errors if (f.code, f.message) not in standing]
