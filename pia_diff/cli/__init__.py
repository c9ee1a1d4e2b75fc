"""The command line: a thin typer layer over the library (pia_diff.api) that prints what the library
words and maps its outcomes to exit codes. `common` holds the app and what the commands share,
`japanese` the Japanese help and usage errors, one module per command or group of commands, `main`
the entry point (`pia-diff`, `python -m pia_diff`, `python cli.py`)."""

from __future__ import annotations

# isort: off
# each module registers its commands on import: the help lists them in this order
from . import documents, diff, check, audit, serve  # noqa: F401

# isort: on
from .common import app
from .japanese import japanese_help, usage_message
from .main import internal_error, main

__all__ = ["app", "internal_error", "japanese_help", "main", "usage_message"]
