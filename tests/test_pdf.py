"""Reading published PDFs (pia_diff/ingest/pdf.py): same snapshot as the text reader, and bad PDFs refused.

The PDFs under tests/data/pdf/ were laid out from samples 001 and 003 as the official 様式3 prints
them and printed by LibreOffice (tools/make_pdf_fixtures.py); the tests need neither.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

from pia_diff.errors import InputError
from pia_diff.ingest import parse_bytes, read_document
from pia_diff.ingest.pdf import UNMAPPED, is_pdf, mark_unmapped, pdf_text
from pia_diff.ingest.pdfcells import Char, cell_text, dedupe, normalise_char
from pia_diff.model import DocumentMeta
from pia_diff.snapshot import Field, Snapshot
from pia_diff.text import compare_key
from pia_diff.values import Certainty
from tests.conftest import ROOT, seed

PDF = Path(__file__).resolve().parent / "data" / "pdf"


@pytest.fixture(scope="module")
def read() -> Any:
    cache: dict[Path, Snapshot] = {}

    def reader(path: Path) -> Snapshot:
        if path not in cache:
            cache[path] = read_document(path)
        return cache[path]

    return reader


def _marks(text: str) -> str:
    """History cells as printed use 「[ ○ ]」; the sample's cell text wrote 「[○]」."""
    return compare_key(re.sub(r"\[\s*(○?)\s*\]", r"[\1]", text))


@pytest.mark.parametrize(("pdf", "text"), [("003_asahikawa.pdf", "003"), ("001_kawaguchi.pdf", "001")])
def test_pdf_reads_as_its_text_extract(pdf: str, text: str, read: Any) -> None:
    from_pdf = read(PDF / pdf)
    from_text = read(seed(text))
    assert set(from_pdf.fields) == set(from_text.fields)
    both_ok = 0
    for path, want in from_text.fields.items():
        got = from_pdf.fields[path]
        if want.certainty is Certainty.OK:
            # everything the text reader read is read from the PDF too
            assert got.certainty is Certainty.OK, path
        if want.certainty is Certainty.OK and got.certainty is Certainty.OK:
            both_ok += 1
            # the same value, line breaks included (printed line ends were told from paragraph ends)
            assert got.value == want.value, path
    assert both_ok > 80
    assert from_pdf.meta.to_json()["評価実施機関名"] == from_text.meta.to_json()["評価実施機関名"]
    assert from_pdf.meta.to_json()["公表日"] == from_text.meta.to_json()["公表日"]
    # the 別添2 rows come from the PDF's own table, rows broken over a page joined
    assert [tuple(_marks(c) for c in r.cells) for r in from_pdf.history] == [
        tuple(_marks(c) for c in r.cells) for r in from_text.history
    ]


def test_pdf_values_in_detail(read: Any) -> None:
    snap = read(PDF / "003_asahikawa.pdf")
    fields = {path[-1]: f for path, f in snap.fields.items() if path[0].startswith("Ⅰ")}
    assert fields["①部署"].value == "市民生活部市民課"
    assert fields["①実施の有無"].value == "実施しない"  # 「[ 実施しない ]」 beside its ＜選択肢＞ box
    assert fields["①部署"].line == "1ページ"
    kawaguchi = read(PDF / "001_kawaguchi.pdf")
    system1 = next(f for p, f in kawaguchi.fields.items() if "システム1" in p and p[-1] == "③他のシステムとの接続")
    assert system1.value.state("庁内連携システム") is True  # printed 「[ ○ ]」
    assert system1.value.state("情報提供ネットワークシステム") is False  # printed 「[ ]」


def test_long_cell_broken_over_a_page_is_joined(read: Any) -> None:
    snap = read(PDF / "003_asahikawa.pdf")
    text = read(seed("003"))
    path = next(p for p in snap.fields if p[-1] == "保管場所")
    value = str(snap.fields[path].value)
    assert value.count("\n") == str(text.fields[path].value).count("\n")
    assert compare_key(value) == compare_key(str(text.fields[path].value))
    # one row of cell text: the half printed on the next page was joined to its label's row
    lines = pdf_text((PDF / "003_asahikawa.pdf").read_bytes(), "x")[0].split("\n")
    row = next(ln for ln in lines if ln.startswith("保管場所"))
    assert compare_key(row).endswith(compare_key(str(text.fields[path].value))[-20:])
    assert not any(ln.startswith("\t") and compare_key(str(text.fields[path].value))[-20:] in ln for ln in lines)


