"""Audit a published 別添2: resolve each row, re-derive its 提出時期, and (with OLD) check completeness."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from pia_diff.catalogue import TITLE, Catalogue, Kind
from pia_diff.compare.diff import Change, diff
from pia_diff.compare.rules import RuleTable, Timing
from pia_diff.forms import vocabulary
from pia_diff.snapshot import HISTORY_COLUMNS, HistoryRow, Path, Snapshot, Source, item_label
from pia_diff.text import compare_key
from pia_diff.values import Certainty, render
from pia_diff.wareki import parse_date

from .findings import Finding, Severity, Verdict
from .threshold import reassessment_warning, threshold_move, threshold_warnings

CONSISTENT = Verdict.CONSISTENT
STAR_AFTER_NAMED = Verdict.STAR_AFTER_NAMED
STAR_AFTER_UNNAMED = Verdict.STAR_AFTER_UNNAMED
PLAIN_BEFORE = Verdict.PLAIN_BEFORE
UNRESOLVED = Verdict.UNRESOLVED
NO_TIMING = Verdict.NO_TIMING
_WORDS = vocabulary()
# Markers of shortened or added text in practice ('(略)', '(追加)'); not compared.
_ELIDED = (*_WORDS.history_elisions, *_WORDS.empty_values)


@dataclass(frozen=True)
class AuditRow:
    cells: tuple[str, ...]
    item_paths: tuple[Path, ...] | None
    judged: Timing | None
    verdict: Verdict
    line: Source = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(zip(HISTORY_COLUMNS, self.cells, strict=True))
        out["item_path"] = next(list(p) for p in self.item_paths) if self.item_paths else None
        out["item_paths"] = [list(p) for p in self.item_paths] if self.item_paths else []
        out["判定"] = str(self.judged) if self.judged else None
        out["verdict"] = self.verdict
        out["行"] = self.line
        return out


@dataclass
class Audit:
    source: str
    rows: list[AuditRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": [r.as_json() for r in self.rows],
            "findings": [
                {"level": f.level, "code": f.code, "message": f.message, "項目": f.項目} for f in self.findings
            ],
        }

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level is Severity.ERROR]


def named_exemption(explanation: str, table: RuleTable) -> str | None:
    """The exemption category a published 説明 names, if any (RULES.md §4)."""
    found = [
        (explanation.find(word), category)
        for category, words in table.exemption_words.items()
        for word in words
        if word in explanation
    ]
    return min(found)[1] if found else None  # the category named first


def facts_for(path: Path, catalogue: Catalogue) -> dict[str, Any]:
    """The facts `RuleTable.decide` tests, built the way `classify` builds them for a change.

    A published row carries no confirmed decision (RULES.md §4: an exemption is never applied
    silently; the row's own 説明 is not a confirmation), so `exempted` and `effective_later` are
    False: a ※ item is `important`. A row naming a whole entity or heading counts as ※ when any
    item in it is (as `classify` does for an entity added or removed)."""
    node = catalogue.node_at(path)
    star = node is not None and (node.star or any(leaf.star for leaf in node.leaves()))
    return {"important": star, "exempted": False, "effective_later": False, "star": star, "part": path[0]}


def _whole_entity_added_or_removed(cells: dict[str, str]) -> bool:
    before, after = cells["変更前の記載"].strip(), cells["変更後の記載"].strip()
    marks = (_WORDS.marks.added, _WORDS.marks.removed, _WORDS.marks.removed.strip("()（）"))
    return _WORDS.is_empty(before) or any(m in after for m in marks) or _WORDS.is_empty(after)


def _judged_paths(paths: tuple[Path, ...], cells: dict[str, str], catalogue: Catalogue) -> tuple[Path, ...]:
    """A row naming a whole entity with a before and an after text changes the entity's header (its
    名称, 003 l.218 「委託事項1」 国民年金システム… → COKAS-i…): judged as that item. An entity added or
    removed as a whole is judged as the entity (※ when any item in it is, like `classify`)."""
    out = []
    for path in paths:
        node = catalogue.node_at(path)
        title = next((c for c in node.children if c.label == TITLE), None) if node is not None else None
        if node is not None and node.kind is Kind.ENTITY and title and not _whole_entity_added_or_removed(cells):
            path = (*path, title.segment)
        out.append(path)
    return tuple(out)


def _judge(paths: tuple[Path, ...], catalogue: Catalogue, table: RuleTable) -> Timing:
    """The 提出時期 the rule table gives the row's items: 事前 when any of them needs it."""
    timings = [table.decide(facts_for(p, catalogue)).timing for p in paths]
    return Timing.BEFORE if Timing.BEFORE in timings else Timing.AFTER


