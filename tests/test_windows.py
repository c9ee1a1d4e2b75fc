"""Windows as a first-class platform: the reading and writing paths without the POSIX-only calls, the
CLI under a code page or the C locale, failing standard output, internal errors exit 3."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from pia_diff import fileio
from pia_diff.errors import InputError
from pia_diff.ingest import parse_bytes, read_document

from .conftest import ROOT, seed

OLD = ROOT / "samples" / "asahikawa" / "old.txt"
NEW = ROOT / "samples" / "asahikawa" / "new.txt"
POSIX_ONLY_OS = ("O_NONBLOCK", "O_CLOEXEC", "O_DIRECTORY", "O_NOFOLLOW", "fchmod")


@pytest.fixture
def windows_os(monkeypatch: pytest.MonkeyPatch) -> None:
    """The os module as Windows (or Python < 3.13 on Windows) has it: none of these attributes."""
    for name in POSIX_ONLY_OS:
        if hasattr(os, name):
            monkeypatch.delattr(os, name)
    if hasattr(signal, "SIGHUP"):
        monkeypatch.delattr(signal, "SIGHUP")
    monkeypatch.setattr(fileio, "PROC_STATUS", "/nonexistent/proc/self/status")  # no /proc on Windows


def test_reading_without_posix_flags_gives_the_same_document(windows_os: None) -> None:
    assert not hasattr(os, "O_NONBLOCK")
    path = seed("001")
    assert fileio.read_input(path) == path.read_bytes()
    assert read_document(path).fields == parse_bytes(path.read_bytes(), path.name).fields
    with pytest.raises(InputError, match="フォルダ"):
        fileio.read_input(path.parent)


def test_reading_without_posix_flags_still_refuses_what_is_not_a_file(windows_os: None, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="見つかりません"):
        fileio.read_input(tmp_path / "none.txt")
    with pytest.raises(InputError, match="大きすぎます"):
        (tmp_path / "big.txt").write_bytes(b"x" * 2000)
        fileio.read_input(tmp_path / "big.txt", limit=1000)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_writing_without_fchmod_gives_the_new_file_the_usual_permissions(windows_os: None, tmp_path: Path) -> None:
    assert not hasattr(os, "fchmod") and not hasattr(os, "O_DIRECTORY")
    old = os.umask(0o027)
    try:
        target = tmp_path / "out.json"
        fileio.write_atomic(target, b"{}\n")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"{}\n"
    if os.name == "posix":  # mkstemp made it 0600: the fallback still gives 0666 less the umask
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_the_umask_is_read_the_same_with_and_without_proc(monkeypatch: pytest.MonkeyPatch) -> None:
    with_proc = fileio._new_file_mode()
    monkeypatch.setattr(fileio, "PROC_STATUS", "/nonexistent")
    assert fileio._new_file_mode() == with_proc == 0o666 & ~_umask()


def test_overwriting_without_posix_calls_still_refuses_and_replaces(windows_os: None, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(InputError, match="--force"):
        fileio.write_atomic(target, b"new")
    fileio.write_atomic(target, b"new", force=True)
    assert target.read_bytes() == b"new"


def test_signals_are_only_handled_where_they_exist_and_in_the_main_thread(windows_os: None) -> None:
    before = signal.getsignal(signal.SIGTERM)
    with fileio.removed_on_signals():
        assert signal.getsignal(signal.SIGTERM) is fileio._raise_terminated
    assert signal.getsignal(signal.SIGTERM) is before
    errors: list[BaseException] = []

    def in_a_thread() -> None:
        try:
            with fileio.removed_on_signals():
                pass
        except BaseException as exc:  # signal.signal raises ValueError outside the main thread
            errors.append(exc)

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert errors == []


def test_the_workbook_is_written_although_the_temporary_folder_is_unusable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """openpyxl's own save writes every sheet to a temporary file first; ours writes in memory
    (report.sheets.in_memory): a full or missing TMPDIR does not stop a write the output's folder has
    room for."""
    from openpyxl import Workbook, load_workbook

    from pia_diff.report.excel import workbook_bytes

    history = read_document(OLD).history
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-tmpdir"))
    with pytest.raises(OSError):
        Workbook().save(io.BytesIO())  # openpyxl's own save needs the folder
    assert workbook_bytes(history, [])  # ours needs no temporary folder
    out = tmp_path / "out" / "別添2.xlsx"
    out.parent.mkdir()
    fileio.write_atomic(out, lambda: workbook_bytes(history, []))
    assert load_workbook(out).sheetnames[0] == "別添2 変更箇所"
    assert sorted(p.name for p in out.parent.iterdir()) == ["別添2.xlsx"]  # no temporary file or folder left
    assert tempfile.tempdir == str(tmp_path / "no-such-tmpdir")  # put back


_KILLED_WHILE_WRITING = """
import os, signal, sys, tempfile
from pia_diff.fileio import write_atomic
def data():
    tempfile.NamedTemporaryFile(delete=False).close()  # as openpyxl does for each sheet
    os.kill(os.getpid(), getattr(signal, sys.argv[2]))
    return b"never written"
