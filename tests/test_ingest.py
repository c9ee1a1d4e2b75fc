"""Reading the four real samples: values, certainty, 別添2 rows, cover fields, determinism."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest

from pia_diff.catalogue import load_catalogue
from pia_diff.ingest import parse_bytes, read_document
from pia_diff.model import CheckboxSet
from pia_diff.report.listing import field_rows
from pia_diff.values import Certainty

from .conftest import check_golden, seed

GOLDEN = Path(__file__).resolve().parent / "golden"
CAT = load_catalogue()


def _listing(prefix: str) -> list[dict[str, object]]:
    rows = field_rows(read_document(seed(prefix)), CAT)
    return [{"行": r["行"], "項目": r["項目"], "確度": r["確度"], "表示": r["表示"]} for r in rows]


@pytest.mark.parametrize("prefix", ["001", "003"])
def test_cell_text_samples_match_their_golden_listing(prefix: str, update_golden: bool) -> None:
    """Golden files reviewed by eye against the source lines they cite (行)."""
    golden = GOLDEN / f"ingest_{prefix}.json"
    check_golden(golden, _listing(prefix), update_golden)


@pytest.mark.parametrize("prefix", ["001", "003"])
def test_every_starred_item_present_in_cell_text_is_found(prefix: str) -> None:
    snapshot = read_document(seed(prefix))
    for path, item in snapshot.fields.items():
        node = CAT.node_at(path)
        assert node is not None, path
        if node.star and item.certainty is Certainty.MISSING:
            # 003's extract lacks III-6 and III-7 entirely (the sections are not in the text)
            assert prefix == "003" and path[1][:2] in ("6 ", "7 "), path


def test_001_values_typed_from_the_source() -> None:
    """A few values copied by hand from 001 (line numbers of the source in comments)."""
    fields = {" ".join(p): f for p, f in read_document(seed("001")).fields.items()}
    expect = {
        "Ⅰ 基本情報 1 特定個人情報ファイルを取り扱う事務 ③対象人数": "10万人以上30万人未満",  # l.42
        "Ⅰ 基本情報 5 情報提供ネットワークシステムによる情報連携 ①実施の有無": "実施しない",  # l.90
        "Ⅰ 基本情報 6 評価実施機関における担当部署 ②所属長の役職名": "国民年金課長",  # l.96
        "Ⅱ 特定個人情報ファイルの概要 4 特定個人情報ファイルの取扱いの委託 委託の有無": "委託しない",  # l.127
        "Ⅲ リスク対策 9 従業者に対する教育・啓発 従業者に対する教育・啓発": "十分に行っている",  # l.300
        "Ⅴ 評価実施手続 1 基礎項目評価 ①実施日": "令和7年9月5日",  # l.330
    }
    for label, value in expect.items():
        assert fields[label].value == value, label
        assert fields[label].certainty is Certainty.OK
    audit = fields["Ⅲ リスク対策 8 監査 実施の有無"].value  # l.296: [○] 自己点検 [] 内部監査 [] 外部監査
    assert audit == CheckboxSet.of({"自己点検": True, "内部監査": False, "外部監査": False})
    systems = {p.split(" ")[4] for p in fields if " システム" in p and p.startswith("Ⅰ")}
    assert systems == {f"システム{n}" for n in range(1, 8)}  # l.47-77


def test_lost_checkbox_states_are_uncertain_never_guessed() -> None:
    """003 l.61: every 入手元 box is a bare <input/>: the extractor lost which were ticked."""
    fields = {" ".join(p): f for p, f in read_document(seed("003")).fields.items()}
    source = fields["Ⅱ 特定個人情報ファイルの概要 3 特定個人情報の入手・使用 ①入手元"]
    assert source.certainty is Certainty.UNCERTAIN
    assert isinstance(source.value, CheckboxSet)
    assert all(state is None for state in source.value.marks)
    # 003 l.94: one <input checked=""/> among bare ones: the bare ones are known unticked
    moved = fields["Ⅱ 特定個人情報ファイルの概要 5 特定個人情報の提供・移転(委託に伴うものを除く。) 移転先1 ⑥移転方法"]
    assert moved.certainty is Certainty.OK
    assert isinstance(moved.value, CheckboxSet)
    assert moved.value.state("その他") is True and moved.value.state("紙") is False
    assert moved.value.detail == {"その他": "既存住民基本台帳システム"}


@pytest.mark.parametrize(("prefix", "rows"), [("001", 61), ("003", 18)])
def test_history_rows_are_read_with_six_cells(prefix: str, rows: int) -> None:
    history = read_document(seed(prefix)).history
    assert len(history) == rows
    for row in history:
        cells = row.as_dict()
        assert cells["変更日"] and cells["項目"], row
        assert cells["提出時期"] in ("事前", "事後"), row


def test_003_history_first_and_last_rows() -> None:
    history = read_document(seed("003")).history
    assert history[0].cells[0] == "令和3年3月31日"
    assert history[0].cells[1] == "I-1-② 事務の内容"
    inquiry = history[-2].as_dict()  # l.233
    assert inquiry["項目"].startswith("IV 開示請求, 問合せ 2")
    assert (inquiry["変更前の記載"], inquiry["変更後の記載"], inquiry["提出時期"]) == (
        "旭川市6条通9丁目46番地",
        "旭川市7条通9丁目48番地",
        "事後",
    )
    assert history[-1].cells[1] == "V 評価実施手続 1 基礎項目評価 ①実施日"  # l.234


@pytest.mark.parametrize(
    ("prefix", "meta"),
    [
        ("000", {"評価書番号": "8", "評価実施機関名": "厚木市長", "公表日": "2025-08-21"}),
        (
            "001",
            {
                "評価書番号": "17",
                "評価実施機関名": "埼玉県川口市長",
                "公表日": "2025-12-26",
                "様式版": "[令和6年10月 様式3]",
            },
        ),
        (
            "002",
            {"評価書番号": "49", "評価実施機関名": "藤沢市長", "公表日": "2025-02-26", "様式版": "[令和6年10月 様式3]"},
        ),
        ("003", {"評価書番号": "17", "評価実施機関名": "旭川市長", "公表日": "2023-11-06", "様式版": None}),
    ],
)
def test_cover_fields(prefix: str, meta: dict[str, str]) -> None:
    snapshot = read_document(seed(prefix))
    for key, value in meta.items():
        assert snapshot.meta.to_json()[key] == value, key


@pytest.mark.parametrize("prefix", ["000", "002"])
def test_pdf_dumps_same_line_values_are_right_the_rest_flagged(prefix: str) -> None:
    snapshot = read_document(seed(prefix))
    assert snapshot.meta.to_json()["style"] == "pdf"
    assert list(snapshot.files) == ["(1)", "(2)"]
    fields = {" ".join(p): f for p, f in snapshot.fields.items()}
    ok = {k: f.value for k, f in fields.items() if f.certainty is Certainty.OK}
    expected = {
        "000": {
            "Ⅰ 基本情報 1 特定個人情報ファイルを取り扱う事務 ①事務の名称": "国民年金に関する事務",  # l.91
            "Ⅰ 基本情報 1 特定個人情報ファイルを取り扱う事務 ③対象人数": "10万人以上30万人未満",  # l.95
            "Ⅰ 基本情報 6 評価実施機関における担当部署 ①部署": "市民福祉部国保年金課",  # l.278
            "Ⅰ 基本情報 6 評価実施機関における担当部署 ②所属長の役職名": "国保年金課長",  # l.274
        },
        "002": {
            "Ⅰ 基本情報 1 特定個人情報ファイルを取り扱う事務 ①事務の名称": "地方税の収滞納に関する事務",
            "Ⅰ 基本情報 6 評価実施機関における担当部署 ①部署": "財務部 納税課",
            "Ⅰ 基本情報 6 評価実施機関における担当部署 ②所属長の役職名": "納税課長",
        },
    }[prefix]
    for label, value in expected.items():
        assert ok[label] == value
    # Items inside repeated entities or per-file parts are never 'ok' in a PDF dump.
    for label in ok:
        assert " システム" not in label and not label.startswith(("Ⅱ", "Ⅲ", "(別添1)")), label
    counts = Counter(str(f.certainty) for f in fields.values())
    assert counts["ok"] >= 8 and counts["uncertain"] > 0 and counts["missing"] > 0


def test_snapshot_json_is_deterministic() -> None:
    data = seed("001").read_bytes()
    first = parse_bytes(data, "001.txt").to_json()
    assert parse_bytes(data, "001.txt").to_json() == first
    assert json.loads(first)["meta"]["sha256"]
    # a snapshot reads back as the same snapshot
    again = parse_bytes(first.encode("utf-8"), "001.json")
    assert again.to_json() == first


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "utf-16"])
def test_encodings_are_detected_by_content(encoding: str) -> None:
    text = seed("003").read_text(encoding="utf-8")
    # 003 has characters outside CP932? keep only what the codec can hold
    data = text.encode(encoding, errors="replace")
    snapshot = parse_bytes(data, f"003.{encoding}.txt")
    assert snapshot.meta.to_json()["評価実施機関名"] == "旭川市長"
    assert len(snapshot.history) == 18


def test_unplaced_text_and_unseen_headings_are_reported() -> None:
    """meta 読み取れない箇所 / 見つからない見出し, checked against the source lines (issue 9)."""
    cell = read_document(seed("001")).meta.to_json()
    assert cell["読み取れない箇所"] == [] and cell["見つからない見出し"] == []
    # 003's extract starts at I-3 and has neither II-5's heading (l.88 移転先1 follows II-4
    # directly) nor III-6 and III-7
    lost = read_document(seed("003")).meta.to_json()
    assert lost["見つからない見出し"] == [
        "Ⅰ 基本情報",
        "Ⅰ 基本情報 1 特定個人情報ファイルを取り扱う事務",
        "Ⅰ 基本情報 2 特定個人情報ファイルを取り扱う事務において使用するシステム",
        "Ⅱ 特定個人情報ファイルの概要 5 特定個人情報の提供・移転(委託に伴うものを除く。)",
        "Ⅲ リスク対策 6 情報提供ネットワークシステムとの接続",
        "Ⅲ リスク対策 7 特定個人情報の保管・消去",
    ]
    pdf = read_document(seed("000")).meta.to_json()["読み取れない箇所"]
    # l.186: a system's name the PDF dump put out of reach of its システム heading; l.623: a label
    # whose value the dump separated from it
    shown = [{"行": entry["行"], "内容": entry["内容"]} for entry in pdf]
    assert {"行": 186, "内容": "①システムの名称 国民年金システム"} in shown
    assert {"行": 623, "内容": "③委託先名"} in shown
    assert all(len(entry["指紋"]) == 12 for entry in pdf)
    # checkbox and choice debris ('[', '] 紙', '4) 100人以上500人未満') is not reported
    assert all(entry["内容"].strip("[]()（） ") for entry in pdf)
    assert len(pdf) < 30


def test_unplaced_blocks_are_reported_once_with_their_first_line() -> None:
    text = seed("001").read_text(encoding="utf-8").split("\n")
    # a block of two stray lines after the 監査 item (l.296) and a lost section heading
    edited = [*text[:297], "どこにも属さない文章の一行目", "二行目", *text[297:]]
    edited = [ln for ln in edited if not ln.startswith("8. 監査")]
    meta = parse_bytes("\n".join(edited).encode("utf-8"), "x.txt").meta.to_json()
    ((block),) = meta["読み取れない箇所"]
    assert (block["行"], block["内容"]) == (297, "どこにも属さない文章の一行目")
    # the fingerprint covers the whole block, its second line included
    other = [*text[:297], "どこにも属さない文章の一行目", "二行目を書き換え", *text[297:]]
    changed = parse_bytes("\n".join(other).encode("utf-8"), "y.txt").meta.to_json()["読み取れない箇所"]
    assert changed[0]["内容"] == block["内容"] and changed[0]["指紋"] != block["指紋"]
    assert meta["見つからない見出し"] == ["Ⅲ リスク対策 8 監査"]


def test_an_item_whose_heading_was_lost_is_placed_by_its_unique_label_and_uncertain() -> None:
    text = seed("001").read_text(encoding="utf-8").split("\n")
    # drop IV's part heading (l.314) and both section headings (l.316, l.322)
    edited = [ln for i, ln in enumerate(text, start=1) if i not in (314, 316, 322)]
    snapshot = parse_bytes("\n".join(edited).encode("utf-8"), "x.txt")
    part, section = "Ⅳ 開示請求、問合せ", "1 特定個人情報の開示・訂正・利用停止請求"
    # l.319 ②請求方法 names one item of the whole form: placed, but not 'ok'
    method = snapshot.fields[(part, section, "②請求方法")]
    assert method.certainty is Certainty.UNCERTAIN and method.line == 319 - 2
    assert isinstance(method.value, str) and method.value.startswith("個人情報の保護に関する法律第76条第1項")
    # the items after it are then found within the part, as with any lost section heading
    contact = snapshot.fields[(part, "2 特定個人情報ファイルの取扱いに関する問合せ", "②対応方法")]
    assert contact.line == 324 - 3 and str(contact.value).startswith("・苦情受付時に苦情処理受付票を起票し")
    assert snapshot.meta.to_json()["見つからない見出し"] == [part]


def test_unplaced_text_in_a_workbook_names_its_sheet_and_row() -> None:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "評価書"
    lines = seed("001").read_text(encoding="utf-8").split("\n")
    lines = [*lines[:297], "どこにも属さない文章", *lines[297:]]
    for row, line in enumerate(lines, start=1):
        for column, cell in enumerate(line.split("\t"), start=1):
            if cell:
                sheet.cell(row=row, column=column, value=cell)
    buffer = io.BytesIO()
    book.save(buffer)
    read = parse_bytes(buffer.getvalue(), "x.xlsx")
    assert [{"行": b["行"], "内容": b["内容"]} for b in read.meta.to_json()["読み取れない箇所"]] == [
        {"行": "評価書!298", "内容": "どこにも属さない文章"},
    ]
    # rows 84-86 continue 法令上の根拠 in the second column, the first left empty: read as its value,
    # as the text reader reads them (every item of the workbook equals the text's)
    text = parse_bytes(seed("001").read_bytes(), "001.txt")
    basis = read.fields[("Ⅰ 基本情報", "4 個人番号の利用", "法令上の根拠")].value
    assert isinstance(basis, str) and "\n・別表116項 特定障害者に対する特別障害給付金" in basis
    assert {p: f.value for p, f in read.fields.items()} == {p: f.value for p, f in text.fields.items()}


def _sample_lines() -> list[str]:
    from pathlib import Path

    sample = Path(__file__).resolve().parent.parent / "samples" / "asahikawa" / "new.txt"
    return sample.read_text(encoding="utf-8").split("\n")


def test_a_value_naming_the_change_table_does_not_start_it() -> None:
    """特記事項 「別添2 変更箇所参照」 (l.13 of the sample) is a value: the form goes on below it."""
    lines = _sample_lines()
    assert lines[11] == "特記事項" and lines[12] == ""
    original = parse_bytes("\n".join(lines).encode("utf-8"), "new.txt")
    lines[12] = "別添2 変更箇所参照"
    edited = parse_bytes("\n".join(lines).encode("utf-8"), "new.txt")
    assert edited.fields[("表紙", "特記事項")].value == "別添2 変更箇所参照"
    others = {p: f.value for p, f in edited.fields.items() if p != ("表紙", "特記事項")}
    assert others == {p: f.value for p, f in original.fields.items() if p != ("表紙", "特記事項")}
    assert [h.cells for h in edited.history] == [h.cells for h in original.history]


def test_a_label_left_without_its_value_is_still_that_label() -> None:
    """l.71 「情報の突合」 with its value cleared, in the second column: the item is there and empty,
    not more text of ⑤使用方法 above it."""
    lines = _sample_lines()
    assert lines[70].startswith("\t情報の突合\t")
    original = parse_bytes("\n".join(lines).encode("utf-8"), "new.txt")
    lines[70] = "\t情報の突合"
    edited = parse_bytes("\n".join(lines).encode("utf-8"), "new.txt")
    section = ("Ⅱ 特定個人情報ファイルの概要", "3 特定個人情報の入手・使用")
    assert edited.fields[(*section, "情報の突合")].value == ""
    assert edited.fields[(*section, "⑤使用方法")].value == original.fields[(*section, "⑤使用方法")].value


def test_the_bare_title_with_its_date_beside_it_starts_the_table() -> None:
    """003 l.211 written 「別添2 変更箇所 ⇥ 令和5年11月6日」: still the table's title, not more of
    Ⅴ ③結果 above it."""
    lines = seed("003").read_text(encoding="utf-8").split("\n")
    assert lines[210] == "(別添2)変更箇所"
    original = parse_bytes("\n".join(lines).encode("utf-8"), "003.txt")
    lines[210] = "別添2 変更箇所\t令和5年11月6日"
    edited = parse_bytes("\n".join(lines).encode("utf-8"), "003.txt")
    assert {p: f.value for p, f in edited.fields.items()} == {p: f.value for p, f in original.fields.items()}
    assert [h.cells for h in edited.history] == [h.cells for h in original.history]
    assert len(edited.history) == 18


def test_a_pdf_dump_finds_the_bare_title_too() -> None:
    """002 (a PDF text dump, no header row to go by) with its title l.2269 written 「別添２　変更箇所」."""
    lines = seed("002").read_text(encoding="utf-8").split("\n")
    assert lines[2268] == "（別添２）変更箇所"
    original = parse_bytes("\n".join(lines).encode("utf-8"), "002.txt")
    lines[2268] = "別添２　変更箇所"
    edited = parse_bytes("\n".join(lines).encode("utf-8"), "002.txt")
    assert edited.meta.to_json()["別添2の確度"] == original.meta.to_json()["別添2の確度"] == "uncertain"
    assert edited.meta.to_json()["読み取れない箇所"] == original.meta.to_json()["読み取れない箇所"]
    assert {p: f.value for p, f in edited.fields.items()} == {p: f.value for p, f in original.fields.items()}


def _as_workbook(text: str) -> bytes:
    """The text as Excel keeps it: one cell per TAB-separated cell, one row per line."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row, line in enumerate(text.split("\n"), start=1):
        for column, cell in enumerate(line.split("\t"), start=1):
            if cell:
                sheet.cell(row=row, column=column, value=cell)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["txt", "xlsx"])
