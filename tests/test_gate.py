"""The release gate's message (`check`), built in the library: each blocker named with what to do."""

from __future__ import annotations

from pia_diff.audit.findings import Finding, FindingCode
from pia_diff.audit.gate import Release
from pia_diff.compare.gaps import Gap
from pia_diff.report.gate import release_text


def _text(release: Release) -> tuple[bool, str]:
    return release.may_file, release_text(release)


def test_nothing_blocks() -> None:
    may_file, text = _text(Release(3, [], [], [], []))
    assert may_file
    assert text.startswith("提出できます: 変更 3 件")


def test_an_unread_part_blocks_and_is_named() -> None:
    gap = Gap("新しい版", "new.txt", "II ファイルの概要", "見出しが見つかりません。")
    may_file, text = _text(Release(0, [], [], [gap], []))
    assert not may_file
    lines = text.splitlines()
    assert lines[0] == "まだ提出できません。"
    assert lines[1] == "確認できない部分があります (1 件)。読み取れなかった箇所を原本で確認してください:"
    assert lines[2] == "  - 新しい版 (new.txt) の II ファイルの概要: 見出しが見つかりません。"
    assert "判断ファイル" not in text  # no decision problem was given


def test_an_audit_error_blocks_with_its_item() -> None:
    finding = Finding(FindingCode.STAR_AFTER_UNEXPLAINED, {}, "④再委託の有無", 222)
    may_file, text = _text(Release(1, [], [], [], [finding]))
    assert not may_file
    assert "新しい版の別添2 に要対応の指摘が 1 件あります:" in text
    sentence = "222行目: ※項目 (重要な変更) を事後で提出していますが、説明が例外の区分に当たりません。"
    assert f"  - {sentence} [④再委託の有無]" in text.splitlines()


def test_audit_warnings_on_the_new_version_are_reported_without_blocking() -> None:
    """Issue 18 §3: the new version's audit warnings reach `check` (e.g. a row dated after 公表日)."""
    warning = Finding(FindingCode.DATE_AFTER_PUBLICATION, {}, "①部署", 240)
    may_file, text = _text(Release(1, [], [], [], [], [warning]))
    assert may_file and text.startswith("提出できます")
    assert "新しい版の別添2 への警告 (1 件、提出は止めません):" in text
    assert "  - 240行目: 変更日が公表日より後です。 [①部署]" in text.splitlines()
