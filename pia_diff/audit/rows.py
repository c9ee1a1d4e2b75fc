"""A published 別添2 row against the rules, one by one: its 項目 resolved to the form's items, its
提出時期 re-derived by the rule table (the same facts as `classify`), the verdict and the finding."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pia_diff.catalogue import TITLE, Catalogue, Kind
from pia_diff.compare.facts import facts_for
from pia_diff.compare.rules import RuleTable, Timing
from pia_diff.forms import vocabulary
from pia_diff.model import HISTORY_COLUMNS, HistoryRow, Path, Source
from pia_diff.text import compare_key

from .findings import Finding, FindingCode, Verdict

_WORDS = vocabulary()


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


def named_exemption(explanation: str, table: RuleTable) -> str | None:
    """The exemption category a published 説明 names, if any (RULES.md §4)."""
    found = [
        (explanation.find(word), category)
        for category, words in table.exemption_words.items()
        for word in words
        if word in explanation
    ]
    return min(found)[1] if found else None  # the category named first


def _whole_entity_added_or_removed(cells: dict[str, str]) -> bool:
    before, after = cells["変更前の記載"].strip(), cells["変更後の記載"].strip()
    marks = (_WORDS.marks.added, _WORDS.marks.removed, _WORDS.marks.removed.strip("()（）"))
    return _WORDS.is_empty(before) or any(m in after for m in marks) or _WORDS.is_empty(after)


def judged_paths(paths: tuple[Path, ...], cells: dict[str, str], catalogue: Catalogue) -> tuple[Path, ...]:
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


def judge(paths: tuple[Path, ...], catalogue: Catalogue, table: RuleTable) -> Timing:
    """The 提出時期 the rule table gives the row's items: 事前 when any of them needs it. A published
    row carries no confirmed decision (RULES.md §4: an exemption is never applied silently; the row's
    own 説明 is not a confirmation), so a ※ item is important. A row naming a whole entity or heading
    counts as ※ when any item in it is (as `classify` does for an entity added or removed)."""
    timings = [table.decide(facts_for(p, catalogue, table, whole=True)).timing for p in paths]
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


def audit_row(
    row: HistoryRow, catalogue: Catalogue, table: RuleTable, item: str | None = None
) -> tuple[AuditRow, Finding | None]:
    """One published row against the rules; `item` is the 項目 it names when its own cell is empty."""
    from .resolve import resolve

    cells = {**row.as_dict(), "項目": item if item is not None else row.cells[1]}
    resolution = resolve(cells["項目"], catalogue)
    label = cells["項目"]
    if not resolution.resolved:
        return AuditRow(row.cells, None, None, Verdict.UNRESOLVED, row.line), Finding(
            FindingCode.UNRESOLVED, {}, label, row.line
        )
    judged = judge(judged_paths(resolution.paths, cells, catalogue), catalogue, table)
    filed = filed_timing(cells["提出時期"])
    if filed is None:
        return AuditRow(row.cells, resolution.paths, judged, Verdict.NO_TIMING, row.line), Finding(
            FindingCode.NO_TIMING, {}, label, row.line
        )
    if filed == judged:
        return AuditRow(row.cells, resolution.paths, judged, Verdict.CONSISTENT, row.line), None
    if filed is Timing.BEFORE:
        return AuditRow(row.cells, resolution.paths, judged, Verdict.PLAIN_BEFORE, row.line), Finding(
            FindingCode.PLAIN_FILED_BEFORE, {}, label, row.line
        )
    category = named_exemption(cells["提出時期に係る説明"], table)
    if category:
        finding = Finding(FindingCode.STAR_AFTER_EXEMPTION, {"category": category}, label, row.line)
        return AuditRow(row.cells, resolution.paths, judged, Verdict.STAR_AFTER_NAMED, row.line), finding
    finding = Finding(FindingCode.STAR_AFTER_UNEXPLAINED, {}, label, row.line)
    return AuditRow(row.cells, resolution.paths, judged, Verdict.STAR_AFTER_UNNAMED, row.line), finding
