"""`pia-diff serve` through its routes (Starlette's test client): the sample pair, judgements, downloads,
and every bad input answered in the page with the CLI's message while the server goes on answering."""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import logging
import re
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pia_diff.compare.decisions import parse_decisions
from pia_diff.errors import InputError
from pia_diff.ingest.read import MAX_BYTES, parse_bytes, read_input
from pia_diff.pipeline import compare_files, remarks
from pia_diff.report.excel import workbook_bytes
from pia_diff.serve import app as web
from pia_diff.serve import job
from pia_diff.serve.store import Store
from pia_diff.serve.uploads import REQUEST_LIMIT

from .serve_pages import DATE, NEW, OLD, alert, hidden, shown_rows, verdict
from .test_pdf import BAD, NOT_AN_ASSESSMENT

with warnings.catch_warnings():
    # Starlette 1.x prefers httpx2 for its test client (a UserWarning); httpx still works and is what
    # the test extra installs.
    warnings.filterwarnings("ignore", message="Using `httpx`")
    from starlette.testclient import TestClient

REVISION = dt.date(2023, 11, 6)
PDF_DIR = Path(__file__).resolve().parent / "data" / "pdf"


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(web.create_app(Store())) as test_client:
        yield test_client


def _files(old: bytes | None = None, new: bytes | None = None, **more: tuple[str, bytes]) -> dict[str, Any]:
    files: dict[str, Any] = {
        "old": ("old.txt", OLD.read_bytes() if old is None else old, "text/plain"),
        "new": ("new.txt", NEW.read_bytes() if new is None else new, "text/plain"),
    }
    files.update({k: (name, data, "application/octet-stream") for k, (name, data) in more.items()})
    return files


def _compare(client: TestClient, date: str = DATE, **kwargs: Any) -> Any:
    data = {"date": date, **kwargs.pop("data", {})}
    return client.post("/compare", files=_files(**kwargs), data=data)


def _state(page: str) -> dict[str, str]:
    return {name: hidden(page, name) for name in ("token", "date", "decisions")}


def _judge(client: TestClient, page: str, action: str, number: int, **fields: str) -> Any:
    data = {
        **_state(page),
        "action": f"{action}:{number}",
        f"fingerprint-{number}": hidden(page, f"fingerprint-{number}"),
    }
    data.update({f"{k}-{number}": v for k, v in fields.items()})
    return client.post("/judge", data=data, files={"_": ("", b"", "application/octet-stream")})


def _decisions_text(page: str) -> str:
    return base64.b64decode(hidden(page, "decisions")).decode("utf-8")


def _still_answers(client: TestClient) -> None:
    again = client.get("/")
    assert again.status_code == 200 and "比べる" in again.text


def test_the_sample_pair_shows_the_rows_of_diff(client: TestClient) -> None:
    response = _compare(client)
    assert response.status_code == 200
    shown = shown_rows(response.text)
    expected = compare_files(OLD, NEW, REVISION).rows
    assert len(shown) == len(expected) == 13
    assert [(r.item, r.timing, r.rule, r.star, r.uncertain) for r in shown] == [
        (r.項目, str(r.提出時期), r.根拠, r.重要, str(r.確度) != "ok") for r in expected
    ]
    assert sum(r.timing == "事前" for r in shown) == 5
    assert "変更箇所 13 件（事前 5 件、事後 8 件）" in response.text
    # the redline of a text changed on both sides: deletions struck, insertions underlined
    assert '<del><span class="sr">［削除］</span>しない</del><ins><span class="sr">［追加］</span>する</ins>' in (
        response.text
    )
    # the gate's verdict, as `check` words it
    assert verdict(response.text).startswith("まだ提出できません。\n事前の提出が必要な変更が 5 件")
    assert response.headers["cache-control"] == "no-store"