write_atomic(sys.argv[1], data)
"""


@pytest.mark.skipif(os.name != "posix", reason="a signal sent to oneself")
@pytest.mark.parametrize(("name", "status"), [("SIGTERM", 128 + 15), ("SIGHUP", 128 + 1), ("SIGINT", -2)])
def test_a_signal_during_the_write_leaves_no_temporary_file(tmp_path: Path, name: str, status: int) -> None:
    out = tmp_path / "out.xlsx"
    result = subprocess.run(
        [sys.executable, "-c", _KILLED_WHILE_WRITING, str(out), name],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path / "elsewhere")},
        timeout=60,
        check=False,
    )
    (tmp_path / "elsewhere").mkdir(exist_ok=True)
    assert result.returncode == status, result.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "elsewhere"] and not list((tmp_path / "elsewhere").iterdir())


# The CLI in a subprocess, as a Windows console with code page 932 or a C locale would run it.
_ENVIRONMENTS = {
    "cp932": {"PYTHONIOENCODING": "cp932", "PYTHONUTF8": "0", "LANG": "ja_JP.SJIS"},
    "C locale": {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""},
    "ascii strict": {"PYTHONIOENCODING": "ascii:strict", "PYTHONUTF8": "0", "LANG": "C"},
}


def cli(args: list[str], env: dict[str, str], cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "pia_diff", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "160", **env},
        timeout=120,
        check=False,
        **streams,
    )


@pytest.mark.parametrize("environment", list(_ENVIRONMENTS))
def test_output_arrives_intact_in_utf8_whatever_the_code_page(environment: str, tmp_path: Path) -> None:
    env = _ENVIRONMENTS[environment]
    # a character outside cp932 (the em dash of the sample is inside) in an item, and a lone surrogate
    table = cli(["diff", str(OLD), str(NEW)], env, tmp_path)
    assert table.returncode == 0 and b"Traceback" not in table.stderr, table.stderr.decode("utf-8", "replace")
    text = table.stdout.decode("utf-8")  # strict: every byte is UTF-8
    assert "委託事項1" in text and "事後" in text
    as_csv = cli(["diff", str(OLD), str(NEW), "--format", "csv"], env, tmp_path)
    assert as_csv.stdout.startswith(b"\xef\xbb\xbf")  # CSV keeps its BOM for Excel
    assert b"\r\n" in as_csv.stdout and b"\r\r\n" not in as_csv.stdout
    header = next(csv.reader(io.StringIO(as_csv.stdout.decode("utf-8-sig"))))
    assert header[:2] == ["変更日", "項目"]
    missing = cli(["show", str(tmp_path / "無い.txt")], env, tmp_path)
    assert missing.returncode == 2
    assert "ファイルが見つかりません" in missing.stderr.decode("utf-8") and b"Traceback" not in missing.stderr


def test_json_and_help_arrive_intact_under_a_code_page(tmp_path: Path) -> None:
    env = _ENVIRONMENTS["cp932"]
    as_json = cli(["diff", str(OLD), str(NEW), "--format", "json"], env, tmp_path)
    assert json.loads(as_json.stdout.decode("utf-8"))
    helped = cli(["--help"], env, tmp_path)
    assert helped.returncode == 0 and "使い方" in helped.stdout.decode("utf-8")


def test_a_file_name_that_is_not_valid_text_is_shown_escaped(tmp_path: Path) -> None:
    if sys.platform == "darwin":
        pytest.skip("macOS file names are always UTF-8")
    name = os.fsdecode(b"\xff\xfe-broken.txt")  # a lone surrogate once decoded
    result = cli(["show", name], {"LANG": "C.UTF-8"}, tmp_path)
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert "broken.txt" in result.stderr.decode("utf-8")


_CRASH = """
import sys, time
import pia_diff.pipeline
from pia_diff.cli import main
def broken(*args, **kwargs):
    raise ZeroDivisionError("a bug of ours")
pia_diff.pipeline.compare = broken  # what pia_diff.api.compare (and so `diff`) calls
time.strftime = lambda *args: "20260101-000000"
sys.argv = ["pia-diff", *sys.argv[1:]]
main()
"""


def test_an_internal_error_exits_3_with_the_traceback_saved(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    taken = temp / "pia-diff-error-20260101-000000.txt"
    taken.write_text("someone else's file", encoding="utf-8")
    (temp / "pia-diff-error-20260101-000000-1.txt").symlink_to(tmp_path / "target-of-a-link")
    result = subprocess.run(
        [sys.executable, "-c", _CRASH, "diff", str(OLD), str(NEW)],
        cwd=tmp_path,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(temp), "PYTHONIOENCODING": "cp932"},
        timeout=120,
        check=False,
    )
    message = result.stderr.decode("utf-8")
    assert result.returncode == 3 and "内部エラー" in message and "Traceback" not in message
    saved = temp / "pia-diff-error-20260101-000000-2.txt"
    assert str(saved) in message
    report = saved.read_text(encoding="utf-8")
    assert "ZeroDivisionError: a bug of ours" in report and "Traceback" in report
    assert taken.read_text(encoding="utf-8") == "someone else's file"  # never over an existing file
    assert not (tmp_path / "target-of-a-link").exists()  # nor through a link
