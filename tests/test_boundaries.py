"""Module boundaries of DESIGN.md: the pipeline as folders (ingest → compare → audit → report), one
module owns each heavy dependency, renderers stand alone, nothing imports cli."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pia_diff"
OWNERS = {
    "openpyxl": {"report/excel.py", "report/export.py", "ingest/workbook.py"},
    "pdfplumber": {"ingest/pdf.py"},
    "pdfminer": {"ingest/pdf.py"},
    "typer": {"cli.py"},
    "click": set(),
    "deepdiff": set(),  # the benchmark's baseline only
}
# What each layer may import (besides itself and the shared model at the package's top level).
# Each stage reads what came before it, never what comes after.
LAYERS = {
    "core": set(),
    "ingest": set(),
    "compare": {"ingest"},
    "audit": {"ingest", "compare"},
    "report": {"compare", "audit"},
    "pipeline": {"ingest", "compare", "audit"},
    "agreement": {"ingest", "compare", "pipeline"},
    "cli": {"ingest", "compare", "audit", "report", "pipeline"},
    "__main__": {"cli"},
}
SUBPACKAGES = ("ingest", "compare", "audit", "report")
# Shared by the renderers; a renderer imports these, never another renderer.
RENDER_HELPERS = {"pia_diff.report.cells"}


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "core"  # the package itself
    if len(parts) > 2 or parts[1] in SUBPACKAGES:
        return parts[1]
    return parts[1] if parts[1] in LAYERS else "core"


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """(third-party top-level names, pia_diff modules) that a module imports, deferred imports included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _name(path) if path.name == "__init__.py" else _name(path).rpartition(".")[0]
    outside: set[str] = set()
    inside: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                (inside if alias.name.startswith("pia_diff") else outside).add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module.startswith("pia_diff"):
                inside.add(module)
            else:
                outside.add(module)
    return {m.split(".")[0] for m in outside}, {m for m in inside if m != "pia_diff"}


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "data" not in p.relative_to(PACKAGE).parts)


def test_the_walk_sees_every_subpackage() -> None:
    seen = {_layer(_name(m)) for m in MODULES}
    assert set(SUBPACKAGES) <= seen
    assert len(MODULES) > 40


@pytest.mark.parametrize("module", MODULES, ids=[str(m.relative_to(PACKAGE)) for m in MODULES])
def test_heavy_dependencies_stay_in_their_module(module: Path) -> None:
    imported, _ = _imports(module)
    where = module.relative_to(PACKAGE).as_posix()
    for library, owners in OWNERS.items():
        if library in imported:
            assert where in owners, f"{where} imports {library}"


@pytest.mark.parametrize("module", MODULES, ids=[str(m.relative_to(PACKAGE)) for m in MODULES])
def test_each_stage_imports_only_what_comes_before_it(module: Path) -> None:
    name = _name(module)
    layer = _layer(name)
    _, imported = _imports(module)
    for target in imported:
        other = _layer(target)
        if other in ("core", layer):
            continue
        assert other in LAYERS[layer], f"{name} ({layer}) imports {target} ({other})"


@pytest.mark.parametrize("module", [m for m in MODULES if _layer(_name(m)) == "report"], ids=lambda m: m.name)
def test_renderers_do_not_import_each_other(module: Path) -> None:
    name = _name(module)
    _, imported = _imports(module)
    others = {t for t in imported if _layer(t) == "report" and t not in RENDER_HELPERS and t != name}
    if name != "pia_diff.report":
        assert not others, f"{name} imports the renderers {sorted(others)}"


def test_the_layer_check_can_fail() -> None:
    """The checks above see relative imports too: a renderer importing another is caught."""
    sample = PACKAGE / "report" / "rows.py"
    _, imported = _imports(sample)
    assert "pia_diff.compare.classify" in imported  # `from pia_diff.compare.classify import Row`
    assert _layer("pia_diff.report.excel") == "report"
    assert _layer("pia_diff.snapshot") == "core"
    assert _layer("pia_diff.pipeline") == "pipeline"


def test_every_module_says_what_it_owns() -> None:
    for module in MODULES:
        doc = ast.get_docstring(ast.parse(module.read_text(encoding="utf-8")))
        assert doc, f"{module.relative_to(PACKAGE)} has no docstring"
