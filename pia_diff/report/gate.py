"""The release gate's decision (audit.gate.Release) as people read it: may the revision be filed
now, and if not, what stops it and what to do. `check` prints it and exits 0 or 1 by `may_file`."""

from __future__ import annotations

from pia_diff.audit.gate import Release
from pia_diff.compare.facts import DecisionStatus


def release_text(decided: Release) -> str:
    """The message: 提出できます, or each blocker named with what to do; the new version's audit
    warnings follow either way (they do not block, but the 別添2 is published as it stands)."""
    lines: list[str] = []
    if decided.may_file:
        lines.append(
            f"提出できます: 変更 {decided.total} 件、事前の提出が必要で未確認の変更はなく、別添2 にも誤りはありません。"
        )
    else:
        lines.append("まだ提出できません。")
    if decided.unacknowledged:
        lines.append(f"事前の提出が必要な変更が {len(decided.unacknowledged)} 件、判断ファイルで確認されていません:")
        lines += [
            f"  - {row.項目} ({row.根拠}: {row.根拠の名前})" if row.根拠の名前 else f"  - {row.項目} ({row.根拠})"
            for row in decided.unacknowledged
        ]
        lines.append("  → 変更前に再評価・提出するか、判断ファイルに「確認済み: true」を記録してください。")
    if decided.gaps:
        lines.append(
            f"確認できない部分があります ({len(decided.gaps)} 件)。読み取れなかった箇所を原本で確認してください:"
        )
        lines += [f"  - {gap.message}" for gap in decided.gaps]
    if decided.unsettled:
        lines.append(f"判断ファイルの判断が今の変更に結び付いていない項目が {len(decided.unsettled)} 件あります:")
        for row in decided.unsettled:
            state = "古い判断 (適用せず)" if row.判断の状態 is DecisionStatus.STALE else "変更の指紋なし"
            lines.append(f"  - {row.項目} ({state}、今の変更の指紋 {row.変更の指紋})")
        lines.append("  → 今の変更を確かめて判断し直し、「変更の指紋」を記録してください (--decisions-template)。")
    if decided.audit_errors:
        lines.append(f"新しい版の別添2 に要対応の指摘が {len(decided.audit_errors)} 件あります:")
        lines += [f"  - {finding.message} [{finding.項目}]" for finding in decided.audit_errors]
    if decided.audit_warnings:
        lines.append(f"新しい版の別添2 への警告 ({len(decided.audit_warnings)} 件、提出は止めません):")
        lines += [
            f"  - {finding.message}" + (f" [{finding.項目}]" if finding.項目 else "")
            for finding in decided.audit_warnings
        ]
    return "\n".join(lines)
