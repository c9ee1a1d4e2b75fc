"""Changes → 別添2 rows: 提出時期 by the rule table, explained, with suggestions and decisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .catalogue import Catalogue
from .decisions import NONE, Decision, Decisions
from .diff import Change, ChangeKind
from .rules import RuleTable, Timing
from .snapshot import Path, item_label
from .suggest import suggestions
from .values import Certainty
from .wareki import to_wareki

ADDED_MARK = "(追加)"
REMOVED_MARK = "(削除)"


@dataclass(frozen=True)
class Options:
    """Everything a classification run needs besides the changes (black's Mode)."""

    revision_date: dt.date
    decisions: Decisions = NONE
    files: dict[str, str] = field(default_factory=dict)
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

    def as_json(self) -> dict[str, Any]:
        """DESIGN.md `diff` shape (keys fixed; 判断 and 詳細 added)."""
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
        }


def _is_star(change: Change, catalogue: Catalogue) -> bool:
    node = catalogue.node_at(change.path)
    if node is None:
        return False
    if change.entity:
        return node.star or any(leaf.star for leaf in node.leaves())
    return node.star


def _marked(change: Change, stars: frozenset[Path]) -> bool:
    """※ from the document: the item, or (an added/removed entity) any item inside it."""
    cut = len(change.path)
    return change.path in stars or any(path[:cut] == change.path for path in stars)


def _used(decision: Decision | None) -> str:
    if decision is None:
        return ""
    parts = [f"判断ファイル {decision.number}件目"]
    if decision.exemption:
        parts.append(f"例外: {decision.exemption}")
    if decision.effective:
        parts.append(f"施行日: {to_wareki(decision.effective)}")
    if decision.acknowledged:
        parts.append("事前の変更として確認済み")
    return "、".join(parts)


def classify(changes: list[Change], catalogue: Catalogue, table: RuleTable, options: Options) -> list[Row]:
    rows = []
    for change in changes:
        label = item_label(change.path, options.files)
        decision = options.decisions.for_item(label, change.path)
        star = _is_star(change, catalogue) if options.star_paths is None else _marked(change, options.star_paths)
        exempted = bool(star and decision and decision.exemption)
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
        before, after = change.before, change.after
        if change.kind is ChangeKind.ADDED:
            before, after = before or "—", f"{ADDED_MARK} {after}".strip()
        elif change.kind is ChangeKind.REMOVED:
            after = REMOVED_MARK
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
                提案=offered,
                確度=change.certainty,
                判断=_used(decision),
                詳細=change.detail,
            )
        )
    return rows


def unknown_decisions(decisions: Decisions, rows: list[Row]) -> list[Decision]:
    """Decisions naming no item of the form, or no changed item: reported, never ignored silently."""
    used = {r.判断.split("、")[0] for r in rows if r.判断}
    return [d for d in decisions.entries if f"判断ファイル {d.number}件目" not in used]


def blocking(rows: list[Row]) -> list[Row]:
    """Rows that must be filed 事前 and are not acknowledged in the decisions file (for `check`)."""
    return [r for r in rows if r.提出時期 is Timing.BEFORE and "確認済み" not in r.判断]