def test_history_row_over_a_page_break(read: Any) -> None:
    snap = read(PDF / "003_asahikawa.pdf")
    # the row for I-1-② was split over pages 4 and 5; its 変更後の記載 is whole again, and no
    # row was made of its second half
    third = next(r for r in snap.history if r.cells[1] == "I-1-② 事務の内容")
    assert len(snap.history) == 18
    assert third.line == "4ページ"
    assert third.cells[3].endswith("申請・届出の受理・審査等を行う。")
    assert third.cells[3].startswith("「国民年金法」")
    assert third.cells[0] == "令和3年3月31日"


def test_running_heads_and_page_numbers_dropped() -> None:
    text, places = pdf_text((PDF / "003_asahikawa.pdf").read_bytes(), "x")
    assert len(text.split("\n")) == len(places)
    assert "- 2 -" not in text
    assert not re.search(r"^-\s*\d+\s*-$", text, re.M)
    # the header names the assessment on every page; only the cover's own line remains
    assert text.count("国民年金に関する事務 重点項目評価書") == 1
    assert places[0] == "1ページ" and places[-1] == "6ページ"


def test_revision_pair_as_pdfs() -> None:
    from pia_diff.pipeline import compare_files
    from pia_diff.wareki import parse_date

    date = parse_date("令和6年4月1日")
    assert date is not None
    rows = compare_files(PDF / "003_asahikawa.pdf", PDF / "003_asahikawa_revised.pdf", date).rows
    assert [(r.項目.split()[-1], r.提出時期) for r in rows] == [("①部署", "事後"), ("③対象となる本人の範囲", "事前")]
    assert rows[0].変更前の記載 == "市民生活部市民課" and rows[0].変更後の記載 == "市民生活部国民年金課"


# ---- the pieces ------------------------------------------------------------------------------


def test_kangxi_radicals_and_compatibility_forms_normalised() -> None:
    assert normalise_char("\u2f47") == "日"  # KANGXI RADICAL SUN
    assert normalise_char("\u2f08") == "人"  # KANGXI RADICAL MAN
    assert normalise_char("\uf9dc") == "隆"  # CJK COMPATIBILITY IDEOGRAPH
    assert normalise_char("Ａ") == "Ａ"  # full-width letters are printed text: kept
    assert normalise_char("■") == "[○]" and normalise_char("□") == "[ ]"


def _char(text: str, x0: float, top: float = 10.0, width: float = 9.0) -> Char:
    return Char(text, x0, x0 + width, top, top + 9, 9.0)


