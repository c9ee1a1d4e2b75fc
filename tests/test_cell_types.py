"""Every kind of Excel cell is read as the text Excel shows or named, never a crash; the workbook
reader's limits hold whatever the parts are named; only the library's failures are the file's fault."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from pia_diff.errors import InputError
from pia_diff.ingest import parse_bytes, workbook
from pia_diff.values import Certainty

from .conftest import exported_sample
from .hostile import corpus
from .hostile.runner import run

ITEM = ("Ⅰ 基本情報", "6 評価実施機関における担当部署", "②所属長の役職名")
LABEL = "②所属長の役職名"


def _exported() -> bytes:
    return exported_sample("003")


def _with_value(value: object, data_type: str | None = None) -> bytes:
    """The exported sample with the value cell of ②所属長の役職名 set as openpyxl sets it."""
    book = load_workbook(io.BytesIO(_exported()))
    sheet = book["Ⅰ 基本情報"]
    row = next(r[0].row for r in sheet.iter_rows() if r[0].value == LABEL)
    cell = sheet.cell(row=row, column=2)
    cell.value = value
    if data_type is not None:
        cell.data_type = data_type
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("value", "data_type", "text"),
    [
        (dt.time(9, 30), None, "9:30"),
        (dt.time(9, 30, 15), None, "9:30:15"),
        (dt.date(2024, 4, 1), None, "令和6年4月1日"),
        (dt.datetime(2024, 4, 1, 13, 5), None, "令和6年4月1日 13:05"),
        (dt.datetime(2019, 5, 1), None, "令和元年5月1日"),
        (dt.timedelta(hours=36, minutes=5), None, "36:05:00"),
        ("#N/A", "e", "#N/A"),
        ("#DIV/0!", "e", "#DIV/0!"),
        (CellRichText(["課長", TextBlock(InlineFont(b=True), "補佐")]), None, "課長補佐"),
        (True, None, "TRUE"),
        (False, None, "FALSE"),
        (3.0, None, "3"),
        (0.1 + 0.2, None, "0.3"),
        (1234567.25, None, "1234567.25"),
        (1e20, None, "1e+20"),
        (-7, None, "-7"),
    ],
)
def test_every_cell_type_is_read_as_excel_shows_it(value: object, data_type: str | None, text: str) -> None:
    snapshot = parse_bytes(_with_value(value, data_type), "types.xlsx")
    assert snapshot.fields[ITEM].value == text
    assert snapshot.fields[ITEM].certainty is Certainty.OK


def test_a_formula_without_a_saved_result_is_uncertain_never_guessed() -> None:
    """openpyxl writes formulas without a result (it does not calculate): the workbook shows no value."""
    snapshot = parse_bytes(_with_value('=CONCATENATE("市民","課長")'), "formula.xlsx")
    assert snapshot.fields[ITEM].certainty is not Certainty.OK
    assert not snapshot.fields[ITEM].value or snapshot.fields[ITEM].value != "市民課長"
    others = parse_bytes(_exported(), "plain.xlsx").fields
    changed = [p for p, f in snapshot.fields.items() if p != ITEM and f.certainty != others[p].certainty]
    assert changed == []  # only that item


def test_our_own_bug_is_not_reported_as_a_damaged_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the library's calls are inside the 「読めません」 excepts: a bug in our assembly surfaces
    (the CLI turns it into exit 3 with a saved traceback)."""

    def broken(value: object) -> str:
        raise TypeError("a bug of ours")

    monkeypatch.setattr(workbook, "_cell_text", broken)
    with pytest.raises(TypeError, match="a bug of ours"):
        parse_bytes(_exported(), "ours.xlsx")


