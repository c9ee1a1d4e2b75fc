"""The hostile corpus: every generated input against every command, in a subprocess bounded in time
and memory. Each run must give its expected exit status, never a traceback, leave no output file
behind when it fails, and leave its input byte for byte as it was."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pia_diff.errors import InputError
from pia_diff.ingest import parse_bytes

from .hostile import corpus

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT = 30
MEMORY_LIMIT = 2 * 1024**3
HANG = -1000  # the status recorded for a run that hit TIME_LIMIT
COMMANDS = ("show", "import", "diff", "audit", "check", "export")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@dataclass(frozen=True)
class Run:
    status: int
    stderr: str
    out_left: bool
    sha_before: str
    sha_after: str


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pia_diff", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=_limit_memory,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "160"},
    )


def _argv(command: str, doc: Path, out: Path, seed: Path) -> list[str]:
    return {
        "show": ["show", str(doc), "--format", "json"],
        "import": ["import", str(doc), "-o", str(out)],
        "diff": ["diff", str(seed), str(doc), "--date", "令和7年1月1日", "--format", "json", "-o", str(out)],
        "audit": ["audit", str(doc), "--format", "json"],
        "check": ["check", str(seed), str(doc), "--date", "令和7年1月1日"],
        "export": ["export", str(doc), "-o", str(out)],
    }[command]


def _one(case: corpus.Case, command: str, work: Path, seed: Path) -> Run:
    folder = work / f"{case.path.name}-{command}"
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "out.file"
    before = _sha(case.path)
    try:
        result = run(_argv(command, case.path, out, seed), folder)
    except subprocess.TimeoutExpired:
        return Run(HANG, "", False, before, _sha(case.path))
    leftovers = [p for p in folder.iterdir() if p.name != "out.file" or result.returncode != 0]
    return Run(result.returncode, result.stderr, bool(leftovers), before, _sha(case.path))


@pytest.fixture(scope="session")
def hostile_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], tuple[corpus.Case, Run]]:
    """Every case × every command, run once per session, two at a time per core."""
    base = tmp_path_factory.mktemp("hostile")
    cases = corpus.build(base / "in") + corpus.special_inputs(base / "special")
    seed = base / "seed.txt"
    seed.write_text(corpus.seed_text(), encoding="utf-8")
    jobs = [(case, command) for case in cases for command in case.commands]
    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1)) as pool:
        runs = list(pool.map(lambda job: _one(job[0], job[1], base / "work", seed), jobs))
    return {(case.name, command): (case, result) for (case, command), result in zip(jobs, runs, strict=True)}


# (case name, light: run with show and import only, its code path being covered by a sibling case).
# test_the_corpus_lists_every_generated_case keeps this table equal to what build() writes.
_BUILD = [
    ("wareki overflow, year 0, outside era", False),
    ("実施日 near year 9999", False),
    *(
        (f"snapshot {how}", light)
        for how, light in (
            ("history-string", False),
            ("number-value", False),
            ("checkbox-yes", False),
            ("date-abc", False),
            ("no-items", False),
            ("bad-certainty", True),
            ("float-line", True),
            ("infinity", True),
            ("nan-value", True),
            ("huge-exponent", True),
        )
    ),
    ("snapshot 100000 deep", False),
    ("snapshot valid", False),
    ("text starting with a brace", False),
    ("utf-16-le without BOM", False),
    ("utf-16-be without BOM", True),
    ("random binary with NUL", False),
    ("empty", False),
    ("xlsx 1,000,000 rows", False),
    ("xlsx huge shared strings", False),
    ("parser 「[令和1年」×2000", False),
    ("parser 3 MB text", True),
]
_SPECIAL = ["/dev/zero", "fifo", "dangling link", "folder as a document"]
_PAIRS = [
    *((name, command) for name, light in _BUILD for command in (corpus.LIGHT if light else COMMANDS)),
    *((name, command) for name in _SPECIAL for command in COMMANDS),
]


@pytest.mark.parametrize(("name", "command"), _PAIRS)
def test_hostile_input(name: str, command: str, hostile_runs: dict[tuple[str, str], tuple[corpus.Case, Run]]) -> None:
    case, result = hostile_runs[(name, command)]
    # a folder given to audit is a batch audit: its FIFO and dangling link are rows that cannot be read
    expected = {1} if (name, command) == ("folder as a document", "audit") else case.expected
    assert result.status != HANG, f"no answer within {TIME_LIMIT} s"
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.status in expected, result.stderr[-2000:]
    assert result.sha_before == result.sha_after
    assert not result.out_left  # nothing after a refusal; after success only the output, no temporary file
    if result.status == 2:
        assert result.stderr.startswith("エラー: ") and case.message in result.stderr
        assert str(case.path) in result.stderr


def test_the_corpus_lists_every_generated_case(tmp_path: Path) -> None:
    built = [(c.name, c.commands == corpus.LIGHT) for c in corpus.build(tmp_path / "in")]
    assert built == _BUILD
    assert [c.name for c in corpus.special_inputs(tmp_path / "special")] == _SPECIAL


# Snapshot JSON of any shape: the reader returns a snapshot or refuses with InputError, nothing else.
_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
_json = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
)
_leaf = st.fixed_dictionaries(
    {"value": _json, "certainty": st.sampled_from(["ok", "uncertain", "missing", "yes", ""]) | _scalars},
    optional={"line": _json},
)
_items = st.recursive(_leaf, lambda inner: st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=3))
_snapshots = st.fixed_dictionaries(
    {
        "meta": st.dictionaries(st.sampled_from(["公表日", "files", "評価書名", "x"]), _json, max_size=3),
        "items": _items,
    },
    optional={"history": _json | st.lists(st.dictionaries(st.sampled_from(["変更日", "項目", "line"]), _json))},
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_snapshots)
def test_any_snapshot_json_is_read_or_refused(data: dict[str, object]) -> None:
    text = json.dumps(data, ensure_ascii=False)  # may hold NaN / Infinity: the reader must refuse them
    try:
        snapshot = parse_bytes(text.encode("utf-8"), "h.json")
    except InputError as exc:
        assert exc.source == "h.json" and "snapshot JSON" in exc.problem
        return
    assert snapshot.fields
    again = snapshot.to_json()  # and it writes strict JSON back
    assert "NaN" not in again and "Infinity" not in again
    json.loads(again, parse_constant=lambda name: pytest.fail(name))


def test_a_stale_dimension_does_not_drop_cells() -> None:
    from pia_diff.ingest.workbook import workbook_text

    text, _places = workbook_text(corpus.stale_dimension_xlsx(), "stale.xlsx")
    assert "vC3" in text and "vA1" in text


def test_json_output_never_holds_nan() -> None:
    from pia_diff.output import json_text

    assert json.loads(json_text({"a": float("nan"), "b": [float("inf"), 1.5]})) == {"a": None, "b": [None, 1.5]}


def test_workers_are_capped_at_the_core_count() -> None:
    from pia_diff.audit.batch import worker_count

    assert worker_count(1000) == (os.cpu_count() or 1)
    assert worker_count(None) == (os.cpu_count() or 1)
    assert worker_count(1) == 1


def test_a_folder_audit_reports_every_bad_file_and_audits_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text(corpus.seed_text(), encoding="utf-8")
    (folder / "bad.json").write_text('{"meta": {}, "items": {"a": {"value": 1, "certainty": "ok"}}}')
    (folder / "deep.json").write_text('{"meta":{},"items":' + '{"a":' * 100_000 + "1" + "}" * 100_001)
    (folder / "binary.txt").write_bytes(b"\x00\x01" * 100)
    os.mkfifo(folder / "pipe")
    (folder / "dangling").symlink_to(folder / "nowhere")
    result = run(["audit", str(folder), "--format", "json", "--workers", "1000"], tmp_path)
    assert "Traceback" not in result.stderr and result.returncode == 1
    rows = {Path(r["file"]).name: r for r in json.loads(result.stdout)}
    assert set(rows) == {"good.txt", "bad.json", "deep.json", "binary.txt", "pipe", "dangling"}
    assert rows["good.txt"]["error"] is None
    assert "items/a/value" in rows["bad.json"]["error"]
    assert "深すぎ" in rows["deep.json"]["error"]
    assert "FIFO" in rows["pipe"]["error"] and "見つかりません" in rows["dangling"]["error"]


@pytest.mark.parametrize("command", ["import", "export", "diff"])
def test_an_output_may_not_be_an_input(tmp_path: Path, command: str) -> None:
    doc = tmp_path / "x.txt"
    doc.write_text(corpus.seed_text(), encoding="utf-8")
    before = _sha(doc)
    link = tmp_path / "hard-link.txt"
    os.link(doc, link)
    for out in (doc, link, tmp_path / "." / "x.txt"):
        argv = {
            "import": ["import", str(doc), "-o", str(out), "--force"],
            "export": ["export", str(doc), "-o", str(out), "--force"],
            "diff": ["diff", str(doc), str(doc), "--date", "令和7年1月1日", "-o", str(out), "--force"],
        }[command]
        result = run(argv, tmp_path)
        assert result.returncode == 2 and "入力ファイル" in result.stderr and "Traceback" not in result.stderr
    assert _sha(doc) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard-link.txt", "x.txt"]


def test_special_outputs(tmp_path: Path) -> None:
    doc = tmp_path / "x.txt"
    doc.write_text(corpus.seed_text(), encoding="utf-8")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere.json")
    refused = {
        ("/dev/null", True): "特殊なファイル",
        (str(fifo), False): "FIFO",
        (str(dangling), False): "シンボリックリンク",
        ("/proc/pia-diff-test.json", True): "書き込めません",
    }
    for (out, force), message in refused.items():
        result = run(["import", str(doc), "-o", out, *(["--force"] if force else [])], tmp_path)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert fifo.is_fifo() and dangling.is_symlink() and not (tmp_path / "nowhere.json").exists()
    # with --force, a FIFO and a dangling link are replaced by a regular file (the link's target is not written)
    for out in (fifo, dangling):
        result = run(["import", str(doc), "-o", str(out), "--force"], tmp_path)
        assert result.returncode == 0 and out.is_file() and not out.is_symlink()
    assert not (tmp_path / "nowhere.json").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".pia-diff-")]


def test_absurd_dates_on_the_command_line(tmp_path: Path) -> None:
    doc = tmp_path / "x.txt"
    doc.write_text(corpus.seed_text(), encoding="utf-8")
    for date in ("令和3000000000年1月1日", "令和0年1月1日", "令和1年1月1日", "平成32年1月1日"):
        for command in ("diff", "check"):
            result = run([command, str(doc), str(doc), "--date", date], tmp_path)
            assert result.returncode == 2 and "日付" in result.stderr and "Traceback" not in result.stderr
            assert "Invalid value" not in result.stderr and "--date" in result.stderr  # a Japanese message
    out = tmp_path / "別添2.xlsx"
    result = run(["diff", str(doc), str(doc), "--date", "令和1年1月1日", "-o", str(out)], tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr and not out.exists()
