"""The command line contract (DESIGN.md): commands, flags, JSON keys, exit codes, Japanese errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pia_diff.cli import app
from pia_diff.snapshot import HISTORY_COLUMNS

from .conftest import ROOT, seed

runner = CliRunner()
OLD = ROOT / "samples" / "asahikawa" / "old.txt"
NEW = ROOT / "samples" / "asahikawa" / "new.txt"


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_show_json_has_the_contract_keys() -> None:
    result = invoke("show", seed("003"), "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert {"項目", "item_path", "重要", "値", "確度"} <= set(rows[0])
    by_label = {r["項目"]: r for r in rows}
    row = by_label["Ⅱ 特定個人情報ファイルの概要 4 特定個人情報ファイルの取扱いの委託 委託事項1 ④再委託の有無"]
    assert (row["値"], row["重要"], row["確度"]) == ("再委託する", True, "ok")
    audit = by_label["Ⅲ リスク対策 8 監査 実施の有無"]
    assert audit["値"] == [] and audit["確度"] == "uncertain"


def test_show_table_is_readable() -> None:
    result = invoke("show", seed("001"))
    assert result.exit_code == 0
    assert "国民年金課長" in result.stdout and "確度" in result.stdout.splitlines()[0]


def test_import_writes_a_snapshot_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "v1.json"
    assert invoke("import", seed("003"), "-o", out).exit_code == 0
    first = out.read_bytes()
    again = invoke("import", seed("003"), "-o", out)
    assert again.exit_code == 2 and "--force" in again.stderr
    assert out.read_bytes() == first
    assert invoke("import", seed("003"), "-o", out, "--force").exit_code == 0
    assert out.read_bytes() == first  # deterministic
    # a snapshot is a DOC like any other
    shown = invoke("show", out, "--format", "json")
    assert shown.exit_code == 0 and len(json.loads(shown.stdout)) > 100


def test_diff_json_keys_and_values() -> None:
    result = invoke("diff", OLD, NEW, "--date", "2023-11-06", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    keys = {*HISTORY_COLUMNS, "item_path", "重要", "根拠", "提案", "確度"}
    assert all(keys <= set(r) for r in rows)
    assert rows[0]["変更日"] == "令和5年11月6日"
    assert {r["提出時期"] for r in rows} == {"事前", "事後"}


def test_diff_csv_has_a_bom_and_the_six_columns() -> None:
    result = invoke("diff", OLD, NEW, "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.startswith("\ufeff変更日,項目,変更前の記載,変更後の記載,提出時期,提出時期に係る説明")


def test_diff_writes_the_workbook_once(tmp_path: Path) -> None:
    out = tmp_path / "別添2.xlsx"
    assert invoke("diff", OLD, NEW, "-o", out).exit_code == 0
    size = out.stat().st_size
    refused = invoke("diff", OLD, NEW, "-o", out)
    assert refused.exit_code == 2 and "既にあります" in refused.stderr
    assert out.stat().st_size == size
    assert [p.name for p in tmp_path.iterdir()] == ["別添2.xlsx"]  # no temporary left behind
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # not the temporary file's private mode


def test_check_exit_codes(tmp_path: Path) -> None:
    same = invoke("check", NEW, NEW)
    assert same.exit_code == 0 and "提出できます" in same.stdout
    blocked = invoke("check", OLD, NEW)
    assert blocked.exit_code == 1 and "④再委託の有無" in blocked.stdout
    items = json.loads(invoke("diff", OLD, NEW, "--format", "json").stdout)
    acknowledged = tmp_path / "判断.yaml"
    acknowledged.write_text(
        "".join(
            f"- 項目: {r['項目']}\n  変更の指紋: {r['変更の指紋']}\n  確認済み: true\n"
            for r in items
            if r["提出時期"] == "事前"
        ),
        encoding="utf-8",
    )
    assert invoke("check", OLD, NEW, "--decisions", acknowledged).exit_code == 0
    # without the fingerprints the same acknowledgements do not tell which change they judged
    unpinned = tmp_path / "指紋なし.yaml"
    unpinned.write_text(
        "".join(f"- 項目: {r['項目']}\n  確認済み: true\n" for r in items if r["提出時期"] == "事前"), encoding="utf-8"
    )
    loose = invoke("check", OLD, NEW, "--decisions", unpinned)
    assert loose.exit_code == 1 and "変更の指紋なし" in loose.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("- 色: 赤\n", encoding="utf-8")
    assert invoke("check", OLD, NEW, "--decisions", bad).exit_code == 2


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    prose = tmp_path / "memo.txt"
    prose.write_text("会議のメモです。\n評価書とは関係ありません。\n" * 20, encoding="utf-8")
    basic = tmp_path / "kiso.txt"
    basic.write_text("特定個人情報保護評価書(基礎項目評価書)\n評価書番号\t評価書名\n", encoding="utf-8")
    return {
        "empty": (empty, "空です"),
        "binary": (binary, "バイナリ"),
        "not a 評価書": (prose, "認識できません"),
        "基礎項目評価書": (basic, "基礎項目評価書"),
        "missing": (tmp_path / "nothing.txt", "見つかりません"),
        "folder": (tmp_path, "フォルダ"),
    }


@pytest.mark.parametrize("case", ["empty", "binary", "not a 評価書", "基礎項目評価書", "missing", "folder"])
def test_bad_input_gets_a_japanese_message_and_exit_2(tmp_path: Path, case: str) -> None:
    path, message = _bad_inputs(tmp_path)[case]
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "out.json"
    result = invoke("import", path, "-o", out)
    assert result.exit_code == 2
    assert message in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no output, input untouched


def test_different_assessments_are_refused_unless_forced(tmp_path: Path) -> None:
    result = invoke("diff", seed("003"), seed("001"))
    assert result.exit_code == 2 and "別の評価書" in result.stderr
    assert invoke("diff", seed("003"), seed("001"), "--force").exit_code == 0
    gate = invoke("check", seed("003"), seed("001"))
    assert gate.exit_code == 2 and "別の評価書" in gate.stderr and "diff に --force" in gate.stderr


def test_forced_diff_of_a_one_file_and_a_two_file_document() -> None:
    """000 keeps (別添1) per file, the sample once: the item is a heading on one side, a text on the
    other. Once a StopIteration traceback; now the old text is a row, nothing dropped."""
    result = invoke("diff", OLD, seed("000"), "--force", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    annex = [r for r in rows if r["項目"] == "(別添1) 特定個人情報ファイル記録項目"]
    assert len(annex) == 1 and annex[0]["変更前の記載"].startswith("○宛名情報")


def test_output_in_a_missing_folder_is_refused() -> None:
    result = invoke("diff", OLD, NEW, "-o", "/nonexistent-folder/別添2.xlsx")
    assert result.exit_code == 2 and "フォルダ" in result.stderr


def test_help_is_fast_and_imports_nothing_heavy() -> None:
    code = "import sys, pia_diff.cli; print(sorted(m for m in ('pandas','openpyxl','deepdiff','rich') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_module_and_shim_entry_points(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "120"}
    for command in ([sys.executable, "-m", "pia_diff", "--help"], [sys.executable, str(ROOT / "cli.py"), "--help"]):
        out = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
        assert out.returncode == 0 and "diff" in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["diff"], "引数 前の版 がありません。"),
        (["diff", "a"], "引数 新しい版 がありません。"),
        (["show", "x", "--bogus"], "オプション --bogus はありません。"),
        (["nosuch"], "コマンド「nosuch」はありません。"),
        (["diff", "a", "b", "c"], "余分な引数があります: c"),
        (["diff", "a", "b", "--date"], "オプション --date に値がありません。"),
        (["diff", "a", "b", "--format", "xml"], "--format の値「xml」は使えません ('table', 'json', 'csv' のどれか)。"),
        (["audit", "x", "--workers", "-1"], "--workers の値は 0 以上にしてください。"),
        (["audit", "x", "--workers", "abc"], "--workers の値は整数にしてください。"),
    ],
)
def test_usage_errors_are_japanese_with_exit_2(args: list[str], message: str) -> None:
    out = subprocess.run([sys.executable, "-m", "pia_diff", *args], capture_output=True, text=True)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    first, usage = out.stderr.splitlines()[:2]
    assert first == f"エラー: {message}"
    assert usage.startswith("使い方: ") and usage.endswith(" --help")


def test_a_usage_error_we_do_not_know_keeps_its_words_after_a_japanese_lead() -> None:
    from pia_diff.cli import usage_message

    assert usage_message("Something new went wrong") == "コマンドの指定が正しくありません (Something new went wrong)"


@pytest.mark.parametrize("columns", ["60", "120", "200"])
@pytest.mark.parametrize("command", ["", "import", "export", "show", "diff", "check", "audit"])
def test_help_is_japanese_with_its_columns_aligned(command: str, columns: str) -> None:
    from pia_diff.text import display_width

    result = runner.invoke(app, [*([command] if command else []), "--help"], env={"COLUMNS": columns})
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("使い方: ") and "オプション:" in text
    for english in ("Usage:", "Options:", "Arguments:", "Commands:", "Show this message", "[required]", "[default:"):
        assert english not in text, english
    for english in ("<path>", "<str>", "<int", "[OPTIONS]"):
        assert english not in text, english
    # the help column of the option rows starts at one display column (placeholders re-padded)
    rows = [line for line in text.split("\n") if line.startswith("  -")]
    assert rows
    starts = set()
    for row in rows:
        found = re.match(r"^(  \S.*?)(  +)\S", row)
        assert found, row
        starts.add(display_width(found.group(1)) + len(found.group(2)))
    assert len(starts) == 1, rows


def test_help_columns_are_lined_up_by_display_width() -> None:
    """The widest option holding a placeholder that grows in Japanese: every help text moves with it."""
    from pia_diff.cli import japanese_help

    text = "Options:\n  --date <str>  変更日\n  -o <path>     出力\n                続き\n  --help        Show this message and exit."
    assert japanese_help(text).split("\n") == [
        "オプション:",
        "  --date <文字列>  変更日",
        "  -o <パス>        出力",
        "                   続き",
        "  --help           この説明を表示して終了します。",
    ]


def test_no_arguments_print_the_help_not_an_error() -> None:
    done = subprocess.run([sys.executable, "-m", "pia_diff"], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith("使い方: ") and "エラー" not in done.stderr
    assert "コマンド:" in done.stderr and "diff" in done.stderr
