"""Reading a PDF's pages in a child process (`pdfium.py`) under a clock and a memory limit: a page
that stalls or kills the child is reported by number and the child is started again after it.

The parent keeps the clock (a page may take PAGE_SECONDS, the document MAX_SECONDS in all) with a
reader thread and a queue, which works the same on Windows; the child caps its own memory (an
address-space limit on POSIX, a job object on Windows) before it reads the file.
"""

from __future__ import annotations

import json
import marshal
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pia_diff.errors import InputError

from .pdfcells import UNMAPPED, Char
from .pdfgrid import Box

_SCRIPT = Path(__file__).resolve().with_name("pdfium.py")
# a page's message is at most a few MB (30,000 characters); anything longer is not from our child
_MAX_MESSAGE = 64 * 1024 * 1024
# the child's start (the interpreter and pdfium) and opening the document, before the first page
_START_SECONDS = 15.0


@dataclass(frozen=True)
class ReadLimits:
    """The budgets the child keeps (see pdfium.py) and the clocks the parent keeps."""

    pages: int
    failed_pages: int  # pages that stopped a child (time, memory, crash) before the rest is given up
    objects: int  # page objects in the whole document, those inside form XObjects included
    page_objects: int
    form_depth: int
    page_segments: int
    page_chars: int
    chars: int  # characters in the whole document
    memory: int  # bytes
    page_seconds: float
    seconds: float

    def for_child(self, spent: dict[str, int]) -> str:
        """The child's budgets, less what the children before it spent on earlier pages."""
        keys = ("pages", "objects", "page_objects", "form_depth", "page_segments", "page_chars", "chars", "memory")
        limits: dict[str, Any] = {key: getattr(self, key) for key in keys}
        limits.update(spent=spent, unmapped=UNMAPPED)
        return json.dumps(limits)


@dataclass(frozen=True)
class PageContent:
    """One page as the child read it, in reading coordinates (see pdfium.Frame)."""

    number: int  # from 1
    width: float
    height: float
    chars: list[Char]
    edges: list[Box]


@dataclass(frozen=True)
class Skipped:
    """Pages that were not read (number to last, from 1), and why (Japanese, for the reading's report)."""

    number: int
    last: int
    reason: str


def pages(data: bytes, name: str, limits: ReadLimits) -> Iterator[PageContent | Skipped]:
    """Every page of the document in order, read or skipped; InputError when the document cannot
    be opened or is over a budget of the whole document."""
    started = time.monotonic()
    first = 0  # the next page to read, from 0
    total: int | None = None
    spent = {"chars": 0, "objects": 0}
    failed = 0
    while total is None or first < total:
        left = limits.seconds - (time.monotonic() - started)
        if left <= 0:
            yield Skipped(first + 1, total or first + 1, reason("seconds", 0, limits.seconds))
            return
        if failed >= limits.failed_pages and total is not None:
            yield Skipped(first + 1, total, reason("failed", 0, limits.failed_pages))
            return
        child = _Child(data, limits.for_child(spent), first)
        try:
            total = _opened(child, name, limits, min(_START_SECONDS, left))
            while first < total:
                left = limits.seconds - (time.monotonic() - started)
                wait = max(0.0, min(limits.page_seconds, left))
                message = child.message(wait)
                if message is None:
                    if child.timed_out and wait < limits.page_seconds:
                        yield Skipped(first + 1, total, reason("seconds", 0, limits.seconds))
                        return
                    why = child.failure()
                    limit = limits.page_seconds if why == "time" else limits.memory // 2**20
                    yield Skipped(first + 1, first + 1, reason(why, 0, limit))
                    first += 1
                    failed += 1
                    break  # a new child goes on after the page that stopped this one
                if "done" in message:
                    return
                if "stop" in message:
                    raise InputError(name, _stopped(message, first + 1))
                first = int(message["page"]) + 1
                spent = {key: int(value) for key, value in message["spent"].items()}
                if "over" in message:
                    yield Skipped(first, first, reason(message["over"], message["count"], message["limit"]))
                else:
                    yield _content(message)
        finally:
            child.close()


def _opened(child: _Child, name: str, limits: ReadLimits, seconds: float) -> int:
    """The number of pages, once the child has opened the document."""
    head = child.message(seconds)
    if head is None:
        raise InputError(name, _opening_failed(child))
    if "refused" in head:
        raise InputError(name, _REFUSED[head["refused"]])
    total = int(head["pages"])
    if total > limits.pages:
        raise InputError(
            name,
            f"PDF のページが多すぎます ({total} ページ、上限 {limits.pages})。評価書だけの PDF を指定してください。",
        )
    return total


def _content(message: dict[str, Any]) -> PageContent:
    width, height = (float(v) for v in message["size"])
    # made as tuples straight from the child's lists (text, x0, x1, top, bottom, size): a page has thousands
    chars = [tuple.__new__(Char, row) for row in message["chars"]]
    edges = [(float(a), float(b), float(c), float(d)) for a, b, c, d in message["edges"]]
    return PageContent(int(message["page"]) + 1, width, height, chars, edges)


