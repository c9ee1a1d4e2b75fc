"""Packaged YAML data (the form registry, catalogues, rule tables, messages) parsed once per version of each
file: the parse is kept as JSON in the user's cache folder and used only while the YAML is, byte for byte,
the one it was made from (its sha256 is in the cache file's name and inside it). JSON reads fifty times
faster than libyaml parses, and a run that finds its cache never imports yaml.

The folder: PIA_DIFF_CACHE if set ("off" for none), else the platform's cache folder (XDG_CACHE_HOME or
~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows), in a `pia-diff` folder. A cache
that cannot be read or written is passed over: the YAML is parsed as it always was."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ENVIRONMENT = "PIA_DIFF_CACHE"
FORMAT = 1  # the layout of a cache file; another layout is not read
_OFF = {"", "0", "off", "no", "false"}
_NOTHING = object()


def cache_folder(
    environ: Mapping[str, str] = os.environ, system: str = sys.platform, home: Callable[[], str] | None = None
) -> Path | None:
    """Where cache files go (see the module's docstring); None when there is nowhere."""
    configured = environ.get(ENVIRONMENT)
    if configured is not None:
        return None if configured.strip().lower() in _OFF else Path(configured)
    try:
        if system == "win32":
            base = environ.get("LOCALAPPDATA")
            return Path(base, "pia-diff", "cache") if base else None
        user_home = home() if home is not None else os.path.expanduser("~")
        if not os.path.isabs(user_home):
            return None  # no home folder known (expanduser gives '~' back)
        if system == "darwin":
            return Path(user_home, "Library", "Caches", "pia-diff")
        base = environ.get("XDG_CACHE_HOME") or os.path.join(user_home, ".cache")
        return Path(base, "pia-diff")
    except (OSError, RuntimeError, KeyError):  # no home folder at all
        return None


def load_yaml(raw: bytes, name: str, folder: Path | None = None) -> Any:
    """The data of a packaged YAML file's bytes: from the cache when it holds this very version, else
    parsed (with libyaml where it is installed) and cached for the next run."""
    digest = hashlib.sha256(raw).hexdigest()
    folder = folder if folder is not None else cache_folder()
    target = folder / f"{name}.{digest[:16]}.json" if folder is not None else None
    if target is not None:
        cached = _read(target, name, digest)
        if cached is not _NOTHING:
            return cached
    data = parse_yaml(raw)
    if target is not None:
        _write(target, name, digest, data)
    return data


def parse_yaml(raw: bytes) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(raw.decode("utf-8"), Loader=loader)  # a safe loader, packaged data


def _read(target: Path, name: str, digest: str) -> Any:
    """The cached data, or _NOTHING when there is no cache of this version (or it cannot be read)."""
    try:
        payload = json.loads(target.read_bytes())
    except (OSError, ValueError):
        return _NOTHING
    if (
        not isinstance(payload, dict)
        or payload.get("format") != FORMAT
        or payload.get("source") != name
        or payload.get("sha256") != digest
        or "data" not in payload
    ):
        return _NOTHING
    return payload["data"]


def _write(target: Path, name: str, digest: str, data: Any) -> None:
    """Cache data that JSON gives back exactly (not YAML's dates, nor keys that are no text); written
    whole to a temporary file and renamed, so that a reader never sees half of it."""
    payload = {"format": FORMAT, "source": name, "sha256": digest, "data": data}
    try:
        text = json.dumps(payload, ensure_ascii=True, allow_nan=False)
        if json.loads(text) != payload:
            return
    except (TypeError, ValueError, RecursionError):
        return
    temporary: str | None = None
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
        os.replace(temporary, target)
        temporary = None
    if temporary is not None:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