def _rewritten(data: bytes, change: dict[str, tuple[str, bytes] | None]) -> bytes:
    """The package with parts renamed or replaced: name → (new name, new content) or None to drop it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            name = item.filename
            if name in change:
                replaced = change[name]
                if replaced is None:
                    continue
                name, content = replaced
            target.writestr(name, content)
    return out.getvalue()


def _big_xml(megabytes: int, tag: str) -> bytes:
    """An XML part of random-ish text (it does not compress away) inside the given root element."""
    body = "".join(f"<si><t>{os.urandom(3000).hex()}</t></si>" for _ in range(megabytes * 1024 * 1024 // 6000 + 1))
    return f'<?xml version="1.0"?><{tag} xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{body}</{tag}>'.encode()


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/strings/other.xml", "xl/SHAREDSTRINGS2.XML"])
def test_shared_strings_under_any_part_name_keep_the_limit(part: str) -> None:
    """openpyxl finds the shared strings through [Content_Types].xml, whatever the part is called."""
    data = corpus.shared_strings_xlsx(12, part)
    assert part in zipfile.ZipFile(io.BytesIO(data)).namelist()
    with pytest.raises(InputError, match="共有文字列が大きすぎます"):
        parse_bytes(data, "renamed.xlsx")
    small = corpus.shared_strings_xlsx(1, part)  # the same package under the limit is read by openpyxl
    text, _places = workbook.workbook_text(small, "small.xlsx")
    assert len(text) > 3000


def test_any_xml_part_read_whole_is_bounded() -> None:
    hostile = _rewritten(_exported(), {"xl/styles.xml": ("xl/styles.xml", _big_xml(12, "styleSheet"))})
    with pytest.raises(InputError, match=r"xl/styles\.xml が大きすぎます"):
        parse_bytes(hostile, "styles.xlsx")


def test_a_big_picture_is_no_reason_to_refuse() -> None:
    picture = os.urandom(11 * 1024 * 1024)
    data = _rewritten(_exported(), {})
    with_picture = io.BytesIO(data)
    with zipfile.ZipFile(with_picture, "a") as archive:
        archive.writestr("xl/media/image1.png", picture)
    assert parse_bytes(with_picture.getvalue(), "picture.xlsx").fields[ITEM].value


def test_strict_open_xml_is_read_as_the_same_workbook(tmp_path: Path) -> None:
    plain = _with_value(dt.date(2024, 4, 1))
    strict = corpus.strict_ooxml(plain)
    assert b"purl.oclc.org" in zipfile.ZipFile(io.BytesIO(strict)).read("xl/workbook.xml")
    expected = {p: f.value for p, f in parse_bytes(plain, "plain.xlsx").fields.items()}
    assert {p: f.value for p, f in parse_bytes(strict, "strict.xlsx").fields.items()} == expected
    path = tmp_path / "strict.xlsx"
    path.write_bytes(strict)
    result = run(["show", str(path)], tmp_path)
    assert result.returncode == 0 and "Warning" not in result.stderr and "warn" not in result.stderr.lower()


def test_a_workbook_library_warning_never_reaches_the_user(tmp_path: Path) -> None:
    """openpyxl warns in English (here: a sheet entry without an id); the user sees no such line."""
    book = Workbook()
    book.active["A1"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(buffer)
    workbook_xml = source.read("xl/workbook.xml").replace(b"</sheets>", b'<sheet name="extra" sheetId="9"/></sheets>')
    path = tmp_path / "warns.xlsx"
    path.write_bytes(_rewritten(buffer.getvalue(), {"xl/workbook.xml": ("xl/workbook.xml", workbook_xml)}))
    result = run(["show", str(path)], tmp_path)
    assert result.returncode == 2 and "認識できません" in result.stderr
    assert "UserWarning" not in result.stderr and "This will be removed" not in result.stderr


@pytest.mark.parametrize(
    ("part", "content", "reason"),
    [
        ("xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c", "XML が壊れています"),
        ("xl/workbook.xml", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><workbook>&a;</workbook>", "実体宣言"),
    ],
)
def test_a_damaged_part_is_named_in_japanese(part: str, content: bytes, reason: str) -> None:
    book = Workbook()
    book.active["A1"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(InputError) as caught:
        parse_bytes(_rewritten(buffer.getvalue(), {part: (part, content)}), "broken.xlsx")
    assert "Excel ファイルを読めません" in caught.value.problem and reason in caught.value.problem
