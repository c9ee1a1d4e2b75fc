"""Documents in, snapshots out: recognise the input by content, decode it, parse it.

read_input (pia_diff.fileio) and decode (.encoding) are re-exported here for their importers."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path as FsPath

from pia_diff.catalogue import Catalogue, Kind, Node, load_catalogue
from pia_diff.errors import InputError
from pia_diff.fileio import MAX_BYTES as MAX_BYTES
from pia_diff.fileio import read_input as read_input
from pia_diff.forms import registry
from pia_diff.model import CheckboxSet, Choice, Owner
from pia_diff.snapshot import Field, Path, Snapshot, Source, from_json
from pia_diff.values import Certainty, choice_option, same_reading

from .assemble import Walked, assemble
from .encoding import decode as decode
from .generic import GENERIC, read_generic
from .hits import file_names, read_hit
from .textform import parse

# Packaged catalogues, by the name --form takes (the form registry lists them).
CATALOGUES = registry().catalogues
# A text that names fewer of the form's labels than this is not a 評価書.
MIN_LABELS = 15


def read_document(path: str | FsPath, form: str | None = None) -> Snapshot:
    """Parse a document file (PDF, text, .xlsx workbook or snapshot JSON) into a snapshot; InputError on
    bad input. form: a catalogue name, "generic", or None to recognise the form by content."""
    name = str(path)
    data = read_input(path)
    try:
        return parse_bytes(data, FsPath(path).name, form=form)
    except InputError as exc:
        raise InputError(name, exc.problem) from None  # name the file as the user gave it


# A snapshot starts with an object whose first key is quoted (or is empty); a text that merely
# opens with a brace, such as 「{別紙}」, is read as text.
_JSON_START = re.compile(r"\s*\{\s*[\"}]")


def parse_bytes(data: bytes, name: str, catalogue: Catalogue | None = None, form: str | None = None) -> Snapshot:
    """Any supported input, recognised by content: PDF, workbook, snapshot JSON or text.
    form: a catalogue name (forces it), "generic" (the document's own structure) or None (recognise)."""
    from .pdf import is_pdf, mark_unmapped, pdf_text
    from .workbook import OLE2, mark_formulas, refuse_ole2, workbook_text

    if form is not None and form != GENERIC:
        catalogue = catalogue_named(form, name)

    if not data.strip():
        raise InputError(name, "ファイルが空です。")
    if data.startswith(OLE2):
        refuse_ole2(data, name)
    if is_pdf(data):
        text, pages = pdf_text(data, name)
        return mark_unmapped(parse_text(text, name, hashlib.sha256(data).hexdigest(), catalogue, pages, form, "pdf"))
    if data.startswith(b"PK\x03\x04"):
        text, cells = workbook_text(data, name)
        return mark_formulas(
            parse_text(text, name, hashlib.sha256(data).hexdigest(), catalogue, cells, form, "workbook"), cells
        )
    text = decode(data, name)
    if _JSON_START.match(text.lstrip("\ufeff")):
        try:
            snapshot = from_json(text)
        except ValueError as exc:
            raise InputError(name, f"snapshot JSON として読めません ({exc})。") from exc
        return _in_form_order(snapshot, catalogue or load_catalogue())
    return parse_text(text, name, hashlib.sha256(data).hexdigest(), catalogue, form=form)


def catalogue_named(form: str, name: str) -> Catalogue:
    """The packaged catalogue `form` (e.g. form3_r6_10); InputError naming the ones there are."""
    if form not in CATALOGUES:
        known = "、".join([*CATALOGUES, GENERIC])
        raise InputError(name, f"--form {form} という様式の定義はありません (指定できるもの: {known})。")
    return load_catalogue(f"{form}.yaml")


def _unique_keys(catalogue: Catalogue) -> dict[int, set[str]]:
    """Per part (by id), the label keys that name exactly one item of that part."""
    out: dict[int, set[str]] = {}
    for part in catalogue.parts:
        counts = Counter(key for node in part.walk() for key in node.keys)
        out[id(part)] = {key for key, n in counts.items() if n == 1}
    return out


def _in_form_order(snapshot: Snapshot, catalogue: Catalogue) -> Snapshot:
    """JSON keeps keys sorted and has no kinds: put checkbox options back in the order the form prints
    them, and type a choice's text as the Choice it is."""
    for path, item in snapshot.fields.items():
        node = catalogue.node_at(path)
        if node is None:
            continue
        value = item.value
        if isinstance(value, CheckboxSet):
            value = CheckboxSet.from_json(value.to_json(), node.options)
        elif isinstance(value, str) and node.kind is Kind.CHOICE:
            value = Choice(value, choice_option(value, node.options))
        else:
            continue
        snapshot.fields[path] = Field(path, value, item.line, item.certainty)
    return snapshot


def _without_catalogue(title: str) -> bool:
    """A form the registry knows without a catalogue (様式2, 様式4): read by its own structure."""
    named = registry().named_in(title)
    return named is not None and named.catalogue_name is None


def _check_form(title: str, labels_found: int, name: str) -> None:
    if labels_found < MIN_LABELS:
        raise InputError(
            name,
            f"特定個人情報保護評価書として認識できません (様式の項目名が {labels_found} 個しか見つかりません)。",
        )


def parse_text(
    text: str,
    name: str,
    sha256: str = "",
    catalogue: Catalogue | None = None,
    places: list[str] | None = None,
    form: str | None = None,
    kind: str = "text",
) -> Snapshot:
    """Parse a 評価書's text. `places` names, per line, where it came from ('シート!行' of a workbook);
    `kind` says what the text came from (text, pdf, workbook). form "generic", or a 様式2/様式4 title
    when no form is given, reads it by its own structure."""

    def source(line: int | None) -> Source:
        return places[line - 1] if places and line else line

    if form == GENERIC:
        return read_generic(text, name, sha256, places, kind)
    cat = catalogue or load_catalogue()
    result = parse(cat, text)
    if form is None and catalogue is None and _without_catalogue(result.title):
        return read_generic(text, name, sha256, places, kind)
    if form is None and catalogue is None and result.labels_found < MIN_LABELS and result.title:
        # a 評価書 the catalogue does not fit (another edition's labels): its own structure, if it has one
        try:
            return read_generic(text, name, sha256, places, kind)
        except InputError:
            pass  # no structure either: refused below with the catalogue's reason
    _check_form(result.title, result.labels_found, name)
    names = file_names(result.hits)
    file_total = max([*names, result.files_seen])
    multi = file_total > 1
    unique = _unique_keys(cat)

    def file_key(number: int) -> str:
        return f"({number})"

    def filed(path: Path, file: int) -> Path:
        return (path[0], file_key(file), *path[1:]) if multi and file and path else path

    fields: dict[Path, Field] = {}
    for hit in result.hits:
        reading = read_hit(hit, result.cell_style, hit.node.keys[0] in unique[id(hit.node.part)], multi)
        path = filed(hit.path, hit.file)
        fields[path] = Field(path, reading.value, source(hit.line), reading.certainty)
    for copy in result.copies:  # second readings of an item: kept where they say something else
        reading = read_hit(copy, result.cell_style, False, multi)
        path = filed(copy.path, copy.file)
        known = fields.get(path)
        if known is None:
            fields[path] = Field(path, reading.value, source(copy.line), Certainty.UNCERTAIN)
        elif not same_reading(known.value, reading.value) and reading.value is not None:
            fields[path] = dataclasses.replace(known, copies=(*known.copies, reading.value))

    # Items of the form that the document does not show: listed as missing, never invented.
    entities = {f.path[: i + 1] for f in fields.values() for i, seg in enumerate(f.path) if seg[-1:].isdigit()}
    for part in cat.parts:
        files = [file_key(n) for n in range(1, file_total + 1)] if (multi and part.per_file) else [None]
        for file in files:
            base: Path = (part.segment,) if file is None else (part.segment, file)
            for path in _expected_paths(part, base, entities):
                fields.setdefault(path, Field(path, None, None, Certainty.MISSING))
    owners = [tuple(Owner(role, filed(path, file)) for role, path, file in claims) for claims in result.owners]
    walked = Walked(
        fields=fields,
        lines=result.lines,
        owners=owners,
        cell_style=result.cell_style,
        form=cat.form,
        edition=cat.edition,
        form_version=result.form_version,
        files={file_key(n): names.get(n, "") for n in range(1, file_total + 1)} if multi else {},
        history_at=result.history_at,
        history_end=result.history_end,
        unseen=tuple(" ".join(path) for path in result.unseen),
    )
    return assemble(walked, name, sha256, places, kind, _order_keys(cat))


_NUMBER = re.compile(r"(\d+)\)?$")


def _order_keys(cat: Catalogue) -> Callable[[Path], tuple[tuple[int, int], ...]]:
    """Catalogue.order_key, remembered per path prefix (a document has thousands of items that
    share a few hundred prefixes)."""
    memo: dict[Path, tuple[tuple[tuple[int, int], ...], list[Node]]] = {(): ((), cat.parts)}

    def walk(path: Path) -> tuple[tuple[tuple[int, int], ...], list[Node]]:
        known = memo.get(path)
        if known is not None:
            return known
        key, nodes = walk(path[:-1])
        segment = path[-1]
        digits = _NUMBER.search(segment)
        number = int(digits.group(1)) if digits else 0
        index = next(
            (
                i
                for i, n in enumerate(nodes)
                if n.segment == segment or (n.kind is Kind.ENTITY and segment.startswith(n.label))
            ),
            None,
        )
        # a file key (no node of its own) keeps the files in their order
        found = ((*key, (-1, number)), nodes) if index is None else ((*key, (index, number)), nodes[index].children)
        memo[path] = found
        return found

    return lambda path: walk(path)[0]


def _expected_paths(node: Node, base: Path, entities: set[Path]) -> list[Path]:
    """Leaf paths the catalogue expects under node (entities: only those the document has)."""
    if node.is_leaf:
        return [base]
    out: list[Path] = []
    for child in node.children:
        if child.kind is Kind.ENTITY:
            present = sorted(p for p in entities if p[:-1] == base and p[-1].startswith(child.label))
            for entity_path in present:
                out.extend(_expected_paths_entity(child, entity_path))
            continue
        out.extend(_expected_paths(child, (*base, child.segment), entities))
    return out


def _expected_paths_entity(entity: Node, path: Path) -> list[Path]:
    out: list[Path] = []
    for child in entity.children:
        out.extend(_expected_paths(child, (*path, child.segment), set()))
    return out
