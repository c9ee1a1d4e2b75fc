"""Libraries the command line imports without the dataframe libraries they load only to recognise
those libraries' types: deepdiff (to hash the arrays and DataFrames it may be given) and openpyxl (to
take numpy numbers as cell values). numpy alone costs ~75 ms a run, pandas ~250 ms; pandas is installed
for the library's DataFrames and the folder summary. The command line owns its process and asks for
them lean (`without_dataframes()`); a library user's process is left as the libraries would make it.

A library imported lean stays so: openpyxl without numpy takes no numpy number as a cell value, which
the command line never gives it (pandas, where the folder summary uses it, hands openpyxl Python
numbers)."""

from __future__ import annotations

import importlib
import sys

# Libraries imported only to recognise their types (deepdiff.helper, deepdiff.deephash, openpyxl.compat).
DATAFRAME_LIBRARIES = ("numpy", "pandas", "polars")
_lean = [False]


def without_dataframes() -> None:
    """Import deepdiff and openpyxl, when they are first needed, without the dataframe libraries: for a
    process that never gives them an array or a DataFrame (the command line's). The dataframe libraries
    stay importable afterwards."""
    _lean[0] = True


def lean_import(name: str) -> None:
    """Import module `name` if it is not yet, as `without_dataframes` asked."""
    if name in sys.modules:
        return
    if not _lean[0]:
        importlib.import_module(name)
        return
    # The import system raises ImportError for a name whose sys.modules entry is None; deepdiff and
    # openpyxl catch it and go on without that library. The entries are removed again at once.
    hidden = [library for library in DATAFRAME_LIBRARIES if library not in sys.modules]
    for library in hidden:
        sys.modules[library] = None  # type: ignore[assignment]
    try:
        importlib.import_module(name)
    finally:
        for library in hidden:
            if library in sys.modules and sys.modules[library] is None:
                del sys.modules[library]
