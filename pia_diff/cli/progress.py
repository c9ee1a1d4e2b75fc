"""A progress bar on stderr for long runs (a folder audit), drawn by rich (typer's own), imported only
when the bar is shown: on a terminal and without --quiet (rich costs ~60 ms to import)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

Advance = Callable[[int, int], None]


class _Stderr:
    """stderr's bytes for rich: the bar's escape sequences pass as they are (sys.stderr shows control
    characters as text, which is right for a document's text but not for our own drawing)."""

    def __init__(self) -> None:
        self.stream: Any = sys.stderr

    def write(self, text: str) -> int:
        self.stream.flush()
        self.stream.buffer.write(text.encode("utf-8", "backslashreplace"))
        self.stream.buffer.flush()
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return bool(self.stream.isatty())

    def fileno(self) -> int:
        return int(self.stream.fileno())


@contextlib.contextmanager
def progress_bar(label: str, shown: bool) -> Iterator[Advance | None]:
    """A callback `advance(done, total)` drawing the bar while the block runs, or None when not shown.
    The bar is redrawn by each call only (no refresh thread: a folder audit forks worker processes)."""
    if not shown or not hasattr(sys.stderr, "buffer"):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(file=_Stderr(), force_terminal=True)  # type: ignore[arg-type]
    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, auto_refresh=False
    ) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)
            bar.refresh()

        yield advance
