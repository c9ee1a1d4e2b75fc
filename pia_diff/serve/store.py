"""The documents a page is working on, kept in memory only, under an unguessable token, for a while.

A page keeps its own judgements (the decisions text, the 変更日) in its form; the server keeps only the
two documents it read, so that confirming an exemption need not send them again. Nothing is written to
disk; an entry goes when its page says so, after `TTL` seconds unused, or when room is needed (the
least recently used first). Two users can only share an entry by sharing its token."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from pia_diff.snapshot import Snapshot

TTL = 60 * 60  # seconds an entry lives unused
MAX_ENTRIES = 64
MAX_BYTES = 512 * 1024 * 1024  # the uploads' sizes added up: a bound on the memory the store holds


@dataclass(frozen=True)
class Work:
    """Two documents as read, with what reading them needed."""

    old: Snapshot
    new: Snapshot
    old_name: str
    new_name: str
    form: str | None
    allow_different: bool
    size: int  # bytes uploaded, the measure of what this entry holds
    # The new version's own bytes when it is a workbook: what a download «into» it will need (issue 18 §3).
    new_workbook: bytes | None = None


class Store:
    def __init__(
        self,
        ttl: float = TTL,
        max_entries: int = MAX_ENTRIES,
        max_bytes: int = MAX_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl, self.max_entries, self.max_bytes, self.clock = ttl, max_entries, max_bytes, clock
        self._entries: OrderedDict[str, tuple[float, Work]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, work: Work) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._expire()
            self._entries[token] = (self.clock(), work)
            while len(self._entries) > self.max_entries or (
                len(self._entries) > 1 and sum(w.size for _, w in self._entries.values()) > self.max_bytes
            ):
                self._entries.popitem(last=False)
        return token

    def get(self, token: str) -> Work | None:
        with self._lock:
            self._expire()
            found = self._entries.pop(token, None)
            if found is None:
                return None
            self._entries[token] = (self.clock(), found[1])  # used now: the last to go
            return found[1]

    def drop(self, token: str) -> None:
        with self._lock:
            self._entries.pop(token, None)

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._entries)

    def _expire(self) -> None:
        now = self.clock()
        for token in [t for t, (used, _) in self._entries.items() if now - used > self.ttl]:
            del self._entries[token]
