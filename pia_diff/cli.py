"""The command line: a thin typer layer over the library; InputError becomes exit status 2."""

from __future__ import annotations

import json
import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from .errors import InputError

app = typer.Typer(
    help="特定個人情報保護評価書の2つの版を比較し、別添2 変更箇所を事前/事後の判定つきで作ります。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

Doc = Annotated[Path, typer.Argument(help="評価書 (テキスト .txt または snapshot .json)。内容で判別します。", show_default=False)]


class ShowFormat(StrEnum):
    table = "table"
    json = "json"


class DiffFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def fail(exc: InputError) -> NoReturn:
    typer.echo(f"エラー: {exc.source}: {exc.problem}", err=True)
    raise typer.Exit(2)


def emit(text: str, output: Path | None, force: bool) -> None:
    """Print, or write atomically to a file (never over an existing one without --force)."""
    if output is None:
        sys.stdout.write(text)
        return
    from .output import write_atomic

    write_atomic(output, text.encode("utf-8"), force)
    typer.echo(f"書き出しました: {output}", err=True)


@app.command("import")
def import_(
    doc: Doc,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="snapshot JSON の出力先 (省略時は標準出力)")] = None,
    force: Annotated[bool, typer.Option("--force", help="既存の出力ファイルを上書きする")] = False,
) -> None:
    """評価書を読み、snapshot (JSON) にします。"""
    from .ingest import read_document
    from .output import check_target

    try:
        if output is not None:
            check_target(output, force)
        emit(read_document(doc).to_json(), output, force)
    except InputError as exc:
        fail(exc)


@app.command()
def show(
    doc: Doc,
    format: Annotated[ShowFormat, typer.Option("--format", help="出力形式")] = ShowFormat.table,
) -> None:
    """評価書から読み取った全項目を、値・※・確度とともに一覧します。"""
    from .catalogue import load_catalogue
    from .ingest import read_document
    from .listing import field_rows, field_table

    try:
        rows = field_rows(read_document(doc), load_catalogue())
    except InputError as exc:
        fail(exc)
    if format is ShowFormat.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(field_table(rows, shutil.get_terminal_size((160, 40)).columns) + "\n")


def main() -> None:
    """Entry point of the `pia-diff` command."""
    try:
        app()
    except InputError as exc:  # pragma: no cover - commands catch their own
        fail(exc)
