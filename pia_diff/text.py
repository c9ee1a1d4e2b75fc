"""Text normalisation: folding for comparison, HTML debris to readable text, label keys."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Concatenate, ParamSpec, TypeVar

# Circled numbers carry the form's item numbering (①…⑳); NFKC would turn them into plain digits.
_CIRCLED = {chr(c) for c in range(0x2460, 0x2474)}
# Only real HTML tags: "<選択肢>" and "<ガバメントクラウドにおける措置>" are text.
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
# [^<>]: a tag never spans another "<", so an unclosed one costs one scan to the next "<" (linear).
_BLOCK_TAG = re.compile(r"</?(?:p|li|br|tr|ol|ul|div|table)\b[^<>]*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_ALL_SPACE = re.compile(r"\s+")


_CIRCLED_SPLIT = re.compile("([" + "".join(sorted(_CIRCLED)) + "])")


def fold(text: str) -> str:
    """NFKC, but keep circled numbers (they are part of item labels)."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text  # circled numbers are not NFKC-normal: a normal text holds none
    pieces = _CIRCLED_SPLIT.split(text)
    # odd pieces are the circled numbers themselves
    return "".join(p if i % 2 else unicodedata.normalize("NFKC", p) for i, p in enumerate(pieces))


def html_to_text(raw: str) -> str:
    """Strip HTML fragments to text; block tags become line breaks so lists stay readable."""
    text = _BLOCK_TAG.sub("\n", raw)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def cached_when_short(
    limit: int, maxsize: int
) -> Callable[[Callable[Concatenate[str, _P], _R]], Callable[Concatenate[str, _P], _R]]:
    """Cache a function of a text (first argument) for texts up to `limit` characters: documents
    repeat their labels, options and short rows, while caching long cells would hold on to a copy
    of the whole document."""

    def decorate(function: Callable[Concatenate[str, _P], _R]) -> Callable[Concatenate[str, _P], _R]:
        cached = lru_cache(maxsize=maxsize)(function)

        def call(text: str, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
            if len(text) > limit:
                return function(text, *args, **kwargs)
            return cached(text, *args, **kwargs)  # type: ignore[arg-type]  # kwargs are hashable here

        call.__doc__ = function.__doc__
        return call

    return decorate


@cached_when_short(limit=2000, maxsize=16384)
def compare_key(text: str) -> str:
    """The key two values are compared by: width, whitespace and line wrapping do not count.

    Cached: the parser and the value readers ask for the same labels and options many times."""
    if "<" not in text and "&" not in text:
        # no markup: html_to_text would only collapse whitespace, which goes anyway
        return "".join(fold(text).split())
    return _ALL_SPACE.sub("", fold(html_to_text(text)))


def label_key(text: str) -> str:
    """The key a label is matched by: folded, no spaces, no ※, no trailing colon."""
    key = compare_key(text).replace("※", "")
    return key.rstrip(":")


def display_width(text: str) -> int:
    """Width on screen or in a spreadsheet column: East Asian wide characters count twice,
    combining marks (the dakuten of decomposed kana) count nothing (wcwidth)."""
    if text.isascii():
        return len(text)  # control characters (tab, line feed) count one column, as below
    return sum(_char_width(ch) for ch in text)


@lru_cache(maxsize=4096)
def _char_width(ch: str) -> int:
    """One character's width: plain ASCII and wide letters (kanji, kana, full-width forms) without
    asking wcwidth, whose tables take 15 ms to load (the CLI's help needs none); the rest by wcwidth."""
    if ch.isascii() or not ch.isprintable():
        return 1  # wcwidth is -1 for control characters: count them as one column
    wide = unicodedata.east_asian_width(ch) in ("W", "F")
    if wide and unicodedata.category(ch) not in ("Mn", "Mc", "Me", "Cf") and not "\u3130" <= ch <= "\u318f":
        return 2  # (marks, format characters and the Hangul filler are wcwidth's own business)
    from wcwidth import wcwidth

    return max(wcwidth(ch), 0)
