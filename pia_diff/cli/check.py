"""`check`: the release gate. Exit 0 when the revision may be filed now, 1 when not; the gate's message,
the 別添2 rows still to add, or the whole decision as JSON."""

from __future__ import annotations

import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from pia_diff.errors import InputError

from .common import (
    DateOpt,
    DecisionsOpt,
    FormOpt,
    NewDoc,
    OldDoc,
    QuietOpt,
    Say,
    app,
    document,
    fail,
    is_stdin,
    one_stdin,
)
from .japanese import _Command


class CheckFormat(StrEnum):
    table = "table"
    json = "json"


@app.command(cls=_Command)
def check(
    old: OldDoc,
    new: NewDoc,
    decisions: DecisionsOpt = None,
    date: DateOpt = None,
    format: Annotated[
        CheckFormat, typer.Option("--format", help="出力形式 (json: プログラム向け)")
    ] = CheckFormat.table,
    form: FormOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """リリース判定: 今提出してよければ終了コード 0、まだなら 1。

    \b
    1 になるのは次のどれかがあるときです: 未確認の事前変更、古い判断・指紋のない判断、
    確認できない部分 (説明のつかない差分を含む)、新しい版の別添2 への要対応の指摘 (行の漏れ、しきい値判断)。
    """
    from pia_diff.api import compare
    from pia_diff.fileio import json_text
    from pia_diff.report.check import release_json, rows_to_add_text
    from pia_diff.report.gate import release_text
    from pia_diff.wareki import revision_date

    say = Say(quiet)
    try:
        one_stdin(old, new)
        result = compare(document(old, form, say), document(new, form, say), revision_date(date), decisions, form=form)
    except InputError as exc:
        fail(exc)
    say.generic(result.old, result.new)
    for warning in result.warnings:
        say.warning(warning)
    decided = result.release()
    if format is CheckFormat.json:
        sys.stdout.write(json_text(release_json(decided, result.rows)))
    else:
        text = release_text(decided)
        width = max(40, shutil.get_terminal_size((160, 40)).columns - 20)
        placed = rows_to_add_text(decided, result.rows, width, _diff_command(old, new, date, decisions, form))
        sys.stdout.write(text + "\n" + (placed + "\n" if placed else ""))
    if not decided.may_file:
        raise typer.Exit(1)


def _diff_command(old: Path, new: Path, date: str | None, decisions: Path | None, form: str | None) -> str:
    """The `diff` that writes the missing rows, with the user's own files: into the new version's
    workbook when it is one, else as a table of rows to paste."""

    def arg(value: object) -> str:
        text = str(value)
        return f'"{text}"' if any(ch.isspace() for ch in text) else text

    words = ["pia-diff", "diff", arg(old), arg(new)]
    if date:
        words += ["--date", arg(date)]
    if decisions is not None:
        words += ["--decisions", arg(decisions)]
    if form is not None:
        words += ["--form", arg(form)]
    if new.suffix.lower() == ".xlsx" and not is_stdin(new):
        words += ["--into", arg(new), "-o", arg(new.with_name(f"{new.stem}_別添2追加.xlsx"))]
    else:
        words += ["-o", "別添2.xlsx"]
    return " ".join(words)
