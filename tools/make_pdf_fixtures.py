"""Lay samples out as the official 様式3 prints them (.xlsx via openpyxl), then print to PDF with LibreOffice.

Usage: python tools/make_pdf_fixtures.py [OUT_DIR]   (default: tests/data/pdf)

Needs LibreOffice (`soffice`) and the Noto CJK fonts; the tests only need the PDFs this writes.
Each seed line (one table row, cells TAB-separated, HTML debris inside cells) becomes one bordered
row: the label in a merged A:B cell, the value in a merged cell to the right; a choice cell is
split into its 「[ 選択値 ]」 and a ＜選択肢＞ box; HTML checkboxes become 「[ ○ ]」/「[ ]」.
One long value is broken across a page break, the 別添2 table runs over two pages with one row
split across the break, and every page has a header and a page-number footer.
"""

from __future__ import annotations

import html
import math
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.pagebreak import Break, RowBreak

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "data" / "seeds"
WIDTHS = {"A": 14, "B": 14, "C": 26, "D": 26, "E": 9, "F": 26}
FONT = "Noto Sans CJK JP"
LINE_PT = 12.5
MAX_ROW_PT = 380.0
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

_CHECKED = re.compile(r"<input\b[^>]*\bchecked\b[^>]*>", re.I)
_INPUT = re.compile(r"<input\b[^>]*>", re.I)
_BLOCK = re.compile(r"</?(?:p|li|br|tr|ol|ul|div|table)\b[^>]*>", re.I)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_CHOICES = re.compile(r"[<＜]\s*選択肢\s*[>＞]")


