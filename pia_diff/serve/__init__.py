"""The local web page (`pia-diff serve`): the main job and the audit for people who do not use a terminal.

`server` starts it, `app` holds the routes (the only place that knows Starlette), `uploads` reads a
posted form into memory within limits, `store` keeps a page's two documents in memory under a token,
`job` calls the library on bytes, `judgements` writes a person's decisions as a decisions file, and
`pages` renders the templates. Imported only when `serve` runs: the web framework stays out of `--help`.
"""

from .server import run

__all__ = ["run"]