# 「事前提出不要」「事前の提出を要しない」「事前の届出は不要」 say the filing was not before: 事後.
_NOT_BEFORE = re.compile(
    r"事前(?:の)?(?:提出|届出|公表|提出・公表|提出等)?(?:は|を|が|の)?"
    r"(?:不要|対象外|対象(?:では|で)?な[いく]|対象となら|要しな|要しませ|必要(?:が|は)?(?:では)?な[いくし]"
    r"|必要(?:が|は)?ありませ|必要な(?:変更|もの|場合)?(?:では|で)な[いく]"
    r"|義務(?:付|づ)けられ(?:な|ませ)|義務(?:は|が)?な[いし]|義務(?:は|が)?ありませ|ではな[いく]|でな[いく](?!ても))"
    # 「…不要の変更には該当しない」 denies the denial: left as 事前
    r"(?![^事]{0,10}(?:該当しな|当たらな|該当せ))"
)


def filed_timing(text: str) -> Timing | None:
    """The 提出時期 a published cell states: the first of 事前/事後 it names, so that 「事後（事前の
    届出は不要）」 reads 事後; a 事前 the cell denies (「事前提出不要のため事後」, 「事前の提出を
    要しない」) is no 事前; spacing (「事 前」) and width do not matter."""
    folded = _NOT_BEFORE.sub("事後", compare_key(text))
    found = [(folded.find(word), timing) for word, timing in (("事前", Timing.BEFORE), ("事後", Timing.AFTER))]
    named = [(at, timing) for at, timing in found if at >= 0]
    return min(named)[1] if named else None


def _audit_row(
    row: HistoryRow, catalogue: Catalogue, table: RuleTable, item: str | None = None
) -> tuple[AuditRow, Finding | None]:
    """One published row against the rules; `item` is the 項目 it names when its own cell is empty."""
    from .resolve import resolve

    cells = {**row.as_dict(), "項目": item if item is not None else row.cells[1]}
    resolution = resolve(cells["項目"], catalogue)
    label = cells["項目"]
    if not resolution.resolved:
        finding = Finding(
            Severity.WARNING, "unresolved", f"{row.line}行目: 項目を様式の項目に対応づけられません。", label, row.line
        )
        return AuditRow(row.cells, None, None, UNRESOLVED, row.line), finding
    judged = _judge(_judged_paths(resolution.paths, cells, catalogue), catalogue, table)
    filed = filed_timing(cells["提出時期"])
    if filed is None:
        finding = Finding(
            Severity.WARNING,
            "no-timing",
            f"{row.line}行目: 提出時期が事前/事後のどちらでもありません。",
            label,
            row.line,
        )
        return AuditRow(row.cells, resolution.paths, judged, NO_TIMING, row.line), finding
    if filed == judged:
        return AuditRow(row.cells, resolution.paths, judged, CONSISTENT, row.line), None
    if filed is Timing.BEFORE:
        finding = Finding(
            Severity.INFO,
            "plain-filed-before",
            f"{row.line}行目: ※でない項目を事前で提出しています (問題ありません)。",
            label,
            row.line,
        )
        return AuditRow(row.cells, resolution.paths, judged, PLAIN_BEFORE, row.line), finding
    category = named_exemption(cells["提出時期に係る説明"], table)
    if category:
        message = f"{row.line}行目: ※項目を事後で提出。説明は例外「{category}」に当たると読めます。例外の判断を確認してください。"
        finding = Finding(Severity.WARNING, "star-after-exemption", message, label, row.line)
        return AuditRow(row.cells, resolution.paths, judged, STAR_AFTER_NAMED, row.line), finding
    message = f"{row.line}行目: ※項目 (重要な変更) を事後で提出していますが、説明が例外の区分に当たりません。"
    finding = Finding(Severity.ERROR, "star-after-unexplained", message, label, row.line)
    return AuditRow(row.cells, resolution.paths, judged, STAR_AFTER_UNNAMED, row.line), finding


def _covers(row_path: Path, change: Change) -> bool:
    n = min(len(row_path), len(change.path))
    return row_path[:n] == change.path[:n]


def _after_matches(published: str, snapshot: Snapshot, path: Path) -> bool | None:
    """Whether a row's 変更後の記載 is what the document says (None: cannot tell)."""
    item = snapshot.fields.get(path)
    if item is None or item.certainty is not Certainty.OK:
        return None
    text = compare_key(published.replace("[ ]", "[]"))
    if not text or any(mark in published for mark in _ELIDED):
        return None
    actual = compare_key(render(item.value).replace("[ ]", "[]"))
    return text in actual or actual in text


