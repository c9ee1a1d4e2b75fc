"""The parser's parts on their own: the line classifier, the label index and the scope cursor."""

from __future__ import annotations

import pytest

from pia_diff.catalogue import Kind, load_catalogue
from pia_diff.ingest.cursor import Cursor
from pia_diff.ingest.labels import after_label, cell_key, label_index
from pia_diff.ingest.lines import LineKind, classify

CAT = load_catalogue()
INDEX = label_index(CAT)
PART_II = CAT.part_named("Ⅱ 特定個人情報ファイルの概要")
PART_III = CAT.part_named("Ⅲ リスク対策")


def _kind(raw: str, cell_style: bool = True) -> LineKind:
    return classify(raw, 1, INDEX, cell_style).kind


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("", LineKind.BLANK),
        ("  \t ", LineKind.BLANK),
        ("\f", LineKind.PAGE_BREAK),
        ("項目一覧", LineKind.TOC),
        ("(別添2) 変更箇所", LineKind.HISTORY_START),
        ("III リスク対策 ※(7. ②を除く。)", LineKind.PART_HEADER),
        ("Ⅱ 特定個人情報ファイルの概要", LineKind.PART_HEADER),
        ("[令和6年10月 様式3]", LineKind.FORM_VERSION),
        ("評価書番号\t評価書名", LineKind.COVER_HEADER),
        ("システム8～10\t", LineKind.ENTITY_RANGE),
        ("委託事項1\t委託業務", LineKind.LABELS),
        ("①部署\t市民課", LineKind.LABELS),
        ("①システム\tの名称\t国民年金システム", LineKind.LABELS),  # a label split over two cells
        ("[] 委託しない", LineKind.LABELS),  # a checkbox item named by its option
        ("\t・別表116項 特定障害者に対する", LineKind.TEXT),
        ("アクセスログを取得するとともに", LineKind.TEXT),
    ],
)
def test_classify(raw: str, kind: LineKind) -> None:
    assert _kind(raw) is kind


def test_classify_reports_the_part_and_document_facts() -> None:
    line = classify("III リスク対策 ※(7. ②を除く。)", 7, INDEX, False)
    assert line.part is PART_III and line.number == 7
    assert classify("[令和6年10月 様式3]", 1, INDEX, False).form_version == "[令和6年10月 様式3]"
    assert classify("[令和1年" * 50, 1, INDEX, False).form_version is None
    assert (
        classify("特定個人情報保護評価書(重点項目評価書)", 1, INDEX, False).title
        == "特定個人情報保護評価書(重点項目評価書)"
    )


def test_pdf_lines_are_one_cell() -> None:
    assert classify("①部署\t市民課", 1, INDEX, False).cells == ("①部署\t市民課",)
    assert classify("①部署\t市民課", 1, INDEX, True).cells == ("①部署", "市民課")


def test_cell_key_folds_and_drops_spaces_markup_and_star() -> None:
    assert cell_key("委託の有無 ※") == "委託の有無"
    assert cell_key("<p>①　事務の名称</p>") == "①事務の名称"
    assert cell_key("Ⅲ リスク対策") == "IIIリスク対策"


def test_after_label_keeps_the_raw_value() -> None:
    assert after_label("①部署\t市民課", "①部署") == "市民課"  # the gap after the label goes too
    assert after_label("<p>① 事務の ※名称</p> 国民年金", "①事務の名称") == "国民年金"
    assert after_label("①部署 <td>市民課", "①部署") == "市民課"
    long_tail = "x" * 5000
    assert after_label("①部署 " + long_tail, "①部署") == long_tail
    assert after_label("②部署", "①部署") == ""


def test_index_candidates_are_every_item_the_key_starts_with() -> None:
    nodes = {c.node.label for c in INDEX.candidates("リスクへの対策は十分か[十分である]")}
    assert nodes == {"リスクへの対策は十分か"}
    lengths = {c.node.label: c.length for c in INDEX.candidates("リスク:目的外の入手が行われるリスク")}
    assert lengths["リスク: 目的外の入手が行われるリスク"] == len("リスク:")  # a prefix label
    assert INDEX.candidates("本文です") == ()


