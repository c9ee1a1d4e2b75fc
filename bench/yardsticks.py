"""Whole processes of pia-diff against yardsticks run in the same measurement, side by side: `diff` of two
versions against a bare DeepDiff process of their raw lines, `--help` against `import typer`, reading a PDF
against `pdftotext -layout`. Each round runs the two one after the other (alternating which goes first), so
both see the same load; the ratio is the median of the rounds' ratios.

Usage: python bench/yardsticks.py [--rounds 9]   (bench/bench.py prints the same tables first)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "data" / "seeds"
PDF = ROOT / "tests" / "data" / "pdf" / "long_25p.pdf"

# The yardstick of `diff`: what a user who only wants the raw differences would run.
DEEPDIFF = (
    "import sys\n"
    "from deepdiff import DeepDiff\n"
    "a = open(sys.argv[1], encoding='utf-8').read().split('\\n')\n"
    "b = open(sys.argv[2], encoding='utf-8').read().split('\\n')\n"
    "sys.stdout.write(str(DeepDiff(a, b)))\n"
)
# The same, deepdiff imported as the command line imports it (pia_diff.compare.engine): without the
# dataframe libraries it loads only to recognise their types (~300 ms where pandas is installed).
DEEPDIFF_LEAN = "import sys\nfor name in ('numpy', 'pandas', 'polars'):\n    sys.modules[name] = None\n" + DEEPDIFF


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float  # user + system, children included
    peak: int  # bytes of resident memory (0 where the platform cannot say)


def measure(command: list[str]) -> Run:
    """One process to its end: wall time, CPU time and peak resident memory (wait4 where there is one)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=_env())
    if hasattr(os, "wait4"):
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(command)}")
        return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)
    if process.wait() != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return Run(time.perf_counter() - started, float("nan"), 0)


def _env() -> dict[str, str]:
    """A user's environment: bytecode read (and written) as an installed package has it."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compiled() -> None:
    """Compile the package's bytecode first (an installed package has it; pip compiles at install)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "pia_diff")], check=True, env=_env())


@dataclass(frozen=True)
class Pair:
    name: str
    yardstick: str
    ours: Run
    theirs: Run
    wall_ratio: float
    cpu_ratio: float


def paired(name: str, yardstick: str, ours: list[str], theirs: list[str], rounds: int) -> Pair:
    """Median of per-round ratios of `ours` to `theirs` (each run once before the rounds, as a warm-up)."""
    measure(ours), measure(theirs)
    mine: list[Run] = []
    yard: list[Run] = []
    for i in range(rounds):
        if i % 2:
            yard.append(measure(theirs))
            mine.append(measure(ours))
        else:
            mine.append(measure(ours))
            yard.append(measure(theirs))
    middle = lambda runs, key: statistics.median(getattr(r, key) for r in runs)  # noqa: E731
    return Pair(
        name,
        yardstick,
        Run(middle(mine, "wall"), middle(mine, "cpu"), max(r.peak for r in mine)),
        Run(middle(yard, "wall"), middle(yard, "cpu"), max(r.peak for r in yard)),
        statistics.median(o.wall / t.wall for o, t in zip(mine, yard, strict=True)),
        statistics.median(o.cpu / t.cpu for o, t in zip(mine, yard, strict=True)),
    )


def edited(text: str) -> str:
    """A revision as bench.py makes one: a word changed in a value, a title changed."""
    return text.replace("国民年金", "国民年金 ", 1).replace("課長", "部長", 1)


