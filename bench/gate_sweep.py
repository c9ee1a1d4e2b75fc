"""The release gate over every edit a person makes to every real document (issue 17): per document and
edit kind, edits tried / caught (check exits 1) / refused (exit 2: taken for another assessment) /
missed (exit 0, 提出できます over a change the 別添2 does not list).

Run from the repository root:
  .venv/bin/python bench/gate_sweep.py                       # every document, every edit (minutes)
  .venv/bin/python bench/gate_sweep.py --docs seed003 --kinds tick,choice
  .venv/bin/python bench/gate_sweep.py --missed /work/briefs/gateprop-missed.json --workers 2
The edits and the in-process gate are tests/gate_edits.py's; `--missed` writes each missed edit with what
every part of the pipeline made of it (rows, gaps, audit findings), for the failure catalogue.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.gate_edits import KINDS, Edit, EditKind, Verdict, document, document_names, run  # noqa: E402

COUNTS = ("tried", "caught", "refused", "missed")


def _miss_record(name: str, edit: Edit, verdict: Verdict) -> dict[str, Any]:
    """A missed edit and what the pipeline made of it: the rows (with 確度 and 根拠), the gaps, and the
    audit's findings on the new version (warnings included: an uncertain change is only warned about)."""
    from pia_diff.audit.published import audit
    from pia_diff.compare.docform import for_audit, form_context

    doc = document(name)
    record: dict[str, Any] = {
        "document": name,
        "source": doc.source,
        "style": str(doc.style),
        "where": edit.where,
        "kind": str(edit.kind),
        "what": edit.what,
        "before": edit.before,
        "after": edit.after,
        "check": verdict.message,
    }
    result = verdict.result
    if result is not None:
        record["rows"] = [
            {"項目": r.項目, "提出時期": str(r.提出時期), "確度": str(r.確度), "根拠": r.根拠} for r in result.rows
        ]
        record["gaps"] = [g.message for g in result.gaps]
        catalogue, table, _ = form_context(result.old, result.new)
        report = audit(result.new, for_audit(catalogue), table, result.old)
        record["audit"] = [
            {"level": str(f.level), "code": f.code, "項目": f.項目, "message": f.message}
            for f in report.findings
            if f.code not in ("history-unreadable",)
        ]
        record["new_warnings"] = result.warnings
    return record


def sweep(task: tuple[str, str, bool]) -> tuple[str, str, dict[str, int], list[dict[str, Any]], float]:
    """Gate every edit of one kind on one document (one worker's job)."""
    name, kind, keep = task
    doc = document(name)
    edits = [e for e in doc.edits() if e.kind == kind]
    missed: list[dict[str, Any]] = []
    start = time.perf_counter()
    counts = run(doc, edits, (lambda e, v: missed.append(_miss_record(name, e, v))) if keep else None)
    return name, kind, counts, missed, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", help="comma-separated document names (default: all; see tests/gate_edits.py)")
    parser.add_argument("--kinds", help="comma-separated edit kinds: " + ",".join(KINDS))
    parser.add_argument("--missed", type=Path, help="write the missed edits to this JSON file")
    parser.add_argument("--workers", type=int, default=1, help="processes (the machine has 2 cores)")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="write what is still missed, per document and kind (swept) and in the default run's sample, "
        "as tests/test_gate_property.py reads it (its xfail marks)",
    )
    args = parser.parse_args()
    names = args.docs.split(",") if args.docs else document_names()
    kinds = [EditKind(k) for k in args.kinds.split(",")] if args.kinds else list(KINDS)
    tasks = [(name, str(kind), args.missed is not None) for name in names for kind in kinds]
    results: dict[tuple[str, str], dict[str, int]] = {}
    missed: list[dict[str, Any]] = []
    started = time.perf_counter()
    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as pool:
            done = list(pool.map(sweep, tasks))
    else:
        done = [sweep(task) for task in tasks]
    for name, kind, counts, records, _ in done:
        results[(name, kind)] = counts
        missed += records
    _print_table(names, kinds, results)
    print(f"\n{time.perf_counter() - started:.0f} s, {args.workers} worker(s)")
    if args.missed is not None:
        args.missed.write_text(json.dumps(missed, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{len(missed)} missed edits written to {args.missed}")
    if args.baseline is not None:
        _write_baseline(args.baseline, results, missed)


def _write_baseline(path: Path, results: dict[tuple[str, str], dict[str, int]], missed: list[dict[str, Any]]) -> None:
    """The misses per document and kind of the whole sweep, and of the default run's seeded sample."""
    import subprocess

    from tests.gate_edits import sample
    from tests.test_gate_property import DEFAULT_DOCS, PER_KIND

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    swept = {
        f"{name}|{kind}": {"tried": c["tried"], "missed": c["missed"], "causes": {}}
        for (name, kind), c in results.items()
        if c["missed"]
    }
    sampled: dict[str, dict[str, int]] = {}
    for name in DEFAULT_DOCS:
        doc = document(name)
        for kind in KINDS:
            edits = sample(doc.edits(), kind, PER_KIND, f"{name}:{kind}")
            counts = run(doc, edits, None)
            if counts["missed"]:
                sampled[f"{name}|{kind}"] = {"tried": counts["tried"], "missed": counts["missed"]}
    data = {
        "commit": commit.stdout.strip(),
        "note": "Edits check let pass (exit 0), measured by bench/gate_sweep.py --baseline (swept: every edit; "
        "sampled: the default run's seeded sample). The missed edits themselves: bench/gate_sweep.py --missed.",
        "swept": swept,
        "sampled": sampled,
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"baseline written to {path}: {len(swept)} (document, kind) pairs still miss, {len(sampled)} sampled")


def _print_table(names: list[str], kinds: list[EditKind], results: dict[tuple[str, str], dict[str, int]]) -> None:
    print("| document | " + " | ".join(f"{k} (tried/caught/refused/missed)" for k in kinds) + " | all | missed % |")
    print("|---|" + "---:|" * (len(kinds) + 2))
    total = dict.fromkeys(COUNTS, 0)
    per_kind = {k: dict.fromkeys(COUNTS, 0) for k in kinds}
    for name in names:
        row = dict.fromkeys(COUNTS, 0)
        cells = []
        for kind in kinds:
            counts = results[(name, str(kind))]
            cells.append("/".join(str(counts[c]) for c in COUNTS))
            for c in COUNTS:
                row[c] += counts[c]
                total[c] += counts[c]
                per_kind[kind][c] += counts[c]
        print(f"| {name} | " + " | ".join(cells) + f" | {'/'.join(str(row[c]) for c in COUNTS)} | {_rate(row)} |")
    cells = ["/".join(str(per_kind[k][c]) for c in COUNTS) for k in kinds]
    print("| **all** | " + " | ".join(cells) + f" | {'/'.join(str(total[c]) for c in COUNTS)} | {_rate(total)} |")


def _rate(counts: dict[str, int]) -> str:
    return f"{100 * counts['missed'] / counts['tried']:.1f}" if counts["tried"] else "—"


if __name__ == "__main__":
    main()
