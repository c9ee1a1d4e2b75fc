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
    "pia_diff.ingest.pdf",  # the PDF reader and its child process machinery: for a PDF only
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
    # deepdiff imports these itself when they are installed; the command's process hides them from it
    assert not loaded & (NEVER | {"yaml", "numpy", "polars"})


def test_a_workbook_written_or_read_imports_no_dataframe_library(tmp_path: Path) -> None:
    """openpyxl imports numpy (~75 ms) only to take numpy numbers as cell values: the command's process
    imports it without (pia_diff.lean), writing the 別添2 workbook and reading one."""
    edited = tmp_path / "edited.txt"
    edited.write_text(NEW.read_text(encoding="utf-8").replace("課長", "部長", 1), encoding="utf-8")
    loaded = modules_after(tmp_path, "diff", str(NEW), str(edited), "-o", "out.xlsx")
    assert (tmp_path / "out.xlsx").exists()
    assert "openpyxl" in loaded
    assert not loaded & {"numpy", "pandas", "polars"}
    loaded = modules_after(tmp_path, "diff", str(NEW), "out.xlsx", "--format", "json")
    assert "openpyxl" in loaded
    assert not loaded & {"numpy", "pandas", "polars"}


def test_a_folder_summary_after_a_lean_openpyxl_keeps_its_numbers(tmp_path: Path) -> None:
    """The folder audit reads a workbook (openpyxl imported without numpy), then pandas writes the
    summary through that openpyxl: its counts are numbers in Excel, not refused numpy values."""
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_bytes(NEW.read_bytes())
    subprocess.run(
        [sys.executable, "-m", "pia_diff", "export", str(NEW), "-o", str(folder / "b.xlsx")], check=True, cwd=tmp_path
    )
    modules_after(tmp_path, "audit", str(folder), "--workers", "1", "-o", "summary.xlsx", "-q")
    import openpyxl

    sheet = openpyxl.load_workbook(tmp_path / "summary.xlsx").worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[0] for row in rows] == ["a.txt", "b.xlsx"]
    counts = [value for row in rows for value in row[2:7]]
    assert counts and all(isinstance(value, int) for value in counts)
    assert rows[0][2:7] == rows[1][2:7]  # the text and its workbook: the same document


def run_python(tmp_path: Path, code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=tmp_path, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    return done.stdout.decode("utf-8")


def test_the_hidden_libraries_stay_importable_after_the_engine_is_imported(tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    code = (
        "import sys\n"
        "from pia_diff.compare.engine import deepdiff_class\n"
        "from pia_diff.lean import without_dataframes\n"
        "without_dataframes()\n"
        "engine = deepdiff_class()\n"
        "print('pandas' in sys.modules, engine({'a': ['x']}, {'a': ['y']}) != {})\n"
        "import pandas\n"
        "print(pandas.DataFrame({'a': [1]}).shape)\n"
    )
    assert run_python(tmp_path, code).split("\n")[:2] == ["False True", "(1, 1)"]


def test_a_library_users_deepdiff_is_left_as_deepdiff_makes_it(tmp_path: Path) -> None:
    """Only the command line hides the dataframe libraries: `import pia_diff` in someone's program does
    not change what their own DeepDiff can hash."""
    pytest.importorskip("pandas")
    edited = tmp_path / "edited.txt"
    edited.write_text(NEW.read_text(encoding="utf-8").replace("課長", "部長", 1), encoding="utf-8")
    code = (
        "import pia_diff, deepdiff.deephash\n"
        f"result = pia_diff.compare({str(NEW)!r}, {str(edited)!r}, date='2026-01-15')\n"
        "print(len(result.rows) > 0, deepdiff.deephash.pandas is not False)\n"
    )
    assert run_python(tmp_path, code).strip() == "True True"
