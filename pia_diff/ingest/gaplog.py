"""What a walk over a document could not account for: blocks of text no item took, and the parts
and sections of the form whose heading never appeared (snapshot meta, issue 9)."""

from __future__ import annotations

import re

from pia_diff.catalogue import Node
from pia_diff.forms import vocabulary
from pia_diff.snapshot import Path

from .labels import LabelIndex
from .lines import Line

_WORDS = vocabulary()
_DEBRIS = re.compile(
    f"<{re.escape(_WORDS.option_list)}>|{re.escape(_WORDS.option_list)}|"
    + r"\d+\)|[\[\]()<>\d,.\-—―"
    + re.escape(_WORDS.checked_marks[:2] + _WORDS.count_word)
    + "]"
)


class GapLog:
    """Whether an unplaced line starts or continues a block (the assembler reports the blocks), and
    the headings that were read."""

    def __init__(self, index: LabelIndex) -> None:
        self.index = index
        self.seen: set[Node] = set()  # parts and sections whose heading was read
        self._open = False  # the last non-blank line was unplaced: a block is running
        self._was_open = False

    def heading(self, node: Node) -> None:
        self.seen.add(node)

    def next_line(self) -> None:
        """A non-blank line begins: it ends the running block unless it is unplaced too."""
        self._was_open, self._open = self._open, False

    def unplaced(self, line: Line) -> bool:
        """Note a line no item took; False when it is checkbox or choice debris (no block)."""
        if self._was_open:
            self._open = True  # the block goes on
            return True
        if self.debris(line.key):  # debris neither starts nor ends a block
            return False
        self._open = True
        return True

    def debris(self, key: str) -> bool:
        """Layout left over from a checkbox or choice (「] 移転を行っている （ ） 件」, 「＜選択肢＞」,
        「4） 100人以上500人未満」): nothing but markers, numbering and the form's own option texts."""
        rest = key
        for option in self.index.option_keys:
            if option in rest:
                rest = rest.replace(option, "")
        return not _DEBRIS.sub("", rest)

    def unseen(self) -> list[Path]:
        """Parts (the cover aside) and their numbered sections whose heading was never read; a
        missing part's sections are not listed again unless one of them was read."""
        out: list[Path] = []
        for part in self.index.catalogue.parts[1:]:
            sections = [c for c in part.children if c.label[:1].isdigit()]
            if part not in self.seen:
                out.append((part.segment,))
                if not any(s in self.seen for s in sections):
                    continue
            out += [(part.segment, s.segment) for s in sections if s not in self.seen]
        return out
