"""The snapshot: one document's items as keyed, deterministic data (and its JSON form)."""

from __future__ import annotations

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
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _leaves(tree: dict[str, Any], prefix: Path) -> list[Field]:
    out: list[Field] = []
    for key, node in tree.items():
        if isinstance(node, dict) and "certainty" in node and "value" in node:
            out.append(Field((*prefix, key), node["value"], node.get("line"), Certainty(node["certainty"])))
        elif isinstance(node, dict):
            out.extend(_leaves(node, (*prefix, key)))
        else:
            raise ValueError(f"{'/'.join((*prefix, key))}: not an item")
    return out


def from_json(text: str) -> Snapshot:
    """Read a snapshot written by to_json; raises ValueError on a malformed one."""
    data = json.loads(text)
    if not isinstance(data, dict) or not {"meta", "items"} <= set(data):
        raise ValueError("meta と items がありません")
    fields = {item.path: item for item in _leaves(data["items"], ())}
    history = [
        HistoryRow(tuple(str(row.get(c, "")) for c in HISTORY_COLUMNS), row.get("line"))  # type: ignore[arg-type]
        for row in data.get("history", [])
    ]
    return Snapshot(meta=data["meta"], fields=fields, history=history)


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
