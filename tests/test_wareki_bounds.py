"""和暦 dates outside their era, year 0 and absurd years are not dates."""

from __future__ import annotations

import datetime as dt

import pytest

from pia_diff.wareki import parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("平成31年4月30日", dt.date(2019, 4, 30)),
        ("昭和64年1月7日", dt.date(1989, 1, 7)),
        ("令和７年８月２１日", dt.date(2025, 8, 21)),
        ("2017/4/1", dt.date(2017, 4, 1)),
        ("2021年3月31日", dt.date(2021, 3, 31)),
        ("R5.11.6", dt.date(2023, 11, 6)),  # the short forms 別添2 tables use
        ("H31.4.1", dt.date(2019, 4, 1)),
        ("令5.11.6", dt.date(2023, 11, 6)),
        ("R元.5.1", dt.date(2019, 5, 1)),
        ("R1.4.30", None),  # before 令和 began, short or not
        ("H31.5.1", None),
        ("令和3年3月", None),  # no day: no date
        ("令和5.11.6", dt.date(2023, 11, 6)),
        ("平成5.4.1", dt.date(1993, 4, 1)),
        ("H30年4月1日", dt.date(2018, 4, 1)),
        ("政令5.4.1による", None),  # 令 inside a word is no era
        ("命令3-1-1", None),
        ("2021年13月1日 2021-03-01", None),  # the first date written decides, even when invalid
        ("R1.4.30 R1.5.7", None),
        ("R5.11.6更新（令和4年1月1日）", dt.date(2023, 11, 6)),
        ("令和0年1月1日", None),
        ("令和1年1月1日", None),  # before 令和 began
        ("平成31年5月1日", None),  # 平成 had ended
        ("平成32年1月1日", None),
        ("昭和64年1月8日", None),
        ("令和3000000000年1月1日", None),
        ("令和" + "9" * 5000 + "年1月1日", None),
        ("99999-1-1", None),
        ("令和7年13月1日", None),
    ],
)
def test_era_bounds(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected
