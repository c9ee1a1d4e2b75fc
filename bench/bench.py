"""Benchmark pia-diff on the samples and a synthetic large assessment, against the alternatives a
user has (DeepDiff on raw lines, difflib on the texts, DeepDiff ignore_order on the snapshots).

First the ratios against yardsticks run side by side in this same measurement (bench/yardsticks.py):
the whole `diff` process against a bare DeepDiff process of the raw lines (旭川 and the largest
document), `--help` against `import typer`, a 25-page PDF against `pdftotext -layout`; and where the
time of one `diff` process goes. Then per stage, per size (bench/bench_size.py has 1-10 MB) and batch.

Run from the repository root:  .venv/bin/python bench/bench.py [--docs 100] [--rounds 9]
Prints markdown tables (the README quotes them). A script, not a timed test: numbers vary by machine.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "data" / "seeds"
sys.path.insert(0, str(ROOT))

from pia_diff.audit.batch import audit_folder  # noqa: E402
from pia_diff.catalogue import load_catalogue  # noqa: E402
from pia_diff.compare.classify import Options, classify  # noqa: E402
from pia_diff.compare.diff import _keys, diff  # noqa: E402
from pia_diff.compare.rules import load_rules  # noqa: E402
from pia_diff.ingest import parse_text  # noqa: E402
from pia_diff.report.excel import workbook_bytes  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import yardsticks  # noqa: E402
from documents import synthetic  # noqa: E402

CAT, RULES = load_catalogue(), load_rules()


def timed(function: Callable[[], object], repeat: int = 5) -> tuple[float, object]:
    """Median wall time in seconds over `repeat` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def pipeline(old_text: str, new_text: str) -> dict[str, float]:
    """Seconds per stage of the main job, and the row count."""
    parse_s, (old, new) = timed(lambda: (parse_text(old_text, "old.txt"), parse_text(new_text, "new.txt")), 3)
    diff_s, changes = timed(lambda: diff(old, new, CAT), 3)
    options = Options(__import__("datetime").date(2026, 1, 15))
    classify_s, rows = timed(lambda: classify(changes, CAT, RULES, options), 3)
    write_s, _ = timed(lambda: workbook_bytes(old.history, rows), 3)
    return {
        "parse": parse_s,
        "diff": diff_s,
        "classify": classify_s,
        "xlsx": write_s,
        "rows": len(rows),
        "old": old,
        "new": new,
    }


def peak_memory(old_text: str, new_text: str) -> float:
    """Peak Python allocation (MiB) of one whole run of the main job."""
    tracemalloc.start()
    old, new = parse_text(old_text, "old.txt"), parse_text(new_text, "new.txt")
    rows = classify(diff(old, new, CAT), CAT, RULES, Options(__import__("datetime").date(2026, 1, 15)))
    workbook_bytes(old.history, rows)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def alternatives(old_text: str, new_text: str, result: dict) -> list[tuple[str, float]]:
    from deepdiff import DeepDiff

    a, b = old_text.split("\n"), new_text.split("\n")
    raw, _ = timed(lambda: DeepDiff(a, b), 1)
    unified, _ = timed(lambda: list(difflib.unified_diff(a, b, lineterm="")), 3)
    tree_a, tree_b = _keys(result["old"].fields), _keys(result["new"].fields)
    unordered, _ = timed(lambda: DeepDiff(tree_a, tree_b, ignore_order=True), 1)
    return [
        ("DeepDiff (生の行リスト)", raw),
        ("difflib.unified_diff (テキスト)", unified),
        ("DeepDiff ignore_order=True (snapshot)", unordered),
    ]


def per_megabyte() -> list[tuple[str, float, float, float]]:
    """Parse cost per MB of text and per line, for (name, MB, ms per MB, µs per line): the synthetic
    document, 2 MB of short plain lines inside sample 001, and a line of 「[令和1年」 × 2000."""
    from pia_diff.errors import InputError

    lines = next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8").split("\n")
    filler, size = [], 0
    while size < 2_000_000:
        filler.append(f"短い行の本文です {len(filler)}")
        size += len(filler[-1].encode("utf-8")) + 1
    inputs = {
        "合成文書": synthetic(variant=True),
        "短い行 2 MB (001 の中)": "\n".join(lines[:297] + filler + lines[297:]),
        "「[令和1年」× 2000 の1行": "特定個人情報保護評価書\n" + "[令和1年" * 2000,
    }
    out = []
    for name, text in inputs.items():

        def run(text: str = text) -> None:
            # the one-line input is no 評価書: its parse time is what counts
            with contextlib.suppress(InputError):
                parse_text(text, "bench.txt")

        seconds, _ = timed(run, 1)
        megabytes = len(text.encode("utf-8")) / 1e6
        out.append((name, megabytes, seconds * 1000 / megabytes, seconds * 1e6 / (text.count("\n") + 1)))
    return out