def pairs(rounds: int, work: Path) -> list[Pair]:
    python = sys.executable
    largest = max(SEEDS.glob("*.txt"), key=lambda p: p.stat().st_size)
    largest_new = work / "largest_new.txt"
    largest_new.write_text(edited(largest.read_text(encoding="utf-8")), encoding="utf-8")
    asahikawa = (ROOT / "samples" / "asahikawa" / "old.txt", ROOT / "samples" / "asahikawa" / "new.txt")
    out = []
    for name, (old, new) in (
        (f"diff 旭川 (old {old_kb(asahikawa[0])} KB → new {old_kb(asahikawa[1])} KB)", asahikawa),
        (f"diff 最大の文書 {largest.name[:3]} ({old_kb(largest)} KB) とその編集", (largest, largest_new)),
    ):
        for yardstick, code in (("diff", DEEPDIFF), ("diff-lean", DEEPDIFF_LEAN)):
            ours = [python, "-m", "pia_diff", "diff", str(old), str(new), "--format", "json"]
            out.append(paired(name, yardstick, ours, [python, "-c", code, str(old), str(new)], rounds))
    ours = [python, "-m", "pia_diff", "--help"]
    out.append(paired("--help", "--help", ours, [python, "-c", "import typer"], rounds))
    if shutil.which("pdftotext") and PDF.exists():
        target = work / "out.json"
        out.append(
            paired(
                f"import {PDF.name} (25 ページ)",
                "import",
                [python, "-m", "pia_diff", "import", str(PDF), "-o", str(target), "--force"],
                ["pdftotext", "-layout", str(PDF), str(work / "out.txt")],
                max(3, rounds // 2),
            )
        )
    return out


def old_kb(path: Path) -> int:
    return round(path.stat().st_size / 1000)


YARDSTICK_NAMES = {
    "diff": "DeepDiff の素のプロセス (生の行リスト)",
    "diff-lean": "同じ、numpy・pandas・polars を読み込まずに (pia-diff のコマンドと同じ)",
    "--help": "`python -c 'import typer'`",
    "import": "`pdftotext -layout`",
}


def table(results: list[Pair]) -> str:
    lines = [
        "| 処理 (プロセス全体) | pia-diff | ものさし | ものさし | 比 (実時間) | 比 (CPU) | 最大常駐メモリ |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for r in results:
        yardstick = YARDSTICK_NAMES[r.yardstick]
        lines.append(
            f"| {r.name} | {r.ours.wall * 1000:.0f} ms | {yardstick} | {r.theirs.wall * 1000:.0f} ms "
            f"| {r.wall_ratio:.2f}× | {r.cpu_ratio:.2f}× | {r.ours.peak / 2**20:.0f} MiB / {r.theirs.peak / 2**20:.0f} MiB |"
        )
    return "\n".join(lines)


def breakdown(old: Path, new: Path) -> str:
    """Where the time of one `diff` process goes, phase by phase, in a fresh process (median of 5)."""
    code = f"""
import time, sys, datetime, json
marks = [("start", time.perf_counter())]
def mark(name): marks.append((name, time.perf_counter()))
import typer; mark("typer の import")
import pia_diff.cli; mark("pia_diff.cli の import")
import pia_diff.pipeline as p; mark("比較の部品の import")
from pia_diff.ingest.read import read_document
old = read_document({str(old)!r}); mark("旧版の読み取り")
new = read_document({str(new)!r}); mark("新版の読み取り")
from pia_diff.compare.engine import deepdiff_class
from pia_diff.lean import without_dataframes
without_dataframes(); deepdiff_class(); mark("deepdiff の import (numpy・pandas・polars なし)")
result = p.compare(old, new, datetime.date(2026, 1, 15)); mark("比較 (対応づけ・差分・判定・行の照合)")
from pia_diff.report.rows import rows_json
rows_json(result.rows); mark("JSON の出力")
print(json.dumps([(b[0], b[1] - a[1]) for a, b in zip(marks, marks[1:])]))
"""
    import json

    runs = []
    for _ in range(5):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=_env())
        runs.append(json.loads(done.stdout))
    lines = ["| 段階 | ms (中央値) |", "|---|---:|"]
    for i, (name, _) in enumerate(runs[0]):
        lines.append(f"| {name} | {statistics.median(run[i][1] for run in runs) * 1000:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    compiled()
    with tempfile.TemporaryDirectory() as tmp:
        print(table(pairs(args.rounds, Path(tmp))))
    print()
    print(breakdown(ROOT / "samples" / "asahikawa" / "old.txt", ROOT / "samples" / "asahikawa" / "new.txt"))


if __name__ == "__main__":
    main()
