"""An assessment as an editable workbook laid out like the form (one sheet per part)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pia_diff.catalogue import TITLE, Catalogue, Kind, Node
from pia_diff.snapshot import HISTORY_COLUMNS, Path, Snapshot
from pia_diff.text import display_width
from pia_diff.values import choice_option, render

from .cells import put_text

LABEL_WIDTH = 46
VALUE_WIDTH = 90


@dataclass(frozen=True)
class Line:
    """One row of an exported sheet: label (indented by depth), value, whether it is a heading."""

    depth: int
    label: str
    value: str | None
    heading: bool = False


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
            out.append(Line(depth, child.label, _shown(child, item.value if item else None)))
        else:
            out.append(Line(depth, child.label, None, heading=True))
            out.extend(_lines(child, path, snapshot, depth + 1))
    return out


def _part_lines(part: Node, base: Path, snapshot: Snapshot) -> list[Line]:
    if part.is_leaf:
        item = snapshot.fields.get(base)
        return [Line(0, part.label, None, heading=True), Line(0, "", str(item.value) if item and item.value else "")]
    return [Line(0, part.label, None, heading=True), *_lines(part, base, snapshot, 0)]


def sheets(snapshot: Snapshot, catalogue: Catalogue) -> list[tuple[str, list[Line]]]:
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
                lines = [Line(0, f"特定個人情報保護評価書({catalogue.name})", None, heading=True), *lines[1:]]
                lines = [line for line in lines if line.label != "様式版"]
                if version:
                    lines.append(Line(0, str(version), None, heading=True))
            out.append((name, lines))
    return out


def export_bytes(snapshot: Snapshot, catalogue: Catalogue) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    book = Workbook()
    book.remove(book.active)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for name, lines in sheets(snapshot, catalogue):
        sheet = book.create_sheet(name)
        for r, line in enumerate(lines, start=1):
            label = sheet.cell(row=r, column=1)
            put_text(label, line.label)
            label.alignment = Alignment(indent=line.depth, vertical="top", wrap_text=True)
            label.border = border
            if line.heading:
                label.font = Font(bold=True)
                label.fill = PatternFill("solid", fgColor="DDEBF7")
                continue
            value = sheet.cell(row=r, column=2)
            put_text(value, line.value or "")
            value.alignment = Alignment(vertical="top", wrap_text=True)
            value.border = border
            lines_needed = sum(max(1, -(-display_width(x) // VALUE_WIDTH)) for x in (line.value or "").split("\n"))
            sheet.row_dimensions[r].height = min(409, 15 * lines_needed)
        sheet.column_dimensions["A"].width = LABEL_WIDTH
        sheet.column_dimensions["B"].width = VALUE_WIDTH
        sheet.page_setup.orientation = "portrait"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    history = book.create_sheet(catalogue.history_table.replace("(", "").replace(")", ""))
    put_text(history.cell(row=1, column=1), catalogue.history_table)
    for c, name in enumerate(HISTORY_COLUMNS, start=1):
        put_text(history.cell(row=2, column=c), name)
    for r, row in enumerate(snapshot.history, start=3):
        for c, text in enumerate(row.cells, start=1):
            put_text(history.cell(row=r, column=c), text)
    for letter, width in zip("ABCDEF", (16, 40, 40, 40, 10, 40), strict=True):
        history.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
