"""The command line: a thin typer layer over the library; InputError becomes exit status 2."""

from __future__ import annotations

import re
import shutil
import sys
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from .errors import InputError
from .output import json_text

if TYPE_CHECKING:
    from .compare.classify import Row

# The help's framework words (typer prints them in English), in Japanese.
_HELP_WORDS = (
    ("Usage:", "使い方:"),
    ("Arguments:", "引数:"),
    ("Options:", "オプション:"),
    ("Commands:", "コマンド:"),
    ("Show this message and exit.", "この説明を表示して終了します。"),
    ("[OPTIONS]", "[オプション]"),
    ("COMMAND [ARGS]...", "コマンド [引数]..."),
    ("[required]", "[必須]"),
    ("[default: ", "[既定: "),
)
# Placeholders of the option column (wider in Japanese: the columns are lined up again after).
_PLACEHOLDERS = (("<path>", "<パス>"), ("<str>", "<文字列>"), ("<int range>", "<整数>"), ("<integer>", "<整数>"))


def japanese_help(text: str) -> str:
    """typer's help text with its English framework words and placeholders in Japanese, and each
    section's second column lined up again by display width (a Japanese placeholder is wider)."""
    lines = []
    for line in text.split("\n"):
        for english, japanese in (*_PLACEHOLDERS, *_HELP_WORDS):
            line = line.replace(english, japanese)
        lines.append(line)
    out: list[str] = []
    section: list[str] | None = None  # the rows of the section being read
    for line in lines:
        if section is not None and line.startswith("  "):
            section.append(line)
            continue
        if section is not None:
            out.extend(_aligned(section))
        out.append(line)
        # a section heading (引数: オプション: コマンド:) starts rows of two columns
        section = [] if line.endswith(":") and not line.startswith(" ") else None
    if section is not None:
        out.extend(_aligned(section))
    return "\n".join(out)


def _aligned(rows: list[str]) -> list[str]:
    """Rows of '  term  help' (help carried on in lines indented further) with help at one column."""
    from .text import display_width

    entries: list[tuple[str, list[str]]] = []
    for row in rows:
        found = re.match(r"^  (\S.*?)(?:  +(\S.*))?$", row)
        if found is None and entries:  # a help text carried on
            entries[-1][1].append(row.strip())
        elif found is not None:
            entries.append((found.group(1), [found.group(2)] if found.group(2) else []))
        else:
            return rows
    column = 4 + max((display_width(term) for term, help_lines in entries if help_lines), default=0)
    out = []
    for term, help_lines in entries:
        if not help_lines:
            out.append(f"  {term}")
            continue
        out.append(f"  {term}{' ' * (column - 2 - display_width(term))}{help_lines[0]}")
        out.extend(" " * column + more for more in help_lines[1:])
    return out


class _Group(TyperGroup):
    def get_help(self, ctx: Any) -> str:
        return japanese_help(super().get_help(ctx))


class _Command(TyperCommand):
    def get_help(self, ctx: Any) -> str:
        return japanese_help(super().get_help(ctx))


