"""What every renderer shares about a cell: text never becomes a formula, and screen text is cut to
a display width. Renderers import this, never one another."""

from __future__ import annotations

from pia_diff.text import display_width

# Text a spreadsheet would run as a formula (half- and full-width forms).
FORMULA_START = ("=", "+", "-", "@", "＝", "＋", "－", "＠", "\t", "\r")


def csv_safe(text: str) -> str:
    """A cell that starts like a formula gets a leading apostrophe, as spreadsheets expect."""
    return "'" + text if text.startswith(FORMULA_START) else text


def put_text(cell: object, value: str) -> None:
    """Write text into an openpyxl cell as text: a value starting like a formula must never become one."""
    cell.value = value  # type: ignore[attr-defined]
    if value.startswith(FORMULA_START):
        cell.data_type = "s"  # type: ignore[attr-defined]


def shorten(text: str, width: int, keep_end: bool = False) -> str:
    """Cut text to a display width for the screen only (reports keep the whole text).
    keep_end keeps the tail, where an item path says which item it is."""
    flat = " ".join(text.split())
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