def plain(raw: str) -> str:
    """A cell's HTML as a person sees it printed: checkboxes as [ ○ ] / [ ], blocks as lines."""
    text = re.sub(r"\[\s*(<input\b[^>]*>)\s*\]", r"\1", raw)  # one box, drawn once
    text = _CHECKED.sub("[ ○ ]", text)
    text = _INPUT.sub("[ ]", text)
    text = _BLOCK.sub("\n", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = re.sub(r"\[\s*○\s*\]", "[ ○ ]", text)
    text = re.sub(r"\[\s*\]", "[ ]", text)
    lines = [re.sub(r"[ \t\u3000\xa0]+", " ", ln).strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def split_choice(text: str) -> tuple[str, str] | None:
    """'[実施しない] ＜選択肢＞ 1) 実施する 2) …' → ('[ 実施しない ]', '＜選択肢＞\\n1) 実施する\\n2) …')."""
    parts = _CHOICES.split(text, maxsplit=1)
    if len(parts) != 2 or not parts[0].strip().startswith("["):
        return None
    options = re.sub(r"\s*(\d\))", r"\n\1", parts[1].strip()).strip()
    head = re.sub(r"\[\s*(.*?)\s*\]", lambda m: f"[ {m.group(1)} ]" if m.group(1) else "[ ]", parts[0].strip())
    return head, "＜選択肢＞\n" + options


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: str, chars: float) -> int:
    return sum(max(1, math.ceil(width(par) / chars)) for par in text.split("\n")) if text else 1


def chunks(text: str, chars: float) -> list[str]:
    """Split a value at paragraph ends into pieces that each fit in one printable row."""
    out: list[str] = []
    current: list[str] = []
    for par in text.split("\n"):
        trial = "\n".join([*current, par])
        if current and lines_needed(trial, chars) * LINE_PT > MAX_ROW_PT:
            out.append("\n".join(current))
            current = []
        current.append(par)
    out.append("\n".join(current))
    return out


class Sheet:
    """Writes rows into one worksheet laid out like the printed form."""

    def __init__(self, title: str) -> None:
        self.book = Workbook()
        self.ws = self.book.active
        self.ws.title = "評価書"
        for col, w in WIDTHS.items():
            self.ws.column_dimensions[col].width = w
        self.row = 1
        self.breaks: list[int] = []
        # rows whose label cell (A:B) is merged down over the rows below it: start → end
        self.label_rows: dict[int, int] = {}
        self.labelled = 0
        ws = self.ws
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "portrait"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.oddHeader.right.text = title
        ws.oddHeader.right.size = 8
        ws.oddFooter.center.text = "- &P -"
        ws.oddFooter.center.size = 8

    def put(self, spans: list[tuple[str, str, str]], bordered: bool = True, bold: bool = False) -> None:
        """spans: (first column, last column, text); one printed table row."""
        height = 1
        for first, last, text in spans:
            chars = sum(WIDTHS[c] for c in "ABCDEF"[ord(first) - 65 : ord(last) - 64]) * 0.95
            height = max(height, lines_needed(text, chars))
            cell = self.ws[f"{first}{self.row}"]
            cell.value = text or None
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(name=FONT, size=9, bold=bold)
            if first != last:
                self.ws.merge_cells(f"{first}{self.row}:{last}{self.row}")
            if bordered:
                for col in "ABCDEF"[ord(first) - 65 : ord(last) - 64]:
                    self.ws[f"{col}{self.row}"].border = BOX
        self.ws.row_dimensions[self.row].height = height * LINE_PT + 3
        self.row += 1

    def under_label(self) -> None:
        """The row just written belongs under the label of the last labelled row (one tall cell)."""
        if self.labelled:
            self.label_rows[self.labelled] = self.row - 1

    def page_break(self) -> None:
        self.breaks.append(self.row - 1)

    def save(self, path: Path) -> None:
        for start, end in self.label_rows.items():
            self.ws.unmerge_cells(f"A{start}:B{start}")
            for row in range(start + 1, end + 1):
                self.ws.unmerge_cells(f"A{row}:B{row}")
            self.ws.merge_cells(f"A{start}:B{end}")
        self.ws.row_breaks = RowBreak()
        for row in self.breaks:
            self.ws.row_breaks.append(Break(id=row))
        self.book.save(path)


def layout(lines: list[str], sheet: Sheet, long_break: str | None, history_break: int | None) -> None:
    """Seed lines to printed rows. long_break: the label whose long value is split over a page
    break; history_break: after how many 別添2 rows the table continues on the next page (that row
    itself is split over the break)."""
    in_history = False
    history_rows = 0
    for number, line in enumerate(lines):
        if not line.strip() or line.strip() == "\f":
            continue
        cells = [plain(c) for c in line.split("\t")]
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
        if number == 0 or (len(cells) == 1 and not in_history and _is_part(cells[0])):
            sheet.put([("A", "F", cells[0])], bordered=False, bold=True)
            if "変更箇所" in cells[0]:
                in_history = True
            continue
        if in_history and len(cells) >= 6:
            cells = [*cells[:5], " ".join(cells[5:]).strip()]
            spans = list(zip("ABCDEF", "ABCDEF", cells, strict=True))
            history_rows += 1
            if history_rows == history_break:
                # the row runs over the page break: 変更前/変更後 continue in an unlabelled row
                # at a printed line's end, as a printer breaks it (column D holds 19 characters a line)
                cut = max(19, len(spans[3][2]) // 2 // 19 * 19)
                first = [(a, b, t if a != "D" else t[:cut]) for a, b, t in spans]
                rest = [(a, b, t[cut:] if a == "D" else "") for a, b, t in spans]
                sheet.put(first)
                sheet.page_break()
                sheet.put(rest)
                continue
            sheet.put(spans)
            continue
        if len(cells) == 1:
            sheet.put([("A", "F", cells[0])])
            continue
        label, values = cells[0], cells[1:]
        if label:
            sheet.labelled = sheet.row
        choice = split_choice(values[0]) if len(values) == 1 else None
        if choice is not None:
            sheet.put([("A", "B", label), ("C", "D", choice[0]), ("E", "F", choice[1])])
            continue
        if len(values) == 1:
            pieces = chunks(values[0], sum(WIDTHS[c] for c in "CDEF") * 0.95)
            if long_break and label.startswith(long_break) and len(pieces) == 1:
                paras = values[0].split("\n")
                pieces = ["\n".join(paras[: len(paras) // 2]), "\n".join(paras[len(paras) // 2 :])]
            for i, piece in enumerate(pieces):
                if i and long_break and label.startswith(long_break):
                    sheet.page_break()
                sheet.put([("A", "B", label if i == 0 else ""), ("C", "F", piece)])
            continue
        columns = ["C", "D", "E", "F"][: len(values)]
        spans = [("A", "B", label)]
        for i, (col, text) in enumerate(zip(columns, values, strict=False)):
            last = "F" if i == len(columns) - 1 else col
            spans.append((col, last, text))
        if len(values) > 4:
            spans[-1] = ("F", "F", "\n".join(values[3:]))
        sheet.put(spans)
        if not label:
            sheet.under_label()  # 「⇥使用者数⇥…」 under 「④使用の主体」: the official form merges the label down


def _is_part(text: str) -> bool:
    return bool(re.match(r"^(?:[IⅠⅡⅢⅣⅤ]+|[IV]+)\s|^\(別添[12]\)", text))


def edit(lines: list[str], label: str, old: str, new: str) -> list[str]:
    """Replace text in the value of the row whose first cell starts with label (exactly once)."""
    hits = [i for i, ln in enumerate(lines) if ln.split("\t")[0].startswith(label) and old in ln]
    assert len(hits) == 1, (label, hits)
    out = list(lines)
    out[hits[0]] = out[hits[0]].replace(old, new)
    return out


def render(lines: list[str], out: Path, title: str, long_break: str | None, history_break: int | None) -> None:
    sheet = Sheet(title)
    layout(lines, sheet, long_break, history_break)
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = Path(tmp) / (out.stem + ".xlsx")  # the workbook is a step, not a fixture
        sheet.save(xlsx)
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
             "--outdir", tmp, str(xlsx)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        shutil.move(Path(tmp) / (xlsx.stem + ".pdf"), out)
    print(f"{out} ({out.stat().st_size // 1024} KB)")


def seed(prefix: str) -> list[str]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8").split("\n")


# The revision pair made from 003: a ※ item and a non-※ item edited (see tests/cases/asahikawa_pdf).
EDITS = [
    ("①部署", "市民生活部市民課", "市民生活部国民年金課"),
    ("③対象となる本人の範囲", "・老齢基礎年金等請求者", "・老齢基礎年金等の請求者"),
]


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    s001, s003 = seed("001"), seed("003")
    render(s001, out / "001_kawaguchi.pdf", "川口市 国民年金に関する事務 重点項目評価書", "②システムの機能", 20)
    render(s003, out / "003_asahikawa.pdf", "国民年金に関する事務 重点項目評価書", "保管場所", 3)
    revised = s003
    for label, old, new in EDITS:
        revised = edit(revised, label, old, new)
    render(revised, out / "003_asahikawa_revised.pdf", "国民年金に関する事務 重点項目評価書", "保管場所", 3)
    # A 20-30 page assessment for bench/bench_pdf.py: 001 with its 別添2 history repeated.
    start = next(i for i, ln in enumerate(s001) if ln.startswith("(別添2)"))
    history = [ln for ln in s001[start + 1 :] if ln.count("\t") >= 5]
    long = s001 + history
    render(long, out / "long_25p.pdf", "川口市 国民年金に関する事務 重点項目評価書", "②システムの機能", 20)


if __name__ == "__main__":
    main()
