"""`serve`: the local web page for people who never open a terminal (the web framework imported only here, when it runs)."""

from __future__ import annotations

from typing import Annotated

import typer

from pia_diff.errors import InputError

from .common import app, fail
from .japanese import _Command


@app.command(cls=_Command)
def serve(
    host: Annotated[str, typer.Option("--host", help="待ち受けるアドレス (0.0.0.0 でほかの PC からも)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="待ち受けるポート (0 = 空いている番号)", min=0, max=65535)] = 8000,
) -> None:
    """ブラウザで使うページを始めます (比較・判断・Excel の書き出し・監査)。既定ではこの PC からだけ開けます。"""
    from pia_diff.lean import lean_import
    from pia_diff.serve import run

    # imported before the page's threads start: a lean import hides numpy and pandas from the whole
    # process for the moment it takes, which another thread importing them must not run into
    for library in ("deepdiff", "openpyxl"):
        lean_import(library)
    try:
        run(host, port, typer.echo)
    except InputError as exc:
        fail(exc)
