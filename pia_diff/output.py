"""Writing files safely: never half-written, never silently overwriting."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import InputError


def check_target(path: str | Path, force: bool) -> Path:
    """Refuse an output path before any work is done: existing file, missing or read-only folder."""
    target = Path(path)
    if target.is_dir():
        raise InputError(str(path), "出力先がフォルダです。ファイル名を指定してください。")
    if target.exists() and not force:
        raise InputError(str(path), "出力先のファイルが既にあります。上書きする場合は --force を付けてください。")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(str(path), f"出力先のフォルダ {folder} がありません。")
    if not os.access(folder, os.W_OK):
        raise InputError(str(path), f"出力先のフォルダ {folder} に書き込む権限がありません。")
    return target


def write_atomic(path: str | Path, data: bytes, force: bool = False) -> None:
    """Write to a temporary file beside the target, then rename it into place."""
    target = check_target(path, force)
    fd, tmp = tempfile.mkstemp(prefix=".pia-diff-", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp makes the file private (0600); give it the permissions any new file would get
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise InputError(str(path), f"書き込めません ({exc.strerror})。") from exc