def test_doubled_characters_removed() -> None:
    fake_bold = [_char("市", 0), _char("市", 0.4), _char("長", 9), _char("長", 9.3)]
    assert [c.text for c in dedupe(fake_bold)] == ["市", "長"]
    # two real letters side by side stay two
    roman = [_char("I", 0, width=2.5), _char("I", 2.6, width=2.5)]
    assert len(dedupe(roman)) == 2
    # a line of 30,000 of one character (a hostile page): each is looked up among the others in
    # logarithmic time, not against every one before it
    assert len(dedupe([_char("x", 9.0 * i) for i in range(30_000)])) == 30_000
    assert len(dedupe([_char("x", 9.0 * (i // 2) + 0.1 * (i % 2)) for i in range(30_000)])) == 15_000


def test_cell_lines_back_into_paragraphs() -> None:
    full = [_char(ch, 9 * i) for i, ch in enumerate("特定個人情報ファイル名")]  # runs to the right edge (99)
    short = [_char(ch, 9 * i, top=20) for i, ch in enumerate("の記載")]  # ends its paragraph
    last = [_char(ch, 9 * i, top=30) for i, ch in enumerate("次の段落")]
    assert cell_text(full + short + last, right=99) == ("特定個人情報ファイル名の記載\n次の段落", False)
    words = [_char(ch, 9 * i, width=8) for i, ch in enumerate("Government")]  # ASCII words wrapped
    cloud = [_char(ch, 9 * i, top=20, width=8) for i, ch in enumerate("Cloud")]
    assert cell_text(words + cloud, right=90)[0] == "Government Cloud"
    # a sentence that fills its line exactly, then a numbered item: a new paragraph, not a wrap
    sentence = [_char(ch, 9 * i) for i, ch in enumerate("以下の事務を行う。")]
    item = [_char(ch, 9 * i, top=20) for i, ch in enumerate("①届出")]
    assert cell_text(sentence + item, right=81)[0] == "以下の事務を行う。\n①届出"
    wrapped = [_char(ch, 9 * i, top=20) for i, ch in enumerate("届出の受理")]
    assert cell_text(sentence + wrapped, right=81)[0] == "以下の事務を行う。届出の受理"


def test_unmapped_glyph_makes_the_item_uncertain() -> None:
    path = ("Ⅰ 基本情報", "6 評価実施機関における担当部署", "①部署")
    good = ("Ⅰ 基本情報", "6 評価実施機関における担当部署", "②所属長の役職名")
    snap = Snapshot(
        meta=DocumentMeta(),
        fields={
            path: Field(path, f"市民生活部市{UNMAPPED}課", "1ページ", Certainty.OK),
            good: Field(good, "市民課長", "1ページ", Certainty.OK),
        },
        history=[],
    )
    marked = mark_unmapped(snap)
    assert marked.fields[path].certainty is Certainty.UNCERTAIN
    assert marked.fields[path].value == f"市民生活部市{UNMAPPED}課"  # shown as unreadable, not guessed
    assert marked.fields[good].certainty is Certainty.OK


def test_cid_glyphs_in_a_real_pdf_are_never_read_as_values() -> None:
    # Strip the fonts' Unicode maps: every glyph becomes (cid:NN). Nothing may be read as a value.
    data = (PDF / "003_asahikawa.pdf").read_bytes().replace(b"/ToUnicode", b"/ToUnicodX")
    with pytest.raises(InputError) as caught:
        parse_bytes(data, "cid.pdf")
    assert "認識できません" in caught.value.problem
    text, _ = pdf_text(data, "cid.pdf")
    assert UNMAPPED in text and "(cid:" not in text


def test_one_font_without_unicode_map_gives_uncertain_or_missing_never_guessed() -> None:
    # One of the six embedded font subsets loses its Unicode map, as some PDF writers leave it.
    data = (PDF / "003_asahikawa.pdf").read_bytes()
    font = re.search(rb"/BaseFont/GAAAAA\+[^/]*(?:/[A-Za-z]+[^/]*)*?/ToUnicode (\d+) 0 R", data)
    assert font is not None
    ref = b"/ToUnicode " + font.group(1) + b" 0 R"
    snap = parse_bytes(data.replace(ref, ref.replace(b"Unicode", b"UnicodX")), "font.pdf")
    whole = parse_bytes(data, "whole.pdf")
    unreadable = [f for f in snap.fields.values() if UNMAPPED in repr(f.value)]
    assert unreadable and all(f.certainty is Certainty.UNCERTAIN for f in unreadable)
    for path, item in snap.fields.items():
        if item.certainty is Certainty.OK:
            # whatever is still ok reads exactly as from the intact PDF
            assert item.value == whole.fields[path].value, path
    assert sum(f.certainty is Certainty.OK for f in snap.fields.values()) < 94


# ---- bad PDFs ----------------------------------------------------------------------------------


def _pdf(pages: list[bytes], trailer: bytes = b"", extra: list[bytes] | None = None, flate: bool = False) -> bytes:
    """A minimal PDF: one content stream per page, Helvetica."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for content in pages:
        page_id = len(objects) + 1
        kids.append(f"{page_id} 0 R".encode())
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {page_id + 1} 0 R "
            f"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>".encode()
        )
        packed = zlib.compress(content) if flate else content
        head = b"<< /Length %d%s >>\nstream\n" % (len(packed), b" /Filter /FlateDecode" if flate else b"")
        objects.append(head + packed + b"\nendstream")
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % len(kids)
    objects += extra or []
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer + b">>\nstartxref\n%d\n%%%%EOF\n" % xref
    return out


def _text_page(*lines: str) -> bytes:
    body = b"BT /F1 11 Tf 72 760 Td 14 TL "
    for line in lines:
        body += b"(" + line.encode("latin-1") + b") ' "
    return body + b"ET"


ENCRYPTED = _pdf(
    [_text_page("secret")],
    trailer=b"/Encrypt 5 0 R /ID [<0123456789abcdef0123456789abcdef><0123456789abcdef0123456789abcdef>] ",
    extra=[b"<< /Filter /Standard /V 1 /R 2 /O <" + b"41" * 32 + b"> /U <" + b"42" * 32 + b"> /P -4 >>"],
)
# a scanner's page: one grey image over the page, no text
SCANNED = _pdf([b"q 595 0 0 842 0 0 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x80\x90\xa0\xb0 EI Q"] * 2)
# 40 MB of drawing instructions packed into ~40 KB: pdfium unpacks and reads it within the child's
# limits (the 600 MB bomb of the hostile corpus is stopped by them); what it holds is no assessment
BOMB = _pdf([_text_page("x") + b" " * 40_000_000], flate=True)
NOT_AN_ASSESSMENT = _pdf([_text_page("Quarterly report", "Sales rose by 3 percent.")])
HUGE = _pdf([_text_page(f"page {n}") for n in range(301)])
VALID_HEAD = (PDF / "003_asahikawa.pdf").read_bytes()

BAD = {
    "encrypted": (ENCRYPTED, "パスワード"),
    "scanned": (SCANNED, "OCR"),
    "corrupt": (b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n", "壊れている"),
    "truncated": (VALID_HEAD[: len(VALID_HEAD) // 2], "途中で切れています"),
    "not_an_assessment": (NOT_AN_ASSESSMENT, "認識できません"),
    "too_many_pages": (HUGE, "ページが多すぎます"),
    "decompression_bomb": (BOMB, "認識できません"),
    "huge_page": (_pdf([_text_page("x") + b" " * 3_000_000]), "認識できません"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_pdf_is_refused_with_a_clear_message(case: str) -> None:
    data, words = BAD[case]
    with pytest.raises(InputError) as caught:
        parse_bytes(data, f"{case}.pdf")
    assert words in caught.value.problem
    assert caught.value.source == f"{case}.pdf"
    assert not re.search(r"\((?:[A-Z][a-z]+)+(?:Error|Exception)\)", caught.value.problem)  # no bare exception name


def test_expensive_pdf_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import pia_diff.ingest.pdf as pdf

    monkeypatch.setattr(pdf, "MAX_SECONDS", 0.0)
    with pytest.raises(InputError, match="時間がかかりすぎる"):
        pdf_text(VALID_HEAD, "slow.pdf")
    monkeypatch.setattr(pdf, "MAX_SECONDS", 60.0)
    monkeypatch.setattr(pdf, "MAX_OBJECTS", 10)
    with pytest.raises(InputError, match=r"描画要素が多すぎます \(1 ページまでで 477 個、文書全体の上限 10 個\)"):
        pdf_text(VALID_HEAD, "objects.pdf")
    monkeypatch.setattr(pdf, "MAX_OBJECTS", 200_000)
    monkeypatch.setattr(pdf, "MAX_CHARS", 5_000)
    with pytest.raises(InputError, match=r"文字が多すぎます \(3 ページまでで 6511 文字、文書全体の上限 5000 文字\)"):
        pdf_text(VALID_HEAD, "long.pdf")
    monkeypatch.setattr(pdf, "MAX_CHARS", 400_000)
    # every page over a budget of its own: nothing is left to read, and the message says why
    for name, limit, words in [
        ("MAX_CHARS_PER_PAGE", 100, "文字が多すぎます"),
        ("MAX_SHAPES_PER_PAGE", 10, "図形が多すぎます"),
        ("MAX_OBJECTS_PER_PAGE", 100, "描画要素が多すぎます"),
        ("MAX_SEGMENTS_PER_PAGE", 10, "図形の線分が多すぎます"),
        ("MAX_CROSSINGS_PER_PAGE", 10, "罫線の交点が多すぎます"),
    ]:
        monkeypatch.setattr(pdf, name, limit)
        with pytest.raises(InputError) as caught:
            pdf_text(VALID_HEAD, "dense.pdf")
        problem = caught.value.problem
        assert problem.startswith("PDF のどのページも読めませんでした。PDF の 1 ページ目を読めません: " + words), name
        assert "PDF の 3 ページ目を読めません" in problem and problem.endswith("ほか 3 件。")
        monkeypatch.undo()


def test_a_page_over_its_budget_is_reported_and_the_rest_read(monkeypatch: pytest.MonkeyPatch, read: Any) -> None:
    import pia_diff.ingest.pdf as pdf

    whole = read(PDF / "003_asahikawa.pdf")
    # page 3 of 003 has 2,575 characters (pdfium counts its inferred line ends too), the others fewer
    monkeypatch.setattr(pdf, "MAX_CHARS_PER_PAGE", 2_500)
    snap = parse_bytes(VALID_HEAD, "003.pdf")
    notices = [g for g in snap.meta.to_json()["読み取れない箇所"] if "ページ目を読めません" in g["内容"]]
    assert [g["行"] for g in notices] == ["3ページ"]
    assert notices[0]["内容"].startswith("PDF の 3 ページ目を読めません: 文字が多")  # the report shows 40 characters
    text, places = pdf_text(VALID_HEAD, "003.pdf")
    lines = text.split("\n")
    at = lines.index("PDF の 3 ページ目を読めません: 文字が多すぎます (2575 文字、上限 2500 文字)。")
    # a page break on each side, so that no value runs into the notice or out of it
    assert (lines[at - 1], lines[at + 1], places[at]) == ("\f", "\f", "3ページ")
    # what was printed on the other pages is read as before; page 3's items are not guessed
    kept = [path for path, f in whole.fields.items() if f.line in ("1ページ", "2ページ", "5ページ", "6ページ")]
    assert len(kept) > 40
    for path in kept:
        if path[-1] != "保管場所":  # its value runs on from page 2 into page 3
            assert snap.fields[path] == whole.fields[path], path
    on_page_3 = [path for path, f in whole.fields.items() if f.line == "3ページ" and f.certainty is Certainty.OK]
    assert len(on_page_3) > 10
    assert all(snap.fields[p].value != whole.fields[p].value for p in on_page_3 if p in snap.fields)


def test_many_ruling_lines_refused_before_finding_cells() -> None:
    lattice = b"".join(b"0 %d m 595 %d l S " % (y, y) for y in range(0, 6000))
    with pytest.raises(InputError, match="図形が多すぎます"):
        pdf_text(_pdf([_text_page("x") + b" " + lattice]), "lattice.pdf")


@pytest.mark.parametrize("case", ["encrypted", "scanned", "truncated"])
def test_cli_refuses_bad_pdf_exit_2_no_output(case: str, tmp_path: Path) -> None:
    bad = tmp_path / f"{case}.pdf"
    bad.write_bytes(BAD[case][0])
    out = tmp_path / "別添2.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "pia_diff", "diff", str(PDF / "003_asahikawa.pdf"), str(bad), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert str(bad) in done.stderr and BAD[case][1] in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


@pytest.mark.parametrize("command", ["show", "import", "audit", "check", "export"])
def test_every_command_refuses_a_scanned_pdf(command: str, tmp_path: Path) -> None:
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(SCANNED)
    out = tmp_path / ("out.json" if command == "import" else "out.xlsx")  # -o's extension chooses the format
    args = {
        "show": ["show", str(bad)],
        "import": ["import", str(bad), "-o", str(out)],
        "audit": ["audit", str(bad)],
        "check": ["check", str(PDF / "003_asahikawa.pdf"), str(bad)],
        "export": ["export", str(bad), "-o", str(out)],
    }[command]
    done = subprocess.run([sys.executable, "-m", "pia_diff", *args], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2, done.stderr
    assert "OCR" in done.stderr and "scan.pdf" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_pdf_recognised_by_content_not_extension(tmp_path: Path) -> None:
    copy = tmp_path / "評価書.txt"
    copy.write_bytes((PDF / "003_asahikawa.pdf").read_bytes())
    assert read_document(copy).meta.to_json()["評価実施機関名"] == "旭川市長"


def test_pdf_magic() -> None:
    assert is_pdf(b"%PDF-1.7\n...")
    assert is_pdf(b"\r\n junk from a mail gateway\r\n%PDF-1.4\n...")
    assert not is_pdf(b"PK\x03\x04 stored entry: %PDF-1.4 ...")
    assert not is_pdf("特定個人情報保護評価書(重点項目評価書)\n".encode())


# ---- pdfium's page content -------------------------------------------------------------------------


def _table_pdf(rules_in_form: bool) -> bytes:
    """A two-by-two ruled table with Helvetica text in its cells; the rules drawn in the page's own
    content, or inside a form XObject (scaled by its /Matrix) that draws a nested form for the
    horizontal rules, placed with a cm before Do."""
    from tests.hostile.pdf_corpus import Objects, page_with

    words = b"BT /F1 10 Tf 80 726 Td (Name) Tj 100 0 Td (Value) Tj -100 -20 Td (City) Tj 100 0 Td (Tokyo) Tj ET\n"
    vertical = b"0 0 m 0 20 l S 50 0 m 50 20 l S 100 0 m 100 20 l S"  # in the form's space: x2 by /Matrix
    horizontal = b"0 0 m 100 0 l S 0 10 m 100 10 l S 0 20 m 100 20 l S"
    objects = Objects()
    root, tree = objects.reserve(), objects.reserve()
    if rules_in_form:
        inner = objects.stream(horizontal, b"/Type /XObject /Subtype /Form /BBox [0 0 100 20]")
        outer = objects.stream(
            vertical + b" q /H Do Q",
            b"/Type /XObject /Subtype /Form /BBox [0 0 100 20] /Matrix [2 0 0 2 0 0]"
            b" /Resources << /XObject << /H %d 0 R >> >>" % inner,
        )
        page = page_with(objects, tree, words + b"q 1 0 0 1 72 700 cm /T Do Q", b"/T %d 0 R" % outer)
    else:
        drawn = b"q 1 0 0 1 72 700 cm 2 0 0 2 0 0 cm " + vertical + b" " + horizontal + b" Q"
        page = page_with(objects, tree, words + drawn)
    objects.put(root, b"<< /Type /Catalog /Pages %d 0 R >>" % tree)
    objects.put(tree, b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page)
    return objects.write(b"%PDF-1.7", root)


def test_rules_drawn_inside_form_xobjects_make_cells() -> None:
    direct, _ = pdf_text(_table_pdf(rules_in_form=False), "direct.pdf")
    assert direct == "Name\tValue\nCity\tTokyo"
    in_form, places = pdf_text(_table_pdf(rules_in_form=True), "form.pdf")
    assert in_form == direct
    assert places == ["1ページ", "1ページ"]


def test_page_turned_to_reading_order() -> None:
    from pia_diff.ingest.pdfium import Frame

    box = (0.0, 0.0, 600.0, 800.0)
    # where the first character of the first line is printed, for text that runs right, up, left
    # and down the stored page: 10 pt in from the line's start and from the reading page's top
    starts = {0: (10, 790), 1: (10, 10), 2: (590, 10), 3: (590, 790)}
    for quarter, (x, y) in starts.items():
        assert Frame(box, quarter).point(x, y) == (10, 10), quarter
    assert Frame(box, 0).size == Frame(box, 2).size == (600.0, 800.0)
    assert Frame(box, 1).size == Frame(box, 3).size == (800.0, 600.0)  # a landscape page stored turned
    # further along the line is further right; the next line is further down
    up = Frame(box, 1)
    assert up.point(10, 300) == (300, 10) and up.point(40, 10) == (10, 40)
    # a character's box keeps x0 < x1 and top < bottom whichever way the page is turned
    for quarter in range(4):
        x0, x1, top, bottom = Frame(box, quarter).box(100, 200, 110, 212)
        assert x0 < x1 and top < bottom


def test_the_child_reads_without_a_memory_limit_where_the_os_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no `resource`: the child falls back to a job object there, and elsewhere reads
    with the clock as its only bound (and says so)."""
    import io
    import json
    import marshal
    import types

    from pia_diff.ingest import pdfium

    monkeypatch.setitem(sys.modules, "resource", None)  # `import resource` fails, as on Windows
    monkeypatch.setattr(sys, "platform", "linux")
    assert pdfium.limit_memory(1 << 30) is False
    monkeypatch.setattr(sys, "platform", "win32")
    jobs: list[int] = []
    monkeypatch.setattr(pdfium, "_job_limit", lambda limit: jobs.append(limit) or True)
    assert pdfium.limit_memory(1 << 30) is True and jobs == [1 << 30]
    monkeypatch.setattr(sys, "platform", "linux")
    out = io.BytesIO()
    limits = {"pages": 300, "objects": 200_000, "page_objects": 50_000, "form_depth": 8, "page_segments": 100_000}
    limits |= {"page_chars": 30_000, "chars": 400_000, "memory": 1 << 30, "unmapped": UNMAPPED}
    monkeypatch.setattr(sys, "argv", ["pdfium.py", json.dumps(limits), "0"])
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(VALID_HEAD)))
    monkeypatch.setattr(sys, "stdout", types.SimpleNamespace(buffer=out))
    pdfium.main()
    data, messages = out.getvalue(), []
    while data:
        size = int.from_bytes(data[:4], "little")
        messages.append(marshal.loads(data[4 : 4 + size]))
        data = data[4 + size :]
    assert messages[0] == {"pages": 6, "memory_limited": False}
    assert [m["page"] for m in messages[1:-1]] == [0, 1, 2, 3, 4, 5]
    assert messages[-1] == {"done": True}
    assert any(c[0] == "旭" for c in messages[1]["chars"]) and len(messages[1]["edges"]) == 61


_FAKE_CHILD = """
import json, marshal, os, sys, time
limits, first = json.loads(sys.argv[1]), int(sys.argv[2])
mode, pages = os.environ["PDF_CHILD_MODE"], int(os.environ.get("PDF_CHILD_PAGES", "3"))
if mode == "missing module":
    import pypdfium2_not_installed
sys.stdin.buffer.read()
def emit(message):
    frame = marshal.dumps(message, 4)
    sys.stdout.buffer.write(len(frame).to_bytes(4, "little") + frame)
    sys.stdout.buffer.flush()
emit({"pages": pages, "memory_limited": True})
for page in range(first, pages):
    if page == 1 or (page > 1 and mode == "crash from page 2"):
        if mode == "stall":
            time.sleep(120)
        elif mode.startswith("crash"):
            os.abort()
        elif mode == "bug":
            raise ValueError("a bug of ours")
    chars = [[ch, 10.0 + 6 * i, 16.0 + 6 * i, 100.0, 110.0, 10.0] for i, ch in enumerate(f"page{page + 1}")]
    emit({"page": page, "size": [600.0, 800.0], "chars": chars, "edges": [], "spent": {"chars": 5, "objects": 5}})
emit({"done": True})
"""


def _fake_child(mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pdfium.py replaced by a child that speaks its protocol and fails as mode says."""
    from pia_diff.ingest import pdfchild

    script = tmp_path / "child.py"
    script.write_text(_FAKE_CHILD, encoding="utf-8")
    monkeypatch.setattr(pdfchild, "_SCRIPT", script)
    monkeypatch.setenv("PDF_CHILD_MODE", mode)


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("stall", "時間がかかりすぎます (1 ページ 0.5 秒まで)"),
        ("crash", "メモリの上限 (400 MB) を超えたか、読み取りが異常終了しました"),
    ],
)
def test_a_page_that_stops_the_child_is_reported_and_the_next_pages_read(
    mode: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pia_diff.ingest.pdf as pdf

    _fake_child(mode, tmp_path, monkeypatch)
    monkeypatch.setattr(pdf, "PAGE_SECONDS", 0.5)
    text, places = pdf_text(VALID_HEAD, "x.pdf")
    lines = text.split("\n")
    assert lines[0] == "page1" and lines[-1] == "page3"
    assert (lines[1], lines[3]) == ("\f", "\f")
    assert lines[2].startswith(f"PDF の 2 ページ目を読めません: {reason}")
    assert places == ["1ページ", "2ページ", "2ページ", "2ページ", "3ページ"]


def test_pages_that_keep_stopping_the_child_make_it_give_up_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pia_diff.ingest.pdf as pdf

    _fake_child("crash from page 2", tmp_path, monkeypatch)
    monkeypatch.setenv("PDF_CHILD_PAGES", "6")
    monkeypatch.setattr(pdf, "MAX_FAILED_PAGES", 2)
    text, places = pdf_text(VALID_HEAD, "x.pdf")
    lines = [line for line in text.split("\n") if line != "\f"]
    assert lines[0] == "page1"
    assert [line.split(":")[0] for line in lines[1:]] == [
        "PDF の 2 ページ目を読めません",
        "PDF の 3 ページ目を読めません",
        "PDF の 4〜6 ページ目を読めません",
    ]
    assert lines[-1].endswith("読み取りを打ち切りました (読み取りを止めたページが 2 つあったため)。")
    assert places[-1] == "4ページ"


@pytest.mark.parametrize("mode", ["bug", "missing module"])
def test_a_bug_in_the_child_is_ours_not_the_files(mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_child(mode, tmp_path, monkeypatch)
    with pytest.raises(RuntimeError, match=r"ValueError: a bug of ours|ModuleNotFoundError"):
        pdf_text(VALID_HEAD, "x.pdf")


# ---- ruling lines into cells ------------------------------------------------------------------------


def _grid(xs: list[float], tops: list[float]) -> list[tuple[float, float, float, float]]:
    """Full-length rules through xs and tops, as (x0, top, x1, bottom)."""
    return [(x, tops[0], x, tops[-1]) for x in xs] + [(xs[0], t, xs[-1], t) for t in tops]


def test_rules_become_table_rows() -> None:
    from pia_diff.ingest.pdfgrid import CellLimits, find_cells

    limits = CellLimits(rules=100, crossings=1000, checks=10_000)
    rows = find_cells(_grid([10, 60, 200], [100, 120, 150]), limits)
    assert rows == [[(10, 100, 60, 120), (60, 100, 200, 120)], [(10, 120, 60, 150), (60, 120, 200, 150)]]
    # rules drawn 2 pt apart (a double line, or two cells' borders) are one rule: no sliver of a cell
    doubled = [*_grid([10, 60, 200], [100, 120, 150]), (62, 100, 62, 150)]
    assert [len(r) for r in find_cells(doubled, limits)] == [2, 2]
    # a label cell merged down over two rows: the second row has no cell in the first column
    merged = [(10, 100, 10, 150), (60, 100, 60, 150), (200, 100, 200, 150)]
    merged += [(10, 100, 200, 100), (60, 120, 200, 120), (10, 150, 200, 150)]
    assert find_cells(merged, limits) == [[(10, 100, 60, 150), (60, 100, 200, 120)], [None, (60, 120, 200, 150)]]
    # a lone box is no table
    assert find_cells(_grid([10, 60], [100, 120]), limits) == []


def test_finding_cells_is_bounded() -> None:
    from pia_diff.ingest.pdfgrid import CellLimits, OverBudget, find_cells

    lattice = _grid([10.0 + 5 * i for i in range(100)], [10.0 + 5 * i for i in range(100)])
    with pytest.raises(OverBudget) as caught:
        find_cells(lattice, CellLimits(rules=1000, crossings=5000, checks=10**6))
    assert caught.value.what == "crossings" and caught.value.count > 5000
    with pytest.raises(OverBudget, match="rules"):
        find_cells(lattice, CellLimits(rules=150, crossings=10**6, checks=10**6))
    with pytest.raises(OverBudget, match="checks"):
        find_cells(lattice, CellLimits(rules=1000, crossings=10**6, checks=1000))
    # within its budgets the lattice is one table of 99 x 99 cells
    rows = find_cells(lattice, CellLimits(rules=1000, crossings=10**6, checks=10**6))
    assert len(rows) == 99 and {len(r) for r in rows} == {99}


def test_characters_placed_in_their_cells() -> None:
    from pia_diff.ingest.pdfcells import page_lines
    from pia_diff.ingest.pdfgrid import CellLimits

    chars = [_char(ch, 12 + 9 * i, top=104) for i, ch in enumerate("部署")]
    chars += [_char(ch, 62 + 9 * i, top=104) for i, ch in enumerate("市民課")]
    chars += [_char(ch, 62 + 9 * i, top=124) for i, ch in enumerate("国民年金課")]
    chars += [_char(ch, 12 + 9 * i, top=300) for i, ch in enumerate("欄外")]
    lines = page_lines(chars, _grid([10, 60, 200], [100, 120, 150]), 800.0, CellLimits(100, 1000, 10_000))
    assert [(ln.cells, ln.in_table) for ln in lines] == [
        (["部署", "市民課"], True),
        (["", "国民年金課"], True),
        (["欄外"], False),
    ]
    assert lines[0].top == 100 / 800 and lines[-1].top == 300 / 800
    assert page_lines(chars, [], 0.0, CellLimits(100, 1000, 10_000))[0].cells == ["部署 市民課"]  # no height: no crash


def test_placing_characters_is_bounded() -> None:
    from pia_diff.ingest.pdfcells import page_lines
    from pia_diff.ingest.pdfgrid import CellLimits, OverBudget

    # 140 x 140 cells of 3.5 pt and 30,000 characters over them: every character would look at
    # hundreds of cells of its band
    steps = [10.0 + 3.5 * i for i in range(141)]
    chars = [_char("x", 10 + (i % 490), top=10 + (i // 490) * 8, width=0.5) for i in range(30_000)]
    with pytest.raises(OverBudget) as caught:
        page_lines(chars, _grid(steps, steps), 800.0, CellLimits(rules=1000, crossings=10**6, checks=10**6))
    assert caught.value.what == "placing"
    # characters far off the page do not make the bands without end: they are read, outside any cell
    far = [_char("a", 20, top=-1e12), _char("b", 20, top=1e12)]
    lines = page_lines(far, _grid([10, 60, 200], [100, 120, 150]), 800.0, CellLimits(100, 1000, 10_000))
    assert [ln.cells for ln in lines] == [["a"], ["b"]]


def _row(cells: list[str], xs: list[tuple[float, float]], in_table: bool = True) -> object:
    from pia_diff.ingest.pdfcells import Line

    return Line(0.0, 0.1, cells, xs, in_table, [False] * len(cells))


def test_a_row_continues_on_the_next_page_only_under_the_same_columns() -> None:
    """Issue 17 §10: a row at the top of a page with an empty first cell is the rest of the last row
    of the page before only when its columns stand where that row's did (within COLUMN_TOLERANCE)."""
    from pia_diff.ingest.pdf import COLUMN_TOLERANCE, _continues

    last = _row(["①委託内容", "報告文書の出力"], [(50.0, 150.0), (150.0, 500.0)])
    edge = COLUMN_TOLERANCE * 0.9
    same = _row(["", "(帳票)"], [(50.0 + edge, 150.0 - edge), (150.0 + edge, 500.0)])
    moved = _row(["", "(帳票)"], [(50.0, 150.0 + COLUMN_TOLERANCE), (150.0 + COLUMN_TOLERANCE, 500.0)])
    assert _continues(last, same)  # type: ignore[arg-type]
    assert not _continues(last, moved)  # type: ignore[arg-type]  # other columns: another table
    other = _row(["", "a", "b"], [(50.0, 150.0), (150.0, 300.0), (300.0, 500.0)])
    assert not _continues(last, other)  # type: ignore[arg-type]  # another number of columns
    labelled = _row(["②委託先", "(帳票)"], [(50.0, 150.0), (150.0, 500.0)])
    assert not _continues(last, labelled)  # type: ignore[arg-type]  # its own label: a row of its own
    assert not _continues(last, _row(["", "x"], [(50.0, 150.0), (150.0, 500.0)], in_table=False))  # type: ignore[arg-type]
