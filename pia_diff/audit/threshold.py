"""しきい値判断 (RULES.md §6) and the time rules (§7): which assessment level a document needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum

from pia_diff.compare.rules import load_rules
from pia_diff.snapshot import Snapshot
from pia_diff.wareki import parse_date, to_wareki

from .findings import Finding, Severity


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
_DATA = load_rules().thresholds  # rules_form3.yaml `thresholds:` (issue 11: bands are data)
_LEVELS = {"none": Level.NONE, "basic": Level.BASIC, "focused": Level.FOCUSED, "full": Level.FULL}
# 対象人数 bands as I-1-③ prints them, smallest first, with the level each requires.
BANDS: tuple[str, ...] = tuple(str(b["band"]) for b in _DATA["bands"])
_BAND_LEVELS = {str(b["band"]): (_LEVELS[b["light"]], _LEVELS[b["heavy"]]) for b in _DATA["bands"]}
PEOPLE: tuple[str, ...] = tuple(_DATA["people"])
INCIDENT: tuple[str, ...] = tuple(_DATA["incident"])
DONE: tuple[str, ...] = tuple(_DATA["done"])
REASSESS_YEARS = int(_DATA["reassess_years"])


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
    light, heavy = _BAND_LEVELS[band]
    if light == heavy:
        return Requirement(light, light, f"対象人数{band}")
    triggers = (handlers_500_or_more, incident_within_1_year)
    if True in triggers:
        return Requirement(heavy, heavy, f"対象人数「{band}」で、取扱者数500人以上または1年以内の重大事故あり")
    if all(t is False for t in triggers):
        return Requirement(light, light, f"対象人数「{band}」で、取扱者数500人未満かつ1年以内の重大事故なし")
    return Requirement(
        light, heavy, f"対象人数「{band}」: 取扱者数と1年以内の重大事故の有無が分からないため幅があります"
    )


def _value(snapshot: Snapshot, path: tuple[str, ...]) -> str | None:
    item = snapshot.fields.get(path)
    return item.value if item is not None and isinstance(item.value, str) and item.value else None


def band_of(snapshot: Snapshot) -> str | None:
    """I-1-③ 対象人数 as read (None when not read)."""
    return _value(snapshot, PEOPLE)


def inputs(snapshot: Snapshot) -> tuple[bool | None, bool | None]:
    """(取扱者数 ≥ 500, a 特定個人情報 重大事故 within 1 year) as far as the document tells; None = unknown.

    様式3 records neither (RULES.md §6). A 委託先 with 500 or more handlers proves the first; III-7-②
    「発生なし」 (no 個人情報 incident in 3 years) rules out the second. Nothing else is inferred."""
    big = set(_DATA["handlers_500_or_more"])
    handlers = any(path[-1] == _DATA["handlers_item"] and item.value in big for path, item in snapshot.fields.items())
    incident = _value(snapshot, INCIDENT)
    return (True if handlers else None), (False if incident == _DATA["incident_none"] else None)


def _form_level(snapshot: Snapshot) -> Level:
    return FORM_LEVEL.get(str(snapshot.meta.form), Level.FOCUSED)


def threshold_warnings(snapshot: Snapshot) -> list[Finding]:
    """Level required by the document's own answers, against the form it is written on."""
    band = _value(snapshot, PEOPLE)
    label = " ".join(PEOPLE)
    if band is None:
        return [
            Finding(
                Severity.INFO, "threshold-unknown", "対象人数が読み取れないため、しきい値判断を確認できません。", label
            )
        ]
    incident3 = _value(snapshot, INCIDENT)
    if band not in BANDS:
        return [
            Finding(
                Severity.INFO,
                "threshold-unknown",
                f"対象人数「{band}」は様式の区分にないため、しきい値判断を確認できません。",
                label,
            )
        ]
    requirement = required_level(band, *inputs(snapshot))
    form = _form_level(snapshot)
    out: list[Finding] = []
    if requirement.lowest > form:
        out.append(
            Finding(
                Severity.ERROR,
                "threshold-heavier",
                f"{requirement.reason}: 必要な評価は「{LEVEL_NAMES[requirement.lowest]}」で、この評価書の様式より重いです。",
                label,
            )
        )
    elif requirement.highest > form:
        out.append(
            Finding(
                Severity.WARNING,
                "threshold-may-be-heavier",
                f"{requirement.reason}。取扱者数が500人以上、または1年以内に特定個人情報の重大事故があれば、"
                f"「{LEVEL_NAMES[requirement.highest]}」が必要です。",
                label,
            )
        )
    if incident3 == "発生あり":
        out.append(
            Finding(
                Severity.WARNING,
                "incident-recorded",
                "Ⅲ7.②で過去3年以内の重大事故が「発生あり」です。1年以内の特定個人情報の重大事故であれば、"
                "しきい値判断が変わることがあります。",
                " ".join(INCIDENT),
            )
        )
    return out


