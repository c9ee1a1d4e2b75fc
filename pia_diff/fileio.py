"""Reading and writing files safely, on POSIX and Windows: only regular files read, never a
half-written output, never silently overwriting, never over an input, no temporary file left behind."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import math
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .controls import visible
from .errors import InputError

PathLike = str | os.PathLike[str]
MAX_BYTES = 20 * 1024 * 1024
TEMP_PREFIX = ".pia-diff-"
# Linux tells a process its umask here; elsewhere it is read by setting it and putting it back.
PROC_STATUS = "/proc/self/status"


def _flags(*names: str) -> int:
    """Open flags by name; a flag the platform lacks (Windows has no O_NONBLOCK, O_CLOEXEC,
    O_DIRECTORY or O_NOFOLLOW; POSIX no O_BINARY) counts as 0."""
    value = 0
    for name in names:
        value |= getattr(os, name, 0)
    return value


def read_input(path: PathLike, limit: int = MAX_BYTES, what: str = "評価書") -> bytes:
    """A regular file's bytes, at most `limit`: devices, FIFOs and sockets are refused before they
    are opened for reading (a FIFO would block, /dev/zero would never end)."""
    name = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(name, "ファイルが見つかりません。パスを確認してください。") from None
    except OSError as exc:
        raise InputError(name, f"ファイルを調べられません ({exc.strerror})。") from exc
    if stat.S_ISDIR(info.st_mode):
        raise InputError(name, f"フォルダが指定されました。{what}のファイルを指定してください。")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            name, f"通常のファイルではありません ({_kind(info.st_mode)})。{what}のファイルを指定してください。"
        )
    if info.st_size > limit:
        raise InputError(
            name,
            f"ファイルが大きすぎます ({info.st_size:,} バイト、上限 {limit:,} バイト)。{what}のファイルか確かめてください。",
        )
    try:
        # O_NONBLOCK: should the path be swapped for a FIFO after the check, opening does not hang.
        # Windows has no FIFO that a path can be swapped for, and no such flag.
        # O_BINARY (Windows): the C runtime must not translate line ends in what we read
        fd = os.open(path, os.O_RDONLY | _flags("O_NONBLOCK", "O_CLOEXEC", "O_BINARY"))
    except PermissionError as exc:
        raise InputError(name, "ファイルを読む権限がありません。") from exc
    except OSError as exc:
        raise InputError(name, f"ファイルを読めません ({exc.strerror})。") from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(name, f"通常のファイルではありません。{what}のファイルを指定してください。")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(name, f"ファイルを読めません ({exc.strerror})。") from exc
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while we read it
        raise InputError(name, f"ファイルが大きすぎます (上限 {limit:,} バイト)。{what}のファイルか確かめてください。")
    return data


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "名前付きパイプ (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "デバイス"
    if stat.S_ISSOCK(mode):
        return "ソケット"
    return "特殊なファイル"


def _same_file(target: Path, source: PathLike) -> bool:
    """The same file: one path resolved, or the same inode (a hard link, a bind mount)."""
    if os.path.normcase(os.path.realpath(target)) == os.path.normcase(os.path.realpath(source)):
        return True
    try:
        a, b = os.stat(target), os.stat(source)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def check_target(path: PathLike, force: bool, inputs: Iterable[PathLike | None] = ()) -> Path:
    """Refuse an output path before any work is done: an input of the same run, a device, a FIFO,
    a dangling link or an existing file (the last three unless forced), a missing or read-only folder."""
    target = Path(path)
    name = str(path)
    for source in inputs:
        if source is not None and _same_file(target, source):
            raise InputError(name, f"出力先が入力ファイル {source} と同じです。入力を上書きすることはできません。")
    try:
        link = os.lstat(target)
    except (FileNotFoundError, NotADirectoryError):  # the folder check below names the problem
        link = None
    except OSError as exc:
        raise InputError(name, f"出力先を調べられません ({exc.strerror})。") from exc
    if link is not None:
        try:
            mode = os.stat(target).st_mode
        except FileNotFoundError:  # a symbolic link to nothing
            if not force:
                raise InputError(
                    name, "出力先は行き先のないシンボリックリンクです。置き換える場合は --force を付けてください。"
                ) from None
            mode = link.st_mode
        except OSError as exc:
            raise InputError(name, f"出力先を調べられません ({exc.strerror})。") from exc
        if stat.S_ISDIR(mode):
            raise InputError(name, "出力先がフォルダです。ファイル名を指定してください。")
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
            raise InputError(name, "出力先がデバイスなどの特殊なファイルです。通常のファイル名を指定してください。")
        if not force:
            if stat.S_ISFIFO(mode):
                raise InputError(
                    name, "出力先が名前付きパイプ (FIFO) です。置き換える場合は --force を付けてください。"
                )
            if stat.S_ISREG(mode):
                raise InputError(name, "出力先のファイルが既にあります。上書きする場合は --force を付けてください。")
    folder = _folder(target)
    if not folder.is_dir():
        raise InputError(name, f"出力先のフォルダ {folder} がありません。")
    if not os.access(folder, os.W_OK):
        raise InputError(name, f"出力先のフォルダ {folder} に書き込む権限がありません。")
    return target


def check_distinct(*paths: PathLike | None) -> None:
    """Refuse one path named for two outputs of a run (the second would replace the first)."""
    named = [Path(p) for p in paths if p is not None]
    for i, first in enumerate(named):
        for second in named[i + 1 :]:
            if _same_file(first, second):
                raise InputError(
                    str(second),
                    f"同じファイル {first} が2つの出力先に指定されています。別々のファイル名にしてください。",
                )


def _folder(target: Path) -> Path:
    return target.parent if str(target.parent) else Path(".")


def _new_file_mode() -> int:
    """The permissions any new file gets here (0666 less the umask), read without a race where the
    platform lets us (Linux reports the umask in /proc)."""
    with contextlib.suppress(OSError, ValueError, StopIteration):
        with open(PROC_STATUS, encoding="ascii") as status:
            line = next(line for line in status if line.startswith("Umask:"))
        return 0o666 & ~int(line.split()[1], 8)
    umask = os.umask(0o022)  # set and put back at once: the only portable way to read it
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(
    path: PathLike,
    data: bytes | Callable[[], bytes] | Iterable[bytes],
    force: bool = False,
    inputs: Iterable[PathLike | None] = (),
) -> None:
    """Write to a temporary file beside the target, flush it to disk, then rename it into place.

    data may be a function giving the bytes: it then runs with its own temporary files (openpyxl
    writes each sheet to one) in a folder beside the target, not in TMPDIR, removed whatever happens.
    Or pieces of bytes, written as they come (a long document's snapshot is never whole in memory)."""
    target = check_target(path, force, inputs)
    folder = _folder(target)
    tmp: str | None = None
    with removed_on_signals():
        try:
            if callable(data):
                with temporary_files_in(folder):
                    data = data()
            fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=folder)
            _set_mode(fd, tmp, _new_file_mode())
            with os.fdopen(fd, "wb") as handle:
                if isinstance(data, bytes | bytearray):
                    handle.write(data)
                else:
                    handle.writelines(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
            tmp = None
        except OSError as exc:
            raise InputError(str(path), _write_problem(exc)) from exc
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
    _sync_folder(folder)


def _set_mode(fd: int, name: str, mode: int) -> None:
    """mkstemp makes the file private (0600): give it the permissions any new file would get.
    Windows has os.fchmod only from Python 3.13; there a mode means no more than read-only or not."""
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:
        os.chmod(name, mode)


# The reasons a write fails most often, in Japanese (strerror is English on most systems).
_REASONS = {
    errno.ENOSPC: "空き容量がありません",
    errno.EFBIG: "ファイルの大きさの上限を超えました",
    errno.EPIPE: "読み手が先に終了しました",
    errno.EBADF: "閉じられています",
    errno.EIO: "入出力エラー",
    errno.EROFS: "読み取り専用です",
    errno.EACCES: "権限がありません",
    errno.EPERM: "権限がありません",
}


def reason(exc: OSError) -> str:
    """Why an operating-system call failed, in Japanese where we know the reason."""
    return _REASONS.get(exc.errno or 0) or exc.strerror or str(exc) or exc.__class__.__name__


def _write_problem(exc: OSError) -> str:
    why = reason(exc)
    if isinstance(exc, PermissionError) and os.name == "nt":  # Windows locks a file that Excel has open
        return f"書き込めません ({why})。Excel などで開いている場合は閉じてから実行してください。"
    return f"書き込めません ({why})。"


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable, where the platform lets a folder be fsynced (not Windows)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | _flags("O_DIRECTORY"))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def temporary_files_in(folder: Path) -> Iterator[Path]:
    """Let libraries' temporary files (tempfile's default folder) live in a private folder inside
    `folder` meanwhile, removed with whatever is left in it: a full TMPDIR then does not stop a
    write that the output's folder has room for, and nothing is left in TMPDIR."""
    private = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, suffix=".tmpdir", dir=folder))
    before = tempfile.tempdir
    tempfile.tempdir = str(private)
    try:
        yield private
    finally:
        tempfile.tempdir = before
        shutil.rmtree(private, ignore_errors=True)


