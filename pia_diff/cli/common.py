"""The typer app and what its commands share: --version and -h, the argument and option types, a
document named `-` read from standard input, the 注意/参考 lines (--quiet), and bad input as exit 2."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from pia_diff import __version__
from pia_diff.errors import InputError

from .japanese import _Group

if TYPE_CHECKING:
    from pia_diff.model import Snapshot

# A DOC named `-` is read from standard input, and called this in messages.
STDIN = "-"
STDIN_NAME = "標準入力"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"pia-diff {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=_Group,
    help="特定個人情報保護評価書の2つの版を比較し、別添2 変更箇所を事前/事後の判定つきで作ります。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},  # the commands' contexts inherit it
)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", help="版を表示して終了します。", is_eager=True, callback=_show_version),
    ] = False,
) -> None:
    pass


Doc = Annotated[
    Path,
    typer.Argument(
        help="評価書 (PDF、テキスト、Excel ブック .xlsx、snapshot .json)。内容で判別します。- で標準入力。",
        show_default=False,
        metavar="文書",
    ),
]
OldDoc = Annotated[
    Path, typer.Argument(help="前の版 (公表済みの評価書)。- で標準入力", show_default=False, metavar="前の版")
]
NewDoc = Annotated[Path, typer.Argument(help="新しい版。- で標準入力", show_default=False, metavar="新しい版")]
FormOpt = Annotated[
    str | None,
    typer.Option(
        "--form",
        help="様式の読み方: 様式の定義の名前 (form3_r6_10) か generic (文書自身の構造で読む)。省略時は内容で判別",
        show_default=False,
    ),
]
DateOpt = Annotated[
    str | None, typer.Option("--date", help="変更日 (改訂の日付)。ISO または和暦。省略時は今日。", show_default=False)
]
DecisionsOpt = Annotated[
    Path | None,
    typer.Option("--decisions", help="判断ファイル (YAML): 確認済みの例外・施行日・事前確認", show_default=False),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="既存の出力ファイルを上書きする")]
QuietOpt = Annotated[
    bool, typer.Option("-q", "--quiet", help="注意・参考・書き出しの知らせと進み具合を出さない (エラーは出す)")
]


class Say:
    """A command's lines on stderr besides its errors: 注意 (something to check), 参考 (for information)
    and what it wrote; `--quiet` silences them all."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def _line(self, text: str) -> None:
        if not self.quiet:
            typer.echo(text, err=True)

    def warning(self, text: str) -> None:
        self._line(f"注意: {text}")

    def note(self, text: str) -> None:
        self._line(f"参考: {text}")

    def wrote(self, text: str) -> None:
        self._line(text)

    def generic(self, *documents: object) -> None:
        """Say that a document was read by its own structure, and where its ※ come from."""
        from pia_diff.compare.docform import generic_note
        from pia_diff.model import Snapshot

        for document in documents:
            note = generic_note(document) if isinstance(document, Snapshot) else None
            if note:
                self.note(note)


def fail(exc: InputError) -> NoReturn:
    typer.echo(f"エラー: {exc.source}: {exc.problem}", err=True)
    raise typer.Exit(2)


def check_output(path: Path | None, force: bool, formats: Sequence[str], inputs: Sequence[Path | None] = ()) -> None:
    """Refuse an output before any work is done: where it cannot be written (fileio.check_target), then
    an extension that names none of this command's formats."""
    if path is None:
        return
    from pia_diff.fileio import check_target
    from pia_diff.results import output_format

    check_target(path, force, inputs)
    output_format(path, formats)


def is_stdin(path: Path | None) -> bool:
    return path is not None and str(path) == STDIN


def one_stdin(*paths: Path | None) -> None:
    """Standard input holds one document: refuse `-` named twice in one command."""
    if sum(is_stdin(p) for p in paths) > 1:
        raise InputError(
            STDIN_NAME, "標準入力 (-) から読めるのは1つの文書だけです。ほかの文書はファイルで指定してください。"
        )


def document(path: Path, form: str | None, say: Say) -> Path | Snapshot:
    """A DOC argument as the library takes it: its path, or (for `-`) the document read from standard
    input's bytes, with a file's size limit and recognised by content like a file."""
    if not is_stdin(path):
        return path
    from pia_diff.api import read

    stream = sys.stdin.buffer if sys.stdin is not None and hasattr(sys.stdin, "buffer") else None
    if stream is None:
        raise InputError(STDIN_NAME, "標準入力がありません。文書をファイルで指定するか、パイプで渡してください。")
    if sys.stdin.isatty():
        say.wrote("標準入力から評価書を読みます (終わりは Ctrl-D、Windows では Ctrl-Z と Enter)。")
    return read(stream, form, name=STDIN_NAME)


def read_doc(path: Path, form: str | None, say: Say) -> Snapshot:
    """A DOC argument read (from its file, or from standard input for `-`)."""
    from pia_diff.api import read

    given = document(path, form, say)
    return given if not isinstance(given, Path) else read(given, form)


def named(path: Path) -> str:
    """How a DOC argument is named in a heading (standard input has no file name)."""
    return STDIN_NAME if is_stdin(path) else path.name


def file_input(path: Path | None) -> Path | None:
    """A DOC argument as an input file that no output may replace (standard input is none)."""
    return None if path is None or is_stdin(path) else path
