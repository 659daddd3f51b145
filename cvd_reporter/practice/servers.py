"""The practice organisation's servers on loopback: HTTPS (site, security.txt, WKD), DNS, SMTP.

Each binds port 0 (the kernel picks a free port) on 127.0.0.1 and stops with the practice run.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from dnslib import RCODE, RR
from dnslib.server import BaseResolver, DNSLogger, DNSServer

from cvd_reporter.practice.org import DOMAIN, HOSTS, OPENPGPKEY, SMTP_HOST, WWW, PracticeOrg


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Any

    def log_message(self, *args: Any) -> None:  # quiet: the practice run prints its own story
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        routes = self.server.routes
        status, ctype, body = routes.get((host, path)) or routes.get(("*", path)) or \
            (404, "text/plain; charset=utf-8", b"not found\n")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class PracticeHTTPS:
    def __init__(self, org: PracticeOrg) -> None:
        class Server(ThreadingHTTPServer):
            routes: dict[tuple[str, str], tuple[int, str, bytes]]  # (host or "*", path) -> answer
            daemon_threads = True
            block_on_close = False

        self.httpd = Server(("127.0.0.1", 0), _Handler)
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(org.cert_chain), str(org.cert_key))
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        page = (f"<html lang=nl><body><h1>Gemeente Oefendorp</h1><p>Oefenomgeving van cvd-reporter. "
                f"Meld zwakke plekken via https://{WWW}/.well-known/security.txt</p></body></html>").encode()
        html = "text/html; charset=utf-8"
        # security.txt on the site and the apex (RFC 9116 §3.1: a file covers the host it is served from;
        # loket.oefendorp.test has none, so discovery shows the parent-domain walk);
        # the key on WKD's advanced host; every other host answers 404, as a real one would.
        self.httpd.routes = {
            ("*", "/"): (200, html, page),
            ("*", "/zoeken"): (200, html, page),
            ("*", "/responsible-disclosure"): (200, html, page),
            (WWW, "/.well-known/security.txt"): (200, "text/plain; charset=utf-8", org.security_txt),
            (DOMAIN, "/.well-known/security.txt"): (200, "text/plain; charset=utf-8", org.security_txt),
            (OPENPGPKEY, org.wkd_path): (200, "application/octet-stream", org.public_key_binary),
            (OPENPGPKEY, f"/.well-known/openpgpkey/{DOMAIN}/policy"): (200, "text/plain", b""),
        }
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def start(self) -> PracticeHTTPS:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class PracticeDNS:
    """Authoritative answers for the practice domain: every name -> 127.0.0.1, ::1."""

    def __init__(self) -> None:
        records = RR.fromZone("\n".join(
            [f"$ORIGIN {DOMAIN}.", "$TTL 300", "@ IN SOA ns hostmaster 1 3600 600 86400 300"]
            + [f"{h}. IN A 127.0.0.1\n{h}. IN AAAA ::1" for h in HOSTS]))

        class Resolver(BaseResolver):
            def resolve(self, request: Any, handler: Any) -> Any:
                reply = request.reply()
                name = str(request.q.qname).lower()
                for rr in records:
                    if str(rr.rname).lower() == name and rr.rtype == request.q.qtype:
                        reply.add_answer(rr)
                if not reply.rr and not any(str(rr.rname).lower() == name for rr in records):
                    reply.header.rcode = RCODE.NXDOMAIN
                return reply

        quiet = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
        # UDP and TCP on one port number: the OS picks a free UDP port, and that number can be taken
        # for TCP (another program's connection); then try another pair (a few times at most).
        for attempt in range(20):
            self.udp = DNSServer(Resolver(), port=0, address="127.0.0.1", logger=quiet)
            self.port = self.udp.server.server_address[1]
            try:
                self.tcp = DNSServer(Resolver(), port=self.port, address="127.0.0.1", tcp=True, logger=quiet)
                break
            except OSError:
                self.udp.server.server_close()
                if attempt == 19:
                    raise

    def start(self) -> PracticeDNS:
        for server in (self.udp, self.tcp):
            server.server.daemon_threads = True
            threading.Thread(target=server.server.serve_forever, kwargs={"poll_interval": 0.05},
                             daemon=True).start()
        return self

    def stop(self) -> None:
        for server in (self.udp, self.tcp):
            server.server.shutdown()
            server.server.server_close()


class PracticeSMTP:
    """Submission server: STARTTLS required, AUTH required and only over TLS; keeps what arrives."""

    def __init__(self, org: PracticeOrg) -> None:
        logging.getLogger("mail.log").setLevel(logging.CRITICAL)
        self.messages: list[dict[str, Any]] = []
        messages = self.messages

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                messages.append({"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos),
                                 "content": envelope.content, "tls": session.ssl is not None,
                                 "authenticated": session.authenticated})
                return "250 2.0.0 Ontvangen door Gemeente Oefendorp"

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
            ok = isinstance(data, LoginPassword) and data == (org.smtp_user.encode(), org.smtp_password.encode())
            return AuthResult(success=ok)

        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(org.cert_chain), str(org.cert_key))

        class Loopback(Controller):
            def _trigger_server(self) -> None:
                if not isinstance(self.server, asyncio.Server):  # pragma: no cover - aiosmtpd sets it first
                    raise RuntimeError("the SMTP server did not start")
                self.port = self.server.sockets[0].getsockname()[1]
                super()._trigger_server()

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.controller = Loopback(Handler(), hostname="127.0.0.1", port=0, server_hostname=SMTP_HOST,
                                       tls_context=ctx, require_starttls=True, authenticator=authenticator,
                                       auth_required=True, auth_require_tls=True, ready_timeout=5)

    @property
    def port(self) -> int:
        return self.controller.port

    def start(self) -> PracticeSMTP:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
