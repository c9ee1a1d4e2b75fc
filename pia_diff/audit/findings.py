"""What an audit says: a finding (code, parameters, the row it is about) whose level and sentence come
from the message catalogue (data/messages.yaml), and a published row's verdict.

Attribute names follow one rule across the package: a Japanese attribute name (項目, 変更前の記載, …)
is exactly the JSON key and the 別添2 column it is written to; English names are the program's own."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Any

from pia_diff.forms import load_data

MESSAGES_FILE = "messages.yaml"


class Severity(StrEnum):
    """A finding's severity; the JSON value and the Japanese word people read."""

    ERROR = "error"  # 要対応
    WARNING = "warning"  # 警告
    INFO = "info"  # 参考

    @property
    def word(self) -> str:
        return {Severity.ERROR: "要対応", Severity.WARNING: "警告", Severity.INFO: "参考"}[self]


class FindingCode(StrEnum):
    """Every finding an audit can make (each has its level and sentence in data/messages.yaml)."""

    UNRESOLVED = "unresolved"
    NO_TIMING = "no-timing"
    PLAIN_FILED_BEFORE = "plain-filed-before"
    STAR_AFTER_EXEMPTION = "star-after-exemption"
    STAR_AFTER_UNEXPLAINED = "star-after-unexplained"
    HISTORY_UNREADABLE = "history-unreadable"
    HISTORY_NO_DATE = "history-no-date"
    HISTORY_BAD_DATE = "history-bad-date"
    HISTORY_NO_ITEM = "history-no-item"
    DATE_AFTER_PUBLICATION = "date-after-publication"
    CHANGE_WITHOUT_ROW = "change-without-row"
    ROW_ITEM_NOT_FOUND = "row-item-not-found"
    ROW_UNVERIFIABLE = "row-unverifiable"
    ROW_WITHOUT_CHANGE = "row-without-change"
    AFTER_TEXT_MISMATCH = "after-text-mismatch"
    THRESHOLD_UNKNOWN = "threshold-unknown"
    THRESHOLD_HEAVIER = "threshold-heavier"
    THRESHOLD_MAY_BE_HEAVIER = "threshold-may-be-heavier"
    INCIDENT_RECORDED = "incident-recorded"
    BAND_MOVED = "band-moved"
    THRESHOLD_INPUTS_CHANGED = "threshold-inputs-changed"
    REASSESSMENT_OVERDUE = "reassessment-overdue"
    REASSESSMENT_DUE = "reassessment-due"


@dataclass(frozen=True)
class Message:
    level: Severity
    text: str


class MessageError(ValueError):
    pass


def parse_messages(data: Any) -> dict[FindingCode, Message]:
    raw = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        raise MessageError(f"{MESSAGES_FILE}: a 'findings' mapping is needed")
    messages = {FindingCode(code): Message(Severity(entry["level"]), str(entry["text"])) for code, entry in raw.items()}
    missing = set(FindingCode) - set(messages)
    if missing:
        raise MessageError(f"{MESSAGES_FILE}: no message for {sorted(missing)}")
    return messages


@cache
def messages() -> dict[FindingCode, Message]:
    """The packaged message catalogue, read once."""
    return parse_messages(load_data(MESSAGES_FILE))


@dataclass(frozen=True)
class Finding:
    """One thing an audit says: its code, the values its sentence names, the 項目 and the published
    row's source line it concerns. Its level is the catalogue's unless the finding sets its own
    (a band move is an error only when it may need a heavier assessment)."""

    code: FindingCode
    params: dict[str, Any] = field(default_factory=dict)
    項目: str | None = None
    line: int | str | None = None  # the 別添2 row's source line (or sheet!row), for findings about one row
    severity: Severity | None = None

    @property
    def level(self) -> Severity:
        return self.severity or messages()[self.code].level

    @property
    def message(self) -> str:
        where = f"{self.line}行目: " if self.line is not None else ""
        return messages()[self.code].text.format(where=where, **self.params)

    def as_json(self) -> dict[str, Any]:
        return {
            "level": str(self.level),
            "code": str(self.code),
            "message": self.message,
            "項目": self.項目,
            "parameters": {key: str(value) for key, value in self.params.items()},
        }


class Verdict(StrEnum):
    """An audited 別添2 row against the rules."""

    CONSISTENT = "一致"
    STAR_AFTER_NAMED = "※項目を事後で提出 (例外の区分に当たる理由あり)"
    STAR_AFTER_UNNAMED = "※項目を事後で提出 (例外の区分に当たる理由なし)"
    PLAIN_BEFORE = "※でない項目を事前で提出 (問題なし)"
    UNRESOLVED = "項目を特定できない"
    NO_TIMING = "提出時期の記載がない"
