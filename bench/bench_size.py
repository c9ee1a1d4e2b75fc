"""Reading cost at every size: synthetic 評価書 of 1, 2, 4, 8 and 10 MB (built from sample 001's lines,
as bench/bench.py's synthetic one is), each measured in a process of its own.

Usage: python bench/bench_size.py [--sizes 1 2 4 8 10] [--repeat 3] [--pair]

Per size: the parse (text in, snapshot out: parse_text) as wall and CPU time, the median of --repeat runs,
in µs a line; its peak Python allocation (tracemalloc, one more run) and the growth of the process's
peak resident memory over the parse (ru_maxrss after building the text, and after the parses); then
the snapshot written as JSON to a file (the `import` command's output) with its time and peak
allocation. Memory is also given as a multiple of the input's size (the target: ≤ 10×). With --pair,
also the whole comparison of the document with an edited copy (pipeline.compare: both read, paired,
diffed, classified, the safety net over every line), time and peak allocation.

Numbers vary with the machine and its load (`uptime` is printed); compare the sizes with one another.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

MiB = 2**20


def timed(function: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds of `repeat` runs, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        result = None  # the last run's result is let go first: one document in memory at a time
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls), statistics.median(cpus), result


def traced_peak(function: Callable[[], object]) -> int:
    """Peak bytes Python allocated while `function` ran (what existed before does not count)."""
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def max_rss() -> int:
    """The process's peak resident memory so far, in bytes (Linux reports KiB, macOS bytes)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def write_snapshot(snapshot: Any, path: Path) -> None:
    """The snapshot's JSON into a file, as `pia-diff import -o` writes it."""
    chunks = getattr(snapshot, "json_chunks", None)
    if chunks is not None:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.writelines(chunks())
    else:  # the tool before the JSON was streamed: the whole text first
        path.write_bytes(snapshot.to_json().encode("utf-8"))


def child(megabytes: float, repeat: int, pair: bool) -> dict[str, Any]:
    """Measure one size in this process (run by the parent, one process per size)."""
    from documents import files_for, sized

    from pia_diff.ingest import parse_text

    text = sized(megabytes)
    lines = text.count("\n") + 1
    size = len(text.encode("utf-8"))
    parse_text(sized(0.1), "warm.txt")  # the catalogue, its index and the caches: start-up is measured elsewhere
    rss_before = max_rss()
    wall, cpu, snapshot = timed(lambda: parse_text(text, "bench.txt"), repeat)
    rss_after = max_rss()
    del snapshot
    parse_peak = traced_peak(lambda: parse_text(text, "bench.txt"))
    snapshot = parse_text(text, "bench.txt")
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "snapshot.json"
        write_wall, _, _ = timed(lambda: write_snapshot(snapshot, target), 1)
        json_bytes = target.stat().st_size
        write_peak = traced_peak(lambda: write_snapshot(snapshot, target))
    out: dict[str, Any] = {
        "MB": size / 1e6,
        "files": files_for(megabytes),
        "lines": lines,
        "fields": len(snapshot.fields),
        "parse_wall": wall,
        "parse_cpu": cpu,
        "parse_peak": parse_peak,
        "rss_growth": rss_after - rss_before,
        "rss": rss_after,
        "write_wall": write_wall,
        "write_peak": write_peak,
        "json_bytes": json_bytes,
    }
    if pair:
        from pia_diff.compare.engine import deepdiff_class
        from pia_diff.pipeline import compare

        deepdiff_class()  # imported before the timing, as the reader's catalogue is: start-up is measured elsewhere

        new_text = sized(megabytes, variant=True)
        del snapshot

        def both() -> object:
            return compare(parse_text(text, "old.txt"), parse_text(new_text, "new.txt"), dt.date(2026, 1, 15))

        pair_wall, pair_cpu, result = timed(both, 1)
        out["pair_wall"], out["pair_cpu"] = pair_wall, pair_cpu
        out["pair_rows"] = len(result.rows)  # type: ignore[attr-defined]
        del result
        out["pair_peak"] = traced_peak(both)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 4, 8, 10], help="sizes in MB")
    parser.add_argument("--repeat", type=int, default=3, help="parses per size (the median is shown)")
    parser.add_argument("--pair", action="store_true", help="also compare each document with an edited copy")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, args.repeat, args.pair)))
        return
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"マシン: {platform.machine()}、{os.cpu_count()} コア、Python {platform.python_version()}、"
        f"負荷 (1分平均) {load:.2f}、各サイズ {args.repeat} 回の中央値\n"
    )
    results = []
    for megabytes in args.sizes:
        command = [sys.executable, __file__, "--child", str(megabytes), "--repeat", str(args.repeat)]
        if args.pair:
            command.append("--pair")
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.exit(f"{megabytes} MB: the measuring process failed:\n{done.stderr}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        r = results[-1]
        print(f"  {r['MB']:.1f} MB: 読み取り {r['parse_wall']:.2f} s", file=sys.stderr, flush=True)
    print(
        "| 入力 | 行数 | 項目数 | 読み取り (実時間) | µs / 行 | CPU µs / 行 | ピーク (tracemalloc) | 入力比 "
        "| 最大常駐メモリの増分 (ru_maxrss) | 入力比 | JSON 書き出し | 書き出しのピーク | 入力比 |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        size = r["MB"] * 1e6
        print(
            f"| {r['MB']:.1f} MB | {r['lines']:,} | {r['fields']:,} | {r['parse_wall']:.2f} s "
            f"| {r['parse_wall'] * 1e6 / r['lines']:.1f} | {r['parse_cpu'] * 1e6 / r['lines']:.1f} "
            f"| {r['parse_peak'] / MiB:.0f} MiB | {r['parse_peak'] / size:.1f}× "
            f"| {r['rss_growth'] / MiB:.0f} MiB | {r['rss_growth'] / size:.1f}× "
            f"| {r['write_wall']:.2f} s | {r['write_peak'] / MiB:.0f} MiB | {r['write_peak'] / size:.1f}× |"
        )
    first, last = results[0], results[-1]
    per_line = [r["parse_cpu"] / r["lines"] for r in (first, last)]
    print(
        f"\n線形性: {last['MB']:.0f} MB の CPU µs / 行は {first['MB']:.0f} MB の {per_line[1] / per_line[0]:.2f} 倍"
        " (1.0 なら線形)"
    )
    if args.pair:
        print(
            "\n| 2版の比較 (読み取り2回 + 差分 + 判定 + 行の照合) | 実時間 | CPU | µs / 行 (2版) | ピーク | 入力比 (2版) | 行数 |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for r in results:
            print(
                f"| {r['MB']:.1f} MB × 2 | {r['pair_wall']:.2f} s | {r['pair_cpu']:.2f} s "
                f"| {r['pair_wall'] * 1e6 / (2 * r['lines']):.1f} | {r['pair_peak'] / MiB:.0f} MiB "
                f"| {r['pair_peak'] / (2 * r['MB'] * 1e6):.1f}× | {r['pair_rows']} |"
            )


if __name__ == "__main__":
    main()
