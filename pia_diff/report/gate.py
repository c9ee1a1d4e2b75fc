"""The release gate's verdict as people read it: may the revision be filed now, and if not, what
stops it and what to do. `check` prints the message and exits 0 when it may be filed, 1 when not."""

from __future__ import annotations

from pia_diff.audit.findings import Finding
from pia_diff.compare.classify import DecisionStatus, Row, unsettled
from pia_diff.compare.gaps import Gap


def release_text(
    total: int, unacknowledged: list[Row], gaps: list[Gap], audit_errors: list[Finding]
) -> tuple[bool, str]:
    """(may file now, the message): `total` changes; the 事前 rows not acknowledged (and the rows whose
    decision is stale or unpinned), what could not be compared, and the audit's errors on the new 別添2."""
    if not unacknowledged and not audit_errors and not gaps:
        return True, (
            f"提出できます: 変更 {total} 件、事前の提出が必要で未確認の変更はなく、別添2 にも誤りはありません。"
        )
    lines = ["まだ提出できません。"]
    loose = unsettled(unacknowledged)
    plain = [r for r in unacknowledged if r.判断の状態 not in (DecisionStatus.STALE, DecisionStatus.UNPINNED)]
    if plain:
        lines.append(f"事前の提出が必要な変更が {len(plain)} 件、判断ファイルで確認されていません:")
        lines += [
            f"  - {row.項目} ({row.根拠}: {row.根拠の名前})" if row.根拠の名前 else f"  - {row.項目} ({row.根拠})"
            for row in plain
        ]
        lines.append("  → 変更前に再評価・提出するか、判断ファイルに「確認済み: true」を記録してください。")
    if gaps:
        lines.append(f"確認できない部分があります ({len(gaps)} 件)。読み取れなかった箇所を原本で確認してください:")
        lines += [f"  - {gap.message}" for gap in gaps]
    if loose:
        lines.append(f"判断ファイルの判断が今の変更に結び付いていない項目が {len(loose)} 件あります:")
        for row in loose:
            state = "古い判断 (適用せず)" if row.判断の状態 is DecisionStatus.STALE else "変更の指紋なし"
            lines.append(f"  - {row.項目} ({state}、今の変更の指紋 {row.変更の指紋})")
        lines.append("  → 今の変更を確かめて判断し直し、「変更の指紋」を記録してください (--decisions-template)。")
    if audit_errors:
        lines.append(f"新しい版の別添2 に要対応の指摘が {len(audit_errors)} 件あります:")
        lines += [f"  - {finding.message} [{finding.項目}]" for finding in audit_errors]
    return False, "\n".join(lines)
