"""This checkout against another commit, side by side: the reader on a synthetic 評価書 (2 MB, sample 001's
lines, as bench_size.py builds it) and on the four samples, and the folder audit's work on one document
(read + audit, as each worker does it). The other commit is checked out into a temporary git worktree; both
run from the same venv, one process each, alternating which goes first, so that both see the same load.

The machine this project is measured on is shared and its speed changes by a third from one minute to the
next: wall times of one version measured at different times cannot be compared. Two measures that can:
  - the median of the rounds' ratios (each round runs both versions one after the other);
  - with valgrind installed, the instructions each version executes (callgrind's count, the same on every run:
    the difference of a run doing the work three times and one doing it once, so start-up does not count).

Usage: python bench/bench_versions.py BASE [--rounds 7] [--no-valgrind]     (BASE: a commit, e.g. 36ef4a5)
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# One measurement in a process of its own: `python -c WORK ROOT MODE REPEAT`. MODE: "time" prints the best
# of REPEAT runs of each task (seconds); "count" just does each task REPEAT times (for callgrind).
WORK = r"""
import pathlib, sys, time
root, mode, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path[:0] = [root, root + "/bench"]
from documents import sized
from pia_diff.ingest import parse_text
from pia_diff.ingest.read import parse_bytes
from pia_diff.audit.batch import audit_file
text = sized(2 if mode == "time" else 0.5)
seeds = sorted(pathlib.Path(root, "tests", "data", "seeds").glob("*.txt"))
datas = [(p.name, p.read_bytes()) for p in seeds]
tasks = {
    "synthetic": lambda: parse_text(text, "b.txt"),
    "samples": lambda: [parse_bytes(d, n) for n, d in datas],
    "audit": lambda: [audit_file(str(p)) for p in seeds],
}
for task in tasks.values():  # the catalogue, its index and the caches: start-up is measured elsewhere
    task()
best = {}
for name, task in tasks.items():
    if mode == "count" and name != sys.argv[4]:
        continue
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        task()
        times.append(time.perf_counter() - started)
    best[name] = min(times)
if mode == "time":
    print(" ".join(f"{name}={seconds}" for name, seconds in best.items()))
"""
TASKS = {
    "synthetic": "読み取り: 合成文書 (2 MB、29,522 行)",
    "samples": "読み取り: サンプル 4 文書",
    "audit": "フォルダの監査の 1 文書分 (読み取り + 監査、サンプル 4 文書)",
}
# callgrind's per-task unit: the synthetic document is read at 0.5 MB there (7,400 lines), callgrind being slow
COUNT_UNITS = {"synthetic": "0.5 MB の読み取り 1 回", "samples": "4 文書の読み取り", "audit": "4 文書の監査"}


def timed(root: Path) -> dict[str, float]:
    """The best of three runs of each task, in seconds."""
    done = subprocess.run(
        [sys.executable, "-c", WORK, str(root), "time", "3"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return {name: float(value) for name, value in (pair.split("=") for pair in done.stdout.split())}


def instructions(root: Path, task: str) -> int:
    """Instructions of doing `task` once (two more runs of it, less one, halved)."""

    def total(repeat: int) -> int:
        command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", WORK]
        done = subprocess.run(
            [*command, str(root), "count", str(repeat), task],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        found = re.search(r"Collected : (\d+)", done.stderr)
        if found is None:
            raise SystemExit(f"callgrind gave no count:\n{done.stderr[-2000:]}")
        return int(found.group(1))

    return (total(3) - total(1)) // 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base", help="the commit to compare with (a worktree of it is made in a temporary folder)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-valgrind", action="store_true", help="wall times only")
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(base), args.base], check=True, cwd=ROOT)
        try:
            rounds: dict[str, list[dict[str, float]]] = {"base": [], "this": []}
            for n in range(args.rounds):
                order = [("base", base), ("this", ROOT)]
                for name, root in order if n % 2 == 0 else order[::-1]:
                    rounds[name].append(timed(root))
                print(f"  {n + 1}/{args.rounds}", file=sys.stderr, flush=True)
            counts: dict[str, tuple[int, int]] = {}
            if not args.no_valgrind and shutil.which("valgrind"):
                for task in TASKS:
                    counts[task] = (instructions(base, task), instructions(ROOT, task))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], check=False, cwd=ROOT)
    print(f"{args.base} と この版、{args.rounds} 回ずつ交互に (負荷 (1分平均) {load:.2f})\n")
    print("| 処理 | " + args.base + " (最速) | この版 (最速) | 比 (各回の比の中央値) |")
    print("|---|---:|---:|---:|")
    for task, title in TASKS.items():
        ratios = [this[task] / old[task] for old, this in zip(rounds["base"], rounds["this"], strict=True)]
        fastest = [min(r[task] for r in rounds[name]) * 1000 for name in ("base", "this")]
        print(f"| {title} | {fastest[0]:.1f} ms | {fastest[1]:.1f} ms | {statistics.median(ratios):.2f}× |")
    if counts:
        print("\n| 処理 (callgrind の命令数) | 単位 | " + args.base + " | この版 | 比 |")
        print("|---|---|---:|---:|---:|")
        for task, (old, this) in counts.items():
            print(
                f"| {TASKS[task]} | {COUNT_UNITS[task]} | {old / 1e6:.0f} M | {this / 1e6:.0f} M | {this / old:.2f}× |"
            )


if __name__ == "__main__":
    main()