def batch(docs: int) -> list[tuple[int, float]]:
    folder = Path(tempfile.mkdtemp(prefix="pia-bench-"))
    seeds = sorted(SEEDS.glob("*.txt"))
    for i in range(docs):
        shutil.copy(seeds[i % len(seeds)], folder / f"{i:03d}_{seeds[i % len(seeds)].name}")
    out = []
    for workers in (1, 2):
        seconds, _ = timed(lambda w=workers: audit_folder(folder, w), 1)
        out.append((workers, docs / seconds))
    shutil.rmtree(folder)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100, help="documents in the batch-audit folder")
    parser.add_argument("--rounds", type=int, default=9, help="paired runs of each process against its yardstick")
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"マシン: {platform.machine()}、{os.cpu_count()} コア、Python {platform.python_version()}、{platform.system()}、"
        f"負荷 (1分平均) {load:.2f}\n"
    )
    yardsticks.compiled()
    with tempfile.TemporaryDirectory() as tmp:
        print(yardsticks.table(yardsticks.pairs(args.rounds, Path(tmp))))
    print("\n`diff` (旭川) の1プロセスの内訳:\n")
    print(yardsticks.breakdown(ROOT / "samples" / "asahikawa" / "old.txt", ROOT / "samples" / "asahikawa" / "new.txt"))
    print()

    print("| 入力 | 読み取り (2版) | 差分 | 判定 | Excel 出力 | 行数 |")
    print("|---|---:|---:|---:|---:|---:|")
    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        edited = text.replace("国民年金", "国民年金 ", 1).replace("課長", "部長", 1)
        r = pipeline(text, edited)
        print(
            f"| {seed.name[:3]} ({len(text) // 1000} KB) | {r['parse'] * 1000:.0f} ms | {r['diff'] * 1000:.1f} ms "
            f"| {r['classify'] * 1000:.1f} ms | {r['xlsx'] * 1000:.0f} ms | {r['rows']} |"
        )
    old_text, new_text = synthetic(), synthetic(variant=True)
    big = pipeline(old_text, new_text)
    print(
        f"| 合成 (50 システム、40 委託事項 × 10 ファイル、{len(old_text) // 1000} KB) | {big['parse'] * 1000:.0f} ms "
        f"| {big['diff'] * 1000:.0f} ms | {big['classify'] * 1000:.1f} ms | {big['xlsx'] * 1000:.0f} ms | {big['rows']} |"
    )
    print(
        f"\n合成文書の項目数: {len(big['new'].fields)}、1回の実行のピークメモリ (tracemalloc): "
        f"{peak_memory(old_text, new_text):.1f} MiB\n"
    )

    print("| 方法 (合成文書の2版) | 時間 | pia-diff の差分に対する比 | 結果 |")
    print("|---|---:|---:|---|")
    ours = big["diff"]
    print(f"| pia-diff diff (snapshot、項目ごと) | {ours * 1000:.0f} ms | 1.0 | {big['rows']} 行 (項目単位) |")
    for name, seconds in alternatives(old_text, new_text, big):
        print(f"| {name} | {seconds * 1000:.0f} ms | {seconds / ours:.1f} | 項目の対応づけなし |")
    total = big["parse"] + big["diff"] + big["classify"]
    print(f"| pia-diff 読み取り+差分+判定 | {total * 1000:.0f} ms | {total / ours:.1f} | 事前/事後つき |")

    print("\n| 読み取りの入力 | MB | ms / MB | µs / 行 |")
    print("|---|---:|---:|---:|")
    for name, megabytes, ms_per_mb, us_per_line in per_megabyte():
        print(f"| {name} | {megabytes:.2f} | {ms_per_mb:.0f} | {us_per_line:.1f} |")

    print(f"\n一括監査 ({args.docs} 文書):")
    for workers, rate in batch(args.docs):
        print(f"- {workers} ワーカー: {rate:.1f} 文書/秒")
    print(
        f"\nプロセスの最大常駐メモリ: {__import__('resource').getrusage(__import__('resource').RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
