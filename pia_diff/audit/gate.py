"""The release gate, decided in one place: may a revision be filed now (RULES.md §3–§4, §6)? Not while
a 事前 change is unacknowledged, a decision is stale or unpinned, part of either version could not be
compared, or the new version's 別添2 has an error this revision brings (a change without its row, a
※ row filed 事後 without an exemption, a しきい値 change that may need a heavier assessment)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pia_diff.compare.classify import Row, blocking, unsettled
from pia_diff.compare.gaps import Gap
from pia_diff.model import Snapshot

from .findings import Finding, Severity
from .published import Audit, revision_rows
from .threshold import threshold_warnings


@dataclass(frozen=True)
class Release:
    """The gate's decision: what stops the revision going out now, and what it should still see."""

    total: int  # changes found
    unacknowledged: list[Row]  # 事前 rows no decision pinned to that change acknowledges
    unsettled: list[Row]  # rows whose decision is stale or unpinned
    gaps: list[Gap]  # what could not be compared
    audit_errors: list[Finding]  # 要対応 findings on the new version's own 別添2 (this revision's)
    audit_warnings: list[Finding] = field(default_factory=list)  # its warnings: reported, not blocking

    @property
    def may_file(self) -> bool:
        return not (self.unacknowledged or self.unsettled or self.gaps or self.audit_errors)

    @property
    def blocking_rows(self) -> list[Row]:
        return [*self.unacknowledged, *self.unsettled]


def decide(rows: list[Row], gaps: list[Gap], report: Audit, old: Snapshot, new: Snapshot) -> Release:
    """The decision from a comparison's rows and gaps and the audit of NEW against OLD."""
    lines = {r.line for r in revision_rows(new, report.rows, old)}
    ours = [f for f in report.findings if f.line is None or f.line in lines]
    # a しきい値 finding the old version already had is not this revision's doing; one it brings blocks
    standing = {(f.code, f.message) for f in threshold_warnings(old)}
    ours = [f for f in ours if (f.code, f.message) not in standing]
    loose = unsettled(rows)
    return Release(
        total=len(rows),
        unacknowledged=[r for r in blocking(rows) if r not in loose],
        unsettled=loose,
        gaps=gaps,
        audit_errors=[f for f in ours if f.level is Severity.ERROR],
        audit_warnings=[f for f in ours if f.level is Severity.WARNING],
    )
