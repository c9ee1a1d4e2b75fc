"""The form as documents show it: a catalogue built from generically read snapshots' own item paths,
so that diff, pairing, ordering and classification work on them unchanged; ※ from the documents."""

from __future__ import annotations

import re

from .catalogue import TITLE, Catalogue, Kind, Node, load_catalogue
from .generic import COVER, is_generic, star_paths
from .rules import RuleTable, load_rules_for
from .snapshot import Path, Snapshot

_FILE_KEY = re.compile(r"^\(\d+\)$")


def _child(parent: list[Node], owner: Node | None, label: str, kind: Kind) -> Node:
    for node in parent:
        if node.label == label:
            if kind is Kind.GROUP and node.kind is Kind.TEXT:
                node.kind = Kind.GROUP  # a heading read as an item in one version, a group in another
            return node
    node = Node(label=label, kind=kind, star=False, parent=owner)
    parent.append(node)
    return node


def document_catalogue(*snapshots: Snapshot) -> Catalogue:
    """The union of the snapshots' item trees, in document order; ※ as the documents mark it."""
    form3 = load_catalogue()
    stems: set[str] = {n.label for n in form3.nodes() if n.kind is Kind.ENTITY}
    stars: set[Path] = set()
    for snapshot in snapshots:
        stems.update(snapshot.meta.get("繰り返し") or ())
        stars |= snapshot_stars(snapshot, form3)
    entity = re.compile(r"^(" + "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True)) + r")\d+$")
    parts: list[Node] = []
    for snapshot in snapshots:
        for path in snapshot.fields:
            siblings, owner = parts, None
            for depth, segment in enumerate(path):
                if depth == 1 and owner is not None and _FILE_KEY.match(segment):
                    owner.per_file = True
                    continue
                leaf = depth == len(path) - 1
                match = entity.match(segment) if stems else None
                if match and not leaf:
                    node = _child(siblings, owner, match.group(1), Kind.ENTITY)
                else:
                    node = _child(siblings, owner, segment, Kind.TEXT if leaf else Kind.GROUP)
                if leaf and path in stars:
                    node.star = True
                if segment == TITLE and owner is not None and owner.kind is Kind.ENTITY:
                    owner.title = True
                siblings, owner = node.children, node
    if not parts or parts[0].label != COVER:
        parts.insert(0, Node(label=COVER, kind=Kind.GROUP, star=False))
    heading = next((s.meta.get("変更箇所の表") for s in snapshots if s.meta.get("変更箇所の表")), None)
    form = next((s.meta.get("様式") for s in snapshots if s.meta.get("様式")), None) or "様式不明"
    return Catalogue(
        form=str(form),
        edition=str(next((s.meta.get("版") for s in snapshots if s.meta.get("版")), None) or ""),
        name="文書の構造から読み取った様式",
        ignore=frozenset(),
        parts=parts,
        history_table=str(heading or form3.history_table),
    )


def snapshot_stars(snapshot: Snapshot, catalogue: Catalogue | None = None) -> frozenset[Path]:
    """The items marked ※: by the document itself (generic) or by the catalogue that read it."""
    if is_generic(snapshot):
        return star_paths(snapshot)
    cat = catalogue or load_catalogue()
    out = set()
    for path in snapshot.fields:
        node = cat.node_at(path)
        if node is not None and node.star:
            out.add(path)
    return frozenset(out)


def form_context(*snapshots: Snapshot) -> tuple[Catalogue, RuleTable, frozenset[Path] | None]:
    """Catalogue, rule table and ※ items for comparing these snapshots.

    Catalogue-read snapshots: the packaged catalogue and its ※ (None: classify asks the catalogue).
    Any generically read one: the documents' own tree and ※ marks, and the rules of its form."""
    if not any(is_generic(s) for s in snapshots):
        return load_catalogue(), load_rules_for(None), None
    catalogue = document_catalogue(*snapshots)
    stars: set[Path] = set()
    for snapshot in snapshots:
        stars |= snapshot_stars(snapshot)
    form = next((s.meta.get("様式") for s in reversed(snapshots) if s.meta.get("様式")), None)
    return catalogue, load_rules_for(form), frozenset(stars)


def generic_note(snapshot: Snapshot) -> str | None:
    """The stderr note every command prints for a generically read document."""
    if not is_generic(snapshot):
        return None
    form = snapshot.meta.get("様式") or "様式不明"
    return (
        f"{snapshot.meta.get('source', '文書')} は {form} の様式の定義 (カタログ) によらず、文書自身の見出し・番号・"
        "繰り返しの構造から読み取りました (読み取り方: generic)。※ (重要な変更の対象) は文書に印刷された ※ によります。"
    )