class Terminated(SystemExit):
    """A termination signal (SIGTERM, SIGHUP) raised as an exception, so that clean-up code runs."""


def _raise_terminated(signum: int, _frame: object) -> None:
    raise Terminated(128 + signum)


@contextlib.contextmanager
def removed_on_signals() -> Iterator[None]:
    """While a write is under way, SIGTERM and SIGHUP raise instead of killing the process at once,
    so that its `finally` blocks remove the temporary files (SIGINT already raises KeyboardInterrupt).
    Windows has no SIGHUP and delivers no SIGTERM from outside; signals are only handled in the main thread."""
    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in wanted:
            with contextlib.suppress(OSError, ValueError):
                previous[signum] = signal.signal(signum, _raise_terminated)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            with contextlib.suppress(OSError, ValueError, TypeError):
                signal.signal(signum, handler)


def _finite(data: Any) -> Any:
    """NaN and infinities are not JSON: write them as null."""
    if isinstance(data, float) and not math.isfinite(data):
        return None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(value) for value in data]
    return data


# JSON escapes C0 controls itself; DEL, the C1 controls (U+0080-U+009F, which some terminals run as
# escape sequences) and lone surrogates (not UTF-8) it leaves raw. They can only stand inside strings,
# where \uXXXX means the same.
_RAW_CONTROLS = re.compile("[\x7f-\x9f\ud800-\udfff]")