app = typer.Typer(
    cls=_Group,
    help="特定個人情報保護評価書の2つの版を比較し、別添2 変更箇所を事前/事後の判定つきで作ります。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

Doc = Annotated[
    Path,
    typer.Argument(
        help="評価書 (PDF、テキスト、Excel ブック .xlsx、snapshot .json)。内容で判別します。",
        show_default=False,
        metavar="文書",
    ),
]

FormOpt = Annotated[
    str | None,
    typer.Option(
        "--form",
        help="様式の読み方: 様式の定義の名前 (form3_r6_10) か generic (文書自身の構造で読む)。省略時は内容で判別",
        show_default=False,
    ),
]


def note_generic(*documents: object) -> None:
    """Say on stderr that a document was read by its own structure, and where its ※ come from."""
    from .compare.docform import generic_note
    from .snapshot import Snapshot

    for document in documents:
        note = generic_note(document) if isinstance(document, Snapshot) else None
        if note:
            typer.echo(f"参考: {note}", err=True)


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


def emit(text: str, output: Path | None, force: bool, inputs: tuple[Path | None, ...] = ()) -> None:
    """Print, or write atomically to a file (never over an existing one without --force, never over an input)."""
    if output is None:
        sys.stdout.write(text)
        return
    from .output import write_atomic

    write_atomic(output, text.encode("utf-8"), force, inputs)
    typer.echo(f"書き出しました: {output}", err=True)


@app.command("import", cls=_Command)
def import_(
    doc: Doc,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="snapshot JSON の出力先 (省略時は標準出力)")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="既存の出力ファイルを上書きする")] = False,
    form: FormOpt = None,
) -> None:
    """評価書を読み、snapshot (JSON) にします。"""
    from .ingest.read import read_document
    from .output import check_target

    try:
        if output is not None:
            check_target(output, force, (doc,))
        emit(read_document(doc, form).to_json(), output, force, (doc,))
    except InputError as exc:
        fail(exc)


@app.command(cls=_Command)
def export(
    doc: Doc,
    output: Annotated[Path, typer.Option("-o", "--output", help="書き出す Excel ブック (.xlsx)", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="既存の出力ファイルを上書きする")] = False,
    form: FormOpt = None,
) -> None:
    """評価書を、様式どおりに並べた編集用の Excel ブックに書き出します。"""
    from .compare.docform import form_context
    from .ingest.read import read_document
    from .output import check_target, write_atomic
    from .report.export import export_bytes

    try:
        check_target(output, force, (doc,))
        document = read_document(doc, form)
        note_generic(document)
        write_atomic(output, partial(export_bytes, document, form_context(document)[0]), force, (doc,))
    except InputError as exc:
        fail(exc)
    typer.echo(f"書き出しました: {output}", err=True)


@app.command(cls=_Command)
def show(
    doc: Doc,
    format: Annotated[ShowFormat, typer.Option("--format", help="出力形式")] = ShowFormat.table,
    form: FormOpt = None,
) -> None:
    """評価書から読み取った全項目を、値・※・確度とともに一覧します。"""
    from .compare.docform import form_context
    from .ingest.read import read_document
    from .report.listing import field_rows, field_table

    try:
        document = read_document(doc, form)
    except InputError as exc:
        fail(exc)
    note_generic(document)
    rows = field_rows(document, form_context(document)[0])
    if format is ShowFormat.json:
        sys.stdout.write(json_text(rows))
    else:
        sys.stdout.write(field_table(rows, shutil.get_terminal_size((160, 40)).columns) + "\n")


DateOpt = Annotated[
    str | None, typer.Option("--date", help="変更日 (改訂の日付)。ISO または和暦。省略時は今日。", show_default=False)
]
DecisionsOpt = Annotated[
    Path | None,
    typer.Option("--decisions", help="判断ファイル (YAML): 確認済みの例外・施行日・事前確認", show_default=False),
]


