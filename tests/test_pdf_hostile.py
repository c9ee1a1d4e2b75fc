"""Hostile PDFs (issue 21) through the CLI: each case of tests/hostile/pdf_corpus.py imported in a
subprocess under a time and memory limit. A page that costs without bound is named among what could
not be read, and the six real pages after it are read as if it were not there; a document that
cannot be read is refused with a Japanese message; never a traceback, never an output file after a
refusal, never a changed input, never a peak above 512 MiB (the reader's child and all)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from pia_diff.ingest import read_document

from .hostile import pdf_corpus
from .hostile.pdf_corpus import Outcome

pytestmark = pytest.mark.skipif(not hasattr(os, "wait4"), reason="measures each run with os.wait4 (POSIX)")

ROOT = Path(__file__).resolve().parent.parent
# a hang guard, not a speed test: the slowest case stops its hostile page within a few seconds
TIME_LIMIT = 60
# what the whole run may reserve (the reader's child caps itself lower), and what its peak must stay under
ADDRESS_SPACE = 2 * 1024**3
PEAK = 512 * 1024**2


@dataclass(frozen=True)
class Run:
    folder: Path
    status: int
    stdout: str
    stderr: str
    peak: int  # bytes, the largest resident set of the run and the processes it waited for
    seconds: float
    left: list[str]  # what the run left in its folder
    changed: bool  # the input's bytes differ afterwards


def _limit() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run(args: list[str], folder: Path, watched: Path) -> Run:
    """pia-diff with args in folder (its own session, killed whole after TIME_LIMIT)."""
    import time

    folder.mkdir(parents=True, exist_ok=True)
    before = hashlib.sha256(watched.read_bytes()).hexdigest()
    out, err = folder.parent / f"{folder.name}.stdout", folder.parent / f"{folder.name}.stderr"
    started = time.monotonic()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "pia_diff", *args],
            cwd=folder,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
            preexec_fn=_limit,
            env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "160"},
        )
    timer = threading.Timer(TIME_LIMIT, lambda: os.killpg(process.pid, signal.SIGKILL))
    timer.start()
    _, status, usage = os.wait4(process.pid, 0)
    timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    after = hashlib.sha256(watched.read_bytes()).hexdigest()
    return Run(
        folder,
        process.returncode,
        out.read_text(encoding="utf-8", errors="replace"),
        err.read_text(encoding="utf-8", errors="replace"),
        usage.ru_maxrss * 1024,
        time.monotonic() - started,
        sorted(p.name for p in folder.iterdir()),
        before != after,
    )


@pytest.fixture(scope="session")
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The cases' files, built on first use and kept in pytest's cache folder between sessions
    (in a temporary one when the cache is switched off, -p no:cacheprovider)."""
    cache = getattr(request.config, "cache", None)
    folder = cache.mkdir("pdf_corpus") if cache is not None else tmp_path_factory.mktemp("pdf_corpus")
    return {name: pdf_corpus.build(name, folder) for name in pdf_corpus.FAMILIES}


@pytest.fixture(scope="session")
def imports(corpus: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every case imported once, two at a time."""
    base = tmp_path_factory.mktemp("pdf_hostile")

    def one(name: str) -> Run:
        return run(["import", str(corpus[name]), "-o", "out.json"], base / corpus[name].stem, corpus[name])

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(corpus, pool.map(one, corpus), strict=True))


@pytest.fixture(scope="session")
def clean() -> dict[tuple[str, ...], tuple[object, str]]:
    snapshot = read_document(pdf_corpus.BASE)
    return {path: (f.value, f.certainty.value) for path, f in snapshot.fields.items()}


def _fields(snapshot: Path) -> dict[tuple[str, ...], tuple[object, str]]:
    """The items of a snapshot JSON the run wrote, read back as the tool reads one."""
    return {path: (f.value, f.certainty.value) for path, f in read_document(snapshot).fields.items()}


@pytest.mark.parametrize("name", list(pdf_corpus.FAMILIES))
def test_hostile_pdf(
    name: str,
    corpus: dict[str, Path],
    imports: dict[str, Run],
    clean: dict[tuple[str, ...], tuple[object, str]],
) -> None:
    case = pdf_corpus.FAMILIES[name][1]
    result = imports[name]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert not result.changed
    assert result.peak < PEAK, f"peak {result.peak / 2**20:.0f} MiB"
    if case.outcome is Outcome.REFUSED:
        assert result.status == 2, result.stderr
        assert result.left == []
        assert result.stderr.startswith(f"エラー: {corpus[name]}: ") and case.message in result.stderr
        return
    assert result.status == 0, result.stderr
    assert result.left == ["out.json"]
    found = json.loads((result.folder / "out.json").read_text(encoding="utf-8"))
    notices = [g for g in found["meta"]["読み取れない箇所"] if "ページ目を読めません" in g["内容"]]
    if case.outcome is Outcome.REPORTED:
        assert [g["行"] for g in notices] == [f"{case.page}ページ"]
        assert notices[0]["内容"].startswith(f"PDF の {case.page} ページ目を読めません: ")
    else:
        assert notices == []
    # the real pages are read as if the hostile page were not there (their page numbers aside)
    assert _fields(result.folder / "out.json") == clean


def test_a_folder_audit_goes_on_past_hostile_pdfs(corpus: dict[str, Path], tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "評価書"
    folder.mkdir()
    names = ["forms 2^21", "grid 600", "encrypted", "truncated"]
    for name in names:
        shutil.copy(corpus[name], folder / corpus[name].name)
    shutil.copy(pdf_corpus.BASE, folder / "clean.pdf")
    result = run(["audit", str(folder), "--format", "json"], tmp_path / "work", folder / "clean.pdf")
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.status == 1  # two files could not be read
    assert result.peak < PEAK
    rows = {Path(entry["file"]).name: entry for entry in json.loads(result.stdout)}
    assert set(rows) == {"clean.pdf", *(corpus[name].name for name in names)}
    for name in ["forms 2^21", "grid 600"]:
        entry = rows[corpus[name].name]
        assert entry["error"] is None and len(entry["rows"]) == len(rows["clean.pdf"]["rows"]) == 18
    assert "パスワード" in rows[corpus["encrypted"].name]["error"]
    assert "途中で切れています" in rows[corpus["truncated"].name]["error"]


def test_the_corpus_covers_the_families_of_issue_21() -> None:
    names = set(pdf_corpus.FAMILIES)
    assert {"grid 200", "grid 600", "grid 2400", "forms 2^21", "serpentine", "300 pages of 30000 characters"} <= names
    assert {"length refers to itself", "600 MB flate bomb in a form", "rotate 90", "encrypted", "truncated"} <= names
