"""Excel in and out: export → import round trip, the staff's edit workflow, layouts that differ a
little, cached formula values, and workbooks we must refuse."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pia_diff.cli import app
from pia_diff.ingest import parse_bytes
from pia_diff.report.export import export_bytes
from pia_diff.values import Certainty

from .conftest import exported_sample, seed
from .helpers import CAT, sample

runner = CliRunner()


def _ok_values(snapshot) -> dict:
    return {p: f.value for p, f in snapshot.fields.items() if f.certainty is Certainty.OK}


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_round_trip_keeps_every_ok_value(prefix: str) -> None:
    original = sample(prefix)
    again = parse_bytes(export_bytes(original, CAT), f"{prefix}.xlsx")
    expected = _ok_values(original)
    assert expected  # something to compare
    assert {p: again.fields[p].value for p in expected} == expected
    assert [h.cells for h in again.history] == [h.cells for h in original.history]
    assert again.meta.to_json()["評価書番号"] == original.meta.to_json()["評価書番号"]


def _find_row(sheet, label: str, start: int = 1) -> int:
    for row in sheet.iter_rows(min_row=start):
        if row[0].value in (label, f"{label} ※"):  # the export prints ※ beside a ※ item
            return row[0].row
    raise AssertionError(f"{label} not in {sheet.title}")


def test_edit_in_excel_then_diff_reports_exactly_those_changes(tmp_path: Path) -> None:
    published = seed("001")
    book_path = tmp_path / "公表版.xlsx"
    assert runner.invoke(app, ["export", str(published), "-o", str(book_path)]).exit_code == 0
    book = load_workbook(book_path)
    # 1. a ※ value: ①ファイルの種類
    sheet = book["Ⅱ ファイルの概要"]
    sheet.cell(row=_find_row(sheet, "①ファイルの種類"), column=2).value = "[その他の電子ファイル(表計算ファイル等)]"
    # 2. a new システム block after システム7
    sheet = book["Ⅰ 基本情報"]
    at = _find_row(sheet, "3. 特定個人情報ファイル名")
    sheet.insert_rows(at, 4)
    for offset, (label, value) in enumerate(
        [
            ("システム8", None),
            ("①システムの名称", "電子申請システム"),
            ("②システムの機能", "申請を受け付ける"),
            ("③他のシステムとの接続", "[ ] 情報提供ネットワークシステム [○] 庁内連携システム"),
        ]
    ):
        sheet.cell(row=at + offset, column=1).value = label
        if value:
            sheet.cell(row=at + offset, column=2).value = value
    # 3. untick a checkbox: III 8 監査
    sheet = book["Ⅲ リスク対策"]
    cell = sheet.cell(row=_find_row(sheet, "実施の有無"), column=2)
    assert cell.value == "[○] 自己点検 [ ] 内部監査 [ ] 外部監査"
    cell.value = "[ ] 自己点検 [ ] 内部監査 [ ] 外部監査"
    edited = tmp_path / "編集版.xlsx"
    book.save(edited)
    result = runner.invoke(app, ["diff", str(published), str(edited), "--format", "json", "--date", "2026-02-01"])
    assert result.exit_code == 0, result.stderr
    rows = {r["項目"]: r for r in json.loads(result.stdout)}
    assert rows.keys() == {
        "Ⅰ 基本情報 2 特定個人情報ファイルを取り扱う事務において使用するシステム システム8",
        "Ⅱ 特定個人情報ファイルの概要 2 基本情報 ①ファイルの種類",
        "Ⅲ リスク対策 8 監査 実施の有無",
    }
    timing = {label.split(" ")[-1]: r["提出時期"] for label, r in rows.items()}
    assert timing == {"システム8": "事後", "①ファイルの種類": "事前", "実施の有無": "事前"}


def _reimport(book) -> dict:
    buffer = io.BytesIO()
    book.save(buffer)
    return _ok_values(parse_bytes(buffer.getvalue(), "layout.xlsx"))


def test_rows_inserted_above_sections_and_merged_labels_read_the_same() -> None:
    original = sample("001")
    data = export_bytes(original, CAT)
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets[:-1]:
        sheet.insert_rows(1, 3)
        sheet["A2"] = "(この表は担当課の作業用です)"
    sheet = book["Ⅱ ファイルの概要"]
    row = _find_row(sheet, "2. 基本情報")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)  # heading across both columns
    row = _find_row(sheet, "③使用目的")
    sheet.insert_rows(row + 1)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row + 1, end_column=1)  # label over two rows
    assert _reimport(book) == _ok_values(parse_bytes(data, "plain.xlsx"))


def test_labels_split_over_two_cells_and_values_in_the_cell_below() -> None:
    data = exported_sample("003")
    book = load_workbook(io.BytesIO(data))
    sheet = book["Ⅰ 基本情報"]
    row = _find_row(sheet, "①部署")
    value = sheet.cell(row=row, column=2).value
    sheet.cell(row=row, column=1).value = "①"
    sheet.cell(row=row, column=2).value = "部署"
    sheet.cell(row=row, column=3).value = value  # label split over A and B, value in C
    row = _find_row(sheet, "②所属長の役職名")
    below = sheet.cell(row=row, column=2).value
    sheet.cell(row=row, column=2).value = None
    sheet.insert_rows(row + 1)
    sheet.cell(row=row + 1, column=2).value = below  # value in the cell below
    values = _reimport(book)
    assert values[("Ⅰ 基本情報", "6 評価実施機関における担当部署", "①部署")] == "市民生活部市民課"
    assert values[("Ⅰ 基本情報", "6 評価実施機関における担当部署", "②所属長の役職名")] == "市民課長"


def test_a_value_typed_on_into_the_next_row_is_read_as_one_value() -> None:
    """Staff who run out of room type on in the next row, column A left empty: that row continues
    the value above (no change against the one-cell version, nothing reported as unplaced)."""
    original = sample("003")
    data = export_bytes(original, CAT)
    book = load_workbook(io.BytesIO(data))
    sheet = book["Ⅱ ファイルの概要"]
    row = _find_row(sheet, "その必要性")
    value = sheet.cell(row=row, column=2).value
    assert isinstance(value, str) and len(value) > 20
    sheet.insert_rows(row + 1)
    sheet.cell(row=row, column=2).value = value[:20]
    sheet.cell(row=row + 1, column=2).value = value[20:]
    buffer = io.BytesIO()
    book.save(buffer)
    again = parse_bytes(buffer.getvalue(), "typed_on.xlsx")
    assert again.meta.to_json().get("読み取れない箇所", []) == []
    path = ("Ⅱ 特定個人情報ファイルの概要", "2 基本情報", "その必要性")
    assert again.fields[path].value == value[:20] + "\n" + value[20:]
    assert _ok_values(again) == {**_ok_values(parse_bytes(data, "plain.xlsx")), path: again.fields[path].value}


def test_a_stray_row_below_a_heading_continues_nothing_above_it() -> None:
    """Text with column A empty right under a section heading is no continuation of the item before
    the heading: it is reported where it stands, and that item keeps its value."""
    data = exported_sample("003")
    book = load_workbook(io.BytesIO(data))
    sheet = book["Ⅱ ファイルの概要"]
    row = _find_row(sheet, "2. 基本情報")
    sheet.insert_rows(row + 1)
    sheet.cell(row=row + 1, column=2).value = "見出しの下に書いたメモ"
    buffer = io.BytesIO()
    book.save(buffer)
    again = parse_bytes(buffer.getvalue(), "stray.xlsx")
    assert [b["内容"] for b in again.meta.to_json()["読み取れない箇所"]] == ["見出しの下に書いたメモ"]
    assert _ok_values(again) == _ok_values(parse_bytes(data, "plain.xlsx"))


def test_formulas_are_read_as_their_cached_values() -> None:
    data = exported_sample("003")
    book = load_workbook(io.BytesIO(data))
    sheet = book["Ⅰ 基本情報"]
    row = _find_row(sheet, "②所属長の役職名")
    sheet.cell(row=row, column=2).value = '=CONCATENATE("市民","課長")'
    buffer = io.BytesIO()
    book.save(buffer)
    # put a cached value in, as Excel would have saved it
    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if b"CONCATENATE" in content:
                text = content.decode("utf-8")
                start = text.index("<f>CONCATENATE")
                cell_start = text.rindex("<c ", 0, start)
                end = text.index("</c>", start)
                cell = text[cell_start:end]
                fixed = cell.replace("<c ", '<c t="str" ', 1).replace("<v></v>", "").replace("<v />", "")
                text = text[:cell_start] + fixed + "<v>市民課長</v>" + text[end:]
                content = text.encode("utf-8")
            target.writestr(item, content)
    values = _ok_values(parse_bytes(out.getvalue(), "formula.xlsx"))
    assert values[("Ⅰ 基本情報", "6 評価実施機関における担当部署", "②所属長の役職名")] == "市民課長"


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


BAD_WORKBOOKS = {
    "corrupt": (b"PK\x03\x04" + b"\x00garbage" * 50, "開けません"),
    "empty": (b"", "空です"),
    "macro": (_zip({"xl/workbook.xml": b"<workbook/>", "xl/vbaProject.bin": b"\x00"}), "マクロ"),
    "legacy": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
    "encrypted": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 600,
        "パスワード",
    ),
    "not a workbook": (_zip({"word/document.xml": b"<doc/>"}), "ブック (.xlsx) ではありません"),
    "zip bomb": (
        _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"0" * (50 * 1024 * 1024)}),
        "ZIP 爆弾",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_WORKBOOKS))
def test_bad_workbooks_are_refused_with_exit_2(tmp_path: Path, case: str) -> None:
    data, message = BAD_WORKBOOKS[case]
    path = tmp_path / "book.xlsx"
    path.write_bytes(data)
    result = runner.invoke(app, ["show", str(path)])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == data


def test_export_refuses_to_overwrite_and_writes_sheets_per_file(tmp_path: Path) -> None:
    out = tmp_path / "000.xlsx"
    assert runner.invoke(app, ["export", str(seed("000")), "-o", str(out)]).exit_code == 0
    names = load_workbook(out, read_only=True).sheetnames
    assert names == [
        "表紙",
        "Ⅰ 基本情報",
        "Ⅱ ファイルの概要(1)",
        "Ⅱ ファイルの概要(2)",
        "別添1 記録項目(1)",
        "別添1 記録項目(2)",
        "Ⅲ リスク対策(1)",
        "Ⅲ リスク対策(2)",
        "Ⅳ 開示請求、問合せ",
        "Ⅴ 評価実施手続",
        "別添2 変更箇所",
    ]
    assert all(len(n) <= 31 and not set(n) & set("\\*?:/[]") for n in names)
    again = runner.invoke(app, ["export", str(seed("000")), "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.stderr


def test_choices_and_checkboxes_are_shown_the_way_the_form_shows_them() -> None:
    book = load_workbook(io.BytesIO(exported_sample("003")))
    sheet = book["Ⅱ ファイルの概要"]
    assert sheet.cell(row=_find_row(sheet, "④再委託の有無"), column=2).value == "[再委託する]"
    moved = sheet.cell(row=_find_row(sheet, "⑥移転方法"), column=2).value
    assert moved.startswith("[ ] 庁内連携システム [ ] 専用線") and "[○] その他 (既存住民基本台帳システム)" in moved


def test_workbook_values_name_their_sheet_and_row() -> None:
    data = exported_sample("003")
    snapshot = parse_bytes(data, "003.xlsx")
    chief = snapshot.fields[("Ⅰ 基本情報", "6 評価実施機関における担当部署", "②所属長の役職名")]
    sheet_name, row = str(chief.line).split("!")
    sheet = load_workbook(io.BytesIO(data))[sheet_name]
    assert sheet.cell(row=int(row), column=1).value == "②所属長の役職名"
    assert sheet.cell(row=int(row), column=2).value == chief.value == "市民課長"
    assert str(snapshot.history[0].line).startswith("別添2 変更箇所!")


def test_rich_text_cells_read_as_plain_text() -> None:
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    data = exported_sample("003")
    book = load_workbook(io.BytesIO(data), rich_text=True)
    sheet = book["Ⅰ 基本情報"]
    row = _find_row(sheet, "①部署")
    sheet.cell(row=row, column=2).value = CellRichText(["市民生活部", TextBlock(InlineFont(b=True), "市民課")])
    values = _reimport(book)
    assert values[("Ⅰ 基本情報", "6 評価実施機関における担当部署", "①部署")] == "市民生活部市民課"


# ---- layouts municipalities use, and notes typed where a value is expected --------------------


def _one_sheet(data: bytes):
    """The export's sheets one below the other on a single sheet (as many workbooks keep it)."""
    from openpyxl import Workbook

    source = load_workbook(io.BytesIO(data))
    book = Workbook()
    sheet = book.active
    sheet.title = "評価書"
    row = 1
    for part in source.worksheets:
        for values in part.iter_rows(values_only=True):
            for column, value in enumerate(values, start=1):
                if value is not None:
                    sheet.cell(row=row, column=column, value=value)
            row += 1
    return book