def test_cursor_find_prefers_the_innermost_scope_and_does_not_move() -> None:
    cursor = Cursor.at_part(PART_II)
    found = cursor.find("③委託先名株式会社", INDEX, lambda path: False)
    assert found is None  # inside an entity only: not reachable from the part
    entity = INDEX.entity("委託事項", PART_II)
    assert entity is not None
    inside = cursor.at_entity(entity, "委託事項2")
    found = inside.find("③委託先名株式会社", INDEX, lambda path: False)
    assert found is not None
    assert found.path[-2:] == ("委託事項2", "③委託先名")
    assert inside.scopes[-1].path[-1] == "委託事項2"  # find() left the cursor where it was
    assert found.cursor.scopes == inside.scopes


def test_cursor_find_prefers_an_unfilled_item_among_equals() -> None:
    cursor = Cursor.at_part(PART_III)
    first = cursor.find("リスクに対する措置の内容", INDEX, lambda path: False)
    assert first is not None
    second = cursor.find("リスクに対する措置の内容", INDEX, lambda path: path == first.path)
    assert second is not None and second.path != first.path


def test_cursor_find_a_section_of_another_part_moves_only_the_returned_cursor() -> None:
    cursor = Cursor.at_part(CAT.parts[0])
    found = cursor.find("8.監査", INDEX, lambda path: False)
    assert found is not None and found.node.kind is Kind.GROUP
    assert found.cursor.part is PART_III
    assert cursor.part is CAT.parts[0]


def test_cursor_enter_opens_the_groups_down_to_a_leaf() -> None:
    leaf = CAT.node_at(("Ⅱ 特定個人情報ファイルの概要", "3 特定個人情報の入手・使用", "④使用の主体", "使用者数"))
    assert leaf is not None
    moved = Cursor.at_part(PART_II).enter(0, leaf)
    assert [s.node.label for s in moved.scopes] == [PART_II.label, "3. 特定個人情報の入手・使用", "④使用の主体"]


def test_marker_item() -> None:
    part = CAT.part_named("Ⅲ リスク対策")
    found = Cursor.at_part(part).find_marker_item(cell_key("委託しない"), INDEX)
    assert found is not None and found.node.label == "委託しない"
    assert Cursor.at_part(PART_II).find_marker_item(cell_key("委託しない"), INDEX) is None


def test_gap_log_reports_a_block_once_and_skips_debris() -> None:
    from pia_diff.ingest.gaplog import GapLog

    log = GapLog(INDEX)
    said = []
    for number, raw in enumerate(["] 移転を行っている （ ） 件", "本文の一行目", "二行目"], start=1):
        log.next_line()
        said.append(log.unplaced(classify(raw, number, INDEX, False)))
    assert said == [False, True, True]  # debris starts no block; the text after it does, and goes on
    log.next_line()  # a line some item took ends the block
    log.next_line()
    assert log.unplaced(classify("] 紙 [ ] 電子メール", 5, INDEX, False)) is False
    assert log.debris(cell_key("4） 100人以上500人未満")) and log.debris(cell_key("＜選択肢＞"))
    assert not log.debris(cell_key("＜ガバメントクラウドにおける措置＞"))


def test_gap_log_unseen_headings() -> None:
    from pia_diff.ingest.gaplog import GapLog

    log = GapLog(INDEX)
    for part in CAT.parts[1:]:
        log.heading(part)
        for section in part.children:
            log.heading(section)
    assert log.unseen() == []
    log.seen.discard(PART_III)
    assert log.unseen() == [("Ⅲ リスク対策",)]  # its sections were read: only the part is missing
    log.seen -= set(PART_III.children)
    assert log.unseen() == [("Ⅲ リスク対策",)]  # nothing of it read: the sections are implied


def test_the_assembler_reports_each_run_of_unplaced_lines_once() -> None:
    """ingest/assemble.py: a block runs over unplaced lines and blank lines; any other line ends it."""
    from pia_diff.ingest.assemble import _blocks
    from pia_diff.model import LineRole, Owner

    lines = ["本文の一行目", "", "二行目", "①部署\t市民課", "別の本文", "\f", "次のページの本文"]
    roles = [LineRole.UNPLACED, LineRole.FURNITURE, LineRole.UNPLACED, LineRole.ITEM]
    roles += [LineRole.UNPLACED, LineRole.FURNITURE, LineRole.UNPLACED]
    owners = [(Owner(role),) for role in roles]
    blocks = _blocks(lines, owners)
    assert [(b.line, b.text, len(b.keys)) for b in blocks] == [
        (1, "本文の一行目", 2),
        (5, "別の本文", 1),
        (7, "次のページの本文", 1),  # a page break ends a block
    ]