def json_text(data: Any, sort_keys: bool = False) -> str:
    """Strict JSON for programs: UTF-8 text, 2-space indent, never NaN or Infinity, no raw control character."""
    text = json.dumps(_finite(data), ensure_ascii=False, indent=2, sort_keys=sort_keys, allow_nan=False)
    return json_safe(text) + "\n"


def json_safe(text: str) -> str:
    """JSON text (or any whole piece of it) with DEL, the C1 controls and lone surrogates escaped."""
    return _RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class OutputFailed(Exception):
    """Standard output could not be written (a full disk, a closed stream, a reader that went away).
    Not an OSError, so that the io layers pass it on as it is."""

    def __init__(self, error: OSError) -> None:
        self.error = error
        super().__init__(reason(error))


class _GuardedOutput(io.RawIOBase):
    """The bytes of standard output, written to its file descriptor; a failure raises OutputFailed once,
    and what is written after it goes nowhere (no second error when the interpreter flushes at exit)."""

    def __init__(self, fd: int | None) -> None:
        super().__init__()
        self._fd = fd
        self.failed = False

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self._fd is not None and os.isatty(self._fd)

    def fileno(self) -> int:
        if self._fd is None:
            raise OSError(errno.EBADF, "standard output is closed")
        return self._fd

    def write(self, data: Any) -> int:
        size = len(memoryview(data))
        if self.failed:
            return size
        try:
            if self._fd is None:
                raise OSError(errno.EBADF, os.strerror(errno.EBADF))
            return os.write(self._fd, data)
        except OSError as exc:
            self.failed = True
            raise OutputFailed(exc) from exc

    def close(self) -> None:  # the descriptor belongs to the process, not to us
        with contextlib.suppress(OutputFailed):
            super().close()


