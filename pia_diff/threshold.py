"""しきい値判断 (RULES.md §6) and the time rules (§7): which assessment level a document needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum

from .snapshot import Snapshot
from .wareki import parse_date, to_wareki


class Level(IntEnum):
    NONE = 0
    BASIC = 1  # 基礎項目評価
    FOCUSED = 2  # 基礎項目評価 + 重点項目評価
    FULL = 3  # 基礎項目評価 + 全項目評価


LEVEL_NAMES = {
    Level.NONE: "評価の実施は義務付けられない",
    Level.BASIC: "基礎項目評価",
    Level.FOCUSED: "基礎項目評価及び重点項目評価",
    Level.FULL: "基礎項目評価及び全項目評価",
}
# The level each form stands for.
FORM_LEVEL = {"様式2": Level.BASIC, "様式3": Level.FOCUSED, "様式4": Level.FULL}
# 対象人数 bands as I-1-③ prints them, smallest first.
BANDS = ("1,000人未満", "1,000人以上1万人未満", "1万人以上10万人未満", "10万人以上30万人未満", "30万人以上")
PEOPLE = ("Ⅰ 基本情報", "1 特定個人情報ファイルを取り扱う事務", "③対象人数")
INCIDENT = (
    "Ⅲ リスク対策",
    "7 特定個人情報の保管・消去",
    "リスク: 特定個人情報の漏えい・滅失・毀損リスク",
    "②過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか",
)
DONE = ("Ⅴ 評価実施手続", "1 基礎項目評価", "①実施日")
REASSESS_YEARS = 5


@dataclass(frozen=True)
class Requirement:
    """The level the rules require, or the range it may be in when an input is unknown."""

    lowest: Level
    highest: Level
    reason: str


def required_level(band: str, handlers_500_or_more: bool | None, incident_within_1_year: bool | None) -> Requirement:
    """RULES.md §6 table. None for an input means 'not known': the answer is then a range."""
    if band not in BANDS:
        raise ValueError(f"unknown band {band!r}")
    index = BANDS.index(band)
    if index == 0:
        return Requirement(Level.NONE, Level.NONE, "対象人数1,000人未満")
    if index == 1:
        return Requirement(Level.BASIC, Level.BASIC, "対象人数1,000人以上1万人未満")
    if index == 4:
        return Requirement(Level.FULL, Level.FULL, "対象人数30万人以上")
    heavy, light = (Level.FOCUSED, Level.BASIC) if index == 2 else (Level.FULL, Level.FOCUSED)
    triggers = (handlers_500_or_more, incident_within_1_year)
    if True in triggers:
        return Requirement(heavy, heavy, f"対象人数「{band}」で、取扱者数500人以上または1年以内の重大事故あり")
    if all(t is False for t in triggers):
        return Requirement(light, light, f"対象人数「{band}」で、取扱者数500人未満かつ1年以内の重大事故なし")
    return Requirement(
        light, heavy, f"対象人数「{band}」: 取扱者数と1年以内の重大事故の有無が分からないため幅があります"
    )


@dataclass(frozen=True)
class Finding:
    level: str  # "error" | "warning" | "info"
    code: str
    message: str
    項目: str | None = None
    line: int | str | None = None  # the 別添2 row's source line (or sheet!row), for findings about one row


def _value(snapshot: Snapshot, path: tuple[str, ...]) -> str | None:
    item = snapshot.fields.get(path)
    return item.value if item is not None and isinstance(item.value, str) and item.value else None


def band_of(snapshot: Snapshot) -> str | None:
    """I-1-③ 対象人数 as read (None when not read)."""
    return _value(snapshot, PEOPLE)


def threshold_warnings(snapshot: Snapshot) -> list[Finding]:
    """Level required by the document's own answers, against the form it is written on."""
    band = _value(snapshot, PEOPLE)
    label = " ".join(PEOPLE)
    if band is None:
        return [
            Finding("info", "threshold-unknown", "対象人数が読み取れないため、しきい値判断を確認できません。", label)
        ]
    # 様式3 records neither 取扱者数 nor the 1-year 特定個人情報 incident: both unknown.
    incident3 = _value(snapshot, INCIDENT)
    requirement = required_level(band, None, None)
    form = FORM_LEVEL.get(str(snapshot.meta.get("様式")), Level.FOCUSED)
    out: list[Finding] = []
    if requirement.lowest > form:
        out.append(
            Finding(
                "error",
                "threshold-heavier",
                f"{requirement.reason}: 必要な評価は「{LEVEL_NAMES[requirement.lowest]}」で、この評価書の様式より重いです。",
                label,
            )
        )
    elif requirement.highest > form:
        out.append(
            Finding(
                "warning",
                "threshold-may-be-heavier",
                f"{requirement.reason}。取扱者数が500人以上、または1年以内に特定個人情報の重大事故があれば、"
                f"「{LEVEL_NAMES[requirement.highest]}」が必要です。",
                label,
            )
        )
    if incident3 == "発生あり":
        out.append(
            Finding(
                "warning",
                "incident-recorded",
                "Ⅲ7.②で過去3年以内の重大事故が「発生あり」です。1年以内の特定個人情報の重大事故であれば、"
                "しきい値判断が変わることがあります。",
                " ".join(INCIDENT),
            )
        )
    return out


def band_move(before: str | None, after: str | None) -> Finding | None:
    """A revision that moves 対象人数 across a band can change the level required (RULES.md §6)."""
    if not before or not after or before == after or before not in BANDS or after not in BANDS:
        return None
    old, new = required_level(before, None, None), required_level(after, None, None)
    direction = "増えました" if BANDS.index(after) > BANDS.index(before) else "減りました"
    need = (
        LEVEL_NAMES[new.lowest]
        if new.lowest == new.highest
        else f"{LEVEL_NAMES[new.lowest]}〜{LEVEL_NAMES[new.highest]}"
    )
    level = "warning" if (new.lowest, new.highest) != (old.lowest, old.highest) else "info"
    return Finding(
        level,
        "band-moved",
        f"対象人数が「{before}」から「{after}」に{direction}。しきい値判断をやり直してください (必要な評価: {need})。",
        " ".join(PEOPLE),
    )


def reassessment_warning(snapshot: Snapshot) -> Finding | None:
    """規則第15条 (effort duty): re-do the whole assessment within 5 years of V-1-① 実施日."""
    done_text = _value(snapshot, DONE)
    published = snapshot.meta.get("公表日")
    done = parse_date(done_text) if done_text else None
    if done is None or not published:
        return None
    published_day = dt.date.fromisoformat(str(published))
    if done.year + REASSESS_YEARS > dt.MAXYEAR:  # no due date can be written; nothing to warn about
        return None
    try:
        due = done.replace(year=done.year + REASSESS_YEARS)
    except ValueError:  # 29 February
        due = done.replace(year=done.year + REASSESS_YEARS, day=28)
    label = " ".join(DONE)
    if due <= published_day:
        return Finding(
            "warning",
            "reassessment-overdue",
            f"前回の評価の実施日 ({done_text}) から5年を過ぎています (期限 {to_wareki(due)})。再評価が必要です。",
            label,
        )
    if (due - published_day).days <= 365:
        return Finding(
            "info",
            "reassessment-due",
            f"前回の評価の実施日 ({done_text}) から5年の期限 {to_wareki(due)} が公表日から1年以内です。",
            label,
        )
    return None
