"""Running the CLI on hostile input as a process of its own, bounded in time and memory, without paying
Python's start-up for every run: the test process forks, and the child runs `pia_diff.cli.main()` with
pia_diff already imported. Where there is no fork (Windows), a subprocess does the same, slower.

Peak memory is measured in the child (/proc's VmHWM after resetting it, Linux): what the run adds to
what the child started with, so the test process's own size does not count."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
TIME_LIMIT = 30.0
MEMORY_LIMIT = 2 * 1024**3  # address space the child may add to what it inherits
HANG = -1000  # the status recorded for a run stopped at TIME_LIMIT
CLOSED = -1  # stdout=CLOSED: the child runs with its standard output closed
ENV = {"COLUMNS": "160", "PYTHONHASHSEED": "0"}


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mib: float  # memory the run added at its peak (MiB); 0 where it cannot be measured
    raw_stdout: bytes = b""


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _child(
    argv: Sequence[str], cwd: Path, out: int, err: int, report: int, stdout: int | None, env: dict[str, str]
) -> None:
    """In the forked child: never returns."""
    code = 1
    try:
        os.chdir(cwd)
        os.environ.update({**ENV, **env})
        tempfile.tempdir = None  # found again from the environment (TMPDIR), as a new process would
        os.dup2(err, 2)
        if stdout == CLOSED:
            os.close(1)
        else:
            os.dup2(out if stdout is None else stdout, 1)
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = _status_kib("VmSize") * 1024 + MEMORY_LIMIT
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        # reset the peak to what the child has now (Linux >= 4.0)
        with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
        start = _status_kib("VmRSS")
        sys.stdout = None if stdout == CLOSED else open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.argv = ["pia-diff", *argv]
        from pia_diff.cli import main

        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:  # what the interpreter would print for an uncaught exception
            traceback.print_exc()
            code = 1
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()  # type: ignore[union-attr]
        os.write(report, f"{start} {_status_kib('VmHWM')}".encode())
    except BaseException:  # the harness itself failed: say so where the test will look
        with contextlib.suppress(Exception):
            os.write(2, ("runner: " + traceback.format_exc()).encode())
    finally:
        os._exit(code)


def warm() -> None:
    """Import what the commands import lazily, once, so that no forked child pays for it."""
    import openpyxl  # noqa: F401
    import tabulate  # noqa: F401
    import yaml  # noqa: F401

    import pia_diff.audit.batch
    import pia_diff.cli
    import pia_diff.pipeline
    import pia_diff.report.excel
    import pia_diff.report.export
    import pia_diff.report.listing
    import pia_diff.report.rows  # noqa: F401


def run_many(
    jobs: Sequence[tuple[Sequence[str], Path]],
    parallel: int = 2,
    stdout: int | None = None,
    env: dict[str, str] | None = None,
) -> list[Result]:
    """Run `pia-diff ARGV` in each folder, `parallel` at a time; results in the order of the jobs."""
    if not hasattr(os, "fork"):
        return [_subprocess(argv, cwd, env or {}) for argv, cwd in jobs]
    warm()
    results: dict[int, Result] = {}
    running: dict[int, tuple[int, float, object, object, int]] = {}  # pid → (job, start, out, err, report)
    pending = list(enumerate(jobs))
    sys.stdout.flush()
    sys.stderr.flush()
    while pending or running:
        while pending and len(running) < parallel:
            index, (argv, cwd) = pending.pop(0)
            out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115 (closed when read)
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read_end)
                _child(argv, cwd, out.fileno(), err.fileno(), write_end, stdout, env or {})
            os.close(write_end)
            running[pid] = (index, time.perf_counter(), out, err, read_end)
        time.sleep(0.002)
        for pid, (index, started, out, err, report) in list(running.items()):
            done, status = os.waitpid(pid, os.WNOHANG)
            seconds = time.perf_counter() - started
            if done == 0 and seconds < TIME_LIMIT:
                continue
            if done == 0:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                code = HANG
            else:
                code = os.waitstatus_to_exitcode(status)
            measured = os.read(report, 100).split()
            os.close(report)
            peak = (int(measured[1]) - int(measured[0])) / 1024 if len(measured) == 2 else 0.0
            texts = []
            for stream in (out, err):
                stream.seek(0)  # type: ignore[attr-defined]
                texts.append(stream.read())  # type: ignore[attr-defined]
                stream.close()  # type: ignore[attr-defined]
            results[index] = Result(
                code,
                texts[0].decode("utf-8", "replace"),
                texts[1].decode("utf-8", "replace"),
                seconds,
                peak,
                texts[0],
            )
            del running[pid]
    return [results[i] for i in range(len(jobs))]


def run(argv: Sequence[str], cwd: Path, stdout: int | None = None, env: dict[str, str] | None = None) -> Result:
    return run_many([(argv, cwd)], stdout=stdout, env=env)[0]


def _subprocess(argv: Sequence[str], cwd: Path, env: dict[str, str]) -> Result:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pia_diff", *argv],
            cwd=cwd,
            capture_output=True,
            timeout=TIME_LIMIT,
            env={**os.environ, **ENV, **env, "PYTHONPATH": str(ROOT)},
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Result(HANG, "", "", TIME_LIMIT, 0.0)
    out, err = done.stdout, done.stderr
    return Result(
        done.returncode,
        out.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"),
        time.perf_counter() - started,
        0.0,
        out,
    )
