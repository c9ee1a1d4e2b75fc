"""Parse a 評価書 given as text (cell text with TABs, or a PDF text dump) along the catalogue.

The walk reads classified lines (`lines`), looks labels up in the catalogue's index (`labels`),
moves an immutable cursor (`cursor`) and collects what it finds (`hits`), whose values
`hits.read_hit` then reads."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pia_diff.catalogue import TITLE, Catalogue, Kind, Node
from pia_diff.model import LineRole
from pia_diff.snapshot import Path
from pia_diff.text import compare_key
from pia_diff.values import has_marker

from .cursor import Cursor, Match
from .gaplog import GapLog
from .hits import Gap, Hit, file_names, history_rows, read_hit
from .labels import LabelIndex, after_label, cell_key, label_index
from .lines import Line, LineKind, classifier, is_cell_style, may_hold_marker, split_lines

# Who a line belongs to, before file keys are known: (role, item or heading path, file number).
Claim = tuple[LineRole, Path, int]
# A label shorter than this ('その内容') is too likely to start a sentence of some other value.
_UNIQUE_MIN = 5
_MARKUP = re.compile(r"<[^<>]*>|\[[^\[\]]*\]|[○〇]")


@dataclass
class ParseResult:
    hits: list[Hit]
    lines: list[str]
    history_at: int | None  # the line the document's 別添2 table starts at (its rows: ingest/assemble.py)
    history_end: int | None  # the line the form goes on at after the table's sheet
    title: str
    form_version: str | None
    labels_found: int
    cell_style: bool
    files_seen: int  # the most times one per-file part's heading was seen
    unseen: list[Path]  # parts and sections of the form whose heading never appeared
    # per line (index = line number - 1): who it belongs to, as (role, path without file key, file number)
    owners: list[tuple[Claim, ...]]
    copies: list[Hit]  # second readings of items the document prints twice


def parse(catalogue: Catalogue, text: str) -> ParseResult:
    """Walk a document's lines along the catalogue and collect the items it shows."""
    return _Walk(catalogue, split_lines(text)).run()


