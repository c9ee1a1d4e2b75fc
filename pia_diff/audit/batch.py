"""Audit every document in a folder, in parallel; one unreadable document does not stop the rest.

The audits come one at a time, in the folder's order, as they are finished (`audits`): the caller
writes each at once (`folder_json_chunks` for JSON) and keeps only the running totals (`FolderTotals`),
so memory does not grow with the number of documents."""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pia_diff.errors import InputError

from .findings import Verdict

# Verdicts that are no disagreement between the published 提出時期 and the rules
_AGREEING = (Verdict.CONSISTENT, Verdict.UNRESOLVED)
# Documents handed to each worker ahead of the one being written: enough to keep it busy, few enough
# that the results waiting for an earlier, slower document stay a handful.
AHEAD_PER_WORKER = 4


@dataclass(frozen=True)
class DocumentAudit:
    file: str
    result: dict[str, Any] | None  # the audit JSON, or None when the document could not be read
    error: str | None = None
    seconds: float = 0.0  # what auditing it took, in its worker (reading included)

    @property
    def counts(self) -> dict[str, int]:
        if self.result is None:
            return {"行": 0, "不整合": 0, "特定不能": 0, "要対応": 0, "警告": 0}
        rows, findings = self.result["rows"], self.result["findings"]
        return {
            "行": len(rows),
            "不整合": sum(r["verdict"] not in _AGREEING for r in rows),
            "特定不能": sum(r["item_path"] is None for r in rows),
            "要対応": sum(f["level"] == "error" for f in findings),
            "警告": sum(f["level"] == "warning" for f in findings),
        }


def audit_file(path: str) -> DocumentAudit:
    """One document (runs in a worker process): never raises for a bad document."""
    from pia_diff.compare.docform import for_audit, form_context
    from pia_diff.ingest.read import read_document

    from .published import audit

    started = time.perf_counter()
    try:
        doc = read_document(path)
        catalogue, table, _ = form_context(doc)  # a generically read document: its own tree and ※
        result = audit(doc, for_audit(catalogue), table).as_json()
        return DocumentAudit(path, result, seconds=time.perf_counter() - started)
    except InputError as exc:
        return DocumentAudit(path, None, exc.problem, time.perf_counter() - started)
    except (Exception, RecursionError) as exc:  # one hostile document must not end the whole run
        # a bug of ours, not the document's: its traceback kept for the report, as exit 3 keeps it
        from pia_diff.fileio import save_crash_report

        saved = save_crash_report(exc)
        kept = f"詳しい記録を {saved} に保存しました。" if saved else ""
        problem = f"予期しないエラーで監査できません ({exc.__class__.__name__})。pia-diff の不具合です。{kept}"
        return DocumentAudit(path, None, problem, time.perf_counter() - started)


def documents_in(folder: Path) -> list[Path]:
    """Everything in the folder but sub-folders and hidden files: a FIFO or a dangling link gets
    its own row saying why it cannot be read, rather than vanishing from the summary."""
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise InputError(str(folder), f"フォルダを読めません ({exc.strerror})。") from exc
    return [p for p in entries if not p.name.startswith(".") and not p.is_dir()]


def worker_count(requested: int | None) -> int:
    """The pool size: as asked, but never more than the machine's cores (each worker holds a document)."""
    cores = os.cpu_count() or 1
    return max(1, min(requested or cores, cores))


def folder_files(folder: Path) -> list[str]:
    """The documents a folder audit reads, in its order; InputError when there is none."""
    files = [str(p) for p in documents_in(folder)]
    if not files:
        raise InputError(str(folder), "フォルダに文書がありません。")
    return files


def audits(files: list[str], workers: int | None = None) -> Iterator[DocumentAudit]:
    """Each document's audit in the given order, as soon as it (and every one before it) is done. The work
    is split over `workers` processes (at most the machine's cores), each a few documents ahead."""
    workers = min(worker_count(workers), len(files))
    if workers == 1:
        yield from map(audit_file, files)
        return
    pending: deque[tuple[str, Future[DocumentAudit]]] = deque()
    waiting = iter(files)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        try:
            for path in waiting:
                pending.append((path, _submit(pool, path)))
                if len(pending) >= AHEAD_PER_WORKER * workers:
                    break
            while pending:
                path, future = pending.popleft()
                following = next(waiting, None)
                if following is not None:
                    pending.append((following, _submit(pool, following)))
                yield _outcome(path, future)
        finally:  # the caller stopped early (its output failed): the rest is not started
            for _, future in pending:
                future.cancel()


