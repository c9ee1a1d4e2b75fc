"""Pairing repeated entities (システムn, 委託事項n, 提供先n, 移転先n, 特定個人情報ファイル) across
two versions by what they contain, so that a deletion or a renumbering is not read as edits."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from pia_diff.catalogue import Catalogue, Kind
from pia_diff.snapshot import Field, Path, Snapshot

# Below this similarity (0–100) two entities are not the same one: one was removed, one added.
MIN_SIMILARITY = 55.0
# The entity's name (its first item: 名称 or ①システムの名称) weighs as much as all its other items.
NAME_WEIGHT = 0.5
# Equal scores keep the document's own numbering (deterministic, and what a reader expects).
SAME_NUMBER_BONUS = 0.5

_FILE_KEY = re.compile(r"^\(\d+\)$")


@dataclass(frozen=True)
class Renumbering:
    """One entity (or file) that is the same in both versions under another number."""

    old: Path
    new: Path
    similarity: float


Content = dict[Path, str]


def _instances(texts: Mapping[Path, str], is_entity: Callable[[Path], bool]) -> dict[Path, dict[Path, Content]]:
    """slot (parent path + entity label) → {entity path → {relative item path → comparable text}}."""
    slots: dict[Path, dict[Path, Content]] = {}
    for path, text in texts.items():
        for cut in range(1, len(path)):
            prefix = path[:cut]
            if is_entity(prefix):
                slot = (*prefix[:-1], prefix[-1].rstrip("0123456789"))
                slots.setdefault(slot, {}).setdefault(prefix, {})[path[cut:]] = text
                break
    return slots


def _similarity(a: Content, b: Content, name: Path | None) -> float:
    from rapidfuzz import fuzz

    # items empty in both say nothing of whether two entities are one (a file's many empty items
    # would make any two files look alike)
    keys = sorted(k for k in set(a) | set(b) if a.get(k) or b.get(k))
    if not keys:
        return 100.0
    scores = [100.0 if a.get(k, "") == b.get(k, "") else fuzz.ratio(a.get(k, ""), b.get(k, "")) for k in keys]
    overall = sum(scores) / len(scores)
    if name is None or not (a.get(name) and b.get(name)):
        return overall  # a name one version does not show (its heading line lost) weighs nothing
    named = 100.0 if a.get(name, "") == b.get(name, "") else fuzz.ratio(a.get(name, ""), b.get(name, ""))
    return NAME_WEIGHT * named + (1 - NAME_WEIGHT) * overall


def assign(scores: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
    """Optimal one-to-one assignment maximising the total score (Hungarian method, O(n³)).

    Rectangular matrices are padded with zero scores; the padded pairs are not returned."""
    rows, cols = len(scores), len(scores[0]) if scores else 0
    n = max(rows, cols)
    if n == 0:
        return []
    top = max((v for row in scores for v in row), default=0.0)
    cost = [[top - (scores[i][j] if i < rows and j < cols else 0.0) for j in range(n)] for i in range(n)]
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (n + 1)
    match, way = [0] * (n + 1), [0] * (n + 1)  # match[j]: row assigned to column j (1-based)
    for i in range(1, n + 1):
        match[0], j0 = i, 0
        minv, used = [inf] * (n + 1), [False] * (n + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = match[j0], inf, 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if match[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
    return sorted((match[j] - 1, j - 1) for j in range(1, n + 1) if match[j] - 1 < rows and j - 1 < cols)


def _pair_slot(old: dict[Path, Content], new: dict[Path, Content], name: Path | None) -> list[tuple[Path, Path, float]]:
    """(old entity, new entity, similarity) for the entities of one slot that are the same one."""
    pairs: list[tuple[Path, Path, float]] = []
    old_left, new_left = dict(old), dict(new)
    # Identical content pairs at once (most entities of a revision are untouched): same key first.
    by_content: dict[tuple[tuple[Path, str], ...], list[Path]] = {}
    for key, content in sorted(old_left.items()):
        by_content.setdefault(tuple(sorted(content.items())), []).append(key)
    for key in sorted(new_left, key=lambda k: (k not in old_left, k)):
        candidates = by_content.get(tuple(sorted(new_left[key].items())))
        if candidates:
            chosen = key if key in candidates else candidates[0]
            candidates.remove(chosen)
            pairs.append((chosen, key, 100.0))
            del old_left[chosen], new_left[key]
    olds, news = sorted(old_left), sorted(new_left)
    if olds and news:
        matrix = [
            [_similarity(old_left[o], new_left[n], name) + (SAME_NUMBER_BONUS if o[-1] == n[-1] else 0.0) for n in news]
            for o in olds
        ]
        for i, j in assign(matrix):
            score = matrix[i][j] - (SAME_NUMBER_BONUS if olds[i][-1] == news[j][-1] else 0.0)
            if score >= MIN_SIMILARITY:
                pairs.append((olds[i], news[j], score))
    return pairs


def _name_item(catalogue: Catalogue, slot: Path) -> Path | None:
    """An entity is named by its first item (名称, ①システムの名称): its relative path."""
    node = catalogue.node_at((*slot[:-1], f"{slot[-1]}1"))
    if node is None or not node.children or not node.children[0].is_leaf:
        return None
    return (node.children[0].segment,)


def _file_contents(texts: Mapping[Path, str], files: Mapping[str, str]) -> dict[str, Content]:
    """Per file key: its items' comparable texts, by path inside the file (part + the rest)."""
    out: dict[str, Content] = {key: {} for key in files}
    for path, text in texts.items():
        if len(path) > 1 and path[1] in out:
            out[path[1]][(path[0], *path[2:])] = text
    return out


