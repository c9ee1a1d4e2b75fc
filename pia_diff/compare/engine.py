"""The field-level comparison engine, DeepDiff (the design's choice), imported once, on first use:
without the dataframe libraries where the command line asked for that (pia_diff.lean)."""

from __future__ import annotations

from pia_diff.lean import lean_import

TYPE_CHECKING = False
if TYPE_CHECKING:
    from deepdiff import DeepDiff

__all__ = ["deepdiff_class"]


def deepdiff_class() -> type[DeepDiff]:
    """The DeepDiff class, imported as `without_dataframes` asked."""
    lean_import("deepdiff")
    from deepdiff import DeepDiff

    return DeepDiff
