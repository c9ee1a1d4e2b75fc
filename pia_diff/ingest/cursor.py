"""Where in the form the parser stands (part → section → entity → group), as an immutable value.

Every move returns a new cursor; looking a label up never moves it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from pia_diff.catalogue import TITLE, Node
from pia_diff.snapshot import Path

from .labels import LabelIndex, reachable


class Scope(NamedTuple):
    node: Node
    path: Path


class Match(NamedTuple):
    """A label found for a cell key: the item, its path, how much of the key the label took, and
    the cursor standing on it."""

    node: Node
    path: Path
    length: int
    cursor: Cursor


@dataclass(frozen=True)
class Cursor:
    scopes: tuple[Scope, ...]

    @classmethod
    def at_part(cls, part: Node) -> Cursor:
        return cls((Scope(part, (part.segment,)),))

    @property
    def part(self) -> Node:
        return self.scopes[0].node

    def enter(self, depth: int, node: Node) -> Cursor:
        """Keep the scopes down to `depth`, then open the groups leading to `node` (itself if a group)."""
        walker: Node | None = node.parent if node.is_leaf else node
        if walker is self.scopes[depth].node:  # an item of that scope, the common case: nothing to open
            return self if depth == len(self.scopes) - 1 else Cursor(self.scopes[: depth + 1])
        base = list(self.scopes[: depth + 1])
        chain: list[Node] = []
        while walker is not None and walker is not base[-1].node:
            chain.append(walker)
            walker = walker.parent
        prefix = base[-1].path
        for group in reversed(chain):
            prefix = (*prefix, group.segment)
            base.append(Scope(group, prefix))
        return Cursor(tuple(base))

    def at_entity(self, entity: Node, segment: str) -> Cursor:
        """Stand in entity `segment` ('委託事項3') of the entity item `entity`, in its own part."""
        part = entity.part
        cursor = self if self.part is part else Cursor.at_part(part)
        scopes = list(cursor.scopes[:1])
        path = scopes[0].path
        for group in [a for a in reversed(entity.ancestors()) if a.parent is not None]:
            path = (*path, group.segment)
            scopes.append(Scope(group, path))
        scopes.append(Scope(entity, (*path, segment)))
        return Cursor(tuple(scopes))

    def title_path(self) -> Path:
        """Path of the current entity's own name item."""
        return (*self.scopes[-1].path, TITLE)

    def find(self, key: str, index: LabelIndex, filled: Callable[[Path], bool]) -> Match | None:
        """The best label for a cell key: from the innermost scope out, the longest label; among
        equals, one not filled yet, then the first in form order. Failing that, the one numbered
        section of any part it names (an extract that lost a part heading)."""
        candidates = index.candidates(key)
        if not candidates:
            return None
        for depth in range(len(self.scopes) - 1, -1, -1):
            scope = self.scopes[depth]
            places = reachable(scope.node)
            # the longest labels in reach; whether an item is filled only decides among those
            longest = 0
            tied: list[tuple[int, Node, Path]] = []
            for candidate in candidates:
                place = places.get(candidate.node)
                if place is None or candidate.length < longest:
                    continue
                if candidate.length > longest:
                    longest, tied = candidate.length, []
                tied.append((place[0], candidate.node, place[1]))
            if not tied:
                continue
            if len(tied) == 1:
                _, node, relative = tied[0]
                path = scope.path + relative
            else:
                ranked = [(not filled(scope.path + relative), -order, node, relative) for order, node, relative in tied]
                _, _, node, relative = max(ranked, key=lambda rank: rank[:2])
                path = scope.path + relative
            return Match(node, path, longest, self.enter(depth, node))
        sections = [
            c.node
            for c in candidates
            if c.node.parent is not None
            and c.node.parent.parent is None
            and c.node.label[:1].isdigit()
            and c.length == max(len(k) for k in c.node.keys)
        ]
        if len(sections) == 1:
            section = sections[0]
            moved = Cursor.at_part(section.part)
            return Match(
                section, (section.part.segment, section.segment), len(section.keys[0]), moved.enter(0, section)
            )
        return None

    def find_marker_item(self, text: str, index: LabelIndex) -> Match | None:
        """A cell like '[] 委託しない' (its markers removed: `text`): a checkbox item whose label is
        its only option, within the cursor's scopes."""
        for depth in range(len(self.scopes) - 1, -1, -1):
            scope = self.scopes[depth]
            places = reachable(scope.node)
            for node in sorted((n for n in index.marker_items if n in places), key=lambda n: places[n][0]):
                if text.startswith(index.option_key(node)):
                    path = scope.path + places[node][1]
                    return Match(node, path, 0, self.enter(depth, node))
        return None
