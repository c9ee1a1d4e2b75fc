"""Shared fixtures: the sample documents (copied into tests/data), the golden-file switch, the slow
marker (skipped unless --run-slow or -m slow) and the cached hostile corpus; the package's bytecode
compiled once for the command-line runs, and a line on the terminal while a test runs long."""

from __future__ import annotations

import compileall
import contextlib
import functools
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = DATA / "seeds"
RULES = DATA / "domain" / "RULES.md"
CASES = Path(__file__).resolve().parent / "cases"


def seed(prefix: str) -> Path:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    assert found, f"sample {prefix} not found in {SEEDS}"
    return found[0]


@functools.cache
def exported_sample(prefix: str) -> bytes:
    """A sample written out by `export` as read (bytes, so no test can change another's): made once a
    session, where dozens of workbook tests start from it."""
    from pia_diff.catalogue import load_catalogue
    from pia_diff.ingest import read_document
    from pia_diff.report.export import export_bytes

    return export_bytes(read_document(seed(prefix)), load_catalogue())


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite golden files from the program's output (review them by eye before committing)",
    )
    parser.addoption("--run-slow", action="store_true", help="also run the tests marked slow")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "slow: seconds per test, a code path a quicker test covers too (run with --run-slow or -m slow)"
    )
    # the packaged data's parse cache (pia_diff.datacache) in pytest's cache folder, not the user's own;
    # set before any test imports the package (and inherited by the CLI's subprocesses)
    cache = getattr(config, "cache", None)
    os.environ["PIA_DIFF_CACHE"] = str(cache.mkdir("pia-diff-data")) if cache is not None else "off"
    # Hundreds of tests run the command in a process of its own. Where PYTHONDONTWRITEBYTECODE is set,
    # each would compile the whole package again (~35 ms a run): compile it once, as pip does at install
    # (only what changed since the last run; Python checks each file's bytecode against its source).
    compileall.compile_dir(ROOT / "pia_diff", quiet=2)
    # the terminal as it is now (output capture is off while plugins configure): a test's output is
    # captured at the file descriptor, so only a copy of the descriptor taken here still reaches it
    global _TERMINAL
    with contextlib.suppress(OSError, ValueError):
        _TERMINAL = os.fdopen(os.dup(2), "w", encoding="utf-8", errors="replace", closefd=True)


_TERMINAL: Any = None


# A test that runs longer than this says so on the terminal, and again as often (pytest -q prints a
# dot per test, and nothing while one runs).
HEARTBEAT = 5.0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    finished = threading.Event()
    started = time.monotonic()

    def beat() -> None:
        while not finished.wait(HEARTBEAT) and _TERMINAL is not None:
            with contextlib.suppress(OSError, ValueError):
                _TERMINAL.write(f"\n  ... {item.nodeid}: still running after {time.monotonic() - started:.0f} s\n")
                _TERMINAL.flush()

    watcher = threading.Thread(target=beat, name="test heartbeat", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        finished.set()
        watcher.join()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow") or "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow (or -m slow)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def hostile_folder(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the generated hostile inputs live: pytest's cache folder, under a key of the generators'
    source (a new generator makes new files); a temporary folder when the cache is switched off."""
    from .hostile import corpus

    cache = getattr(request.config, "cache", None)
    if cache is None:
        return tmp_path_factory.mktemp("hostile-corpus")
    base = Path(cache.mkdir("hostile-corpus"))
    for old in base.iterdir():  # files of generators that have changed since: never used again
        if old.name != corpus.source_key():
            shutil.rmtree(old, ignore_errors=True)
    return base / corpus.source_key()


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def check_golden(golden: Path, found: Any, update: bool) -> None:
    """Compare with a reviewed golden file; --update-golden rewrites it (review it before committing)."""
    if update:
        golden.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert found == json.loads(golden.read_text(encoding="utf-8"))
