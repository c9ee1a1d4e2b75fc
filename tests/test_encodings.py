"""A document is the same document in any encoding it is saved in, and text in angle brackets is text."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pia_diff.cli import app
from pia_diff.errors import InputError
from pia_diff.ingest import parse_bytes
from pia_diff.ingest.encoding import decode
from pia_diff.text import compare_key, fold, html_to_text

from .conftest import ROOT, seed

runner = CliRunner()
NEW = ROOT / "samples" / "asahikawa" / "new.txt"
TEXT = NEW.read_text(encoding="utf-8")
# What Windows' and glibc's Shift_JIS encoders write for the characters CP932 lacks (their "best fit"),
# and so what comes back when the file is read: the code page's dash and wave dash.
BEST_FIT = str.maketrans({"\u2014": "\u2015", "\uff5e": "\u301c"})


def _fields(data: bytes) -> dict[object, object]:
    return {path: (item.value, item.certainty) for path, item in parse_bytes(data, "x.txt").fields.items()}


def _rows(old: Path, new: Path) -> list[dict[str, object]]:
    result = runner.invoke(app, ["diff", str(old), str(new), "--format", "json", "--date", "令和7年1月1日"])
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


@pytest.mark.parametrize("how", ["python", "iconv"])
def test_the_sample_saved_as_shift_jis_is_the_same_document(how: str, tmp_path: Path) -> None:
    """Shift_JIS has no U+2014: encoders write its dash 0x815C, which reads back as U+2015."""
    sjis = tmp_path / "new-sjis.txt"
    if how == "iconv":
        if shutil.which("iconv") is None:
            pytest.skip("no iconv")
        subprocess.run(["iconv", "-f", "UTF-8", "-t", "CP932", str(NEW), "-o", str(sjis)], check=True)
    else:
        sjis.write_bytes(TEXT.translate(BEST_FIT).encode("cp932"))
    read_back = decode(sjis.read_bytes(), "new-sjis.txt")
    assert "\u2014" in TEXT and "\u2015" in read_back and "\u2014" not in read_back  # the test is not vacuous
    assert _rows(NEW, sjis) == []
    assert _rows(sjis, NEW) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("\u2014", "\u2015"),  # em dash, CP932's horizontal bar
        ("\u301c", "\uff5e"),  # wave dash, full-width tilde
        ("\u2016", "\u2225"),  # double vertical line, parallel to
        ("\u2212", "\uff0d"),  # minus sign, full-width hyphen-minus
        ("\u00a2", "\uffe0"),
        ("\u00a3", "\uffe1"),
        ("\u00ac", "\uffe2"),
    ],
)
def test_code_page_characters_compare_as_one(a: str, b: str) -> None:
    assert fold(f"期間1月{a}3月") == fold(f"期間1月{b}3月")
    assert compare_key(f"A{a}B") == compare_key(f"A{b}B")


def test_folding_keeps_circled_numbers_and_distinct_dashes() -> None:
    assert fold("①システム\u2015") == "①システム\u2014"
    assert fold("ABC") == "ABC" and fold("ａｂｃ") == "abc"
    assert compare_key("A\u2014B") != compare_key("A\u30fcB")  # the long vowel mark is no dash


# Each encoding a 評価書 text may come in, with how the file is made (best fit where the encoding
# lacks a character, as the encoders people use do).
ENCODINGS = {
    "utf-32 with BOM": lambda text: text.encode("utf-32"),
    "utf-32-be with BOM": lambda text: b"\x00\x00\xfe\xff" + text.encode("utf-32-be"),
    "utf-32-le without BOM": lambda text: text.encode("utf-32-le"),
    "iso-2022-jp": lambda text: text.translate(BEST_FIT).encode("iso2022_jp_2004"),
    "euc-jp": lambda text: text.translate(BEST_FIT).encode("euc_jis_2004"),
    "utf-16 with BOM": lambda text: text.encode("utf-16"),
    "shift_jis": lambda text: text.translate(BEST_FIT).encode("cp932"),
}


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_every_encoding_reads_as_the_same_document(encoding: str) -> None:
    expected = _fields(TEXT.encode("utf-8"))
    data = ENCODINGS[encoding](TEXT)
    found = _fields(data)
    assert found.keys() == expected.keys()
    differ = [p for p in expected if compare_key(str(found[p][0])) != compare_key(str(expected[p][0]))]
    assert differ == []


def test_euc_jp_made_by_iconv_is_read(tmp_path: Path) -> None:
    if shutil.which("iconv") is None:
        pytest.skip("no iconv")
    euc = tmp_path / "euc.txt"
    subprocess.run(["iconv", "-f", "UTF-8", "-t", "EUC-JP-MS", str(NEW), "-o", str(euc)], check=True)
    assert _rows(NEW, euc) == []


def test_iso_2022_jp_is_not_read_as_ascii() -> None:
    text = decode("①評価書".encode("iso2022_jp_2004"), "x.txt")
    assert text == "①評価書" and "\x1b" not in text


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"\xff\xfe\x00\x00" + b"\x00\x00\x11\x00", "UTF-32"),  # beyond U+10FFFF
        (b"\x1b$B" + b"\x7f\x7f\x7f\x7f", "ISO-2022-JP"),
        (b"\xff\xfe\xff\xfe\x00\xd8", "UTF-16"),
        (bytes(range(0x80, 0x100)) * 3, "UTF-8、UTF-16、UTF-32、Shift_JIS、EUC-JP、ISO-2022-JP"),
    ],
)
def test_an_unreadable_encoding_is_refused_by_name(data: bytes, named: str) -> None:
    with pytest.raises(InputError) as caught:
        decode(data, "x.txt")
    assert named in caught.value.problem and "評価書として認識できません" not in caught.value.problem


# Text in angle brackets is text; only the extract's HTML markup is markup.
@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("<Note: 外国人住民を含む>", "<Note: 外国人住民を含む>"),
        ("連絡先 <name@city.example.jp>", "連絡先 <name@city.example.jp>"),
        ("<a@b.example.jp>", "<a@b.example.jp>"),
        ("<data@x.jp> <li: 注>", "<data@x.jp> <li: 注>"),
        ("<p 外国人>", "<p 外国人>"),
        ("<選択肢>", "<選択肢>"),
        ("<p>一</p><p>二</p>", "一\n二"),
        ('<input type="checkbox"/> 紙 <input checked="" type="radio"/> 電子', "紙 電子"),
        ('<td colspan="2" style="text-align: center;">x</td>', "x"),
        ('<ol style="list-style-type: none"><li>a</li><li>b</li></ol>', "a\nb"),
        ("a<br>b<br/>c<BR />d", "a\nb\nc\nd"),
        ("<b>太字</b>と<small>小</small>", "太字 と 小"),  # inline tags become a space, as before
    ],
)
def test_angle_brackets_are_text_unless_they_are_markup(raw: str, text: str) -> None:
    assert html_to_text(raw) == text


def test_an_edit_inside_angle_brackets_is_a_change(tmp_path: Path) -> None:
    """The issue's case: a note in ASCII angle brackets inside a value, edited in the new version."""
    label = "②事務の内容"
    old_text = seed("001").read_text(encoding="utf-8")
    line = next(line for line in old_text.split("\n") if line.startswith(label + "\t"))
    old_line = line.replace("</p>", " <Note: 外国人住民を含む> 連絡先 <name@city.example.jp></p>", 1)
    new_line = old_line.replace("<Note: 外国人住民を含む>", "<Note: 外国人住民を除く>").replace("name@", "other@")
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(old_text.replace(line, old_line, 1), encoding="utf-8")
    new.write_text(old_text.replace(line, new_line, 1), encoding="utf-8")
    rows = _rows(old, new)
    assert len(rows) == 1 and label in str(rows[0]["項目"])
    assert "<Note: 外国人住民を除く>" in str(rows[0]["変更後の記載"])
    shown = runner.invoke(app, ["show", str(new), "--format", "json"])
    assert "other@city.example.jp" in shown.stdout and "<Note: 外国人住民を除く>" in shown.stdout