class _VisibleText(io.TextIOWrapper):
    """A text stream that never writes a control character raw (an ESC from a document would reach the
    user's terminal as an escape sequence): each is shown as its escape, as in every report."""

    def write(self, text: str) -> int:
        return super().write(visible(text))


def utf8_stdio() -> None:
    """Standard output and error in UTF-8 whatever the code page or locale (cp932, LANG=C), lone
    surrogates escaped and control characters shown, never an encoding error; standard output's
    failures raise OutputFailed. A Windows console keeps its own raw stream, which shows Unicode itself."""
    stderr = sys.stderr
    if stderr is not None and _is_stream(stderr):
        stderr.flush()
        _REPLACED.append(stderr)
        sys.stderr = _utf8_text(stderr.buffer, line_buffering=True)
    stdout = sys.stdout
    if stdout is not None and not _is_stream(stdout):
        return  # not a real stream (a test harness's): leave it alone
    if stdout is not None and os.name == "nt" and stdout.isatty():
        stdout.flush()
        _REPLACED.append(stdout)
        sys.stdout = _utf8_text(stdout.buffer, line_buffering=True)
        return
    # None: Python found no standard output at start (closed with >&-); it fails when written to
    fd: int | None = None
    if stdout is not None:
        stdout.flush()
        _REPLACED.append(stdout)
        fd = stdout.fileno()
    raw = _GuardedOutput(fd)
    sys.stdout = _utf8_text(io.BufferedWriter(raw), line_buffering=raw.isatty())


# The streams utf8_stdio replaced: a text stream closes its byte layer when it is collected, and the
# new stream writes through that same byte layer.
_REPLACED: list[Any] = []


def _utf8_text(binary: Any, line_buffering: bool) -> _VisibleText:
    # newline="\n": no translation, so CSV's CRLF stays CRLF on Windows as well
    return _VisibleText(
        binary, encoding="utf-8", errors="backslashreplace", newline="\n", line_buffering=line_buffering
    )


def _is_stream(stream: Any) -> bool:
    """A stream over a real file descriptor, with its byte layer (not a test harness's StringIO)."""
    try:
        stream.fileno()
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False
    return hasattr(stream, "buffer")


def save_crash_report(error: BaseException) -> Path | None:
    """Write an internal error's traceback to a new file in the temporary folder (never over an existing
    file or link); its path, or None where it cannot be written."""
    from . import __version__

    lines = [
        f"pia-diff {__version__}, Python {sys.version.split()[0]}, {sys.platform}",
        f"command: {sys.argv!r}",
        "",
        *traceback.format_exception(error),
    ]
    folder = Path(tempfile.gettempdir())
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for attempt in range(100):
        path = folder / f"pia-diff-error-{stamp}{f'-{attempt}' if attempt else ''}.txt"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _flags("O_BINARY", "O_NOFOLLOW")
        try:
            fd = os.open(path, flags, 0o600)
        except FileExistsError:
            continue
        except OSError:
            return None
        try:
            with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as handle:
                handle.write("\n".join(lines))
        except OSError:
            return None
        return path
    return None
