"""The page's work as library calls on bytes held in memory: read two uploads, compare them with the
page's decisions, give the release verdict, the workbook and an audit. No web framework here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pia_diff.audit.published import Audit, audit
from pia_diff.compare.decisions import parse_decisions
from pia_diff.compare.docform import for_audit, form_context, generic_note
from pia_diff.errors import InputError
from pia_diff.ingest.read import catalogue_named, parse_bytes
from pia_diff.pipeline import Comparison, compare, release, remarks, same_assessment
from pia_diff.report.gate import release_text
from pia_diff.snapshot import Snapshot

from .store import Work
from .uploads import Upload

FORMS = ("form3_r6_10", "generic")  # what the page offers besides recognising the form by content


def read(upload: Upload, form: str | None) -> Snapshot:
    """One uploaded document, recognised by content like a file (InputError names the upload)."""
    return parse_bytes(upload.data, upload.name, form=form)


def check_form(form: str) -> str | None:
    """The --form value the page sent: empty for «recognise», else a known name (InputError if not)."""
    if not form:
        return None
    if form != "generic":
        catalogue_named(form, "読み方")
    return form


def start(old: Upload, new: Upload, form: str | None, allow_different: bool) -> Work:
    """Read both versions once; the page then compares them again with each judgement."""
    old_doc, new_doc = read(old, form), read(new, form)
    if not allow_different:
        same_assessment(old_doc, new_doc, new.name)
    workbook = new.data if new.data.startswith(b"PK\x03\x04") else None
    return Work(old_doc, new_doc, old.name, new.name, form, allow_different, len(old.data) + len(new.data), workbook)


def run(work: Work, revision_date: dt.date, decisions: str) -> Comparison:
    """The comparison as `diff --decisions` gives it, with the decisions text the page holds."""
    return compare(work.old, work.new, revision_date, decisions_text=decisions or None)


def default_exemptions() -> tuple[str, ...]:
    """The exemption categories before any document is read (the CLI's template uses the same)."""
    from pia_diff.compare.rules import load_rules

    return load_rules().exemptions


def check_decisions(text: str, name: str) -> None:
    """An uploaded decisions file checked by the CLI's parser, its errors naming the file."""
    parse_decisions(text, name, default_exemptions())


def exemptions(result: Comparison) -> tuple[str, ...]:
    """The exemption categories of the rule table the comparison used."""
    return form_context(result.old, result.new)[1].exemptions


@dataclass(frozen=True)
class Verdict:
    may_file: bool | None  # None: not judged (two different assessments compared on purpose)
    message: str


def verdict(work: Work, result: Comparison) -> Verdict:
    """What `check` would say on the same two versions and decisions (pipeline.release, the gate's
    one decision, and the message `check` prints)."""
    if work.allow_different:
        return Verdict(None, "別の評価書どうしを比べたため、リリース判定 (check) はしません。")
    decided = release(result)
    return Verdict(decided.may_file, release_text(decided))


def notes(*documents: Snapshot | None) -> list[str]:
    """The CLI's 参考 lines for documents read by their own structure."""
    return [note for doc in documents if doc is not None and (note := generic_note(doc))]


def workbook(result: Comparison) -> bytes:
    """The 別添2 workbook `diff -o` writes: the old version's published rows, then the new ones."""
    from pia_diff.report.excel import workbook_bytes

    return workbook_bytes(result.old.history, result.rows, remarks(result), result.table_title)


def audit_upload(doc: Upload, against: Upload | None, form: str | None) -> tuple[Audit, list[str]]:
    """`audit DOC [--against OLD]` on uploads: the audit and the 参考 notes."""
    document = read(doc, form)
    old = read(against, form) if against is not None else None
    catalogue, table, _ = form_context(document, *([old] if old is not None else []))
    return audit(document, for_audit(catalogue), table, old), notes(document, old)


def revision(value: str) -> dt.date:
    """The 変更日 typed on the page; empty means today, as in the CLI."""
    from pia_diff.wareki import revision_date

    try:
        return revision_date(value.strip() or None)
    except InputError as exc:
        raise InputError("変更日", exc.problem) from None
