"""What a person decides on the page, written into a decisions file's text: a confirmed exemption
(with its 理由), a declined suggestion, a 事前 change acknowledged, each pinned to the row's
変更の指紋 exactly as the decisions YAML file of the CLI (README 「判断ファイル」).

The text is the page's state: it travels in the form, is checked by the same parser as a file
(`parse_decisions`), and is written back by PyYAML's safe dumper (never by joining strings)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import yaml

from pia_diff.compare.classify import Row
from pia_diff.compare.decisions import OVERRIDE, parse_decisions
from pia_diff.compare.facts import DecisionStatus
from pia_diff.report.decision_template import WIDTH, decisions_template, wanted

SOURCE = "判断ファイル"
DECLINED = "例外の提案を確かめ、例外に当たらないと判断しました。"
MAX_REASON = 500  # characters: a 理由 is one sentence
HEADING = "# pia-diff 判断ファイル: ページで記録した判断 (各判断は「変更の指紋」の変更にだけ効きます)"


class Action(StrEnum):
    CONFIRM = "confirm"  # the exemption applies: the row turns 事後 (EXEMPT)
    DECLINE = "decline"  # the suggested exemption does not apply: the row stays as the rules say
    ACKNOWLEDGE = "acknowledge"  # a 事前 change handled as such (`check` lets it pass)
    RESET = "reset"  # take back what the page recorded for this row


class Refused(ValueError):
    """A judgement the page cannot record as given (the message says what to do)."""


def entries(text: str, exemptions: tuple[str, ...]) -> list[dict[str, Any]]:
    """The decisions of a file's text as plain mappings, after the file parser accepted it
    (so no alias, no unknown key, no wrong type reaches here); InputError when it does not."""
    parse_decisions(text, SOURCE, exemptions)
    data = yaml.safe_load(text) or []
    if isinstance(data, dict):  # the {判断: [...]} form
        data = data.get("判断") or data.get("decisions") or []
    return [dict(entry) for entry in data]


def dump(found: list[dict[str, Any]]) -> str:
    """The decisions as YAML text; none at all is an empty file (no decisions)."""
    if not found:
        return ""
    return HEADING + "\n" + yaml.safe_dump(found, allow_unicode=True, sort_keys=False, width=WIDTH)


def pinned_entry(row: Row, found: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The entry this row applied, when it is pinned to this very change (the only one the page edits)."""
    if row.decision is None or row.判断の状態 is not DecisionStatus.APPLIED:
        return None
    index = row.decision.number - 1
    return found[index] if 0 <= index < len(found) else None


def declined(row: Row, found: list[dict[str, Any]]) -> bool:
    entry = pinned_entry(row, found)
    return entry is not None and entry.get("メモ") == DECLINED


def _one_line(text: str) -> str:
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def judge(
    text: str,
    row: Row,
    action: Action,
    exemptions: tuple[str, ...],
    category: str = "",
    reason: str = "",
    override: str = "",
) -> str:
    """The decisions text with this row's judgement recorded; Refused when it cannot be. A category
    the analysis does not support (none of the row's suggestions) needs `override`, the
    分析と異なる理由, as the decisions file does (issue 17 §6)."""
    found = entries(text, exemptions)
    entry = pinned_entry(row, found)
    if entry is None and action is not Action.RESET:
        # a new entry pinned to the change as shown; an older (stale or unpinned) one for the item is
        # left as written and reported as unused, never silently re-pinned to this change
        entry = {"項目": " ".join(row.項目.split()), "変更の指紋": row.変更の指紋}
        found.append(entry)
    if entry is None:
        return dump(found)
    if action is Action.CONFIRM:
        reason = _one_line(reason)
        if category not in exemptions:
            raise Refused("例外の区分を選んでください。")
        if not reason:
            raise Refused("例外として確認するには、理由を一文で書いてください。")
        if len(reason) > MAX_REASON:
            raise Refused(f"理由は {MAX_REASON} 文字までにしてください。")
        override = _one_line(override)
        suggested = [s.split(":")[0] for s in row.提案]
        if category not in suggested and not override:
            offered = "、".join(suggested) or "なし"
            raise Refused(
                f"分析では、この変更は「{category}」に当たりません (ツールの提案: {offered})。"
                f"それでも例外として確認するなら、「{OVERRIDE}」を一文で書いてください。"
            )
        if len(override) > MAX_REASON:
            raise Refused(f"{OVERRIDE}は {MAX_REASON} 文字までにしてください。")
        entry["例外"], entry["理由"] = category, reason
        if override:
            entry[OVERRIDE] = override
        else:
            entry.pop(OVERRIDE, None)
        if entry.get("メモ") == DECLINED:
            del entry["メモ"]
    elif action is Action.DECLINE:
        for key in ("例外", "理由", OVERRIDE):
            entry.pop(key, None)
        entry["メモ"] = DECLINED
    elif action is Action.ACKNOWLEDGE:
        entry["確認済み"] = True
    else:
        for key in ("例外", "理由", OVERRIDE, "確認済み"):
            entry.pop(key, None)
        if entry.get("メモ") == DECLINED:
            del entry["メモ"]
        if set(entry) <= {"項目", "item_path", "変更の指紋"}:
            found.remove(entry)  # nothing left to say
    written = dump(found)
    parse_decisions(written, SOURCE, exemptions)  # the page never holds a file the CLI would refuse
    return written


def download(text: str, rows: list[Row], exemptions: tuple[str, ...], heading: str) -> str:
    """The file a person keeps: the decisions recorded, then the CLI's template for the rows that a
    person must judge and that have no decision yet (commented out: it decides nothing untouched)."""
    undecided = [r for r in rows if wanted(r) and r.判断の状態 is not DecisionStatus.APPLIED]
    recorded = dump(entries(text, exemptions))
    return (recorded + "\n" if recorded else "") + decisions_template(undecided, exemptions, heading)
