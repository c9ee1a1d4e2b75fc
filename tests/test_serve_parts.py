"""The parts of `pia-diff serve` without the web framework: reading a form within limits, the token
store, the judgements written as a decisions file, the redline shown."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pia_diff.compare.classify import DecisionStatus
from pia_diff.compare.decisions import parse_decisions
from pia_diff.compare.excerpt import Piece
from pia_diff.errors import InputError
from pia_diff.pipeline import compare_files
from pia_diff.serve import judgements, pages, uploads
from pia_diff.serve.job import default_exemptions
from pia_diff.serve.store import Store, Work
from pia_diff.serve.uploads import REQUEST_LIMIT, TooLarge, base_name, read_form

from .serve_pages import NEW, OLD

EXEMPTIONS = default_exemptions()
BOUNDARY = "xYz"
HEADERS = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


def _part(name: str, data: bytes, filename: str | None = None) -> bytes:
    file = f'; filename="{filename}"' if filename is not None else ""
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"{file}\r\n\r\n'.encode()
    return head + data + b"\r\n"


def _body(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def _read(chunks: Iterable[bytes], headers: dict[str, str] | None = None) -> tuple[uploads.Form, int]:
    """The form read from the chunks, and how many bytes read_form took from them."""
    taken = 0

    async def stream() -> AsyncIterator[bytes]:
        nonlocal taken
        for chunk in chunks:
            taken += len(chunk)
            yield chunk

    form = asyncio.run(read_form(headers or HEADERS, stream()))
    return form, taken


def test_fields_and_files_are_read_into_memory() -> None:
    body = _body(
        _part("date", "令和5年11月6日".encode()),
        _part("old", b"old bytes", "C:\\Users\\担当\\前の版.pdf"),
        _part("new", b"", ""),  # a file input left empty
        _part("other", b"not kept", "x.bin"),  # a file field the page does not have
    )
    form, _ = _read([body[:7], body[7:100], body[100:]])
    assert form.fields == {"date": "令和5年11月6日"}
    assert form.files == {"old": uploads.Upload("前の版.pdf", b"old bytes")}
    assert not form.too_big


def test_a_file_over_its_limit_is_counted_not_kept() -> None:
    size = uploads.DOCUMENT_MAX_BYTES + 3
    chunk = 1024 * 1024
    head = _part("new", b"", "大きい.txt")[:-2]
    chunks = [head, *([b"a" * chunk] * (size // chunk)), b"a" * (size % chunk), b"\r\n" + _body()]
    form, _ = _read(chunks)
    assert "new" not in form.files
    assert form.too_big == [("大きい.txt", size, uploads.DOCUMENT_MAX_BYTES, "評価書")]
    with pytest.raises(InputError, match=r"ファイルが大きすぎます \(20,971,523 バイト、上限 20,971,520 バイト\)"):
        form.refuse_oversized()


def test_the_request_cap_holds_while_reading() -> None:
    chunk = b"a" * (1024 * 1024)
    endless = (chunk for _ in range(10_000))  # 10 GB if it were read to the end
    with pytest.raises(TooLarge) as caught:
        _read(_iterate_after(_part("new", b"", "x.txt")[:-2], endless))
    assert caught.value.size is None


def _iterate_after(first: bytes, rest: Iterable[bytes]) -> Iterable[bytes]:
    yield first
    yield from rest


def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    chunks = iter([b"never read"])
    with pytest.raises(TooLarge) as caught:
        _read(chunks, {**HEADERS, "content-length": str(REQUEST_LIMIT + 1)})
    assert caught.value.size == REQUEST_LIMIT + 1
    assert next(chunks) == b"never read"


def test_the_cut_while_reading_stops_near_the_cap() -> None:
    chunk = b"a" * (1024 * 1024)
    taken = 0

    def counted() -> Iterable[bytes]:
        nonlocal taken
        yield _part("new", b"", "x.txt")[:-2]
        for _ in range(100):
            taken += len(chunk)
            yield chunk

    with pytest.raises(TooLarge):
        _read(counted())
    assert REQUEST_LIMIT < taken <= REQUEST_LIMIT + len(chunk)


@pytest.mark.parametrize(
    ("headers", "body", "words"),
    [
        ({"content-type": "application/x-www-form-urlencoded"}, b"a=1", "multipart/form-data で送ってください"),
        (HEADERS, b"--xYz\r\nno headers here", "フォームのデータが壊れています"),
        (HEADERS, _body(_part("decisions", b"x" * (uploads.FIELD_LIMIT + 1))), "「decisions」が長すぎます"),
        (HEADERS, _body(*[_part(f"f{i}", b"") for i in range(uploads.MAX_PARTS + 1)]), "フォームの項目が多すぎます"),
    ],
)
def test_a_bad_form_is_an_input_error(headers: dict[str, str], body: bytes, words: str) -> None:
    with pytest.raises(InputError) as caught:
        _read([body], headers)
    assert words in caught.value.problem


@pytest.mark.parametrize(
    ("sent", "shown"),
    [("a/b/c.pdf", "c.pdf"), ("C:\\x\\新.txt", "新.txt"), ("", "(名前のないファイル)"), ("a\x00b\u2028.pdf", "ab.pdf")],
)
def test_base_name(sent: str, shown: str) -> None:
    assert base_name(sent) == shown


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _work(size: int = 10) -> Work:
    from pia_diff.snapshot import Snapshot

    empty = Snapshot(meta={}, fields={}, history=[])
    return Work(empty, empty, "a", "b", None, False, size)


def test_the_store_forgets_after_its_time_and_keeps_what_is_used() -> None:
    clock = _Clock()
    store = Store(ttl=100, clock=clock)
    first, second = store.put(_work()), store.put(_work())
    assert len(first) >= 40 and first != second
    clock.now = 60
    assert store.get(first) is not None  # used: lives another 100 s
    clock.now = 130
    assert store.get(second) is None
    assert store.get(first) is not None
    store.drop(first)
    assert store.get(first) is None and len(store) == 0


def test_the_store_makes_room_least_recently_used_first() -> None:
    store = Store(max_entries=2, max_bytes=25)
    a, b = store.put(_work()), store.put(_work())
    store.get(a)
    c = store.put(_work())
    assert store.get(b) is None and store.get(a) is not None and store.get(c) is not None
    big = store.put(_work(20))  # 10 + 20 > 25: the older one goes
    assert len(store) == 1 and store.get(big) is not None


@pytest.fixture(scope="module")
def rows() -> list[Any]:
    return compare_files(OLD, NEW, dt.date(2023, 11, 6)).rows


def _decided(text: str, rows: list[Any]) -> list[Any]:
    from pia_diff.compare.decisions import Decisions

    decisions: Decisions = parse_decisions(text, "x", EXEMPTIONS)
    return [(d.item, d.fingerprint, d.exemption, d.reason, d.acknowledged) for d in decisions.entries]


def test_a_confirmed_exemption_is_pinned_to_the_change(rows: list[Any]) -> None:
    row = next(r for r in rows if r.重要)
    assert not row.提案  # the analysis suggests no category for this change: the 分析と異なる理由 is needed
    with pytest.raises(judgements.Refused, match="分析と異なる理由"):
        judgements.judge("", row, judgements.Action.CONFIRM, EXEMPTIONS, EXEMPTIONS[0], "誤記を直したため。")
    override = "原本の\n誤記を、担当課が確かめたため。"
    text = judgements.judge(
        "", row, judgements.Action.CONFIRM, EXEMPTIONS, EXEMPTIONS[0], "誤記を\n直したため。", override
    )
    assert _decided(text, rows) == [(row.項目, row.変更の指紋, EXEMPTIONS[0], "誤記を 直したため。", False)]
    assert parse_decisions(text, "x", EXEMPTIONS).entries[0].override == "原本の 誤記を、担当課が確かめたため。"
    with pytest.raises(judgements.Refused, match="区分"):
        judgements.judge("", row, judgements.Action.CONFIRM, EXEMPTIONS, "なんでも", "理由。")
    with pytest.raises(judgements.Refused, match="文字まで"):
        judgements.judge("", row, judgements.Action.CONFIRM, EXEMPTIONS, EXEMPTIONS[0], "長" * 501, "確かめたため。")


def test_decline_acknowledge_and_reset_edit_the_pinned_entry(rows: list[Any]) -> None:
    import dataclasses

    from pia_diff.compare.decisions import Decision

    row = next(r for r in rows if r.重要)
    text = judgements.judge("", row, judgements.Action.DECLINE, EXEMPTIONS)
    entries = judgements.entries(text, EXEMPTIONS)
    assert entries == [{"項目": row.項目, "変更の指紋": row.変更の指紋, "メモ": judgements.DECLINED}]
    # as the comparison would then show the row: its decision applied, pinned to this change
    applied = dataclasses.replace(
        row, decision=Decision(item=row.項目, number=1, fingerprint=row.変更の指紋), 判断の状態=DecisionStatus.APPLIED
    )
    assert judgements.declined(applied, entries)
    text = judgements.judge(text, applied, judgements.Action.ACKNOWLEDGE, EXEMPTIONS)
    assert judgements.entries(text, EXEMPTIONS) == [{**entries[0], "確認済み": True}]
    assert judgements.judge(text, applied, judgements.Action.RESET, EXEMPTIONS) == ""


def test_a_stale_decision_is_left_as_written_and_a_new_one_added(rows: list[Any]) -> None:
    import dataclasses

    from pia_diff.compare.decisions import Decision

    row = next(r for r in rows if r.重要)
    old = f"- 項目: {row.項目}\n  変更の指紋: 00000000-00000000\n  確認済み: true\n"
    stale = dataclasses.replace(
        row,
        decision=Decision(item=row.項目, number=1, fingerprint="00000000-00000000"),
        判断の状態=DecisionStatus.STALE,
    )
    text = judgements.judge(old, stale, judgements.Action.ACKNOWLEDGE, EXEMPTIONS)
    assert [e["変更の指紋"] for e in judgements.entries(text, EXEMPTIONS)] == ["00000000-00000000", row.変更の指紋]


def test_the_page_state_is_checked_like_a_file() -> None:
    with pytest.raises(InputError, match="エイリアス"):
        judgements.entries("- &a {項目: x}\n- *a\n", EXEMPTIONS)
    with pytest.raises(InputError, match="知らないキー"):
        judgements.entries("- 項目: x\n  命令: y\n", EXEMPTIONS)


@settings(max_examples=150, deadline=None)
@given(reason=st.text(min_size=1, max_size=80), item=st.text(min_size=1, max_size=40))
def test_any_reason_and_item_survive_the_file(rows: list[Any], reason: str, item: str) -> None:
    import dataclasses

    row = dataclasses.replace(next(r for r in rows if r.重要), 項目=item)
    try:
        text = judgements.judge("", row, judgements.Action.CONFIRM, EXEMPTIONS, EXEMPTIONS[1], reason, "確かめたため。")
    except judgements.Refused:
        assert not " ".join("".join(c if c.isprintable() else " " for c in reason).split())
        return
    except InputError:
        # an item of no text at all (whitespace) is refused by the file's own rule, as in the CLI
        assert not " ".join(item.split())
        return
    (decided,) = parse_decisions(text, "x", EXEMPTIONS).entries
    assert decided.item == " ".join(item.split())
    assert decided.reason == " ".join("".join(c if c.isprintable() else " " for c in reason).split())
    assert decided.fingerprint == row.変更の指紋


def test_long_unchanged_runs_are_cut_in_the_redline() -> None:
    pieces = (
        Piece("equal", "頭" * 200),
        Piece("delete", "旧"),
        Piece("insert", "新"),
        Piece("equal", "中" * 200),
        Piece("insert", "足"),
        Piece("equal", "尾" * 200),
    )
    shown = pages.redline(pieces)
    assert shown == [
        ("elided", "…（略）…"),
        ("equal", "頭" * pages.KEEP),
        ("delete", "旧"),
        ("insert", "新"),
        ("equal", "中" * pages.KEEP),
        ("elided", "…（略）…"),
        ("equal", "中" * pages.KEEP),
        ("insert", "足"),
        ("equal", "尾" * pages.KEEP),
        ("elided", "…（略）…"),
    ]
    short = (Piece("equal", "短い"), Piece("insert", "文"))
    assert pages.redline(short) == [("equal", "短い"), ("insert", "文")]
