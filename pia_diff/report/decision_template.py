"""A decisions file to fill in: one commented entry per ※ change and per 事前 row, fingerprint included;
given the decisions file already in use, its decisions that still match their change are kept as they
are, and the others are kept commented out with a note saying why (never dropped)."""

from __future__ import annotations

from typing import Any

import yaml

from pia_diff.compare.change import what_changed
from pia_diff.compare.classify import Row, unknown_decisions
from pia_diff.compare.decisions import Decision, Decisions
from pia_diff.compare.facts import DecisionStatus
from pia_diff.compare.rules import Timing
from pia_diff.compare.safeyaml import load_yaml
from pia_diff.controls import visible
from pia_diff.text import compare_key, display_width

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


def _about(number: int, row: Row) -> list[str]:
    """The notes heading a row's entry: its item, the tool's judgement, the change, the suggestions."""
    lines = [
        f"## {number}. {_flat(row.項目, 200)}",
        f"##    ツールの判定: {row.提出時期} ({row.根拠}){'  ※' if row.重要 else ''}",
        *_passage("変更前", row.変更前の記載),
        *_passage("変更後", row.変更後の記載),
    ]
    return lines + [f"##    提案: {_flat(s, 200)}" for s in row.提案]


def _passage(side: str, text: str) -> list[str]:
    """The whole changed passage a person confirms an exemption for (issue 17 §6: a cut preview hid an
    added line), one comment line per line of the cell (「（略）」 stands for what did not change)."""
    lines = [_flat(line, len(line) + 1) for line in text.splitlines() if line.strip()] or ["—"]
    return [f"##    {side}: {lines[0]}", *(f"##          {line}" for line in lines[1:])]


def _blank(row: Row) -> list[str]:
    """A commented entry to fill in, pinned to the row's change (it decides nothing untouched)."""
    # YAML (and str.splitlines) treat \x85 and \u2028 as line breaks even inside a quoted scalar;
    # items are matched with whitespace ignored (compare_key), so any run of it becomes one space.
    label = " ".join(row.項目.split())
    lines = [f"# {line}" for line in _dump({"項目": label, "変更の指紋": row.変更の指紋})]
    category = next((s.split(":")[0] for s in row.提案), "")
    exemption = f"例外: {_scalar(category)}" if category else "例外:"
    choices = (
        (exemption, "例外に当たると確かめたとき (理由も書く)"),
        ("理由:", "例外の理由を一文で"),
        ("施行日:", "変更の効力が生じる日 (変更日より後なら事前)"),
        ("確認済み: true", "事前の変更として手続き済みのとき (check 用)"),
    )
    return lines + [f"#   {text}{' ' * max(1, 40 - display_width(text))}# {note}" for text, note in choices]


def _dump(entry: dict[str, Any]) -> list[str]:
    """One decision as the lines of a YAML list entry (PyYAML's safe dumper quotes what needs it)."""
    return yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=WIDTH).splitlines()


def _entry(number: int, row: Row) -> list[str]:
    lines = _about(number, row)
    if row.decision is not None and row.判断の状態 is DecisionStatus.APPLIED:
        lines.append(f"##    今の判断ファイルの {row.decision.number}件目を適用済み")
    return [*lines, *_blank(row), ""]


def _header(heading: str, exemptions: tuple[str, ...]) -> list[str]:
    return [
        f"# pia-diff 判断ファイルのひな形 ({_flat(heading, 200)})",
        "# 判断する項目で、「# - 項目:」と「#   変更の指紋:」の行、使う行の先頭の「# 」を外して値を書きます。",
        "# 変更の指紋は、判断した変更 (変更前と変更後) の印です。書き換えないでください。",
        "# 同じ項目をあとで書き換えると判断は古くなり、適用されません (もう一度判断します)。",
        f"# 例外の区分: {' / '.join(exemptions)}",
        "",
    ]


def decisions_template(rows: list[Row], exemptions: tuple[str, ...], heading: str) -> str:
    """The template text; parsing it untouched gives no decisions at all."""
    lines = _header(heading, exemptions)
    chosen = [row for row in rows if wanted(row)]
    if not chosen:
        lines.append("## 判断の必要な変更 (※ 項目の変更、事前の変更) はありません。")
    for number, row in enumerate(chosen, start=1):
        lines += _entry(number, row)
    return "\n".join(lines).rstrip("\n") + "\n"


