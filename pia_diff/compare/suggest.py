"""Exemption suggestions for ※ changes (RULES.md §4): shown with evidence, never applied."""

from __future__ import annotations

import difflib
import re
from collections.abc import Set

from pia_diff.catalogue import Node
from pia_diff.model import CheckboxSet, Path
from pia_diff.text import compare_key, fold, html_to_text
from pia_diff.values import choice_option

from .change import Change, ChangeKind
from .facts import marked, node_star
from .rules import RuleTable

_CITATION_CHARS = re.compile(r"[0-9〇一二三四五六七八九十百第条項号別表の、・及び並に]")
_TOKEN_SPLIT = re.compile(r"[\s、。・,，()（）「」『』\[\]]+")
_ORG = re.compile(r".*(課|部|局|室|係|班|署|センター|支所|出張所|事務所|庁舎|丁目|番地|番|号|階|市|町|村|区)$")
# A word that names an organisation or a place by its ending (保険年金課長, 市民部, 3丁目); words of
# two characters are too common to trust (一部, 全部, 各課).
_ORG_WORD = re.compile(
    r".{2,}(課長|部長|局長|室長|係長|所長|館長|署長|センター長|課|部|局|室|係|班|署|センター|支所|出張所|事務所|庁舎|丁目|番地|階)$"
)
_WORD_CHAR = re.compile(r"[0-9０-９\u3005\u30a0-\u30ff\u4e00-\u9fff]")


def _typo(before: str, after: str) -> str | None:
    a, b = compare_key(before), compare_key(after)
    if not a or not b:
        return None
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    changed = [(a[i1:i2], b[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]
    size = sum(max(len(x), len(y)) for x, y in changed)
    if size <= 2 and not any(ch.isdigit() for x, y in changed for ch in x + y):
        shown = "、".join(_edit(x, y) for x, y in changed)
        return f"{size}文字だけの修正 ({shown})"
    return None


def _edit(before: str, after: str) -> str:
    """One changed passage as a person reads it: 「の」を追加, 「の」を削除, 「誤」→「正」."""
    if not before:
        return f"「{after}」を追加"
    if not after:
        return f"「{before}」を削除"
    return f"「{before}」→「{after}」"


def _citation(before: str, after: str) -> str | None:
    a, b = compare_key(before), compare_key(after)
    if a == b or not re.search(r"\d", a + b):
        return None
    if _CITATION_CHARS.sub("", a) == _CITATION_CHARS.sub("", b) and ("条" in a + b or "項" in a + b):
        return "条・項・号などの番号だけが変わっている (番号法改正に伴う項ずれ等)"
    return None


def _tokens_changed(before: str, after: str) -> list[tuple[str, str]]:
    a, b = _TOKEN_SPLIT.split(before.strip()), _TOKEN_SPLIT.split(after.strip())
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [(" ".join(a[i1:i2]), " ".join(b[j1:j2])) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]


def _word_around(text: str, start: int, end: int) -> str:
    """The run of kanji, katakana and digits that holds text[start:end] (Japanese has no spaces)."""
    while start > 0 and _WORD_CHAR.match(text[start - 1]):
        start -= 1
    while end < len(text) and _WORD_CHAR.match(text[end]):
        end += 1
    return text[start:end]


def _words_changed(before: str, after: str) -> list[tuple[str, str]] | None:
    """Each changed span widened to the whole words around it; None when a span is not inside a word."""
    # spaces stay as word boundaries ('市民部保険年金課長 東峰 隆') but a change of spacing is no change
    a, b = (re.sub(r"\s+", " ", fold(html_to_text(t))).strip() for t in (before, after))
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or not (a[i1:i2] + b[j1:j2]).strip():
            continue
        pair = (_word_around(a, i1, i2), _word_around(b, j1, j2))
        if not all(_WORD_CHAR.match(ch) for ch in a[i1:i2] + b[j1:j2]):
            return None  # punctuation, kana or spacing changed with it: more than a name
        if pair not in out:
            out.append(pair)
    return out


def _renamed(before: str, after: str) -> bool:
    """Both words name an organisation or place, and the new one keeps part of the old name besides
    its ending (保険年金課長 → 国保年金課長 keeps 年金). A different office altogether (国民年金課 →
    市民課, custody moved to another department) is not a mere renaming."""
    x, y = _ORG_WORD.fullmatch(before), _ORG_WORD.fullmatch(after)
    if not before or not after or x is None or y is None:
        return False
    stem_a, stem_b = before[: x.start(1)], after[: y.start(1)]
    shared = sum(m.size for m in difflib.SequenceMatcher(None, stem_a, stem_b, autojunk=False).get_matching_blocks())
    return shared >= 2


def _organisation(before: str, after: str) -> str | None:
    changed = _tokens_changed(before, after)
    if not changed:
        return None
    if all(x and y and _ORG.match(x) and _ORG.match(y) for x, y in changed):
        shown = "、".join(f"「{x}」→「{y}」" for x, y in changed)
        return f"組織名・所在地だけが変わっている ({shown})"
    # the changed characters sit inside longer words ('保険年金課長' → '国保年金課長')
    words = _words_changed(before, after)
    if words and all(_renamed(x, y) for x, y in words):
        shown = "、".join(f"「{x}」→「{y}」" for x, y in words)
        return f"組織名・所在地だけが変わっている ({shown})"
    return None


def suggestions(change: Change, node: Node | None, table: RuleTable, stars: Set[Path] | None = None) -> list[str]:
    """'category: evidence' strings for a change to a ※ item; empty when none fits.
    Category names come from the rules file (`RuleTable.suggestion_categories`)."""
    if node is None:
        return []
    # ※ as classify judges it (an entity added or removed: any item inside it)
    star = marked(change.path, stars, change.entity) if stars is not None else node_star(node, change.entity)
    if not star:
        return []
    names = table.suggestion_categories
    risk = names.get("risk")
    out: list[str] = []
    label = node.label
    if risk and change.kind is ChangeKind.REMOVED and change.entity and label in table.safer_when_removed:
        also = "".join(f"（{note}）" for option, note in table.removal_notes.items() if option in change.before)
        out.append(f"{risk}: {label}の削除{also}")
    if change.kind is not ChangeKind.MODIFIED:
        return out
    before, after = change.before_value, change.after_value
    if isinstance(before, str) and isinstance(after, str):
        # a choice compares by its option: 「委託する (1) 件」→「委託しない」 is 委託する→委託しない
        options = node.options or (before, after)
        chosen = [choice_option(before, options) or before, choice_option(after, options) or after]
        for move in table.safer_choices.get(label, []):
            if risk and chosen == list(move):
                out.append(f"{risk}: {chosen[0]}→{chosen[1]}")
        found = {
            key: check(before, after)
            for key, check in (("typo", _typo), ("citation", _citation), ("organisation", _organisation))
            if key in names
        }
        if found.get("organisation"):
            found["typo"] = None  # two characters of an office's new name are a renaming, not a typo
        for key in ("typo", "citation", "organisation"):
            if found.get(key):
                out.append(f"{names[key]}: {found[key]}")
    if risk and isinstance(before, CheckboxSet) and isinstance(after, CheckboxSet) and label in table.safer_when_added:
        added = [o for o, s in after.states.items() if s is True and before.state(o) is False]
        removed = [o for o, s in after.states.items() if s is False and before.state(o) is True]
        if added and not removed:
            out.append(f"{risk}: {'・'.join(added)}の追加")
    return out
