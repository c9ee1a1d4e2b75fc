"""What a command imports (issue 20): `--help` and `diff` load no heavy library they do not use. Each run is
a process of its own, as a user runs the command; its sys.modules is read after the command ends."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from pia_diff.forms import load_data

ROOT = Path(__file__).resolve().parent.parent
NEW = ROOT / "samples" / "asahikawa" / "new.txt"
# libraries no command below needs: the audit's own modules, the Excel writer, the PDF reader, the web page
NEVER = {
    "rapidfuzz",
    "openpyxl",
    "pypdfium2",
    "starlette",
    "uvicorn",
    "jinja2",
    "pandas",
    "pia_diff.audit.published",
    "pia_diff.audit.resolve",
    "pia_diff.audit.gate",
    "pia_diff.serve",
}


def modules_after(tmp_path: Path, *arguments: str) -> set[str]:
    """The modules loaded by the end of `pia-diff ARGUMENTS` run in a process of its own."""
    listing = tmp_path / "modules.json"
    code = (
        "import json, sys\n"
        f"sys.argv = ['pia-diff', *{list(arguments)!r}]\n"
        "from pia_diff.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"open({str(listing)!r}, 'w').write(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=tmp_path, timeout=120, check=False)
    assert listing.exists(), done.stderr.decode("utf-8", "replace")
    return set(json.loads(listing.read_text(encoding="utf-8")))


@pytest.fixture(autouse=True)
def warm_data_cache() -> None:
    """The packaged data's cache made (conftest points it at pytest's cache folder): a first run ever
    parses the YAML, and that one run imports yaml."""
    for name in resources.files("pia_diff.data").iterdir():
        if name.name.endswith(".yaml"):
            load_data(name.name)


def test_help_imports_no_library_it_does_not_use(tmp_path: Path) -> None:
    loaded = modules_after(tmp_path, "--help")
    assert "typer" in loaded
    assert not loaded & (NEVER | {"deepdiff", "yaml", "pydantic", "pia_diff.pipeline", "pia_diff.ingest"})


def test_diff_of_identical_versions_imports_no_diff_engine(tmp_path: Path) -> None:
    same = tmp_path / "same.txt"
    same.write_bytes(NEW.read_bytes())
    loaded = modules_after(tmp_path, "diff", str(NEW), str(same), "--format", "json")
    assert "pia_diff.pipeline" in loaded
    assert not loaded & (NEVER | {"deepdiff", "yaml"})


def test_diff_of_an_edit_imports_deepdiff_and_nothing_else_heavy(tmp_path: Path) -> None:
    edited = tmp_path / "edited.txt"
    edited.write_text(NEW.read_text(encoding="utf-8").replace("課長", "部長", 1), encoding="utf-8")
    loaded = modules_after(tmp_path, "diff", str(NEW), str(edited), "--format", "json")
    assert "deepdiff" in loaded  # the engine, because something differs
    # deepdiff itself imports pandas when it is installed (to hash DataFrames): that one is its own
    assert not loaded & (NEVER | {"yaml"}) - deepdiffs_own(tmp_path)


def deepdiffs_own(tmp_path: Path) -> set[str]:
    """The modules `import deepdiff` loads in a process of its own."""
    listing = tmp_path / "deepdiff.json"
    code = f"import json, sys, deepdiff\nopen({str(listing)!r}, 'w').write(json.dumps(sorted(sys.modules)))\n"
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, timeout=120, check=True)
    return set(json.loads(listing.read_text(encoding="utf-8")))
