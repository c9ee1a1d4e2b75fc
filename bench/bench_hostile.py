"""Cost of hostile input: seconds per MB of text, per 100,000 .xlsx rows, and per family of the
hostile corpus every case with every command: exit statuses, worst time, worst peak memory added.

Run: .venv/bin/python bench/bench_hostile.py   (not a test: it prints figures; a few minutes)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pia_diff.ingest import parse_bytes  # noqa: E402
from pia_diff.ingest.workbook import MAX_ROWS, workbook_text  # noqa: E402
from tests.hostile import corpus  # noqa: E402
from tests.hostile.runner import run_many  # noqa: E402


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


def family_table(folder: Path) -> list[tuple[str, int, int, dict[int, int], float, str, float, str]]:
    """Every case of the corpus with every command (as --run-slow does), each a forked child of this warm
    process (tests/hostile/runner.py): per family the cases, runs, exit statuses, worst time and worst
    peak memory the run added (MiB)."""
    seed = folder / "seed.txt"
    seed.write_text(corpus.seed_text(), encoding="utf-8")
    cases = corpus.build(folder / "in") + corpus.special_inputs(folder / "special")
    jobs, where = [], []
    for case in cases:
        for command in corpus.COMMANDS:
            work = folder / "work" / f"{case.path.name}-{command}"
            work.mkdir(parents=True, exist_ok=True)
            jobs.append((corpus.argv(command, case.path, work / corpus.output_name(command), seed), work))
            where.append(case.family or "special files")
    results = run_many(jobs)
    table: dict[str, list[tuple[int, float, float, str]]] = {}
    for family, case, result in zip(where, [c for c in cases for _ in corpus.COMMANDS], results, strict=True):
        table.setdefault(family, []).append((result.returncode, result.seconds, result.peak_mib, case.name))
    out = []
    for family, runs in table.items():
        statuses: dict[int, int] = {}
        for status, *_ in runs:
            statuses[status] = statuses.get(status, 0) + 1
        slowest = max(runs, key=lambda r: r[1])
        biggest = max(runs, key=lambda r: r[2])
        cases_in = len({r[3] for r in runs})
        out.append((family, cases_in, len(runs), statuses, slowest[1], slowest[3], biggest[2], biggest[3]))
    return out


def main() -> None:
    print(f"text: {text_cost():.3f} s per MB (parse_bytes, 2.9 MB document)")
    print(f".xlsx: {xlsx_cost():.2f} s per 100,000 rows (workbook_text, {MAX_ROWS - 1000:,} rows)")
    with tempfile.TemporaryDirectory() as folder:
        rows = family_table(Path(folder))
    print("\n| family | cases | runs | exit statuses | worst time (s) | worst peak (MiB added) |")
    print("| --- | ---: | ---: | --- | ---: | ---: |")
    for family, cases, runs, statuses, seconds, slow_case, mib, big_case in rows:
        shown = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
        print(f"| {family} | {cases} | {runs} | {shown} | {seconds:.2f} ({slow_case}) | {mib:.0f} ({big_case}) |")


if __name__ == "__main__":
    main()
