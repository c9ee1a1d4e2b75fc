"""Auditing a published 別添2: each row resolved to an item (`resolve`), its 提出時期 re-derived and
the table checked against the real differences (`published`), the しきい値 and time rules
(`threshold`), a folder of documents at once (`batch`); what an audit says (`findings`).

`pia_diff.audit.audit` is the call (a document in, an `Audit` out)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .published import Audit, audit

__all__ = ["Audit", "audit"]


def __getattr__(name: str) -> Any:
    """`audit` and `Audit`, imported when first asked for: a comparison uses this package's しきい値
    checks (`threshold`) without loading the audit itself."""
    if name in __all__:
        from . import published

        return getattr(published, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
