"""The web application: the routes of the two pages and their downloads, and what keeps them safe on a
shared server (the request cap, one page's documents under an unguessable token, security headers, a
host check, Japanese messages in the page and never a traceback)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import threading
import traceback
from collections.abc import Awaitable, Callable, Iterable
from functools import cache
from importlib import resources
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pia_diff.errors import InputError
from pia_diff.pipeline import Comparison, remarks
from pia_diff.report.into import into_workbook
from pia_diff.wareki import to_wareki

from . import job, judgements, pages
from .store import Store, Work
from .uploads import FORM_SOURCE, Form, TooLarge, read_form

log = logging.getLogger("pia_diff.serve")

INTERNAL = (
    "内部エラーのため処理できませんでした。送った文書は保存していません。もう一度試しても同じときは、"
    "サーバーの管理者に連絡してください (原因はサーバーの記録に残っています。文書の内容は残していません)。"
)
EXPIRED = "読み込んだ文書は、時間が経ったか破棄されたため、もう残っていません。もう一度2つの版を選んでください。"
BUSY = "ただいま混み合っています。しばらくしてからもう一度送ってください。"
STALE_PAGE = "ページが古くなっています (行が見つかりません)。結果を表示し直しました。もう一度操作してください。"
FORGOTTEN = "文書を破棄しました。サーバーには何も残っていません。"
NOT_A_WORKBOOK = (
    "新しい版が Excel ブック (.xlsx) ではないため、行を書き加えられません。新しい版をブックで選んでください。"
)
MAX_READING = 4  # request bodies read at once: each may hold up to REQUEST_LIMIT in memory
MAX_WORKING = 2  # comparisons at once (a PDF keeps a core busy for seconds)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
STATIC = {"style.css": "text/css; charset=utf-8", "page.js": "text/javascript; charset=utf-8"}


class Busy(Exception):
    """Too many requests are being read at once."""


class _Limits:
    """How many bodies are being read, and a semaphore for the comparisons (threads wait on it)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reading = 0
        self.working = threading.BoundedSemaphore(MAX_WORKING)


