"""Shared fixtures: the sample documents (copied into tests/data) and the golden-file switch."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEEDS = DATA / "seeds"
RULES = DATA / "domain" / "RULES.md"
CASES = Path(__file__).resolve().parent / "cases"


def seed(prefix: str) -> Path:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    assert found, f"sample {prefix} not found in {SEEDS}"
    return found[0]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite golden files from the program's output (review them by eye before committing)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def check_golden(golden: Path, found: Any, update: bool) -> None:
    """Compare with a reviewed golden file; --update-golden rewrites it (review it before committing)."""
    if update:
        golden.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert found == json.loads(golden.read_text(encoding="utf-8"))
