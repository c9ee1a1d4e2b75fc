"""`diff`: the new 別添2 rows, classified; written as the extension of -o says, or into the new
version's own workbook (--into), with a decisions template that keeps the decisions still valid."""

from __future__ import annotations

import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    check_output,
    document,
    fail,
    file_input,
    is_stdin,
    named,
    one_stdin,
)
from .japanese import _Command

if TYPE_CHECKING:
    from pia_diff.results import Compared


class DiffFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command("diff", cls=_Command)
def diff_(
    old: OldDoc,
    new: NewDoc,
    date: DateOpt = None,
    decisions: DecisionsOpt = None,
    format: Annotated[DiffFormat, typer.Option("--format", help="画面に出す形式")] = DiffFormat.table,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="行の出力先。拡張子で形式を選ぶ: .xlsx (別添2 の Excel ブック)、.csv、.json",
            show_default=False,
        ),
    ] = None,
    into: Annotated[
        Path | None,
        typer.Option(
            "--into",
            help="新しい版の Excel ブック: その別添2 の表に新しい行を書き加えた写しを -o (.xlsx) に書き出す (元のブックは変えない)",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="既存の出力を上書きする／別の評価書どうしでも比べる")] = False,
    decisions_template: Annotated[
        Path | None,
        typer.Option(
            "--decisions-template",
            help="判断ファイルのひな形 (YAML) の出力先: ※ の変更と事前の行ごとに、変更の指紋つきの記入欄"
            " (--decisions があれば、今の変更に当たる判断を引き継ぐ)",
            show_default=False,
        ),
    ] = None,
    full_text: Annotated[
        bool, typer.Option("--full-text", help="変更前/変更後の記載に、変わった文だけでなくセルの全文を入れる")
    ] = False,
    form: FormOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """2つの版を比べ、別添2 変更箇所の行を事前/事後の判定つきで出します (-o で Excel・CSV・JSON)。"""
    from pia_diff.api import compare
    from pia_diff.fileio import check_distinct, check_target
    from pia_diff.report.rows import rows_csv, rows_json, rows_table
    from pia_diff.results import ROW_FORMATS
    from pia_diff.wareki import revision_date

    say = Say(quiet)
    revision = revision_date(date)
    inputs = (file_input(old), file_input(new), decisions, into)
    try:
        one_stdin(old, new)
        check_distinct(output, decisions_template)
        if decisions_template is not None:
            check_target(decisions_template, force, inputs)
        check_output(output, force, (".xlsx",) if into is not None else ROW_FORMATS, inputs)
        if is_stdin(into):
            raise InputError(
                "--into", "標準入力 (-) は使えません。新しい版の Excel ブック (.xlsx) のパスを指定してください。"
            )
        if output is None and into is not None:
            raise InputError(
                "--into",
                "行を書き加えたブックの出力先を -o (.xlsx) で指定してください (--into のブックは書き換えません)。",
            )
        result = compare(
            document(old, form, say),
            document(new, form, say),
            revision,
            decisions,
            form=form,
            full_text=full_text,
            allow_different=force,
        )
        say.generic(result.old, result.new)
        for warning in result.warnings:
            say.warning(warning)
        for note in result.notes:
            say.note(note)
        added = len(result.rows)
        if output is not None:
            written = result.into_excel(into, output, force) if into is not None else result.write(output, force)
            for warning in written:
                say.warning(warning)
            added -= _already_there(written) if into is not None else 0
        if decisions_template is not None:
            _write_template(decisions_template, result, f"旧: {named(old)}、新: {named(new)}", force, say)
    except InputError as exc:
        fail(exc)
    if format is DiffFormat.json:
        sys.stdout.write(rows_json(result.rows))
    elif format is DiffFormat.csv:
        sys.stdout.write(rows_csv(result.rows))
    else:
        sys.stdout.write(rows_table(result.rows, shutil.get_terminal_size((160, 40)).columns) + "\n")
    sys.stdout.flush()
    if output is not None:
        say.wrote(f"書き出しました: {output} ({_what(result, output, into, added)})")


def _already_there(warnings: tuple[str, ...]) -> int:
    from pia_diff.report.into import ALREADY_THERE

    return sum(warning.endswith(ALREADY_THERE) for warning in warnings)


def _what(result: Compared, output: Path, into: Path | None, added: int) -> str:
    if into is not None:
        if added == 0:
            return f"{into.name} の写し。別添2 に書き加えた行はありません"
        return f"{into.name} の別添2 に新しい {added} 行を書き加えた写し"
    if output.suffix.lower() == ".xlsx":
        return f"既存の {len(result.old.history)} 行 + 新しい {len(result.rows)} 行"
    return f"新しい {len(result.rows)} 行"


def _write_template(path: Path, result: Compared, names: str, force: bool, say: Say) -> None:
    """The decisions template; with --decisions, merged with the decisions file the comparison used."""
    from pia_diff.fileio import write_atomic
    from pia_diff.report.decision_template import decisions_template, merged_template, wanted
    from pia_diff.wareki import to_wareki

    heading = f"{names}、変更日: {to_wareki(result.date)}"
    if result.decisions_text is None:
        text = decisions_template(result.rows, result.exemptions, heading)
    else:
        text = merged_template(result.rows, result.exemptions, heading, result.decisions, result.decisions_text)
    write_atomic(path, text.encode("utf-8"), force, result.inputs)
    count = sum(wanted(r) for r in result.rows)
    say.wrote(f"判断ファイルのひな形を書き出しました: {path} ({count} 件)")
