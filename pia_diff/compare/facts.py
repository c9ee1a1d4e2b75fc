"""The facts a rule table tests about one changed item, built in one place for `classify` (a change),
`audit` (a published row) and so for `check`: ※ of an item or a whole entity, the part, the
しきい値 words, and whether a confirmed exemption or a later effective date applies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Set
from enum import StrEnum

from pia_diff.catalogue import Catalogue, Node
from pia_diff.snapshot import Path

from .decisions import Decision
from .rules import Facts, RuleTable


class DecisionStatus(StrEnum):
    """How a row's decision was used: applied to this very change, stale (written for another
    version of the change, not applied), or unpinned (no fingerprint: applied, but unverified)."""

    APPLIED = "applied"
    STALE = "stale"
    UNPINNED = "unpinned"


def decision_status(decision: Decision | None, current: str) -> DecisionStatus | None:
    """Whether a decision judged this very change (its fingerprint), another one, or says not."""
    if decision is None:
        return None
    if decision.fingerprint is None:
        return DecisionStatus.UNPINNED
    return DecisionStatus.APPLIED if decision.fingerprint == current else DecisionStatus.STALE


def is_star(path: Path, catalogue: Catalogue, stars: Set[Path] | None = None, whole: bool = False) -> bool:
    """※ of an item; of an entity or heading taken whole (an entity added or removed, a published
    row naming a whole 委託事項) when any item inside it is ※. `stars`: the ※ items a generically
    read document marks itself (None: the catalogue's ※)."""
    if stars is not None:
        return marked(path, stars, whole)
    return node_star(catalogue.node_at(path), whole)


def marked(path: Path, stars: Set[Path], whole: bool = False) -> bool:
    """※ as a document marks its items (generic reading)."""
    cut = len(path)
    return path in stars or (whole and any(p[:cut] == path for p in stars))


def node_star(node: Node | None, whole: bool = False) -> bool:
    """※ as a catalogue marks its items."""
    if node is None:
        return False
    return node.star or (whole and any(leaf.star for leaf in node.leaves()))


def exemption_applies(star: bool, decision: Decision | None, status: DecisionStatus | None, supported: bool) -> bool:
    """The exemption pin policy (RULES.md §4: never silently). A confirmed exemption turns a ※ change
    事後 only when it is pinned to this very change (an unpinned one may have been confirmed for an
    earlier edit of the item), and when the analysis supports its category or the decision says in
    its own words why it applies all the same (`分析と異なる理由`)."""
    if not (star and decision is not None and decision.exemption and status is DecisionStatus.APPLIED):
        return False
    return supported or bool(decision.override)


def facts_for(
    path: Path,
    catalogue: Catalogue,
    table: RuleTable,
    stars: Set[Path] | None = None,
    *,
    whole: bool = False,
    decision: Decision | None = None,
    status: DecisionStatus | None = None,
    supported: bool = False,
    revision_date: dt.date | None = None,
) -> Facts:
    """The facts of one item (or whole entity): a change with its decision, or a published row
    (no decision: a row's own 説明 is no confirmation, so a ※ item is important)."""
    star = is_star(path, catalogue, stars, whole)
    later = bool(decision and decision.effective and revision_date and decision.effective > revision_date)
    return Facts(
        star=star,
        part=path[0] if path else "",
        threshold=table.is_threshold(path),
        exempted=exemption_applies(star, decision, status, supported),
        effective_later=later,
    )
