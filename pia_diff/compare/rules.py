"""The 提出時期 rule table: packaged data, validated on load, evaluated in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml

FACTS = frozenset({"important", "exempted", "effective_later", "star", "part", "threshold"})
# The rule table of each form (様式4 has ※ like 様式3 and the same rule, RULES.md §3).
RULE_FILES = {"様式2": "rules_form2.yaml", "様式3": "rules_form3.yaml", "様式4": "rules_form3.yaml"}


class Timing(StrEnum):
    BEFORE = "事前"
    AFTER = "事後"


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    when: dict[str, Any]
    timing: Timing
    explanation: str

    def holds(self, facts: dict[str, Any]) -> bool:
        return all(facts.get(key) == value for key, value in self.when.items())


@dataclass(frozen=True)
class RuleTable:
    form: str
    rules: tuple[Rule, ...]
    exemptions: tuple[str, ...]
    safer_choices: dict[str, list[list[str]]]
    safer_when_added: tuple[str, ...]
    safer_when_removed: tuple[str, ...]
    exemption_words: dict[str, list[str]]
    # しきい値判断 data (RULES.md §6): item roles and bands, read by audit/threshold.py
    thresholds: dict[str, Any] = field(default_factory=dict)
    # compare/suggest.py check → the exemption category it evidences (each one of `exemptions`)
    suggestion_categories: dict[str, str] = field(default_factory=dict)
    # words naming a しきい値判断 input or result (RULES.md §6): the `threshold` fact
    threshold_words: tuple[str, ...] = ()

    def is_threshold(self, path: tuple[str, ...]) -> bool:
        return any(word in segment for segment in path for word in self.threshold_words)

    def decide(self, facts: dict[str, Any]) -> Rule:
        return next(rule for rule in self.rules if rule.holds(facts))


class RuleError(ValueError):
    pass


def parse_rules(text: str, source: str = "<rules>") -> RuleTable:
    data = yaml.safe_load(text)
    rules = []
    for i, raw in enumerate(data.get("rules", []), start=1):
        where = f"{source}: rule {i}"
        if not {"id", "when", "timing", "explanation"} <= set(raw):
            raise RuleError(f"{where}: needs id, when, timing and explanation")
        unknown = set(raw["when"]) - FACTS
        if unknown:
            raise RuleError(f"{where} ({raw['id']}): unknown fact(s) {sorted(unknown)}")
        rules.append(
            Rule(raw["id"], raw.get("name", raw["id"]), dict(raw["when"]), Timing(raw["timing"]), raw["explanation"])
        )
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise RuleError(f"{source}: rule ids must be unique: {ids}")
    if not rules or rules[-1].when:
        raise RuleError(f"{source}: the last rule must be a catch-all (empty when)")
    exemptions = tuple(data.get("exemptions", []))
    categories = {str(k): str(v) for k, v in (data.get("suggestion_categories") or {}).items()}
    stray = sorted(set(categories.values()) - set(exemptions))
    if stray:
        raise RuleError(f"{source}: suggestion_categories name categories not in exemptions: {stray}")
    return RuleTable(
        form=str(data["form"]),
        rules=tuple(rules),
        exemptions=exemptions,
        safer_choices=dict(data.get("safer_choices", {})),
        safer_when_added=tuple(data.get("safer_when_added", [])),
        safer_when_removed=tuple(data.get("safer_when_removed", [])),
        exemption_words=dict(data.get("exemption_words", {})),
        threshold_words=tuple(data.get("threshold_words", [])),
        thresholds=dict(data.get("thresholds", {})),
        suggestion_categories=categories,
    )


@cache
def load_rules(name: str = "rules_form3.yaml") -> RuleTable:
    text = resources.files("pia_diff.data").joinpath(name).read_text(encoding="utf-8")
    return parse_rules(text, name)


def load_rules_for(form: str | None) -> RuleTable:
    """The rule table of a form (様式2, 様式3, 様式4); 様式3's when the form is not known."""
    return load_rules(RULE_FILES.get(form or "", "rules_form3.yaml"))