def _need(requirement: Requirement) -> str:
    if requirement.lowest == requirement.highest:
        return LEVEL_NAMES[requirement.lowest]
    return f"{LEVEL_NAMES[requirement.lowest]}〜{LEVEL_NAMES[requirement.highest]}"


def _heavier(new: Requirement, form: Level) -> str | None:
    """The sentence naming the heavier assessment a requirement may call for ('…が必要になる可能性があります')."""
    if new.lowest > form:
        return f"{LEVEL_NAMES[new.lowest]}が必要です。"
    if new.highest > form:
        return f"{LEVEL_NAMES[new.highest]}が必要になる可能性があります (取扱者数500人以上、または1年以内の特定個人情報の重大事故がある場合)。"
    return None


def band_move(
    before: str | None,
    after: str | None,
    handlers_500_or_more: bool | None = None,
    incident_within_1_year: bool | None = None,
    form: Level = Level.FOCUSED,
) -> Finding | None:
    """A revision that moves 対象人数 across a band can change the level required (RULES.md §6).
    An error (要対応) when the new band may need an assessment heavier than the form's."""
    if not before or not after or before == after or before not in BANDS or after not in BANDS:
        return None
    old = required_level(before, handlers_500_or_more, incident_within_1_year)
    new = required_level(after, handlers_500_or_more, incident_within_1_year)
    direction = "増えました" if BANDS.index(after) > BANDS.index(before) else "減りました"
    heavier = _heavier(new, form) if (new.lowest, new.highest) != (old.lowest, old.highest) else None
    level = (
        Severity.ERROR
        if heavier
        else Severity.WARNING
        if (new.lowest, new.highest) != (old.lowest, old.highest)
        else Severity.INFO
    )
    return Finding(
        level,
        "band-moved",
        f"対象人数が「{before}」から「{after}」に{direction}。"
        + (heavier or "")
        + f"しきい値判断をやり直してください (必要な評価: {_need(new)})。",
        " ".join(PEOPLE),
    )


def threshold_move(old: Snapshot, new: Snapshot) -> Finding | None:
    """What the revision OLD → NEW does to the しきい値判断: a band move, or (same band) a change of
    the inputs the document shows (a 委託先 reaching 500 handlers, III-7-② becoming 「発生あり」)."""
    before, after = band_of(old), band_of(new)
    form = _form_level(new)
    if before != after:
        return band_move(before, after, *inputs(new), form=form)
    if after not in BANDS or inputs(old) == inputs(new):
        return None
    was, now = required_level(after, *inputs(old)), required_level(after, *inputs(new))
    if (was.lowest, was.highest) == (now.lowest, now.highest):
        return None
    heavier = _heavier(now, form)
    changed = [
        text
        for i, text in enumerate(("委託先の取扱者数の区分が変わりました", "Ⅲ7.②の重大事故の回答が変わりました"))
        if inputs(old)[i] != inputs(new)[i]
    ]
    why = "。".join(changed)
    return Finding(
        Severity.ERROR if heavier else Severity.INFO,
        "threshold-inputs-changed",
        f"{why}。" + (heavier or "") + f"しきい値判断をやり直してください (必要な評価: {_need(now)})。",
        " ".join(PEOPLE),
    )


def reassessment_warning(snapshot: Snapshot) -> Finding | None:
    """規則第15条 (effort duty): re-do the whole assessment within 5 years of V-1-① 実施日."""
    done_text = _value(snapshot, DONE)
    published_day = snapshot.meta.published
    done = parse_date(done_text) if done_text else None
    if done is None or published_day is None:
        return None
    if done.year + REASSESS_YEARS > dt.MAXYEAR:
        return None  # a deadline past year 9999 (a mistyped 実施日) cannot be due yet
    try:
        due = done.replace(year=done.year + REASSESS_YEARS)
    except ValueError:  # 29 February
        due = done.replace(year=done.year + REASSESS_YEARS, day=28)
    label = " ".join(DONE)
    if due <= published_day:
        return Finding(
            Severity.WARNING,
            "reassessment-overdue",
            f"前回の評価の実施日 ({done_text}) から5年を過ぎています (期限 {to_wareki(due)})。再評価が必要です。",
            label,
        )
    if (due - published_day).days <= 365:
        return Finding(
            Severity.INFO,
            "reassessment-due",
            f"前回の評価の実施日 ({done_text}) から5年の期限 {to_wareki(due)} が公表日から1年以内です。",
            label,
        )
    return None
