"""Agreement of the generic reader with catalogue mode on the 様式3 samples (001, 003) and the cases.

Run: .venv/bin/python bench/bench_generic.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pia_diff.ingest import parse_bytes  # noqa: E402
from tests.agreement import case_agreement, document_agreement  # noqa: E402

SEEDS = ROOT / "tests" / "data" / "seeds"
CASES = ROOT / "tests" / "cases"


def main() -> None:
    total = None
    for prefix in ("001", "003"):
        path = next(SEEDS.glob(f"{prefix}_*.txt"))
        result = document_agreement(path.read_bytes(), path.name)
        total = result if total is None else total + result
        print(f"{prefix}: {result.summary()}")
        for missing in result.missed:
            print(f"   not found generically: {'/'.join(missing)}")
        for path_, (a, b) in result.value_mismatches.items():
            print(f"   value differs: {'/'.join(path_)}: {a[:60]!r} vs {b[:60]!r}")
        for path_ in result.star_mismatches:
            print(f"   ※ differs: {'/'.join(path_)}")
    assert total is not None
    print(f"total: {total.summary()}")
    from bench import synthetic  # the large multi-file assessment of bench/bench.py

    text = synthetic().encode("utf-8")
    timings = {}
    for mode in (None, "generic"):
        start = time.perf_counter()
        parse_bytes(text, "synthetic.txt", form=mode)
        timings[mode or "catalogue"] = time.perf_counter() - start
    print(f"synthetic (10 files, {len(text) // 1024} KB): {document_agreement(text, 'synthetic.txt').summary()}")
    print(f"   reading: catalogue {timings['catalogue'] * 1000:.0f} ms, generic {timings['generic'] * 1000:.0f} ms")
    rows = case_agreement(CASES)
    for name, (same, count) in rows.items():
        print(f"case {name}: {same}/{count} rows agree")


if __name__ == "__main__":
    main()
