"""The library's front door: read, compare, check and audit, on paths, bytes, binary streams or
documents already read (`import pia_diff` re-exports them; the CLI is a thin layer over them)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from . import pipeline
from .compare.decisions import MAX_BYTES as DECISIONS_MAX_BYTES
from .compare.decisions import NONE, Decisions, parse_decisions
from .compare.docform import form_context
from .errors import InputError
from .fileio import MAX_BYTES, read_input
from .model import Snapshot
from .results import Audited, Compared, FolderAudit

if TYPE_CHECKING:  # the audit loads only when a check or an audit asks for it (a diff never does)
    from .audit.gate import Release

Input = str | os.PathLike[str] | bytes | BinaryIO
Document = Input | Snapshot
DecisionsInput = str | os.PathLike[str] | Decisions | None
# What a document given as bytes or a stream is called in messages, unless the caller names it.
UNNAMED = "入力"
# A decisions file given as text held in memory, in messages.
DECISIONS_TEXT = "判断ファイル"


def read(source: Input, form: str | None = None, *, name: str | None = None) -> Snapshot:
    """Read one document (PDF, text, .xlsx workbook or snapshot JSON, recognised by content) into a
    Snapshot. `source` is a path, the file's bytes, or a binary stream (read to its end, e.g.
    sys.stdin.buffer); bytes and streams have the same 20 MB limit as files and are called `name` in
    messages. `form`: a catalogue name (form3_r6_10), "generic", or None to recognise the form.
    Raises InputError (a Japanese sentence naming the input) for anything that is not a readable 評価書."""
    from .ingest.read import parse_bytes, read_document

    if isinstance(source, str | os.PathLike):
        return read_document(os.fspath(source), form)
    label = name or UNNAMED
    data = bytes(source) if isinstance(source, bytes | bytearray) else _drain(source, label)
    if len(data) > MAX_BYTES:
        raise InputError(
            label, f"大きすぎます ({len(data):,} バイト以上、上限 {MAX_BYTES:,} バイト)。評価書か確かめてください。"
        )
    return parse_bytes(data, label, form=form)


def _drain(stream: BinaryIO, name: str) -> bytes:
    """A binary stream's bytes up to one past the limit (a stream larger than that is refused unread)."""
    chunks: list[bytes] = []
    size = 0
    try:
        while size <= MAX_BYTES:
            chunk = stream.read(MAX_BYTES + 1 - size)
            if not chunk:
                break
            if not isinstance(chunk, bytes):
                raise TypeError("read() needs a binary stream (e.g. sys.stdin.buffer, open(path, 'rb'))")
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InputError(name, f"読めません ({exc.strerror or exc.__class__.__name__})。") from exc
    return b"".join(chunks)


def _document(doc: Document, form: str | None) -> Snapshot:
    return doc if isinstance(doc, Snapshot) else read(doc, form)


def _path(doc: Document | DecisionsInput) -> Path | None:
    return Path(doc) if isinstance(doc, str | os.PathLike) else None


def _date(date: dt.date | str | None) -> dt.date:
    if isinstance(date, dt.date):
        return date
    from .wareki import revision_date

    return revision_date(date, "date")


def _is_text(decisions: str | os.PathLike[str]) -> bool:
    """A str holding a line break (or nothing) is the decisions file's text; any other names the file."""
    return isinstance(decisions, str) and ("\n" in decisions or not decisions.strip())


def load_decisions(decisions: DecisionsInput, old: Snapshot, new: Snapshot) -> tuple[Decisions, str | None]:
    """The decisions for comparing OLD with NEW (their form's exemption categories), and the file's text:
    from a path (read within its 1 MB limit, UTF-8), from text (a str holding a line break), or as given."""
    if decisions is None:
        return NONE, None
    if isinstance(decisions, Decisions):
        return decisions, None
    exemptions = form_context(old, new)[1].exemptions
    if _is_text(decisions):
        text, source = str(decisions), DECISIONS_TEXT
    else:
        source = str(decisions)
        try:
            text = read_input(decisions, DECISIONS_MAX_BYTES, "判断").decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(source, "判断ファイルを UTF-8 のテキストとして読めません。") from exc
    return parse_decisions(text, source, exemptions), text


def compare(
    old: Document,
    new: Document,
    date: dt.date | str | None = None,
    decisions: DecisionsInput = None,
    *,
    form: str | None = None,
    full_text: bool = False,
    allow_different: bool = False,
) -> Compared:
    """Compare two versions of one assessment: the new 別添2 rows, each classified 事前/事後 with its
    reason. `old`/`new`: paths, bytes, binary streams or Snapshots already read. `date`: the 変更日
    (a date, ISO or 和暦 text; today if None). `decisions`: a decisions file's path, its text (a str
    holding a line break) or Decisions. `full_text`: whole cells in 変更前/変更後 instead of the changed
    sentences. Two different assessments (評価書番号, 評価実施機関名) are refused unless
    `allow_different`. Raises InputError for bad input."""
    revision = _date(date)
    old_doc, new_doc = _document(old, form), _document(new, form)
    if not allow_different:
        pipeline.same_assessment(old_doc, new_doc, str(new) if _path(new) else new_doc.source)
    chosen, text = load_decisions(decisions, old_doc, new_doc)
    result = pipeline.compare(old_doc, new_doc, revision, full_text=full_text, decisions=chosen)
    return Compared(result, chosen, revision, text, (_path(old), _path(new), _path(decisions)))


def check(
    old: Document,
    new: Document,
    date: dt.date | str | None = None,
    decisions: DecisionsInput = None,
    *,
    form: str | None = None,
) -> Release:
    """The release gate (`pia-diff check`): compare the two versions and decide whether the revision may
    be filed now. The Release says `may_file`, and what stops it: unacknowledged 事前 changes, stale or
    unpinned decisions, what could not be compared, errors in the new version's 別添2 (`audit_errors`,
    e.g. a change without its row), and its warnings. Arguments as for `compare`."""
    return compare(old, new, date, decisions, form=form).release()


def audit(doc: Document, against: Document | None = None, *, form: str | None = None) -> Audited:
    """Audit a document's published 別添2: each row's item and 提出時期 against the rules, the しきい値
    and 5-year checks, and (with `against`, the earlier version) the table against the real changes.
    Arguments are paths, bytes, binary streams or Snapshots. Raises InputError for bad input."""
    from .audit.published import audit as audit_published
    from .compare.docform import for_audit

    document = _document(doc, form)
    earlier = _document(against, form) if against is not None else None
    catalogue, table, _ = form_context(document, *([earlier] if earlier is not None else []))
    report = audit_published(document, for_audit(catalogue), table, earlier)
    return Audited(report, document, earlier, (_path(doc), _path(against)))


def audit_folder(
    folder: str | os.PathLike[str], workers: int | None = None, progress: Callable[[int, int], None] | None = None
) -> FolderAudit:
    """Audit every document in a folder in parallel (`workers` processes, at most the machine's cores);
    a document that cannot be read gets its own entry saying why. `progress(done, total)` is called as
    documents finish. Raises InputError for a folder that cannot be read or holds no document."""
    from .audit.batch import audit_folder as audit_all

    return FolderAudit(audit_all(Path(folder), workers, progress), Path(folder))
