"""How text sits in a spreadsheet cell: the fonts our workbooks use, the lines a text wraps to in a
column, and a row height that shows every line in Excel and in LibreOffice alike.

The rule is conservative in both directions where the two differ (measured, see the numbers below):
a character is as wide as the wider of the two draws it, a column as narrow as the narrower, a line
as tall as the taller. Office suites do not grow rows written by a program, so a row sized too small
clips its last line, and one sized by a cruder rule wastes a third of the page."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from pia_diff.text import cached_when_short

# Cells: ＭＳ ゴシック is on every Windows and in Office for Mac, and it is monospaced, so a column
# holds exactly as many characters as their display width says (a kanji two, a letter one). Where it
# is missing, LibreOffice draws kanji and kana in Noto Sans CJK JP (the same 1 em) and Latin letters
# in DejaVu Sans (wider: ASCII_UNITS).
FONT = "ＭＳ ゴシック"
SIZE = 10.5  # the size of Japanese official documents
# The workbook's standard style sets the unit of column widths (its digit 0). Arial is drawn with the
# same metrics by Excel (Arial) and by LibreOffice everywhere (Liberation Sans, which it bundles): a
# column is as wide in one as in the other. A Japanese standard font would be replaced in LibreOffice
# without it by DejaVu Sans, whose 0 is 27% wider, and every column with it.
GRID_FONT = "Arial"
GRID_SIZE = 11.0
MAX_ROW_HEIGHT = 409.0  # Excel's limit for one row (points)
CELL_LIMIT = 32_767  # characters Excel keeps in one cell
# LibreOffice: a wrapped line of Japanese text is 1.448 em apart (Noto Sans CJK JP's ascent and
# descent); Excel: ＭＳ ゴシック 13.5 pt per line at 11 pt (1.23 em), 游ゴシック and メイリオ 18.75 pt (1.70 em).
LINE_EM = 1.45
TALL_FONTS = ("游", "yu", "メイリオ", "meiryo")
TALL_LINE_EM = 1.71
ROW_PADDING = 1.0  # points: LibreOffice stores heights in 1/100 mm and rounds a 160 pt row down to 159.7
INDENT_PT = 11.0  # one indent level (LibreOffice: 9.1 pt to the right and 1.4 pt less on the right)

# ASCII letters as wide as DejaVu Sans draws them (half-em units, rounded up to 0.05; ＭＳ ゴシック: 1.0).
_WIDER = {
    1.05: "sz",
    1.1: "?c",
    1.15: "L",
    1.2: "Fkvxy",
    1.25: "PTYaeo",
    1.3: "$0123456789ESbdghnpqu{}",
    1.35: "K",
    1.4: "ABCRVXZ",
    1.5: "NU",
    1.55: "DGH",
    1.6: "&OQ",
    1.65: "w",
    1.7: "#+<=>^~",
    1.75: "M",
    1.95: "%m",
    2.0: "@W",
}
ASCII_UNITS = {ch: units for units, chars in _WIDER.items() for ch in chars}
BOLD = 1.2  # DejaVu Sans Bold is up to 19% wider than its regular letters (bold kanji are not)
# JIS X 4051 / Excel's default kinsoku: characters that never start a line, and never end one.
NO_START = set(
    "!%),.:;?]}¢°’”‰′″℃、。々〉》」』】〕〗〙〟ぁぃぅぇぉっゃゅょゎゕゖ゛゜ゝゞァィゥェォッャュョヮヵヶ・ーヽヾ"
    "！％），．：；？］｝｡｣､･ｧｨｩｪｫｬｭｮｯｰﾞﾟ￠…‥"
)
NO_END = set("$([{£¥‘“〈《「『【〔〖〘〝＄（［｛｢￡￥")


@lru_cache(maxsize=8192)
def _units(ch: str) -> float:
    """A character's width in half-ems of the cell font, the wider of Excel's and LibreOffice's."""
    if ch.isascii():
        if ch < " " or ch == "\x7f":
            return 6.0  # a control character is shown as an escape such as \x1b
        return ASCII_UNITS.get(ch, 1.0)
    if unicodedata.combining(ch):
        return 0.0
    if unicodedata.east_asian_width(ch) in ("W", "F", "A"):
        return 2.0  # ambiguous ones too (○ ① ※): full width in a Japanese font
    if "\uff61" <= ch <= "\uff9f":
        return 1.0  # half-width katakana
    return 2.0  # other scripts: as wide as a kanji, to be safe


