"""Control characters in a document: shown as \\x1b (pia_diff.controls) in every output, never written
raw to a terminal or a cell, counted as a change where they differ, never a crash in any writer."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from pia_diff.controls import visible
from pia_diff.report.cells import csv_safe, put_text, shorten

from .conftest import ROOT
from .hostile.runner import run, run_many

NEW = ROOT / "samples" / "asahikawa" / "new.txt"
NAME = "日本電気株式会社"
# ESC starting a colour sequence, BEL, a C1 CSI, DEL, an information separator (whitespace to str.split)
HOSTILE = {
    "ESC": "日本電\x1b[31m気株式会社",
    "BEL": "日本電気\x07株式会社",
    "C1 CSI": "日本電気\x9b31m株式会社",
    "DEL": "日本電気\x7f株式会社",
    "unit separator": "日本電気\x1f株式会社",
    "vertical tab": "日本電気\x0b株式会社",
    "NEL": "日本電気\x85株式会社",
}
RAW = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]]


def test_the_convention() -> None:
    assert visible("a\x1bb") == "a\\x1bb"
    assert visible("\x85\x9b\x7f\x00") == "\\x85\\x9b\\x7f\\x00"
    assert visible("\ud800\uffff") == "\\ud800\\uffff"
    assert visible("改行\nタブ\t復帰\r") == "改行\nタブ\t復帰\r"  # layout, not controls
    text = "普通の文"
    assert visible(text) is text


@pytest.mark.parametrize("char", RAW)
def test_no_cell_helper_lets_a_control_through(char: str) -> None:
    value = f"a{char}b"
    sheet = Workbook().active
    put_text(sheet["A1"], value)  # openpyxl raises IllegalCharacterError for most of these raw
    for text in (sheet["A1"].value, csv_safe(value), shorten(value, 40)):
        assert char not in text and f"\\x{ord(char):02x}" in text


def _strings(data: object) -> list[str]:
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _strings(value)]
    return [data] if isinstance(data, str) else []


def _has_raw_control(data: bytes) -> bool:
    text = data.decode("utf-8")
    return any(c in text for c in RAW if c not in "\r\n\t")


def _hostile_copy(kind: str, tmp_path: Path) -> Path:
    hostile = tmp_path / "new.txt"
    hostile.write_text(NEW.read_text(encoding="utf-8").replace(NAME, HOSTILE[kind]), encoding="utf-8")
    return hostile


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_control_character_in_a_name_is_shown_in_every_diff_output_and_is_a_change(kind: str, tmp_path: Path) -> None:
    hostile = _hostile_copy(kind, tmp_path)
    shown = visible(HOSTILE[kind])
    book, template = tmp_path / "別添2.xlsx", tmp_path / "判断.yaml"
    table, as_json, as_csv = run_many(
        [
            (["diff", str(NEW), str(hostile), "-o", str(book), "--decisions-template", str(template)], tmp_path),
            (["diff", str(NEW), str(hostile), "--format", "json"], tmp_path),
            (["diff", str(NEW), str(hostile), "--format", "csv"], tmp_path),
        ]
    )
    assert table.returncode == 0 and "Traceback" not in table.stderr, table.stderr
    for result in (table, as_json, as_csv):
        assert not _has_raw_control(result.raw_stdout) and not _has_raw_control(result.stderr.encode())
    rows = json.loads(as_json.stdout)
    # counted as a change: the name's rows, each from the plain name to the name with the control
    changed = [r for r in rows if HOSTILE[kind] in r["変更後の記載"]]
    assert changed and all(NAME in r["変更前の記載"] for r in changed)
    cells = [c for row in csv.reader(io.StringIO(as_csv.stdout.lstrip("\ufeff"))) for c in row]
    assert any(shown in c for c in cells)
    values = [c.value for s in load_workbook(book).worksheets for r in s.iter_rows() for c in r if c.value]
    assert any(shown in str(v) for v in values) and not any(_has_raw_control(str(v).encode()) for v in values)
    yaml.safe_load(template.read_text(encoding="utf-8"))
    assert not _has_raw_control(template.read_bytes())


@pytest.mark.parametrize("kind", [pytest.param(k, marks=[] if k == "ESC" else [pytest.mark.slow]) for k in HOSTILE])
def test_a_control_character_never_reaches_the_terminal_from_any_command(kind: str, tmp_path: Path) -> None:
    hostile = _hostile_copy(kind, tmp_path)
    exported, imported = tmp_path / "export.xlsx", tmp_path / "import.json"
    results = run_many(
        [
            (["show", str(hostile)], tmp_path),
            (["audit", str(hostile)], tmp_path),
            (["check", str(NEW), str(hostile)], tmp_path),
            (["export", str(hostile), "-o", str(exported)], tmp_path),
            (["import", str(hostile), "-o", str(imported)], tmp_path),
        ]
    )
    for result in results:
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
        assert not _has_raw_control(result.raw_stdout) and not _has_raw_control(result.stderr.encode())
    assert HOSTILE[kind] in _strings(json.loads(imported.read_text(encoding="utf-8")))  # the value itself is kept
    assert not _has_raw_control(imported.read_bytes())
    values = [c.value for s in load_workbook(exported).worksheets for r in s.iter_rows() for c in r if c.value]
    assert not any(_has_raw_control(str(v).encode()) for v in values)


def test_a_snapshot_with_a_lone_surrogate_and_c1_controls_is_written_without_a_crash(tmp_path: Path) -> None:
    imported = tmp_path / "snap.json"
    assert run(["import", str(NEW), "-o", str(imported)], tmp_path).returncode == 0
    text = imported.read_text(encoding="utf-8").replace(NAME, "日本電気\\ud800\\u009b株式会社")
    hostile = tmp_path / "hostile.json"
    hostile.write_text(text, encoding="utf-8")
    book = tmp_path / "out.xlsx"
    commands = (
        ["diff", str(NEW), str(hostile), "-o", str(book)],
        ["diff", str(NEW), str(hostile), "--format", "json"],
        ["diff", str(NEW), str(hostile), "--format", "csv"],
        ["show", str(hostile)],
        ["export", str(hostile), "-o", str(tmp_path / "export.xlsx")],
        ["import", str(hostile), "-o", str(tmp_path / "again.json")],
    )
    for args, result in zip(commands, run_many([(args, tmp_path) for args in commands]), strict=True):
        assert result.returncode == 0 and "Traceback" not in result.stderr, (args, result.stderr)
        result.raw_stdout.decode("utf-8")  # strict UTF-8: no lone surrogate written raw
        assert not _has_raw_control(result.raw_stdout)
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert "日本電気\ud800\x9b株式会社" in _strings(again)
