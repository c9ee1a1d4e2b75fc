"""`pia-diff serve` as a person starts it: the command, the address it prints, uvicorn answering, the
request cap over a real socket, and the messages when the address cannot be had."""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pia_diff.serve.server import addresses, bind, is_loopback
from pia_diff.serve.uploads import REQUEST_LIMIT

from .serve_pages import NEW, OLD, ROOT, alert, cli, running_server

WEB = ("starlette", "uvicorn", "jinja2", "python_multipart", "anyio")


def test_help_imports_no_web_framework() -> None:
    code = f"import sys, pia_diff.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in {WEB!r}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"
    shown = cli("serve", "--help")
    assert shown.returncode == 0
    assert (
        "ブラウザで使うページを始めます" in shown.stdout
        and "--host" in shown.stdout
        and "[既定: 127.0.0.1]" in shown.stdout
    )


def test_a_port_in_use_and_a_bad_host_are_bad_input() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = cli("serve", "--port", str(port))
    assert done.returncode == 2
    assert f"エラー: --port: 127.0.0.1 のポート {port} で待ち受けられません" in done.stderr
    assert "Traceback" not in done.stderr
    bad = cli("serve", "--host", "no such host.invalid")
    assert bad.returncode == 2 and "というアドレスを使えません" in bad.stderr
    assert cli("serve", "--port", "70000").returncode == 2


@pytest.mark.parametrize("windows", [False, True])
def test_binding_with_the_option_each_platform_has(monkeypatch: pytest.MonkeyPatch, windows: bool) -> None:
    # Windows has SO_EXCLUSIVEADDRUSE (a port opened with SO_REUSEADDR there can be taken by another
    # program); elsewhere it is absent. Here it stands in with a value this platform accepts.
    if windows:
        monkeypatch.setattr(socket, "SO_EXCLUSIVEADDRUSE", socket.SO_REUSEADDR, raising=False)
    else:
        monkeypatch.delattr(socket, "SO_EXCLUSIVEADDRUSE", raising=False)
    sock = bind("127.0.0.1", 0)
    try:
        with socket.create_connection(sock.getsockname(), timeout=5):
            pass  # listening as soon as bind returns: the printed address answers at once
    finally:
        sock.close()


def test_the_address_lines() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")
    assert addresses("::1", 8000)[1].strip() == "http://[::1]:8000/"
    shared = "\n".join(addresses("0.0.0.0", 8000))
    assert f"http://{socket.gethostname()}:8000/" in shared and "ほかの PC からも開けます" in shared


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, Path]]:
    with running_server(tmp_path_factory.mktemp("serve")) as running:
        port = int(running.address.rsplit(":", 1)[1].strip("/"))
        yield running.address, port, running.log_path


def _multipart(*parts: tuple[str, str, bytes]) -> tuple[bytes, str]:
    body = b"".join(
        b'--B\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n\r\n%s\r\n'
        % (name.encode(), filename.encode(), data)
        for name, filename, data in parts
    )
    return body + b"--B--\r\n", "multipart/form-data; boundary=B"


def _rss_kib(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    return {key: int(value) for key, value in re.findall(r"(VmRSS|VmHWM):\s+(\d+) kB", status)}


def test_the_printed_address_serves_the_job(server: tuple[str, int, Path]) -> None:
    address, port, log = server
    with urllib.request.urlopen(address, timeout=30) as page:
        assert page.status == 200 and "2つの版を比べて" in page.read().decode("utf-8")
    body, kind = _multipart(("old", "前の版.txt", OLD.read_bytes()), ("new", "新しい版.txt", NEW.read_bytes()))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("POST", "/compare", body=body, headers={"Content-Type": kind})
    answer = connection.getresponse()
    assert answer.status == 200
    assert answer.read().decode("utf-8").count('<article class="row ') == 13
    # the access log names requests, never the uploads' names or content
    logged = log.read_text(encoding="utf-8")
    assert '"POST /compare HTTP/1.1" 200' in logged
    assert "前の版" not in logged and "国民年金" not in logged


def test_a_50_mb_upload_over_a_socket(server: tuple[str, int, Path]) -> None:
    _, port, _ = server
    head = b'--B\r\nContent-Disposition: form-data; name="new"; filename="big.pdf"\r\n\r\n'
    size = 50 * 1024 * 1024
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.putrequest("POST", "/compare")
    connection.putheader("Content-Type", "multipart/form-data; boundary=B")
    connection.putheader("Content-Length", str(len(head) + size))
    connection.endheaders()
    try:
        connection.send(head)
        for _ in range(size // (1024 * 1024)):
            connection.send(b"\0" * (1024 * 1024))
    except OSError:
        pass  # the server may close its side once it has answered
    answer = connection.getresponse()
    assert answer.status == 413
    assert alert(answer.read().decode("utf-8")).startswith("送信されたデータが大きすぎます (52,428,")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as again:
        assert again.status == 200


def test_a_streamed_body_is_cut_at_the_cap(server: tuple[str, int, Path]) -> None:
    _, port, _ = server
    head = b'--B\r\nContent-Disposition: form-data; name="new"; filename="big.pdf"\r\n\r\n'

    def body() -> Iterator[bytes]:
        yield head
        for _ in range(100):  # 100 MB if it were all read
            yield b"\0" * (1024 * 1024)

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    with contextlib.suppress(OSError):
        connection.request(
            "POST",
            "/compare",
            body=body(),
            headers={"Content-Type": "multipart/form-data; boundary=B"},
            encode_chunked=True,
        )
    answer = connection.getresponse()
    assert answer.status == 413
    assert f"上限 {REQUEST_LIMIT:,} バイト" in alert(answer.read().decode("utf-8"))
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as again:
        assert again.status == 200


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="memory is read from /proc (Linux)")
def test_memory_of_refused_uploads(tmp_path: Path) -> None:
    """Not a limit on speed: the refused 50 MB upload must not be held in memory (measured, with room)."""
    with running_server(tmp_path) as running:
        port = int(running.address.rsplit(":", 1)[1].strip("/"))
        before = _rss_kib(running.process.pid)["VmHWM"]
        big = b"\0" * (50 * 1024 * 1024)
        body, kind = _multipart(("new", "big.pdf", big))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        with contextlib.suppress(OSError):
            connection.request("POST", "/compare", body=body, headers={"Content-Type": kind})
        assert connection.getresponse().status == 413
        after = _rss_kib(running.process.pid)["VmHWM"]
    assert after - before < 10 * 1024, (before, after)