def raw_entries(text: str, source: str) -> list[dict[str, Any]]:
    """A decisions file's entries as the plain mappings it holds (every key, メモ included, values as
    written: a date stays text), in the order parse_decisions numbers them."""
    data, _ = load_yaml(text, source)
    if isinstance(data, dict):  # the {判断: [...]} form
        data = data.get("判断") or data.get("decisions") or []
    return [dict(entry) for entry in data or [] if isinstance(entry, dict)]


def _kept(raw: dict[str, Any], fingerprint: str | None = None) -> dict[str, Any]:
    """An existing entry, with a fingerprint written after its 項目 where one is given."""
    if fingerprint is None:
        return raw
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key != "変更の指紋":
            out[key] = value
        if key in ("項目", "item_path") and "変更の指紋" not in out:
            out["変更の指紋"] = fingerprint
    return out


def _merged_entry(number: int, row: Row, raw: list[dict[str, Any]]) -> list[str]:
    """A row's entry given the decision the existing file had for it: kept as it is when it judged this
    very change, else kept commented out with what to do (and a blank entry for the change as it is)."""
    lines = _about(number, row)
    decision, state = row.decision, row.判断の状態
    if decision is None or not 0 < decision.number <= len(raw):
        return [*lines, *_blank(row), ""]
    entry = raw[decision.number - 1]
    where = f"既存の判断ファイルの {decision.where()}"
    if state is DecisionStatus.APPLIED:
        return [*lines, f"##    {where}: 今の変更への判断なので、そのまま引き継ぎました。", *_dump(entry), ""]
    if state is DecisionStatus.UNPINNED:
        return [
            *lines,
            f"##    {where}には変更の指紋がありません。今の変更への判断だと確かめたら、下の行の先頭の「# 」を",
            "##    外してください (今の変更の指紋を書き足してあります)。",
            *(f"# {line}" for line in _dump(_kept(entry, row.変更の指紋))),
            "",
        ]
    changed = what_changed(decision.fingerprint, row.変更の指紋) if decision.fingerprint else ""
    return [
        *lines,
        f"##    {where}は古い判断です ({changed})。今の変更を確かめて、下の記入欄で判断し直してください。",
        "##    元の判断 (参考、適用されません):",
        *(f"##      {line}" for line in _dump(entry)),
        *_blank(row),
        "",
    ]


def _unused(decision: Decision, rows: list[Row], raw: list[dict[str, Any]]) -> list[str]:
    """An existing decision that no change of this comparison used, kept commented out with the reason."""
    used = {compare_key(r.decision.item) for r in rows if r.decision is not None}
    why = (
        "同じ項目の別の判断を使いました"
        if compare_key(decision.item) in used
        else "当たる変更がありません (変更のない項目か、項目名の誤りです)"
    )
    lines = [f"## 既存の判断ファイルの {decision.where()}「{_flat(decision.item, 200)}」: {why}。"]
    if 0 < decision.number <= len(raw):
        lines += [f"##      {line}" for line in _dump(raw[decision.number - 1])]
    return [*lines, ""]


def merged_template(
    rows: list[Row], exemptions: tuple[str, ...], heading: str, existing: Decisions, existing_text: str
) -> str:
    """The template merged with the decisions file the comparison used (`existing`, whose text is
    `existing_text`): every decision that judged its change as it is now is kept as it was written
    (parsing the result gives exactly those decisions); a stale or unpinned one, and one that no change
    used, is kept commented out with a note saying why; each other row to judge gets a blank entry."""
    raw = raw_entries(existing_text, existing.source)
    lines = _header(heading, exemptions)
    kept = sum(r.判断の状態 is DecisionStatus.APPLIED for r in rows)
    lines += [
        f"# {existing.source} の判断のうち、今の変更に当たる {kept} 件をそのまま引き継ぎました (先頭に「- 」のある行)。",
        "",
    ]
    chosen = [row for row in rows if wanted(row) or row.decision is not None]
    if not chosen:
        lines.append("## 判断の必要な変更 (※ 項目の変更、事前の変更) はありません。")
    for number, row in enumerate(chosen, start=1):
        lines += _merged_entry(number, row, raw)
    unused = unknown_decisions(existing, rows)
    if unused:
        lines += ["## 今の変更に使われなかった判断 (既存の判断ファイルから、コメントにして残しています):", ""]
        for decision in unused:
            lines += _unused(decision, rows, raw)
    return "\n".join(lines).rstrip("\n") + "\n"
