"""`audit`: a published 別添2 audited; a folder audited in parallel, with a progress bar on a terminal
and its per-document summary written as the extension of -o says."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from pia_diff.errors import InputError

from .common import ForceOpt, FormOpt, QuietOpt, Say, app, check_output, document, fail, one_stdin
from .documents import ShowFormat
from .japanese import _Command

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
        check_output(output, force, ROW_FORMATS)
    except InputError as exc:
        fail(exc)
    if doc.is_dir():
        if form is not None:
            say.warning("フォルダの監査では --form を使いません (各文書の様式を内容で判別します)。")
        _audit_folder(doc, format, workers, output, force, say)
        return
    from pia_diff.report.listing import audit_table

    try:
        one_stdin(doc, against)
        result = audit(document(doc, form, say), document(against, form, say) if against else None, form=form)
        if output is not None:
            result.write(output, force)
    except InputError as exc:
        fail(exc)
    say.generic(result.document, result.against)
    if format is ShowFormat.json:
        sys.stdout.write(result.to_json())
    else:
        sys.stdout.write(audit_table(result.report, shutil.get_terminal_size((160, 40)).columns) + "\n")
    if output is not None:
        say.wrote(f"書き出しました: {output}")
    if result.errors:
        raise typer.Exit(1)


def _audit_folder(folder: Path, format: ShowFormat, workers: int, output: Path | None, force: bool, say: Say) -> None:
    from pia_diff.api import audit_folder
    from pia_diff.report.listing import folder_table

    from .progress import progress_bar

    try:
        with progress_bar("監査中", shown=not say.quiet and sys.stderr.isatty()) as advance:
            audits = audit_folder(folder, workers or None, advance)
        if output is not None:
            audits.write(output, force)
    except InputError as exc:
        fail(exc)
    if format is ShowFormat.json:
        sys.stdout.write(audits.to_json())
    else:
        sys.stdout.write(folder_table(audits.documents) + "\n")
    if output is not None:
        say.wrote(f"書き出しました: {output} ({len(audits.documents)} 文書)")
    if audits.failed:
        raise typer.Exit(1)
