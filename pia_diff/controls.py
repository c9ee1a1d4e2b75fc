"""Control characters made visible: one convention for every output (terminal, CSV, workbook, YAML).

A control character is never written raw: ESC (U+001B) would start an escape sequence in a terminal,
and XML (so a workbook cell) cannot hold most of them. Each is shown as a backslash escape of its
code, ESC as \\x1b, NEL (U+0085) as \\x85, a lone surrogate or U+FFFF as \\udc80 or \\uffff: plain
ASCII, which every terminal, font and spreadsheet shows. Tab, line feed and carriage return are
text layout and are kept (each renderer lays them out its own way)."""

from __future__ import annotations

import re

# C0 controls but tab, line feed and carriage return; DEL; the C1 controls; UTF-16 surrogates left
# alone by a decoder (a snapshot's "\ud800"); the two non-characters XML refuses.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """text with every control character shown as its escape (ESC as \\x1b); the text itself when it holds none."""
    if _CONTROLS.search(text) is None:
        return text
    return _CONTROLS.sub(_escape, text)


def has_controls(text: str) -> bool:
    return _CONTROLS.search(text) is not None
