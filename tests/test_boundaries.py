"""Module boundaries: the pipeline as folders (ingest → compare → audit → report), one module owns
each heavy dependency, renderers stand alone, nothing imports cli."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pia_diff"
OWNERS = {
    "openpyxl": {
        "pia_diff.report.excel",
        "pia_diff.report.export",
        "pia_diff.report.sheets",
        "pia_diff.report.into",
        "pia_diff.ingest.workbook",
    },
    # pdfium runs in a child process (pdfium.py as a script); nothing else touches a PDF library
    "pypdfium2": {"pia_diff.ingest.pdfium"},
    "pypdfium2_raw": {"pia_diff.ingest.pdfium"},
    "pdfplumber": set(),
    "pdfminer": set(),
    "typer": {"pia_diff.cli.*"},  # the command line's package, and nothing else
    "rich": {"pia_diff.cli.progress"},  # typer's own, for the folder audit's progress bar
    "pandas": {"pia_diff.report.frame"},  # DataFrames and the folder audit's summary
    "click": set(),
    "deepdiff": {"pia_diff.compare.engine"},  # the field-level engine (issue 19), imported once (issue 20)
    # the web page: the framework in its app, the server in its start-up, forms and templates in theirs
    "starlette": {"pia_diff.serve.app"},
    "uvicorn": {"pia_diff.serve.server"},
    "python_multipart": {"pia_diff.serve.uploads"},
    "multipart": set(),
    "jinja2": {"pia_diff.serve.pages"},
}
# What each layer may import besides itself and the shared model at the package's top level
# ("core"): each stage reads what came before it, never what comes after; only __main__ imports cli.
LAYERS = {
    "core": set(),
    "ingest": set(),
    "compare": {"ingest"},
    "audit": {"ingest", "compare"},
    "report": {"compare", "audit"},
    "pipeline": {"ingest", "compare", "audit", "report"},
    # the library's front door: its calls, and the results they give
    "results": {"ingest", "compare", "audit", "report", "pipeline"},
    "api": {"ingest", "compare", "audit", "report", "pipeline", "results"},
    # the package module itself re-exports the front door (imported on first use)
    "front": {"api"},
    "serve": {"ingest", "compare", "audit", "report", "pipeline"},
    "cli": {"ingest", "compare", "audit", "report", "pipeline", "serve", "api", "results"},
    "__main__": {"cli"},
}
SUBPACKAGES = ("ingest", "compare", "audit", "report", "serve")
# Shared by the renderers; a renderer imports these, never another renderer.
RENDER_HELPERS = {
    "pia_diff.report.cells",
    "pia_diff.report.layout",
    "pia_diff.report.sheets",
    "pia_diff.report.history_table",
}


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module(target: str) -> str:
    """The package module a dotted import target lies in (pia_diff.compare.classify.Row → …classify)."""
    parts = target.split(".")
    return ".".join(parts[:3] if len(parts) > 1 and parts[1] in SUBPACKAGES else parts[:2])


def _layer(target: str) -> str:
    parts = target.split(".")
    if len(parts) == 1:
        return "core"  # the package itself
    if parts[1] in SUBPACKAGES or parts[1] in LAYERS:
        return parts[1]
    return "core"


def _imports(name: str, source: str, is_package: bool = False) -> tuple[set[str], set[str]]:
    """(third-party top-level names, pia_diff targets) a module imports, deferred and TYPE_CHECKING
    imports included; `from X import a` gives the target X.a, so `from pia_diff import cli` is seen."""
    package = name if is_package else name.rpartition(".")[0]
    outside: set[str] = set()
    inside: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                (inside if alias.name.split(".")[0] == "pia_diff" else outside).add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            if base.split(".")[0] == "pia_diff":
                inside |= {f"{base}.{alias.name}" for alias in node.names}
            else:
                outside.add(base)
    return {m.split(".")[0] for m in outside}, inside


def _owns(name: str, owners: set[str]) -> bool:
    """A module among the owners (a name ending in .* stands for every module of that package)."""
    return any(name == o or (o.endswith(".*") and (name == o[:-2] or name.startswith(o[:-1]))) for o in owners)


def _problems(name: str, source: str, is_package: bool = False) -> list[str]:
    """Every boundary a module's source crosses."""
    outside, inside = _imports(name, source, is_package)
    layer = "front" if name == "pia_diff" else _layer(name)
    problems = [f"{name} imports {lib}" for lib, owners in OWNERS.items() if lib in outside and not _owns(name, owners)]
    for target in sorted(inside):
        other = _layer(target)
        if other not in ("core", layer) and other not in LAYERS[layer]:
            problems.append(f"{name} ({layer}) imports {target} ({other})")
        module = _module(target)
        if layer == "report" and other == "report" and module not in (name, "pia_diff.report", *RENDER_HELPERS):
            problems.append(f"renderer {name} imports renderer {module}")
    return problems


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "data" not in p.relative_to(PACKAGE).parts)


