"""Reading one item's raw cell text as a value of its kind (text, choice, checkbox set)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .catalogue import Kind, Node
from .forms import vocabulary
from .model import Certainty, CheckboxSet, Choice, Value, render
from .text import compare_key, fold, html_to_text

__all__ = ["Certainty", "CheckboxSet", "Choice", "Reading", "Value", "render"]


@dataclass(frozen=True)
class Reading:
    value: Value
    certainty: Certainty


_WORDS = vocabulary()
_LIST = re.escape(_WORDS.option_list)  # 選択肢: a choice's printed option list begins <選択肢>
_COUNT_WORD = re.escape(_WORDS.count_word)  # 件: 「委託する (4) 件」
# Marker sentinels, after the many checkbox spellings are unified.
CHECKED, BARE, UNCHECKED = "\x01", "\x02", "\x03"
_MARKERS = (
    # A tag ends at the next "<" as well as ">": an unclosed "<input" then scans no further (linear).
    (re.compile(r"<input\b[^<>]*\bchecked\b[^<>]*>", re.I), CHECKED),
    (re.compile(r"<input\b[^<>]*>", re.I), BARE),
    (re.compile(r"\[\s*[" + re.escape(_WORDS.checked_marks) + r"]\s*\]"), CHECKED),
    (re.compile(r"\[\s*\]"), UNCHECKED),
    # what render() writes for a state the reader could not see: stays unknown when read back
    (re.compile(r"\[\s*[?？]\s*\]"), BARE),
    # PDF dumps break "[ ○ ]" around the mark; a lone "[ ○" still says checked.
    (re.compile(r"\[\s*[" + re.escape(_WORDS.checked_marks[:3]) + "]"), CHECKED),
)
_STRAY_BRACKET = re.compile(r"\[\s*([\x01\x02\x03])\s*\]?|([\x01\x02\x03])\s*\]")
# The marker sentinels and the 「<選択肢>」 heading, shared with the generic reader (ingest/printed.py, ingest/generic.py)
MARK = _MARK = re.compile(r"[\x01\x02\x03]")
_CHECKED_ATTR = re.compile(r"<input\b[^<>]*\bchecked\b", re.I)
CHOICE_LIST = _CHOICE_LIST = re.compile(r"[<＜]\s*" + _LIST + r"\s*[>＞]")
_BRACKET = re.compile(r"\[([^\[\]]*)(?:\]|$)")
_DETAIL = re.compile(r"^\s*[(（]([^()（）]*)[)）]")
# "[] <選択肢> 1) …" or "[]": the form shows no option chosen
_NONE_CHOSEN = re.compile(r"^\s*\[\s*\]\s*(?:[<＜]\s*" + _LIST + r"\s*[>＞]\s*(?:1\)|$)|$)")


def unify_markers(raw: str) -> str:
    text = raw
    for pattern, mark in _MARKERS:
        text = pattern.sub(mark, text)
    return _STRAY_BRACKET.sub(lambda m: m.group(1) or m.group(2), text)


def has_marker(raw: str) -> bool:
    return bool(_MARK.search(unify_markers(raw)))


def read_value(node: Node, raw: str) -> Reading:
    if node.kind is Kind.CHOICE:
        return read_choice(node.options, raw)
    if node.kind is Kind.CHECKBOX:
        return read_checkbox(node.options, raw)
    text = html_to_text(raw)
    return Reading(text, Certainty.OK)


def _match_option(options: tuple[str, ...], text: str) -> str | None:
    key = compare_key(text)
    if not key:
        return None
    exact = [o for o in options if compare_key(o) == key]
    if exact:
        return exact[0]
    # longest option that the text starts with ("委託する (1) 件" → 委託する)
    starts = sorted((o for o in options if key.startswith(compare_key(o))), key=len, reverse=True)
    return starts[0] if starts else None


# The count the form prints after some choices: 「委託する (4) 件」, 「() 件」 when none.
_COUNT = re.compile(r"[(（]\s*+([0-9０-９]++)\s*+[)）]\s*+" + _COUNT_WORD)


def read_choice(options: tuple[str, ...], raw: str) -> Reading:
    """The chosen option, with every other printed part of the value kept after it: the count
    (「委託する (4) 件」) and free text written beside the bracket (「[委託する] 令和8年4月から」)."""
    reading = _read_option(options, raw)
    if not isinstance(reading.value, str):
        return reading
    if reading.value not in options:
        return Reading(Choice(reading.value, None), reading.certainty)
    extras = []
    beside = _beside(raw, options)
    if beside:
        extras.append(beside)
    count = _COUNT.search(fold(html_to_text(raw)))
    if count:
        extras.append(f"({count.group(1)}) {_COUNT_WORD}")
    return Reading(Choice(" ".join([reading.value, *extras]), reading.value), reading.certainty)


def _beside(raw: str, options: tuple[str, ...]) -> str:
    """Text outside the choice's bracket, its printed option list and count aside."""
    text = html_to_text(_MARK.sub(" ", unify_markers(raw)).replace(f"<{_LIST}>", f"＜{_LIST}＞"))
    head = _CHOICE_LIST.split(text, maxsplit=1)[0]
    if not _BRACKET.search(head) or not _BRACKET.search(head).group(1).strip():  # type: ignore[union-attr]
        return ""  # no filled bracket: what stands there is the value itself, read by _read_option
    outside = _BRACKET.sub(" ", head)
    outside = _COUNT.sub(" ", fold(outside))
    outside = re.sub(r"[(（]\s*[)）]\s*" + _COUNT_WORD + r"|\b\d{1,2}\)|[\[\]]", " ", outside)
    for option in sorted(options, key=len, reverse=True):
        outside = outside.replace(fold(option), " ")
    return " ".join(outside.split())


