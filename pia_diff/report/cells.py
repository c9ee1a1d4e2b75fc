"""What every renderer shares about a cell: control characters shown, never raw (pia_diff.controls
says how), text never becomes a formula, and screen text is cut to a display width. Renderers import
this, never one another."""

from __future__ import annotations

from pia_diff.controls import visible
from pia_diff.text import display_width

__all__ = ["FORMULA_START", "csv_safe", "put_text", "screen", "shorten", "shorten_pair", "visible"]

# Text a spreadsheet would run as a formula (half- and full-width forms).
FORMULA_START = ("=", "+", "-", "@", "＝", "＋", "－", "＠", "\t", "\r")


def csv_safe(text: str) -> str:
    """A CSV cell: control characters shown; one that starts like a formula gets a leading apostrophe,
    as spreadsheets expect."""
    text = visible(text)
    return "'" + text if text.startswith(FORMULA_START) else text


def put_text(cell: object, value: str) -> None:
    """Write text into an openpyxl cell as text: control characters shown (openpyxl refuses most of them,
    and XML cannot hold them), and a value starting like a formula never becomes one."""
    value = visible(value)
    cell.value = value  # type: ignore[attr-defined]
    if value.startswith(FORMULA_START):
        cell.data_type = "s"  # type: ignore[attr-defined]


def screen(value: object) -> str:
    """Any value as the text of a terminal table's cell, control characters shown."""
    return visible(str(value))


def shorten(text: str, width: int, keep_end: bool = False) -> str:
    """Cut text to a display width for the screen only (reports keep the whole text), on one line,
    control characters shown. keep_end keeps the tail, where an item path says which item it is."""
    flat = " ".join(visible(text).split())
    if display_width(flat) <= width:
        return flat
    chars = list(reversed(flat)) if keep_end else list(flat)
    out: list[str] = []
    used = 1
    for ch in chars:
        used += display_width(ch)
        if used > width:
            break
        out.append(ch)
    return "…" + "".join(reversed(out)) if keep_end else "".join(out) + "…"


# Characters shown before the first difference when a pair is cut to show it.
LEAD = 6


def shorten_pair(before: str, after: str, width: int) -> tuple[str, str]:
    """Two versions of a text cut to a display width so that where they first differ is on screen: when
    it lies past the width (「…旭川市7条通9丁目48番地(総合庁舎3階)」 → 4階), both start a few
    characters before it, at the same place, after 「…」."""
    flat = [" ".join(visible(text).split()) for text in (before, after)]
    same = 0
    for x, y in zip(*flat, strict=False):
        if x != y:
            break
        same += 1
    if flat[0] == flat[1] or display_width(flat[0][: same + 1]) + LEAD <= width:
        return shorten(before, width), shorten(after, width)
    start = same - LEAD
    cut = ["…" + text[start:] for text in flat]
    return shorten(cut[0], width), shorten(cut[1], width)
