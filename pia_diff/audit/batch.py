"""Audit every document in a folder, in parallel; one unreadable document does not stop the rest."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pia_diff.errors import InputError

from .findings import Verdict

# Verdicts that are no disagreement between the published 提出時期 and the rules
_AGREEING = (Verdict.CONSISTENT, Verdict.UNRESOLVED)


@dataclass(frozen=True)
class DocumentAudit:
    file: str
    result: dict[str, Any] | None  # the audit JSON, or None when the document could not be read
    error: str | None = None

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

    try:
        doc = read_document(path)
        catalogue, table, _ = form_context(doc)  # a generically read document: its own tree and ※
        return DocumentAudit(path, audit(doc, for_audit(catalogue), table).as_json())
    except InputError as exc:
        return DocumentAudit(path, None, exc.problem)
    except (Exception, RecursionError) as exc:  # one hostile document must not end the whole run
        return DocumentAudit(path, None, f"予期しないエラーで監査できません ({exc.__class__.__name__})。")


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


def audit_folder(
    folder: Path, workers: int | None = None, progress: Callable[[int, int], None] | None = None
) -> list[DocumentAudit]:
    files = [str(p) for p in documents_in(folder)]
    if not files:
        raise InputError(str(folder), "フォルダに文書がありません。")
    workers = min(worker_count(workers), len(files))
    results: dict[str, DocumentAudit] = {}
    if workers == 1:
        for done, path in enumerate(files, start=1):
            results[path] = audit_file(path)
            if progress:
                progress(done, len(files))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(audit_file, path): path for path in files}
            for done, future in enumerate(as_completed(futures), start=1):
                path = futures[future]
                try:
                    results[path] = future.result()
                except Exception as exc:  # a worker that died (out of memory, killed)
                    results[path] = DocumentAudit(
                        path, None, f"監査の処理が異常終了しました ({exc.__class__.__name__})。"
                    )
                if progress:
                    progress(done, len(files))
    return [results[path] for path in files]


def folder_json(audits: list[DocumentAudit]) -> list[dict[str, Any]]:
    """The JSON of a folder audit: per document its file, error, audit and counts."""
    return [{"file": a.file, "error": a.error, **(a.result or {}), "counts": a.counts} for a in audits]


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
