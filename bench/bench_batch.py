"""The folder audit (`pia-diff audit FOLDER`) at 100 and 1,000 documents on 1 and 2 workers: documents a second,
what each document costs in its worker, and the peak resident memory (ru_maxrss) of the process that writes
the results (with one worker it audits them too) and of its workers, streamed
(each document's JSON written as it comes, as the command does) against kept (every result held, then the
whole JSON, as the command did before). Each measurement runs in a process of its own.

Usage: python bench/bench_batch.py [--docs 100 1000] [--workers 1 2]
The folder holds the four samples (tests/data/seeds, 33-104 KB) copied round-robin.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "data" / "seeds"
sys.path.insert(0, str(ROOT))


def child(folder: Path, workers: int, streamed: bool) -> dict[str, float]:
    import resource

    from pia_diff.audit.batch import FolderTotals, audit_folder, audits, folder_files, folder_json, folder_json_chunks
    from pia_diff.fileio import json_text

    started = time.perf_counter()
    totals = FolderTotals()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        if streamed:
            for chunk in folder_json_chunks(totals.add(a) for a in audits(folder_files(folder), workers)):
                sink.write(chunk)
        else:
            kept = audit_folder(folder, workers)
            for item in kept:
                totals.add(item)
            sink.write(json_text(folder_json(kept)))
    wall = time.perf_counter() - started
    return {
        "rate": totals.documents / wall,
        "each_ms": totals.seconds / totals.documents * 1000,
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "worker_rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        folder, workers, streamed = args.child
        print(json.dumps(child(Path(folder), int(workers), streamed == "streamed")))
        return
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"マシン: {platform.machine()}、{os.cpu_count()} コア、Python {platform.python_version()}、負荷 {load:.2f}\n")
    print(
        "| 文書数 | ワーカー | 書き方 | 文書/秒 | 1文書の処理 (ワーカー内) | 書き出す側の最大常駐メモリ "
        "| ワーカーの最大常駐メモリ |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|")
    seeds = sorted(SEEDS.glob("*.txt"))
    for docs in args.docs:
        with tempfile.TemporaryDirectory(prefix="pia-batch-") as tmp:
            folder = Path(tmp)
            for i in range(docs):
                source = seeds[i % len(seeds)]
                shutil.copy(source, folder / f"{i:05d}_{source.name}")
            for workers in args.workers:
                for how in ("streamed", "kept"):
                    command = [sys.executable, __file__, "--child", str(folder), str(workers), how]
                    done = subprocess.run(command, capture_output=True, text=True, check=True)
                    r = json.loads(done.stdout)
                    print(
                        f"| {docs:,} | {workers} | {'1文書ずつ' if how == 'streamed' else '全部ためてから'} "
                        f"| {r['rate']:.0f} | {r['each_ms']:.0f} ms "
                        f"| {r['rss'] / 2**20:.0f} MiB | {r['worker_rss'] / 2**20:.0f} MiB |",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
