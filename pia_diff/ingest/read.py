"""Documents in, snapshots out: recognise the input by content, decode it, parse it.

read_input (pia_diff.fileio) and decode (.encoding) are re-exported here for their importers."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import weakref
from collections import Counter
from collections.abc import Callable
from pathlib import Path as FsPath
from typing import NamedTuple

from pia_diff.catalogue import Catalogue, Kind, Node, load_catalogue
from pia_diff.collector import collector_paused
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
from .magic import ZIP, is_pdf
from .textform import Claim, ParseResult, parse

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


@collector_paused
def parse_bytes(data: bytes, name: str, catalogue: Catalogue | None = None, form: str | None = None) -> Snapshot:
    """Any supported input, recognised by content: PDF, workbook, snapshot JSON or text.
    form: a catalogue name (forces it), "generic" (the document's own structure) or None (recognise)."""
    from .workbook import OLE2, mark_formulas, refuse_ole2, workbook_text

    if form is not None and form != GENERIC:
        catalogue = catalogue_named(form, name)

    if not data.strip():
        raise InputError(name, "ファイルが空です。")
    if data.startswith(OLE2):
        refuse_ole2(data, name)
    if is_pdf(data):
        from .pdf import mark_unmapped, pdf_text

        text, pages = pdf_text(data, name)
        return mark_unmapped(parse_text(text, name, hashlib.sha256(data).hexdigest(), catalogue, pages, form, "pdf"))
    if data.startswith(ZIP):
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


@collector_paused
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
    walked = _walked(result, cat, source)
    del result  # its hits and claims are read: in a long document they weigh as much as the snapshot
    return assemble(walked, name, sha256, places, kind, _FormOrder(cat))


def _walked(result: ParseResult, cat: Catalogue, source: Callable[[int | None], Source]) -> Walked:
    """The walk's hits read into fields (file keys put into their paths), the items it did not find
    listed as missing, and its claims made into line owners. Each hit is let go as soon as it is read."""
    names = file_names(result.hits)
    files = _Files(max([*names, result.files_seen]))
    unique = _unique_keys(cat)
    alone: dict[Node, bool] = {}  # whether the item's label names it alone in its part, per item
    fields: dict[Path, Field] = {}
    hits, result.hits = result.hits[::-1], []
    while hits:
        hit = hits.pop()  # in document order, each let go once read
        node = hit.node
        if node not in alone:
            alone[node] = node.keys[0] in unique[id(node.part)]
        reading = read_hit(hit, result.cell_style, alone[node], files.multi)
        path = files.path(hit.path, hit.file)
        fields[path] = Field(path, reading.value, source(hit.line), reading.certainty)
    for copy in result.copies:  # second readings of an item: kept where they say something else
        reading = read_hit(copy, result.cell_style, False, files.multi)
        path = files.path(copy.path, copy.file)
        known = fields.get(path)
        if known is None:
            fields[path] = Field(path, reading.value, source(copy.line), Certainty.UNCERTAIN)
        elif not same_reading(known.value, reading.value) and reading.value is not None:
            fields[path] = dataclasses.replace(known, copies=(*known.copies, reading.value))

    # Items of the form that the document does not show: listed as missing, never invented.
    entities = _entities_by_parent(fields)
    for part in cat.parts:
        for file in files.keys[1:] if (files.multi and part.per_file) else [None]:
            base: Path = (part.segment,) if file is None else (part.segment, file)
            for path in _expected_paths(part, base, entities):
                if path not in fields:
                    fields[path] = Field(path, None, None, Certainty.MISSING)
    return Walked(
        fields=fields,
        lines=result.lines,
        owners=files.owners(result.owners, fields),
        cell_style=result.cell_style,
        form=cat.form,
        edition=cat.edition,
        form_version=result.form_version,
        files={files.keys[n]: names.get(n, "") for n in range(1, files.total + 1)} if files.multi else {},
        history_at=result.history_at,
        history_end=result.history_end,
        unseen=tuple(" ".join(path) for path in result.unseen),
    )


def file_key(number: int) -> str:
    """The path segment of the n-th 特定個人情報ファイル of a document that holds several: '(n)'."""
    return f"({number})"


class _Files:
    """A document's 特定個人情報ファイル as its paths name them: the walk's paths with the file key put
    after the part ('Ⅱ', '(2)', …) where there are several files."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.multi = total > 1
        self.keys = [file_key(n) for n in range(total + 1)]

    def path(self, path: Path, file: int) -> Path:
        if not (self.multi and file and path):
            return path
        return (path[0], self.keys[file] if file < len(self.keys) else file_key(file), *path[1:])

    def owners(self, claims: list[tuple[Claim, ...]], fields: dict[Path, Field]) -> list[tuple[Owner, ...]]:
        """Each line's owners, from the walk's claims (role, path without file key, file number),
        taken from `claims` as they are made (so that the claims go as the owners come). An item's
        path is its field's own tuple, and a run of lines with one claim shares one owner (a long
        document has hundreds of thousands of lines)."""
        last: tuple[Claim, Owner] | None = None
        out: list[tuple[Owner, ...]] = []
        multi, keys = self.multi, self.keys
        last_line: tuple[tuple[Claim, ...], tuple[Owner, ...]] = ((), ())  # a value's lines share one
        claims.reverse()
        while claims:
            line = claims.pop()
            if line == last_line[0]:
                out.append(last_line[1])
                continue
            made = []
            for claim in line:
                if last is None or last[0] != claim:
                    role, path, file = claim
                    if multi and file and path:  # self.path, inlined: a long document has many lines
                        path = (path[0], keys[file] if file < len(keys) else file_key(file), *path[1:])
                    item = fields.get(path)
                    last = (claim, Owner(role, item.path if item is not None else path))
                made.append(last[1])
            last_line = (line, tuple(made))
            out.append(last_line[1])
        return out


# a path segment's number: 'システム12' → 12, a file key '(3)' → 3
_NUMBER = re.compile(r"(\d+)\)?$")


class _FormOrder:
    """Catalogue.order_key as a sort key, remembered per path prefix (a document has thousands of
    items that share a few hundred prefixes; the items themselves are not remembered). A class
    rather than a recursive closure: a closure that calls itself is a reference cycle, which kept
    the memo alive until the next full garbage collection."""

    def __init__(self, cat: Catalogue) -> None:
        self._memo: dict[Path, tuple[tuple[tuple[int, int], ...], list[Node]]] = {(): ((), cat.parts)}
        # per list of siblings (by id: the catalogue keeps them): the first index of each segment, and
        # the indices of its entity items
        self._siblings: dict[int, tuple[dict[str, int], list[int]]] = {}
        self._numbers: dict[str, int] = {}
        self._steps: dict[tuple[int, str], tuple[tuple[int, int], Node | None]] = {}

    def __call__(self, path: Path) -> tuple[tuple[int, int], ...]:
        key, nodes = self._prefix(path[:-1])
        return (*key, self._step(nodes, path[-1])[0])

    def _prefix(self, path: Path) -> tuple[tuple[tuple[int, int], ...], list[Node]]:
        known = self._memo.get(path)
        if known is None:
            key, nodes = self._prefix(path[:-1])
            step, node = self._step(nodes, path[-1])
            # a file key (no node of its own) keeps the files in their order
            known = self._memo[path] = ((*key, step), nodes if node is None else node.children)
        return known

    def _step(self, nodes: list[Node], segment: str) -> tuple[tuple[int, int], Node | None]:
        """(index among its siblings, its number) of one path segment, and its node if it has one: the
        first sibling whose segment it is, or an entity item whose label it starts with (remembered
        per list of siblings and segment: each entity's items repeat the same segments)."""
        step = self._steps.get((id(nodes), segment))
        if step is None:
            step = self._steps[(id(nodes), segment)] = self._new_step(nodes, segment)
        return step

    def _new_step(self, nodes: list[Node], segment: str) -> tuple[tuple[int, int], Node | None]:
        number = self._numbers.get(segment)
        if number is None:
            digits = _NUMBER.search(segment)
            number = self._numbers[segment] = int(digits.group(1)) if digits else 0
        known = self._siblings.get(id(nodes))
        if known is None:  # the catalogue's lists of siblings live as long as it does
            exact: dict[str, int] = {}
            for i, node in enumerate(nodes):
                exact.setdefault(node.segment, i)
            known = self._siblings[id(nodes)] = (exact, [i for i, n in enumerate(nodes) if n.kind is Kind.ENTITY])
        exact, entities = known
        found = exact.get(segment, len(nodes))
        for i in entities:
            if i >= found:
                break
            if segment.startswith(nodes[i].label):
                found = i
                break
        if found == len(nodes):
            return (-1, number), None
        return (found, number), nodes[found]


def _entities_by_parent(fields: dict[Path, Field]) -> dict[Path, list[Path]]:
    """The entity paths the document has ('… 委託事項3'), sorted, under their parent's path: the walk
    below asks once per part and file which entities stand under a path (a scan of every entity each
    time was quadratic in a long document)."""
    parents = {path[:-1] for path in fields}  # items share their parents: look at each once
    found = {parent[: i + 1] for parent in parents for i, seg in enumerate(parent) if seg[-1:].isdigit()}
    found.update(path for path in fields if path[-1][-1:].isdigit())
    out: dict[Path, list[Path]] = {}
    for path in sorted(found):
        out.setdefault(path[:-1], []).append(path)
    return out


class _Expected(NamedTuple):
    """One step of what the catalogue expects under a node, in form order: a leaf (its path below the
    node), or an entity item (the path below the node of the group it stands in, its label, and its
    leaves' paths below one entity: the entities themselves are those the document has)."""

    at: Path
    entity: str | None = None
    leaves: tuple[Path, ...] = ()


# per node, its steps (worked out once per catalogue: a long document asks once per part and file)
_EXPECTED: weakref.WeakKeyDictionary[Node, tuple[_Expected, ...]] = weakref.WeakKeyDictionary()


def _expected(node: Node) -> tuple[_Expected, ...]:
    known = _EXPECTED.get(node)
    if known is not None:
        return known
    if node.is_leaf:
        steps: tuple[_Expected, ...] = (_Expected(()),)
    else:
        out: list[_Expected] = []
        for child in node.children:
            if child.kind is Kind.ENTITY:
                # an entity's own entities are not looked for (as ever): only its plain leaves
                leaves = tuple(
                    (c.segment, *step.at) for c in child.children for step in _expected(c) if step.entity is None
                )
                out.append(_Expected((), child.label, leaves))
            else:
                out.extend(_Expected((child.segment, *step.at), step.entity, step.leaves) for step in _expected(child))
        steps = tuple(out)
    _EXPECTED[node] = steps
    return steps


def _expected_paths(node: Node, base: Path, entities: dict[Path, list[Path]]) -> list[Path]:
    """Leaf paths the catalogue expects under node (entities: only those the document has, by parent)."""
    out: list[Path] = []
    for step in _expected(node):
        if step.entity is None:
            out.append(base + step.at)
            continue
        for entity_path in entities.get(base + step.at, ()):
            if entity_path[-1].startswith(step.entity):
                out.extend(entity_path + leaf for leaf in step.leaves)
    return out
