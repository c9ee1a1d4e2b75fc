"""Changes → 別添2 rows: 提出時期 by the rule table, explained, with suggestions and decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pia_diff.catalogue import Catalogue
from pia_diff.forms import vocabulary
from pia_diff.model import Certainty, CheckboxSet
from pia_diff.snapshot import Path, item_label
from pia_diff.wareki import to_wareki

from .change import Change, ChangeKind, fingerprint, what_changed
from .decisions import NONE, OVERRIDE, UNPINNED_NOTE, Decision, Decisions
from .excerpt import EMPTY, LONG_CELL, UNKNOWN_OPTIONS, Piece, checkbox_cells, excerpt, redline
from .facts import DecisionStatus, decision_status, facts_for
from .rules import RuleTable, Timing
from .suggest import suggestions

ADDED_MARK = vocabulary().marks.added
REMOVED_MARK = vocabulary().marks.removed


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
    exempted: bool = False  # a ※ change filed 事後 by a confirmed exemption
    # a confirmed exemption the analysis does not support, not applied (no 分析と異なる理由)
    unsupported_exemption: bool = False

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


def _used(decision: Decision | None, status: DecisionStatus | None, current: str, unsupported: bool) -> str:
    if decision is None:
        return ""
    parts = [f"判断ファイル {decision.number}件目"]
    if status is DecisionStatus.STALE and decision.fingerprint is not None:
        parts.append(f"古い判断のため適用せず ({what_changed(decision.fingerprint, current)})")
    elif status is DecisionStatus.UNPINNED:
        parts.append(f"注意: {UNPINNED_NOTE}" + ("。例外は適用していません" if decision.exemption else ""))
    if decision.exemption:
        parts.append(f"例外: {decision.exemption}")
        if unsupported and decision.override:
            parts.append(f"分析では裏付けられない例外を「{OVERRIDE}」により適用: {decision.override}")
        elif unsupported:
            parts.append(f"{UNSUPPORTED_NOTE}。例外は適用していません")
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


# An exemption the analysis gives no evidence for (issue 17 §6): named where the decision is shown.
UNSUPPORTED_NOTE = "分析では、この変更はこの例外の区分に当たりません"


def _explanation(template: str, decision: Decision | None, exempted: bool) -> str:
    """The rule's sentence with the decision's words filled in, without doubled punctuation
    (a 理由 ending in 「。」 inside 「（…）。」)."""
    reason = (decision.reason or "").strip().rstrip("。．.") if decision else ""
    if exempted and decision is not None and decision.override:
        reason += f"。{OVERRIDE}: {decision.override.strip().rstrip('。．.')}"
    return template.format(
        category=decision.exemption if decision else "",
        reason=reason,
        effective=to_wareki(decision.effective) if decision and decision.effective else "",
    )


def classify(changes: list[Change], catalogue: Catalogue, table: RuleTable, options: Options) -> list[Row]:
    rows = []
    for change in changes:
        label = item_label(change.path, options.files)
        current = fingerprint(change)
        found = options.decisions.for_item(label, change.path, current)
        status = decision_status(found, current)
        decision = None if status is DecisionStatus.STALE else found  # a stale decision is never applied
        offered = tuple(suggestions(change, catalogue.node_at(change.path), table, options.star_paths))
        categories = {s.split(":", 1)[0] for s in offered}
        supported = bool(decision and decision.exemption in categories)
        facts = facts_for(
            change.path,
            catalogue,
            table,
            options.star_paths,
            whole=change.entity,
            decision=decision,
            status=status,
            supported=supported,
            revision_date=options.revision_date,
        )
        rule = table.decide(facts)
        before, after = cells(change, options.cell_limit)
        unsupported = bool(decision and decision.exemption and facts.star and not supported)
        rows.append(
            Row(
                変更日=to_wareki(options.revision_date),
                項目=label,
                変更前の記載=before,
                変更後の記載=after,
                提出時期=rule.timing,
                提出時期に係る説明=_explanation(rule.explanation, decision, facts.exempted),
                item_path=change.path,
                重要=facts.important,
                根拠=rule.id,
                根拠の名前=rule.name,
                提案=() if facts.exempted else offered,
                確度=change.certainty,
                判断=_used(found, status, current, unsupported),
                詳細=change.detail,
                変更の指紋=current,
                decision=found,
                判断の状態=status,
                変更前の全文=change.before,
                変更後の全文=change.after,
                赤字=_redline(change),
                exempted=facts.exempted,
                unsupported_exemption=unsupported and not facts.exempted,
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