def test_document_text_and_file_names_are_escaped(client: TestClient) -> None:
    new = NEW.read_text(encoding="utf-8").replace("日本電気株式会社", '日本電気株式会社 "&"', 1)
    files = {**_files(new=new.encode("utf-8")), "old": ("<b onmouseover=x>old.txt", OLD.read_bytes(), "text/plain")}
    response = client.post("/compare", files=files, data={"date": DATE})
    assert response.status_code == 200
    assert "日本電気株式会社 &#34;&amp;&#34;" in response.text
    # the sample's own heading in angle brackets is text, never markup
    assert "&lt;ガバメントクラウドにおける措置&gt;" in response.text and "<ガバメント" not in response.text
    assert "&lt;b onmouseover=x&gt;old.txt" in response.text and "<b onmouseover" not in response.text


def test_confirming_an_exemption_turns_the_row_exempt_and_the_file_says_so(client: TestClient, tmp_path: Path) -> None:
    page = _compare(client).text
    number = next(r.number for r in shown_rows(page) if r.item.endswith("④再委託の有無"))
    # no 理由: refused in the row, nothing recorded, what was chosen kept
    refused = _judge(client, page, "confirm", number, category="リスクを明らかに軽減させる変更", reason="  ")
    assert refused.status_code == 400
    assert "例外として確認するには、理由を一文で書いてください。" in refused.text
    assert _decisions_text(refused.text) == ""
    reason = "再委託先を「日本電気株式会社」の: 子会社 # に限る契約とし、リスクを軽減するため。"
    # 再委託しない → 再委託する is no risk reduction by the analysis: the 分析と異なる理由 is asked for
    unsupported = _judge(client, page, "confirm", number, category="リスクを明らかに軽減させる変更", reason=reason)
    assert unsupported.status_code == 400 and "分析と異なる理由" in unsupported.text
    assert _decisions_text(unsupported.text) == "" and reason in unsupported.text  # what was typed is kept
    override = "作業を庁舎内に限り、再委託先の従事者を名簿で管理するため。"
    done = _judge(
        client, page, "confirm", number, category="リスクを明らかに軽減させる変更", reason=reason, override=override
    )
    assert done.status_code == 200
    row = next(r for r in shown_rows(done.text) if r.number == number)
    assert (row.timing, row.rule, row.star) == ("事後", "EXEMPT", True)  # still a ※ item, now exempted
    assert "例外として確認しました。 この行は今 事後 (EXEMPT) です。" in done.text
    assert "事前の提出が必要な変更が 4 件" in verdict(done.text)
    # the decisions file the page downloads is the CLI's: the same rows from `diff --decisions`
    download = client.post("/download/decisions", data=_state(done.text), files={"_": ("", b"", "text/plain")})
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    saved = tmp_path / "判断.yaml"
    saved.write_bytes(download.content)
    decisions = parse_decisions(saved.read_text(encoding="utf-8"), str(saved), job.default_exemptions())
    assert [(d.exemption, d.reason, d.override) for d in decisions.entries] == [
        ("リスクを明らかに軽減させる変更", reason, override)
    ]
    cli_rows = compare_files(OLD, NEW, REVISION, saved).rows
    assert [(r.項目, str(r.提出時期), r.根拠) for r in cli_rows] == [
        (r.item, r.timing, r.rule) for r in shown_rows(done.text)
    ]
    assert cli_rows[number - 1].判断の状態 == "applied"
    # the template part below the decisions names the four ※ rows still undecided, commented out
    assert len(re.findall(r"^#   変更の指紋: ", download.text, re.M)) == 4


def test_taking_a_judgement_back(client: TestClient) -> None:
    page = _compare(client).text
    override = "再委託しないと書いたのが誤りだったため。"
    done = _judge(client, page, "confirm", 4, category="誤字脱字の修正", reason="誤記を直したため。", override=override)
    assert shown_rows(done.text)[3].rule == "EXEMPT"
    undone = _judge(client, done.text, "reset", 4)
    assert shown_rows(undone.text)[3].rule == "STAR"
    assert _decisions_text(undone.text) == ""