@app.command("diff", cls=_Command)
def diff_(
    old: Annotated[Path, typer.Argument(help="前の版 (公表済みの評価書)", show_default=False, metavar="前の版")],
    new: Annotated[Path, typer.Argument(help="新しい版", show_default=False, metavar="新しい版")],
    date: DateOpt = None,
    decisions: DecisionsOpt = None,
    format: Annotated[DiffFormat, typer.Option("--format", help="画面に出す形式")] = DiffFormat.table,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="別添2 の Excel ブック (.xlsx) の出力先", show_default=False)
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="既存の出力を上書きする／別の評価書どうしでも比べる")] = False,
    decisions_template: Annotated[
        Path | None,
        typer.Option(
            "--decisions-template",
            help="判断ファイルのひな形 (YAML) の出力先: ※ の変更と事前の行ごとに、変更の指紋つきの記入欄",
            show_default=False,
        ),
    ] = None,
    full_text: Annotated[
        bool, typer.Option("--full-text", help="変更前/変更後の記載に、変わった文だけでなくセルの全文を入れる")
    ] = False,
    form: FormOpt = None,
) -> None:
    """2つの版を比べ、別添2 変更箇所の行を事前/事後の判定つきで出します (-o で Excel)。"""
    from .output import check_distinct, check_target, write_atomic
    from .pipeline import compare_files, remarks
    from .report.rows import rows_csv, rows_json, rows_table
    from .wareki import revision_date, to_wareki

    revision = revision_date(date)
    try:
        check_distinct(output, decisions_template)
        for target in (output, decisions_template):
            if target is not None:
                check_target(target, force, (old, new, decisions))
        result = compare_files(old, new, revision, decisions, allow_different=force, full_text=full_text, form=form)
        note_generic(result.old, result.new)
        for warning in result.warnings:
            typer.echo(f"注意: {warning}", err=True)
        for note in result.notes:
            typer.echo(f"参考: {note}", err=True)
        if output is not None:
            from .report.excel import workbook_bytes

            book = partial(workbook_bytes, result.old.history, result.rows, remarks(result), result.table_title)
            write_atomic(output, book, force, (old, new, decisions))  # openpyxl's temporary files beside the output
        if decisions_template is not None:
            _write_template(
                decisions_template, result.rows, f"旧: {old.name}、新: {new.name}、変更日: {to_wareki(revision)}", force
            )
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
        written = f"既存の {len(result.old.history)} 行 + 新しい {len(result.rows)} 行"
        typer.echo(f"書き出しました: {output} ({written})", err=True)


def _write_template(path: Path, rows: list[Row], heading: str, force: bool) -> None:
    from .compare.rules import load_rules
    from .output import write_atomic
    from .report.decision_template import decisions_template, wanted

    write_atomic(path, decisions_template(rows, load_rules().exemptions, heading).encode("utf-8"), force)
    count = sum(wanted(r) for r in rows)
    typer.echo(f"判断ファイルのひな形を書き出しました: {path} ({count} 件)", err=True)


@app.command(cls=_Command)
def check(
    old: Annotated[Path, typer.Argument(help="前の版 (公表済みの評価書)", show_default=False, metavar="前の版")],
    new: Annotated[Path, typer.Argument(help="新しい版", show_default=False, metavar="新しい版")],
    decisions: DecisionsOpt = None,
    date: DateOpt = None,
    form: FormOpt = None,
) -> None:
    """リリース判定: 今提出してよければ終了コード 0、未確認の事前変更や古い判断・指紋のない判断があれば 1。"""
    from .pipeline import compare_files, release
    from .report.gate import release_text
    from .wareki import revision_date

    try:
        result = compare_files(old, new, revision_date(date), decisions, form=form)
    except InputError as exc:
        fail(exc)
    note_generic(result.old, result.new)
    for warning in result.warnings:
        typer.echo(f"注意: {warning}", err=True)
    decided = release(result)
    typer.echo(release_text(decided))
    if not decided.may_file:
        raise typer.Exit(1)


