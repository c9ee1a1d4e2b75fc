"""しきい値判断 (RULES.md §6) and the time rules (§7): which assessment level a document needs, from
every count its form records (the form registry says where: `Form.threshold_items`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import TypeVar, cast

from pia_diff.forms import Form, Level, path_matcher, registry
from pia_diff.snapshot import Field, Path, Snapshot
from pia_diff.wareki import parse_date, to_wareki

from .findings import Finding, FindingCode, Severity

__all__ = [
    "BANDS",
    "LEVEL_NAMES",
    "Finding",
    "Level",
    "band_move",
    "band_of",
    "inputs",
    "reassessment_warning",
    "required_level",
    "threshold_move",
    "threshold_warnings",
]

LEVEL_NAMES = registry().levels
# 対象人数 bands as forms print them, smallest first (RULES.md §6).
BANDS: tuple[str, ...] = registry().bands.names
_BAND_LEVELS = registry().bands.levels


@dataclass(frozen=True)
class Requirement:
    """The level the rules require, or the range it may be in when an input is unknown."""

    lowest: Level
    highest: Level
    reason: str
    unknown: tuple[str, ...] = ()  # the inputs that leave a range: named, once


def required_level(band: str, handlers_500_or_more: bool | None, incident_within_1_year: bool | None) -> Requirement:
    """RULES.md §6 table. None for an input means 'not known': the answer is then a range."""
    if band not in BANDS:
        raise ValueError(f"unknown band {band!r}")
    return _requirement((BANDS.index(band), BANDS.index(band)), handlers_500_or_more, incident_within_1_year, "")


def _requirement(bands: tuple[int, int], handlers: bool | None, incident: bool | None, said: str) -> Requirement:
    levels: set[Level] = set()
    for index in range(bands[0], bands[1] + 1):
        light, heavy = _BAND_LEVELS[BANDS[index]]
        if handlers is True or incident is True:
            levels.add(heavy)
        elif handlers is False and incident is False:
            levels.add(light)
        else:
            levels |= {light, heavy}
    unknown: list[str] = []
    if bands[0] != bands[1]:
        unknown.append("対象人数")
    if handlers is None and incident is not True and len(levels) > 1:
        unknown.append("取扱者数 (500人以上か)")
    if incident is None and handlers is not True and len(levels) > 1:
        unknown.append("1年以内の特定個人情報の重大事故の有無")
    band = BANDS[bands[0]] if bands[0] == bands[1] else None
    reason = said or (f"対象人数「{band}」" if band else "対象人数")
    if min(levels) == max(levels):
        if handlers is True or incident is True:
            reason += "で、取扱者数500人以上または1年以内の重大事故あり"
        elif handlers is False and incident is False and band and _BAND_LEVELS[band][0] != _BAND_LEVELS[band][1]:
            reason += "で、取扱者数500人未満かつ1年以内の重大事故なし"
    else:
        reason += f": {'・'.join(unknown)}が分からないため幅があります"
    return Requirement(min(levels), max(levels), reason, tuple(unknown))


def _form(snapshot: Snapshot) -> Form:
    return registry().form(snapshot.meta.form) or registry().default


# Within one public call (threshold_warnings, threshold_move), each snapshot asked about and its items
# by words: such a call asks for the same few threshold items a dozen times, and each asking scans every
# item. Only for the length of the call: a library user may edit a snapshot between calls.
_Asked = dict[int, tuple[Snapshot, dict[tuple[str, ...], tuple[tuple[Path, Field], ...]]]]
_ASKED: ContextVar[_Asked | None] = ContextVar("threshold_items_asked", default=None)
_F = TypeVar("_F", bound=Callable[..., object])


def _asked_once(function: _F) -> _F:
    """Run a public call with its snapshots' threshold items remembered for its length."""

    @wraps(function)
    def remembering(*args: object) -> object:
        token = _ASKED.set({})
        try:
            return function(*args)
        finally:
            _ASKED.reset(token)

    return cast(_F, remembering)


def _items(snapshot: Snapshot, words: tuple[str, ...]) -> tuple[tuple[Path, Field], ...]:
    """The snapshot's items a threshold item names (file keys of a multi-file document skipped)."""
    asked = _ASKED.get()
    if asked is None:
        return _scan(snapshot, words)
    held = asked.get(id(snapshot))
    if held is None or held[0] is not snapshot:
        held = asked[id(snapshot)] = (snapshot, {})
    known = held[1].get(words)
    if known is None:
        known = held[1][words] = _scan(snapshot, words)
    return known


