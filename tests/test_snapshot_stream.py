"""Snapshot JSON written in pieces (issue 20): byte for byte the text the whole-tree writer gave, for every
document in the repository and for the shapes only a hand-made snapshot has."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from pia_diff.fileio import json_text, write_atomic
from pia_diff.ingest import parse_bytes, read_document
from pia_diff.model import CheckboxSet, DocumentMeta, Field, HistoryRow, Snapshot
from pia_diff.snapshot import write_json
from pia_diff.values import Certainty

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted(
    p
    for folder in ("tests/data", "tests/cases", "samples", "snapshots")
    for p in (ROOT / folder).rglob("*")
    if p.suffix in (".txt", ".pdf", ".json") and p.name != "expected.json"
)


def whole_tree_json(snapshot: Snapshot) -> str:
    """The writer before the pieces: the whole nested tree, then the whole text."""
    data = {
        "meta": snapshot.meta.to_json(),
        "items": snapshot.tree(),
        "history": [{**row.as_dict(), "line": row.line} for row in snapshot.history],
    }
    return json_text(data, sort_keys=True)


def test_the_repository_has_documents_of_every_kind() -> None:
    assert {p.suffix for p in DOCUMENTS} == {".txt", ".pdf", ".json"}
    assert len(DOCUMENTS) >= 25


@pytest.fixture(scope="module")
def readings() -> dict[Path, Snapshot]:
    """Every document read once for this module's tests (the PDFs take a while)."""
    out = {}
    for path in DOCUMENTS:
        try:
            out[path] = read_document(path)
        except Exception:  # the repository keeps a few inputs that are meant to be refused
            continue
    return out


def test_every_document_is_written_as_before(readings: dict[Path, Snapshot]) -> None:
    assert len(readings) >= 25
    for path, snapshot in readings.items():
        expected = whole_tree_json(snapshot)
        assert snapshot.to_json() == expected, path.name
        stream = io.StringIO()
        write_json(snapshot, stream)
        assert stream.getvalue() == expected, path.name


def snapshot_of(fields: list[Field], history: list[HistoryRow] | None = None, **meta: object) -> Snapshot:
    return Snapshot(DocumentMeta(**meta), {f.path: f for f in fields}, history or [])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "snapshot",
    [
        snapshot_of([]),  # no items at all: {}
        snapshot_of([Field(("Ⅰ",), "一つだけ", 1, Certainty.OK)]),
        snapshot_of(
            [
                Field(("Ⅱ", "(1)", "委託事項1", "①委託内容"), "業務\x85の\x7f委託\ud800", 10, Certainty.OK),
                Field(("Ⅱ", "(1)", "委託事項10", "①委託内容"), None, None, Certainty.MISSING),
                Field(("Ⅱ", "(1)", "委託事項2", "①委託内容"), 'a "quoted"\n\tline', "シート!3", Certainty.UNCERTAIN),
                Field(("Ⅱ", "(2)", "a b"), CheckboxSet.of({"紙": True, "電子": None}, {"紙": "様式"}), 4, Certainty.OK),
                Field(("Ⅱ", "(2)", "a"), CheckboxSet.of({}), 5, Certainty.OK),
                Field(("Ⅲ",), "", 6, Certainty.OK),
            ],
            [HistoryRow(("令和5年1月1日", "項目", "前", "後", "事前", "説明"), 7)],
            number="第1号",
            files={"(1)": "ファイル1", "(2)": "ファイル2"},
            extra={"未来のキー": "値\x9b"},
        ),
        # one item's path is another's prefix: the tree merges them, and the pieces write what the tree writes
        snapshot_of(
            [
                Field(("Ⅰ", "項目"), "値", 1, Certainty.OK),
                Field(("Ⅰ", "項目", "下位"), "下の値", 2, Certainty.OK),
                Field(("Ⅰ", "次"), "次の値", 3, Certainty.OK),
            ]
        ),
    ],
    ids=["empty", "one item", "nested, escapes, checkboxes, files", "prefix paths"],
)
def test_hand_made_shapes_are_written_as_before(snapshot: Snapshot) -> None:
    assert snapshot.to_json() == whole_tree_json(snapshot)
    assert "\x85" not in snapshot.to_json() and "\x7f" not in snapshot.to_json()


def test_the_pieces_are_read_back(readings: dict[Path, Snapshot]) -> None:
    snapshot = next(s for p, s in readings.items() if p.name.startswith("001_") and p.suffix == ".txt")
    text = snapshot.to_json()
    again = parse_bytes(text.encode("utf-8"), "again.json")
    assert again.to_json() == text
    assert set(again.fields) == set(snapshot.fields)
    assert json.loads(snapshot.to_json())["meta"]["sha256"] == snapshot.meta.sha256


def test_a_file_is_written_from_the_pieces(readings: dict[Path, Snapshot], tmp_path: Path) -> None:
    snapshot = next(iter(readings.values()))
    target = tmp_path / "out.json"
    write_atomic(target, (chunk.encode("utf-8") for chunk in snapshot.json_chunks()))
    assert target.read_text(encoding="utf-8") == snapshot.to_json()


def test_a_failing_piece_leaves_no_file(tmp_path: Path) -> None:
    def pieces() -> object:
        yield b"{"
        raise OSError(28, "No space left on device")

    target = tmp_path / "out.json"
    with pytest.raises(Exception, match="空き容量"):
        write_atomic(target, pieces())  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []
