"""`pia-diff serve` against its yardstick, the same library calls made directly, in one process of
measurement: the sample pair and the published PDF pair through a real uvicorn server (compare, one
judgement, the workbook), as a ratio to parse_bytes + compare; and the server's memory (VmHWM, Linux)
around a refused 50 MB upload, with and without a declared length.

Run: .venv/bin/python bench/bench_serve.py   (not a test: it prints figures)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pia_diff.ingest import parse_bytes  # noqa: E402
from pia_diff.pipeline import compare  # noqa: E402
from tests.serve_pages import NEW, OLD, hidden, running_server  # noqa: E402

PDF = ROOT / "tests" / "data" / "pdf"
PAIRS = [
    ("旭川 テキスト", OLD, NEW, "令和5年11月6日", dt.date(2023, 11, 6)),
    (
        "旭川 PDF (25+25 ページ)",
        PDF / "003_asahikawa.pdf",
        PDF / "003_asahikawa_revised.pdf",
        "2024-04-01",
        dt.date(2024, 4, 1),
    ),
]


def best(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def multipart(files: dict[str, tuple[str, bytes]], fields: dict[str, str]) -> tuple[bytes, str]:
    parts = [
        b'--B\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n\r\n%s\r\n'
        % (name.encode(), filename.encode(), data)
        for name, (filename, data) in files.items()
    ]
    parts += [
        b'--B\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (k.encode(), v.encode())
        for k, v in fields.items()
    ]
    return b"".join(parts) + b"--B--\r\n", "multipart/form-data; boundary=B"


def post(port: int, path: str, body: bytes | Iterator[bytes], kind: str, chunked: bool = False) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    with contextlib.suppress(OSError):  # the server may close its side after refusing a body
        connection.request("POST", path, body=body, headers={"Content-Type": kind}, encode_chunked=chunked)
    answer = connection.getresponse()
    return answer.status, answer.read().decode("utf-8", "replace")


def hwm_kib(pid: int) -> int:
    found = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(found.group(1)) if found else -1


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, running_server(Path(folder)) as server:
        port = int(server.address.rsplit(":", 1)[1].strip("/"))
        for name, old, new, typed, date in PAIRS:
            a, b = old.read_bytes(), new.read_bytes()
            direct = best(lambda a=a, b=b, date=date: compare(parse_bytes(a, "a"), parse_bytes(b, "b"), date))
            body, kind = multipart({"old": (old.name, a), "new": (new.name, b)}, {"date": typed})
            page = ""

            def upload(body: bytes = body, kind: str = kind) -> None:
                nonlocal page
                status, page = post(port, "/compare", body, kind)
                assert status == 200, status

            served = best(upload)
            state = {k: hidden(page, k) for k in ("token", "date", "decisions")}
            star = re.search(r'name="fingerprint-(\d+)" value="([^"]+)"', page)
            judged = None
            if star:
                n, fingerprint = star.groups()
                fields = {**state, "action": f"acknowledge:{n}", f"fingerprint-{n}": fingerprint}
                judged = best(lambda fields=fields: post(port, "/judge", *multipart({}, fields)))
            workbook = best(lambda state=state: post(port, "/download/workbook", *multipart({}, state)))
            print(
                f"{name}: 直接 {direct:.3f} 秒、ページ {served:.3f} 秒 (比 {served / direct:.2f})、"
                + (f"判断1件 {judged:.3f} 秒、" if judged is not None else "")
                + f"Excel {workbook:.3f} 秒"
            )
        pid = server.process.pid
        big = b"\0" * (50 * 1024 * 1024)
        before = hwm_kib(pid)
        status, _ = post(port, "/compare", *multipart({"new": ("big.pdf", big)}, {}))
        print(f"50 MB (長さあり): {status}、最大常駐 {before / 1024:.1f} → {hwm_kib(pid) / 1024:.1f} MiB")

        def chunks() -> Iterator[bytes]:
            yield b'--B\r\nContent-Disposition: form-data; name="new"; filename="big.pdf"\r\n\r\n'
            for _ in range(50):
                yield b"\0" * (1024 * 1024)

        before = hwm_kib(pid)
        status, _ = post(port, "/compare", chunks(), "multipart/form-data; boundary=B", chunked=True)
        print(f"50 MB (長さなし、chunked): {status}、最大常駐 {before / 1024:.1f} → {hwm_kib(pid) / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