def _scan(snapshot: Snapshot, words: tuple[str, ...]) -> tuple[tuple[Path, Field], ...]:
    out = []
    files = snapshot.files
    matches = path_matcher(words)
    for path, item in snapshot.fields.items():
        if matches(path) or (files and len(path) > 1 and path[1] in files and matches(path[:1] + path[2:])):
            out.append((path, item))
    return tuple(out)


def _text(snapshot: Snapshot, words: tuple[str, ...]) -> str | None:
    """The first value read for a threshold item (None when not read)."""
    for _, item in _items(snapshot, words):
        if isinstance(item.value, str) and item.value:
            return str(item.value)
    return None


def band_of(snapshot: Snapshot) -> str | None:
    """対象人数 as read (None when not read)."""
    return _text(snapshot, _form(snapshot).threshold_items.people)


@dataclass(frozen=True)
class Evidence:
    """What a document tells of the しきい値判断 inputs, and in which of its own words."""

    bands: tuple[int, int]  # the 対象人数 band (or range of bands) as indices of BANDS
    people: str  # how the band is known: 対象人数「…」, or 本人の数「…」 when ③ could not be read
    handlers: bool | None  # 取扱者数 ≥ 500
    incident: bool | None  # a 特定個人情報 重大事故 within 1 year
    why: tuple[str, ...] = ()  # the values that prove handlers / incident

    @property
    def known(self) -> bool:
        return self.bands != (0, len(BANDS) - 1)


def evidence(snapshot: Snapshot) -> Evidence:
    """The しきい値 inputs as far as the document tells; nothing is inferred beyond its own answers.

    対象人数 from its item; where that cannot be read, 本人の数 (per file) gives a floor: a file holds
    no more people than the 事務 has. 取扱者数 ≥ 500 is proved by a count of staff (様式2's own item,
    or 様式3's 使用者数) or of any 委託先 at 500 or more; nothing proves it below 500 on 様式3. The
    1-year 特定個人情報 重大事故 is 様式2's own item; on 様式3 the 3-year 個人情報 item 「発生なし」 rules
    it out (1 year ⊂ 3 years, 特定個人情報 ⊂ 個人情報) and 「発生あり」 leaves it unknown."""
    items = _form(snapshot).threshold_items
    why: list[str] = []
    band = _text(snapshot, items.people)
    if band in BANDS:
        bands = (BANDS.index(band), BANDS.index(band))
        people = f"対象人数「{band}」"
    else:
        floors = [
            (BANDS.index(items.subject_floors[str(item.value)]), str(item.value), path)
            for path, item in _items(snapshot, items.subjects)
            if isinstance(item.value, str) and items.subject_floors.get(str(item.value)) in BANDS
        ]
        if floors:
            floor, said, _ = max(floors)
            bands, people = (floor, len(BANDS) - 1), f"本人の数「{said}」(対象人数を読み取れないため)"
        else:
            bands, people = (0, len(BANDS) - 1), "対象人数"
    handlers: bool | None = None
    for words, name in (
        (items.handlers, "取扱者数"),
        (items.staff, "使用者数"),
        (items.contractors, "委託先の取扱者数"),
    ):
        for path, item in _items(snapshot, words):
            if isinstance(item.value, str) and item.value in items.handlers_500:
                handlers = True
                where = next((seg for seg in path if seg.rstrip("0123456789") != seg), "")
                why.append(f"{name}「{item.value}」" + (f" ({where})" if where else ""))
            elif words == items.handlers and isinstance(item.value, str) and item.value in items.handlers_below_500:
                handlers = False if handlers is None else handlers  # the form's own 取扱者数 item says so
    incident: bool | None = None
    one_year = _text(snapshot, items.incident_1_year)
    three_years = _text(snapshot, items.incident_3_years)
    if one_year == items.incident_yes:
        incident = True
        why.append(f"1年以内の重大事故「{one_year}」")
    elif one_year == items.incident_none or three_years == items.incident_none:
        incident = False
    return Evidence(bands, people, handlers, incident, tuple(why))


