"""A published 別添2 against the real differences since the earlier version: every change has its
row, every row names a change, each row's 変更後の記載 is what the document says."""

from __future__ import annotations

import datetime as dt

from pia_diff.catalogue import Catalogue, Kind
from pia_diff.compare.change import Change, ChangeKind
from pia_diff.forms import vocabulary
from pia_diff.model import HISTORY_COLUMNS, Certainty, Path, Snapshot, render
from pia_diff.snapshot import item_label
from pia_diff.text import compare_key
from pia_diff.wareki import parse_date

from .findings import Finding, FindingCode
from .rows import AuditRow, judged_paths
from .threshold import threshold_move

_WORDS = vocabulary()
# Markers of shortened or added text in practice ('(略)', '(追加)'); not compared.
_ELIDED = (*_WORDS.history_elisions, *_WORDS.empty_values)


def _covers(row_path: Path, change: Change, kind: ChangeKind | None = None) -> bool:
    """A row covers the changes at, under or above its item; a row saying a whole entity was added
    or removed covers only that addition or removal (an entity's number is the old version's in a
    removal row and the new one's in an addition row: the same number may name another entity)."""
    if kind is not None and change.kind is not kind:
        return False
    n = min(len(row_path), len(change.path))
    return row_path[:n] == change.path[:n]


def row_kind(cells: tuple[str, ...], paths: tuple[Path, ...], catalogue: Catalogue) -> ChangeKind | None:
    """ADDED or REMOVED for a row naming whole entities it says were added or removed, else None."""
    nodes = [catalogue.node_at(p) for p in paths]
    if not paths or any(n is None or n.kind is not Kind.ENTITY for n in nodes):
        return None
    before, after = cells[2].strip(), cells[3].strip()
    removed = (_WORDS.marks.removed, _WORDS.marks.removed.strip("()（）"))
    if any(mark in after for mark in removed) or (_WORDS.is_empty(after) and not _WORDS.is_empty(before)):
        return ChangeKind.REMOVED
    if _WORDS.is_empty(before) and not _WORDS.is_empty(after):
        return ChangeKind.ADDED
    return None


def _after_matches(published: str, snapshot: Snapshot, path: Path) -> bool | None:
    """Whether a row's 変更後の記載 is what the document says (None: cannot tell)."""
    item = snapshot.fields.get(path)
    if item is None or item.certainty is not Certainty.OK:
        return None
    text = _bare(published)
    if not text or any(mark in published for mark in _ELIDED):
        return None
    actual = _bare(render(item.value))
    return text in actual or actual in text


def _bare(text: str) -> str:
    """A cell's text as a row's 変更後の記載 is matched with the document: width, spaces and the
    brackets of a choice aside (「[委託する] (2)件」 is 「委託する (2) 件」)."""
    return compare_key(text).replace("[", "").replace("]", "")


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


def against(
    doc: Snapshot, old: Snapshot, rows: list[AuditRow], catalogue: Catalogue, changes: list[Change] | None = None
) -> list[Finding]:
    """Findings of DOC's 別添2 against the changes since OLD (computed here unless the caller's
    comparison passes its own, so that `check` and `audit` see the same changes)."""
    if changes is None:
        from pia_diff.compare.diff import diff

        changes = diff(old, doc, catalogue)
    findings: list[Finding] = []
    current = revision_rows(doc, rows, old)
    files = doc.files or old.files
    # what each row covers: an entity row with a before and an after text covers the entity's 名称,
    # an entity added or removed as a whole covers everything inside it (see rows.judged_paths)
    covering = [
        judged_paths(r.item_paths or (), dict(zip(HISTORY_COLUMNS, r.cells, strict=True)), catalogue) for r in current
    ]
    kinds = [row_kind(r.cells, paths, catalogue) for r, paths in zip(current, covering, strict=True)]
    for change in changes:
        if not any(_covers(p, change, k) for paths, k in zip(covering, kinds, strict=True) for p in paths):
            # an uncertain change needs its row as much as any other (issue 17 §2): always 要対応
            unsure = "" if change.certainty is Certainty.OK else " (読み取りが不確かな項目です。原本で確認してください)"
            findings.append(Finding(FindingCode.CHANGE_WITHOUT_ROW, {"unsure": unsure}, item_label(change.path, files)))
    for row, paths, kind in zip(current, covering, kinds, strict=True):
        for path in paths:
            if not any(_covers(path, c, kind) for c in changes):
                seen = [f for s in (old, doc) for p, f in s.fields.items() if p[: len(path)] == path]
                if not seen:
                    code = FindingCode.ROW_ITEM_NOT_FOUND
                elif any(f.certainty is not Certainty.OK for f in seen):
                    # never 「変わっていません」 for what either version could not read (issue 9 §5)
                    code = FindingCode.ROW_UNVERIFIABLE
                else:
                    code = FindingCode.ROW_WITHOUT_CHANGE
                findings.append(Finding(code, {}, row.cells[1], row.line))
            elif len(paths) == 1 and _after_matches(row.cells[3], doc, path) is False:
                findings.append(Finding(FindingCode.AFTER_TEXT_MISMATCH, {}, row.cells[1], row.line))
    moved = threshold_move(old, doc)
    if moved is not None:
        findings.append(moved)
    return findings
