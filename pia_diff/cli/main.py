"""The `pia-diff` entry point: UTF-8 output whatever the console, and every ending as its exit status
(0 success, 1 the policy outcome, 2 bad input or usage, 3 an internal error with its traceback saved,
130 on Ctrl-C)."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

from pia_diff.errors import InputError

from .common import app
from .japanese import usage_message


def internal_error(exc: BaseException) -> NoReturn:
    """A bug of ours, never blamed on the input: exit 3, the traceback saved to a file for the report."""
    from pia_diff.fileio import save_crash_report

    saved = save_crash_report(exc)
    where = (
        f"詳しい記録を {saved} に保存しました。"
        if saved
        else f"記録を保存できませんでした ({exc.__class__.__name__})。"
    )
    typer.echo(
        f"エラー: pia-diff の内部エラーです (入力ファイルの問題ではありません)。{where}"
        "不具合として報告する際は、この記録を添えてください。",
        err=True,
    )
    sys.exit(3)


def main() -> None:
    """Entry point of the `pia-diff` command: output in UTF-8 whatever the code page; usage errors in
    Japanese, exit 2, no traceback; an internal error exits 3 with its traceback saved to a file."""
    from pia_diff.fileio import OutputFailed, utf8_stdio
    from pia_diff.lean import without_dataframes

    utf8_stdio()
    without_dataframes()  # this process never gives deepdiff or openpyxl a DataFrame: ~300 ms less per run
    try:
        status = app(standalone_mode=False)
        sys.stdout.flush()
    except typer.Abort:  # Ctrl-C (click turns KeyboardInterrupt into Abort): 130, as shells report it
        typer.echo("中止しました。", err=True)
        sys.exit(130)
    except OutputFailed as exc:  # --format json > /dev/full, a closed stdout, a reader that went away
        typer.echo(
            f"エラー: 標準出力に書き込めません ({exc})。出力先を確かめるか、-o でファイルに書き出してください。",
            err=True,
        )
        sys.exit(2)
    except InputError as exc:  # raised outside a command's own handler (an option checked early)
        typer.echo(f"エラー: {exc.source}: {exc.problem}", err=True)
        sys.exit(2)
    except typer.TyperException as exc:  # typer's own errors (click's, vendored): usage errors exit 2
        code = int(getattr(exc, "exit_code", 1))
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        context = getattr(exc, "ctx", None)
        if code == 2 and context is not None and message == context.get_help():
            typer.echo(message, err=True)  # no arguments at all: the help itself, no error
        elif code == 2:
            command = context.command_path if context is not None else "pia-diff"
            typer.echo(f"エラー: {usage_message(message)}\n使い方: {command} --help", err=True)
        else:
            typer.echo(f"エラー: {message}", err=True)
        sys.exit(code)
    except Exception as exc:  # anything else is a bug of ours: exit 3, never 1 (check's "not ready")
        internal_error(exc)
    sys.exit(status if isinstance(status, int) else 0)
