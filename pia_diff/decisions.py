"""The decisions file: human judgement per item (confirmed exemption, effective date, acknowledgement)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path as FsPath

import yaml

from .errors import InputError
from .snapshot import Path
from .text import compare_key
from .wareki import parse_date

KEYS = {"項目", "item_path", "例外", "理由", "施行日", "確認済み", "メモ"}


@dataclass(frozen=True)
class Decision:
    item: str
    exemption: str | None = None
    reason: str | None = None
    effective: dt.date | None = None
    acknowledged: bool = False
    number: int = 0


@dataclass(frozen=True)
class Decisions:
    source: str
    entries: tuple[Decision, ...] = ()

    def for_item(self, label: str, path: Path) -> Decision | None:
        keys = {compare_key(label), compare_key(" ".join(path))}
        return next((d for d in self.entries if compare_key(d.item) in keys), None)


NONE = Decisions(source="")


def parse_decisions(text: str, source: str, exemptions: tuple[str, ...]) -> Decisions:
    try:
        data = yaml.safe_load(text) or []
    except yaml.YAMLError as exc:
        raise InputError(source, f"YAML として読めません ({exc.__class__.__name__})。") from exc
    if isinstance(data, dict):
        data = data.get("判断") or data.get("decisions") or []
    if not isinstance(data, list):
        raise InputError(source, "判断の一覧 (- 項目: … の並び) を書いてください。")
    entries = []
    for number, raw in enumerate(data, start=1):
        where = f"{number}件目"
        if not isinstance(raw, dict):
            raise InputError(source, f"{where}: 「項目:」などのキーを持つ形で書いてください。")
        unknown = set(raw) - KEYS
        if unknown:
            raise InputError(
                source, f"{where}: 知らないキー {sorted(unknown)} があります (使えるキー: {sorted(KEYS)})。"
            )
        item = raw.get("項目") or " ".join(raw.get("item_path") or [])
        if not item:
            raise InputError(source, f"{where}: 「項目」がありません。")
        exemption = raw.get("例外")
        if exemption is not None and exemption not in exemptions:
            raise InputError(
                source, f"{where}: 例外の区分「{exemption}」は使えません (使える区分: {'、'.join(exemptions)})。"
            )
        if exemption is not None and not raw.get("理由"):
            raise InputError(source, f"{where}: 例外には「理由」(一文) が必要です。")
        effective = None
        if raw.get("施行日") is not None:
            effective = raw["施行日"] if isinstance(raw["施行日"], dt.date) else parse_date(str(raw["施行日"]))
            if effective is None:
                raise InputError(source, f"{where}: 施行日「{raw['施行日']}」を日付として読めません。")
        entries.append(
            Decision(
                item=str(item),
                exemption=exemption,
                reason=raw.get("理由"),
                effective=effective,
                acknowledged=bool(raw.get("確認済み", False)),
                number=number,
            )
        )
    return Decisions(source=source, entries=tuple(entries))


def read_decisions(path: str | FsPath, exemptions: tuple[str, ...]) -> Decisions:
    file = FsPath(path)
    if not file.is_file():
        raise InputError(str(path), "判断ファイルが見つかりません。")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), "判断ファイルを UTF-8 のテキストとして読めません。") from exc
    return parse_decisions(text, str(path), exemptions)