@app.command("audit", cls=_Command)
def audit_(
    doc: Annotated[
        Path, typer.Argument(help="評価書、またはフォルダ (中の全文書を並列に監査)", show_default=False, metavar="文書")
    ],
    against: Annotated[
        Path | None, typer.Option("--against", help="前の版。実際の変更と別添2 を突き合わせる", show_default=False)
    ] = None,
    format: Annotated[ShowFormat, typer.Option("--format", help="出力形式")] = ShowFormat.table,
    workers: Annotated[int, typer.Option("--workers", help="フォルダの監査で使う並列数 (0 = コア数)", min=0)] = 0,
    form: FormOpt = None,
) -> None:
    """公表済みの別添2 を監査します (提出時期の妥当性、漏れ、しきい値判断、5年の再評価)。"""
    if doc.is_dir():
        if form is not None:
            typer.echo("注意: フォルダの監査では --form を使いません (各文書の様式を内容で判別します)。", err=True)
        _audit_folder(doc, format, workers)
        return
    from .audit.published import audit
    from .compare.docform import for_audit, form_context
    from .ingest.read import read_document

    try:
        document = read_document(doc, form)
        old = read_document(against, form) if against is not None else None
    except InputError as exc:
        fail(exc)
    note_generic(document, old)
    catalogue, table, _ = form_context(document, *([old] if old is not None else []))
    result = audit(document, for_audit(catalogue), table, old)
    if format is ShowFormat.json:
        sys.stdout.write(json_text(result.as_json()))
    else:
        from .report.listing import audit_table

        sys.stdout.write(audit_table(result, shutil.get_terminal_size((160, 40)).columns) + "\n")
    if result.errors:
        raise typer.Exit(1)


def _audit_folder(folder: Path, format: ShowFormat, workers: int) -> None:
    from .audit.batch import audit_folder, folder_failed, folder_json, terminal_progress
    from .report.listing import folder_table

    progress = terminal_progress if sys.stderr.isatty() else None
    try:
        audits = audit_folder(folder, workers or None, progress)
    except InputError as exc:
        fail(exc)
    if format is ShowFormat.json:
        sys.stdout.write(json_text(folder_json(audits)))
    else:
        sys.stdout.write(folder_table(audits) + "\n")
    if folder_failed(audits):
        raise typer.Exit(1)


# typer's usage errors (English) as Japanese sentences; the names and values they quote are kept.
_USAGE_PATTERNS = (
    (r"Missing argument '([^']+)'\.", r"引数 \1 がありません。"),
    (r"Missing option '([^']+)'\.", r"オプション \1 の指定がありません。"),
    (r"Option '([^']+)' requires an argument\.", r"オプション \1 に値がありません。"),
    (r"No such option: (\S+) \(Possible options: ([^)]+)\)", r"オプション \1 はありません (似たもの: \2)。"),
    (r"No such option: (\S+)", r"オプション \1 はありません。"),
    (r"No such command '([^']+)'\.", r"コマンド「\1」はありません。"),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", r"余分な引数があります: \1"),
    (
        r"Invalid value for '([^']+)': (?:Value error, )?'([^']*)' is not one of (.+)\.",
        r"\1 の値「\2」は使えません (\3 のどれか)。",
    ),
    (
        r"Invalid value for '([^']+)': Input should be greater than or equal to (\S+)",
        r"\1 の値は \2 以上にしてください。",
    ),
    (r"Invalid value for '([^']+)': Input should be a valid integer.*", r"\1 の値は整数にしてください。"),
    (r"Invalid value for '([^']+)': (.*)", r"\1 の値が正しくありません (\2)。"),
)


def usage_message(text: str) -> str:
    """A usage error of typer's in Japanese; one we do not know keeps its English after a Japanese lead."""
    for english, japanese in _USAGE_PATTERNS:
        found = re.fullmatch(english, text.strip())
        if found:
            return found.expand(japanese)
    return f"コマンドの指定が正しくありません ({text})"


def internal_error(exc: BaseException) -> NoReturn:
    """A bug of ours, never blamed on the input: exit 3, the traceback saved to a file for the report."""
    from .fileio import save_crash_report

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
    from .fileio import OutputFailed, utf8_stdio

    utf8_stdio()
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


@app.command(cls=_Command)
def serve(
    host: Annotated[str, typer.Option("--host", help="待ち受けるアドレス (0.0.0.0 でほかの PC からも)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="待ち受けるポート (0 = 空いている番号)", min=0, max=65535)] = 8000,
) -> None:
    """ブラウザで使うページを始めます (比較・判断・Excel の書き出し・監査)。既定ではこの PC からだけ開けます。"""
    from .serve import run

    try:
        run(host, port, typer.echo)
    except InputError as exc:
        fail(exc)
