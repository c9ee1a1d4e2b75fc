"""PDF reading speed against poppler's `pdftotext -layout` on the same files, measured side by side.

Usage: python bench/bench_pdf.py [PDF ...] [--repeat N] [--hostile]
(default: the fixtures in tests/data/pdf, the 25-page one included; needs pdftotext)

Per file, N rounds, each running the two one after the other (so that both see the same load):
  whole process  `pia-diff import x.pdf -o out.json` against `pdftotext -layout x.pdf out.txt`:
                 wall time and CPU time (user + system, the reader's child process included);
                 the ratio is the median of the rounds' ratios
  per page       pia-diff's PDF reader alone (pdf_text: pdfium in its child, cells, cell text) run
                 in this process, and the whole pdftotext process, in ms a page
Also the ok/uncertain/missing counts of pia-diff's snapshot, and of the text reader fed pdftotext's text.
--hostile: the hostile corpus (tests/hostile/pdf_corpus.py) imported once each: outcome, exit
status, time and peak memory (the reader's child included).
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
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pia_diff.ingest import parse_text, read_document  # noqa: E402
from pia_diff.ingest.pdf import pdf_text  # noqa: E402

DEFAULT = sorted((ROOT / "tests" / "data" / "pdf").glob("*.pdf"))


@dataclass(frozen=True)
class Process:
    wall: float
    cpu: float  # user + system of the process and the children it waited for
    peak: int  # bytes
    status: int


def measure(command: list[str]) -> Process:
    """Run command to its end; its wall time, CPU time and peak resident memory (POSIX wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    return Process(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status))


def pages_of(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def counts(snapshot: object) -> str:
    found = Counter(f.certainty.value for f in snapshot.fields.values())  # type: ignore[attr-defined]
    return f"{found['ok']}/{found['uncertain']}/{found['missing']}"


def bench_file(path: Path, repeat: int, work: Path) -> None:
    pages = pages_of(path)
    ours: list[Process] = []
    theirs: list[Process] = []
    for _ in range(repeat):
        theirs.append(measure(["pdftotext", "-layout", str(path), str(work / "out.txt")]))
        ours.append(
            measure([sys.executable, "-m", "pia_diff", "import", str(path), "-o", str(work / "out.json"), "--force"])
        )
    assert all(run.status == 0 for run in ours + theirs), "a run failed"
    wall = statistics.median(o.wall / t.wall for o, t in zip(ours, theirs, strict=True))
    cpu = statistics.median(o.cpu / t.cpu for o, t in zip(ours, theirs, strict=True))
    data = path.read_bytes()
    reader = []
    for _ in range(repeat):
        started = time.perf_counter()
        pdf_text(data, path.name)
        reader.append((time.perf_counter() - started) / pages)
    poppler = statistics.median(t.wall for t in theirs) / pages
    extract = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    try:
        text_reader = counts(parse_text(extract, path.name))
    except Exception as exc:  # the text reader may refuse a scrambled extract
        text_reader = f"refused ({exc})"
    print(
        f"{path.name:28} {pages:5}"
        f" {statistics.median(o.wall for o in ours):8.3f} {statistics.median(t.wall for t in theirs):8.3f} {wall:6.2f}x"
        f" {statistics.median(o.cpu for o in ours):8.3f} {statistics.median(t.cpu for t in theirs):8.3f} {cpu:6.2f}x"
        f" {1000 * statistics.median(reader):8.1f} {1000 * poppler:8.1f}"
        f" {max(o.peak for o in ours) / 2**20:6.0f}  {counts(read_document(path))} | {text_reader}"
    )


def bench_hostile(work: Path) -> None:
    from tests.hostile import pdf_corpus

    print("| case | expected | exit | s | peak MiB |")
    print("|---|---|---:|---:|---:|")
    for name, (_, case) in pdf_corpus.FAMILIES.items():
        path = pdf_corpus.build(name, ROOT / ".pytest_cache" / "d" / "pdf_corpus")
        run = measure([sys.executable, "-m", "pia_diff", "import", str(path), "-o", str(work / "h.json"), "--force"])
        print(f"| {name} | {case.outcome.value} | {run.status} | {run.wall:.1f} | {run.peak / 2**20:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pdfs", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--hostile", action="store_true")
    args = parser.parse_args()
    if shutil.which("pdftotext") is None:
        sys.exit("pdftotext (poppler-utils) is needed: it is the yardstick")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.hostile:
            bench_hostile(work)
            return
        print(f"{'':34} {'whole process, wall s':>28} {'whole process, CPU s':>28} {'ms a page':>17}")
        print(
            f"{'file':28} {'pages':>5} {'pia-diff':>8} {'pdftotext':>8} {'ratio':>7}"
            f" {'pia-diff':>8} {'pdftotext':>8} {'ratio':>7} {'reader':>8} {'poppler':>8} {'MiB':>6}"
            "  ok/uncertain/missing (pia-diff | text reader on pdftotext)"
        )
        for path in args.pdfs:
            bench_file(path, args.repeat, work)


if __name__ == "__main__":
    main()