def test_a_checkbox_set_wrapped_onto_the_next_row_keeps_its_states(kind: str) -> None:
    """Ⅲ 8 実施の有無 (※, RULES.md §2) with 外部監査 on a row of its own below, first cell empty, as the
    Excel form lays long sets out: its state is read, and ticking it is a 事前 change."""
    import datetime as dt

    from pia_diff.pipeline import compare
    from pia_diff.snapshot import Snapshot

    lines = _sample_lines()
    assert lines[177].startswith("実施の有無\t")

    def version(mark: str) -> Snapshot:
        edited = [*lines[:177], "実施の有無\t[○] 自己点検\t[○] 内部監査", f"\t[{mark}] 外部監査", *lines[178:]]
        text = "\n".join(edited)
        data = _as_workbook(text) if kind == "xlsx" else text.encode("utf-8")
        return parse_bytes(data, f"new.{kind}")

    before, after = version(" "), version("○")
    path = ("Ⅲ リスク対策", "8 監査", "実施の有無")
    wrapped = before.fields[path].value
    assert isinstance(wrapped, CheckboxSet)
    assert wrapped.marks == (True, True, False)
    ticked = after.fields[path].value
    assert isinstance(ticked, CheckboxSet) and ticked.state("外部監査") is True
    rows = compare(before, after, dt.date(2026, 4, 1)).rows
    assert [(r.item_path, str(r.提出時期), r.根拠) for r in rows] == [(path, "事前", "STAR")]
