"""What the walk found, before and after reading: hits (an item and its raw text), unplaced
blocks, history rows, and each hit's value with how sure we are of it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from pia_diff.catalogue import Kind, Node
from pia_diff.forms import vocabulary
from pia_diff.snapshot import HistoryRow, Path
from pia_diff.text import cached_when_short, html_to_text
from pia_diff.values import Certainty, Reading, read_value
from pia_diff.wareki import parse_date

from .labels import cell_key

_FILE_NAME = re.compile(r"^\s*[(（]\s*([0-9０-９]+)\s*[)）]\s*(\S.*)$")


@dataclass(slots=True)  # one per item found: slots keep a long document's walk small
class Hit:
    """A leaf found in the document, before its value is read."""

    node: Node
    path: Path
    file: int
    line: int
    raw: list[str] = field(default_factory=list)
    same_line: bool = True
    # placed by its label alone: the extract lost the heading that should lead to it
    without_heading: bool = False


@dataclass(frozen=True)
class Gap:
    """A block of text the parser could not place: its first line and how it starts."""

    line: int
    text: str
    # sha256 (first 12 hex) of the whole block, folded: the same block in two versions hides no change
    digest: str = ""


_WORDS = vocabulary()
# A table's closing mark below its last row: no row, and nothing to report.
_CLOSING = _WORDS.history_closing
# The first column of a 変更箇所 table's header row, as tables write it.
HISTORY_DATE_WORDS = _WORDS.history_date_words


def history_header(cells: Sequence[str]) -> int | None:
    """The column of 変更日 when cells are the header row of a 変更箇所 table (変更日 … 提出時期)."""
    keys = [cell_key(html_to_text(c)) for c in cells]
    column = next((keys.index(w) for w in HISTORY_DATE_WORDS if w in keys), None)
    return column if column is not None and any(_WORDS.history_timing_word in k for k in keys) else None


def history_rows(lines: Sequence[str], start: int) -> tuple[list[HistoryRow], list[tuple[int, str]]]:
    """The document's own 別添2 table, read from line `start` (1-based) to the end, and the lines in
    it that are no row (a note, 「以上」 below the table): reported, never dropped in silence.

    Columns count from the header row's 変更日 (a No. column before it is not the table's). Below
    the header, a row is a row whatever its 変更日 holds: a date we cannot read, or none (merged
    down from the row above, or left blank) stays as printed, not guessed. A row that only carries
    on the texts of the row above (変更前/変更後/説明, nothing in 変更日, 項目 or 提出時期) is joined
    to it, cell by cell. Without a header row (none yet, or none since a sheet or page break: a
    sheet after the table's is some other list) only dated rows are rows."""
    rows: list[HistoryRow] = []
    stray: list[tuple[int, str]] = []
    offset = 0
    header = False
    for number in range(start, len(lines) + 1):
        if "\f" in lines[number - 1]:
            header = False  # a new sheet or page: only dated rows, until a header row says it goes on
            continue
        raw = [html_to_text(c).replace("\n", " ").strip() for c in lines[number - 1].split("\t")]
        column = history_header(raw)
        if column is not None:  # the header row, repeated on every page
            offset, header = column, True
            continue
        cells = raw[offset:]
        padded = (cells + [""] * 6)[:6]
        if len(cells) > 6:
            padded[5] = " ".join(cells[5:]).strip()
        filled = {i for i, c in enumerate(padded) if c}
        if not filled:
            continue
        if (
            parse_date(padded[0]) is not None
            or (header and (padded[0] or padded[1]) and len(filled) >= 2)
            or (header and padded[4] and len(filled) >= 3)  # 変更日 and 項目 merged down from above
        ):
            rows.append(HistoryRow(tuple(padded), number))  # type: ignore[arg-type]
        elif rows and filled <= {2, 3, 5}:
            above = rows[-1]
            joined = tuple(" ".join(c for c in pair if c) for pair in zip(above.cells, padded, strict=True))
            rows[-1] = HistoryRow(joined, above.line)  # type: ignore[arg-type]
        elif (rows or header) and cell_key(" ".join(raw)) not in _CLOSING:
            stray.append((number, " ".join(c for c in raw if c)))
    return rows, stray


@cached_when_short(limit=4000, maxsize=8192)
def _read_value(raw: str, node: Node) -> Reading:
    """read_value, cached (a document repeats whole blocks; values are immutable, so shared)."""
    return read_value(node, raw)


def read_hit(hit: Hit, cell_style: bool, unique_in_part: bool, multi_file: bool) -> Reading:
    """Interpret a hit's raw text, and say how sure we are of it."""
    reading = _read_value("\n".join(hit.raw), hit.node)
    if hit.without_heading and reading.certainty is Certainty.OK:
        return Reading(reading.value, Certainty.UNCERTAIN)
    if cell_style or reading.certainty is not Certainty.OK:
        return reading
    # A PDF dump: trust only a value that shares its label's line, for an item that the label
    # alone identifies (no repeated entity, no second file to confuse it with).
    in_entity = any(a.kind is Kind.ENTITY for a in hit.node.ancestors())
    per_file = hit.node.part.per_file and multi_file
    if hit.same_line and len(hit.raw) == 1 and unique_in_part and not in_entity and not per_file:
        return reading
    return Reading(reading.value, Certainty.UNCERTAIN)


def file_names(hits: list[Hit]) -> dict[int, str]:
    """File number → name, from the II/III 'ファイル名' items ('(1) 被保険者台帳情報ファイル')."""
    names: dict[int, str] = {}
    for hit in hits:
        if hit.node.label.endswith(_WORDS.file_name_label) and hit.file:
            text = "\n".join(hit.raw)
            first = next((ln for ln in html_to_text(text).splitlines() if ln.strip()), "")
            match = _FILE_NAME.match(first)
            names.setdefault(hit.file, (match.group(2) if match else first).strip())
    return names
