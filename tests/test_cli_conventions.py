"""The conventions people expect of a command line: --version, -h, `-` for standard input, check's JSON,
-o's extension choosing the format, a progress bar on a terminal, --quiet, and the pre-commit hook."""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pia_diff.cli import app

from .conftest import ROOT, seed

runner = CliRunner()
OLD = ROOT / "samples" / "asahikawa" / "old.txt"
NEW = ROOT / "samples" / "asahikawa" / "new.txt"


def invoke(*args: object, input: bytes | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def module(*args: object, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pia_diff", *map(str, args)], capture_output=True, text=True, check=False, **kwargs
    )


# --version and -h


def test_version_is_the_package_version() -> None:
    done = module("--version")
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert done.returncode == 0 and done.stdout == f"pia-diff {declared}\n" and done.stderr == ""


@pytest.mark.parametrize("command", ["", "import", "export", "show", "diff", "check", "audit", "serve"])
def test_h_is_help_everywhere(command: str) -> None:
    words = [command] if command else []
    short, long = invoke(*words, "-h"), invoke(*words, "--help")
    assert short.exit_code == long.exit_code == 0
    assert short.stdout == long.stdout and short.stdout.startswith("使い方: ")
    assert "-h, --help" in short.stdout


# `-` for standard input


def test_a_document_from_standard_input_reads_as_the_file() -> None:
    data = NEW.read_bytes()
    from_file = invoke("show", NEW, "--format", "json")
    from_stdin = invoke("show", "-", "--format", "json", input=data)
    assert from_stdin.exit_code == 0, from_stdin.stderr
    assert json.loads(from_stdin.stdout) == json.loads(from_file.stdout)
    diffed = invoke("diff", OLD, "-", "--date", "令和5年11月6日", "--format", "json", input=data)
    expected = invoke("diff", OLD, NEW, "--date", "令和5年11月6日", "--format", "json")
    assert diffed.exit_code == 0 and json.loads(diffed.stdout) == json.loads(expected.stdout)
    # the snapshot says where it came from
    snapshot = json.loads(invoke("import", "-", input=data).stdout)
    assert snapshot["meta"]["source"] == "標準入力"


def test_standard_input_through_a_real_pipe() -> None:
    with NEW.open("rb") as document:
        done = subprocess.run(
            [sys.executable, "-m", "pia_diff", "check", str(NEW), "-"], stdin=document, capture_output=True, text=True
        )
    assert done.returncode == 0 and done.stdout.startswith("提出できます")


def test_standard_input_is_recognised_by_content_like_a_file(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    assert invoke("export", seed("003"), "-o", book).exit_code == 0
    shown = invoke("show", "-", "--format", "json", input=book.read_bytes())
    assert shown.exit_code == 0 and json.loads(shown.stdout) == json.loads(
        invoke("show", book, "--format", "json").stdout
    )


def test_bad_standard_input_is_named_and_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    empty = invoke("show", "-", input=b"")
    assert empty.exit_code == 2 and empty.stderr.startswith("エラー: 標準入力: ") and "空です" in empty.stderr
    prose = invoke("show", "-", input="会議のメモです。\n".encode() * 30)
    assert prose.exit_code == 2 and "標準入力" in prose.stderr and "認識できません" in prose.stderr
    import pia_diff.api

    monkeypatch.setattr(pia_diff.api, "MAX_BYTES", 1000)  # the file limit, made small: the same rule
    large = invoke("show", "-", input=NEW.read_bytes())
    assert large.exit_code == 2 and "標準入力" in large.stderr and "大きすぎます" in large.stderr
    assert "Traceback" not in empty.stderr + prose.stderr + large.stderr


@pytest.mark.parametrize(
    "args", [["diff", "-", "-"], ["check", "-", "-"], ["audit", "-", "--against", "-"]], ids=["diff", "check", "audit"]
)
def test_standard_input_holds_one_document(args: list[str]) -> None:
    done = invoke(*args, input=NEW.read_bytes())
    assert done.exit_code == 2 and "1つの文書だけ" in done.stderr and done.stdout == ""


# check --format json


def test_check_json_names_what_blocks_the_revision() -> None:
    done = invoke("check", OLD, NEW, "--date", "令和5年11月6日", "--format", "json")
    assert done.exit_code == 1
    decided = json.loads(done.stdout)
    assert set(decided) >= {"may_file", "total", "blocking", "gaps", "audit_errors", "audit_warnings", "rows_to_add"}
    assert decided["may_file"] is False and decided["total"] == 13
    rows = json.loads(invoke("diff", OLD, NEW, "--date", "令和5年11月6日", "--format", "json").stdout)
    before = {r["項目"]: r for r in rows if r["提出時期"] == "事前"}
    assert {b["項目"] for b in decided["blocking"]} == set(before)
    for blocked in decided["blocking"]:
        row = before[blocked["項目"]]
        assert (blocked["根拠"], blocked["変更の指紋"], blocked["reason"]) == (
            row["根拠"],
            row["変更の指紋"],
            "unacknowledged",
        )
        assert blocked["判断の状態"] is None
    for finding in decided["audit_errors"] + decided["audit_warnings"]:
        assert set(finding) >= {"level", "code", "message", "項目", "parameters"}


def test_check_json_when_the_revision_may_go_out() -> None:
    done = invoke("check", NEW, NEW, "--format", "json")
    decided = json.loads(done.stdout)
    assert done.exit_code == 0 and decided["may_file"] is True and decided["total"] == 0
    assert decided["blocking"] == decided["gaps"] == decided["audit_errors"] == decided["rows_to_add"] == []


def test_check_json_shows_a_stale_decision(tmp_path: Path) -> None:
    rows = json.loads(invoke("diff", OLD, NEW, "--format", "json").stdout)
    row = next(r for r in rows if r["提出時期"] == "事前")
    stale = tmp_path / "判断.yaml"
    stale.write_text(f"- 項目: {row['項目']}\n  変更の指紋: 00000000-00000000\n  確認済み: true\n", encoding="utf-8")
    decided = json.loads(invoke("check", OLD, NEW, "--decisions", stale, "--format", "json").stdout)
    entry = next(b for b in decided["blocking"] if b["項目"] == row["項目"])
    assert entry["reason"] == "stale" and entry["判断の状態"] == "stale"


# -o: the extension chooses the format


def test_diff_output_format_follows_the_extension(tmp_path: Path) -> None:
    shown_json = invoke("diff", OLD, NEW, "--date", "令和5年11月6日", "--format", "json").stdout_bytes
    shown_csv = invoke("diff", OLD, NEW, "--date", "令和5年11月6日", "--format", "csv").stdout_bytes
    for name, expected in (("rows.json", shown_json), ("rows.CSV", shown_csv)):
        done = invoke("diff", OLD, NEW, "--date", "令和5年11月6日", "-o", tmp_path / name)
        assert done.exit_code == 0, done.stderr
        assert (tmp_path / name).read_bytes() == expected
    table = list(csv.reader(io.StringIO((tmp_path / "rows.CSV").read_text(encoding="utf-8-sig"))))
    assert len(table) == 14 and table[0][:2] == ["変更日", "項目"]
    book = tmp_path / "別添2.xlsx"
    assert invoke("diff", OLD, NEW, "-o", book).exit_code == 0 and book.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("args", "name", "named"),
    [
        (["diff", OLD, NEW], "out.txt", ".xlsx、.csv、.json のどれか"),
        (["diff", OLD, NEW], "out", ".xlsx、.csv、.json のどれか"),
        (["import", NEW], "snapshot.yaml", ".json "),
        (["export", NEW], "book.csv", ".xlsx "),
        (["audit", NEW], "audit.pdf", ".xlsx、.csv、.json のどれか"),
        (["diff", OLD, NEW, "--into", NEW], "out.csv", ".xlsx "),
    ],
)
def test_an_output_extension_no_format_has_is_refused(
    tmp_path: Path, args: list[object], name: str, named: str
) -> None:
    done = invoke(*args, "-o", tmp_path / name)
    assert done.exit_code == 2 and f"出力先の名前を {named}で終えてください" in done.stderr
    assert str(tmp_path / name) in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


# the progress bar and --quiet


def _on_a_terminal(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run pia-diff with stderr on a pseudo-terminal (as in a console window); its stderr as seen there."""
    import pty

    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pia_diff", *args], stdout=subprocess.DEVNULL, stderr=follower, cwd=cwd, timeout=120
        )
        os.close(follower)
        follower = -1
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end is closed: all has been read
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    return done.returncode, seen.decode("utf-8", "replace")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="a pseudo-terminal is POSIX")
def test_a_folder_audit_shows_its_progress_on_a_terminal_only(tmp_path: Path) -> None:
    folder = tmp_path / "公表版"
    folder.mkdir()
    for prefix in ("001", "003"):
        (folder / f"{prefix}.txt").write_bytes(seed(prefix).read_bytes())
    status, seen = _on_a_terminal(["audit", str(folder), "--workers", "1"], tmp_path)
    assert status in (0, 1) and "監査中" in seen and "2/2" in seen and "\x1b[" in seen  # drawn, not as text
    status, quiet = _on_a_terminal(["audit", str(folder), "--workers", "1", "--quiet"], tmp_path)
    assert status in (0, 1) and "監査中" not in quiet
    piped = module("audit", folder, "--workers", "1")
    assert "監査中" not in piped.stderr and "\x1b" not in piped.stderr


def test_quiet_keeps_errors_and_drops_the_notes(tmp_path: Path) -> None:
    unused = tmp_path / "判断.yaml"
    unused.write_text(
        "- 項目: Ⅰ 基本情報 1 特定個人情報ファイルを取り扱う事務 ①事務の名称\n  施行日: 令和9年4月1日\n",
        encoding="utf-8",
    )
    out = tmp_path / "別添2.xlsx"
    said = invoke("diff", OLD, NEW, "--decisions", unused, "-o", out)
    assert said.exit_code == 0 and "注意: 判断ファイル" in said.stderr and "書き出しました" in said.stderr
    quiet = invoke("diff", OLD, NEW, "--decisions", unused, "-o", out, "--force", "-q")
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == said.stdout
    refused = invoke("diff", OLD, NEW, "-o", out, "--quiet")
    assert refused.exit_code == 2 and "既にあります" in refused.stderr  # errors are never silenced


# the pre-commit hook


def test_the_pre_commit_hook_runs_check_on_the_versions_a_project_names(tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "pia-diff-check")
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    entry = shlex.split(hook["entry"])
    assert entry[0] == "pia-diff" and entry[1] == "check"
    # pre-commit runs the entry with the project's args: here through the installed package
    command = [sys.executable, "-m", "pia_diff", *entry[1:]]
    assert subprocess.run([*command, str(NEW), str(NEW)], capture_output=True, cwd=tmp_path).returncode == 0
    blocked = subprocess.run([*command, str(OLD), str(NEW)], capture_output=True, text=True, cwd=tmp_path)
    assert blocked.returncode == 1 and "まだ提出できません" in blocked.stdout
