"""A decisions file to fill in: one commented entry per ※ change and per 事前 row, fingerprint included."""

from __future__ import annotations

import yaml

from pia_diff.compare.classify import Row
from pia_diff.compare.facts import DecisionStatus
from pia_diff.compare.rules import Timing
from pia_diff.controls import visible
from pia_diff.text import display_width

WIDTH = 1_000_000  # never let YAML fold a long item label over two lines


def _flat(text: str, limit: int = 80) -> str:
    """One printable line for a comment (YAML ends a comment at any line break, \\x85 and \\u2028 too):
    control characters shown as in every report (ESC as \\x1b), other unprintable ones as spaces."""
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in visible(text)).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _scalar(value: str) -> str:
    """A YAML scalar, quoted where YAML needs it (never built by string concatenation)."""
    return yaml.safe_dump(value, allow_unicode=True, width=WIDTH).removesuffix("\n...\n").strip()


def wanted(row: Row) -> bool:
    """Rows a person must judge: ※ changes (STAR, or exempted by a decision) and every 事前 row."""
    return row.重要 or row.提出時期 is Timing.BEFORE or row.exempted


def _entry(number: int, row: Row) -> list[str]:
    lines = [
        f"## {number}. {_flat(row.項目, 200)}",
        f"##    ツールの判定: {row.提出時期} ({row.根拠}){'  ※' if row.重要 else ''}",
        f"##    変更前: {_flat(row.変更前の記載) or '—'}",
        f"##    変更後: {_flat(row.変更後の記載) or '—'}",
    ]
    lines += [f"##    提案: {_flat(s, 200)}" for s in row.提案]
    if row.decision is not None and row.判断の状態 is DecisionStatus.APPLIED:
        lines.append(f"##    今の判断ファイルの {row.decision.number}件目を適用済み")
    # YAML (and str.splitlines) treat \x85 and \u2028 as line breaks even inside a quoted scalar;
    # items are matched with whitespace ignored (compare_key), so any run of it becomes one space.
    label = " ".join(row.項目.split())
    pinned = yaml.safe_dump(
        [{"項目": label, "変更の指紋": row.変更の指紋}], allow_unicode=True, sort_keys=False, width=WIDTH
    )
    lines += [f"# {line}" for line in pinned.splitlines()]
    category = next((s.split(":")[0] for s in row.提案), "")
    exemption = f"例外: {_scalar(category)}" if category else "例外:"
    choices = (
        (exemption, "例外に当たると確かめたとき (理由も書く)"),
        ("理由:", "例外の理由を一文で"),
        ("施行日:", "変更の効力が生じる日 (変更日より後なら事前)"),
        ("確認済み: true", "事前の変更として手続き済みのとき (check 用)"),
    )
    lines += [f"#   {text}{' ' * max(1, 40 - display_width(text))}# {note}" for text, note in choices]
    lines.append("")
    return lines


def decisions_template(rows: list[Row], exemptions: tuple[str, ...], heading: str) -> str:
    """The template text; parsing it untouched gives no decisions at all."""
    lines = [
        f"# pia-diff 判断ファイルのひな形 ({_flat(heading, 200)})",
        "# 判断する項目で、「# - 項目:」と「#   変更の指紋:」の行、使う行の先頭の「# 」を外して値を書きます。",
        "# 変更の指紋は、判断した変更 (変更前と変更後) の印です。書き換えないでください。",
        "# 同じ項目をあとで書き換えると判断は古くなり、適用されません (もう一度判断します)。",
        f"# 例外の区分: {' / '.join(exemptions)}",
        "",
    ]
    chosen = [row for row in rows if wanted(row)]
    if not chosen:
        lines.append("## 判断の必要な変更 (※ 項目の変更、事前の変更) はありません。")
    for number, row in enumerate(chosen, start=1):
        lines += _entry(number, row)
    return "\n".join(lines).rstrip("\n") + "\n"