def _html(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(pages.render(name, **context), status_code=status, headers={"cache-control": "no-store"})


def _failure(exc: BaseException) -> HTMLResponse:
    # The type and the frames only: an exception's message may quote a document.
    log.error("内部エラー %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
    return _html("failure.html", 500, sentence=INTERNAL)


def _guard(page: str) -> Callable[[Callable[[Request], Awaitable[Response]]], Callable[[Request], Awaitable[Response]]]:
    """An endpoint whose errors become `page` with a Japanese message: never a stack trace."""
    nav = "audit" if page == "audit.html" else "compare"

    def wrap(endpoint: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
        async def guarded(request: Request) -> Response:
            try:
                return await endpoint(request)
            except TooLarge as exc:
                return _html(page, 413, error=exc.problem, nav=nav, **_form_defaults())
            except InputError as exc:
                return _html(page, 400, error=exc.problem, error_source=exc.source, nav=nav, **_form_defaults())
            except Busy:
                return _html(page, 503, error=BUSY, nav=nav, **_form_defaults())
            except Exception as exc:
                return _failure(exc)

        return guarded

    return wrap


def _form_defaults(**given: Any) -> dict[str, Any]:
    values = {
        "date": "",
        "forms": job.FORMS,
        "form_choice": "",
        "allow_different": False,
        "carried": "",
        "carried_count": 0,
        "result": None,
    }
    return {**values, **given}


async def _read(request: Request) -> Form:
    limits: _Limits = request.app.state.limits
    with limits.lock:
        if limits.reading >= MAX_READING:
            raise Busy
        limits.reading += 1
    try:
        return await read_form(request.headers, request.stream())
    finally:
        with limits.lock:
            limits.reading -= 1


async def _work(request: Request, task: Callable[[], Response]) -> Response:
    """Run a comparison or an audit in a worker thread, at most MAX_WORKING at once."""
    limits: _Limits = request.app.state.limits

    def limited() -> Response:
        with limits.working:
            return task()

    return await run_in_threadpool(limited)


def _encode(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _carried(form: Form) -> str:
    """The decisions text the page holds (base64 in a hidden field, so no newline is altered)."""
    raw = form.text("decisions")
    try:
        return base64.b64decode(raw, validate=True).decode("utf-8")
    except (binascii.Error, ValueError) as exc:
        raise InputError(FORM_SOURCE, "ページの状態 (判断) が壊れています。最初からやり直してください。") from exc


def _decisions(form: Form) -> str:
    """An uploaded decisions file (checked by the CLI's parser, named by its file), else the carried text."""
    upload = form.files.get("decisions_file")
    if upload is None:
        return _carried(form)
    try:
        text = upload.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(upload.name, "判断ファイルを UTF-8 のテキストとして読めません。") from exc
    job.check_decisions(text, upload.name)
    return text


def _result(
    token: str, work: Work, date: dt.date, decisions: str, result: Comparison, status: int = 200, **extra: Any
) -> HTMLResponse:
    exemptions = job.exemptions(result)
    entries = judgements.entries(decisions, exemptions)
    verdict = job.verdict(work, result)
    state_args = {k: extra.pop(k) for k in ("typed", "errors", "flashes") if k in extra}
    return _html(
        "result.html",
        status,
        work=work,
        token=token,
        date_iso=date.isoformat(),
        date_wareki=to_wareki(date),
        decisions_b64=_encode(decisions),
        decisions_text=judgements.dump(entries) if entries else "",
        decision_count=len(entries),
        rows=result.rows,
        states=pages.row_states(result.rows, entries, exemptions, **state_args),
        remarks=remarks(result),
        remark_class=pages.REMARK_CLASS,
        notes=job.notes(work.old, work.new),
        verdict=verdict,
        verdict_class={True: "ok", False: "ng", None: "none"}[verdict.may_file],
        history_count=len(result.old.history),
        focus=extra.pop("focus", None),
        **pages.counts(result.rows),
        **extra,
    )


def _expired(form: Form) -> HTMLResponse:
    """The documents are gone: back to the first page, keeping the judgements the page held."""
    carried = _carried(form)
    count = len(judgements.entries(carried, job.default_exemptions())) if carried else 0
    return _html(
        "index.html",
        410,
        message=EXPIRED,
        **_form_defaults(date=form.text("date"), carried=_encode(carried) if carried else "", carried_count=count),
    )


def _attachment(data: bytes, media_type: str, name: str, fallback: str) -> Response:
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    return Response(
        data, media_type=media_type, headers={"content-disposition": disposition, "cache-control": "no-store"}
    )


@_guard("index.html")
async def index(request: Request) -> Response:
    return _html("index.html", **_form_defaults())


@_guard("index.html")
async def compare_versions(request: Request) -> Response:
    form = await _read(request)
    store: Store = request.app.state.store
    typed = _form_defaults(
        date=form.text("date"), form_choice=form.text("form"), allow_different=bool(form.text("allow_different"))
    )

    def task() -> Response:
        try:
            form.refuse_oversized()
            old, new = form.files.get("old"), form.files.get("new")
            if old is None or new is None:
                raise InputError(FORM_SOURCE, "前の版と新しい版の両方のファイルを選んでください。")
            date = job.revision(form.text("date"))
            decisions = _decisions(form)
            work = job.start(old, new, job.check_form(form.text("form")), typed["allow_different"])
            result = job.run(work, date, decisions)
        except InputError as exc:
            return _html("index.html", 400, error=exc.problem, error_source=exc.source, **typed)
        return _result(store.put(work), work, date, decisions, result)

    return await _work(request, task)


def _action(form: Form) -> tuple[judgements.Action, int]:
    kind, _, number = form.text("action").partition(":")
    try:
        return judgements.Action(kind), int(number)
    except ValueError as exc:
        raise InputError(FORM_SOURCE, "操作を読み取れません。ページを開き直してください。") from exc


FLASH = {
    judgements.Action.CONFIRM: "例外として確認しました。",
    judgements.Action.DECLINE: "例外の提案を退けました。",
    judgements.Action.ACKNOWLEDGE: "事前の手続き済みとして記録しました。",
    judgements.Action.RESET: "この行で記録した判断を取り消しました。",
}


def _reopen(form: Form, store: Store) -> tuple[str, Work, dt.date, str, Comparison] | None:
    """The page's job as its form carries it (token, 変更日, decisions so far), compared again; None when
    the documents have expired."""
    token = form.text("token")
    work = store.get(token)
    if work is None:
        return None
    date, decisions = job.revision(form.text("date")), _carried(form)
    return token, work, date, decisions, job.run(work, date, decisions)


@_guard("index.html")
async def judge(request: Request) -> Response:
    form = await _read(request)
    store: Store = request.app.state.store

    def task() -> Response:
        opened = _reopen(form, store)
        if opened is None:
            return _expired(form)
        token, work, date, decisions, result = opened
        action, n = _action(form)
        if not 1 <= n <= len(result.rows) or result.rows[n - 1].変更の指紋 != form.text(f"fingerprint-{n}"):
            return _result(token, work, date, decisions, result, 409, message=STALE_PAGE)
        row = result.rows[n - 1]
        category, reason, override = (form.text(f"{key}-{n}") for key in ("category", "reason", "override"))
        try:
            exemptions = job.exemptions(result)
            decisions = judgements.judge(decisions, row, action, exemptions, category, reason, override)
        except judgements.Refused as exc:
            typed = {n: (category, reason, override)}
            return _result(token, work, date, decisions, result, 400, errors={n: str(exc)}, typed=typed, focus=n)
        result = job.run(work, date, decisions)
        now = result.rows[n - 1]
        flash = f"{FLASH[action]} この行は今 {now.提出時期} ({now.根拠}) です。"
        return _result(token, work, date, decisions, result, flashes={n: flash}, focus=n)

    return await _work(request, task)


async def _download(request: Request, make: Callable[[Work, dt.date, str, Comparison], Response]) -> Response:
    """A download of the page's current state: its documents (by token), 変更日 and decisions, compared again."""
    form = await _read(request)
    store: Store = request.app.state.store

    def task() -> Response:
        opened = _reopen(form, store)
        if opened is None:
            return _expired(form)
        token, work, date, decisions, result = opened
        try:
            return make(work, date, decisions, result)
        except InputError as exc:  # what this download cannot be made from: said on the page it came from
            return _result(token, work, date, decisions, result, 400, error=exc.problem, error_source=exc.source)

    return await _work(request, task)


@_guard("index.html")
async def download_workbook(request: Request) -> Response:
    def make(work: Work, date: dt.date, decisions: str, result: Comparison) -> Response:
        return _attachment(job.workbook(result), XLSX, "別添2_変更箇所.xlsx", "betten2.xlsx")

    return await _download(request, make)


@_guard("index.html")
async def download_decisions(request: Request) -> Response:
    def make(work: Work, date: dt.date, decisions: str, result: Comparison) -> Response:
        heading = f"旧: {work.old_name}、新: {work.new_name}、変更日: {to_wareki(date)}"
        text = judgements.download(decisions, result.rows, job.exemptions(result), heading)
        return _attachment(text.encode("utf-8"), "application/yaml; charset=utf-8", "判断.yaml", "decisions.yaml")

    return await _download(request, make)


@_guard("index.html")
async def download_into(request: Request) -> Response:
    """`diff --into` on the page: the new rows written into a copy of the new version's own workbook. A
    version that is no workbook, or a workbook without a 別添2 table, is said on the result page."""

    def make(work: Work, date: dt.date, decisions: str, result: Comparison) -> Response:
        if work.new_workbook is None:
            raise InputError(work.new_name, NOT_A_WORKBOOK)
        written = into_workbook(work.new_workbook, result.rows, work.new_name)
        return _attachment(written.data, XLSX, f"{PurePath(work.new_name).stem}_別添2追記.xlsx", "into.xlsx")

    return await _download(request, make)


@_guard("index.html")
async def forget(request: Request) -> Response:
    form = await _read(request)
    request.app.state.store.drop(form.text("token"))
    return _html("index.html", message=FORGOTTEN, **_form_defaults())


@_guard("audit.html")
async def audit_form(request: Request) -> Response:
    return _html("audit.html", nav="audit", **_form_defaults())


@_guard("audit.html")
async def audit_document(request: Request) -> Response:
    form = await _read(request)

    def task() -> Response:
        context = {"nav": "audit", **_form_defaults()}
        try:
            form.refuse_oversized()
            doc, against = form.files.get("doc"), form.files.get("against")
            if doc is None:
                raise InputError(FORM_SOURCE, "監査する評価書のファイルを選んでください。")
            result, notes = job.audit_upload(doc, against, job.check_form(form.text("form")))
        except InputError as exc:
            return _html("audit.html", 400, error=exc.problem, error_source=exc.source, **context)
        context.update(
            result=result,
            notes=notes,
            doc_name=doc.name,
            against_name=against.name if against else "",
            errors=len(result.errors),
            warnings=sum(f.level == "warning" for f in result.findings),
            level_words=pages.LEVEL_WORDS,
        )
        return _html("audit.html", **context)

    return await _work(request, task)


@cache
def _asset(name: str) -> bytes:
    return resources.files("pia_diff.serve").joinpath("static", name).read_bytes()


def _static(name: str) -> Callable[[Request], Awaitable[Response]]:
    """A fixed route per shipped asset: no part of a request's path is ever used to find a file."""

    async def asset(request: Request) -> Response:
        return Response(_asset(name), media_type=STATIC[name], headers={"cache-control": "max-age=3600"})

    return asset


class _Safety:
    """Security headers on every response, and (for a server bound to this PC only) a host check
    that keeps a page of another site from reaching it under a name of its own (DNS rebinding)."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str] | None) -> None:
        self.app = app
        self.hosts = frozenset(hosts) if hosts is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.hosts is not None and _host(scope) not in self.hosts:
            refuse = PlainTextResponse("このアドレスでは開けません。http://127.0.0.1 のアドレスで開いてください。", 400)
            await refuse(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in HEADERS.items() if k.encode() not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


def _host(scope: Scope) -> str:
    raw = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), "")
    if raw.startswith("["):
        return raw[1 : raw.find("]")] if "]" in raw else raw
    return raw.rsplit(":", 1)[0] if raw.count(":") == 1 else raw


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def create_app(store: Store | None = None, hosts: Iterable[str] | None = None) -> ASGIApp:
    """The application; `hosts` limits the Host header (None: any, for a server shared on a network)."""
    routes = [
        Route("/", index, methods=["GET"]),
        Route("/compare", compare_versions, methods=["POST"]),
        Route("/judge", judge, methods=["POST"]),
        Route("/download/workbook", download_workbook, methods=["POST"]),
        Route("/download/decisions", download_decisions, methods=["POST"]),
        Route("/download/into", download_into, methods=["POST"]),
        Route("/forget", forget, methods=["POST"]),
        Route("/audit", audit_form, methods=["GET"]),
        Route("/audit", audit_document, methods=["POST"]),
        *(Route(f"/static/{name}", _static(name), methods=["GET"]) for name in STATIC),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        return _html("failure.html", 404, sentence="このアドレスのページはありません。")

    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: not_found})
    app.state.store = store if store is not None else Store()
    app.state.limits = _Limits()
    return _Safety(app, hosts)
