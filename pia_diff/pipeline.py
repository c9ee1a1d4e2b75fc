"""The main job as one library call: two documents in, classified 別添2 rows out; and the release
gate's decision, made here once (`release`) for `check`, the page and the library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from .audit.threshold import threshold_move
from .catalogue import Catalogue
from .collector import collector_paused
from .compare.change import Change
from .compare.classify import Options, Row, classify, unknown_decisions
from .compare.decisions import (
    NONE,
    OVERRIDE,
    UNPINNED_NOTE,
    Decisions,
    parse_decisions,
    read_decisions,
    what_changed,
)
from .compare.diff import differences
from .compare.docform import DocumentCatalogue, for_audit, form_context, reconcile
from .compare.excerpt import LONG_CELL
from .compare.facts import DecisionStatus
from .compare.gaps import Gap, gaps
from .compare.net import unexplained
from .compare.pairing import Renumbering
from .errors import InputError
from .ingest.read import read_document
from .model import Certainty
from .snapshot import Snapshot, item_label
from .text import compare_key

if TYPE_CHECKING:  # the audit itself is imported when the gate is decided (`release`), not by every diff
    from .audit.findings import Finding
    from .audit.gate import Release


class NoticeKind(StrEnum):
    """What a notice is about (the 判定根拠 sheet lists them by kind below its table)."""

    GAP = "確認できない部分"
    RENUMBERING = "番号の振り直し"
    DECISION = "判断ファイル"
    HISTORY = "前の版の別添2"
    THRESHOLD = "しきい値判断"
    LINES = "行ごとの照合"


@dataclass(frozen=True)
class Notice:
    """One thing the user must know about a comparison that is no row of the table."""

    kind: NoticeKind
    text: str


@dataclass(frozen=True)
class Comparison:
    old: Snapshot
    new: Snapshot
    rows: list[Row]
    notices: list[Notice] = field(default_factory=list)
    # what could not be compared: `check` does not pass while there is any
    gaps: list[Gap] = field(default_factory=list)
    # the changes the rows were made from (the audit of the new version checks its table against them)
    changes: list[Change] = field(default_factory=list)
    # the form's change table as it titles it ((別添2) 変更箇所; 様式4: (別添3) 変更箇所)
    table_title: str = ""

    @property
    def warnings(self) -> list[str]:
        """Every notice but renumberings, as the sentence printed after 「注意: 」."""
        return [_said(n) for n in self.notices if n.kind is not NoticeKind.RENUMBERING]

    @property
    def notes(self) -> list[str]:
        """Entities that only changed their number: no row, said after 「参考: 」."""
        return [n.text for n in self.notices if n.kind is NoticeKind.RENUMBERING]


def _said(notice: Notice) -> str:
    return f"確認できない部分があります: {notice.text}" if notice.kind is NoticeKind.GAP else notice.text


def same_assessment(old: Snapshot, new: Snapshot, new_name: str) -> None:
    for key, a, b in (
        ("評価書番号", old.meta.number, new.meta.number),
        ("評価実施機関名", old.meta.body, new.meta.body),
    ):
        if a and b and a != b:
            raise InputError(
                new_name,
                f"別の評価書のようです ({key}: 旧「{a}」、新「{b}」)。同じ評価書の2つの版を指定してください"
                " (承知の上で比べるときは diff に --force を付けます。check は同じ評価書の版どうしだけを判定します)。",
            )


def decision_warnings(decisions: Decisions, rows: list[Row]) -> list[str]:
    """Stale, unpinned, unsupported and unused decisions, each with its item: never ignored silently."""
    warnings = []
    for row in rows:
        d = row.decision
        if d is None:
            continue
        if row.判断の状態 is DecisionStatus.STALE and d.fingerprint is not None:
            warnings.append(
                f"判断ファイル {d.where()}「{d.item}」は適用しませんでした: {what_changed(d.fingerprint, row.変更の指紋)}"
                f" (判断の指紋 {d.fingerprint}、今の変更 {row.変更の指紋})。今の変更を確かめて判断し直してください。"
            )
        elif row.判断の状態 is DecisionStatus.UNPINNED:
            warnings.append(
                f"判断ファイル {d.where()}「{d.item}」: {UNPINNED_NOTE}。今の変更への判断であることを確かめたら"
                f"「変更の指紋: {row.変更の指紋}」を書き足してください (それまで check はこの判断を使いません)。"
            )
        elif row.unsupported_exemption:
            warnings.append(
                f"判断ファイル {d.where()}「{d.item}」の例外「{d.exemption}」は適用しませんでした: 分析では、この変更は"
                f"この区分に当たりません (ツールの提案: {'、'.join(row.提案) or 'なし'})。変更の全文を確かめ、それでも"
                f"例外に当たるなら、その理由を「{OVERRIDE}」に一文で書いてください (それまでこの変更は事前です)。"
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


@collector_paused  # pairing and the safety net build per-line units of two long documents: no cycles to find
def compare(
    old: Snapshot,
    new: Snapshot,
    revision_date: dt.date,
    decisions_path: Path | None = None,
    full_text: bool = False,
    decisions: Decisions | None = None,
    decisions_text: str | None = None,
) -> Comparison:
    """Compare two read versions. Decisions come from a file (`decisions_path`), already read
    (`decisions`), or as a file's text held in memory (`decisions_text`, the page of `serve`)."""
    old, new = reconcile(old, new)
    catalogue, table, stars = form_context(old, new)
    if decisions is None and decisions_text is not None:
        decisions = parse_decisions(decisions_text, "判断ファイル", table.exemptions)
    if decisions is None:
        decisions = read_decisions(decisions_path, table.exemptions) if decisions_path else NONE
    files = new.files or old.files
    found = differences(old, new, catalogue)
    rows = classify(
        found.changes,
        catalogue,
        table,
        Options(revision_date, decisions, files, cell_limit=None if full_text else LONG_CELL, star_paths=stars),
    )
    notices = [Notice(NoticeKind.DECISION, text) for text in decision_warnings(decisions, rows)]
    if old.meta.history_certainty is not Certainty.OK:
        notices.append(
            Notice(
                NoticeKind.HISTORY,
                f"{old.source or '前の版'} からは公表済みの別添2 を読み取れませんでした。"
                "Excel に書き出す表には、前の版の行が入りません。",
            )
        )
    moved = threshold_move(old, new)
    if moved is not None:
        notices.append(Notice(NoticeKind.THRESHOLD, moved.message))
    notices += [Notice(NoticeKind.RENUMBERING, renumbering_note(r, old.files, new.files)) for r in found.renumbered]
    unread = gaps(old, new, catalogue, found.not_found)
    # the safety net: every line that differs is accounted for by a row, a gap or a named non-change
    lines_old, why_not = _lines_to_compare(old, new, catalogue)
    if lines_old is not None:
        unread += unexplained(lines_old, new, catalogue, found.changes, unread, found.alignment)
    elif why_not:
        notices.append(Notice(NoticeKind.LINES, why_not))
    notices += [Notice(NoticeKind.GAP, gap.message) for gap in unread]
    return Comparison(old, new, rows, notices, unread, found.changes, catalogue.history_table)


