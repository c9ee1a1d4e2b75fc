"""Snapshot JSON: a document written as deterministic JSON and read back, checked field by field
(the types themselves live in `model`), and 項目 labels as 別添2 writes them."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterator, Mapping
from json.encoder import encode_basestring
from typing import Any, TextIO

from .catalogue import TITLE
from .model import (
    DETAILS_KEY,
    GENERIC_KEYS,
    HISTORY_COLUMNS,
    HISTORY_HEADING_KEY,
    META_KEYS,
    Certainty,
    CheckboxSet,
    DocumentMeta,
    Field,
    GenericReading,
    HistoryRow,
    Path,
    ReadBy,
    Snapshot,
    Source,
    UnplacedBlock,
    Value,
    value_json,
)

__all__ = [
    "HISTORY_COLUMNS",
    "DocumentMeta",
    "Field",
    "HistoryRow",
    "Path",
    "Snapshot",
    "SnapshotError",
    "Source",
    "UnplacedBlock",
    "from_json",
    "item_label",
    "json_chunks",
    "write_json",
]

# The item tree is a few levels deep (part / file / section / entity / item); far more is hostile.
MAX_DEPTH = 16


class SnapshotError(ValueError):
    """A snapshot JSON that breaks the schema; the message names the first wrong field (Japanese)."""


def _where(path: tuple[object, ...]) -> str:
    return "/".join(str(p) for p in path) or "(全体)"


def _reject_constant(name: str) -> object:
    raise SnapshotError(f"JSON に {name} は使えません")


def _check_line(line: object, where: tuple[object, ...]) -> Source:
    if line is None or (isinstance(line, int | str) and not isinstance(line, bool)):
        return line
    raise SnapshotError(f"{_where(where)}: 行番号は整数・文字列・null のいずれかです")


def _check_value(value: object, where: tuple[object, ...]) -> Value:
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, dict):
        raise SnapshotError(f"{_where(where)}: 値は文字列・チェックボックスの状態・null のいずれかです")
    for option, state in value.items():
        if option == DETAILS_KEY:
            if not isinstance(state, dict) or not all(isinstance(v, str) for v in state.values()):
                raise SnapshotError(f"{_where((*where, option))}: 詳細は {{選択肢: 文字列}} です")
        elif state is not None and not isinstance(state, bool):
            raise SnapshotError(
                f"{_where((*where, option))}: チェックボックスの状態は true・false・null のいずれかです"
            )
    return CheckboxSet.from_json(value)


def _leaves(tree: dict[str, Any], prefix: Path) -> list[Field]:
    """Every item of the tree, walked without recursion so that hostile nesting cannot overflow."""
    out: list[Field] = []
    stack: list[tuple[Path, dict[str, Any]]] = [(prefix, tree)]
    while stack:
        base, node = stack.pop()
        if len(base) >= MAX_DEPTH:
            raise SnapshotError(f"{_where(('items', *base))}: 入れ子が深すぎます")
        for key, child in node.items():
            where = ("items", *base, key)
            if not isinstance(child, dict):
                raise SnapshotError(f"{_where(where)}: 項目ではありません (オブジェクトが必要です)")
            if "certainty" in child and "value" in child:
                try:
                    certainty = Certainty(child["certainty"])
                except ValueError:
                    raise SnapshotError(
                        f"{_where(where)}: certainty は ok・uncertain・missing のいずれかです"
                    ) from None
                value = _check_value(child["value"], (*where, "value"))
                line = _check_line(child.get("line"), (*where, "line"))
                copies = child.get("copies", [])
                if not isinstance(copies, list):
                    raise SnapshotError(f"{_where((*where, 'copies'))}: 値の並びが必要です")
                seen = tuple(_check_value(c, (*where, "copies", str(i))) for i, c in enumerate(copies))
                out.append(Field((*base, key), value, line, certainty, seen))
            else:
                stack.append(((*base, key), child))
    out.sort(key=lambda f: f.path)
    return out


def _text(value: object, where: tuple[object, ...]) -> str | None:
    if value is not None and not isinstance(value, str):
        raise SnapshotError(f"{_where(where)}: 文字列か null が必要です")
    return value


def _check_meta(meta: object) -> DocumentMeta:
    """The typed meta of a snapshot JSON; keys another version of the tool wrote are kept as they are."""
    if not isinstance(meta, dict):
        raise SnapshotError("meta: オブジェクトが必要です")
    by_key = {key: name for name, key in META_KEYS.items()}
    known: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in meta.items():
        where = ("meta", key)
        name = by_key.get(key)
        if name == "files":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise SnapshotError(f"{_where(where)}: {{ファイル番号: ファイル名}} が必要です")
            known[name] = dict(value)
        elif name == "published":
            known[name] = _date(value, where)
        elif name == "history_certainty":
            try:
                known[name] = Certainty(value or Certainty.MISSING)
            except ValueError:
                raise SnapshotError(f"{_where(where)}: ok・uncertain・missing のいずれかです") from None
        elif name == "unplaced":
            known[name] = tuple(_block(entry, (*where, str(i))) for i, entry in enumerate(_list(value, where)))
        elif name == "unseen":
            known[name] = tuple(_text_entry(entry, (*where, str(i))) for i, entry in enumerate(_list(value, where)))
        elif name is not None:
            text = _text(value, where)
            if name in ("source", "sha256", "style"):
                text = text or ("cell" if name == "style" else "")
            known[name] = text
        elif key in _GENERIC:
            continue  # read below
        else:
            extra[key] = _text(value, where)
    generic = None
    if meta.get(GENERIC_KEYS["read_by"]) == str(ReadBy.GENERIC):
        stars = meta.get(GENERIC_KEYS["stars"]) or []
        where = ("meta", GENERIC_KEYS["stars"])
        paths = []
        for i, entry in enumerate(_list(stars, where)):
            if not (isinstance(entry, list) and all(isinstance(s, str) for s in entry)):
                raise SnapshotError(f"{_where((*where, str(i)))}: 項目の位置 (文字列の並び) が必要です")
            paths.append(tuple(entry))
        repeating = meta.get(GENERIC_KEYS["repeating"]) or []
        where = ("meta", GENERIC_KEYS["repeating"])
        stems = tuple(_text_entry(e, (*where, str(i))) for i, e in enumerate(_list(repeating, where)))
        heading = _text(meta.get(HISTORY_HEADING_KEY), ("meta", HISTORY_HEADING_KEY))
        generic = GenericReading(tuple(paths), stems, heading)
    else:
        for key in _GENERIC:
            if key in meta:
                extra[key] = meta[key]  # generic keys without the generic reading: kept, not used
    return DocumentMeta(**known, generic=generic, extra=extra)


_GENERIC = {*GENERIC_KEYS.values(), HISTORY_HEADING_KEY}


def _date(value: object, where: tuple[object, ...]) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else _bad_date(where)
    except ValueError:
        return _bad_date(where)


def _bad_date(where: tuple[object, ...]) -> dt.date:
    raise SnapshotError(f"{_where(where)}: ISO の日付 (例: 2026-01-15) か null が必要です")


def _list(value: object, where: tuple[object, ...]) -> list[object]:
    if not isinstance(value, list):
        raise SnapshotError(f"{_where(where)}: 並び (配列) が必要です")
    return value


def _text_entry(entry: object, where: tuple[object, ...]) -> str:
    if not isinstance(entry, str):
        raise SnapshotError(f"{_where(where)}: 文字列が必要です")
    return entry


def _block(entry: object, where: tuple[object, ...]) -> UnplacedBlock:
    if not isinstance(entry, dict) or not isinstance(entry.get("内容"), str):
        raise SnapshotError(f"{_where(where)}: {{行, 内容, 指紋}} が必要です")
    line = _check_line(entry.get("行"), (*where, "行"))
    digest = entry.get("指紋", "")
    if not isinstance(digest, str):
        raise SnapshotError(f"{_where((*where, '指紋'))}: 文字列が必要です")
    return UnplacedBlock(line, entry["内容"], digest)


def _check_history(rows: object) -> list[HistoryRow]:
    if not isinstance(rows, list):
        raise SnapshotError("history: 配列が必要です")
    out = []
    for number, row in enumerate(rows):
        if not isinstance(row, dict):
            raise SnapshotError(f"history/{number}: オブジェクトが必要です")
        for column in HISTORY_COLUMNS:
            if not isinstance(row.get(column, ""), str):
                raise SnapshotError(f"history/{number}/{column}: 文字列が必要です")
        cells = tuple(row.get(c, "") for c in HISTORY_COLUMNS)
        out.append(HistoryRow(cells, _check_line(row.get("line"), ("history", number, "line"))))
    return out


def from_json(text: str) -> Snapshot:
    """Read a snapshot written by to_json, checked field by field; SnapshotError names the first bad field."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise SnapshotError("入れ子が深すぎます") from None
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"JSON の構文の誤り: {exc.lineno} 行 {exc.colno} 文字目 ({exc.msg})") from None
    if not isinstance(data, dict) or not {"meta", "items"} <= set(data):
        raise SnapshotError("meta と items がありません")
    meta = _check_meta(data["meta"])
    if not isinstance(data["items"], dict):
        raise SnapshotError("items: オブジェクトが必要です")
    leaves = _leaves(data["items"], ())
    if not leaves:
        raise SnapshotError("items: 項目がひとつもありません")
    history = _check_history(data.get("history", []))
    return Snapshot(meta=meta, fields={item.path: item for item in leaves}, history=history)


