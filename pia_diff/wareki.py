"""Japanese era dates (和暦) to and from ISO dates.

A 和暦 date must fall inside its era (RULES.md §8): 平成 runs 1989-01-08 – 2019-04-30, 令和 from
2019-05-01, so 令和1年1月1日 and 平成31年5月1日 are not dates and are refused, as are year 0 and
years with more digits than any real date has. Refusing is safer than guessing: a date the tool
reads wrongly silently moves a change between 事前 and 事後.
"""

from __future__ import annotations

import datetime as dt
import re

from .errors import InputError
from .text import fold

# (name, first day, last day); 元年 is year 1.
ERAS = (
    ("令和", dt.date(2019, 5, 1), dt.date.max),
    ("平成", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    ("昭和", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
)
# An era written out, or as one letter or kanji that no other kanji precedes (政令5.4.1 is no date).
_ERA = r"(令和|平成|昭和|(?<![A-Za-z一-龯々])[RHS令平昭])"
_WAREKI = re.compile(_ERA + r"\s*(元|\d+)\s*年\s*(\d+)\s*月\s*(\d+)\s*日")
_ISO = re.compile(r"(?<!\d)(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})")
# 「2021年3月31日」, and the short era forms tables use: 「R5.11.6」「H31.4.1」「令5.11.6」
_SEIREKI = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_SHORT = re.compile(_ERA + r"\s*(元|\d{1,2})\s*[./・-]\s*(\d{1,2})\s*[./・-]\s*(\d{1,2})(?!\d)")
_ERA_NAMES = {"R": "令和", "令": "令和", "H": "平成", "平": "平成", "S": "昭和", "昭": "昭和"}
# No real date needs more digits than this in any field; longer ones only cost time to convert.
_MAX_DIGITS = 4


def _date(year: str, month: str, day: str) -> dt.date | None:
    if max(len(year), len(month), len(day)) > _MAX_DIGITS:
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except (ValueError, OverflowError):
        return None


def parse_date(text: str) -> dt.date | None:
    """The first date in the text (和暦, its short forms R5.11.6 / H31.4.1, 2021年3月31日 or
    ISO-ish), or None when there is none or the first one is invalid."""
    folded = fold(text).upper()
    found = [(m.start(), True, m.groups()) for pattern in (_WAREKI, _SHORT) for m in pattern.finditer(folded)]
    found += [(m.start(), False, m.groups()) for pattern in (_SEIREKI, _ISO) for m in pattern.finditer(folded)]
    if not found:
        return None
    # the first date written decides: one outside its era or the calendar is no date, and a later
    # one in the same text is not taken in its place
    _at, era, (first, *rest) = min(found, key=lambda f: f[0])
    return _era_date(_ERA_NAMES.get(first, first), *rest) if era else _date(first, *rest)


def _era_date(era: str, year: str, month: str, day: str) -> dt.date | None:
    number = 1 if year == "元" else int(year) if len(year) <= _MAX_DIGITS else 0
    if number < 1:
        return None
    start, end = next((s, e) for name, s, e in ERAS if name == era)
    parsed = _date(str(start.year + number - 1), month, day)
    if parsed is None or not start <= parsed <= end:
        return None
    return parsed


def to_wareki(day: dt.date) -> str:
    """令和7年12月26日 style; 元年 for the first year of an era."""
    for era, start, _end in ERAS:
        if day >= start:
            number = day.year - start.year + 1
            year = "元" if number == 1 else str(number)
            return f"{era}{year}年{day.month}月{day.day}日"
    return day.isoformat()


def revision_date(value: str | None, option: str = "--date") -> dt.date:
    """The 変更日 a user gave (ISO or 和暦), today when none; a date that cannot be read is bad input."""
    if value is None:
        return dt.date.today()
    parsed = parse_date(value)
    if parsed is None:
        raise InputError(
            option, f"日付「{value}」を読めません (例: 2026-01-15、令和8年1月15日。和暦は元号の期間内の日付)。"
        )
    return parsed
