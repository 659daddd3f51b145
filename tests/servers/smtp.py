"""aiosmtpd on loopback: STARTTLS (trustme) with AUTH required, and the failure variants.

Variants: ``starttls`` (default), ``tls`` (implicit), ``plain`` (offers AUTH without STARTTLS: the
client must refuse and never send the password), ``rcpt_script``/``data_script`` (451 then 250,
550), ``drop`` (connection dropped in the middle of DATA).
"""

from __future__ import annotations

import logging
import ssl
import warnings
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPProtocol
from aiosmtpd.smtp import AuthResult, LoginPassword

logging.getLogger("mail.log").setLevel(logging.CRITICAL)
USER, PASSWORD = "reporter", "s3cret-Pa55"


class Capture:
    def __init__(self, rcpt_script: list[str] | None = None, data_script: list[str] | None = None) -> None:
        self.messages: list[dict[str, Any]] = []
        self.rcpt_script = list(rcpt_script or [])
        self.data_script = list(data_script or [])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_script:
            return self.rcpt_script.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_script:
            return self.data_script.pop(0)
        self.messages.append({
            "mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos), "content": envelope.content,
            "tls": session.ssl is not None or server.transport.get_extra_info("sslcontext") is not None,
            "authenticated": session.authenticated,
        })
        return "250 2.0.0 Message accepted"


class Auth:
    def __init__(self) -> None:
        self.calls: list[tuple[str, bool, bytes]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        login = auth_data.login if isinstance(auth_data, LoginPassword) else b""
        self.calls.append((mechanism, session.ssl is not None, login))
        ok = isinstance(auth_data, LoginPassword) and auth_data == (USER.encode(), PASSWORD.encode())
        # handled=False: aiosmtpd then answers 235/535 itself (the default True means "I replied",
        # which leaves a client with a wrong password waiting for an answer that never comes).
        return AuthResult(success=ok, handled=False)


class DropMidDataSMTP(SMTPProtocol):
    async def smtp_DATA(self, arg: str) -> None:
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        await self._reader.read(1024)
        self.transport.abort()


class LoopbackController(Controller):
    def __init__(self, *args: Any, protocol_cls: type = SMTPProtocol, host: str = "127.0.0.1", **kw: Any):
        self.protocol_cls = protocol_cls
        super().__init__(*args, hostname=host, port=0, server_hostname="smtp.gemeente.test",
                         ready_timeout=5, **kw)

    def factory(self):
        return self.protocol_cls(self.handler, **self.SMTP_kwargs)

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def server_ctx(chain: str, key: str) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(chain, key)
    return ctx


class LocalSMTP:
    """One SMTP server; ``messages`` are what it accepted, ``auth.calls`` every AUTH attempt."""

    def __init__(self, chain: str, key: str, *, mode: str = "starttls", capture: Capture | None = None,
                 smtputf8: bool = False) -> None:
        self.capture = capture or Capture()
        self.auth = Auth()
        self.mode = mode
        kw: dict[str, Any] = {"authenticator": self.auth, "auth_required": True, "enable_SMTPUTF8": smtputf8}
        if mode == "starttls":
            kw.update(tls_context=server_ctx(chain, key), require_starttls=True, auth_require_tls=True)
        elif mode == "tls":
            kw.update(ssl_context=server_ctx(chain, key), auth_require_tls=False)
        elif mode == "plain":  # AUTH offered without TLS: a client that logs in here leaks the password
            kw.update(auth_require_tls=False)
        elif mode == "drop":
            kw.update(tls_context=server_ctx(chain, key), require_starttls=True, auth_require_tls=True,
                      protocol_cls=DropMidDataSMTP)
        else:
            raise ValueError(mode)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.controller = LoopbackController(self.capture, **kw)

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def messages(self) -> list[dict[str, Any]]:
        return self.capture.messages

    def start(self) -> LocalSMTP:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> LocalSMTP:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
