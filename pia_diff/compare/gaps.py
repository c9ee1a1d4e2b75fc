"""What could not be compared: parts of a version that were not read or not found (issue 9 §5).

A change table is only as complete as the two readings behind it. Sections that one version
shows and the other does not, and text the parser could not place, are named here so that
`diff` warns and `check` refuses to pass (「確認できない部分があります」)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pia_diff.catalogue import Catalogue, Kind, Node
from pia_diff.model import render
from pia_diff.snapshot import Path, Snapshot, item_label
from pia_diff.values import Certainty

# At most this many unplaced blocks are named one by one; the rest are counted.
SHOWN = 5


@dataclass(frozen=True)
class Gap:
    """One part of a version that could not be compared."""

    version: str  # 前の版 / 新しい版
    source: str  # the document's file name
    where: str  # the item path or line it concerns
    problem: str
    path: Path = ()  # the item or section it concerns, where it is one (the safety net counts it as reported)

    @property
    def message(self) -> str:
        return f"{self.version} ({self.source}) の {self.where}: {self.problem}"


def _sections(catalogue: Catalogue) -> list[tuple[Node, Path]]:
    """The form's parts and numbered sections (entities aside): what a reader can lose a header of."""
    out: list[tuple[Node, Path]] = []
    for part in catalogue.parts:
        if part.is_leaf:
            continue
        out.append((part, (part.segment,)))
        for child in part.children:
            if child.kind is Kind.GROUP:
                out.append((child, (part.segment, child.segment)))
    return out


def _shown(snapshot: Snapshot) -> tuple[set[Path], set[Path]]:
    """The parts and sections (paths of one and two segments, file keys of multi-file documents
    skipped) under which the version found an item, and found one with a value: each item looked
    at once, not once per section."""
    found: set[Path] = set()
    filled: set[Path] = set()
    for path, item in snapshot.fields.items():
        if item.certainty is Certainty.MISSING:
            continue
        key = path[:1] + path[2:] if snapshot.files and len(path) > 1 and path[1] in snapshot.files else path
        found.update((key[:1], key[:2]))
        if item.value not in (None, ""):
            filled.update((key[:1], key[:2]))
    return found, filled


def _unplaced(snapshot: Snapshot, other: Snapshot, version: str) -> list[Gap]:
    """Blocks this version could not place that the other version does not have word for word
    (the same unplaced block in both hides no change)."""
    source = snapshot.source or version
    theirs = Counter(b.digest for b in other.meta.unplaced)
    blocks = []
    for block in snapshot.meta.unplaced:
        digest = block.digest
        if digest and theirs[digest] > 0:
            theirs[digest] -= 1
            continue
        blocks.append(block)
    gaps: list[Gap] = []
    for block in blocks[:SHOWN]:
        line = block.line
        text = block.text
        gaps.append(
            Gap(version, source, f"{line} 行目" if line else "位置不明", f"様式の項目に当てはめられない記載「{text}」")
        )
    if len(blocks) > SHOWN:
        gaps.append(Gap(version, source, "ほか", f"当てはめられない記載がさらに {len(blocks) - SHOWN} 箇所"))
    # A heading the parser never saw is not a gap by itself: the items under it are still placed
    # by their labels (marked uncertain), and a section really lost is a gap of gaps() below.
    return gaps


def gaps(old: Snapshot, new: Snapshot, catalogue: Catalogue, not_found: list[Path] | None = None) -> list[Gap]:
    """Sections one version shows and the other does not, items found in one version only
    (diff.Differences.not_found), and what either parser could not place."""
    found: list[Gap] = []
    lost: set[Path] = set()
    (old_found, old_filled), (new_found, new_filled) = _shown(old), _shown(new)
    for node, section in _sections(catalogue):
        # lost: one version has values there and the other did not find a single item of it (an
        # exported workbook shows the empty items a text lacked: that loses nothing)
        lost_new = section in old_filled and section not in new_found
        lost_old = section in new_filled and section not in old_found
        if not (lost_new or lost_old) or section[:1] in lost:
            continue  # a part reported as a whole is not reported again section by section
        lost.add(section)
        version, snapshot = ("新しい版", new) if lost_new else ("前の版", old)
        found.append(
            Gap(
                version,
                (snapshot.source or version),
                item_label(section),
                f"もう一方の版にある「{node.label}」が見つかりません (読み取れなかったのか、削除されたのかを原本で確認してください)",
                section,
            )
        )
    for path in not_found or []:
        if any(path[: len(s)] == s or (len(path) > 1 and path[:1] + path[2:3] == s) for s in lost):
            continue  # inside a part or section reported above
        version, snapshot = ("新しい版", new) if _lacks(new, path) else ("前の版", old)
        found.append(
            Gap(
                version,
                (snapshot.source or version),
                item_label(path, new.files or old.files),
                "もう一方の版に記載のある項目が見つかりません (削除ではなく読み取れなかった可能性があります)",
                path,
            )
        )
    return found + _unplaced(old, new, "前の版") + _unplaced(new, old, "新しい版") + _two_readings(new, old)


def _two_readings(new: Snapshot, old: Snapshot) -> list[Gap]:
    """Items the new version prints in two places with two different values (a repeated row, a name
    beside an entity's heading): which one is meant cannot be told (issue 17 §3). One the old version
    already printed the same way is not this revision's doing."""
    out = []
    for path, item in new.fields.items():
        before = old.fields.get(path)
        if not item.copies or (before is not None and before.copies == item.copies and before.value == item.value):
            continue
        for copy in item.copies:
            shown = (render(item.value)[:40], render(copy)[:40])
            out.append(
                Gap(
                    "新しい版",
                    new.source or "新しい版",
                    item_label(path, new.files),
                    f"同じ項目が2か所に違う記載で書かれています (「{shown[0]}」と「{shown[1]}」)。どちらが正しいか原本で確認してください",
                    path,
                )
            )
    return out


def _lacks(snapshot: Snapshot, path: Path) -> bool:
    """The version does not show the item (read as missing) or the entity (no item under it)."""
    item = snapshot.fields.get(path)
    if item is not None:
        return item.certainty is Certainty.MISSING
    return not any(p[: len(path)] == path for p in snapshot.fields)
