"""A terminal table cuts long cells to the column's width: the cut of a 変更前/変更後 pair keeps where
they differ on screen, or a person sees two identical cells (the newcomer's 「…(総…」 for 3階 → 4階)."""

from __future__ import annotations

from pia_diff.report.cells import shorten_pair
from pia_diff.report.rows import rows_table
from pia_diff.text import display_width

from .conftest import ROOT

ADDRESS = "〒070-8525 旭川市7条通9丁目48番地(総合庁舎3階) 旭川市市民生活部地域活動推進課 0166-25-9101"


def test_a_difference_past_the_width_is_brought_on_screen() -> None:
    before, after = shorten_pair(ADDRESS, ADDRESS.replace("3階", "4階"), 30)
    assert before.startswith("…") and after.startswith("…")
    assert "3階" in before and "4階" in after
    assert before.replace("3階", "4階") == after  # both cut at the same place
    assert display_width(before) <= 30 and display_width(after) <= 30


def test_a_difference_within_the_width_is_cut_as_before() -> None:
    before, after = shorten_pair(ADDRESS, ADDRESS.replace("7条通", "6条通"), 30)
    assert before.startswith("〒070-8525") and "7条通" in before and "6条通" in after


def test_a_sentence_appended_shows_the_end_it_was_appended_to() -> None:
    old = "随時、情報セキュリティ対策の先進事例や個人情報漏洩等の事例を周知し、注意関心を喚起する。"
    before, after = shorten_pair(old, old + " ・ガバメントクラウドについては", 30)
    assert before.endswith("喚起する。") and "ガバメント" in after


def test_equal_texts_are_cut_alike_from_their_start() -> None:
    before, after = shorten_pair(ADDRESS, ADDRESS, 20)
    assert before == after and before.startswith("〒070") and before.endswith("…")


def test_the_diff_table_shows_the_changed_floor() -> None:
    import pia_diff

    new = (ROOT / "samples" / "asahikawa" / "new.txt").read_text(encoding="utf-8")
    edited = new.replace("総合庁舎3階", "総合庁舎4階", 1)
    assert edited != new
    rows = pia_diff.compare(new.encode("utf-8"), edited.encode("utf-8"), date="令和8年1月15日").rows
    table = rows_table(rows, 120)
    assert "3階" in table and "4階" in table
