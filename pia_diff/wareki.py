"""Japanese era dates (和暦) to and from ISO dates."""

from __future__ import annotations

import datetime as dt
import re

from .text import fold

# (name, first day); 元年 is year 1.
ERAS = (
    ("令和", dt.date(2019, 5, 1)),
    ("平成", dt.date(1989, 1, 8)),
    ("昭和", dt.date(1926, 12, 25)),
)
_WAREKI = re.compile(r"(令和|平成|昭和)\s*(元|\d+)\s*年\s*(\d+)\s*月\s*(\d+)\s*日")
_ISO = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})")


def parse_date(text: str) -> dt.date | None:
    """The first date in the text (和暦 or ISO-ish), or None when there is none or it is invalid."""
    folded = fold(text)
    match = _WAREKI.search(folded)
    try:
        if match:
            era, year, month, day = match.groups()
            start = dict(ERAS)[era]
            number = 1 if year == "元" else int(year)
            return dt.date(start.year + number - 1, int(month), int(day))
        match = _ISO.search(folded)
        if match:
            return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
    return None


def to_wareki(day: dt.date) -> str:
    """令和7年12月26日 style; 元年 for the first year of an era."""
    for era, start in ERAS:
        if day >= start:
            number = day.year - start.year + 1
            year = "元" if number == 1 else str(number)
            return f"{era}{year}年{day.month}月{day.day}日"
    return day.isoformat()
