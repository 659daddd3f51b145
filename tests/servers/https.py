"""A threaded HTTPS server on loopback with a route table, plus hostile behaviours.

Routes are keyed by (host, path); host "*" matches any Host header. A route is a ``Response``
or a callable ``(handler) -> None`` that writes its own answer (hostile cases, JSON APIs).
Every request is logged in ``server.log`` (method, host, path, headers, body) for assertions.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_HANDLER_S = 10.0  # every hostile handler gives up after this


@dataclass
class Response:
    status: int = 200
    body: bytes | str = b""
    content_type: str | None = "text/plain; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    def send(self, h: Handler) -> None:
        body = self.body.encode() if isinstance(self.body, str) else self.body
        h.send_response(self.status)
        if self.content_type is not None:
            h.send_header("Content-Type", self.content_type)
        h.send_header("Content-Length", str(len(body)))
        for k, v in self.headers:
            h.send_header(k, v)
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)


def redirect(location: str, status: int = 302) -> Response:
    return Response(status, b"", None, [("Location", location)])


def json_response(obj: Any, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, json.dumps(obj), "application/json", headers or [])


# ---- hostile behaviours -------------------------------------------------------------------
def _drip(h: Handler, data: bytes, delay: float) -> None:
    stop, end = h.server.stop_event, time.monotonic() + MAX_HANDLER_S
    try:
        while not stop.is_set() and time.monotonic() < end:
            h.wfile.write(data)
            h.wfile.flush()
            if delay:
                stop.wait(delay)
    except OSError:
        pass
    h.close_connection = True


def big_body(size: int = 50 * 1024 * 1024) -> Callable[[Handler], None]:
    def handler(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.send_header("Content-Length", str(size))
        h.end_headers()
        _drip(h, b"A" * 65536, 0)
    return handler


def big_body_unannounced(h: Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    h.send_header("Connection", "close")
    h.end_headers()
    _drip(h, b"Contact: mailto:a@b.test\n" * 2000, 0)


def endless_chunked(h: Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/plain")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    chunk = b"Contact: mailto:a@b.test\n" * 3000
    _drip(h, b"%x\r\n%s\r\n" % (len(chunk), chunk), 0)


def slow_body(delay: float = 0.2) -> Callable[[Handler], None]:
    """One byte every ``delay`` seconds: never trips a per-read timeout."""
    def handler(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.send_header("Content-Length", "10000")
        h.end_headers()
        _drip(h, b"x", delay)
    return handler


def slow_headers(h: Handler) -> None:
    stop, end = h.server.stop_event, time.monotonic() + MAX_HANDLER_S
    try:
        for b in b"HTTP/1.1 200 OK\r\nX-Pad: " + b"y" * 10000:
            if stop.is_set() or time.monotonic() > end:
                break
            h.wfile.write(bytes([b]))
            h.wfile.flush()
            stop.wait(0.2)
    except OSError:
        pass
    h.close_connection = True


def hang(h: Handler) -> None:
    h.server.stop_event.wait(MAX_HANDLER_S)
    h.close_connection = True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Any

    def log_message(self, *args: Any) -> None:
        pass

    def _route(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        if host.startswith("["):
            host = self.headers.get("Host", "").split("]")[0][1:]
        path = self.path
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        self.server.log.append({"method": self.command, "host": host, "path": path,
                                "headers": dict(self.headers.items()), "body": self.body,
                                "sni": self.server.last_sni})
        routes = self.server.routes
        plain = path.split("?", 1)[0]
        route = (routes.get((host, path)) or routes.get((host, plain)) or routes.get(("*", path))
                 or routes.get(("*", plain)))
        if route is None:
            Response(404, b"not found\n").send(self)
        elif isinstance(route, Response):
            route.send(self)
        else:
            route(self)

    do_GET = do_POST = do_HEAD = do_PUT = _route


class LocalHTTPS:
    """Threaded HTTPS server on 127.0.0.1 (or ::1), port chosen by the kernel."""

    def __init__(self, chain: str, key: str, host: str = "127.0.0.1") -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET

        class Server(ThreadingHTTPServer):
            address_family = family
            daemon_threads = True
            block_on_close = False

        self.httpd = Server((host, 0), Handler)
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(chain, key)
        self.httpd.last_sni = None

        def sni_cb(_sslobj: Any, name: str, _ctx: Any) -> None:
            self.httpd.last_sni = name

        ctx.sni_callback = sni_cb
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.stop_event = threading.Event()
        self.httpd.routes = {}
        self.httpd.log = []
        self.host = host
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def routes(self) -> dict:
        return self.httpd.routes

    @property
    def log(self) -> list:
        return self.httpd.log

    def add(self, path: str, route: Response | Callable[[Handler], None] | str | bytes, *,
            host: str = "*") -> None:
        if isinstance(route, (str, bytes)):
            route = Response(200, route)
        self.httpd.routes[(host.lower(), path)] = route

    def clear(self) -> None:
        self.httpd.routes.clear()
        self.httpd.log.clear()

    def connect_to(self, *names: str, port: int = 443) -> list[str]:
        """``--connect-to`` values that send these names to this server."""
        addr = f"[{self.host}]" if ":" in self.host else self.host
        return [f"{n}:{port}:{addr}:{self.port}" for n in names]

    def start(self) -> LocalHTTPS:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.stop_event.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(2)

    def __enter__(self) -> LocalHTTPS:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
