"""Cells a person would paste: the changed sentences of a long text, the changed options of a checkbox set."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Literal, NamedTuple

from pia_diff.forms import vocabulary
from pia_diff.model import CheckboxSet
from pia_diff.text import compare_key

# A value longer than this (characters, either side) is shown as its changed sentences with 「（略）」.
LONG_CELL = 200
# Characters of unchanged text kept on each side of a change when a text has no sentence breaks.
WINDOW = 20
OMITTED = vocabulary().marks.omitted
EMPTY = vocabulary().marks.empty
# A checkbox item whose only differences are states the extractor could not read.
UNKNOWN_OPTIONS = "（選択肢の状態を読み取れません。原本で確認してください）"

# Split after 。 and line breaks; before a bullet ・ that opens a line or follows a space.
# A ・ inside a word (保管・消去) is no sentence break: cutting there would show half a term.
_BREAK = re.compile(r"(?<=[。\n])|(?<=\s)(?=・)")

Op = Literal["equal", "delete", "insert"]


class Piece(NamedTuple):
    """One run of a redline: unchanged, deleted (before only) or inserted (after only) text."""

    op: Op
    text: str


def sentences(text: str) -> list[str]:
    """Text cut into sentences, each keeping its delimiter; joined again they give the text back."""
    out: list[str] = []
    for part in _BREAK.split(text):
        if out and not part.strip():
            out[-1] += part  # the space between 。 and a bullet stays with the sentence before it
        elif part:
            out.append(part)
    return out


def _omit(parts: list[str]) -> list[str]:
    """Collapse runs of 「（略）」 into one."""
    out: list[str] = []
    for part in parts:
        if part == OMITTED and out and out[-1] == OMITTED:
            continue
        out.append(part)
    return out


def _window(before: str, after: str, context: int = WINDOW) -> tuple[list[str], list[str]]:
    """A character window around each change, 「（略）」 for the unchanged text beyond it."""
    a: list[str] = []
    b: list[str] = []
    codes = SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag != "equal":
            a.append(before[i1:i2])
            b.append(after[j1:j2])
            continue
        same = before[i1:i2]
        first, last = index == 0, index == len(codes) - 1
        head = "" if first else same[:context]
        tail = "" if last else same[-context:]
        if len(head) + len(tail) + len(OMITTED) >= len(same):
            kept = [same]
        else:
            kept = [part for part in (head, OMITTED, tail) if part]
        a.extend(kept)
        b.extend(kept)
    return a, b


def excerpt(before: str, after: str, limit: int = LONG_CELL) -> tuple[str, str]:
    """The two cells of a modified text: whole when short, else the changed sentences, aligned.

    Both cells show the same 「（略）」 marks at the same places and the same unchanged anchor
    sentence where a sentence was only added or only removed, so a reader sees one context.
    """
    if max(len(before), len(after)) <= limit or not before or not after:
        return before, after
    old, new = sentences(before), sentences(after)
    # Sentences are matched by the comparison's own key (width, spaces and line breaks aside: a reflowed
    # line or 「（紙）」 written 「(紙)」 is no change, issue 17 §7).
    keys_old, keys_new = [compare_key(s) for s in old], [compare_key(s) for s in new]
    codes = SequenceMatcher(None, keys_old, keys_new, autojunk=False).get_opcodes()
    keep_old = [False] * len(old)
    for tag, i1, i2, _j1, _j2 in codes:
        if tag in ("insert", "delete"):
            # One side is empty here: keep a neighbouring unchanged sentence to show where.
            anchor = i1 - 1 if i1 > 0 else i2
            if 0 <= anchor < len(old):
                keep_old[anchor] = True
    a: list[str] = []
    b: list[str] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                a.append(old[i] if keep_old[i] else OMITTED)
                b.append(new[j] if keep_old[i] else OMITTED)
            continue
        hunk_a, hunk_b = "".join(old[i1:i2]), "".join(new[j1:j2])
        if tag == "replace" and max(len(hunk_a), len(hunk_b)) > limit:
            # A long sentence (or a text without breaks): a character window inside it.
            wa, wb = _window(hunk_a, hunk_b)
            a.extend(wa)
            b.extend(wb)
        else:
            a.append(hunk_a)
            b.append(hunk_b)
    shown_a, shown_b = "".join(_omit(a)), "".join(_omit(b))
    if shown_a == shown_b:
        return before, after  # the texts differ only in spaces around sentences: nothing to point at
    return shown_a, shown_b


def redline(before: str, after: str) -> list[Piece]:
    """Character-level differences of the whole texts, in reading order (deletion before insertion)."""
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("equal", before[i1:i2]))
            continue
        if i2 > i1:
            pieces.append(Piece("delete", before[i1:i2]))
        if j2 > j1:
            pieces.append(Piece("insert", after[j1:j2]))
    return pieces


_MARK = {True: "[○]", False: "[ ]", None: "[?]"}


def _option_text(option: str, state: bool | None, details: dict[str, str]) -> str:
    extra = f" ({details[option]})" if option in details else ""
    return f"{_MARK[state]}{option}{extra}"


def checkbox_cells(before: CheckboxSet, after: CheckboxSet) -> tuple[str, str] | None:
    """The options whose state or その他 text certainly changed, one per line. Where nothing changed
    for certain (states read on one side and lost on the other), the row still needs its 別添2 line,
    so its cells show what can be shown: the readable side's states, and in the other cell, words
    saying its states could not be read ([?] marks a lost state when both sides are read in part).

    Lines keep the same order in both cells, so in a printed table each option's old and new
    state sit side by side; 「、」 would wrap at arbitrary places and lose that alignment.
    None when no option differs although the values do (only states unknown on both sides).
    """
    old_details, new_details = before.detail, after.detail
    old_states, new_states = before.states, after.states
    certain: list[tuple[str, bool | None, bool | None]] = []
    unsure: list[tuple[str, bool | None, bool | None]] = []
    for option in [*new_states, *(o for o in old_states if o not in new_states)]:
        old, new = old_states.get(option), new_states.get(option)
        if (old is not None and new is not None and old is not new) or (
            old_details.get(option) != new_details.get(option)
        ):
            certain.append((option, old, new))
        elif old is not new:
            unsure.append((option, old, new))
    changed = certain or unsure
    if not changed:
        return None
    a = "\n".join(_option_text(option, old, old_details) for option, old, _ in changed)
    b = "\n".join(_option_text(option, new, new_details) for option, _, new in changed)
    if not certain and all(new is None for _, _, new in unsure):
        b = UNKNOWN_OPTIONS
    elif not certain and all(old is None for _, old, _ in unsure):
        a = UNKNOWN_OPTIONS
    return a, b