@dataclass(frozen=True)
class Face:
    """The font of a cell: what its characters' widths and its lines' pitch depend on."""

    name: str = FONT
    size: float = SIZE
    bold: bool = False

    def advance(self, ch: str) -> float:
        units = _units(ch)
        if self.bold and units > 1.0 and ch.isascii():
            units *= BOLD
        return units * self.size / 2

    @property
    def pitch(self) -> float:
        """Points from one wrapped line to the next."""
        tall = any(word in self.name.lower() for word in TALL_FONTS)
        return self.size * (TALL_LINE_EM if tall else LINE_EM)


# The digit 0 of the standard font, in ems: what a column width unit is (other fonts: 0.5, the least).
_DIGIT_EM = {"arial": 0.556, "liberation sans": 0.556, "calibri": 0.507, "carlito": 0.507}


@dataclass(frozen=True)
class Grid:
    """The unit of column widths: the digit 0 of the workbook's standard font."""

    name: str = GRID_FONT
    size: float = GRID_SIZE

    def _digit(self) -> tuple[float, float]:
        em = _DIGIT_EM.get(self.name.lower(), 0.5)
        ppem = math.floor(self.size * 96 / 72 + 0.5)
        return math.floor(em * ppem + 0.5) * 0.75, em * self.size  # Excel (whole pixels), LibreOffice

    def text_width(self, width: float) -> float:
        """Points of text a column `width` units wide holds: Excel keeps 5 pixels of the column for
        its margins, LibreOffice 2 points; 2% spare for Excel's printing at another resolution."""
        excel, office = self._digit()
        return max(0.0, min((width * excel - 3.75) * 0.98, width * office - 2.0))

    def column_width(self, text_pt: float) -> float:
        """The narrowest column width (to 0.1 unit) whose text_width holds text_pt points."""
        excel, office = self._digit()
        width = max((text_pt / 0.98 + 3.75) / excel, (text_pt + 2.0) / office)
        return math.ceil(width * 10) / 10


# A run of printable ASCII but the space (a word), or any one character.
_ATOM = re.compile(r"[!-~]+|.", re.DOTALL)


def _atoms(line: str) -> list[tuple[int, int]]:
    """Spans of a line (no line break inside) that wrap as one: a run of ASCII letters is a word, a
    kanji or kana stands alone; a character that may not start a line holds on to the one before,
    and one that may not end a line to the one after (Excel's kinsoku; LibreOffice breaks more
    freely, and more breaks never give more lines); a combining mark stays with its letter."""
    out: list[tuple[int, int]] = []
    for match in _ATOM.finditer(line):
        start, end = match.span()
        first = line[start]
        before = line[out[-1][1] - 1] if out else " "
        glued = first in NO_START or before in NO_END or (not first.isascii() and unicodedata.combining(first))
        if glued and first != " " and before != " ":
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def wrap(text: str, width_pt: float, face: Face = Face()) -> list[tuple[int, int]]:
    """The lines text wraps to in width_pt points, as (start, end) offsets into text. Line breaks in
    the text are kept; a space at the end of a line hangs in the margin; a word longer than a line
    is broken where the line is full (what both office suites do)."""
    return list(_wrapped(text, width_pt, face))


