"""Auditing a published 別添2: each row resolved to an item, its 提出時期 re-derived, the table checked
against the real differences, and the しきい値 and time rules (`threshold`); `batch` audits a folder."""
