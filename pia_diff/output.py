"""Writing files safely: never half-written, never silently overwriting, never over an input."""

from __future__ import annotations

import contextlib
import json
import math
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import InputError

PathLike = str | os.PathLike[str]


def _same_file(target: Path, source: PathLike) -> bool:
    """The same file: one path resolved, or the same inode (a hard link, a bind mount)."""
    if os.path.realpath(target) == os.path.realpath(source):
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
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(name, f"出力先のフォルダ {folder} がありません。")
    if not os.access(folder, os.W_OK):
        raise InputError(name, f"出力先のフォルダ {folder} に書き込む権限がありません。")
    return target


def write_atomic(path: PathLike, data: bytes, force: bool = False, inputs: Iterable[PathLike | None] = ()) -> None:
    """Write to a temporary file beside the target, flush it to disk, then rename it into place."""
    target = check_target(path, force, inputs)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".pia-diff-", suffix=".tmp", dir=target.parent)
        # mkstemp makes the file private (0600); give it the permissions any new file would get
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise InputError(str(path), f"書き込めません ({exc.strerror or exc})。") from exc
    _sync_folder(target.parent if str(target.parent) else Path("."))


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable, where the platform lets a folder be fsynced."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _finite(data: Any) -> Any:
    """NaN and infinities are not JSON: write them as null."""
    if isinstance(data, float) and not math.isfinite(data):
        return None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(value) for value in data]
    return data


def json_text(data: Any, sort_keys: bool = False) -> str:
    """Strict JSON for programs: UTF-8 text, 2-space indent, never NaN or Infinity."""
    return json.dumps(_finite(data), ensure_ascii=False, indent=2, sort_keys=sort_keys, allow_nan=False) + "\n"