def _indented(data: bytes):
    """Headings in column A, labels in B, values in C (a row with a label and a value moves right)."""
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets[1:-1]:  # the cover and the 別添2 table keep their layout
        for row in sheet.iter_rows(min_row=2):
            label, value = row[0].value, row[1].value
            if label is not None and value is not None:
                sheet.cell(row=row[0].row, column=3, value=value)
                sheet.cell(row=row[0].row, column=2, value=label)
                row[0].value = None
    return book


def _read(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return parse_bytes(buffer.getvalue(), "layout.xlsx")


def _unplaced(snapshot) -> list[str]:
    return [b["内容"] for b in snapshot.meta.to_json().get("読み取れない箇所", [])]


def test_a_note_under_a_part_heading_continues_nothing_above_it() -> None:
    data = exported_sample("003")
    plain = _read(_one_sheet(data))
    book = _one_sheet(data)
    sheet = book.active
    row = _find_row(sheet, "Ⅳ 開示請求、問合せ")
    sheet.insert_rows(row + 1)
    sheet.cell(row=row + 1, column=2).value = "部の見出しの下のメモ"
    again = _read(book)
    assert _unplaced(again) == ["部の見出しの下のメモ"]
    assert _ok_values(again) == _ok_values(plain)  # Ⅲ 10 その他のリスク対策 keeps its text


def test_labels_indented_under_headings_read_as_the_plain_export() -> None:
    data = exported_sample("003")
    assert _ok_values(_read(_indented(data))) == _ok_values(parse_bytes(data, "plain.xlsx"))


def test_an_unknown_label_in_an_indented_layout_is_reported_not_merged() -> None:
    data = exported_sample("003")
    book = _indented(data)
    sheet = book["Ⅱ ファイルの概要"]
    row = next(r[0].row for r in sheet.iter_rows() if r[1].value == "⑤保有開始日")
    sheet.cell(row=row, column=2).value = "⑤保有を始めた日"  # a label the form does not have
    again = _read(book)
    assert _unplaced(again) == ["⑤保有を始めた日 平成28年4月"]
    wanted = _ok_values(parse_bytes(data, "plain.xlsx"))
    wanted.pop(("Ⅱ 特定個人情報ファイルの概要", "2 基本情報", "⑤保有開始日"))
    assert _ok_values(again) == wanted  # 全ての記録項目 above it keeps its own text


def test_an_entity_range_row_in_an_indented_layout_closes_the_entity() -> None:
    data = exported_sample("003")
    book = _indented(data)
    sheet = book["Ⅱ ファイルの概要"]
    row = next(r[0].row for r in sheet.iter_rows() if r[1].value == "⑥再委託事項")
    sheet.insert_rows(row + 1)
    sheet.cell(row=row + 1, column=2).value = "委託事項2～5"
    again = _read(book)
    assert _unplaced(again) == []
    assert _ok_values(again) == _ok_values(parse_bytes(data, "plain.xlsx"))


@pytest.mark.parametrize(
    ("sheet_name", "label"),
    [("Ⅴ 評価実施手続", "①実施日"), ("Ⅱ ファイルの概要", "①ファイルの種類")],
)
def test_a_note_under_a_date_or_a_choice_is_reported_not_merged(sheet_name: str, label: str) -> None:
    """A date or a choice is one cell: text typed below it is something else (RULES.md §2 ※ items
    such as ①ファイルの種類 must not change because of a note)."""
    data = exported_sample("003")
    book = load_workbook(io.BytesIO(data))
    sheet = book[sheet_name]
    row = _find_row(sheet, label)
    sheet.insert_rows(row + 1)
    sheet.cell(row=row + 1, column=2).value = "(再実施の予定)"
    again = _read(book)
    assert _unplaced(again) == ["(再実施の予定)"]
    assert _ok_values(again) == _ok_values(parse_bytes(data, "plain.xlsx"))


def _history(book) -> list[tuple[str, ...]]:
    return [h.cells for h in _read(book).history]


def test_the_change_table_keeps_rows_with_an_empty_date_and_joins_rows_carried_on() -> None:
    data = exported_sample("003")
    original = [h.cells for h in parse_bytes(data, "plain.xlsx").history]
    assert len(original) == 18
    book = load_workbook(io.BytesIO(data))
    sheet = book["別添2 変更箇所"]
    # row 4 (the second change) shares the first one's date: the date cell merged down
    sheet.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    # the third change's texts carried on into a row of their own below it
    after, reason = sheet.cell(row=5, column=4).value, sheet.cell(row=5, column=6).value
    sheet.insert_rows(6)
    sheet.cell(row=5, column=4).value = after[:10]
    sheet.cell(row=6, column=4).value = after[10:]
    sheet.cell(row=5, column=6).value = reason[:5]
    sheet.cell(row=6, column=6).value = reason[5:]
    rows = _history(book)
    assert len(rows) == 18  # no row lost, none added
    assert rows[0] == original[0]
    assert rows[1] == ("", *original[1][1:])  # the merged-away date is not guessed: left empty
    assert rows[2][3] == f"{after[:10]} {after[10:]}" and rows[2][5] == f"{reason[:5]} {reason[5:]}"
    assert rows[2][:3] == original[2][:3] and rows[3:] == original[3:]


def test_the_change_table_with_a_number_column_before_the_date() -> None:
    data = exported_sample("003")
    original = [h.cells for h in parse_bytes(data, "plain.xlsx").history]
    book = load_workbook(io.BytesIO(data))
    sheet = book["別添2 変更箇所"]
    sheet.insert_cols(1)
    sheet.cell(row=2, column=1).value = "No."
    for number, row in enumerate(range(3, 3 + len(original)), start=1):
        sheet.cell(row=row, column=1).value = number
    assert _history(book) == original


def _history_book(data: bytes):
    book = load_workbook(io.BytesIO(data))
    return book, book["別添2 変更箇所"]


def test_rows_with_a_date_missing_or_unreadable_are_kept_as_printed() -> None:
    data = exported_sample("003")
    original = [h.cells for h in parse_bytes(data, "plain.xlsx").history]
    book, sheet = _history_book(data)
    sheet.cell(row=3, column=1).value = None  # the first row: nothing above to share a date with
    sheet.cell(row=4, column=1).value = "R3.3.31"  # a short era form: read
    sheet.cell(row=5, column=1).value = "令和3年3月"  # no day: kept, not read as a date
    rows = _history(book)
    assert len(rows) == len(original) == 18
    assert [r[0] for r in rows[:3]] == ["", "R3.3.31", "令和3年3月"]
    assert [r[1:] for r in rows] == [o[1:] for o in original]
    result = CliRunner().invoke(app, ["audit", str(_saved(book)), "--format", "json"])
    codes = [(f["code"], f["項目"]) for f in json.loads(result.stdout)["findings"] if f["code"].startswith("history")]
    assert codes == [("history-no-date", original[0][1]), ("history-bad-date", original[2][1])]


def _saved(book) -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    book.save(folder / "book.xlsx")
    return folder / "book.xlsx"


def test_two_rows_for_one_item_with_date_and_item_merged_stay_two_rows() -> None:
    """The 11th and 12th rows of 003's table both change 保管場所; written with 変更日 and 項目 merged over
    both, the second keeps its own texts and 提出時期 (it is no continuation of the first)."""
    data = exported_sample("003")
    original = [h.cells for h in parse_bytes(data, "plain.xlsx").history]
    first, second = 13, 14  # sheet rows of those two table rows (the title and the header above)
    assert original[first - 3][1] == original[second - 3][1]
    book, sheet = _history_book(data)
    sheet.cell(row=second, column=1).value = None
    sheet.cell(row=second, column=2).value = None
    sheet.merge_cells(start_row=first, start_column=1, end_row=second, end_column=1)
    sheet.merge_cells(start_row=first, start_column=2, end_row=second, end_column=2)
    rows = _history(book)
    assert len(rows) == 18
    assert rows[first - 3] == original[first - 3]
    assert rows[second - 3] == ("", "", *original[second - 3][2:])
    result = CliRunner().invoke(app, ["audit", str(_saved(book)), "--format", "json"])
    audited = json.loads(result.stdout)["rows"]
    assert audited[second - 3]["item_paths"] == audited[first - 3]["item_paths"] != []  # the item above


def test_text_below_the_table_is_reported_not_made_part_of_a_row() -> None:
    data = exported_sample("003")
    original = [h.cells for h in parse_bytes(data, "plain.xlsx").history]
    book, sheet = _history_book(data)
    end = sheet.max_row
    sheet.cell(row=end + 1, column=5).value = "以上"
    sheet.cell(row=end + 2, column=4).value = "作成者"
    sheet.cell(row=end + 2, column=5).value = "市民課 国民年金係"
    sheet.cell(row=end + 3, column=2).value = "※ 提出時期は担当課が記入する。"
    read = _read(book)
    assert [h.cells for h in read.history] == original
    # 「以上」 closes the table: no row and nothing to report; the rest is reported
    assert _unplaced(read) == ["作成者 市民課 国民年金係", "※ 提出時期は担当課が記入する。"]


@pytest.mark.parametrize("layout", ["header line break", "title without brackets", "title with a date", "no title"])
def test_the_table_is_found_however_its_title_and_header_are_written(layout: str) -> None:
    data = exported_sample("003")
    original = [h.cells for h in parse_bytes(data, "plain.xlsx").history]
    book, sheet = _history_book(data)
    if layout == "header line break":
        sheet["A2"] = "変更\n日"
        sheet.merge_cells("A3:A4")  # and the first two rows share a date cell
    elif layout == "title without brackets":
        sheet["A1"] = "別添2 変更箇所"
    elif layout == "title with a date":
        sheet["F1"] = "令和5年11月6日現在"
    else:
        sheet.delete_rows(1)
    rows = _history(book)
    if layout == "header line break":
        assert rows == [original[0], ("", *original[1][1:]), *original[2:]]
    else:
        assert rows == original


def test_a_row_typed_on_that_starts_like_a_label_is_more_of_the_value_above() -> None:
    data = exported_sample("003")
    plain = _ok_values(parse_bytes(data, "plain.xlsx"))
    book = load_workbook(io.BytesIO(data))
    sheet = book["Ⅱ ファイルの概要"]
    row = _find_row(sheet, "⑤使用方法")
    sheet.insert_rows(row + 1)
    sheet.cell(row=row + 1, column=2).value = "情報の突合により資格を確認する。"
    again = _read(book)
    use = next(p for p in plain if p[-1] == "⑤使用方法")
    match = next(p for p in plain if p[-1] == "情報の突合")
    assert again.fields[use].value == f"{plain[use]}\n情報の突合により資格を確認する。"
    assert again.fields[match].value == plain[match]
    assert _unplaced(again) == []


def test_a_sheet_after_the_change_table_is_no_part_of_it() -> None:
    """A list of 選択肢 kept on a sheet after the 別添2: its rows are reported, the table is unchanged."""
    data = exported_sample("003")
    original = [h.cells for h in parse_bytes(data, "plain.xlsx").history]
    book = load_workbook(io.BytesIO(data))
    extra = book.create_sheet("選択肢")
    extra.append(["ファイルの種類", "システム用ファイル"])
    extra.append(["対象人数", "1万人以上10万人未満"])
    read = _read(book)
    assert [h.cells for h in read.history] == original
    assert _unplaced(read) == ["ファイルの種類 システム用ファイル", "対象人数 1万人以上10万人未満"]


@pytest.mark.parametrize("offset", [-1, -4, -6, -7])
def test_the_change_table_sheet_may_stand_anywhere(offset: int) -> None:
    """The 別添2 sheet moved before Ⅴ, before Ⅲ, right after the cover, first: the sheets after it are
    still read as the form, the table is the same."""
    data = exported_sample("003")
    plain = parse_bytes(data, "plain.xlsx")
    book = load_workbook(io.BytesIO(data))
    book.move_sheet("別添2 変更箇所", offset=offset)
    assert book.sheetnames[-1] != "別添2 変更箇所"
    read = _read(book)
    assert _ok_values(read) == _ok_values(plain)
    assert [h.cells for h in read.history] == [h.cells for h in plain.history]
    assert _unplaced(read) == []


def test_a_table_run_on_to_a_second_sheet_keeps_its_rows() -> None:
    """The 別添2 rows from the 9th on moved to a second sheet without a header row, led by a row
    that only names a part (Ⅲ リスク対策, read already): no row lost, no second file made up."""
    data = exported_sample("003")
    plain = parse_bytes(data, "plain.xlsx")
    original = [h.cells for h in plain.history]
    book = load_workbook(io.BytesIO(data))
    sheet = book["別添2 変更箇所"]
    rest = [[c.value for c in row] for row in sheet.iter_rows(min_row=11)]
    sheet.delete_rows(11, len(rest))
    more = book.create_sheet("別添2 変更箇所(2)")
    more.append([None, "Ⅲ リスク対策"])
    for values in rest:
        more.append(values)
    read = _read(book)
    assert [h.cells for h in read.history] == original
    assert _unplaced(read) == ["Ⅲ リスク対策"]
    assert read.meta.to_json()["files"] == plain.meta.to_json()["files"] == {}
    assert _ok_values(read) == _ok_values(plain)
