"""An item's value read by the kind the document prints for it: '[x] <選択肢> 1) … 2) …' is a choice
with those options, boxes ([○] / [ ] / <input>) a checkbox set, anything else text (generic reading)."""

from __future__ import annotations

import re

from pia_diff.catalogue import Kind, Node
from pia_diff.forms import vocabulary
from pia_diff.text import compare_key, fold, html_to_text
from pia_diff.values import CHOICE_LIST as _CHOICE_LIST
from pia_diff.values import MARK as _MARK
from pia_diff.values import Certainty, Reading, has_marker, read_value, unify_markers

_DETAIL = re.compile(r"\s+[(（][^()（）]*[)）]\s*$")
_COUNT_WORD = re.escape(vocabulary().count_word)  # 件
_COUNT = re.compile(r"\s*[(（]\s*[0-9０-９]*\s*[)）]\s*" + _COUNT_WORD + r"\s*$")
# An option runs to the next 「n)」: a tempered run, linear in the listing (no lazy run to a lookahead).
_OPTION = re.compile(r"(?:^|\s)(\d{1,2})\)\s*((?:(?!\s+\d{1,2}\)).)+)")
_EMPTY_PARENS = re.compile(r"\s*[(（]\s*[)）](?!\s*" + _COUNT_WORD + ")")


def infer_node(label: str, raw: str) -> Node:
    """The item's kind and options as the document prints them ('<選択肢> 1) … 2) …', checkboxes)."""
    listing = _CHOICE_LIST.split(html_to_text(raw).replace("\n", " "), maxsplit=1)
    if len(listing) > 1:
        found = {int(m.group(1)): _COUNT.sub("", m.group(2)).strip() for m in _OPTION.finditer(fold(listing[1]))}
        options = tuple(found[k] for k in sorted(found) if found[k])
        if options:
            return Node(label, Kind.CHOICE, False, options=options)
    if has_marker(raw):
        names: list[str] = []
        for piece in _MARK.split(unify_markers(raw))[1:]:
            # what follows the box up to the next heading of the grid ('… ・連絡先等情報')
            text = html_to_text(piece).replace("\n", " ").split(" ・", 1)[0]
            name = _DETAIL.sub("", _COUNT.sub("", _EMPTY_PARENS.sub("", text.strip()))).strip()
            while name.endswith((")", "）")) and name.count("(") + name.count("（") < name.count(")") + name.count(
                "）"
            ):
                name = name[:-1].rstrip()  # a bracket the extract left over ('その他 ())')
            if name and name not in names:
                names.append(name)
        if names:
            return Node(label, Kind.CHECKBOX, False, options=tuple(names))
    return Node(label, Kind.TEXT, False)


_CHOSEN = re.compile(r"^\s*\[([^\[\]]+)\]\s*$")


def read_item(label: str, raw: str) -> Reading:
    if re.fullmatch(r"\s*\[\s*\]\s*", html_to_text(raw)):
        return Reading("", Certainty.OK)  # '[]': a choice with no option chosen (as an exported workbook writes it)
    chosen = _CHOSEN.match(html_to_text(raw))
    if chosen and not has_marker(raw):
        return Reading(chosen.group(1).strip(), Certainty.OK)  # '[十分である]': the option chosen
    reading = read_value(infer_node(label, raw), raw)
    if reading.value is None and compare_key(raw):
        return Reading(html_to_text(raw), Certainty.UNCERTAIN)
    return reading
