"""The form as documents show it: a catalogue built from generically read snapshots' own item paths,
so that diff, pairing, ordering and classification work on them unchanged; ※ from the documents."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pia_diff.catalogue import TITLE, Catalogue, Kind, Node, load_catalogue
from pia_diff.forms import registry, vocabulary
from pia_diff.ingest.generic import COVER, is_generic, star_paths
from pia_diff.model import Owner, SourceText
from pia_diff.snapshot import Field, Path, Snapshot
from pia_diff.values import Certainty, render

from .rules import RuleTable, load_rules_for

_FILE_KEY = re.compile(r"^\(\d+\)$")
_SECTION = re.compile(r"^(\d{1,2}) ")


@dataclass
class DocumentCatalogue(Catalogue):
    """A catalogue of a document's own tree. Audit's 項目 resolution knows 様式3's part names
    (「Ⅳ 開示請求、問合せ」); here a part is found by its words, whatever its number, and a
    part the document lacks is an empty one (its rows stay unresolved instead of failing)."""

    def part_named(self, label: str) -> Node:
        words = label.split(" ", 1)[-1]
        for part in self.parts:
            if part.label == label or part.label.split(" ", 1)[-1] == words:
                return part
        return Node(label=label, kind=Kind.GROUP, star=False)


def for_audit(catalogue: Catalogue) -> Catalogue:
    """The catalogue audit resolves 項目 cells against: a document catalogue gets a part for
    every part number Ⅰ…Ⅴ that audit may look up (empty where the document has none)."""
    if not isinstance(catalogue, DocumentCatalogue):
        return catalogue
    parts = list(catalogue.parts)
    for numeral in vocabulary().part_numerals[:5]:  # Ⅰ…Ⅴ: the parts a 別添2 row names
        if not any(part.label.startswith(numeral) for part in parts):
            parts.append(Node(label=numeral, kind=Kind.GROUP, star=False))
    return DocumentCatalogue(
        catalogue.form, catalogue.edition, catalogue.name, catalogue.ignore, parts, catalogue.history_table
    )


def _child(parent: list[Node], owner: Node | None, segment: str, kind: Kind) -> Node:
    label = _SECTION.sub(r"\1. ", segment)  # as printed: its segment is the path's again ('1. x' → '1 x')
    for node in parent:
        if node.label == label:
            if kind is Kind.GROUP and node.kind is Kind.TEXT:
                node.become_group()  # a heading read as an item in one version, a group in another
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
        stems.update(snapshot.meta.generic.repeating if snapshot.meta.generic else ())
        stars |= snapshot_stars(snapshot, form3)
    entity = re.compile(r"^(" + "|".join(re.escape(s) for s in sorted(stems, key=len, reverse=True)) + r")\d+$")
    parts: list[Node] = []
    for snapshot in snapshots:
        for path in _document_order(snapshot):
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
    heading = next((s.meta.generic.history_heading for s in snapshots if s.meta.generic), None)
    form = next((s.meta.form for s in snapshots if s.meta.form), None) or "様式不明"
    known = registry().form(form)
    return DocumentCatalogue(
        form=str(form),
        edition=str(next((s.meta.edition for s in snapshots if s.meta.edition), None) or ""),
        name=known.name if known else "文書の構造から読み取った様式",
        ignore=frozenset(),
        parts=parts,
        history_table=str(heading or (known or registry().default).history_table),
    )


def _document_order(snapshot: Snapshot) -> list[Path]:
    """Item paths in the order the document prints them: by source line where every line is a
    number (a snapshot read back from JSON has its keys sorted), else as they are."""
    lines = [item.line for item in snapshot.fields.values() if item.line is not None]
    if not all(isinstance(line, int) for line in lines):
        return list(snapshot.fields)
    last = 1 + max((line for line in lines if isinstance(line, int)), default=0)
    return sorted(snapshot.fields, key=lambda path: snapshot.fields[path].line or last)


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
    form = next((s.meta.form for s in reversed(snapshots) if s.meta.form), None)
    return catalogue, load_rules_for(form), frozenset(stars)


def generic_note(snapshot: Snapshot) -> str | None:
    """The stderr note every command prints for a generically read document."""
    if not is_generic(snapshot):
        return None
    form = snapshot.meta.form or "様式不明"
    return (
        f"{snapshot.source or '文書'} は {form} の様式の定義 (カタログ) によらず、文書自身の見出し・番号・"
        "繰り返しの構造から読み取りました (読み取り方: generic)。※ (重要な変更の対象) は文書に印刷された ※ によります。"
    )


def _collapse(snapshot: Snapshot, leaves: set[Path]) -> Snapshot:
    """Fold the items under each of `leaves` into one text item at that path."""
    fields: dict[Path, Field] = {}
    for path, item in snapshot.fields.items():
        top = next((leaf for leaf in leaves if path[: len(leaf)] == leaf and len(path) > len(leaf)), None)
        if top is None:
            fields[path] = item
            continue
        words = " ".join(path[len(top) :])
        text = f"{words}: {render(item.value)}" if item.value not in (None, "") else words
        before = fields.get(top)
        if before is None:
            fields[top] = Field(top, text, item.line, item.certainty)
        else:
            certainty = before.certainty if item.certainty is Certainty.OK else Certainty.UNCERTAIN
            fields[top] = Field(top, f"{before.value}\n{text}", before.line, certainty)
    lines = snapshot.text
    if lines is not None:  # the lines of the folded items belong to the item they were folded into

        def folded(path: Path) -> Path:
            return next((leaf for leaf in leaves if path[: len(leaf)] == leaf), path)

        owners = [tuple(Owner(o.role, folded(o.path)) for o in line) for line in lines.owners]
        lines = SourceText(lines.lines, owners, lines.kind, lines.places)
    return Snapshot(meta=snapshot.meta, fields=fields, history=snapshot.history, text=lines)


def reconcile(old: Snapshot, new: Snapshot) -> tuple[Snapshot, Snapshot]:
    """An item one version reads as a value and the other as a heading with items under it
    ('3. ファイル名 | 名前' vs '3. ファイル名' / '名前'): compare both as one text item.
    Only for generic reading, whose tree comes from each document's own layout."""
    if not (is_generic(old) or is_generic(new)):
        return old, new

    def heads(fields: dict[Path, Field]) -> set[Path]:
        return {path[:cut] for path in fields for cut in range(1, len(path))}

    old_heads, new_heads = heads(old.fields), heads(new.fields)
    in_new = {path for path in old.fields if path in new_heads}
    in_old = {path for path in new.fields if path in old_heads}
    return (_collapse(old, in_old) if in_old else old), (_collapse(new, in_new) if in_new else new)
