"""An assessment as an editable workbook laid out like the form (one sheet per part, ※ beside the
items a change to which is a 重要な変更), and its 別添2 sheet laid out like the `diff` workbook's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pia_diff.catalogue import TITLE, Catalogue, Kind, Node
from pia_diff.forms import vocabulary
from pia_diff.snapshot import Path, Snapshot
from pia_diff.values import choice_option, render

from . import sheets
from .layout import CELL_LIMIT, INDENT_PT, Face, Grid, Slot, heights, row_height, rows_needed
from .sheets import Written

# 86 units fill A4 portrait at 100% (10.5 pt): a label column and a value column, as the form has.
LABEL_WIDTH = 30
VALUE_WIDTH = 56
STAR = " ※"


@dataclass(frozen=True)
class Line:
    """One row of an exported sheet: label (indented by depth), value, whether it is a heading."""

    depth: int
    label: str
    value: str | None
    heading: bool = False
    star: bool = False  # printed with ※: a change to the item is a 重要な変更

    @property
    def shown(self) -> str:
        return self.label + STAR if self.star else self.label


def _shown(node: Node, value: object) -> str:
    """A value the way the form prints it: '[委託する]', '[○] 紙 [ ] 電子メール', text as is."""
    if value is None:
        return ""
    if node.kind is Kind.CHOICE:
        option = choice_option(value, node.options)
        if value == "":
            return "[]"  # the form shows no option chosen
        if option is None:
            return str(value)  # a value the reader could not match to an option: as it was read
        rest = str(value)[len(option) :].strip()
        return f"[{option}] {rest}".strip()
    return render(value)  # type: ignore[arg-type]


def _lines(node: Node, base: Path, snapshot: Snapshot, depth: int) -> list[Line]:
    out: list[Line] = []
    for child in node.children:
        if child.kind is Kind.ENTITY:
            pattern = re.compile(re.escape(child.label) + r"(\d+)")
            found = {p[len(base)] for p in snapshot.fields if p[: len(base)] == base and len(p) > len(base)}
            keys = sorted((k for k in found if pattern.fullmatch(k)), key=lambda k: int(k[len(child.label) :]))
            for key in keys:
                title = snapshot.fields.get((*base, key, TITLE))
                shown = str(title.value) if title is not None and title.value else None
                out.append(Line(depth, key, shown if child.title else None, heading=not child.title))
                entity_node = Node(
                    child.label, Kind.GROUP, child.star, children=[c for c in child.children if c.label != TITLE]
                )
                out.extend(_lines(entity_node, (*base, key), snapshot, depth + 1))
            continue
        path = (*base, child.segment)
        if child.is_leaf:
            item = snapshot.fields.get(path)
            out.append(Line(depth, child.label, _shown(child, item.value if item else None), star=child.star))
        else:
            out.append(Line(depth, child.label, None, heading=True))
            out.extend(_lines(child, path, snapshot, depth + 1))
    return out


def _part_lines(part: Node, base: Path, snapshot: Snapshot) -> list[Line]:
    heading = Line(0, part.label, None, heading=True)
    if part.is_leaf:
        item = snapshot.fields.get(base)
        return [heading, Line(0, "", str(item.value) if item and item.value else "")]
    return [heading, *_lines(part, base, snapshot, 0)]


def sheets_of(snapshot: Snapshot, catalogue: Catalogue) -> list[tuple[str, list[Line]]]:
    """(sheet name, rows) for every part; per-file parts once per file."""
    out: list[tuple[str, list[Line]]] = []
    files = list(snapshot.files)
    for part in catalogue.parts:
        name = part.sheet or part.label[:31]
        if part.per_file and files:
            for file in files:
                out.append((f"{name}{file}"[:31], _part_lines(part, (part.segment, file), snapshot)))
        else:
            lines = _part_lines(part, (part.segment,), snapshot)
            if part is catalogue.parts[0]:
                version = snapshot.meta.form_version or ""
                cover_title = f"{vocabulary().title}({catalogue.name})"
                lines = [Line(0, cover_title, None, heading=True), *lines[1:]]
                lines = [line for line in lines if line.label != vocabulary().cover_meta["form_version"]]
                if version:
                    lines.append(Line(0, str(version), None, heading=True))
            out.append((name, lines))
    return out


def _part_sheet(book: Any, name: str, lines: list[Line]) -> list[str]:
    """One part: label | value rows, headings across both columns; a value taller than a row runs
    on in the value cell of the next rows, the label cell left empty (the reader joins them)."""
    from openpyxl.styles import PatternFill

    sheet = book.create_sheet(name)
    sheet.column_dimensions["A"].width = LABEL_WIDTH
    sheet.column_dimensions["B"].width = VALUE_WIDTH
    grid = Grid()
    label_pt, value_pt = grid.text_width(LABEL_WIDTH), grid.text_width(VALUE_WIDTH)
    warnings: list[str] = []
    row = 1
    for line in lines:
        label = sheet.cell(row=row, column=1)
        sheets.put(label, line.shown)
        if line.heading:
            label.font, label.border = sheets.font(bold=True), sheets.border()
            label.fill = PatternFill("solid", fgColor=sheets.HEADING_FILL)
            label.alignment = sheets.wrapped("left", line.depth)
            sheet.cell(row=row, column=2).border = sheets.border()
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
            width = label_pt + value_pt - line.depth * INDENT_PT
            sheet.row_dimensions[row].height = row_height([line.shown], [Slot(width, Face(bold=True))])
            row += 1
            continue
        slots = [Slot(label_pt - line.depth * INDENT_PT), Slot(value_pt)]
        value = line.value or ""
        label_runs, runs = rows_needed([line.shown, value], slots)
        tall = heights([label_runs[:1], runs], slots)  # the label stays whole in the first row
        if len(value) > CELL_LIMIT:
            warnings.append(sheets.too_long(sheet.title, row, line.label, "値", len(value), len(runs)))
        for k, run in enumerate(runs):
            cell = sheet.cell(row=row + k, column=2)
            cell.font = sheets.font()
            sheets.put(cell, value[run.start : run.end])
            cell.alignment = sheets.wrapped()
            cell.border = sheet.cell(row=row + k, column=1).border = sheets.border(
                top=k == 0, bottom=k == len(runs) - 1
            )
            sheet.row_dimensions[row + k].height = tall[k]
        label.font = sheets.font()
        label.alignment = sheets.wrapped("left", line.depth)
        row += len(runs)
    sheets.page_setup(sheet, landscape=False)
    return warnings


def export_workbook(snapshot: Snapshot, catalogue: Catalogue) -> Written:
    """The workbook `export` writes, and a warning for each value that had to run on over rows
    because one cell cannot keep it."""
    book = sheets.new_book()
    warnings: list[str] = []
    for name, lines in sheets_of(snapshot, catalogue):
        warnings += _part_sheet(book, name, lines)
    name = catalogue.history_table.replace("(", "").replace(")", "")
    warnings += sheets.history_sheet(book, name, catalogue.history_table, [list(h.cells) for h in snapshot.history])
    return sheets.save(book, warnings)


def export_bytes(snapshot: Snapshot, catalogue: Catalogue) -> bytes:
    """export_workbook's bytes (for callers that print no warnings)."""
    return export_workbook(snapshot, catalogue).data
