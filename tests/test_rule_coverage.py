"""Meta-test (STYLE.md §9): every rule of the table decides a row in a scenario of its own
(RULES.md §3–§4), independent of which other tests ran before it."""

from __future__ import annotations

import datetime as dt

from pia_diff.compare.classify import Options, classify
from pia_diff.compare.decisions import fingerprint, parse_decisions
from pia_diff.compare.diff import diff
from pia_diff.compare.rules import Timing, load_rules
from pia_diff.snapshot import item_label

from .helpers import CAT, DAY, edited, sample

TABLE = load_rules()
STAR = ("Ⅱ 特定個人情報ファイルの概要", "4 特定個人情報ファイルの取扱いの委託", "委託の有無")
PURPOSE = ("Ⅱ 特定個人情報ファイルの概要", "3 特定個人情報の入手・使用", "③使用目的")  # ※
PLAIN = ("Ⅳ 開示請求、問合せ", "1 特定個人情報の開示・訂正・利用停止請求", "②請求方法")
INCIDENT = (
    "Ⅲ リスク対策",
    "7 特定個人情報の保管・消去",
    "リスク: 特定個人情報の漏えい・滅失・毀損リスク",
    "②過去3年以内に、評価実施機関において、個人情報に関する重大事故が発生したか",
)


def _decide(path: tuple[str, ...], value: str, decisions: str = "") -> tuple[str, Timing]:
    old = sample()
    assert path in old.fields, path
    new = edited(old, path, value)
    (change,) = diff(old, new, CAT)
    decisions = decisions.replace("{fingerprint}", fingerprint(change))
    parsed = parse_decisions(decisions, "判断.yaml", TABLE.exemptions) if decisions else None
    options = Options(DAY, parsed) if parsed else Options(DAY)
    rows = classify(diff(old, new, CAT), CAT, TABLE, options)
    assert len(rows) == 1
    return rows[0].根拠, rows[0].提出時期


def test_every_rule_decides_its_own_scenario() -> None:
    assert dt.date(2026, 4, 1) > DAY
    label = item_label(PLAIN)
    purpose = str(sample().fields[PURPOSE].value).rstrip("。")
    purpose_label = item_label(PURPOSE)
    scenarios = {
        "STAR": _decide(STAR, "委託する"),  # ※ item (RULES.md §3)
        "EFFECTIVE-LATER": _decide(PLAIN, "郵送による請求", f"- 項目: {label}\n  施行日: 令和8年4月1日\n"),
        "EXEMPT": _decide(
            PURPOSE,
            f"{purpose}。",
            f"- 項目: {purpose_label}\n  変更の指紋: {{fingerprint}}\n  例外: 誤字脱字の修正\n  理由: 句点の脱字。\n",
        ),
        "III-7-2": _decide(INCIDENT, "発生あり"),  # III 7.② is not ※ (RULES.md §2)
        "OTHER": _decide(PLAIN, "郵送による請求"),
    }
    assert {rule.id for rule in TABLE.rules} == set(scenarios)
    for rule in TABLE.rules:
        assert scenarios[rule.id] == (rule.id, rule.timing), rule.id
