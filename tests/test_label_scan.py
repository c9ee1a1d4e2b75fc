"""The scans that replaced a regular expression per label and per checkbox option (issue 20): the same
result as the expressions they replaced, on the form's own labels and options and on text around them."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pia_diff.catalogue import load_catalogue
from pia_diff.ingest.labels import after_label, label_end
from pia_diff.text import compare_key, fold
from pia_diff.values import _after_option

from .helpers import CAT


def reference_end(folded: str, key: str) -> int | None:
    """The regular expression after_label used before the scan: possessive gaps of spaces, ※ and tags."""
    gap = r"(?:\s|※|<[^<>]*>)*+"
    match = re.match(r"^" + gap + gap.join(re.escape(ch) for ch in key) + gap, folded)
    return None if match is None else match.end()


KEYS = sorted({key for node in CAT.nodes() for key in node.keys if key})


def test_the_form_has_labels_to_scan() -> None:
    assert len(KEYS) > 100


@pytest.mark.parametrize(
    ("text", "key", "end"),
    [
        ("①部署\t市民課", "①部署", 4),  # the gap after the label is taken
        ("<p>① 事務の ※名称</p> 国民年金", "①事務の名称", 17),
        ("  ①部署<td  >市民課", "①部署", 11),
        ("①部<b>署", "①部署", 6),  # a tag inside the label
        ("①部<署", "①部署", None),  # an unclosed '<' is text, not a gap
        ("①部<<b>署", "①部署", None),
        ("②部署", "①部署", None),
        ("①部", "①部署", None),  # the text ends inside the label
        ("", "①部署", None),
        ("①部署<", "①部署", 3),  # the gap stops before an unclosed '<'
        ("①部署\u3000\u00a0x", "①部署", 5),  # Unicode spaces are gaps
    ],
)
def test_label_end_by_hand(text: str, key: str, end: int | None) -> None:
    assert label_end(text, key) == end
    assert reference_end(text, key) == end


@settings(max_examples=300, deadline=None)
@given(
    key=st.sampled_from(KEYS),
    pieces=st.lists(st.sampled_from([" ", "\t", "\n", "\u3000", "※", "<", ">", "<td>", "<b >", "x", "市"]), max_size=8),
    cut=st.integers(min_value=0, max_value=40),
    tail=st.text(alphabet=" <>※x市\t", max_size=6),
)
def test_label_end_agrees_with_the_expression(key: str, pieces: list[str], cut: int, tail: str) -> None:
    """Gaps, stray brackets and characters scattered into a real label key, and the key cut short."""
    chars = list(key[: max(1, len(key) - cut % 3)])
    for i, piece in enumerate(pieces):
        chars.insert((i * 7 + cut) % (len(chars) + 1), piece)
    text = "".join(chars) + tail
    assert label_end(text, key) == reference_end(text, key)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=" \t<>※①部署市民課ab\u3000", max_size=30), key=st.sampled_from(["①部署", "a", "部署市"]))
def test_label_end_agrees_on_any_text(text: str, key: str) -> None:
    assert label_end(text, key) == reference_end(text, key)


def test_after_label_on_every_label_of_the_form() -> None:
    """Each of the form's labels, printed with its spaces and a value after it, gives back the value."""
    for node in load_catalogue().nodes():
        for label in (node.label, *node.aliases):
            key = next(k for k in node.keys if k)
            if fold(label).replace(" ", "").replace("※", "") != key:
                continue  # an alias whose key is another of the node's keys
            assert after_label(f"{label}\t値です", key) == "値です", label


def reference_after_option(text: str, option: str) -> str:
    """The regular expression values._after_option used before its scan."""
    folded = fold(text)
    pattern = r"\s*".join(re.escape(ch) for ch in compare_key(option))
    match = re.match(r"\s*" + pattern, folded)
    return folded[match.end() :] if match else ""


OPTIONS = sorted({option for node in CAT.nodes() for option in node.options})


@settings(max_examples=300, deadline=None)
@given(
    option=st.sampled_from([*OPTIONS, "", " "]),
    before=st.text(alphabet=" \u3000\t", max_size=3),
    spaces=st.lists(st.integers(min_value=0, max_value=30), max_size=3),
    tail=st.text(alphabet=" (市民課)x", max_size=6),
)
def test_after_option_agrees_with_the_expression(option: str, before: str, spaces: list[int], tail: str) -> None:
    text = list(option)
    for at in spaces:
        text.insert(at % (len(text) + 1), " ")
    printed = before + "".join(text) + tail
    assert _after_option(printed, option) == reference_after_option(printed, option)


def test_after_option_by_hand() -> None:
    assert _after_option("評価実施機関内の 他部署 (市民課)", "評価実施機関内の他部署") == " (市民課)"
    assert _after_option("  紙 (様式)", "紙") == " (様式)"
    assert _after_option("電子メール", "紙") == ""
