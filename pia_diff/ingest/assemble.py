"""The one assembler both readers hand their walk to: it reads the document's own 別添2 table, groups
the lines no item took into reported blocks, builds the meta from the cover, and keeps each line's
owner for the release gate's safety net. No table row and no line is dropped without a report."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from pia_diff.forms import vocabulary
from pia_diff.model import (
    Certainty,
    DocumentMeta,
    Field,
    GenericReading,
    HistoryRow,
    LineRole,
    Owner,
    Path,
    Snapshot,
    Source,
    SourceText,
    UnplacedBlock,
)
from pia_diff.text import html_to_text, label_key
from pia_diff.wareki import parse_date

from .hits import history_rows
from .labels import cell_key

# How much of an unplaced block is shown (its digest covers the whole block).
SHOWN = 40


@dataclass
class Walked:
    """What a walk over a document found, in the snapshot's own paths (file keys included)."""

    fields: dict[Path, Field]
    lines: list[str]
    owners: list[tuple[Owner, ...]]
    cell_style: bool
    form: str | None
    edition: str | None
    form_version: str | None
    files: dict[str, str] = field(default_factory=dict)
    history_at: int | None = None  # the line the 別添2 table starts at (its title or header row)
    history_end: int | None = None  # the line the form goes on at after the table's sheet
    unseen: tuple[str, ...] = ()  # headings of the form never seen (catalogue reading)
    generic: GenericReading | None = None


@dataclass(frozen=True)
class _Block:
    line: int
    text: str
    keys: tuple[str, ...]


def _blocks(lines: list[str], owners: list[tuple[Owner, ...]]) -> list[_Block]:
    """Runs of lines no item took: a block starts at an unplaced line and goes on over unplaced
    lines (blank lines do not end it); any other line with text ends it."""
    blocks: list[_Block] = []
    start, shown = 0, ""  # the open block's first line and how it starts
    keys: list[str] = []  # its lines' keys, kept in a list until it ends (a tuple grown per line was quadratic)
    unplaced = LineRole.UNPLACED
    for number, line in enumerate(lines, start=1):
        held = owners[number - 1]
        if held and held[0].role is unplaced and (len(held) == 1 or all(o.role is unplaced for o in held)):
            if not keys:
                start, shown = number, " ".join(html_to_text(line).split())[:SHOWN]
            keys.append(cell_key(line))
        elif keys and (cell_key(line) or "\f" in line):
            blocks.append(_Block(start, shown, tuple(keys)))
            keys = []
    if keys:
        blocks.append(_Block(start, shown, tuple(keys)))
    return blocks


def _digest(keys: tuple[str, ...]) -> str:
    """sha256 (first 12 hex) of a block's whole text, folded: the same block in two versions hides no change."""
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()[:12]


def _text(item: Field | None) -> str | None:
    if item is None or item.value is None:
        return None
    return str(item.value).strip() or None


def assemble(
    walked: Walked,
    name: str,
    sha256: str,
    places: list[str] | None = None,
    kind: str = "text",
    order: Callable[[Path], object] | None = None,
) -> Snapshot:
    """The snapshot of a walked document. `places` names, per line, where it came from (a workbook's
    'シート!行', a PDF's 'Nページ'); `order` sorts the items in the form's order."""

    def source(line: int | None) -> Source:
        return places[line - 1] if places and line else line

    words = vocabulary()
    lines, owners = walked.lines, list(walked.owners)
    history: list[HistoryRow] = []
    stray: list[tuple[int, str]] = []
    if walked.history_at is not None and walked.cell_style:
        # a PDF dump interleaves the table's cells: not read (meta 別添2の確度 says so)
        end = walked.history_end or len(lines) + 1
        history, stray = history_rows(lines[: end - 1], walked.history_at)
        for number, _ in stray:
            owners[number - 1] = (Owner(LineRole.UNPLACED),)  # a note below the table: reported
    blocks = [
        UnplacedBlock(source(b.line), b.text, _digest(b.keys))
        for b in _blocks(lines, owners)
        if b.line not in {n for n, _ in stray}
    ]
    # lines of the table that are no row of it: each a block of its own (after the walk's blocks)
    blocks += [
        UnplacedBlock(source(n), " ".join(text.split())[:SHOWN], _digest((label_key(text),))) for n, text in stray
    ]
    fields = dict(walked.fields)
    cover = {p[-1]: f for p, f in fields.items() if p[0] == words.cover}
    labels = words.cover_meta
    if walked.form_version:
        path = (words.cover, labels["form_version"])
        fields[path] = Field(path, walked.form_version, None, Certainty.OK)
    published = cover.get(labels["published"])
    history_certainty = Certainty.MISSING
    if history:
        history_certainty = Certainty.OK
    elif walked.history_at is not None:
        history_certainty = Certainty.UNCERTAIN
    meta = DocumentMeta(
        number=_text(cover.get(labels["number"])),
        title=_text(cover.get(labels["title"])),
        body=_text(cover.get(labels["body"])),
        published=parse_date(str(published.value))
        if published is not None and isinstance(published.value, str)
        else None,
        form=walked.form,
        edition=walked.edition,
        form_version=walked.form_version,
        source=name,
        sha256=sha256,
        style="cell" if walked.cell_style else "pdf",
        files=walked.files,
        history_certainty=history_certainty,
        unplaced=tuple(blocks),
        unseen=walked.unseen,
        generic=walked.generic,
    )
    if order is not None:
        fields = dict(sorted(fields.items(), key=lambda item: order(item[0])))  # type: ignore[arg-type, return-value]
    rows = [HistoryRow(row.cells, source(row.line if isinstance(row.line, int) else None)) for row in history]
    return Snapshot(meta=meta, fields=fields, history=rows, text=SourceText(lines, owners, kind, places))
