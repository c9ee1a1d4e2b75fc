"""The hostile corpus: every generated input against every command, each run a process of its own
bounded in time and memory (tests/hostile/runner.py). Each run must give its expected exit status,
never a traceback, stay under the memory bound, leave no output file behind when it fails, leave its
input byte for byte as it was, and (where the case says so) report the rows it must and write no raw
control character anywhere. Cases are generated lazily and cached (tests/hostile/corpus.py)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pia_diff.controls import has_controls
from pia_diff.errors import InputError
from pia_diff.ingest import parse_bytes

from .hostile import corpus
from .hostile.runner import CLOSED, HANG, TIME_LIMIT, Result, run, run_many

DATE = corpus.DATE


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


@dataclass(frozen=True)
class Run:
    result: Result
    out_left: bool
    sha_before: str
    sha_after: str
    output_text: str  # what the run wrote to -o, as text (a workbook's cell values), for the control check


def _written(out: Path) -> str:
    if not out.is_file():
        return ""
    data = out.read_bytes()
    if not data.startswith(b"PK"):
        return data.decode("utf-8", "replace")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r if c.value is not None)


class _Runs:
    """Each case's runs, made when its first test asks for them: the case's file is generated (or
    found in the cache) and every command of it selected in this session runs, two at a time."""

    def __init__(self, request: pytest.FixtureRequest, folder: Path, work: Path) -> None:
        self.request, self.folder, self.work = request, folder, work
        self.done: dict[tuple[str, str], tuple[corpus.Case, Run]] = {}
        self.seed = work / "seed.txt"
        work.mkdir(parents=True, exist_ok=True)
        self.seed.write_text(corpus.seed_text(), encoding="utf-8")
        self.specials = {c.name: c for c in corpus.special_inputs(work / "special")}
        self.specs = {s.name: s for s in corpus.specs()}

    def _selected(self, name: str) -> list[str]:
        commands = []
        for item in self.request.session.items:
            params = getattr(getattr(item, "callspec", None), "params", {})
            if params.get("name") == name and "command" in params and not item.get_closest_marker("skip"):
                commands.append(params["command"])
        return commands

    def get(self, name: str, command: str) -> tuple[corpus.Case, Run]:
        if (name, command) not in self.done:
            case = self.specials.get(name) or corpus.materialise(self.specs[name], self.folder)
            commands = [c for c in self._selected(name) if (name, c) not in self.done] or [command]
            if command not in commands:
                commands.append(command)
            jobs, outs = [], []
            for each in commands:
                folder = self.work / f"{case.path.name}-{each}"
                folder.mkdir(parents=True, exist_ok=True)
                outs.append(folder / corpus.output_name(each))
                jobs.append((corpus.argv(each, case.path, outs[-1], self.seed), folder))
            before = _sha(case.path)
            results = run_many(jobs)
            for each, (_, folder), out, result in zip(commands, jobs, outs, results, strict=True):
                leftovers = [p for p in folder.iterdir() if p != out or result.returncode != 0]
                check = result.returncode in (0, 1) and case.spec is not None and case.spec.visible_only
                written = _written(out) if check else ""
                self.done[(name, each)] = (case, Run(result, bool(leftovers), before, _sha(case.path), written))
        return self.done[(name, command)]


@pytest.fixture(scope="session")
def hostile_runs(
    request: pytest.FixtureRequest, hostile_folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> _Runs:
    return _Runs(request, hostile_folder, tmp_path_factory.mktemp("hostile-work"))


def _pairs() -> list[object]:
    pairs: list[object] = []
    for spec in corpus.specs():
        pairs += [pytest.param(spec.name, c, id=f"{spec.name}-{c}") for c in spec.commands]
        pairs += [pytest.param(spec.name, c, id=f"{spec.name}-{c}", marks=pytest.mark.slow) for c in spec.slow]
    for name in _SPECIAL:  # refused before any work: cheap, so every command
        pairs += [pytest.param(name, c, id=f"{name}-{c}") for c in corpus.COMMANDS]
    return pairs


_SPECIAL = ["/dev/zero", "fifo", "dangling link", "folder as a document"]


@pytest.mark.parametrize(("name", "command"), _pairs())
def test_hostile_input(name: str, command: str, hostile_runs: _Runs) -> None:
    case, run_ = hostile_runs.get(name, command)
    result = run_.result
    # a folder given to audit is a batch audit: its FIFO and dangling link are rows that cannot be read
    expected = {1} if (name, command) == ("folder as a document", "audit") else case.expected
    assert result.returncode != HANG, f"no answer within {TIME_LIMIT} s"
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode in expected, result.stderr[-2000:]
    assert run_.sha_before == run_.sha_after
    assert not run_.out_left  # nothing after a refusal; after success only the output, no temporary file
    assert result.peak_mib <= corpus.MEMORY_BOUND, f"{result.peak_mib:.0f} MiB"
    if result.returncode == 2:
        assert result.stderr.startswith("エラー: ") and case.message in result.stderr
        assert str(case.path) in result.stderr
    spec = case.spec
    if spec is not None and spec.visible_only:
        for text in (result.stdout, result.stderr, run_.output_text):
            assert not has_controls(text.replace("\x0c", "")), repr(text[:200])
    if spec is not None and spec.rows is not None and command == "diff":
        rows = json.loads(result.stdout)
        assert spec.rows.at_least <= len(rows) <= spec.rows.at_most, [r["項目"] for r in rows]
        assert all(spec.rows.every_row_has in json.dumps(r, ensure_ascii=False) for r in rows)


def test_the_corpus_names_each_case_once_and_every_family_has_an_outcome() -> None:
    names = [s.name for s in corpus.specs()]
    assert len(names) == len(set(names))
    families = {s.family for s in corpus.specs()}
    assert {"control characters", "Excel cell types", "encodings", "angle brackets", "workbook parts"} <= families
    for spec in corpus.specs():
        assert spec.expected in (corpus.ACCEPT, corpus.REFUSE)
        assert spec.expected == corpus.ACCEPT or spec.message  # a refusal names its reason


def test_cached_cases_are_generated_once_and_again_when_the_generator_changes(tmp_path: Path) -> None:
    spec = next(s for s in corpus.specs() if s.name == "empty")
    calls: list[int] = []
    counting = corpus.Spec(spec.family, spec.name, lambda: calls.append(1) or b"x", spec.expected, spec.message)
    first = corpus.materialise(counting, tmp_path / corpus.source_key())
    again = corpus.materialise(counting, tmp_path / corpus.source_key())
    assert first.path == again.path and first.path.read_bytes() == b"x" and calls == [1]
    assert corpus.materialise(counting, tmp_path / "another-key").path.read_bytes() == b"x" and calls == [1, 1]


# Output tricks: what is asked of the output, not of the input.
def test_one_path_for_two_outputs_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    seed = tmp_path / "seed.txt"
    seed.write_text(corpus.seed_text(), encoding="utf-8")
    out = tmp_path / "X.xlsx"
    out.write_bytes(b"the published workbook")
    argv = ["diff", str(seed), str(seed), "--date", DATE, "-o", str(out), "--decisions-template", str(out), "--force"]
    result = run(argv, tmp_path)
    assert result.returncode == 2 and "2つの出力先" in result.stderr and "書き出しました" not in result.stderr
    assert out.read_bytes() == b"the published workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["X.xlsx", "seed.txt"]


@pytest.mark.parametrize("where", ["/dev/full", "closed", "pipe without a reader"])
def test_a_failing_standard_output_is_a_message(where: str, tmp_path: Path) -> None:
    seed = tmp_path / "seed.txt"
    seed.write_text(corpus.seed_text(), encoding="utf-8")
    argv = ["diff", str(seed), str(next(corpus.SEEDS.glob("003_*.txt"))), "--force"]
    argv += ["--format", "json", "--date", DATE]
    if where == "/dev/full":
        if not Path("/dev/full").exists():
            pytest.skip("no /dev/full")
        with open("/dev/full", "wb") as full:
            result = run(argv, tmp_path, stdout=full.fileno())
    elif where == "closed":
        result = run(argv, tmp_path, stdout=CLOSED)
    else:
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            result = run(argv, tmp_path, stdout=write_end)
        finally:
            os.close(write_end)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "エラー: 標準出力に書き込めません" in result.stderr and result.stderr.count("エラー") == 1


def test_the_workbook_is_written_when_the_temporary_folder_is_unusable(tmp_path: Path) -> None:
    """openpyxl writes each sheet to a temporary file: they live beside the output, not in TMPDIR."""
    seed = tmp_path / "seed.txt"
    seed.write_text(corpus.seed_text(), encoding="utf-8")
    out_folder = tmp_path / "out"
    out_folder.mkdir()
    missing = tmp_path / "no-such-tmp"
    argv = ["diff", str(seed), str(seed), "--date", DATE, "-o", str(out_folder / "別添2.xlsx")]
    result = run(argv, tmp_path, env={"TMPDIR": str(missing), "TEMP": str(missing), "TMP": str(missing)})
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out_folder.iterdir()) == ["別添2.xlsx"]
    assert zipfile.ZipFile(out_folder / "別添2.xlsx").namelist()


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


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_snapshots)
def test_any_snapshot_json_is_read_or_refused(data: dict[str, object]) -> None:
    _read_or_refused(data)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_snapshots)
def test_any_snapshot_json_is_read_or_refused_many_more(data: dict[str, object]) -> None:
    _read_or_refused(data)


def _read_or_refused(data: dict[str, object]) -> None:
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
    fifo = tmp_path / "pipe.json"
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