class _Walk:
    """One pass over the lines: the cursor, the hits so far, and the value still being read."""

    def __init__(self, catalogue: Catalogue, lines: list[str]) -> None:
        self.index: LabelIndex = label_index(catalogue)
        self.lines = lines
        self.cell_style = is_cell_style(lines)
        self.file_count: dict[str, int] = {}
        self.cursor = Cursor.at_part(catalogue.parts[0])
        # the 特定個人情報ファイル the cursor stands in (0 outside the per-file parts): kept by _move
        self.file = self._file_of(self.cursor.part)
        self.cover = catalogue.parts[0]
        self.hits: list[Hit] = []
        self.filled: dict[tuple[int, Path], Hit] = {}
        self.pending: Hit | None = None  # an item whose value is still being read
        self.last: Hit | None = None  # the item a stray continuation row may still extend
        self.heading_since_last = False  # a heading came after it: an empty-first-cell row is not its
        self.cover_values_next = False
        self.gaps = GapLog(self.index)
        # tuples rather than lists: most lines have one owner, and a long document has many lines
        self.owners: list[tuple[Claim, ...]] = [()] * len(lines)
        # second readings of an item the document prints twice (a repeated row, a name beside an
        # entity's heading): compared too (issue 17 §3)
        self.copies: list[Hit] = []
        # an entity whose heading line the extract lost, entered by a label only it has: its path, and
        # where in the entity the last item placed stands (issue 17 §4)
        self.headless: tuple[Node, Path, int] | None = None
        self.unplaced_run: list[Line] = []  # lines no item took since the last one placed

    def _own(self, number: int, role: LineRole, path: Path = ()) -> None:
        """Say who line `number` belongs to (a line may hold several items, or headings and an item)."""
        claim = (role, path, self.file if role is not LineRole.FURNITURE else 0)
        held = self.owners[number - 1]
        if claim not in held:
            self.owners[number - 1] = (*held, claim)
        if self.unplaced_run and role in (LineRole.ITEM, LineRole.HEADING, LineRole.COPY):
            self.unplaced_run = []

    def _move(self, cursor: Cursor) -> None:
        """Stand on `cursor`, and in the file its part was last headed for (the walk asks for it on
        every line: kept rather than worked out each time)."""
        if cursor is self.cursor:
            return
        self.cursor = cursor
        self.file = self._file_of(cursor.part)

    def _file_of(self, part: Node) -> int:
        return max(1, self.file_count.get(part.label, 1)) if part.per_file else 0

    def _filled(self, path: Path) -> bool:
        return (self.file, path) in self.filled

    # ---- the walk -------------------------------------------------------------------------

    def run(self) -> ParseResult:
        in_toc = False
        toc_parts: set[Node] = set()
        title = ""
        form_version: str | None = None
        history_at: int | None = None
        history_end: int | None = None  # where the form goes on after the table's sheet
        after_break = False
        classify_line = classifier(self.index, self.cell_style)
        for number, raw in enumerate(self.lines, start=1):
            line = classify_line(raw, number)
            if history_at is not None and history_end is None:
                # in the 別添2 table: it ends where a new sheet (or page) begins with a part of the
                # form not read yet (a 項目 cell reading 'Ⅲ リスク対策' on a sheet the table runs on
                # to names a part already read), or with the cover's title when the cover was not read
                if line.kind is LineKind.PAGE_BREAK:
                    after_break = True
                    self._own(number, LineRole.FURNITURE)
                    continue
                if not (after_break and self._form_resumes(line)):
                    after_break = after_break and line.kind in (LineKind.BLANK, LineKind.FORM_VERSION)
                    self._own(number, LineRole.HISTORY)
                    continue
                history_end = number
            if not title and line.title is not None:
                title = line.title
            if form_version is None:
                form_version = line.form_version
            if line.kind is LineKind.TOC:
                in_toc = True
                self._own(number, LineRole.FURNITURE)
                continue
            if in_toc:
                if line.kind is LineKind.PART_HEADER and line.part in toc_parts:
                    # listed twice: the table ended and this is the part's real heading (the walk
                    # still takes it as a TOC line, as it always has; the heading was seen)
                    self.gaps.heading(line.part)
                if line.kind in (LineKind.BLANK, LineKind.PAGE_BREAK, LineKind.PART_HEADER):
                    if line.part is not None:
                        toc_parts.add(line.part)
                    self._own(number, LineRole.FURNITURE)
                    continue
                if line.kind is LineKind.HISTORY_START or line.key.startswith(self.index.history_key):
                    self._own(number, LineRole.FURNITURE)
                    continue  # the table of contents names the 別添2 too
                in_toc = False
            if line.kind is LineKind.HISTORY_START and history_at is None:
                self._close_pending()
                history_at = number
                self._own(number, LineRole.HISTORY)
                if not self.cell_style:
                    # a PDF dump: the table is its last part, and its cells are not read
                    for rest in range(number + 1, len(self.lines) + 1):
                        self._own(rest, LineRole.HISTORY)
                    break
                continue
            self._line(line)
        self._close_pending()
        return ParseResult(
            hits=self.hits,
            lines=self.lines,
            history_at=history_at,
            history_end=history_end,
            title=title,
            form_version=form_version,
            labels_found=len(self.hits),
            cell_style=self.cell_style,
            files_seen=max([1, *self.file_count.values()]),
            unseen=self.gaps.unseen(),
            owners=self.owners,
            copies=self.copies,
        )

    def _line(self, line: Line) -> None:
        kind = line.kind
        if kind is not LineKind.BLANK:
            self.gaps.next_line()
        if kind is LineKind.PAGE_BREAK:
            # a page or sheet break: nothing continues across it
            self._close_pending()
            self.last = None
            self._own(line.number, LineRole.FURNITURE)
            return
        if kind is LineKind.BLANK:
            if self.pending is not None:
                self.pending.raw.append("")
            self._own(line.number, LineRole.FURNITURE)
            return
        if kind is LineKind.PART_HEADER and line.part is not None:
            self._part(line.part, line.number)
            return
        pending = self.pending
        if pending is not None and pending.node.kind is Kind.DATE and any(r.strip() for r in pending.raw):
            self._close_pending()  # a date is one line: what follows is something else
        if kind is LineKind.FORM_VERSION:
            self._close_pending()
            self._own(line.number, LineRole.FURNITURE)
            return
        if self.pending is not None and self.pending.node.parent is None:
            self.pending.raw.append(line.raw)  # 別添1: everything up to the next part heading
            self._own(line.number, LineRole.ITEM, self.pending.path)
            return
        if kind is LineKind.COVER_HEADER:
            self._close_pending()
            self.cover_values_next = True
            self._own(line.number, LineRole.FURNITURE)
            return
        if self.cover_values_next:
            self.cover_values_next = False
            self._cover_values(line)
            return
        if kind is LineKind.ENTITY_RANGE:
            self._close_pending()
            # 「委託事項6～10」: a heading over entities left empty; what else its row holds is compared
            head = next((c for c in line.cells if c.strip()), line.raw)
            self._own(line.number, LineRole.HEADING, (self.cursor.part.segment, compare_key(head)))
            return
        if self.index.is_bare_history_title(line.key):
            self._own(line.number, LineRole.FURNITURE)
            return  # '別添2 変更箇所' alone above the table: its header row starts it
        if kind is LineKind.LABELS and not self._typed_on(line) and self._cells(line):
            return
        self._continuation(line)

    def _part(self, part: Node, number: int) -> None:
        self._close_pending()
        self.headless = None
        self.heading_since_last = True
        self.file_count[part.label] = self.file_count.get(part.label, 0) + 1
        self._move(Cursor.at_part(part))
        self.gaps.heading(part)
        self._own(number, LineRole.HEADING, (part.segment,))
        if part.is_leaf:
            self.pending = self._hit(part, (part.segment,), number, same_line=False)

    def _cells(self, line: Line) -> bool:
        """Read the label cells of a line, left to right; False when its first cell is no label."""
        cells = list(line.cells)
        index = self.index
        matched = False
        i = 0
        while i < len(cells):
            key = cell_key(cells[i])
            if not key or key in index.ignore:
                i += 1
                continue
            entity = index.entity_header.match(key) if key[:1] in index.entity_first else None
            if entity and self._enter_entity(entity.group(1), entity.group(0), cells[i + 1 :], line.number):
                return True
            found = self.cursor.find(key, index, self._filled)
            if found is None and i + 1 < len(cells):
                # a label split over two cells ('①システム' | 'の名称'), as workbooks sometimes have it
                joined = cell_key(cells[i] + cells[i + 1])
                split = self.cursor.find(joined, index, self._filled)
                if split is not None and split.length > len(key):
                    cells[i : i + 2] = [cells[i] + cells[i + 1]]
                    key, found = joined, split
            if found is None and may_hold_marker(cells[i]) and has_marker(cells[i]):
                found = self.cursor.find_marker_item(cell_key(_MARKUP.sub("", cells[i])), index)
            elsewhere = False
            if found is not None and self.headless is not None and self._restarts_headless(found):
                found = self._unique_elsewhere(key, again=True)  # an item back at the start: the next one
                elsewhere = found is not None
            if found is None:
                found = self._unique_elsewhere(key)
                elsewhere = found is not None
            if found is None:
                break
            node, path, length, cursor = found
            leaf = node.is_leaf
            matched = True
            self._close_pending()
            self.heading_since_last = not leaf
            self._move(cursor)
            if not leaf:
                self._own(line.number, LineRole.HEADING, path)
                self.headless = None
            parent = node.parent
            if parent is not None and parent.parent is None:
                self.gaps.heading(node)  # a section's heading (or a section that is one item)
            rest = after_label(cells[i], key[:length])
            if leaf:
                raw = "\t".join([rest, *cells[i + 1 :]]) if i + 1 < len(cells) else rest
                self._leaf(node, path, line.number, raw, without_heading=elsewhere)
                return True
            if compare_key(rest):
                # the heading's own cell carried more (「4. 委託 [] 委託しない」): look at it again
                cells[i] = rest
                continue
            i += 1
        return matched

    def _restarts_headless(self, found: Match) -> bool:
        """In an entity entered without its heading, an item at or before the last one placed there
        (a second ①システムの名称) begins the next entity of that kind, whose heading was lost too."""
        if self.headless is None or not found.node.is_leaf or found.path[: len(self.headless[1])] != self.headless[1]:
            return False
        entity = self.headless[0]
        return found.node in entity.leaves() and entity.leaves().index(found.node) <= self.headless[2]

    def _unique_elsewhere(self, key: str, again: bool = False) -> Match | None:
        """An item out of the cursor's reach whose label names it alone in the whole form (the
        extract lost the section or part heading before it). Inside a repeated entity whose heading
        line was lost, it is placed by its order in the entity (see _headless)."""
        found = [
            c.node
            for c in self.index.candidates(key)
            if c.length >= _UNIQUE_MIN
            and self.index.unique_item(key[: c.length]) is c.node
            and c.node.parent is not None
            and (c.length == len(key) or not self.cell_style)
            and c.node not in self.index.marker_items  # 「接続しない」 is option text too
        ]
        if len(found) != 1:
            return None
        node = found[0]
        entity = next((a for a in node.ancestors() if a.kind is Kind.ENTITY), None)
        if entity is not None:
            # which entity it belongs to is told by its order only where rows keep their cells (not in a
            # PDF dump, which interleaves them): there it stays unplaced, and is reported
            return self._headless(node, entity, key, again) if self.cell_style else None
        cursor = Cursor.at_part(node.part).enter(0, node)
        path = cursor.scopes[-1].path if not node.is_leaf else (*cursor.scopes[-1].path, node.segment)
        return Match(node, path, len(key) if self.cell_style else len(node.keys[0]), cursor)

    def _headless(self, node: Node, entity: Node, key: str, again: bool = False) -> Match | None:
        """An item of a repeated entity whose heading line the extract lost (「移転先1 ⇥ 市民課」
        missing, ④…⑦ following): the entity being read that way if the item comes after the last one
        placed in it, else the next number of that entity in its part. Its items are uncertain, and the
        lines just before it that no item took are placed in it too when they are its earlier items."""
        order = entity.leaves().index(node) if node in entity.leaves() else 0
        base = Cursor.at_part(entity.part).at_entity(entity, f"{entity.label}1").scopes[-1].path[:-1]
        if self.headless is not None and self.headless[0] is entity and order > self.headless[2] and not again:
            segment = self.headless[1][-1]
        else:
            taken = {
                int(path[len(base)][len(entity.label) :])
                for file, path in self.filled
                if file == self.file
                and path[: len(base)] == base
                and len(path) > len(base)
                and path[len(base)][len(entity.label) :].isdigit()
                and path[len(base)].startswith(entity.label)
            }
            segment = f"{entity.label}{max(taken, default=0) + 1}"
        cursor = self.cursor.at_entity(entity, segment)
        match = cursor.find(key, self.index, self._filled)
        if match is None:
            return None
        self.headless = (entity, cursor.scopes[-1].path, order)
        earlier = list(self.unplaced_run)
        for line in earlier:  # its earlier items, taken for text no item took before it appeared
            first = cell_key(next((c for c in line.cells if c.strip()), ""))
            before = cursor.find(first, self.index, self._filled) if first else None
            if before is not None and before.node.is_leaf and entity.leaves().index(before.node) < order:
                self.owners[line.number - 1] = ()
                rest = after_label(next(c for c in line.cells if c.strip()), first[: before.length])
                cells = list(line.cells)
                at = next(i for i, c in enumerate(cells) if c.strip())
                self._leaf(before.node, before.path, line.number, "\t".join([rest, *cells[at + 1 :]]), True)
                self._close_pending()
        return match

    def _enter_entity(self, label: str, segment: str, rest: list[str], number: int) -> bool:
        entity = self.index.entity(label, self.cursor.part)
        if entity is None:
            return False
        self._close_pending()
        self.heading_since_last = True
        self.headless = None
        self._move(self.cursor.at_entity(entity, segment))
        self._own(number, LineRole.HEADING, self.cursor.scopes[-1].path)
        if entity.title:
            title = next(c for c in entity.children if c.label == TITLE)
            self._leaf(title, self.cursor.title_path(), number, "\t".join(rest))
            self.heading_since_last = False  # the entity's own line holds its title: a value
        elif self.cell_style and compare_key("\t".join(rest)) and entity.children and entity.children[0].is_leaf:
            # the name printed beside the heading (「システム2 ⇥ 住民記録システム」): a second reading of
            # the entity's first item (①システムの名称), compared with it (issue 17 §3). Not in a PDF
            # dump, where what follows a heading on its line is as often some other cell.
            first = entity.children[0]
            path = (*self.cursor.scopes[-1].path, first.segment)
            self.copies.append(self._hit(first, path, number, same_line=True))
            self.copies[-1].raw.append("\t".join(rest))
            self._own(number, LineRole.COPY, path)
        return True

    def _cover_values(self, line: Line) -> None:
        """The line after the cover's 評価書番号/評価書名 header holds their values."""
        raw = line.raw
        cells = [c for c in raw.split("\t") if c.strip()] if "\t" in raw else raw.strip().split(None, 1)
        header = self.index.catalogue.cover_header
        nodes = sorted((n for n in self.cover.children if n.label in header), key=lambda n: header.index(n.label))
        for node, cell in zip(nodes, cells, strict=False):
            self._leaf(node, (self.cover.segment, node.segment), line.number, cell)

    # ---- hits -----------------------------------------------------------------------------

    def _hit(self, node: Node, path: Path, number: int, same_line: bool) -> Hit:
        return Hit(node=node, path=path, file=self.file, line=number, same_line=same_line)

    def _leaf(self, node: Node, path: Path, number: int, raw: str, without_heading: bool = False) -> None:
        if (self.file, path) in self.filled:
            self.last = None  # a duplicated row: the first reading stands, the copy is compared too
            self._own(number, LineRole.COPY, path)
            if compare_key(raw) and self.cell_style:  # a PDF dump repeats and mixes rows: its lines are compared
                copy = self._hit(node, path, number, same_line=True)
                copy.raw.append(raw)
                self.copies.append(copy)
            return
        self._own(number, LineRole.ITEM, path)
        hit = self._hit(node, path, number, same_line=bool(compare_key(raw)))
        in_headless = self.headless is not None and path[: len(self.headless[1])] == self.headless[1]
        hit.without_heading = without_heading or in_headless
        if self.headless is not None and in_headless and node in self.headless[0].leaves():
            # where in the headless entity the walk now stands
            self.headless = (self.headless[0], self.headless[1], self.headless[0].leaves().index(node))
        if hit.same_line:
            hit.raw.append(raw)
            self._store(hit)
            self.last = hit
        else:
            self.pending = hit

    def _store(self, hit: Hit) -> None:
        self.filled[(hit.file, hit.path)] = hit
        self.hits.append(hit)

    def _close_pending(self) -> None:
        if self.pending is not None:
            while self.pending.raw and not self.pending.raw[-1].strip():
                self.pending.raw.pop()
            self._store(self.pending)
            self.last = self.pending if self.pending.node.parent is not None else None
            self.pending = None

    def _form_resumes(self, line: Line) -> bool:
        if line.kind is LineKind.PART_HEADER:
            return line.part is not None and line.part not in self.gaps.seen
        return line.title is not None and not any(h.path[0] == self.cover.segment for h in self.hits)

    def _under_text_value(self, line: Line) -> bool:
        """A cell row with its first cell empty right below a text item's value, no heading between
        (a date or a choice is one cell: a row below it is something else)."""
        return (
            self.cell_style
            and self.last is not None
            and self.last.node.kind is Kind.TEXT
            and not self.heading_since_last
            and not line.cells[0].strip()
        )

    def _typed_on(self, line: Line) -> bool:
        """Such a row with one cell filled, read before labels: its text, even one that starts like a
        label ('情報の突合により…'), is more of that value; a label and nothing else ('情報の突合') is not."""
        if self.pending is not None or not self._under_text_value(line):
            return False
        filled = [c for c in line.cells if c.strip()]
        return len(filled) == 1 and not self._is_label(cell_key(filled[0]))

    def _is_label(self, key: str) -> bool:
        return any(c.length == len(key) for c in self.index.candidates(key))

    def _continuation(self, line: Line) -> None:
        if self.pending is not None:
            self.pending.raw.append(line.raw)
            self._own(line.number, LineRole.ITEM, self.pending.path)
            return
        if self.last is not None and self._under_text_value(line):
            # a row that continues the previous value in the next table row ('⇥・別表116項 …')
            self.last.raw.append(line.raw)
            self._own(line.number, LineRole.ITEM, self.last.path)
        elif (
            self.last is not None
            and self.last.node.kind is Kind.CHECKBOX
            and may_hold_marker(lead := next((c for c in line.cells if c.strip()), ""))
            and has_marker(lead)
        ):
            # the rest of a checkbox set wrapped onto its own row (the first cell empty where the
            # form's label column is): its options and their states belong to the set
            self.last.raw.append(line.raw)
            self._own(line.number, LineRole.ITEM, self.last.path)
        elif line.title is None:
            # nothing takes it: reported, or (checkbox and choice debris) compared as layout
            placed = self.gaps.unplaced(line)
            self._own(line.number, LineRole.UNPLACED if placed else LineRole.LAYOUT)
            self.unplaced_run.append(line)
        else:
            self._own(line.number, LineRole.FURNITURE)  # the cover's title is no item


__all__ = ["Gap", "Hit", "ParseResult", "file_names", "history_rows", "parse", "read_hit"]
