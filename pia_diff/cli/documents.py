"""The commands on one document: `import` (a snapshot), `export` (the editable workbook), `show` (every item)."""

from __future__ import annotations

import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from pia_diff.errors import InputError

from .common import Doc, ForceOpt, FormOpt, QuietOpt, Say, app, check_output, fail, file_input, read_doc
from .japanese import _Command


class ShowFormat(StrEnum):
    table = "table"
    json = "json"


@app.command("import", cls=_Command)
def import_(
    doc: Doc,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="snapshot JSON (.json) の出力先 (省略時は標準出力)")
    ] = None,
    force: ForceOpt = False,
    form: FormOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """評価書を読み、snapshot (JSON) にします。"""
    from pia_diff.fileio import write_atomic

    say = Say(quiet)
    try:
        check_output(output, force, (".json",), (file_input(doc),))
        snapshot = read_doc(doc, form, say)
        if output is None:
            sys.stdout.writelines(snapshot.json_chunks())
            return
        # written piece by piece: a long document's JSON is never whole in memory
        write_atomic(output, (chunk.encode("utf-8") for chunk in snapshot.json_chunks()), force, (file_input(doc),))
    except InputError as exc:
        fail(exc)
    say.wrote(f"書き出しました: {output}")


@app.command(cls=_Command)
def export(
    doc: Doc,
    output: Annotated[Path, typer.Option("-o", "--output", help="書き出す Excel ブック (.xlsx)", show_default=False)],
    force: ForceOpt = False,
    form: FormOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """評価書を、様式どおりに並べた編集用の Excel ブックに書き出します。"""
    from pia_diff.compare.docform import form_context
    from pia_diff.fileio import write_atomic
    from pia_diff.report.export import export_workbook

    say = Say(quiet)
    warnings: list[str] = []

    def workbook() -> bytes:
        written = export_workbook(snapshot, form_context(snapshot)[0])
        warnings.extend(written.warnings)
        return written.data

    try:
        check_output(output, force, (".xlsx",), (file_input(doc),))
        snapshot = read_doc(doc, form, say)
        say.generic(snapshot)
        write_atomic(output, workbook, force, (file_input(doc),))  # openpyxl's temporary files beside the output
    except InputError as exc:
        fail(exc)
    for warning in warnings:
        say.warning(warning)
    say.wrote(f"書き出しました: {output}")


@app.command(cls=_Command)
def show(
    doc: Doc,
    format: Annotated[ShowFormat, typer.Option("--format", help="出力形式")] = ShowFormat.table,
    form: FormOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """評価書から読み取った全項目を、値・※・確度とともに一覧します。"""
    from pia_diff.compare.docform import form_context
    from pia_diff.fileio import json_text
    from pia_diff.report.listing import field_rows, field_table

    say = Say(quiet)
    try:
        snapshot = read_doc(doc, form, say)
    except InputError as exc:
        fail(exc)
    say.generic(snapshot)
    rows = field_rows(snapshot, form_context(snapshot)[0])
    if format is ShowFormat.json:
        sys.stdout.write(json_text(rows))
    else:
        sys.stdout.write(field_table(rows, shutil.get_terminal_size((160, 40)).columns) + "\n")
