"""The page's `--into` download: the new rows written into a copy of the new version's own workbook, as
`diff --into` writes them; offered only when the new version is a workbook."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pia_diff.cli import app
from pia_diff.serve import app as web
from pia_diff.serve.store import Store

from .serve_pages import alert, hidden

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx`")
    from starlette.testclient import TestClient

PUBLISHED = Path(__file__).resolve().parent.parent / "samples" / "asahikawa" / "new.txt"
DATE = "2026-01-15"
BUTTON = 'formaction="/download/into"'


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(web.create_app(Store())) as test_client:
        yield test_client


def _edited(folder: Path) -> Path:
    """The published version exported and one 事後 item edited, as a 担当者 would in Excel."""
    book = folder / "今回.xlsx"
    assert CliRunner().invoke(app, ["export", str(PUBLISHED), "-o", str(book)]).exit_code == 0
    workbook = load_workbook(book)
    sheet = workbook["Ⅳ 開示請求、問合せ"]
    cell = next(row[1] for row in sheet.iter_rows() if row[0].value == "①請求先")
    cell.value = cell.value.replace("総合庁舎3階", "総合庁舎4階")
    workbook.save(book)
    return book


def _page(client: TestClient, new: tuple[str, bytes]) -> str:
    files = {"old": ("公表版.txt", PUBLISHED.read_bytes(), "text/plain"), "new": (*new, "application/octet-stream")}
    response = client.post("/compare", files=files, data={"date": DATE})
    assert response.status_code == 200
    return response.text


def _state(page: str) -> dict[str, str]:
    return {name: hidden(page, name) for name in ("token", "date", "decisions")}


def test_the_into_download_is_what_diff_into_writes(client: TestClient, tmp_path: Path) -> None:
    book = _edited(tmp_path)
    page = _page(client, ("今回.xlsx", book.read_bytes()))
    assert BUTTON in page
    response = client.post("/download/into", data=_state(page), files={"_": ("", b"", "text/plain")})
    assert response.status_code == 200 and response.headers["content-type"] == web.XLSX
    assert "filename*=UTF-8''%E4%BB%8A%E5%9B%9E_" in response.headers["content-disposition"]  # 今回_…
    out = tmp_path / "cli.xlsx"
    done = CliRunner().invoke(
        app, ["diff", str(PUBLISHED), str(book), "--date", DATE, "--into", str(book), "-o", str(out)]
    )
    assert done.exit_code == 0
    got, expected = load_workbook(io.BytesIO(response.content)), load_workbook(out)
    assert got.sheetnames == expected.sheetnames
    for name in got.sheetnames:
        assert [[c.value for c in r] for r in got[name].iter_rows()] == [
            [c.value for c in r] for r in expected[name].iter_rows()
        ]
    table = got["別添2 変更箇所"]
    assert "総合庁舎4階" in str(table.cell(table.max_row, 4).value)


def test_no_into_download_for_a_version_that_is_no_workbook(client: TestClient) -> None:
    page = _page(client, ("今回.txt", PUBLISHED.read_bytes()))
    assert BUTTON not in page
    response = client.post("/download/into", data=_state(page), files={"_": ("", b"", "text/plain")})
    assert response.status_code == 400
    assert alert(response.text) == f"今回.txt: {web.NOT_A_WORKBOOK}"
    assert hidden(response.text, "token") == hidden(page, "token")  # the page goes on with its documents
