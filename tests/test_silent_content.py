"""Content that used to go uncompared (issue 21 §Content, issue 17): each edit is made to the 旭川 sample
the way a person makes it, and `check` must not say 提出できます while the 別添2 does not list it."""

from __future__ import annotations

import datetime as dt
import io

from pia_diff.catalogue import load_catalogue
from pia_diff.ingest import parse_bytes
from pia_diff.pipeline import compare, release
from pia_diff.report.export import export_bytes

from .conftest import ROOT

NEW = ROOT / "samples" / "asahikawa" / "new.txt"
DAY = dt.date(2026, 4, 1)
LINES = NEW.read_text(encoding="utf-8").split("\n")


def _edited(number: int, text: str) -> bytes:
    lines = list(LINES)
    lines[number - 1] = text
    return "\n".join(lines).encode("utf-8")


def _verdict(new: bytes, name: str = "new.txt") -> tuple[list[str], bool]:
    result = compare(parse_bytes(NEW.read_bytes(), "old.txt"), parse_bytes(new, name), DAY)
    return [r.item_path[-1] for r in result.rows], release(result).may_file


def test_an_edit_inside_angle_brackets_is_a_change() -> None:
    """l.184 Ⅲ 10 その他のリスク対策 ※ starts 「<ガバメントクラウドにおける措置>」: an edit inside the
    brackets, and an e-mail address added in <…>, are text, compared (l.189 ①請求先)."""
    inside = LINES[183].replace("<ガバメントクラウドにおける措置>", "<ガバメントクラウド等における措置>")
    assert _verdict(_edited(184, inside)) == (["10 その他のリスク対策"], False)
    mail = LINES[188] + " <nenkin@city.asahikawa.example.jp>"
    rows, may_file = _verdict(_edited(189, mail))
    assert rows == ["①請求先"] and not may_file


def test_a_row_repeated_below_with_a_new_value_is_a_change() -> None:
    """l.80 ④再委託の有無 ※ printed again below with 再委託しない, the old row left in place: both
    readings are compared (issue 17 §3), so the ※ item changed and the two readings are reported."""
    lines = list(LINES)
    lines.insert(80, LINES[79].replace("[再委託する]", "[再委託しない]"))
    result = compare(parse_bytes(NEW.read_bytes(), "old.txt"), parse_bytes("\n".join(lines).encode(), "new.txt"), DAY)
    assert [r.item_path[-1] for r in result.rows] == ["④再委託の有無"]
    assert any("2か所に違う記載" in g.message for g in result.gaps)
    assert not release(result).may_file


def test_a_hidden_stale_copy_of_a_part_before_the_edited_sheet() -> None:
    """A workbook (exported, as a 担当者 keeps it) whose part Ⅱ sheet was copied, hidden and moved before
    the real one, then the real sheet edited (委託事項1 ③委託先名). Part Ⅱ read twice reads as two
    特定個人情報ファイル: not the truth either, but never silent — the edit is in a row and check stops."""
    from openpyxl import load_workbook

    old = parse_bytes(NEW.read_bytes(), "old.txt")
    book = load_workbook(io.BytesIO(export_bytes(old, load_catalogue())))
    real = next(s for s in book.worksheets if s.title.startswith("Ⅱ"))
    stale = book.copy_worksheet(real)
    stale.title = "Ⅱ (旧)"
    stale.sheet_state = "hidden"
    book.move_sheet(stale, offset=book.index(real) - book.index(stale))
    cell = next(row[1] for row in real.iter_rows() if row[0].value and "③委託先名" in str(row[0].value))
    cell.value = "株式会社旭川情報サービス"
    data = io.BytesIO()
    book.save(data)
    result = compare(old, parse_bytes(data.getvalue(), "作業用.xlsx"), DAY)
    assert any("株式会社旭川情報サービス" in r.変更後の全文 for r in result.rows)
    assert not release(result).may_file
