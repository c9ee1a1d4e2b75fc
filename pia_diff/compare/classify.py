"""Changes → 別添2 rows: 提出時期 by the rule table, explained, with suggestions and decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pia_diff.catalogue import Catalogue
from pia_diff.forms import vocabulary
from pia_diff.model import Certainty, CheckboxSet
from pia_diff.snapshot import Path, item_label
from pia_diff.wareki import to_wareki

from .decisions import NONE, UNPINNED_NOTE, Decision, Decisions, fingerprint, what_changed
from .diff import Change, ChangeKind
from .excerpt import EMPTY, LONG_CELL, UNKNOWN_OPTIONS, Piece, checkbox_cells, excerpt, redline
from .rules import RuleTable, Timing
from .suggest import suggestions

ADDED_MARK = vocabulary().marks.added
REMOVED_MARK = vocabulary().marks.removed


class DecisionStatus(StrEnum):
    """How a row's decision was used: applied to this very change, stale (written for another
    version of the change, not applied), or unpinned (no fingerprint: applied, but unverified)."""

    APPLIED = "applied"
    STALE = "stale"
    UNPINNED = "unpinned"


@dataclass(frozen=True)
class Options:
    """Everything a classification run needs besides the changes (black's Mode)."""

    revision_date: dt.date
    decisions: Decisions = NONE
    files: Mapping[str, str] = field(default_factory=dict)
    # 変更前/変更後の記載 of a longer value show only what changed; None keeps whole cells (--full-text).
    cell_limit: int | None = LONG_CELL
    # ※ items as the documents mark them (generic reading); None: the catalogue's ※
    star_paths: frozenset[Path] | None = None


@dataclass(frozen=True)
class Row:
    """One row of the 別添2 変更箇所 table, with how it was decided."""

    変更日: str
    項目: str
    変更前の記載: str
    変更後の記載: str
    提出時期: Timing
    提出時期に係る説明: str
    item_path: Path
    重要: bool
    根拠: str
    提案: tuple[str, ...]
    確度: Certainty
    判断: str = ""
    詳細: str = ""
    変更前の全文: str = ""
    変更後の全文: str = ""
    # Character-level redline of the whole texts (text items changed on both sides), for the 判定根拠 sheet.
    赤字: tuple[Piece, ...] = ()
    変更の指紋: str = ""
    decision: Decision | None = None
    判断の状態: DecisionStatus | None = None
    根拠の名前: str = ""  # the rule's name in the rule table ('重要な変更の対象項目（※）')

    @property
    def acknowledged(self) -> bool:
        """A 事前 change confirmed as handled, by a decision pinned to this very change."""
        return bool(self.decision and self.decision.acknowledged and self.判断の状態 is DecisionStatus.APPLIED)

    def as_json(self) -> dict[str, Any]:
        """DESIGN.md `diff` shape (keys fixed; 判断, 詳細, 変更の指紋, 判断の状態 and 根拠の名前 added)."""
        return {
            "変更日": self.変更日,
            "項目": self.項目,
            "変更前の記載": self.変更前の記載,
            "変更後の記載": self.変更後の記載,
            "提出時期": str(self.提出時期),
            "提出時期に係る説明": self.提出時期に係る説明,
            "item_path": list(self.item_path),
            "重要": self.重要,
            "根拠": self.根拠,
            "提案": list(self.提案),
            "確度": str(self.確度),
            "判断": self.判断,
            "詳細": self.詳細,
            "変更の指紋": self.変更の指紋,
            "判断の状態": str(self.判断の状態) if self.判断の状態 else None,
            "根拠の名前": self.根拠の名前,
            "変更前の全文": self.変更前の全文,
            "変更後の全文": self.変更後の全文,
        }


def _is_star(change: Change, catalogue: Catalogue) -> bool:
    node = catalogue.node_at(change.path)
    if node is None:
        return False
    if change.entity:
        return node.star or any(leaf.star for leaf in node.leaves())
    return node.star


def _status(decision: Decision | None, current: str) -> DecisionStatus | None:
    if decision is None:
        return None
    if decision.fingerprint is None:
        return DecisionStatus.UNPINNED
    return DecisionStatus.APPLIED if decision.fingerprint == current else DecisionStatus.STALE


def _marked(change: Change, stars: frozenset[Path]) -> bool:
    """※ from the document: the item, or (an added/removed entity) any item inside it."""
    cut = len(change.path)
    return change.path in stars or any(path[:cut] == change.path for path in stars)


def _used(decision: Decision | None, status: DecisionStatus | None, current: str) -> str:
    if decision is None:
        return ""
    parts = [f"判断ファイル {decision.number}件目"]
    if status is DecisionStatus.STALE:
        assert decision.fingerprint is not None
        parts.append(f"古い判断のため適用せず ({what_changed(decision.fingerprint, current)})")
    elif status is DecisionStatus.UNPINNED:
        parts.append(f"注意: {UNPINNED_NOTE}" + ("。例外は適用していません" if decision.exemption else ""))
    if decision.exemption:
        parts.append(f"例外: {decision.exemption}")
    if decision.effective:
        parts.append(f"施行日: {to_wareki(decision.effective)}")
    if decision.acknowledged:
        parts.append("事前の変更として確認済み")
    return "、".join(parts)


def cells(change: Change, limit: int | None = LONG_CELL) -> tuple[str, str]:
    """変更前の記載 and 変更後の記載 as a person would paste them (「—」 for an empty value)."""
    before, after = change.before, change.after
    if change.name and limit is not None:
        before = after = change.name  # an added or removed entity is named, its items stay in the full text
    if change.kind is ChangeKind.ADDED:
        return EMPTY, f"{ADDED_MARK} {after}".strip()
    if change.kind is ChangeKind.REMOVED:
        return before or EMPTY, REMOVED_MARK
    if (
        limit is not None
        and isinstance(change.before_value, CheckboxSet)
        and isinstance(change.after_value, CheckboxSet)
    ):
        shown = checkbox_cells(change.before_value, change.after_value)
        before, after = shown if shown else (UNKNOWN_OPTIONS, UNKNOWN_OPTIONS)
    elif limit is not None:
        before, after = excerpt(before, after, limit)
    return before or EMPTY, after or EMPTY


def _redline(change: Change) -> tuple[Piece, ...]:
    """Only for a text changed on both sides: a checkbox set's changes are its listed options."""
    if change.kind is not ChangeKind.MODIFIED or not change.before or not change.after:
        return ()
    if not isinstance(change.before_value, str) or not isinstance(change.after_value, str):
        return ()
    return tuple(redline(change.before, change.after))


def classify(changes: list[Change], catalogue: Catalogue, table: RuleTable, options: Options) -> list[Row]:
    rows = []
    for change in changes:
        label = item_label(change.path, options.files)
        current = fingerprint(change)
        found = options.decisions.for_item(label, change.path, current)
        status = _status(found, current)
        decision = None if status is DecisionStatus.STALE else found  # a stale decision is never applied
        star = _is_star(change, catalogue) if options.star_paths is None else _marked(change, options.star_paths)
        # An exemption turns a ※ change 事後 only when it is pinned to this very change (RULES.md §4:
        # never silently; an unpinned one could have been confirmed for an earlier edit of the item).
        exempted = bool(star and decision and decision.exemption and status is DecisionStatus.APPLIED)
        effective_later = bool(decision and decision.effective and decision.effective > options.revision_date)
        facts = {
            "important": star and not exempted,
            "exempted": exempted,
            "effective_later": effective_later,
            "star": star,
            "part": change.path[0],
            "threshold": table.is_threshold(change.path),
        }
        rule = table.decide(facts)
        explanation = rule.explanation.format(
            category=decision.exemption if decision else "",
            reason=decision.reason if decision else "",
            effective=to_wareki(decision.effective) if decision and decision.effective else "",
        )
        offered = tuple(s for s in suggestions(change, catalogue.node_at(change.path), table) if not exempted)
        before, after = cells(change, options.cell_limit)
        rows.append(
            Row(
                変更日=to_wareki(options.revision_date),
                項目=label,
                変更前の記載=before,
                変更後の記載=after,
                提出時期=rule.timing,
                提出時期に係る説明=explanation,
                item_path=change.path,
                重要=star and not exempted,
                根拠=rule.id,
                根拠の名前=rule.name,
                提案=offered,
                確度=change.certainty,
                判断=_used(found, status, current),
                詳細=change.detail,
                変更の指紋=current,
                decision=found,
                判断の状態=status,
                変更前の全文=change.before,
                変更後の全文=change.after,
                赤字=_redline(change),
            )
        )
    return rows


def unknown_decisions(decisions: Decisions, rows: list[Row]) -> list[Decision]:
    """Decisions naming no item of the form, or no changed item: reported, never ignored silently."""
    used = {r.decision.number for r in rows if r.decision is not None}
    return [d for d in decisions.entries if d.number not in used]


def unsettled(rows: list[Row]) -> list[Row]:
    """Rows whose decision is stale or unpinned: `check` cannot rely on them (RULES.md §4)."""
    return [r for r in rows if r.判断の状態 in (DecisionStatus.STALE, DecisionStatus.UNPINNED)]


def blocking(rows: list[Row]) -> list[Row]:
    """What stops `check`: 事前 rows not acknowledged by a decision pinned to that change, and rows
    whose decision is stale or unpinned (an unverified exemption may have filed a ※ change 事後)."""
    loose = (DecisionStatus.STALE, DecisionStatus.UNPINNED)
    return [r for r in rows if r.判断の状態 in loose or (r.提出時期 is Timing.BEFORE and not r.acknowledged)]
