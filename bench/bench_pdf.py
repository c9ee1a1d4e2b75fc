"""PDF ingest speed: pia-diff's reader against plain text extraction of the same files.

Usage: python bench/bench_pdf.py [PDF ...]   (default: the fixtures in tests/data/pdf, incl. the 25-page one)

Columns, each the best of --repeat runs, in seconds per file and per page:
  pia-diff      read_document (tables, cells, parse into a snapshot)
  extract_text  pdfplumber's page.extract_text on every page (no tables, no parse)
  pdftotext     poppler's `pdftotext -layout` (skipped when pdftotext is not installed)
Also the ok / uncertain / missing counts of the snapshot, and of the text reader fed pdftotext's text.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pdfplumber

from pia_diff.ingest import parse_text, read_document

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = sorted((ROOT / "tests" / "data" / "pdf").glob("*.pdf"))


def best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def plain_extract(path: Path) -> None:
    with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
        for page in pdf.pages:
            page.extract_text()


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def counts(snapshot: object) -> str:
    found = Counter(f.certainty.value for f in snapshot.fields.values())  # type: ignore[attr-defined]
    return f"{found['ok']}/{found['uncertain']}/{found['missing']}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pdfs", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    have_pdftotext = shutil.which("pdftotext") is not None
    head = f"{'file':28} {'pages':>5} {'pia-diff s':>10} {'s/page':>7} {'extract_text s':>14} {'s/page':>7}"
    if have_pdftotext:
        head += f" {'pdftotext s':>11} {'s/page':>7}"
    print(head + "  ok/uncertain/missing (PDF reader | text reader on pdftotext)")
    for path in args.pdfs:
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
        ours = best(lambda path=path: read_document(path), args.repeat)
        plain = best(lambda path=path: plain_extract(path), args.repeat)
        line = f"{path.name:28} {pages:5} {ours:10.3f} {ours / pages:7.3f} {plain:14.3f} {plain / pages:7.3f}"
        quality = counts(read_document(path))
        if have_pdftotext:
            poppler = best(lambda path=path: pdftotext(path), args.repeat)
            line += f" {poppler:11.3f} {poppler / pages:7.3f}"
            try:
                quality += " | " + counts(parse_text(pdftotext(path), path.name))
            except Exception as exc:  # the text reader may refuse a scrambled extract
                quality += f" | refused ({exc})"
        print(f"{line}  {quality}")


if __name__ == "__main__":
    main()
