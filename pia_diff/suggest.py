"""Exemption suggestions for ※ changes (RULES.md §4): shown with evidence, never applied."""

from __future__ import annotations

import difflib
import re

from .catalogue import Node
from .diff import Change, ChangeKind
from .rules import RuleTable
from .text import compare_key

_CITATION_CHARS = re.compile(r"[0-9〇一二三四五六七八九十百第条項号別表の、・及び並に]")
_TOKEN_SPLIT = re.compile(r"[\s、。・,，()（）「」『』\[\]]+")
_ORG = re.compile(r".*(課|部|局|室|係|班|センター|支所|出張所|事務所|庁舎|丁目|番地|番|号|階|市|町|村|区)$")


def _typo(before: str, after: str) -> str | None:
    a, b = compare_key(before), compare_key(after)
    if not a or not b:
        return None
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    changed = [(a[i1:i2], b[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]
    size = sum(max(len(x), len(y)) for x, y in changed)
    if size <= 2 and not any(ch.isdigit() for x, y in changed for ch in x + y):
        shown = "、".join(f"「{x}」→「{y}」" for x, y in changed)
        return f"{size}文字だけの修正 ({shown})"
    return None


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


def _organisation(before: str, after: str) -> str | None:
    changed = _tokens_changed(before, after)
    if not changed:
        return None
    if all(x and y and _ORG.match(x) and _ORG.match(y) for x, y in changed):
        shown = "、".join(f"「{x}」→「{y}」" for x, y in changed)
        return f"組織名・所在地だけが変わっている ({shown})"
    return None


def suggestions(change: Change, node: Node | None, table: RuleTable) -> list[str]:
    """'category: evidence' strings for a change to a ※ item; empty when none fits."""
    if node is None or not node.star:
        return []
    out: list[str] = []
    label = node.label
    if change.kind is ChangeKind.REMOVED and change.entity and label in table.safer_when_removed:
        out.append(f"リスクを明らかに軽減させる変更: {label}の削除")
    if change.kind is not ChangeKind.MODIFIED:
        return out
    before, after = change.before_value, change.after_value
    if isinstance(before, str) and isinstance(after, str):
        for move in table.safer_choices.get(label, []):
            if [before, after] == list(move):
                out.append(f"リスクを明らかに軽減させる変更: {before}→{after}")
        checks = (
            ("誤字脱字の修正", _typo),
            ("形式的な変更（法令の条項番号）", _citation),
            ("形式的な変更（組織名・所在地）", _organisation),
        )
        for category, check in checks:
            evidence = check(before, after)
            if evidence:
                out.append(f"{category}: {evidence}")
    if isinstance(before, dict) and isinstance(after, dict) and label in table.safer_when_added:
        added = [o for o, s in after.items() if s is True and before.get(o) is False]
        removed = [o for o, s in after.items() if s is False and before.get(o) is True]
        if added and not removed:
            out.append(f"リスクを明らかに軽減させる変更: {'・'.join(added)}の追加")
    return out
