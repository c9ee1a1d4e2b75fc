"""`audit`: a published 別添2 audited; a folder audited in parallel, with a progress bar on a terminal
and its per-document summary written as the extension of -o says."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pia_diff.errors import InputError

from .common import ForceOpt, FormOpt, QuietOpt, Say, app, check_output, document, fail, file_input, one_stdin
from .documents import ShowFormat
from .japanese import _Command

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pia_diff.audit.batch import DocumentAudit

OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "-o",
        "--output",
        help="結果の出力先。拡張子で形式を選ぶ: .csv・.xlsx (フォルダなら文書ごとの集計、文書なら行と指摘)、.json",
        show_default=False,
    ),
]


@app.command("audit", cls=_Command)
def audit_(
    doc: Annotated[
        Path,
        typer.Argument(
            help="評価書、またはフォルダ (中の全文書を並列に監査)。- で標準入力", show_default=False, metavar="文書"
        ),
    ],
    against: Annotated[
        Path | None,
        typer.Option("--against", help="前の版。実際の変更と別添2 を突き合わせる (- で標準入力)", show_default=False),
    ] = None,
    format: Annotated[ShowFormat, typer.Option("--format", help="出力形式")] = ShowFormat.table,
    workers: Annotated[int, typer.Option("--workers", help="フォルダの監査で使う並列数 (0 = コア数)", min=0)] = 0,
    output: OutputOpt = None,
    force: ForceOpt = False,
    form: FormOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """公表済みの別添2 を監査します (提出時期の妥当性、漏れ、しきい値判断、5年の再評価)。"""
    from pia_diff.api import audit
    from pia_diff.results import ROW_FORMATS

    say = Say(quiet)
    try:
        check_output(output, force, ROW_FORMATS, (file_input(doc), file_input(against)))
    except InputError as exc:
        fail(exc)
    if doc.is_dir():
        if against is not None:
            fail(
                InputError(
                    "--against",
                    "フォルダの監査では使えません (前の版と突き合わせるのは 1 文書ずつです: "
                    "pia-diff audit 文書 --against 前の版)。",
                )
            )
        if form is not None:
            say.warning("フォルダの監査では --form を使いません (各文書の様式を内容で判別します)。")
        _audit_folder(doc, format, workers, output, force, say)
        return
    from pia_diff.report.listing import audit_table

    try:
        one_stdin(doc, against)
        result = audit(document(doc, form, say), document(against, form, say) if against else None, form=form)
        written = result.write(output, force) if output is not None else ()
    except InputError as exc:
        fail(exc)
    say.generic(result.document, result.against)
    if format is ShowFormat.json:
        sys.stdout.write(result.to_json())
    else:
        sys.stdout.write(audit_table(result.report, shutil.get_terminal_size((160, 40)).columns) + "\n")
    for warning in written:
        say.warning(warning)
    if output is not None:
        say.wrote(f"書き出しました: {output}")
    if result.errors:
        raise typer.Exit(1)


def _audit_folder(folder: Path, format: ShowFormat, workers: int, output: Path | None, force: bool, say: Say) -> None:
    """Each document's line (or JSON element) written as soon as it is audited, in the folder's order,
    the totals last and what the audit cost on stderr; a folder of thousands is never held whole,
    except for the summary file -o asks for."""
    import time

    from pia_diff.audit.batch import FolderTotals, audits, folder_files, folder_json_chunks, worker_count
    from pia_diff.report.listing import folder_table_lines
    from pia_diff.results import FolderAudit

    from .progress import progress_bar

    try:
        files = folder_files(folder)
        check_output(output, force, (".csv", ".xlsx", ".json"), [Path(f) for f in files])
    except InputError as exc:
        fail(exc)
    totals = FolderTotals()
    kept: list[DocumentAudit] = []
    started = time.perf_counter()
    # the lines themselves show the progress on a terminal: a bar only when they go elsewhere
    shown = not say.quiet and sys.stderr.isatty() and not sys.stdout.isatty()
    with progress_bar("監査中", shown=shown) as advance:

        def passing() -> Iterator[DocumentAudit]:
            for done, audited in enumerate(audits(files, workers or None), start=1):
                if advance:
                    advance(done, len(files))
                if output is not None:
                    kept.append(audited)
                yield totals.add(audited)

        if format is ShowFormat.json:
            pieces = folder_json_chunks(passing())
        else:
            pieces = (line + "\n" for line in folder_table_lines(files, passing(), totals))
        for piece in pieces:
            sys.stdout.write(piece)
            sys.stdout.flush()
    if output is not None:
        try:
            FolderAudit(kept, folder).write(output, force)
        except InputError as exc:
            fail(exc)
        say.wrote(f"書き出しました: {output} ({len(kept)} 文書)")
    used = min(worker_count(workers or None), len(files))
    say.note(totals.cost_note(time.perf_counter() - started, used))
    if totals.needs_action:
        raise typer.Exit(1)
