"""The pages as HTML: Jinja2 templates shipped in the package, every value escaped (a document's text
is user content), and what a template shows of each row worked out here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2

from pia_diff.compare import decisions
from pia_diff.compare.classify import Row
from pia_diff.compare.excerpt import Piece
from pia_diff.compare.facts import DecisionStatus
from pia_diff.compare.rules import Timing
from pia_diff.ingest import read
from pia_diff.values import Certainty

from . import judgements, store

# An unchanged run longer than this is shortened in the page's redline to its ends (the full text is
# in the workbook's 判定根拠 sheet); the row's own cells show the changed sentences.
LONG_RUN = 160
KEEP = 60
ACCEPT = ".pdf,.txt,.xlsx,.json,.csv,.tsv"
REMARK_CLASS = {"確認できない部分": "gap", "番号の振り直し": "note", "注意": "warning"}
LEVEL_WORDS = {"error": "要対応", "warning": "警告", "info": "参考"}


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("pia_diff.serve", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(name: str, **context: Any) -> str:
    """A page; the limits every page may show are passed to all of them."""
    common = {
        "ttl_minutes": store.TTL // 60,
        "max_bytes": read.MAX_BYTES,
        "max_mb": read.MAX_BYTES // (1024 * 1024),
        "decisions_max": decisions.MAX_BYTES,
        "accept": ACCEPT,
        "error": "",
        "error_source": "",
        "message": "",
        "nav": "compare",
    }
    return _environment().get_template(name).render({**common, **context})


def redline(pieces: tuple[Piece, ...]) -> list[tuple[str, str]]:
    """(op, text) runs to show: long unchanged runs cut to their ends around the changes."""
    out: list[tuple[str, str]] = []
    last = len(pieces) - 1
    for i, piece in enumerate(pieces):
        text = piece.text
        if piece.op != "equal" or len(text) <= LONG_RUN:
            out.append((piece.op, text))
            continue
        head = "" if i == 0 else text[:KEEP]
        tail = "" if i == last else text[-KEEP:]
        if head:
            out.append(("equal", head))
        out.append(("elided", "…（略）…"))
        if tail:
            out.append(("equal", tail))
    return out


@dataclass(frozen=True)
class RowState:
    """What the page shows and offers for one row besides the row itself."""

    redline: list[tuple[str, str]]
    judgeable: bool  # a ※ change, an exempted one, a 事前 one, or one the page recorded a judgement for
    pinned: bool  # a decision pinned to this very change: the page can take it back
    declined: bool
    categories: tuple[str, ...]  # the suggested categories first
    category: str  # the one selected
    reason: str = ""
    override: str = ""  # 分析と異なる理由, for a category none of the suggestions names
    error: str = ""
    flash: str = ""


def row_states(
    rows: list[Row],
    entries: list[dict[str, Any]],
    exemptions: tuple[str, ...],
    typed: dict[int, tuple[str, str, str]] | None = None,
    errors: dict[int, str] | None = None,
    flashes: dict[int, str] | None = None,
) -> list[RowState]:
    """Per row (numbered from 1 in `typed`, `errors` and `flashes`): what to show; `typed` keeps what
    a person wrote (category, reason, 分析と異なる理由) when a judgement was refused, so it is not lost."""
    out = []
    for n, row in enumerate(rows, start=1):
        suggested = [s.split(":")[0] for s in row.提案]
        categories = (*[c for c in exemptions if c in suggested], *[c for c in exemptions if c not in suggested])
        category, reason, override = (typed or {}).get(n, (suggested[0] if suggested else "", "", ""))
        pinned = judgements.pinned_entry(row, entries) is not None
        out.append(
            RowState(
                redline=redline(row.赤字),
                judgeable=row.重要 or row.exempted or row.提出時期 is Timing.BEFORE or pinned,
                pinned=pinned,
                declined=judgements.declined(row, entries),
                categories=categories,
                category=category,
                reason=reason,
                override=override,
                error=(errors or {}).get(n, ""),
                flash=(flashes or {}).get(n, ""),
            )
        )
    return out


def counts(rows: list[Row]) -> dict[str, int]:
    return {
        "before_count": sum(r.提出時期 is Timing.BEFORE for r in rows),
        "uncertain_count": sum(r.確度 is not Certainty.OK for r in rows),
        "applied_count": sum(r.判断の状態 is DecisionStatus.APPLIED for r in rows),
    }