def audit(doc: Snapshot, catalogue: Catalogue, table: RuleTable, against: Snapshot | None = None) -> Audit:
    result = Audit(source=doc.source)
    published_day = doc.meta.published
    if doc.meta.history_certainty is not Certainty.OK:
        result.findings.append(
            Finding(
                Severity.WARNING, "history-unreadable", "この文書からは別添2 変更箇所の表を読み取れませんでした。", None
            )
        )
    item_above = ""
    for row in doc.history:
        # a 項目 cell merged down over several rows prints once: the rows below name the same item
        item = row.cells[1] or item_above
        item_above = item
        audited, finding = _audit_row(row, catalogue, table, item)
        result.rows.append(audited)
        if finding is not None:
            result.findings.append(finding)
        day = parse_date(row.cells[0])
        for empty, code, message in (
            (
                not row.cells[0],
                "history-no-date",
                "変更日が空です。セルの結合とみなし、上の行と同じ改訂の行として扱います。",
            ),
            (
                bool(row.cells[0]) and day is None,
                "history-bad-date",
                f"変更日「{row.cells[0]}」を日付として読めません。どの改訂の行か分からないため、"
                "前の版との突き合わせでは今回の改訂の行として扱います。",
            ),
            (not row.cells[1], "history-no-item", "項目が空です。セルの結合なら上の行と同じ項目として扱います。"),
        ):
            if empty:
                result.findings.append(
                    Finding(
                        Severity.WARNING, code, f"{row.line}行目: {message}原本で確認してください。", item, row.line
                    )
                )
        if day is not None and published_day is not None and day > published_day:
            result.findings.append(
                Finding(
                    Severity.WARNING,
                    "date-after-publication",
                    f"{row.line}行目: 変更日が公表日より後です。",
                    row.cells[1],
                    row.line,
                )
            )
    result.findings.extend(threshold_warnings(doc))
    overdue = reassessment_warning(doc)
    if overdue is not None:
        result.findings.append(overdue)
    if against is not None:
        result.findings.extend(_against(doc, against, result.rows, catalogue))
    return result


def revision_rows(doc: Snapshot, rows: list[AuditRow], old: Snapshot) -> list[AuditRow]:
    """The rows of the revision since OLD: dated after OLD's 公表日 (else the latest date). A row
    without a date shares the one above it (a date cell merged down); a row whose date cannot be
    read could be of any revision, so it is counted with this one (its change is not reported
    missing; audit warns about the date)."""
    since = old.meta.published
    unknown = dt.date.max  # a date that cannot be read
    dated: list[tuple[dt.date | None, AuditRow]] = []
    for row in rows:
        if row.cells[0]:
            day: dt.date | None = parse_date(row.cells[0]) or unknown
        else:
            day = dated[-1][0] if dated else None
        dated.append((day, row))
    if since is not None:
        return [r for day, r in dated if day is not None and day > since]
    days = [day for day, _ in dated if day is not None and day is not unknown]
    return [r for day, r in dated if day is unknown or (days and day == max(days))]


def _against(doc: Snapshot, old: Snapshot, rows: list[AuditRow], catalogue: Catalogue) -> list[Finding]:
    findings: list[Finding] = []
    changes = diff(old, doc, catalogue)
    current = revision_rows(doc, rows, old)
    files = doc.files or old.files
    # what each row covers: an entity row with a before and an after text covers the entity's 名称,
    # an entity added or removed as a whole covers everything inside it (see _judged_paths)
    covering = [
        _judged_paths(r.item_paths or (), dict(zip(HISTORY_COLUMNS, r.cells, strict=True)), catalogue) for r in current
    ]
    for change in changes:
        covered = any(_covers(p, change) for paths in covering for p in paths)
        if not covered:
            level = Severity.ERROR if change.certainty is Certainty.OK else Severity.WARNING
            findings.append(
                Finding(
                    level,
                    "change-without-row",
                    "実際の変更に別添2の行がありません"
                    + ("。" if level is Severity.ERROR else " (読み取りが不確かな項目です)。"),
                    item_label(change.path, files),
                )
            )
    for row, paths in zip(current, covering, strict=True):
        for path in paths:
            if not any(_covers(path, c) for c in changes):
                seen = [f for s in (old, doc) for p, f in s.fields.items() if p[: len(path)] == path]
                if not seen:
                    code, text = "row-item-not-found", "別添2にある項目ですが、どちらの版にも見つかりません。"
                elif any(f.certainty is not Certainty.OK for f in seen):
                    # never 「変わっていません」 for what either version could not read (issue 9 §5)
                    code = "row-unverifiable"
                    text = "別添2にある項目ですが、どちらかの版で読み取りが不確かか見つからないため、変わったかどうかを確認できません。原本で確認してください。"
                else:
                    code, text = "row-without-change", "別添2にある項目ですが、2つの版の間で変わっていません。"
                findings.append(Finding(Severity.WARNING, code, f"{row.line}行目: {text}", row.cells[1], row.line))
            elif len(paths) == 1 and _after_matches(row.cells[3], doc, path) is False:
                findings.append(
                    Finding(
                        Severity.WARNING,
                        "after-text-mismatch",
                        f"{row.line}行目: 変更後の記載が文書の記載と一致しません。",
                        row.cells[1],
                        row.line,
                    )
                )
    moved = threshold_move(old, doc)
    if moved is not None:
        findings.append(moved)
    return findings
