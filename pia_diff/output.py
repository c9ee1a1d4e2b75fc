"""Writing files safely: kept for its importers; the code lives in pia_diff.fileio."""

from __future__ import annotations

from .fileio import check_distinct, check_target, json_text, write_atomic

__all__ = ["check_distinct", "check_target", "json_text", "write_atomic"]
