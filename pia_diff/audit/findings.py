"""What an audit says: a finding (severity, code, message) and a row's verdict, as closed vocabularies.

Attribute names follow one rule across the package: a Japanese attribute name (項目, 変更前の記載, …)
is exactly the JSON key and the 別添2 column it is written to; English names are the program's own."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """A finding's severity; the JSON value and the Japanese word people read."""

    ERROR = "error"  # 要対応
    WARNING = "warning"  # 警告
    INFO = "info"  # 参考

    @property
    def word(self) -> str:
        return {Severity.ERROR: "要対応", Severity.WARNING: "警告", Severity.INFO: "参考"}[self]


class Verdict(StrEnum):
    """An audited 別添2 row against the rules."""

    CONSISTENT = "一致"
    STAR_AFTER_NAMED = "※項目を事後で提出 (例外の区分に当たる理由あり)"
    STAR_AFTER_UNNAMED = "※項目を事後で提出 (例外の区分に当たる理由なし)"
    PLAIN_BEFORE = "※でない項目を事前で提出 (問題なし)"
    UNRESOLVED = "項目を特定できない"
    NO_TIMING = "提出時期の記載がない"


@dataclass(frozen=True)
class Finding:
    level: Severity
    code: str
    message: str
    項目: str | None = None
    line: int | str | None = None  # the 別添2 row's source line (or sheet!row), for findings about one row
