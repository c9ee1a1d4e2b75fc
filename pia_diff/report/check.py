"""What `check` says besides the gate's message (report.gate): the 別添2 row each change without its row
needs, taken from the comparison's own rows; and the whole decision as JSON (`check --format json`)."""

from __future__ import annotations

from typing import Any

from pia_diff.audit.findings import Finding, FindingCode
from pia_diff.audit.gate import Release
from pia_diff.compare.classify import Row
from pia_diff.compare.facts import DecisionStatus
from pia_diff.model import HISTORY_COLUMNS
from pia_diff.text import compare_key

from .cells import screen, shorten, shorten_pair

# A blocking row's reason in the JSON: a 事前 change nobody acknowledged, or a decision that cannot be relied on.
UNACKNOWLEDGED = "unacknowledged"


def rows_to_add(decided: Release, rows: list[Row]) -> list[tuple[Finding, Row | None]]:
    """Each `change-without-row` finding with the row of the comparison for that change (None when the
    comparison has no row of that 項目: the finding is then shown as it is)."""
    by_item = {compare_key(row.項目): row for row in rows}
    return [
        (finding, by_item.get(compare_key(finding.項目 or "")))
        for finding in decided.audit_errors
        if finding.code is FindingCode.CHANGE_WITHOUT_ROW
    ]


def rows_to_add_text(decided: Release, rows: list[Row], width: int = 60, command: str | None = None) -> str:
    """Where each missing row belongs: the new version's 別添2, with the row's cells (long texts cut
    to `width` display columns; `diff -o` and `--into` write them whole). `command`: the `diff` that
    writes them, with the user's own files. Empty when none is missing."""
    missing = rows_to_add(decided, rows)
    if not missing:
        return ""
    how = command or "pia-diff diff 前の版 新しい版 --into 新しい版.xlsx -o 出力.xlsx"
    lines = [f"新しい版の別添2 に加える行 ({len(missing)} 件)。次のコマンドで書き加えられます:", f"  {how}"]
    for finding, row in missing:
        if row is None:
            lines.append(f"  - {screen(finding.項目 or '')}: この変更の行は diff で確かめてください。")
            continue
        before, after = shorten_pair(row.変更前の記載, row.変更後の記載, width)
        lines += [
            f"  - 項目: {shorten(row.項目, width * 2, keep_end=True)}",
            f"    変更日: {screen(row.変更日)}  提出時期: {screen(row.提出時期)}",
            f"    変更前の記載: {before}",
            f"    変更後の記載: {after}",
            f"    提出時期に係る説明: {shorten(row.提出時期に係る説明, width)}",
        ]
    return "\n".join(lines)


def _blocking(row: Row, reason: str) -> dict[str, Any]:
    return {
        "項目": row.項目,
        "item_path": list(row.item_path),
        "提出時期": str(row.提出時期),
        "根拠": row.根拠,
        "判断の状態": str(row.判断の状態) if row.判断の状態 else None,
        "変更の指紋": row.変更の指紋,
        "reason": reason,
    }


def release_json(decided: Release, rows: list[Row]) -> dict[str, Any]:
    """`check --format json`: {"may_file", "total", "blocking": [{項目, item_path, 提出時期, 根拠, 判断の状態,
    変更の指紋, reason: unacknowledged|stale|unpinned}], "gaps": [{version, source, where, problem, message}],
    "audit_errors" and "audit_warnings": [audit findings: level, code, message, 項目, parameters],
    "rows_to_add": [the 別添2 row of each change without one: its six columns and item_path]}."""
    blocking = [_blocking(row, UNACKNOWLEDGED) for row in decided.unacknowledged]
    blocking += [_blocking(row, str(row.判断の状態 or DecisionStatus.STALE)) for row in decided.unsettled]
    return {
        "may_file": decided.may_file,
        "total": decided.total,
        "blocking": blocking,
        "gaps": [
            {"version": g.version, "source": g.source, "where": g.where, "problem": g.problem, "message": g.message}
            for g in decided.gaps
        ],
        "audit_errors": [f.as_json() for f in decided.audit_errors],
        "audit_warnings": [f.as_json() for f in decided.audit_warnings],
        "rows_to_add": [
            {**{c: row.as_json()[c] for c in HISTORY_COLUMNS}, "item_path": list(row.item_path)}
            for _, row in rows_to_add(decided, rows)
            if row is not None
        ],
    }