def _file_pairs(
    old: Snapshot, new: Snapshot, old_texts: Mapping[Path, str], new_texts: Mapping[Path, str]
) -> list[tuple[str, str, float]]:
    """Files of a multi-file document paired as entities are: by name (weighing NAME_WEIGHT) and by
    everything they hold, so that a file replaced by an unrelated one under a similar name
    (「…情報ファイル」) is a removal and an addition, not a row per item: (OLD key, NEW key, similarity)."""
    if not old.files or not new.files:
        return []
    from rapidfuzz import fuzz  # only when there are files to score: most documents hold one

    before, after = _file_contents(old_texts, old.files), _file_contents(new_texts, new.files)
    # a file untouched under its own key (most files of a revision) pairs at once, as identical entities do
    # (_pair_slot): scoring every pair of files reads every file once per file of the other version
    same = [k for k in sorted(old.files) if k in new.files and old.files[k] == new.files[k] and before[k] == after[k]]
    paired = [(k, k, 100.0 + SAME_NUMBER_BONUS) for k in same]
    olds, news = sorted(set(old.files) - set(same)), sorted(set(new.files) - set(same))
    if not olds or not news:
        return paired

    def score(o: str, n: str) -> float:
        overall = _similarity(before[o], after[n], None)
        named = fuzz.ratio(old.files[o], new.files[n])
        return NAME_WEIGHT * named + (1 - NAME_WEIGHT) * overall + (SAME_NUMBER_BONUS if o == n else 0.0)

    matrix = [[score(o, n) for n in news] for o in olds]
    return paired + [(olds[i], news[j], matrix[i][j]) for i, j in assign(matrix) if matrix[i][j] >= MIN_SIMILARITY]


def _rename(path: Path, cut: int, key: str) -> Path:
    return (*path[: cut - 1], key, *path[cut:])


@dataclass(frozen=True)
class Alignment:
    """NEW's fields spelled with OLD's keys, and the way back to NEW's own paths."""

    fields: dict[Path, Field]
    own: dict[Path, Path]  # aligned item path → NEW's own item path
    back: dict[Path, Path]  # aligned path (or prefix) → NEW's own path (or prefix)
    renumbered: tuple[Renumbering, ...]

    def to_new(self, path: Path) -> Path:
        return self.back.get(path, path)


def _free_key(key: str, taken: set[str]) -> str:
    """A key for an unpaired NEW entity that no OLD entity of the slot has ('システム13+')."""
    return key if key not in taken else f"{key}+"


def align(
    old: Snapshot, new: Snapshot, catalogue: Catalogue, old_texts: Mapping[Path, str], new_texts: Mapping[Path, str]
) -> Alignment:
    """Pair NEW's files and entities with OLD's by content (see MIN_SIMILARITY, NAME_WEIGHT).

    old_texts/new_texts: each item's comparable text, as the diff compares it."""
    entity_labels = {node.label for node in catalogue.nodes() if node.kind is Kind.ENTITY}
    known: dict[Path, bool] = {}

    def is_entity(prefix: Path) -> bool:
        if prefix not in known:
            last = prefix[-1]
            label = last.rstrip("0123456789")
            node = catalogue.node_at(prefix) if label != last and label in entity_labels else None
            known[prefix] = node is not None and node.kind is Kind.ENTITY
        return known[prefix]

    renumbered: list[Renumbering] = []
    # 1. files: the file key is the second segment of a per-file part's paths
    file_map: dict[str, str] = {}
    for old_file, new_file, score in _file_pairs(old, new, old_texts, new_texts):
        file_map[new_file] = old_file
        if old_file != new_file:
            renumbered.append(Renumbering((old_file,), (new_file,), round(score, 1)))
    for new_file in new.files:
        file_map.setdefault(new_file, _free_key(new_file, set(old.files)))
    step: dict[Path, Path] = {}  # NEW's own path → file-aligned path
    for path in new.fields:
        if file_map and len(path) > 1 and _FILE_KEY.match(path[1]) and path[1] in file_map:
            step[path] = _rename(path, 2, file_map[path[1]])
        else:
            step[path] = path
    # 2. entities, slot by slot
    old_slots = _instances(old_texts, is_entity)
    new_slots = _instances({step[p]: text for p, text in new_texts.items()}, is_entity)
    entity_map: dict[Path, Path] = {}
    for slot in sorted(set(old_slots) | set(new_slots)):
        olds, news = old_slots.get(slot, {}), new_slots.get(slot, {})
        paired = _pair_slot(olds, news, _name_item(catalogue, slot))
        for old_key, new_key, score in paired:
            entity_map[new_key] = old_key
            if old_key != new_key:
                renumbered.append(Renumbering(old_key, new_key, round(score, 1)))
        taken = {k[-1] for k in olds}
        done = {n for _, n, _ in paired}
        for new_key in news:
            if new_key not in done:
                entity_map[new_key] = (*new_key[:-1], _free_key(new_key[-1], taken))
    fields: dict[Path, Field] = {}
    leaf_owner: dict[Path, Path] = {}
    back: dict[Path, Path] = {}
    for own, path in step.items():
        aligned = path
        for cut in range(len(path) - 1, 0, -1):
            if path[:cut] in entity_map:
                aligned = entity_map[path[:cut]] + path[cut:]
                break
        fields[aligned] = new.fields[own]
        leaf_owner[aligned] = own
        for cut in range(1, len(own) + 1):
            back.setdefault(aligned[:cut], own[:cut])
    # renumbered entities are reported in NEW's own numbering
    shown = tuple(
        Renumbering(r.old, back.get(entity_map.get(r.new, r.new), r.new) if len(r.new) > 1 else r.new, r.similarity)
        for r in renumbered
    )
    return Alignment(fields=fields, own=leaf_owner, back=back, renumbered=shown)
