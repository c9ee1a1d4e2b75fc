"""Audit a published 別添2: each row against the rules (`rows`), the table against the real
differences since an earlier version (`completeness`), the しきい値 and time rules (`threshold`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pia_diff.catalogue import Catalogue
from pia_diff.compare.change import Change
from pia_diff.compare.rules import RuleTable
from pia_diff.model import Certainty, Snapshot, Source
from pia_diff.wareki import parse_date

from .completeness import against as against_findings
from .completeness import revision_rows
from .findings import Finding, FindingCode, Severity, Verdict
from .rows import AuditRow, audit_row, filed_timing, named_exemption
from .threshold import reassessment_warning, threshold_warnings

__all__ = [
    "CONSISTENT",
    "PLAIN_BEFORE",
    "STAR_AFTER_NAMED",
    "STAR_AFTER_UNNAMED",
    "UNRESOLVED",
    "Audit",
    "AuditRow",
    "audit",
    "filed_timing",
    "named_exemption",
    "revision_rows",
]

CONSISTENT = Verdict.CONSISTENT
STAR_AFTER_NAMED = Verdict.STAR_AFTER_NAMED
STAR_AFTER_UNNAMED = Verdict.STAR_AFTER_UNNAMED
PLAIN_BEFORE = Verdict.PLAIN_BEFORE
UNRESOLVED = Verdict.UNRESOLVED


@dataclass
class Audit:
    source: str
    rows: list[AuditRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"rows": [r.as_json() for r in self.rows], "findings": [f.as_json() for f in self.findings]}

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level is Severity.ERROR]


def _row_warnings(cells: tuple[str, ...], item: str, line: Source) -> list[Finding]:
    """A row with no 変更日, a 変更日 that is no date, or no 項目: kept, warned about."""
    out = []
    if not cells[0]:
        out.append(Finding(FindingCode.HISTORY_NO_DATE, {}, item, line))
    elif parse_date(cells[0]) is None:
        out.append(Finding(FindingCode.HISTORY_BAD_DATE, {"date": cells[0]}, item, line))
    if not cells[1]:
        out.append(Finding(FindingCode.HISTORY_NO_ITEM, {}, item, line))
    return out


def audit(
    doc: Snapshot,
    catalogue: Catalogue,
    table: RuleTable,
    against: Snapshot | None = None,
    changes: list[Change] | None = None,
) -> Audit:
    """DOC's published 別添2 audited (and, with AGAINST, checked against the changes since it;
    `changes`: those a comparison already found, so that its rows and the audit agree)."""
    result = Audit(source=doc.source)
    published_day = doc.meta.published
    if doc.meta.history_certainty is not Certainty.OK:
        result.findings.append(Finding(FindingCode.HISTORY_UNREADABLE))
    item_above = ""
    for row in doc.history:
        # a 項目 cell merged down over several rows prints once: the rows below name the same item
        item = row.cells[1] or item_above
        item_above = item
        audited, finding = audit_row(row, catalogue, table, item)
        result.rows.append(audited)
        if finding is not None:
            result.findings.append(finding)
        result.findings.extend(_row_warnings(row.cells, item, row.line))
        day = parse_date(row.cells[0])
        if day is not None and published_day is not None and day > published_day:
            result.findings.append(Finding(FindingCode.DATE_AFTER_PUBLICATION, {}, row.cells[1], row.line))
    result.findings.extend(threshold_warnings(doc))
    overdue = reassessment_warning(doc)
    if overdue is not None:
        result.findings.append(overdue)
    if against is not None:
        found = against_findings(doc, against, result.rows, catalogue, changes)
        # a ※ row filed 事後 for an item that did not change at all is no breach (issue 17 §9): its
        # row-without-change warning says what is wrong with it
        unchanged = {f.line for f in found if f.code is FindingCode.ROW_WITHOUT_CHANGE}
        result.findings = [
            f for f in result.findings if not (f.code is FindingCode.STAR_AFTER_UNEXPLAINED and f.line in unchanged)
        ]
        result.findings.extend(found)
    return result
