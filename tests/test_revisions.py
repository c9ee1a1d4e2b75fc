"""Issue 9 on real revisions: every printed part of a choice counts (「(n) 件」, text beside it)."""

from __future__ import annotations

import datetime as dt

import pytest

from pia_diff.catalogue import load_catalogue
from pia_diff.classify import Options, classify
from pia_diff.diff import diff
from pia_diff.export import export_bytes
from pia_diff.ingest import parse_bytes, parse_text, read_document
from pia_diff.rules import Timing, load_rules
from pia_diff.snapshot import Snapshot
from pia_diff.values import Certainty, choice_option, read_choice

from .conftest import ROOT, seed

CAT = load_catalogue()
ENTRUST = ("委託する", "委託しない")
NEW = ROOT / "samples" / "asahikawa" / "new.txt"
# 003 l.75, as published: 「委託の有無 ※ ⇥ [委託する] <選択肢> 1) 委託する 2) 委託しない (1) 件」
LINE_75 = "委託の有無 ※\t[委託する] <選択肢> 1) 委託する 2) 委託しない (1) 件\t"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("[委託する] <選択肢> 1) 委託する 2) 委託しない (1) 件", "委託する (1) 件"),
        ("[委託する] <選択肢> 1) 委託する 2) 委託しない (１２) 件", "委託する (12) 件"),
        ("[委託しない] <選択肢> 1) 委託する 2) 委託しない () 件", "委託しない"),  # 001 l.127: no count
        ("[委託する] 令和8年4月から <選択肢> 1) 委託する 2) 委託しない (1) 件", "委託する 令和8年4月から (1) 件"),
        ("[実施しない]\t<選択肢> 1) 実施する 2) 実施しない 3) 未定", "実施しない"),
    ],
)
def test_a_choice_keeps_every_printed_part(raw: str, value: str) -> None:
    options = ENTRUST if "委託" in raw else ("実施する", "実施しない", "未定")
    reading = read_choice(options, raw)
    assert reading.value == value
    assert reading.certainty is Certainty.OK
    assert choice_option(reading.value, options) == value.split()[0]


def _asahikawa(line_75: str) -> Snapshot:
    text = NEW.read_text(encoding="utf-8")
    assert LINE_75 in text
    return parse_text(text.replace(LINE_75, line_75), "new.txt")


def test_a_changed_count_is_a_change_filed_before() -> None:
    """「委託する (1) 件」→「委託する (2) 件」: 委託の有無 is ※ (RULES.md §2), so 事前 (§3)."""
    old = _asahikawa(LINE_75)
    new = _asahikawa(LINE_75.replace("(1) 件", "(2) 件"))
    rows = classify(diff(old, new, CAT), CAT, load_rules(), Options(dt.date(2026, 4, 1)))
    assert [(r.item_path[-1], r.変更前の記載, r.変更後の記載, r.提出時期) for r in rows] == [
        ("委託の有無", "委託する (1) 件", "委託する (2) 件", Timing.BEFORE)
    ]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_an_untouched_export_diffs_to_nothing(prefix: str) -> None:
    """Issue 9: export, then diff the document against the untouched workbook: no rows, even
    where the extract lost a checkbox state ([?]) or left a choice unmatched (PDF dumps 000, 002)."""
    source = seed(prefix)
    document = read_document(source)
    unsure = [f for f in document.fields.values() if f.certainty is Certainty.UNCERTAIN and f.value]
    assert unsure  # every sample has uncertain values: the round trip is tested on them too
    book = parse_bytes(export_bytes(document, CAT), "作業用.xlsx")
    assert diff(document, book, CAT) == []
    # a checkbox state the extract lost stays unknown ([?]) in the workbook: never made up
    lost = {p for p, f in document.fields.items() if isinstance(f.value, dict) and None in f.value.values()}
    assert all(isinstance(book.fields[p].value, dict) and book.fields[p].certainty is Certainty.UNCERTAIN for p in lost)
    assert all(book.fields[p].value == document.fields[p].value for p in lost)
