"""Starting the page: bind the address (a Japanese message when it cannot be had), say where to open
it, and run uvicorn with logs that name requests but never their content."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

from pia_diff.errors import InputError

# uvicorn's own start-up lines are English: they are left out (level WARNING) for the lines we print.
# An access line is the method, the path and the status: a document travels only in request bodies,
# which no logger sees; the file names are in the bodies too.
LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "default": {"format": "%(asctime)s %(levelname)s %(message)s"},
        "access": {
            "()": "uvicorn.logging.AccessFormatter",
            "fmt": '%(asctime)s %(client_addr)s "%(request_line)s" %(status_code)s',
            "use_colors": False,
        },
    },
    "handlers": {
        "default": {"formatter": "default", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
        "access": {"formatter": "access", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
    },
    "loggers": {
        "uvicorn": {"handlers": ["default"], "level": "WARNING", "propagate": False},
        "uvicorn.error": {"level": "WARNING"},
        "uvicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "pia_diff.serve": {"handlers": ["default"], "level": "INFO", "propagate": False},
    },
}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port; InputError (in Japanese) when the address cannot be had."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(
            "--host", f"「{host}」というアドレスを使えません (この PC の名前か IP アドレスを指定してください)。"
        ) from exc
    sock = socket.socket(family, kind, proto)
    # Windows lets a second program take a port opened with SO_REUSEADDR; it has its own option for that.
    exclusive = getattr(socket, "SO_EXCLUSIVEADDRUSE", None)
    sock.setsockopt(socket.SOL_SOCKET, exclusive if exclusive is not None else socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise InputError(
            "--port",
            f"{host} のポート {port} で待ち受けられません ({exc.strerror})。"
            "ほかのプログラムが使っていれば、--port で別の番号を指定してください。",
        ) from exc
    sock.listen(128)  # a browser opened as soon as the address is printed waits here for uvicorn
    return sock


def addresses(host: str, port: int) -> list[str]:
    """The lines that say where to open the page."""
    if is_loopback(host):
        shown = f"[{host}]" if ":" in host else host
        return [
            "pia-diff のページを始めました。ブラウザで次のアドレスを開いてください:",
            f"  http://{shown}:{port}/",
            "この PC からだけ開けます。終わるときは Ctrl+C を押します。",
        ]
    name = socket.gethostname() if host in ("0.0.0.0", "::", "") else host
    return [
        "pia-diff のページを始めました。ブラウザで次のアドレスを開いてください:",
        f"  http://{name}:{port}/   (この PC では http://127.0.0.1:{port}/)",
        "注意: ネットワークのほかの PC からも開けます。送られた文書はメモリーだけで処理し、ディスクにもログにも残しませんが、",
        "通信は暗号化されません (http)。庁内ネットワークの中だけで使ってください。終わるときは Ctrl+C を押します。",
    ]


def run(host: str, port: int, say: Callable[[str], None]) -> None:
    """Serve the page until Ctrl+C; `say` prints a line for the person who started it."""
    import uvicorn

    from .app import LOOPBACK_HOSTS, create_app

    sock = bind(host, port)
    bound = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(hosts=LOOPBACK_HOSTS if is_loopback(host) else None),
        log_config=LOG_CONFIG,
        access_log=True,
        server_header=False,
        limit_concurrency=64,
        timeout_keep_alive=5,
    )
    for line in addresses(host, bound):
        say(line)
    uvicorn.Server(config).run(sockets=[sock])
    say("pia-diff のページを終えました。")
