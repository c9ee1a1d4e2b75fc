"""Text normalisation: folding for comparison, HTML debris to readable text, label keys."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from .controls import visible

# Circled numbers carry the form's item numbering (①…⑳); NFKC would turn them into plain digits.
_CIRCLED = {chr(c) for c in range(0x2460, 0x2474)}
# Only real HTML markup is markup: an element HTML names, then attributes as HTML writes them, then
# ">" or "/>". "<選択肢>", "<ガバメントクラウドにおける措置>", a note "<Note: 外国人住民を含む>" and an
# e-mail address "<name@city.example.jp>" are text.
_HTML_ELEMENTS = tuple(
    """
    a abbr address area article aside b bdi bdo big blockquote body br button caption center cite code
    col colgroup dd del details dfn div dl dt em fieldset figcaption figure font footer form h1 h2 h3
    h4 h5 h6 head header hr html i img input ins kbd label legend li link main mark meta nav nobr ol
    optgroup option p pre q rp rt ruby s samp section select small span strike strong style sub summary
    sup table tbody td textarea tfoot th thead tr tt u ul var wbr
    """.split()  # noqa: SIM905 (a list of words reads better as words)
)
_BLOCK_ELEMENTS = ("p", "li", "br", "tr", "ol", "ul", "div", "table")
# An attribute: name, then optionally = and a quoted or bare value. No part may hold "<" or ">", so an
# unclosed tag costs one scan to the next "<" (linear).
_ATTRIBUTES = r"""(?:\s+[A-Za-z_:][-A-Za-z0-9_:.]*(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>=`]+))?)*\s*/?>"""


def _tag_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    # longest names first, and a name must end where the element's name ends ("<b" is not "<br")
    alternatives = "|".join(sorted(names, key=len, reverse=True))
    return re.compile(rf"</?(?:{alternatives})(?![-A-Za-z0-9_:.]){_ATTRIBUTES}", re.IGNORECASE)


_TAG = _tag_pattern(_HTML_ELEMENTS)
_BLOCK_TAG = _tag_pattern(_BLOCK_ELEMENTS)
# Control characters that str.split() counts as whitespace but that lay nothing out in a 評価書: the
# vertical tab, the information separators, NEL. (Form feed is a page or sheet break: whitespace.)
_SPLIT_CONTROLS = re.compile("[\x0b\x1c-\x1f\x85]")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_ALL_SPACE = re.compile(r"\s+")


_CIRCLED_SPLIT = re.compile("([" + "".join(sorted(_CIRCLED)) + "])")


# Characters that Shift_JIS (CP932) and Unicode map differently: a document saved in Shift_JIS and read
# back has the code page's character where the original had the other one. After NFKC each pair is one
# character: the dash U+2015 (CP932's 0x815C) and U+2014, the wave dash U+301C and U+FF5E (NFKC: "~"),
# the double bar U+2225 (CP932's 0x8161) and U+2016, the minus sign U+2212 and U+FF0D (NFKC: "-").
# (￠￡￢ U+FFE0-U+FFE2 and ¢£¬ are one already under NFKC.)
_CODE_PAGE = str.maketrans({"\u2015": "\u2014", "\u301c": "~", "\u2225": "\u2016", "\u2212": "-"})
_CODE_PAGE_CHARS = re.compile("[\u2015\u301c\u2225\u2212]")


def fold(text: str) -> str:
    """NFKC, but keep circled numbers (they are part of item labels); the characters Shift_JIS and
    Unicode map differently are one character."""
    if text.isascii():
        return text
    if not unicodedata.is_normalized("NFKC", text):  # circled numbers are not NFKC-normal
        pieces = _CIRCLED_SPLIT.split(text)
        # odd pieces are the circled numbers themselves
        text = "".join(p if i % 2 else unicodedata.normalize("NFKC", p) for i, p in enumerate(pieces))
    if _CODE_PAGE_CHARS.search(text) is None:
        return text
    return text.translate(_CODE_PAGE)


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
    of the whole document. The cached function is called with positional arguments only."""

    def decorate(function: Callable[Concatenate[str, _P], _R]) -> Callable[Concatenate[str, _P], _R]:
        cached = lru_cache(maxsize=maxsize)(function)

        def call(text: str, /, *args: Any) -> _R:  # positional arguments only: packing none is cheaper
            if len(text) > limit:
                return function(text, *args)  # type: ignore[call-arg]
            return cached(text, *args)

        call.__doc__ = function.__doc__
        return cast(Callable[Concatenate[str, _P], _R], call)

    return decorate


_V = TypeVar("_V")


def remember(cache: dict[str, _V], text: str, value: _V, longest: int, held: int) -> _V:
    """Keep `value` as the answer for `text` unless the text is longer than `longest` (documents repeat
    their labels and short rows; a copy of a long cell would hold on to the document); a cache that
    holds `held` answers is emptied first. A plain dict asked before the work costs less than a cache
    wrapped around the function, and the walk asks for every line and cell."""
    if len(text) <= longest:
        if len(cache) >= held:
            cache.clear()
        cache[text] = value
    return value


_COMPARE_KEYS: dict[str, str] = {}


def compare_key(text: str) -> str:
    """The key two values are compared by: width, whitespace and line wrapping do not count.

    Cached: the parser and the value readers ask for the same labels and options many times."""
    known = _COMPARE_KEYS.get(text)
    if known is None:
        known = remember(_COMPARE_KEYS, text, _compare_key(text), 2000, 16384)
    return known


def _compare_key(text: str) -> str:
    if _SPLIT_CONTROLS.search(text) is not None:  # shown, so that they count: split() would drop them
        text = _SPLIT_CONTROLS.sub(lambda found: visible(found.group()), text)
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
