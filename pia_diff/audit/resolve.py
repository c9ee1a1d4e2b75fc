"""Free-text 項目 of a published 別添2 row → catalogue items (normalisation, aliases, fuzzy matching)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pia_diff.catalogue import TITLE, Catalogue, Kind, Node
from pia_diff.snapshot import Path
from pia_diff.text import cached_when_short, fold, html_to_text

# Dashes and dots used as separators in real tables (－ ー - — ‐ ･ .), and the long-vowel mark,
# which is removed on both sides so that katakana words still match.
_NOISE = re.compile(r"[\s\-－ー—―‐−･.．:：※,，、。「」()（）\[\]【】<>＜＞〈〉~～]")
_ROMAN = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ", "V": "Ⅴ"}
_ABBREV = re.compile(r"^(III|II|IV|I|V)\s*[-－ー]\s*(\d+)\s*[-－ー]\s*([①-⑳])?")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
FUZZY_THRESHOLD = 88


@cached_when_short(limit=200, maxsize=4096)
def squash(text: str) -> str:
    """The matching key: folded, tags stripped, separators and spaces removed, numbering dots gone
    (remembered for short texts: each 項目 cell is matched against the same catalogue labels)."""
    return _NOISE.sub("", fold(html_to_text(text)))


@dataclass(frozen=True)
class Resolution:
    """The catalogue items one 項目 cell names; empty when it names none we can be sure of."""

    text: str
    paths: tuple[Path, ...]
    # "item", "entity" (a whole 委託事項/システム/提供先/移転先, e.g. 'I-2-システム14'), "section" (a
    # whole heading, e.g. 'IV 2 問合せ'), or "unresolved"
    level: str

    @property
    def resolved(self) -> bool:
        return bool(self.paths)


def _strip_number(label: str) -> str:
    return re.sub(r"^\d+\.\s*", "", label)


def _part_of(text: str, squashed: str, catalogue: Catalogue) -> Node | None:
    match = re.match(r"^\s*(?:<[^>]*>)*\s*(III|II|IV|I|V)(?![a-zA-Z])", fold(text))
    by_roman = None
    if match:
        label = next(p.label for p in catalogue.parts if p.label.startswith(_ROMAN[match.group(1)]))
        by_roman = catalogue.part_named(label)
    for part in catalogue.parts:  # the catalogue's short names (old edition names included)
        if any(squash(w) in squashed[:30] for w in part.words):
            return part if by_roman is None or by_roman is part else by_roman
    return by_roman


def _after_part(part: Node, squashed: str) -> int:
    """Where the part's name (its label, or one of its short names) ends in the text; 0 if absent."""
    ends = [
        squashed.find(key) + len(key)
        for key in (squash(part.label), *(squash(w) for w in part.words))
        if key and 0 <= squashed.find(key) < 30
    ]
    return max(ends, default=0)


def _fuzzy_in(needle: str, haystack: str) -> float:
    from rapidfuzz import fuzz

    if not needle or not haystack:
        return 0.0
    if needle in haystack:
        return 100.0
    return float(fuzz.partial_ratio(needle, haystack))


