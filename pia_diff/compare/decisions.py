"""The decisions file: human judgement per item (confirmed exemption, effective date, acknowledgement),
each pinned to the change it judged by a fingerprint of that change's before and after."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from pia_diff.errors import InputError
from pia_diff.snapshot import Path
from pia_diff.text import compare_key, fold
from pia_diff.wareki import parse_date

from .change import fingerprint, what_changed

__all__ = ["NONE", "Decision", "Decisions", "fingerprint", "parse_decisions", "read_decisions", "what_changed"]

# 分析と異なる理由: why an exemption applies although the analysis does not support its category
# (issue 17 §6: without it, such an exemption is not applied).
OVERRIDE = "分析と異なる理由"
KEYS = {"項目", "item_path", "例外", "理由", "施行日", "確認済み", "メモ", "変更の指紋", OVERRIDE}
MAX_BYTES = 1_000_000  # a decisions file is a few dozen entries; anything this big is a mistake
FINGERPRINT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{8}")
# The whole value must be one date: 令和8年4月1日 or 2026-04-01 (also / and .), nothing else.
_DATE_ONLY = re.compile(
    r"\s*(?:(?:令和|平成|昭和)\s*(?:元|\d+)\s*年\s*\d+\s*月\s*\d+\s*日|\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2})\s*"
)
_TIME = re.compile(r"\d{1,2}:\d{2}")
UNPINNED_NOTE = "指紋がないため、どの変更への判断か確かめられません"


@dataclass(frozen=True)
class Decision:
    item: str
    exemption: str | None = None
    reason: str | None = None
    effective: dt.date | None = None
    acknowledged: bool = False
    number: int = 0
    fingerprint: str | None = None
    line: int | None = None
    override: str | None = None  # 分析と異なる理由

    def where(self) -> str:
        return f"{self.number}件目" + (f" ({self.line}行目)" if self.line else "")


@dataclass(frozen=True)
class Decisions:
    source: str
    entries: tuple[Decision, ...] = ()

    def for_item(self, label: str, path: Path, current: str = "") -> Decision | None:
        """The decision for this item: the one pinned to this very change, else an unpinned one,
        else a stale one (so that it is reported rather than ignored)."""
        keys = {compare_key(label), compare_key(" ".join(path))}
        found = [d for d in self.entries if compare_key(d.item) in keys]
        return (
            next((d for d in found if d.fingerprint and d.fingerprint == current), None)
            or next((d for d in found if d.fingerprint is None), None)
            or next(iter(found), None)
        )


NONE = Decisions(source="")


def _text(raw: dict[str, Any], key: str, where: str, source: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(source, f"{where}: 「{key}」は文字列で書いてください (今は {value!r})。")
    return value


def _item(raw: dict[str, Any], where: str, source: str) -> str:
    item = _text(raw, "項目", where, source)
    path = raw.get("item_path")
    if path is not None and (not isinstance(path, list) or not all(isinstance(p, str) for p in path)):
        raise InputError(source, f'{where}: 「item_path」は文字列の並び (["Ⅰ 基本情報", …]) で書いてください。')
    item = item or " ".join(path or [])
    if not item.strip():
        raise InputError(source, f"{where}: 「項目」がありません。")
    return item


def _effective(raw: dict[str, Any], where: str, source: str) -> dt.date | None:
    value = raw.get("施行日")
    if value is None:
        return None
    example = "例: 2026-04-01、令和8年4月1日"
    if not isinstance(value, str):
        raise InputError(source, f"{where}: 施行日「{value}」を日付として読めません ({example})。")
    if _TIME.search(value):
        raise InputError(source, f"{where}: 施行日「{value}」には時刻を付けず、日付だけを書いてください ({example})。")
    try:
        day = parse_date(value) if _DATE_ONLY.fullmatch(fold(value)) else None
    except (ValueError, OverflowError):
        day = None
    if day is None:
        raise InputError(
            source,
            f"{where}: 施行日「{value}」を日付として読めません (存在しない日付か、書き方の誤りです。{example})。",
        )
    return day


def _acknowledged(raw: dict[str, Any], where: str, source: str) -> bool:
    value = raw.get("確認済み", False)
    if type(value) is not bool:
        raise InputError(source, f"{where}: 確認済みは true か false で書いてください (引用符なし。今は {value!r})。")
    return value


def _fingerprint(raw: dict[str, Any], where: str, source: str) -> str | None:
    value = _text(raw, "変更の指紋", where, source)
    if value is None:
        return None
    value = value.strip().lower()
    if not FINGERPRINT.fullmatch(value):
        raise InputError(
            source,
            f"{where}: 変更の指紋「{value}」の形が違います (8桁の16進数を2つ - でつないだ形、"
            "例: 3f2a9c1e-7b01d2aa。--decisions-template で作ったものを写してください)。",
        )
    return value


def parse_decisions(text: str, source: str, exemptions: tuple[str, ...]) -> Decisions:
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise InputError(source, f"判断ファイルが大きすぎます ({MAX_BYTES:,} バイトまで)。")
    from .safeyaml import load_yaml  # yaml only when there is a decisions file

    data, lines = load_yaml(text, source)
    data = data or []
    if isinstance(data, dict) and ({"判断", "decisions"} & set(data)):
        data = data.get("判断") or data.get("decisions") or []
    if not isinstance(data, list):
        hint = " (各判断の先頭に「- 」がありますか)" if isinstance(data, dict) else ""
        raise InputError(source, f"判断の一覧 (- 項目: … の並び) を書いてください{hint}。")
    entries = []
    for number, raw in enumerate(data, start=1):
        line = lines[number - 1] if number <= len(lines) else None
        where = f"{number}件目" + (f" ({line}行目)" if line else "")
        if not isinstance(raw, dict):
            raise InputError(source, f"{where}: 「項目:」などのキーを持つ形で書いてください。")
        unknown = {str(k) for k in raw} - KEYS
        if unknown:
            raise InputError(
                source, f"{where}: 知らないキー {sorted(unknown)} があります (使えるキー: {sorted(KEYS)})。"
            )
        item = _item(raw, where, source)
        where = f"{where}「{item}」"
        exemption = _text(raw, "例外", where, source)
        if exemption is not None and exemption not in exemptions:
            raise InputError(
                source, f"{where}: 例外の区分「{exemption}」は使えません (使える区分: {'、'.join(exemptions)})。"
            )
        reason = _text(raw, "理由", where, source)
        _text(raw, "メモ", where, source)
        if exemption is not None and not (reason or "").strip():
            raise InputError(source, f"{where}: 例外には「理由」(一文) が必要です。")
        override = _text(raw, OVERRIDE, where, source)
        if override is not None and (exemption is None or not override.strip()):
            raise InputError(source, f"{where}: 「{OVERRIDE}」は「例外」と一緒に、一文で書いてください。")
        entries.append(
            Decision(
                item=item,
                exemption=exemption,
                reason=reason,
                effective=_effective(raw, where, source),
                acknowledged=_acknowledged(raw, where, source),
                number=number,
                fingerprint=_fingerprint(raw, where, source),
                line=line,
                override=override,
            )
        )
    return Decisions(source=source, entries=tuple(entries))


def read_decisions(path: str | FsPath, exemptions: tuple[str, ...]) -> Decisions:
    from pia_diff.ingest.read import read_input  # a regular file only: a FIFO or /dev/zero is refused, not read

    data = read_input(path, MAX_BYTES, "判断")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), "判断ファイルを UTF-8 のテキストとして読めません。") from exc
    return parse_decisions(text, str(path), exemptions)