_REFUSED = {
    "password": "パスワードで保護 (暗号化) された PDF です。保護を解除した PDF を指定してください。",
    "security": "この PDF の保護 (暗号化) の方式には対応していません。保護を解除した PDF を指定してください。",
    "damaged": "PDF として読めません。ファイルが壊れているか、PDF の形式になっていません。",
}
_OVER = {
    "objects": "描画要素が多すぎます ({count} 個、上限 {limit} 個)",
    "form_depth": "フォーム XObject の入れ子が深すぎます ({count} 段、上限 {limit} 段)",
    "segments": "図形の線分が多すぎます ({count} 本、上限 {limit} 本)",
    "chars": "文字が多すぎます ({count} 文字、上限 {limit} 文字)",
    "rules": "図形が多すぎます (罫線 {count} 本、上限 {limit} 本)",
    "crossings": "罫線の交点が多すぎます (候補 {count} 個、上限 {limit} 個)",
    "checks": "罫線から表のセルを探す手間が上限 ({limit} 回) を超えます",
    "placing": "文字をセルに置く手間が上限 ({limit} 回) を超えます (細かいセルが多すぎます)",
    "damaged": "ページが壊れています",
    "time": "時間がかかりすぎます (1 ページ {limit} 秒まで)",
    "seconds": "時間がかかりすぎるため中止しました (文書全体で {limit} 秒まで)",
    "failed": "読み取りを打ち切りました (読み取りを止めたページが {limit} つあったため)",
    "memory": "メモリの上限 ({limit} MB) を超えたか、読み取りが異常終了しました (展開すると巨大になる描画命令 (圧縮爆弾) などの細工か、破損の疑い)",
}


def reason(what: str, count: int, limit: float) -> str:
    """Why a page was not read, in Japanese: what (a budget's name) came to count, over limit."""
    return _OVER[what].format(count=count, limit=f"{limit:g}")


def _stopped(message: dict[str, Any], page: int) -> str:
    what, unit = {"chars": ("文字", "文字"), "objects": ("描画要素", "個")}[message["stop"]]
    return (
        f"PDF の{what}が多すぎます ({page} ページまでで {message['count']} {unit}、"
        f"文書全体の上限 {message['limit']} {unit})。評価書の PDF ではないか、細工されたファイルです。"
    )


def _opening_failed(child: _Child) -> str:
    """Why the child gave no answer on opening the document (a bug of ours is raised, see failure)."""
    if child.failure() == "time":
        return f"PDF を開くのに時間がかかりすぎるため中止しました ({_START_SECONDS:.0f} 秒)。ファイルが壊れている可能性があります。"
    return "PDF を開けませんでした (読み取り処理が異常終了しました)。ファイルが壊れている可能性があります。"


class _Child:
    """One run of pdfium.py: its messages through a queue, so that waiting for one has a timeout."""

    def __init__(self, data: bytes, limits: str, first: int) -> None:
        # -P: the script's folder is not put on sys.path (its modules' names would shadow others)
        command = [sys.executable, "-P", str(_SCRIPT), limits, str(first)]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.errors: list[bytes] = []
        self.timed_out = False
        threading.Thread(target=self._read, daemon=True).start()
        self.drain = threading.Thread(target=self._drain, daemon=True)
        self.drain.start()
        if self.process.stdin is None:  # a child started with pipes has them
            raise RuntimeError("pdfium child without its pipes")
        try:
            self.process.stdin.write(data)
            self.process.stdin.close()
        except OSError:
            pass  # the child ended before reading it all: its exit status says why

    def _read(self) -> None:
        stream = self.process.stdout
        if stream is None:  # a child started with pipes has them
            raise RuntimeError("pdfium child without its pipes")
        try:
            while len(head := stream.read(4)) == 4:
                size = int.from_bytes(head, "little")
                frame = stream.read(size) if size <= _MAX_MESSAGE else b""
                if len(frame) != size or not frame:
                    break  # cut short (the child was stopped) or not from our child
                message = marshal.loads(frame)
                if not isinstance(message, dict):
                    break
                self.messages.put(message)
        finally:
            self.messages.put(None)

    def _drain(self) -> None:
        if self.process.stderr is None:  # a child started with pipes has them
            raise RuntimeError("pdfium child without its pipes")
        for chunk in iter(lambda: self.process.stderr.read(65536), b""):  # type: ignore[union-attr]
            if sum(map(len, self.errors)) < 1024 * 1024:
                self.errors.append(chunk)

    def message(self, seconds: float) -> dict[str, Any] | None:
        """The child's next message; None when it ended or did not answer within seconds."""
        try:
            return self.messages.get(timeout=seconds)
        except queue.Empty:
            self.timed_out = True
            self.close()
            return None

    def failure(self) -> str:
        """Why the child ended without finishing: a time-out, a memory limit or a crash ("memory"),
        or a bug of ours, which is raised (it is not the file's fault)."""
        if self.timed_out:
            return "time"
        status = self.process.wait()
        self.drain.join(timeout=5)
        error = b"".join(self.errors).decode("utf-8", "replace")
        if "Traceback" in error and "MemoryError" not in error:
            raise RuntimeError(f"the PDF reader's child process failed (status {status}):\n{error}")
        return "memory"

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