def inputs(snapshot: Snapshot) -> tuple[bool | None, bool | None]:
    """(取扱者数 ≥ 500, a 特定個人情報 重大事故 within 1 year) as far as the document tells; None = unknown."""
    found = evidence(snapshot)
    return found.handlers, found.incident


def requirement_of(snapshot: Snapshot) -> Requirement:
    found = evidence(snapshot)
    said = found.people + (f"、{'・'.join(found.why)}" if found.why else "")
    return _requirement(found.bands, found.handlers, found.incident, said)


@_asked_once
def threshold_warnings(snapshot: Snapshot) -> list[Finding]:
    """Level required by the document's own answers, against the form it is written on (RULES.md §6)."""
    form = _form(snapshot)
    label = " ".join(form.threshold_items.people)
    found = evidence(snapshot)
    band = _text(snapshot, form.threshold_items.people)
    out: list[Finding] = []
    if not found.known:
        reason = f"対象人数「{band}」は様式の区分にないため" if band else "対象人数が読み取れないため"
        return [Finding(FindingCode.THRESHOLD_UNKNOWN, {"reason": reason}, label)]
    requirement = requirement_of(snapshot)
    if requirement.lowest > form.level:
        need = LEVEL_NAMES[requirement.lowest]
        out.append(Finding(FindingCode.THRESHOLD_HEAVIER, {"reason": requirement.reason, "need": need}, label))
    elif requirement.highest > form.level:
        need = LEVEL_NAMES[requirement.highest]
        out.append(Finding(FindingCode.THRESHOLD_MAY_BE_HEAVIER, {"reason": requirement.reason, "need": need}, label))
    incident3 = _text(snapshot, form.threshold_items.incident_3_years)
    if incident3 and incident3 == form.threshold_items.incident_yes:
        where = " ".join(form.threshold_items.incident_3_years)
        out.append(Finding(FindingCode.INCIDENT_RECORDED, {"answer": incident3}, where))
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
    label: str | None = None,
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
        FindingCode.BAND_MOVED,
        {"before": before, "after": after, "direction": direction, "heavier": heavier or "", "need": _need(new)},
        label or " ".join(registry().default.threshold_items.people),
        severity=level,
    )


@_asked_once
def threshold_move(old: Snapshot, new: Snapshot) -> Finding | None:
    """What the revision OLD → NEW does to the しきい値判断: a band move, or (same band) a change of
    the inputs the document shows (a count reaching 500 handlers, III-7-② becoming 「発生あり」)."""
    before, after = band_of(old), band_of(new)
    form = _form(new)
    if before != after and before in BANDS and after in BANDS:
        people = next((" ".join(p) for p, _ in _items(new, form.threshold_items.people)), None)
        return band_move(before, after, *inputs(new), form=form.level, label=people)
    was, now = requirement_of(old), requirement_of(new)
    if (was.lowest, was.highest) == (now.lowest, now.highest):
        return None
    heavier = _heavier(now, form.level)
    return Finding(
        FindingCode.THRESHOLD_INPUTS_CHANGED,
        {"reason": now.reason, "heavier": heavier or "", "need": _need(now)},
        " ".join(form.threshold_items.people),
        severity=Severity.ERROR if heavier else Severity.INFO,
    )


def reassessment_warning(snapshot: Snapshot) -> Finding | None:
    """規則第15条 (effort duty): re-do the whole assessment within 5 years of V-1-① 実施日."""
    words = _form(snapshot).threshold_items.done
    done_text = _text(snapshot, words)
    published_day = snapshot.meta.published
    done = parse_date(done_text) if done_text else None
    if done is None or published_day is None:
        return None
    years = registry().bands.reassess_years
    if done.year + years > dt.MAXYEAR:
        return None  # a deadline past year 9999 (a mistyped 実施日) cannot be due yet
    try:
        due = done.replace(year=done.year + years)
    except ValueError:  # 29 February
        due = done.replace(year=done.year + years, day=28)
    label = " ".join(words)
    params = {"done": done_text, "years": years, "due": to_wareki(due)}
    if due <= published_day:
        return Finding(FindingCode.REASSESSMENT_OVERDUE, params, label)
    if (due - published_day).days <= 365:
        return Finding(FindingCode.REASSESSMENT_DUE, params, label)
    return None