def item_label(path: Path, files: Mapping[str, str] | None = None) -> str:
    """項目 as written in 別添2: the path's labels, an entity's name slot left out,
    the file key shown with the file's name where a document holds several files."""
    words = []
    for segment in path:
        if segment == TITLE:
            continue
        if files and segment in files:
            segment = f"{segment}{files[segment]}"
        words.append(segment)
    return " ".join(words)


# Snapshot JSON is the text of json_text(data, sort_keys=True): 2-space indent, keys sorted, no ASCII escapes.
_INDENT = "  "


def json_chunks(snapshot: Snapshot) -> Iterator[str]:
    """A snapshot's JSON in pieces, the very text of `Snapshot.to_json` without ever holding it whole:
    the items are written leaf by leaf from the sorted paths (no nested tree of them is built)."""
    from .fileio import json_safe, json_text

    def nested(data: object, depth: int) -> str:
        """json_text's text of `data`, standing `depth` levels in (its lines carry on that indent)."""
        return json_text(data, sort_keys=True)[:-1].replace("\n", "\n" + _INDENT * depth)

    yield "{\n" + _INDENT + '"history": '
    yield nested([{**row.as_dict(), "line": row.line} for row in snapshot.history], 1)
    yield ",\n" + _INDENT + '"items": '
    yield from _items(snapshot, nested, json_safe)
    yield ",\n" + _INDENT + '"meta": '
    yield nested(snapshot.meta.to_json(), 1)
    yield "\n}\n"