@cached_when_short(limit=2000, maxsize=4096)
def _wrapped(text: str, width_pt: float, face: Face) -> tuple[tuple[int, int], ...]:
    """wrap, remembered: a workbook repeats its texts (「（略）」, option lists, a version's cells
    written again beside the next version's), and measuring is character by character."""
    lines: list[tuple[int, int]] = []
    offset = 0
    space = face.advance(" ")
    for paragraph in text.split("\n"):
        start, used = offset, 0.0
        for a, b in _atoms(paragraph):
            if b - a == 1 and paragraph[a] == " ":
                if used > 0 or start == offset:  # a space opening a paragraph takes room, one after a wrap does not
                    used += space
                continue
            widths = [face.advance(ch) for ch in paragraph[a:b]]
            if used + sum(widths) > width_pt and used > 0:
                lines.append((start, _trimmed(text, start, offset + a)))
                start, used = offset + a, 0.0
            for k, w in enumerate(widths):  # a word longer than a line: broken where it is full
                if used + w > width_pt and used > 0:
                    lines.append((start, offset + a + k))
                    start, used = offset + a + k, 0.0
                used += w
        lines.append((start, _trimmed(text, start, offset + len(paragraph))))
        offset += len(paragraph) + 1
    return tuple(lines)


def _trimmed(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] == " ":
        end -= 1
    return end


def height(lines: int, face: Face = Face()) -> float:
    """A row height (points) that shows `lines` wrapped lines in full."""
    return round(min(MAX_ROW_HEIGHT, max(1, lines) * face.pitch + ROW_PADDING), 2)


def max_lines(face: Face = Face()) -> int:
    """The most lines one row can show."""
    return int((MAX_ROW_HEIGHT - ROW_PADDING) // face.pitch)


@dataclass(frozen=True)
class Slot:
    """Where a cell's text goes: the points of text its column holds and its font."""

    width_pt: float
    face: Face = Face()


class Run(NamedTuple):
    """The part of a cell's text one row holds: its offsets and the lines it wraps to."""

    start: int
    end: int
    lines: int


def rows_needed(texts: list[str], slots: list[Slot]) -> list[list[Run]]:
    """Each cell's text cut into runs for consecutive rows, so that no row is taller than Excel
    allows and no run longer than a cell keeps: [[Run per row] per cell]. Text runs on in the same
    column of the next row; a cut falls at a line break where one is near."""
    cuts: list[list[Run]] = []
    for text, slot in zip(texts, slots, strict=True):
        lines = wrap(text, slot.width_pt, slot.face)
        most = max_lines(slot.face)
        runs: list[Run] = []
        first = 0
        while first < len(lines):
            last = min(len(lines), first + most)
            while last > first + 1 and lines[last - 1][1] - lines[first][0] > CELL_LIMIT:
                last -= 1
            end = last
            if end < len(lines):
                # prefer to cut after a line that ends a paragraph (a line break in the text)
                ends = [k for k in range(first + 1, end + 1) if _ends_paragraph(text, lines[k - 1][1])]
                if ends and ends[-1] > first + most // 2:
                    end = ends[-1]
            runs.append(Run(lines[first][0], lines[end - 1][1], end - first))
            first = end
        cuts.append(runs)
    return cuts


def _ends_paragraph(text: str, end: int) -> bool:
    """Whether a line ending at `end` ends its paragraph (only spaces before a line break or the end)."""
    while end < len(text) and text[end] == " ":
        end += 1
    return end == len(text) or text[end] == "\n"


def heights(cuts: list[list[Run]], slots: list[Slot]) -> list[float]:
    """The height of each row a cut-up table row takes: its tallest run's."""
    count = max((len(runs) for runs in cuts), default=1)
    return [
        max([height(1)] + [height(r[k].lines, s.face) for r, s in zip(cuts, slots, strict=True) if k < len(r)])
        for k in range(count)
    ]


def row_height(texts: list[str], slots: list[Slot]) -> float:
    """The height of one row holding these texts (each within what one row can show)."""
    tallest = max(
        (height(len(wrap(t, s.width_pt, s.face)), s.face) for t, s in zip(texts, slots, strict=True)), default=0.0
    )
    return max(tallest, height(1))