def test_acknowledging_every_before_row_lets_the_revision_pass(client: TestClient, tmp_path: Path) -> None:
    import subprocess
    import sys

    page = _compare(client).text
    for row in [r for r in shown_rows(page) if r.timing == "事前"]:
        page = _judge(client, page, "acknowledge", row.number).text
        assert "事前の手続き済みとして記録しました。" in page
    assert verdict(page).startswith("提出できます: 変更 13 件")
    download = client.post("/download/decisions", data=_state(page), files={"_": ("", b"", "text/plain")})
    saved = tmp_path / "判断.yaml"
    saved.write_bytes(download.content)
    check = subprocess.run(
        [sys.executable, "-m", "pia_diff", "check", str(OLD), str(NEW), "--date", DATE, "--decisions", str(saved)],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.strip() == verdict(page)


def test_a_stale_page_changes_nothing(client: TestClient) -> None:
    page = _compare(client).text
    data = {**_state(page), "action": "confirm:4", "fingerprint-4": "00000000-00000000", "reason-4": "x"}
    response = client.post("/judge", data=data, files={"_": ("", b"", "text/plain")})
    assert response.status_code == 409
    assert "ページが古くなっています" in response.text
    assert _decisions_text(response.text) == ""


def test_the_workbook_is_the_one_diff_writes(client: TestClient) -> None:
    from openpyxl import load_workbook

    page = _compare(client).text
    response = client.post("/download/workbook", data=_state(page), files={"_": ("", b"", "text/plain")})
    assert response.status_code == 200
    assert response.headers["content-type"] == web.XLSX
    assert "filename*=UTF-8''%E5%88%A5%E6%B7%BB2" in response.headers["content-disposition"]
    result = compare_files(OLD, NEW, REVISION)
    expected = load_workbook(io.BytesIO(workbook_bytes(result.old.history, result.rows, remarks(result))))
    got = load_workbook(io.BytesIO(response.content))
    assert got.sheetnames == expected.sheetnames
    for name in got.sheetnames:
        assert [[c.value for c in r] for r in got[name].iter_rows()] == [
            [c.value for c in r] for r in expected[name].iter_rows()
        ]
    rows = [r for r in got["別添2 変更箇所"].iter_rows(min_row=3, values_only=True) if any(r)]
    assert len(rows) == 3 + 13  # the published rows of the old version, then the new ones


def test_nothing_spools_to_disk(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a temporary file was made")

    for name in ("TemporaryFile", "NamedTemporaryFile", "SpooledTemporaryFile", "mkstemp", "mkdtemp"):
        monkeypatch.setattr(tempfile, name, refuse)
    # openpyxl holds its own reference, bound when it was first imported (by another test, or not yet)
    import openpyxl.worksheet._writer

    monkeypatch.setattr(openpyxl.worksheet._writer, "NamedTemporaryFile", refuse)
    page = _compare(client, old=OLD.read_bytes() + b" " * 2_000_000).text  # over Starlette's 1 MB spool
    assert len(shown_rows(page)) == 13
    assert client.post("/download/workbook", data=_state(page), files={"_": ("", b"", "text/plain")}).status_code == 200


class _Counting:
    """An ASGI wrapper that counts the request body bytes the application read."""

    def __init__(self, app: Any) -> None:
        self.app, self.read = app, 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def counted() -> Any:
            message = await receive()
            self.read += len(message.get("body", b""))
            return message

        await self.app(scope, counted, send)


def test_a_50_mb_upload_is_refused_before_it_is_read() -> None:
    counting = _Counting(web.create_app(Store()))
    with TestClient(counting) as client:
        big = b"x" * (50 * 1024 * 1024)
        response = client.post("/compare", files=_files(new=big), data={"date": DATE})
        assert response.status_code == 413
        assert "送信されたデータが大きすぎます (52," in alert(response.text)
        assert f"上限 {REQUEST_LIMIT:,} バイト" in alert(response.text)
        assert counting.read == 0
        _still_answers(client)


def test_a_body_without_a_length_is_refused_too(client: TestClient) -> None:
    # (the test client reads a streamed body whole before the application sees it: the cut while
    # reading is tested on read_form itself and on the real server)
    def body() -> Iterator[bytes]:
        yield b'--b\r\nContent-Disposition: form-data; name="new"; filename="big.txt"\r\n\r\n'
        for _ in range(60):
            yield b"-" * (1024 * 1024)

    response = client.post("/compare", content=body(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413
    assert alert(response.text).startswith("送信されたデータが大きすぎます (上限")
    _still_answers(client)


def test_a_document_over_20_mb_gets_the_cli_message(client: TestClient, tmp_path: Path) -> None:
    data = NEW.read_bytes() + b" " * (MAX_BYTES + 5 - NEW.stat().st_size)
    on_disk = tmp_path / "new.txt"
    on_disk.write_bytes(data)
    with pytest.raises(InputError) as cli:
        read_input(on_disk)
    response = _compare(client, new=data)
    assert response.status_code == 400
    assert alert(response.text) == f"new.txt: {cli.value.problem}"
    _still_answers(client)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", NOT_AN_ASSESSMENT),
        ("memo.txt", "会議のメモ\n次回は来週です。\n".encode()),
        ("truncated.pdf", BAD["truncated"][0]),
        ("corrupt.pdf", BAD["corrupt"][0]),
        ("scan.pdf", BAD["scanned"][0]),
        ("empty.txt", b"   \n"),
    ],
)
def test_a_bad_document_gets_the_cli_message_in_the_page(client: TestClient, name: str, data: bytes) -> None:
    with pytest.raises(InputError) as cli:
        parse_bytes(data, name)
    response = client.post("/compare", files={**_files(), "new": (name, data, "application/pdf")}, data={"date": DATE})
    assert response.status_code == 400
    assert alert(response.text) == f"{name}: {cli.value.problem}"
    assert "Traceback" not in response.text
    assert 'value="令和5年11月6日"' in response.text  # what was typed is kept
    assert len(shown_rows(_compare(client).text)) == 13  # and the next request is served


def test_a_bad_date_a_missing_file_and_a_bad_decisions_file(client: TestClient) -> None:
    assert "日付「令和5年13月1日」を読めません" in alert(_compare(client, date="令和5年13月1日").text)
    missing = client.post("/compare", files={"old": ("old.txt", OLD.read_bytes(), "text/plain")}, data={"date": DATE})
    assert alert(missing.text) == "送信されたフォーム: 前の版と新しい版の両方のファイルを選んでください。"
    bad = "- 項目: x\n  確認済み: はい\n".encode()
    with pytest.raises(InputError) as cli:
        parse_decisions(bad.decode(), "判断.yaml", job.default_exemptions())
    response = _compare(client, decisions_file=("判断.yaml", bad))
    assert alert(response.text) == f"判断.yaml: {cli.value.problem}"


def test_an_uploaded_decisions_file_is_used(client: TestClient, tmp_path: Path) -> None:
    rows = compare_files(OLD, NEW, REVISION).rows
    star = next(r for r in rows if r.項目.endswith("④再委託の有無"))
    text = yaml.safe_dump(
        [{"項目": star.項目, "変更の指紋": star.変更の指紋, "確認済み": True}], allow_unicode=True, sort_keys=False
    )
    page = _compare(client, decisions_file=("判断.yaml", text.encode())).text
    row = next(r for r in shown_rows(page) if r.item == star.項目)
    assert row.timing == "事前"
    assert 'class="badge ack"' in page.split(f'id="row-{row.number}"')[1].split("</header>")[0]
    assert "事前の提出が必要な変更が 4 件" in verdict(page)


def test_two_assessments_are_compared_only_on_purpose(client: TestClient) -> None:
    other = NEW.read_text(encoding="utf-8").replace("旭川市長", "札幌市長").encode()
    old_meta, new_meta = parse_bytes(OLD.read_bytes(), "old.txt").meta, parse_bytes(other, "new.txt").meta
    assert (old_meta.body, new_meta.body) == ("旭川市長", "札幌市長")
    refused = _compare(client, new=other)
    assert "別の評価書のようです" in alert(refused.text)
    allowed = _compare(client, new=other, data={"allow_different": "1"})
    assert allowed.status_code == 200
    assert verdict(allowed.text).startswith("別の評価書どうしを比べたため")


def test_forgotten_or_unknown_documents_are_gone(client: TestClient) -> None:
    page = _compare(client).text
    done = _judge(client, page, "acknowledge", 4).text
    forgotten = client.post("/forget", data={"token": hidden(page, "token")}, files={"_": ("", b"", "text/plain")})
    assert "文書を破棄しました" in forgotten.text
    gone = _judge(client, done, "acknowledge", 7)
    assert gone.status_code == 410
    assert "もう残っていません" in gone.text
    # the judgements the page held are carried back to the first page
    assert "このページで記録した判断（1 件）を引き継ぎます" in gone.text
    carried = re.search(r'name="decisions" value="([^"]*)"', gone.text)
    assert carried and base64.b64decode(carried.group(1)).decode("utf-8") == _decisions_text(done)
    wrong = client.post("/download/workbook", data={**_state(page), "token": "guess"}, files={"_": ("", b"", "")})
    assert wrong.status_code == 410


def test_an_internal_error_is_a_japanese_sentence(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "秘密の" + NEW.read_text(encoding="utf-8")[:20]

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(secret)  # the message quotes the document: it must reach neither page nor log

    monkeypatch.setattr(job, "run", broken)
    with caplog.at_level(logging.ERROR, logger="pia_diff.serve"):
        response = _compare(client)
    assert response.status_code == 500
    assert "内部エラーのため処理できませんでした" in response.text
    assert "Traceback" not in response.text and secret not in response.text
    assert "RuntimeError" in caplog.text and "秘密" not in caplog.text and secret[3:] not in caplog.text
    monkeypatch.undo()
    _still_answers(client)


def test_the_audit_page_says_what_audit_says(client: TestClient) -> None:
    from pia_diff.audit.published import audit
    from pia_diff.compare.docform import for_audit, form_context

    document, old = parse_bytes(NEW.read_bytes(), "new.txt"), parse_bytes(OLD.read_bytes(), "old.txt")
    catalogue, table, _ = form_context(document, old)
    expected = audit(document, for_audit(catalogue), table, old)
    response = client.post(
        "/audit",
        files={
            "doc": ("new.txt", NEW.read_bytes(), "text/plain"),
            "against": ("old.txt", OLD.read_bytes(), "text/plain"),
        },
    )
    assert response.status_code == 200
    assert f"別添2 の {len(expected.rows)} 行を監査しました。要対応 {len(expected.errors)} 件" in response.text
    shown = re.findall(r'<li class="finding (\w+)">', response.text)
    assert shown == [str(f.level) for f in expected.findings]
    bad = client.post("/audit", files={"doc": ("memo.txt", "メモ\n".encode(), "text/plain")})
    assert bad.status_code == 400 and "memo.txt: 特定個人情報保護評価書として認識できません" in alert(bad.text)


def test_a_published_pdf_pair(client: TestClient) -> None:
    """The PDF revision case (tests/cases/asahikawa_pdf): its hand-written rows, through the page."""
    import json

    case = Path(__file__).resolve().parent / "cases" / "asahikawa_pdf"
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))["rows"]
    old, new = PDF_DIR / "003_asahikawa.pdf", PDF_DIR / "003_asahikawa_revised.pdf"
    files = {
        "old": (old.name, old.read_bytes(), "application/pdf"),
        "new": (new.name, new.read_bytes(), "application/pdf"),
    }
    shown = shown_rows(client.post("/compare", files=files, data={"date": "令和6年4月1日"}).text)
    assert len(shown) == len(expected) == 2
    for row, want in zip(shown, expected, strict=True):
        assert row.item.endswith(want["item"]) and row.timing == want["提出時期"]
        assert row.star is (want["提出時期"] == "事前")


def test_security_headers_and_the_host_check() -> None:
    with TestClient(web.create_app(Store(), hosts=web.LOOPBACK_HOSTS), base_url="http://127.0.0.1:8000") as client:
        page = client.get("/")
        assert page.status_code == 200
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-content-type-options"] == "nosniff"
        assert client.get("/static/page.js").headers["content-type"].startswith("text/javascript")
        assert client.get("/", headers={"host": "localhost:8000"}).status_code == 200
        assert client.get("/", headers={"host": "[::1]:8000"}).status_code == 200
        rebound = client.get("/", headers={"host": "attacker.example:8000"})
        assert rebound.status_code == 400 and "このアドレスでは開けません" in rebound.text
        missing = client.get("/static/../app.py")
        assert missing.status_code == 404 and "このアドレスのページはありません" in missing.text


def test_every_asset_ships_in_the_package_and_nothing_is_fetched() -> None:
    from importlib import resources

    package = resources.files("pia_diff.serve")
    texts = [
        p.read_text(encoding="utf-8")
        for folder in ("templates", "static")
        for p in package.joinpath(folder).iterdir()
        if p.name.endswith((".html", ".css", ".js"))
    ]
    assert len(texts) >= 7
    for text in texts:
        assert not re.search(r"(?:src|href)=\"(?:https?:)?//", text)
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", text)
        assert "@import" not in text and "@font-face" not in text


def test_gaps_and_notes_come_first(client: TestClient, tmp_path: Path) -> None:
    from .conftest import seed

    case = Path(__file__).resolve().parent / "cases" / "system_deleted"
    lines = (case / "new.txt").read_text(encoding="utf-8").split("\n")
    # Ⅳ lost from the body of the new version (its second heading; the first is the table of contents)
    part = [i for i, ln in enumerate(lines) if ln == "IV 開示請求、問合せ"][1]
    end = [i for i, ln in enumerate(lines) if ln == "V 評価実施手続"][1]
    new = tmp_path / "new.txt"
    new.write_text("\n".join(lines[:part] + lines[end:]), encoding="utf-8")
    old = seed("001")
    files = {"old": (old.name, old.read_bytes(), "text/plain"), "new": ("new.txt", new.read_bytes(), "text/plain")}
    page = client.post("/compare", files=files, data={"date": "令和8年4月1日"}).text
    expected = remarks(compare_files(old, new, dt.date(2026, 4, 1)))
    kinds = [kind for kind, _ in expected]
    assert "確認できない部分" in kinds and "番号の振り直し" in kinds
    shown = re.findall(r'<li class="remark \w+"><strong>(.*?):</strong> (.*?)</li>', page, re.S)
    assert [(kind, " ".join(html.unescape(text).split())) for kind, text in shown] == [
        (kind, " ".join(text.split())) for kind, text in expected
    ]
    # first: before the verdict (which the gap stops) and before the rows
    assert page.index("先に確かめること") < page.index("リリース判定") < page.index('<article class="row ')
    assert "確認できない部分があります (1 件)" in verdict(page)


def test_a_document_read_by_its_own_structure_says_so(client: TestClient) -> None:
    forms = Path(__file__).resolve().parent / "data" / "forms"
    old, new = forms / "form4_old.txt", forms / "form4_new.txt"
    files = {"old": (old.name, old.read_bytes(), "text/plain"), "new": (new.name, new.read_bytes(), "text/plain")}
    page = client.post("/compare", files=files, data={"date": "令和8年4月1日"}).text
    assert page.count('<li class="remark note"><strong>参考:</strong>') == 2
    assert "文書自身の見出し・番号・繰り返しの構造から読み取りました (読み取り方: generic)" in page
    expected = compare_files(old, new, dt.date(2026, 4, 1)).rows
    assert [(r.item, r.timing) for r in shown_rows(page)] == [(r.項目, str(r.提出時期)) for r in expected]