def _submit(pool: ProcessPoolExecutor, path: str) -> Future[DocumentAudit]:
    """The document handed to a worker; a pool that can take no more (a worker died and broke it) gives
    a future holding that error, so the document still gets its row."""
    try:
        return pool.submit(audit_file, path)
    except RuntimeError as exc:  # BrokenProcessPool is a RuntimeError
        failed: Future[DocumentAudit] = Future()
        failed.set_exception(exc)
        return failed


def _outcome(path: str, future: Future[DocumentAudit]) -> DocumentAudit:
    try:
        return future.result()
    except Exception as exc:  # a worker that died (out of memory, killed)
        return DocumentAudit(path, None, f"監査の処理が異常終了しました ({exc.__class__.__name__})。")


def audit_folder(
    folder: Path, workers: int | None = None, progress: Callable[[int, int], None] | None = None
) -> list[DocumentAudit]:
    """Every document's audit at once (a library call; the command writes each as it comes, `audits`)."""
    files = folder_files(folder)
    out = []
    for done, audited in enumerate(audits(files, workers), start=1):
        out.append(audited)
        if progress:
            progress(done, len(files))
    return out


@dataclass
class FolderTotals:
    """What a folder audit adds up while its documents go by: the table's totals, the exit status and
    what the documents cost, without keeping any document."""

    documents: int = 0
    unreadable: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DocumentAudit("", None).counts, 0))
    needs_action: bool = False  # a document unreadable, or one with a finding that needs action (exit 1)
    seconds: float = 0.0  # the documents' own audit times, added up (over all workers)
    slowest: tuple[float, str] = (0.0, "")

    def add(self, audited: DocumentAudit) -> DocumentAudit:
        counts = audited.counts
        self.documents += 1
        self.unreadable += audited.result is None
        for key, value in counts.items():
            self.counts[key] += value
        self.needs_action = self.needs_action or audited.result is None or counts["要対応"] > 0
        self.seconds += audited.seconds
        self.slowest = max(self.slowest, (audited.seconds, audited.file))
        return audited

    def cost_note(self, wall: float, workers: int) -> str:
        """One sentence on what the audit cost, per document and in all (for stderr)."""
        each = self.seconds / self.documents if self.documents else 0.0
        rate = self.documents / wall if wall > 0 else 0.0
        return (
            f"{self.documents} 文書を {wall:.1f} 秒で監査しました ({workers} 並列、{rate:.0f} 文書/秒)。"
            f"1文書あたり平均 {each * 1000:.0f} ms、最も時間のかかった文書は "
            f"{Path(self.slowest[1]).name} ({self.slowest[0] * 1000:.0f} ms)。"
        )


def document_json(audited: DocumentAudit) -> dict[str, Any]:
    """One document's entry in a folder audit's JSON: its file, error, audit and counts."""
    return {"file": audited.file, "error": audited.error, **(audited.result or {}), "counts": audited.counts}


def folder_json(audits: list[DocumentAudit]) -> list[dict[str, Any]]:
    """The JSON of a folder audit: per document its file, error, audit and counts."""
    return [document_json(a) for a in audits]


def folder_json_chunks(audited: Iterable[DocumentAudit]) -> Iterator[str]:
    """The JSON of a folder audit written a document at a time: the text json_text(folder_json(…)) gives."""
    from pia_diff.fileio import json_text

    first = True
    for item in audited:
        entry = json_text(document_json(item))[:-1].replace("\n", "\n  ")
        yield ("[\n  " if first else ",\n  ") + entry
        first = False
    yield "[]\n" if first else "\n]\n"


def folder_failed(audits: list[DocumentAudit]) -> bool:
    """Exit status 1 of a folder audit: a document unreadable, or one with a finding that needs action."""
    return any(a.result is None or a.counts["要対応"] for a in audits)


def terminal_progress(done: int, total: int) -> None:
    """A one-line progress bar on stderr (only used when stderr is a terminal)."""
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r監査中 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
