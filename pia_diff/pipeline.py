"""The main job as one library call: two documents in, classified 別添2 rows out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .audit.findings import Finding
from .audit.threshold import band_move, band_of, threshold_warnings
from .compare.classify import DecisionStatus, Options, Row, blocking, classify, unknown_decisions
from .compare.decisions import NONE, UNPINNED_NOTE, Decisions, parse_decisions, read_decisions, what_changed
from .compare.diff import differences
from .compare.docform import for_audit, form_context, reconcile
from .compare.excerpt import LONG_CELL
from .compare.gaps import Gap, gaps
from .compare.pairing import Renumbering
from .errors import InputError
from .ingest.read import read_document
from .snapshot import Snapshot, item_label
from .text import compare_key


@dataclass(frozen=True)
class Comparison:
    old: Snapshot
    new: Snapshot
    rows: list[Row]
    warnings: list[str]
    # entities that only changed their number: no 別添2 row, said in the 判定根拠 sheet
    notes: list[str] = field(default_factory=list)
    # what could not be compared: `check` does not pass while there is any
    gaps: list[Gap] = field(default_factory=list)


def _same_assessment(old: Snapshot, new: Snapshot, new_name: str) -> None:
    for key in ("評価書番号", "評価実施機関名"):
        a, b = old.meta.get(key), new.meta.get(key)
        if a and b and a != b:
            raise InputError(
                new_name,
                f"別の評価書のようです ({key}: 旧「{a}」、新「{b}」)。同じ評価書の2つの版を指定してください"
                " (承知の上で比べるときは diff に --force を付けます。check は同じ評価書の版どうしだけを判定します)。",
            )


def decision_warnings(decisions: Decisions, rows: list[Row]) -> list[str]:
    """Stale, unpinned and unused decisions, each with its item: never ignored silently."""
    warnings = []
    for row in rows:
        d = row.decision
        if d is None:
            continue
        if row.判断の状態 is DecisionStatus.STALE:
            assert d.fingerprint is not None
            warnings.append(
                f"判断ファイル {d.where()}「{d.item}」は適用しませんでした: {what_changed(d.fingerprint, row.変更の指紋)}"
                f" (判断の指紋 {d.fingerprint}、今の変更 {row.変更の指紋})。今の変更を確かめて判断し直してください。"
            )
        elif row.判断の状態 is DecisionStatus.UNPINNED:
            warnings.append(
                f"判断ファイル {d.where()}「{d.item}」: {UNPINNED_NOTE}。今の変更への判断であることを確かめたら"
                f"「変更の指紋: {row.変更の指紋}」を書き足してください (それまで check はこの判断を使いません)。"
            )
    chosen = {compare_key(r.decision.item) for r in rows if r.decision is not None}
    for d in unknown_decisions(decisions, rows):
        if compare_key(d.item) in chosen:
            warnings.append(f"判断ファイル {d.where()}「{d.item}」は、同じ項目の別の判断を使ったため使いませんでした。")
        else:
            warnings.append(
                f"判断ファイル {d.where()}「{d.item}」に当たる変更がありません (項目名の誤りか、変更のない項目です)。"
            )
    return warnings


def compare(
    old: Snapshot,
    new: Snapshot,
    revision_date: dt.date,
    decisions_path: Path | None = None,
    full_text: bool = False,
    decisions_text: str | None = None,
) -> Comparison:
    """decisions_text: a decisions file's text, for callers that hold it in memory (the page of `serve`)."""
    old, new = reconcile(old, new)
    catalogue, table, stars = form_context(old, new)
    decisions = read_decisions(decisions_path, table.exemptions) if decisions_path else NONE
    if decisions_text is not None:
        decisions = parse_decisions(decisions_text, "判断ファイル", table.exemptions)
    files = new.files or old.files
    found = differences(old, new, catalogue)
    rows = classify(
        found.changes,
        catalogue,
        table,
        Options(revision_date, decisions, files, cell_limit=None if full_text else LONG_CELL, star_paths=stars),
    )
    warnings = decision_warnings(decisions, rows)
    if old.meta.get("別添2の確度") != "ok":
        warnings.append(
            f"{old.meta.get('source', '前の版')} からは公表済みの別添2 を読み取れませんでした。"
            "Excel に書き出す表には、前の版の行が入りません。"
        )
    moved = band_move(band_of(old), band_of(new))
    if moved is not None:
        warnings.append(moved.message)
    notes = [renumbering_note(r, old.files, new.files) for r in found.renumbered]
    unread = gaps(old, new, catalogue, found.not_found)
    warnings += [f"確認できない部分があります: {gap.message}" for gap in unread]
    return Comparison(old, new, rows, warnings, notes, unread)


def remarks(result: Comparison) -> list[tuple[str, str]]:
    """What the 判定根拠 sheet lists below its table: gaps first, then renumberings, then the rest."""
    gap_texts = {f"確認できない部分があります: {gap.message}" for gap in result.gaps}
    out = [("確認できない部分", gap.message) for gap in result.gaps]
    out += [("番号の振り直し", note) for note in result.notes]
    out += [("注意", warning) for warning in result.warnings if warning not in gap_texts]
    return out


def renumbering_note(moved: Renumbering, old_files: dict[str, str], new_files: dict[str, str]) -> str:
    """「…システム: システム4 → システム3」: the same entity under another number is no change."""
    where = item_label(moved.new[:-1], new_files)
    before = item_label(moved.old[-1:], old_files)
    after = item_label(moved.new[-1:], new_files)
    return f"番号の振り直し ({where or '特定個人情報ファイル'}): {before} → {after} (内容による対応づけ、一致度 {moved.similarity:.0f}%)"


def compare_files(
    old_path: Path,
    new_path: Path,
    revision_date: dt.date,
    decisions_path: Path | None = None,
    allow_different: bool = False,
    full_text: bool = False,
    form: str | None = None,
) -> Comparison:
    old, new = read_document(old_path, form), read_document(new_path, form)
    if not allow_different:
        _same_assessment(old, new, str(new_path))
    return compare(old, new, revision_date, decisions_path, full_text)


def release_blockers(result: Comparison) -> tuple[list[Row], list[Finding]]:
    """What stops a revision going out: 事前 changes not acknowledged, and audit errors on the
    new revision (a ※ row of it filed 事後 without an exemption, a real change with no row)."""
    from .audit.published import audit, revision_rows

    catalogue, table, _ = form_context(result.old, result.new)
    report = audit(result.new, for_audit(catalogue), table, result.old)
    lines = {r.line for r in revision_rows(result.new, report.rows, result.old)}
    errors = [f for f in report.errors if f.line is None or f.line in lines]
    # a しきい値 error the old version already had is not this revision's doing; one it brings (a band
    # move that may need a heavier assessment, RULES.md §6) blocks
    standing = {(f.code, f.message) for f in threshold_warnings(result.old)}
    return blocking(result.rows), [f for f in errors if (f.code, f.message) not in standing]
