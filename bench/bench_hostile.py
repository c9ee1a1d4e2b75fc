"""Cost of hostile input: seconds per MB of text, per 100,000 .xlsx rows, and the peak memory of
every hostile-corpus case run as `pia-diff show` (a subprocess each, its maximum resident size).

Run: .venv/bin/python bench/bench_hostile.py   (not a test: it prints figures)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pia_diff.ingest import parse_bytes  # noqa: E402
from pia_diff.ingest.workbook import MAX_ROWS, workbook_text  # noqa: E402
from tests.hostile import corpus  # noqa: E402


def best(fn: object, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def text_cost() -> float:
    data = (corpus.seed_text() * 40).encode("utf-8")
    seconds = best(lambda: parse_bytes(data, "big.txt"))
    return seconds / (len(data) / 1024 / 1024)


def xlsx_cost() -> float:
    rows = MAX_ROWS - 1000  # the most a workbook may have
    data = corpus.rows_xlsx(rows)
    seconds = best(lambda: workbook_text(data, "rows.xlsx"))
    return seconds / rows * 100_000


# The child's own high-water mark (VmHWM belongs to the process image, unlike ru_maxrss, which a
# child inherits from the forking parent), written when it exits.
_REPORT_PEAK = """
import atexit, os, runpy, sys
def report():
    with open('/proc/self/status') as status, open(os.environ['HWM_FILE'], 'w') as out:
        out.write(next(line for line in status if line.startswith('VmHWM')))
atexit.register(report)
sys.argv = ['pia-diff', *sys.argv[1:]]
runpy.run_module('pia_diff', run_name='__main__')
"""


def peak_memory(folder: Path) -> list[tuple[str, float, float, int]]:
    out = []
    for case in corpus.build(folder / "in") + corpus.special_inputs(folder / "special"):
        report = folder / "hwm.txt"
        start = time.perf_counter()
        status = subprocess.run(
            [sys.executable, "-c", _REPORT_PEAK, "show", str(case.path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT), "HWM_FILE": str(report)},
            check=False,
        ).returncode
        kib = int(report.read_text().split()[1])
        out.append((case.name, kib / 1024, time.perf_counter() - start, status))
    return out


def main() -> None:
    print(f"text: {text_cost():.3f} s per MB (parse_bytes, 2.9 MB document)")
    print(f".xlsx: {xlsx_cost():.2f} s per 100,000 rows (workbook_text, {MAX_ROWS - 1000:,} rows)")
    with tempfile.TemporaryDirectory() as folder:
        runs = peak_memory(Path(folder))
    print(f"\n{'case':42} {'peak MiB':>9} {'seconds':>8} exit")
    for name, mib, seconds, status in runs:
        print(f"{name:42} {mib:9.1f} {seconds:8.2f} {status:4d}")
    worst = max(runs, key=lambda r: r[1])
    print(f"\nworst peak memory: {worst[1]:.1f} MiB ({worst[0]}); slowest: {max(r[2] for r in runs):.2f} s")


if __name__ == "__main__":
    main()