def test_the_walk_sees_every_subpackage() -> None:
    seen = {_layer(_name(m)) for m in MODULES}
    assert set(SUBPACKAGES) <= seen
    assert len(MODULES) > 40


@pytest.mark.parametrize("module", MODULES, ids=[str(m.relative_to(PACKAGE)) for m in MODULES])
def test_each_module_keeps_to_its_stage(module: Path) -> None:
    source = module.read_text(encoding="utf-8")
    assert _problems(_name(module), source, module.name == "__init__.py") == []


@pytest.mark.parametrize(
    ("name", "source", "problem"),
    [
        ("pia_diff.report.rows", "def f():\n    from pia_diff.report.excel import workbook_bytes\n", "renderer"),
        ("pia_diff.report.rows", "from .excel import SHEET\n", "renderer"),
        ("pia_diff.report.rows", "from . import excel\n", "renderer"),
        ("pia_diff.ingest.cursor", "from .. import report\n", "(report)"),
        ("pia_diff.ingest.cursor", "from pia_diff import pipeline\n", "(pipeline)"),
        ("pia_diff.ingest.cursor", "import pia_diff.compare.diff\n", "(compare)"),
        (
            "pia_diff.compare.diff",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..audit import x\n",
            "(audit)",
        ),
        ("pia_diff.audit.batch", "from pia_diff.report.listing import folder_table\n", "(report)"),
        ("pia_diff.snapshot", "from pia_diff.compare.rules import Timing\n", "(compare)"),
        ("pia_diff.report.excel", "from pia_diff import cli\n", "(cli)"),
        ("pia_diff.compare.pairing", "import deepdiff\n", "imports deepdiff"),
        ("pia_diff.report.rows", "import openpyxl\n", "imports openpyxl"),
        ("pia_diff.cli", "def f():\n    import uvicorn\n", "imports uvicorn"),
        ("pia_diff.report.excel", "from starlette.responses import Response\n", "imports starlette"),
        ("pia_diff.serve.job", "import jinja2\n", "imports jinja2"),
        ("pia_diff.pipeline", "from pia_diff.serve import run\n", "(serve)"),
        ("pia_diff.report.rows", "import typer\n", "imports typer"),
        ("pia_diff.clip", "import typer\n", "imports typer"),
        ("pia_diff.results", "def f():\n    import pandas\n", "imports pandas"),
        ("pia_diff.cli.audit", "def f():\n    import rich.progress\n", "imports rich"),
        ("pia_diff.api", "from pia_diff.cli import app\n", "(cli)"),
        ("pia_diff.pipeline", "from pia_diff import api\n", "(api)"),
        ("pia_diff", "from pia_diff.cli import main\n", "(cli)"),
    ],
)
def test_the_checks_catch_a_crossing(name: str, source: str, problem: str) -> None:
    found = _problems(name, source)
    assert found and all(problem in p for p in found), found


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("pia_diff.report.rows", "from . import cells\nfrom .cells import shorten\n"),
        ("pia_diff.report.excel", "from pia_diff.compare.classify import Row\nfrom pia_diff.snapshot import Path\n"),
        ("pia_diff.compare.decisions", "from pia_diff.ingest import read_input\n"),
        ("pia_diff.__main__", "from .cli import main\n"),
        ("pia_diff.cli", "def f():\n    from .serve import run\n"),
        ("pia_diff.cli.diff", "import typer\nfrom pia_diff.api import compare\n"),
        ("pia_diff.report.frame", "def f():\n    import pandas\n"),
        ("pia_diff", "def f():\n    from pia_diff import api\n"),
        ("pia_diff.serve.app", "from starlette.routing import Route\nfrom pia_diff.pipeline import remarks\n"),
    ],
)
def test_the_checks_let_allowed_imports_pass(name: str, source: str) -> None:
    assert _problems(name, source) == []


def test_every_module_says_what_it_owns() -> None:
    for module in MODULES:
        doc = ast.get_docstring(ast.parse(module.read_text(encoding="utf-8")))
        assert doc, f"{module.relative_to(PACKAGE)} has no docstring"