def _section(part: Node, squashed: str, number: str | None) -> tuple[Node | None, int]:
    """The part's section named in the text: by its title (fuzzy), else by its number."""
    best: tuple[float, int, Node | None, int] = (0.0, 0, None, 0)
    for child in part.children:
        title = squash(_strip_number(child.label))
        score = _fuzzy_in(title, squashed)
        if score >= FUZZY_THRESHOLD:
            end = squashed.find(title[: max(2, len(title) // 2)])
            candidate = (score, len(title), child, end + len(title) if end >= 0 else 0)
            if candidate[:2] > best[:2]:
                best = candidate
    if best[2] is not None:
        return best[2], best[3]
    if number is not None:
        numbered = [c for c in part.children if c.label.startswith(f"{number}.")]
        if numbered:
            return numbered[0], 0
    return None, 0


def _leaves_named(scope: Node, tail: str) -> list[Node]:
    """Leaves under scope whose label (or alias) the tail names; several when a cell lists several."""
    found: list[tuple[int, Node]] = []
    candidates = [n for n in scope.walk() if n.is_leaf and n is not scope and n.label != TITLE]
    for node in candidates:
        keys = [squash(k) for k in (node.label, *node.aliases)]
        for key in keys:
            pos = tail.find(key)
            if pos >= 0:
                found.append((pos, node))
                break
    if not found:
        # cut-short or misspelt labels: the best fuzzy match above the threshold
        scored = [(_fuzzy_in(squash(n.label), tail), n) for n in candidates]
        scored = [s for s in scored if s[0] >= FUZZY_THRESHOLD]
        if scored:
            best = max(s[0] for s in scored)
            top = [n for s, n in scored if s == best]
            if len(top) == 1:
                return top
        # a circled number alone ('I-6-②') names the leaf with that number
        circled = [c for c in tail if c in _CIRCLED]
        if circled:
            numbered = [n for n in candidates if n.label.startswith(circled[0])]
            if len(numbered) == 1:
                return numbered
        return []
    # drop a match that is part of a longer one at the same place (その内容 inside 再発防止策の内容)
    found.sort(key=lambda f: (f[0], -len(f[1].label)))
    out: list[Node] = []
    taken: list[tuple[int, int]] = []
    for pos, node in found:
        end = pos + len(squash(node.label))
        if any(a <= pos < b for a, b in taken):
            continue
        taken.append((pos, end))
        out.append(node)
    return out


def _named_once(part: Node, tail: str) -> Node | None:
    """The one leaf of the part whose label the tail holds, if only one does and it is outside the
    repeated entities; a label inside a longer one the tail holds ('委託の有無' in '④再委託の有無')
    does not count."""
    named: dict[Node, str] = {}
    for node in part.walk():
        if node.is_leaf and node.label != TITLE:
            keys = [key for key in map(squash, (node.label, *node.aliases)) if key in tail]
            if keys:
                named[node] = max(keys, key=len)
    longest = {n: k for n, k in named.items() if not any(k != other and k in other for other in named.values())}
    if len(longest) != 1:
        return None
    (node,) = longest
    return None if any(a.kind is Kind.ENTITY for a in node.ancestors()) else node


def _exact(scope: Node, tail: str) -> bool:
    return any(squash(k) in tail for n in scope.walk() if n.is_leaf and n.label != TITLE for k in (n.label, *n.aliases))


def _hierarchical(nodes: list[Node], raw: str) -> list[Node]:
    """'④記録される項目－その妥当性' names one item by its parent row: keep the last. Items listed
    with spaces ('①システムの名称 ②システムの機能') stay several."""
    if len(nodes) < 2:
        return nodes
    folded = fold(raw)
    for later in nodes[1:]:
        label = re.sub(r"^\d+\.\s*", "", later.label)
        pattern = r"\s*".join(re.escape(ch) for ch in label[:6])
        match = re.search(pattern, folded)
        if match is None:
            return nodes
        before = folded[: match.start()].rstrip()
        if not before or before[-1] not in "－ー-—‐一―":
            return nodes
    return nodes[-1:]


def _entity_node(scope: Node, label: str) -> Node | None:
    return next((n for n in scope.walk() if n.kind is Kind.ENTITY and n.label == label), None)


def _path(node: Node, entity: str | None) -> Path:
    chain = [*reversed(node.ancestors()), node]
    return tuple(
        (n.segment + entity.removeprefix(n.label)) if n.kind is Kind.ENTITY and entity else n.segment for n in chain
    )


def resolve(text: str, catalogue: Catalogue) -> Resolution:
    plain = html_to_text(text).replace("\n", " ").strip()
    squashed = squash(plain)
    if not squashed:
        return Resolution(plain, (), "unresolved")
    part = _part_of(plain, squashed, catalogue)
    if part is None:
        return Resolution(plain, (), "unresolved")
    if part.is_leaf:
        return Resolution(plain, (_path(part, None),), "item")
    abbrev = _ABBREV.match(fold(plain))
    number = abbrev.group(2) if abbrev else None
    if number is None:
        digits = re.search(r"(?:^|[^0-9])(\d{1,2})(?=\D)", fold(plain)[len(part.label.split(" ")[0]) :])
        number = digits.group(1) if digits else None
    # the section is looked for after the part's own name, which may read like a section title
    # ('特定個人情報ファイルの概要' is close to '1. 特定個人情報ファイル名')
    cut = _after_part(part, squashed)
    section, after = _section(part, squashed[cut:], number)
    after = after + cut if after else 0
    entity_word = catalogue.entity_mention.search(fold(plain))
    if entity_word and (section is None or _entity_node(section, entity_word.group(1)) is None):
        # 'Ⅱ 特定個人情報ファイルの概要 委託事項2': the entity names its heading when the title did not
        # (the fuzzy title match would take '1 特定個人情報ファイル名' here)
        holder = _entity_node(part, entity_word.group(1))
        if holder is not None and holder.parent is not None:
            section, after = holder.parent, 0
            while section.parent is not None and section.parent is not part:
                section = section.parent
    if section is None:
        # no section named or recognisable: an item label the text holds exactly, that no other item
        # of the part shares ('Ⅴ ②しきい値判断結果'), still names the item; '①実施日' (Ⅴ-1 and Ⅴ-3) does not
        named = _named_once(part, squashed[cut:])
        return Resolution(plain, (_path(named, None),), "item") if named else Resolution(plain, (), "unresolved")
    if section.is_leaf:
        return Resolution(plain, (_path(section, None),), "item")
    by_number = next((c for c in part.children if number and c.label.startswith(f"{number}.")), None)
    if by_number is not None and by_number is not section and not by_number.is_leaf:
        # title and number disagree ('3. 特定個人情報ファイルの取扱いの委託－④使用の主体'): the item decides
        tail_all = squashed[after:] if after else squashed
        exact_here = _exact(section, tail_all)
        exact_there = _exact(by_number, tail_all)
        if exact_there and not exact_here:
            section = by_number
    tail = squashed[after:] if after else squashed
    entity_match = catalogue.entity_mention.search(fold(plain))
    entity: str | None = None
    scope = section
    if entity_match:
        entity_node = _entity_node(section, entity_match.group(1))
        if entity_node is not None:
            raw = entity_match.group(2)
            number_text = str(_CIRCLED.index(raw) + 1) if raw in _CIRCLED else raw
            entity = f"{entity_node.label}{number_text}"
            scope = entity_node
            tail = squash(fold(plain)[entity_match.end() :])
            if not tail:
                # the row names the whole entity: it resolves to the entity, nothing wider or narrower
                return Resolution(plain, (_path(entity_node, entity),), "entity")
    leaves = _hierarchical(_leaves_named(scope, tail), plain)
    if leaves:
        return Resolution(plain, tuple(_path(n, entity) for n in leaves), "item")
    if entity is None and not tail.strip():
        return Resolution(plain, (_path(section, None),), "section")
    # a heading without an item ('IV 2 特定個人情報ファイルの取扱いに関する問合せ'): the whole heading
    groups = [n for n in section.walk() if n.kind is Kind.GROUP and n is not section]
    for group in groups:
        if squash(group.label) in tail:
            return Resolution(plain, (_path(group, entity),), "section")
    if _fuzzy_in(squash(_strip_number(section.label)), squashed) >= FUZZY_THRESHOLD and tail in ("", squashed[after:]):
        return Resolution(plain, (_path(section, None),), "section")
    return Resolution(plain, (), "unresolved")