def choice_option(value: object, options: tuple[str, ...]) -> str | None:
    """The option a choice value starts with ('委託する (4) 件' → '委託する')."""
    if isinstance(value, Choice) and value.option in options:
        return value.option
    if not isinstance(value, str):
        return None
    return _match_option(options, value)


def _read_option(options: tuple[str, ...], raw: str) -> Reading:
    """'[実施しない] <選択肢> 1) …' → 実施しない. The bracket holds the choice; never guess beyond it."""
    if _NONE_CHOSEN.match(html_to_text(raw)):
        return Reading("", Certainty.OK)  # "[] <選択肢> …": the form shows no option chosen
    text = _MARK.sub(" ", unify_markers(raw))
    head = _CHOICE_LIST.split(html_to_text(text.replace(f"<{_LIST}>", f"＜{_LIST}＞")), maxsplit=1)
    before_list = head[0]
    for match in _BRACKET.finditer(before_list):
        inner = match.group(1).strip()
        if inner:
            option = _match_option(options, inner)
            if option is not None:
                return Reading(option, Certainty.OK)
            return Reading(html_to_text(inner), Certainty.UNCERTAIN)
    # No filled bracket: the chosen value may stand alone before the option list.
    loose = _BRACKET.sub(" ", before_list).strip()
    if loose:
        option = _match_option(options, loose)
        if option is not None:
            return Reading(option, Certainty.OK)
    filled = {_match_option(options, m.group(1)) for m in _BRACKET.finditer(html_to_text(text)) if m.group(1).strip()}
    if len(filled) == 1 and None not in filled:
        # "<p>＜選択肢＞</p> <table>…[10万人以上30万人未満]…": the one filled bracket, after the list heading.
        return Reading(filled.pop(), Certainty.OK)
    if len(head) > 1:
        # "[]<選択肢> 50人以上100人未満 1) …": a value outside the bracket — the extractor lost its place.
        after = re.split(r"\s1\)", " " + head[1], maxsplit=1)[0].strip()
        option = _match_option(options, after)
        if option is not None:
            return Reading(option, Certainty.UNCERTAIN)
    if not compare_key(before_list):
        return Reading(None, Certainty.MISSING)
    return Reading(html_to_text(before_list), Certainty.UNCERTAIN)


def _after_option(text: str, option: str) -> str:
    """What follows an option's label in the text ('評価実施機関内の他部署 (市民課)' → ' (市民課)')."""
    folded = fold(text)
    key = compare_key(option)
    if not key:
        return folded.lstrip()
    # a scan, not a regular expression per option: spaces may stand before and inside the label
    at, end = 0, len(folded)
    for ch in key:
        while at < end and folded[at].isspace():
            at += 1
        if at == end or folded[at] != ch:
            return ""
        at += 1
    return folded[at:]


def read_checkbox(options: tuple[str, ...], raw: str) -> Reading:
    """A checkbox set: each option checked (True), unchecked (False) or unknown (None)."""
    text = unify_markers(raw)
    text = _CHOICE_LIST.split(text, maxsplit=1)[0]
    states: dict[str, bool | None] = {}
    details: dict[str, str] = {}
    any_checked_input = bool(_CHECKED_ATTR.search(raw))
    pieces = _MARK.split(text)
    marks = _MARK.findall(text)
    for mark, piece in zip(marks, pieces[1:], strict=True):
        plain = html_to_text(piece).replace("\n", " ").strip()
        option = _match_option(options, plain)
        if option is None or option in states:
            continue
        if mark == CHECKED:
            states[option] = True
        elif mark == UNCHECKED:
            states[option] = False
        else:
            # A bare <input/>: unchecked when the same item shows its checked ones, else unknown.
            states[option] = False if any_checked_input else None
        detail = _DETAIL.match(_after_option(plain, option))
        if detail and detail.group(1).strip():
            details[option] = detail.group(1).strip()
    if not states:
        return Reading(None, Certainty.MISSING)
    value = CheckboxSet.of({option: states.get(option) for option in options}, details)
    return Reading(value, Certainty.OK if value.certain else Certainty.UNCERTAIN)


def same_reading(a: Value, b: Value) -> bool:
    """Two readings of one item that say the same (width, spaces and markup aside)."""
    return compare_key(render(a)) == compare_key(render(b))
