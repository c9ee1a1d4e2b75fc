"""The 提出時期 rule table: packaged data, validated on load, evaluated in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from pia_diff.forms import load_data, registry


@dataclass(frozen=True)
class Facts:
    """What `RuleTable.decide` tests (the names a rule's `when` may use, rules_form*.yaml)."""

    star: bool  # a ※ item, or an entity or heading taken whole with a ※ item inside
    part: str  # the item's part (Ⅲ リスク対策)
    threshold: bool  # the item names a しきい値判断 input or result
    exempted: bool = False  # a confirmed exemption applies (see exemption_applies)
    effective_later: bool = False  # the decisions file's 施行日 is after the revision date

    @property
    def important(self) -> bool:
        """A 重要な変更 (RULES.md §3): ※, and no confirmed exemption."""
        return self.star and not self.exempted


# The names a rule's `when` may test: the fields of Facts and its properties.
FACTS = frozenset({*Facts.__dataclass_fields__, "important"})


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

    def holds(self, facts: Facts) -> bool:
        return all(getattr(facts, key) == value for key, value in self.when.items())


@dataclass(frozen=True)
class RuleTable:
    form: str
    rules: tuple[Rule, ...]
    exemptions: tuple[str, ...]
    safer_choices: dict[str, list[list[str]]]
    safer_when_added: tuple[str, ...]
    safer_when_removed: tuple[str, ...]
    exemption_words: dict[str, list[str]]
    # compare/suggest.py check → the exemption category it evidences (each one of `exemptions`)
    suggestion_categories: dict[str, str] = field(default_factory=dict)
    # words naming a しきい値判断 input or result (RULES.md §6): the `threshold` fact
    threshold_words: tuple[str, ...] = ()
    # option text → what a removal suggestion adds when the removed entity held it (（再委託を含む）)
    removal_notes: dict[str, str] = field(default_factory=dict)

    def is_threshold(self, path: tuple[str, ...]) -> bool:
        return any(word in segment for segment in path for word in self.threshold_words)

    def decide(self, facts: Facts) -> Rule:
        return next(rule for rule in self.rules if rule.holds(facts))


class RuleError(ValueError):
    pass


def parse_rules(text: str, source: str = "<rules>") -> RuleTable:
    import yaml

    return rules_from(yaml.safe_load(text), source)


def rules_from(data: Any, source: str) -> RuleTable:
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
        removal_notes={str(k): str(v) for k, v in (data.get("removal_notes") or {}).items()},
        suggestion_categories=categories,
    )


@cache
def load_rules(name: str | None = None) -> RuleTable:
    """A packaged rule table by file name; the default form's when none is named."""
    name = name or registry().default.rules_file
    return rules_from(load_data(name), name)


def load_rules_for(form: str | None) -> RuleTable:
    """The rule table of a form (様式2, 様式3, 様式4, from the registry); the default form's when the
    form is not known."""
    known = registry().form(form)
    return load_rules((known or registry().default).rules_file)
