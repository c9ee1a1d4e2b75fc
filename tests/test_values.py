"""Every checkbox and choice spelling the seeds README lists (tests/data/seeds/README.md)."""

from __future__ import annotations

import pytest

from pia_diff.model import CheckboxSet
from pia_diff.values import Certainty, read_checkbox, read_choice

BOXES = ("紙", "電子メール", "その他")


@pytest.mark.parametrize(
    ("raw", "states", "certainty"),
    [
        ("[○] 紙 [] 電子メール [ ] その他", (True, False, False), Certainty.OK),
        ("[ ○ ] 紙 [ ] 電子メール [] その他", (True, False, False), Certainty.OK),
        ("[〇]紙 []電子メール []その他", (True, False, False), Certainty.OK),
        (
            '<input checked="" type="checkbox"/> 紙 <input type="checkbox"/> 電子メール <input type="checkbox"/> その他',
            (True, False, False),
            Certainty.OK,
        ),
        (
            '[<input checked="" type="radio"/> 紙 [<input type="radio"/> 電子メール [<input type="radio"/> その他',
            (True, False, False),
            Certainty.OK,
        ),
        # bare inputs with no checked one anywhere: the extractor lost the state — never guess
        (
            '<input type="checkbox"/> 紙 <input type="checkbox"/> 電子メール [] その他',
            (None, None, False),
            Certainty.UNCERTAIN,
        ),
        (
            '[<input type="checkbox"/>] 紙 [<input type="checkbox"/>] 電子メール [<input type="checkbox"/>] その他',
            (None, None, None),
            Certainty.UNCERTAIN,
        ),
    ],
)
def test_checkbox_spellings(raw: str, states: tuple, certainty: Certainty) -> None:
    reading = read_checkbox(BOXES, raw)
    assert isinstance(reading.value, CheckboxSet)
    assert tuple(reading.value.state(o) for o in BOXES) == states
    assert reading.certainty is certainty


def test_checkbox_details_in_parentheses() -> None:
    reading = read_checkbox(BOXES, "[○] 紙 [ ] 電子メール [○] その他 （既存住民基本台帳システム）")
    assert isinstance(reading.value, CheckboxSet)
    assert reading.value.detail == {"その他": "既存住民基本台帳システム"}


def test_a_checkbox_item_with_no_box_is_missing() -> None:
    assert read_checkbox(BOXES, "別添を参照").certainty is Certainty.MISSING


CHOICES = ("委託する", "委託しない")


@pytest.mark.parametrize(
    ("raw", "value", "certainty"),
    [
        ("[委託する] <選択肢> 1) 委託する 2) 委託しない", "委託する", Certainty.OK),
        ('[<input type="checkbox"/> 委託しない]\t<選択肢> 1) 委託する 2) 委託しない () 件', "委託しない", Certainty.OK),
        ("[ 委託しない", "委託しない", Certainty.OK),  # a PDF dump lost the closing bracket
        (
            "<p>＜選択肢＞</p><table><td>[委託する]</td><td>1) 委託する 2) 委託しない</td></table>",
            "委託する",
            Certainty.OK,
        ),
        ("[] <選択肢> 1) 委託する 2) 委託しない", "", Certainty.OK),  # the form shows nothing chosen
        ("[]<選択肢> 委託しない 1) 委託する 2) 委託しない", "委託しない", Certainty.UNCERTAIN),
        ("[一部委託] <選択肢> 1) 委託する 2) 委託しない", "一部委託", Certainty.UNCERTAIN),
        ("", None, Certainty.MISSING),
    ],
)
def test_choice_spellings(raw: str, value: str | None, certainty: Certainty) -> None:
    reading = read_choice(CHOICES, raw)
    assert (reading.value, reading.certainty) == (value, certainty)
