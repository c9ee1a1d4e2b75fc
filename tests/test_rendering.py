"""Every workbook the tool writes, printed by LibreOffice: no row clips its text, no row wastes more
than a line, and the tables print at a readable size on A4 (issue 18). The row-height rule is
tested against the rendering itself, read back from the PDF (tests/rendering.py)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pia_diff.pipeline import compare_files, remarks
from pia_diff.report.excel import BASIS_SHEET, COMPARISON_SHEET, SHEET, diff_workbook
from pia_diff.report.into import into_workbook
from pia_diff.report.layout import Face

from .rendering import FOOTER, SOFFICE, Expected, Printed, expected, read_pdf, render
from .test_into import edited_export, hand_built

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "asahikawa"
DAY = dt.date(2026, 1, 15)


def _books(folder: Path) -> dict[str, bytes]:
    """The `diff` workbook (whole texts, so that long ones run on over rows; remarks under the
    判定根拠 table), 003's `export` with two rows written `--into` it, and a city's own workbook."""
    result = compare_files(SAMPLE / "old.txt", SAMPLE / "new.txt", DAY, full_text=True)
    notes = [*remarks(result), ("注意", "確認事項の例: " + "長い説明が続きます。" * 12)]
    old, edited = edited_export(folder, "①請求先", "〒070-8525 旭川市7条通9丁目48番地 (総合庁舎2階)")
    into_rows = compare_files(old, edited, DAY).rows
    return {
        "diff": diff_workbook(result.old.history, result.rows, notes).data,
        "export": into_workbook(edited.read_bytes(), into_rows, edited.name).data,
        "hand": into_workbook(hand_built(), into_rows, "hand.xlsx").data,
    }


@pytest.fixture(scope="module")
def printed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("rendered")
    books = _books(folder)
    pdfs = render(books, folder, request.config.cache.mkdir("rendered"))
    out = {}
    for name, data in books.items():
        sheets = {"".join(k.split()): v for k, v in expected(data).items()}
        out[name] = (sheets, read_pdf(pdfs[name]), data)
    return out


NAMES = ["diff", "export", "hand"]
OURS = ["diff", "export"]  # the hand-built workbook has no page header naming its sheets


def _expected(sheets: dict[str, Expected], sheet: str) -> Expected:
    """A sheet's expectations; a page without our page header (the user's own workbook) may be any sheet."""
    if sheet in sheets:
        return sheets[sheet]
    return Expected(
        set().union(*(e.boxed for e in sheets.values())),
        [c for e in sheets.values() for c in e.cells],
        [f for e in sheets.values() for f in e.free],
    )


@pytest.mark.parametrize("name", NAMES)
def test_every_cell_prints_whole_inside_its_borders(printed, name: str) -> None:
    sheets, pdf, _ = printed[name]
    assert pdf.boxes
    for box in pdf.boxes:
        where = f"{box.sheet} p.{box.page}"
        # a clipped last line leaves the box short (its glyphs land below the border, in no box or the next)
        assert box.text in _expected(sheets, box.sheet).boxed, f"{where}: {box.text[:60]}…"
        assert box.outside() == [], f"{where}: {box.text[:40]}"
    for sheet, wanted in sheets.items():
        shown = [b.text for b in pdf.boxes if b.sheet in (sheet, "")]
        missing = [t for t in wanted.cells if t and not any(t in s for s in shown)]
        assert missing == [], f"{sheet}: {missing[:3]}"


@pytest.mark.parametrize("name", NAMES)
def test_nothing_of_a_table_is_printed_outside_it(printed, name: str) -> None:
    """Text outside every box is a page header or footer, or text written outside the table."""
    sheets, pdf, _ = printed[name]
    for sheet, lines in pdf.loose.items():
        free = _expected(sheets, sheet).free
        for line in lines:
            rest = line
            for text in sorted(free, key=len, reverse=True):  # cells side by side print as one line
                rest = rest.replace(text, "")
            assert line == sheet or FOOTER.match(line) or rest == "" or any(line in f for f in free), f"{sheet}: {line}"


def _spare_lines(pdf: Printed) -> list[tuple[str, float, int]]:
    """Per printed row (the boxes sharing its top and bottom): the fullest box's space below its last
    line, in lines of text; an exact fit leaves pitch - ascent below the last line (0 lines)."""
    rows: dict[tuple[str, int, float, float], list] = {}
    for box in pdf.boxes:
        rows.setdefault((box.sheet, box.page, round(box.top, 1), round(box.bottom, 1)), []).append(box)
    out = []
    for (sheet, _, _, _), boxes in rows.items():
        scale = pdf.sizes[sheet] / Face().size
        pitch = Face().pitch * scale
        exact = pitch - 12.25 * scale  # measured: 2.75 pt above the first line, 10.5 pt of glyph
        fullest = min(boxes, key=lambda b: b.spare)
        out.append((sheet, (fullest.spare - exact) / pitch, fullest.lines))
    return out


@pytest.mark.parametrize("name", OURS)  # hand: 游ゴシック rows are sized for Excel's taller lines
def test_no_row_wastes_more_than_a_line(printed, name: str) -> None:
    spare = _spare_lines(printed[name][1])
    assert spare
    # a line, and a tenth more in a long cell: the rule sizes for Excel's narrower columns
    too_much = [(sheet, s, lines) for sheet, s, lines in spare if s > 1.2 + 0.1 * lines]
    assert too_much == []
    # most rows fit their text to the line
    assert sum(s < 0.5 for _, s, _ in spare) >= 0.7 * len(spare)


def test_the_tables_print_at_a_readable_size(printed) -> None:
    sizes = printed["diff"][1].sizes
    squeeze = lambda s: "".join(s.split())  # noqa: E731
    assert sizes[squeeze(SHEET)] >= 9.5
    assert sizes[squeeze(BASIS_SHEET)] == sizes[squeeze(COMPARISON_SHEET)] == 10.5  # not shrunk
    assert min(printed["export"][1].sizes.values()) >= 9.5


def test_every_sheet_was_printed(printed) -> None:
    for name in OURS:
        _, pdf, data = printed[name]
        titles = {"".join(t.split()) for t in load_workbook(io.BytesIO(data)).sheetnames}
        assert {b.sheet for b in pdf.boxes} == titles, name
