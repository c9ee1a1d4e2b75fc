"""Bad input of every kind gets a clear Japanese message and exit 2 (or works where it should),
no traceback, no partial output, and the input untouched."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from pia_diff.cli import app
from pia_diff.report.excel import workbook_bytes
from pia_diff.report.export import export_bytes
from pia_diff.report.rows import rows_csv

from .conftest import ROOT, seed
from .helpers import CAT, edited, sample

runner = CliRunner()
NEW = ROOT / "samples" / "asahikawa" / "new.txt"


def _entity_bomb() -> bytes:
    book = Workbook()
    book.active["A1"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(buffer)
    out = io.BytesIO()
    doctype = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode("utf-8")
                text = text[text.index("?>") + 2 :] if text.startswith("<?xml") else text
                content = ('<?xml version="1.0"?>' + doctype + text.replace("<v>", "<v>&lol2;", 1)).encode("utf-8")
            archive.writestr(item, content)
    return out.getvalue()


def _corpus(tmp: Path) -> dict[str, tuple[Path, int, str]]:
    """name → (file, expected exit status, text expected in the message or output)."""
    text = seed("001").read_text(encoding="utf-8")
    files: dict[str, tuple[bytes, int, str]] = {
        "empty": (b"", 2, "空です"),
        "binary": (os.urandom(4096) + b"\x00", 2, "バイナリ"),
        "nul bytes in text": (text.encode("utf-8")[:5000] + b"\x00\x00" + text.encode("utf-8")[5000:], 2, "NUL"),
        "truncated half-way": (text[: len(text) // 2].encode("utf-8"), 0, "国民年金課長"),
        # no catalogue for 様式2/様式4: read by the document's own structure (the generic reader)
        "基礎項目評価書": (("特定個人情報保護評価書(基礎項目評価書)\n" + text).encode("utf-8"), 0, "国民年金課長"),
        "全項目評価書": (("特定個人情報保護評価書(全項目評価書)\n" + text).encode("utf-8"), 0, "国民年金課長"),
        "shift_jis": (seed("003").read_text(encoding="utf-8").encode("cp932", errors="replace"), 0, "旭川市長"),
        "utf-16": (text.encode("utf-16"), 0, "国民年金課長"),
        "not a 評価書": (("令和8年度 予算書\n歳入\t歳出\n" * 50).encode("utf-8"), 2, "認識できません"),
        "xml entity bomb": (_entity_bomb(), 2, "Excel ファイルを読めません"),
        "zip bomb renamed": (_bomb(), 2, "ZIP 爆弾"),
        "broken json": (b'{"meta": {', 2, "snapshot JSON"),
    }
    out = {}
    for name, (data, status, message) in files.items():
        path = tmp / f"{len(out):02d}.txt"
        path.write_bytes(data)
        out[name] = (path, status, message)
    big = tmp / "50MB.txt"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    out["50 MB text"] = (big, 2, "大きすぎます")
    out["a directory"] = (tmp, 2, "フォルダ")
    return out


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (30 * 1024 * 1024))  # unpacks ~1000× its size
    return out.getvalue()


CASES = [
    "empty",
    "binary",
    "nul bytes in text",
    "truncated half-way",
    "基礎項目評価書",
    "全項目評価書",
    "shift_jis",
    "utf-16",
    "not a 評価書",
    "xml entity bomb",
    "zip bomb renamed",
    "broken json",
    "50 MB text",
    "a directory",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int, str]]:
    return _corpus(tmp_path_factory.mktemp("corpus"))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("command", ["show", "import", "diff", "audit"])
def test_corpus(corpus, case: str, command: str, tmp_path: Path) -> None:
    path, status, message = corpus[case]
    if case == "a directory" and command == "audit":
        pytest.skip("audit takes a folder: it audits what is in it")
    before = path.read_bytes() if path.is_file() else None
    stamp = path.stat().st_mtime_ns
    out = tmp_path / "out.json"
    args = {
        "show": ["show", str(path)],
        "import": ["import", str(path), "-o", str(out)],
        "diff": ["diff", str(NEW), str(path), "--force", "--format", "json"],
        "audit": ["audit", str(path), "--format", "json"],
    }[command]
    result = runner.invoke(app, args)
    text = result.stdout + result.stderr
    assert "Traceback" not in text
    if status == 2:
        assert result.exit_code == 2, text[-300:]
        assert message in result.stderr and str(path) in result.stderr
        assert not out.exists()
    else:
        assert result.exit_code in (0, 1), text[-300:]  # audit: 1 when it finds errors
        if command in ("show", "import") and message:
            shown = out.read_text(encoding="utf-8") if command == "import" else result.stdout
            assert message in shown
    if before is not None:
        assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == stamp


def test_truncated_document_marks_the_rest_missing() -> None:
    from pia_diff.ingest import parse_bytes
    from pia_diff.values import Certainty

    text = seed("001").read_text(encoding="utf-8")
    half = parse_bytes(text[: len(text) // 2].encode("utf-8"), "half.txt")
    iv = [f for p, f in half.fields.items() if p[0] == "Ⅳ 開示請求、問合せ"]
    assert iv and all(f.certainty is Certainty.MISSING for f in iv)


def test_output_in_a_missing_folder_or_over_a_folder_is_refused(tmp_path: Path) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    for target, message in ((a_file / "out.xlsx", "フォルダ"), (tmp_path, "フォルダ")):
        result = runner.invoke(app, ["diff", str(NEW), str(NEW), "-o", str(target)])
        assert result.exit_code == 2 and message in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only folders")
def test_output_in_a_read_only_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        result = runner.invoke(app, ["diff", str(NEW), str(NEW), "-o", str(folder / "x.xlsx")])
        assert result.exit_code == 2 and "権限" in result.stderr
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-1", "@SUM(A1)", "＝１＋１", "＋１", "－１", "＠ＳＵＭ"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_like_text_never_becomes_a_formula(text: str) -> None:
    path = ("Ⅳ 開示請求、問合せ", "2 特定個人情報ファイルの取扱いに関する問合せ", "②対応方法")
    old = sample("003")
    new = edited(old, path, text)
    from pia_diff.compare.classify import Options, classify
    from pia_diff.compare.diff import diff
    from pia_diff.compare.rules import load_rules
    from tests.helpers import DAY

    rows = classify(diff(old, new, CAT), CAT, load_rules(), Options(DAY))
    for data in (workbook_bytes(old.history, rows), export_bytes(new, CAT)):
        book = load_workbook(io.BytesIO(data))
        cells = [c for s in book.worksheets for r in s.iter_rows() for c in r if c.value == text]
        assert cells and all(c.data_type == "s" for c in cells)
    import csv

    cells = [c for row in csv.reader(io.StringIO(rows_csv(rows).lstrip("\ufeff"))) for c in row]
    assert f"'{text}" in cells and text not in cells


def test_reports_hold_no_clock_and_no_paths(tmp_path: Path) -> None:
    out = tmp_path / "別添2.xlsx"
    assert (
        runner.invoke(app, ["diff", str(ROOT / "samples/asahikawa/old.txt"), str(NEW), "-o", str(out)]).exit_code == 0
    )
    book = load_workbook(out)
    values = [c.value for s in book.worksheets for r in s.iter_rows() for c in r if c.value is not None]
    assert all(isinstance(v, str) for v in values)  # no date or time cells
    assert not any(str(tmp_path) in v or str(ROOT) in v for v in values)


def test_read_only_folder_message_even_when_running_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root may write anywhere, so CI (root) simulates the folder's refusal of writes."""
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == tmp_path else real_access(p, mode))
    result = runner.invoke(app, ["diff", str(NEW), str(NEW), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "書き込む権限がありません" in result.stderr
    assert list(tmp_path.iterdir()) == []
