"""The snapshot: one document's items as keyed, deterministic data (and its JSON form)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from .catalogue import TITLE
from .values import Certainty, Value

Path = tuple[str, ...]
# Where a value came from: a line number of a text, or 'sheet!row' of a workbook.
Source = int | str | None
HISTORY_COLUMNS = ("変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明")


@dataclass(frozen=True)
class Field:
    """One item's value as read, with where it came from and how sure we are."""

    path: Path
    value: Value
    line: Source
    certainty: Certainty


@dataclass(frozen=True)
class HistoryRow:
    """One row of a document's own 別添2 変更箇所 table, the six cells as printed."""

    cells: tuple[str, str, str, str, str, str]
    line: Source = None

    def as_dict(self) -> dict[str, str]:
        return dict(zip(HISTORY_COLUMNS, self.cells, strict=True))


@dataclass
class Snapshot:
    meta: dict[str, Any]
    fields: dict[Path, Field] = field(default_factory=dict)
    history: list[HistoryRow] = field(default_factory=list)

    @property
    def files(self) -> dict[str, str]:
        """File key → file name, for documents that hold several 特定個人情報ファイル."""
        files = self.meta.get("files") or {}
        assert isinstance(files, dict)
        return files

    def tree(self) -> dict[str, Any]:
        """Item values nested along the form: {part: {section: {item: leaf}}}."""
        root: dict[str, Any] = {}
        for path, item in sorted(self.fields.items()):
            node = root
            for segment in path[:-1]:
                node = node.setdefault(segment, {})
            node[path[-1]] = {"value": item.value, "line": item.line, "certainty": str(item.certainty)}
        return root

    def to_json(self) -> str:
        data = {
            "meta": self.meta,
            "items": self.tree(),
            "history": [{**row.as_dict(), "line": row.line} for row in self.history],
        }
        from .output import json_text

        return json_text(data, sort_keys=True)


# The item tree is a few levels deep (part / file / section / entity / item); far more is hostile.
MAX_DEPTH = 16
_META_DATE = "公表日"


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
        if option == "詳細":
            if not isinstance(state, dict) or not all(isinstance(v, str) for v in state.values()):
                raise SnapshotError(f"{_where((*where, option))}: 詳細は {{選択肢: 文字列}} です")
        elif state is not None and not isinstance(state, bool):
            raise SnapshotError(
                f"{_where((*where, option))}: チェックボックスの状態は true・false・null のいずれかです"
            )
    return value


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
                out.append(Field((*base, key), value, line, certainty))
            else:
                stack.append(((*base, key), child))
    out.sort(key=lambda f: f.path)
    return out


def _check_meta(meta: object) -> dict[str, Any]:
    if not isinstance(meta, dict):
        raise SnapshotError("meta: オブジェクトが必要です")
    for key, value in meta.items():
        where = ("meta", key)
        if key == "files":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise SnapshotError(f"{_where(where)}: {{ファイル番号: ファイル名}} が必要です")
        elif key == _META_DATE and value is not None:
            try:
                dt.date.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                value = None
            else:
                continue
            raise SnapshotError(f"{_where(where)}: ISO の日付 (例: 2026-01-15) か null が必要です")
        elif key in _META_LISTS:
            _check_meta_list(value, _META_LISTS[key], where)
        elif value is not None and not isinstance(value, str):
            raise SnapshotError(f"{_where(where)}: 文字列か null が必要です")
    return meta


# Meta keys that hold lists (what the reader could not place, headings never seen, the generic
# reader's ※ items and repeating blocks): the shape of each entry.
_META_LISTS = {
    "読み取れない箇所": "block",
    "見つからない見出し": "text",
    "繰り返し": "text",
    "※項目": "path",
}


def _check_meta_list(value: object, shape: str, where: Path) -> None:
    if not isinstance(value, list):
        raise SnapshotError(f"{_where(where)}: 並び (配列) が必要です")
    for i, entry in enumerate(value):
        at = (*where, str(i))
        if shape == "text" and not isinstance(entry, str):
            raise SnapshotError(f"{_where(at)}: 文字列が必要です")
        if shape == "path" and not (isinstance(entry, list) and all(isinstance(s, str) for s in entry)):
            raise SnapshotError(f"{_where(at)}: 項目の位置 (文字列の並び) が必要です")
        if shape == "block":
            if not isinstance(entry, dict) or not isinstance(entry.get("内容"), str):
                raise SnapshotError(f"{_where(at)}: {{行, 内容, 指紋}} が必要です")
            _check_line(entry.get("行"), (*at, "行"))
            if not isinstance(entry.get("指紋", ""), str):
                raise SnapshotError(f"{_where((*at, '指紋'))}: 文字列が必要です")


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


def item_label(path: Path, files: dict[str, str] | None = None) -> str:
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
