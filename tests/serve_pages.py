"""Reading the pages of `pia-diff serve` back in tests: the rows shown, the hidden state, the messages."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OLD = ROOT / "samples" / "asahikawa" / "old.txt"
NEW = ROOT / "samples" / "asahikawa" / "new.txt"
DATE = "令和5年11月6日"


@dataclass(frozen=True)
class ShownRow:
    number: int
    item: str
    timing: str
    rule: str
    star: bool
    uncertain: bool


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`pia-diff ARGS` in a subprocess (UTF-8 output, not checked)."""
    return subprocess.run(
        [sys.executable, "-m", "pia_diff", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=300,
    )


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def shown_rows(page: str) -> list[ShownRow]:
    """Each <article class="row"> of a result page: its number, 項目 and badges."""
    out = []
    for part in page.split('<article class="row ')[1:]:
        number = int(re.search(r'id="row-(\d+)"', part).group(1))  # type: ignore[union-attr]
        title = re.search(r'<h3 id="row-\d+-title"[^>]*><span class="num">\d+\.</span>(.*?)</h3>', part, re.S)
        timing = re.search(r'<span class="badge timing (?:before|after)">(.*?)</span>', part)
        rule = re.search(r'<span class="badge rule"[^>]*>(.*?)</span>', part)
        assert title and timing and rule, part[:300]
        out.append(
            ShownRow(
                number,
                _text(title.group(1)),
                _text(timing.group(1)),
                _text(rule.group(1)),
                'class="badge star"' in part.split("</header>")[0],
                'class="badge uncertain"' in part.split("</header>")[0],
            )
        )
    return out


def hidden(page: str, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{re.escape(name)}" value="([^"]*)"', page)
    assert found, f"no hidden field {name}"
    return html.unescape(found.group(1))


def alert(page: str) -> str:
    """The message of the page's error box (its heading left out)."""
    found = re.search(r'<div class="alert error"[^>]*>.*?<p>(.*?)</p>', page, re.S)
    assert found, "no error shown"
    return " ".join(_text(found.group(1)).split())


def verdict(page: str) -> str:
    found = re.search(r'<p class="verdict-text">(.*?)</p>', page, re.S)
    assert found
    return _text(found.group(1))


@dataclass
class Server:
    address: str
    process: subprocess.Popen[str]
    log_path: Path

    def log(self) -> str:
        """What the server wrote to stderr so far (its access and error log)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@contextmanager
def running_server(log_dir: Path, *args: str) -> Iterator[Server]:
    """`pia-diff serve --port 0` in a subprocess, its address read from what it prints, its log in
    log_dir; stopped at the end (terminate, then kill)."""
    log_path = log_dir / "serve.log"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "pia_diff", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
        )
    try:
        address = None
        for _ in range(10):
            line = process.stdout.readline() if process.stdout else ""
            found = re.search(r"http://\S+:\d+/", line)
            if found:
                address = found.group(0)
                break
        assert address, f"no address printed: {log_path.read_text(encoding='utf-8')}"
        yield Server(address, process, log_path)
    finally:
        process.terminate()
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