def _items(snapshot: Snapshot, nested: Callable[[object, int], str], json_safe: Callable[[str], str]) -> Iterator[str]:
    """The `items` object at depth 1: the tree of Snapshot.tree, written from its sorted leaf paths."""
    paths = sorted(snapshot.fields)
    if any(a == b[: len(a)] for a, b in itertools.pairwise(paths)):
        # an item path that is another's prefix: the tree merges them, and only the tree says how
        yield nested(snapshot.tree(), 1)
        return
    if not paths:
        yield "{}"
        return
    open_path: Path = ()  # the objects written and not closed yet, below `items`
    for number, path in enumerate(paths):
        item = snapshot.fields[path]
        shared = 0
        while shared < min(len(open_path), len(path) - 1) and open_path[shared] == path[shared]:
            shared += 1
        out = []
        for depth in range(len(open_path), shared, -1):  # close the objects this path leaves
            out.append("\n" + _INDENT * (depth + 1) + "}")
        out.append("{" if number == 0 else ",")
        for depth, segment in enumerate(path[shared:-1], start=shared + 2):  # open the ones it enters
            out.append("\n" + _INDENT * depth + _key(segment, json_safe) + "{")
        out.append("\n" + _INDENT * (len(path) + 1) + _key(path[-1], json_safe) + _leaf(item, nested, json_safe))
        open_path = path[:-1]
        yield "".join(out)
    yield "".join("\n" + _INDENT * (depth + 1) + "}" for depth in range(len(open_path), -1, -1))


def _key(key: str, json_safe: Callable[[str], str]) -> str:
    return json_safe(encode_basestring(key)) + ": "


def _leaf(item: Field, nested: Callable[[object, int], str], json_safe: Callable[[str], str]) -> str:
    """An item's {certainty, (copies,) line, value} as the encoder writes it at the item's depth. The common leaf
    (a text or nothing, a line number or place) is written here with the encoder's own string and
    number writers; a checkbox set goes through the encoder."""
    depth = len(item.path) + 1
    value, line = value_json(item.value), item.line
    if item.copies or not (value is None or isinstance(value, str)) or not (line is None or type(line) in (int, str)):
        leaf: dict[str, object] = {"certainty": str(item.certainty), "line": line, "value": value}
        if item.copies:
            leaf["copies"] = [value_json(copy) for copy in item.copies]
        return nested(leaf, depth)
    inner = "\n" + _INDENT * (depth + 1)
    written = "null" if line is None else int.__repr__(line) if isinstance(line, int) else encode_basestring(line)
    return json_safe(
        "{"
        + inner
        + '"certainty": '
        + encode_basestring(str(item.certainty))
        + ","
        + inner
        + '"line": '
        + written
        + ","
        + inner
        + '"value": '
        + ("null" if value is None else encode_basestring(value))
        + "\n"
        + _INDENT * depth
        + "}"
    )


def write_json(snapshot: Snapshot, stream: TextIO) -> None:
    """Write a snapshot's JSON to a text stream piece by piece (see json_chunks)."""
    for chunk in json_chunks(snapshot):
        stream.write(chunk)
