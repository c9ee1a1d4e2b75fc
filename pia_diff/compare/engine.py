"""The field-level comparison engine, DeepDiff (the design's choice), imported once, on first use.

deepdiff imports numpy, pandas and polars whenever they are installed, to hash the arrays and
DataFrames it may be given: 250–350 ms on this project's machine, most of a `diff`'s run, since
pandas is installed for the library's DataFrames and the folder summary. The comparison gives it
strings, lists and dictionaries only. The command line owns its process and asks for the engine
without them (`without_dataframes()`); a library user's process is left as deepdiff would make it."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from deepdiff import DeepDiff

# Libraries deepdiff imports only to recognise their types (deepdiff.helper, deepdiff.deephash).
DATAFRAME_LIBRARIES = ("numpy", "pandas", "polars")
_lean = [False]


def without_dataframes() -> None:
    """Import deepdiff, when it is first needed, without the dataframe libraries: for a process that
    never gives it an array or a DataFrame (the command line's). They stay importable afterwards."""
    _lean[0] = True


def deepdiff_class() -> type[DeepDiff]:
    """The DeepDiff class, imported as `without_dataframes` asked."""
    if not _lean[0] or "deepdiff" in sys.modules:
        from deepdiff import DeepDiff

        return DeepDiff
    # The import system raises ImportError for a name whose sys.modules entry is None; deepdiff
    # catches it and goes on without that library. The entries are removed again at once.
    hidden = [name for name in DATAFRAME_LIBRARIES if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        from deepdiff import DeepDiff
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return DeepDiff