_KINDS = {"text": "テキスト", "pdf": "PDF", "workbook": "Excel ブック"}


def _lines_to_compare(old: Snapshot, new: Snapshot, catalogue: Catalogue) -> tuple[Snapshot | None, str]:
    """The old version as the safety net compares its lines with the new one's: itself when both are
    of one kind (text, PDF, workbook). A workbook made by `export` and edited is compared with the
    old version written out the same way (the round trip is exact). Otherwise the lines are laid out
    differently in each kind and cannot be compared one by one: None, and the reason said."""
    if old.text is None or new.text is None:
        return None, ""  # a snapshot JSON holds its items only: the item diff saw all of them
    if old.text.kind == new.text.kind:
        return old, ""
    exported = {node.sheet or node.label for node in catalogue.parts}
    sheets = {str(place).split("!", 1)[0] for place in new.text.places or ()}
    if new.text.kind == "workbook" and not isinstance(catalogue, DocumentCatalogue) and sheets & exported:
        from .ingest.read import parse_bytes
        from .report.export import export_bytes

        return parse_bytes(export_bytes(old, catalogue), old.source or "前の版"), ""
    return None, (
        f"前の版 ({_KINDS.get(old.text.kind, old.text.kind)}) と新しい版 ({_KINDS.get(new.text.kind, new.text.kind)})"
        " は形式が違うため、行ごとの照合はせず、項目ごとに比べました。同じ形式の版どうしで check すると、"
        "読み取れなかった記載の違いも確かめます。"
    )


def remarks(result: Comparison) -> list[tuple[str, str]]:
    """What the 判定根拠 sheet lists below its table: gaps first, then renumberings, then the rest."""
    order = [NoticeKind.GAP, NoticeKind.RENUMBERING]
    ranked = sorted(result.notices, key=lambda n: order.index(n.kind) if n.kind in order else len(order))
    return [(str(n.kind) if n.kind in order else "注意", n.text) for n in ranked]


def renumbering_note(moved: Renumbering, old_files: Mapping[str, str], new_files: Mapping[str, str]) -> str:
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
        same_assessment(old, new, str(new_path))
    return compare(old, new, revision_date, decisions_path, full_text)


def release(result: Comparison) -> Release:
    """The release gate's decision on a comparison (audit.gate.decide, with the new version audited
    against the old one over the very changes the rows were made from)."""
    from .audit.gate import decide
    from .audit.published import audit

    catalogue, table, _ = form_context(result.old, result.new)
    report = audit(result.new, for_audit(catalogue), table, result.old, result.changes)
    return decide(result.rows, result.gaps, report, result.old, result.new)


def release_blockers(result: Comparison) -> tuple[list[Row], list[Finding]]:
    """(rows that stop the revision, audit errors that stop it): `release` in its older shape."""
    decided = release(result)
    return decided.blocking_rows, decided.audit_errors
