"""The release gate's message (`check`), built in the library: each blocker named with what to do."""

from __future__ import annotations

from pia_diff.audit.findings import Finding, Severity
from pia_diff.compare.gaps import Gap
from pia_diff.report.gate import release_text


def test_nothing_blocks() -> None:
    may_file, text = release_text(3, [], [], [])
    assert may_file
    assert text.startswith("提出できます: 変更 3 件")


def test_an_unread_part_blocks_and_is_named() -> None:
    gap = Gap("新しい版", "new.txt", "II ファイルの概要", "見出しが見つかりません。")
    may_file, text = release_text(0, [], [gap], [])
    assert not may_file
    lines = text.splitlines()
    assert lines[0] == "まだ提出できません。"
    assert lines[1] == "確認できない部分があります (1 件)。読み取れなかった箇所を原本で確認してください:"
    assert lines[2] == "  - 新しい版 (new.txt) の II ファイルの概要: 見出しが見つかりません。"
    assert "判断ファイル" not in text  # no decision problem was given


def test_an_audit_error_blocks_with_its_item() -> None:
    finding = Finding(Severity.ERROR, "star-after", "※項目の変更が事後で提出されています。", "④再委託の有無")
    may_file, text = release_text(1, [], [], [finding])
    assert not may_file
    assert "新しい版の別添2 に要対応の指摘が 1 件あります:" in text
    assert "  - ※項目の変更が事後で提出されています。 [④再委託の有無]" in text.splitlines()
