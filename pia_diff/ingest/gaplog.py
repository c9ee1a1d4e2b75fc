"""What a walk over a document could not account for: blocks of text no item took, and the parts
and sections of the form whose heading never appeared (snapshot meta, issue 9)."""

from __future__ import annotations

import hashlib
import re

from pia_diff.catalogue import Node
from pia_diff.snapshot import Path
from pia_diff.text import html_to_text, label_key

from .hits import Gap
from .labels import LabelIndex
from .lines import Line

_DEBRIS = re.compile(r"<選択肢>|選択肢|\d+\)|[\[\]()○〇<>件\d,.\-—―]")


class GapLog:
    """Unplaced blocks (one report per block, at its first line) and the headings that were read."""

    def __init__(self, index: LabelIndex) -> None:
        self.index = index
        self.seen: set[Node] = set()  # parts and sections whose heading was read
        self.blocks: list[Gap] = []
        self._open = False  # the last non-blank line was unplaced: a block is running
        self._was_open = False
        self._texts: list[list[str]] = []  # each block's line keys, for its digest

    def heading(self, node: Node) -> None:
        self.seen.add(node)

    def next_line(self) -> None:
        """A non-blank line begins: it ends the running block unless it is unplaced too."""
        self._was_open, self._open = self._open, False

    def unplaced(self, line: Line) -> None:
        if self._was_open:
            self._open = True  # the block goes on
            self._texts[-1].append(line.key)
        elif not self.debris(line.key):  # debris neither starts nor ends a block
            text = " ".join(html_to_text(line.raw).split())
            self.blocks.append(Gap(line.number, text[:40]))
            self._texts.append([line.key])
            self._open = True

    def table_lines(self, lines: list[tuple[int, str]]) -> None:
        """Lines of the 別添2 table that are no row of it: each a block of its own."""
        for number, text in lines:
            self.blocks.append(Gap(number, " ".join(text.split())[:40]))
            self._texts.append([label_key(text)])

    def finished(self) -> list[Gap]:
        """The blocks, each with the digest of its whole text (not only the 40 characters shown)."""
        return [
            Gap(gap.line, gap.text, hashlib.sha256("\n".join(keys).encode("utf-8", "surrogatepass")).hexdigest()[:12])
            for gap, keys in zip(self.blocks, self._texts, strict=True)
        ]

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
