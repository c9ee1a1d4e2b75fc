"""Module boundaries of DESIGN.md: one module owns each heavy dependency; nothing imports cli."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pia_diff"
OWNERS = {
    "deepdiff": {"diff.py"},
    "openpyxl": {"excel.py", "export.py", "workbook.py"},
    "pdfplumber": {"pdf.py"},
    "pdfminer": {"pdf.py"},
    "typer": {"cli.py"},
    "click": set(),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(("." if node.level else "") + node.module.split(".")[0])
    return names


MODULES = sorted(PACKAGE.glob("*.py"))


@pytest.mark.parametrize("module", MODULES, ids=[m.name for m in MODULES])
def test_heavy_dependencies_stay_in_their_module(module: Path) -> None:
    imported = _imports(module)
    for library, owners in OWNERS.items():
        if library in imported:
            assert module.name in owners, f"{module.name} imports {library}"
    if module.name not in ("cli.py", "__main__.py"):
        assert ".cli" not in imported, f"{module.name} imports cli"


def test_every_module_says_what_it_owns() -> None:
    for module in MODULES:
        doc = ast.get_docstring(ast.parse(module.read_text(encoding="utf-8")))
        assert doc, f"{module.name} has no docstring"
