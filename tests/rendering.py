"""Workbooks printed by LibreOffice and read back from the PDF: the text of every bordered cell box,
where its last line ends, and what lies outside the boxes, for the tests that check that a row
clips nothing and wastes little. The PDF's page header names the sheet (&A)."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

TOLERANCE = 0.35  # points: a glyph this far over a border is still inside (LibreOffice rounds to 1/100 mm)
FOOTER = re.compile(r"^\d+/\d+$")
SOFFICE = shutil.which("soffice")


def _key(data: bytes) -> str:
    """A workbook's content, whenever it was written (openpyxl stamps the time in docProps/core.xml)."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in sorted(archive.namelist()):
            if name != "docProps/core.xml":
                digest.update(name.encode() + archive.read(name))
    return digest.hexdigest()[:24]


def render(books: dict[str, bytes], folder: Path, cache: Path) -> dict[str, Path]:
    """Each workbook printed to PDF by LibreOffice: one run for those not printed before (the PDF of
    a workbook with the same content is kept in `cache`), with its own profile (other runs may go on)."""
    assert SOFFICE is not None
    keys = {name: _key(data) for name, data in books.items()}
    missing = []
    for name, data in books.items():
        if not (cache / f"{keys[name]}.pdf").exists():
            path = folder / f"{keys[name]}.xlsx"
            path.write_bytes(data)
            missing.append(str(path))
    if missing:
        profile = (folder / "profile").as_uri()
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(cache),
                *missing,
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return {name: cache / f"{key}.pdf" for name, key in keys.items()}


def _squeeze(text: str) -> str:
    return "".join(text.split())


@dataclass
class Box:
    """A bordered cell area of one printed page and the characters drawn in it."""

    sheet: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    chars: list[dict[str, Any]] = field(default_factory=list)

    @property
    def text(self) -> str:
        ordered = sorted(self.chars, key=lambda c: (round(c["top"], 0), c["x0"]))
        return _squeeze("".join(c["text"] for c in ordered))

    def outside(self) -> list[str]:
        """Characters drawn over the box's borders: cut off in print."""
        return [
            c["text"]
            for c in self.chars
            if c["top"] < self.top - TOLERANCE
            or c["bottom"] > self.bottom + TOLERANCE
            or c["x0"] < self.x0 - TOLERANCE
            or c["x1"] > self.x1 + TOLERANCE
        ]

    @property
    def spare(self) -> float:
        """Points between the bottom of the last line and the bottom border."""
        return self.bottom - max(c["bottom"] for c in self.chars)

    @property
    def lines(self) -> int:
        return len({round(c["top"], 0) for c in self.chars})


@dataclass
class Printed:
    boxes: list[Box]
    loose: dict[str, list[str]]  # sheet → lines of text outside any box (titles, notes, page numbers)
    sizes: dict[str, float]  # sheet → the point size most of its table text is printed at


def _segments(page: Any) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """(x, top, bottom) of vertical and (y, x0, x1) of horizontal borders; an underline is no border:
    it does not run from one vertical border to another."""
    vertical = [(ln["x0"], ln["top"], ln["bottom"]) for ln in page.lines if abs(ln["x0"] - ln["x1"]) < 0.05]
    flat = [ln for ln in page.lines if abs(ln["top"] - ln["bottom"]) < 0.05]
    # a table wider than the page is cut at its edges: a border may end there
    xs = [x for x, _, _ in vertical] + [
        min((ln["x0"] for ln in flat), default=0),
        max((ln["x1"] for ln in flat), default=0),
    ]

    def on_border(x: float) -> bool:
        return any(abs(x - v) < 0.6 for v in xs)  # a line runs on half its width past the one it meets

    horizontal = [(ln["top"], ln["x0"], ln["x1"]) for ln in flat if on_border(ln["x0"]) and on_border(ln["x1"])]
    return vertical, horizontal


def read_pdf(path: Path) -> Printed:
    import pdfplumber

    boxes: dict[tuple[str, int, float, float, float, float], Box] = {}
    loose: dict[str, list[str]] = defaultdict(list)
    sizes: dict[str, Counter[float]] = defaultdict(Counter)
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            vertical, horizontal = _segments(page)
            first_border = min((y for y, _, _ in horizontal), default=page.height)
            header = [c for c in page.chars if c["bottom"] < first_border and c["top"] < 40]
            sheet = _squeeze(
                "".join(c["text"] for c in sorted(header, key=lambda c: c["x0"]) if c["x0"] > page.width / 2)
            )
            outside: dict[float, list[dict[str, Any]]] = defaultdict(list)
            for char in page.chars:
                if not char["text"].strip():
                    continue
                cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
                left = max((x for x, t, b in vertical if x <= cx and t <= cy <= b), default=None)
                right = min((x for x, t, b in vertical if x >= cx and t <= cy <= b), default=None)
                top = max((y for y, a, b in horizontal if y <= cy and a <= cx <= b), default=None)
                bottom = min((y for y, a, b in horizontal if y >= cy and a <= cx <= b), default=None)
                if None in (left, right, top, bottom):
                    outside[round(char["top"], 0)].append(char)
                    continue
                key = (sheet, number, round(left, 1), round(top, 1), round(right, 1), round(bottom, 1))  # type: ignore[arg-type]
                if key not in boxes:
                    boxes[key] = Box(sheet, number, left, top, right, bottom)  # type: ignore[arg-type]
                boxes[key].chars.append(char)
                sizes[sheet][round(char["size"], 1)] += 1
            for _, chars in sorted(outside.items()):
                loose[sheet].append(_squeeze("".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"]))))
    return Printed(list(boxes.values()), dict(loose), {s: c.most_common(1)[0][0] for s, c in sizes.items()})


@dataclass
class Expected:
    """What a sheet should show: the text of each bordered cell and of each run of cells continued
    downwards without a border between them (any part of such a run may end a page), and the text
    written outside the table."""

    boxed: set[str]
    cells: list[str]
    free: list[str]


def expected(data: bytes) -> dict[str, Expected]:
    book = load_workbook(io.BytesIO(data), rich_text=False)
    out = {}
    for sheet in book.worksheets:
        boxed: set[str] = set()
        cells: list[str] = []
        free: list[str] = []
        for column in sheet.iter_cols():
            run: list[str] = []
            for cell in column:
                if cell.value is None or (cell.coordinate in sheet.merged_cells and not _top_left(sheet, cell)):
                    if run and not _open_below(cell):
                        _close(run, boxed)
                        run = []
                    continue
                text = _squeeze(str(cell.value))
                if not cell.border.left.style and not cell.border.top.style:
                    free.append(text)
                    continue
                cells.append(text)
                run.append(text)
                if not _open_below(cell):
                    _close(run, boxed)
                    run = []
            _close(run, boxed)
        out[sheet.title] = Expected(boxed, cells, free)
    return out


def _top_left(sheet: Any, cell: Any) -> bool:
    return any(m.min_row == cell.row and m.min_col == cell.column for m in sheet.merged_cells.ranges)


def _open_below(cell: Any) -> bool:
    return cell.border.bottom.style is None and cell.border.left.style is not None


def _close(run: list[str], boxed: set[str]) -> None:
    for i in range(len(run)):
        for j in range(i + 1, len(run) + 1):
            boxed.add("".join(run[i:j]))
