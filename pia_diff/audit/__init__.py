"""Auditing a published 別添2: each row resolved to an item (`resolve`), its 提出時期 re-derived and
the table checked against the real differences (`published`), the しきい値 and time rules
(`threshold`), a folder of documents at once (`batch`); what an audit says (`findings`).

`pia_diff.audit.audit` is the call (a document in, an `Audit` out)."""

from .published import Audit, audit

__all__ = ["Audit", "audit"]
