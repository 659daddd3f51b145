"""SMTP submission of a finished (encrypted) message: TLS before anything else, or nothing at all.

Policy (issue 6; the promises in docs/security-model.md):
- ``starttls``: EHLO, then STARTTLS (RFC 3207) is required. A server that does not offer it gets no
  AUTH, no MAIL, no message: smtplib's ``login()`` does not insist on TLS and would send the password
  in clear over a plain connection. ``tls``: implicit TLS from the first byte (RFC 8314 §3.3).
- Certificates are verified with :func:`cvd_reporter.net.tls.make_ssl_context`; ``--connect-to``
  changes only where the TCP connection goes, the configured name keeps driving SNI and the
  certificate check.
- One total deadline (``settings.timeout``) covers connect, TLS, AUTH and DATA: a watchdog shuts
  the socket, so a server that answers a byte at a time cannot stretch it.
- All recipients must be accepted before DATA (no partial delivery), and every failure becomes a
  :class:`DeliveryError` with the server's answer in ``data`` and one plain sentence. The password
  is never logged and never part of an error.
- The EHLO name is the address literal of our own socket (RFC 5321 §4.1.3), not the machine's
  host name, which can identify the reporter.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cvd_reporter.core import mime
from cvd_reporter.core.i18n import N_
from cvd_reporter.errors import ConfigError, DeliveryError
from cvd_reporter.net.deadline import SocketDeadline
from cvd_reporter.net.tls import make_ssl_context

MAX_ANSWER = 500  # characters of a server answer kept in errors and the outbox


@dataclass(frozen=True)
class SmtpReceipt:
    """What the server said when it took the message."""

    host: str
    port: int
    security: str
    code: int
    reply: str
    time: datetime
    recipients: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"channel": "email", "host": self.host, "port": self.port, "security": self.security,
                "code": self.code, "reply": self.reply, "time": self.time.isoformat(),
                "recipients": list(self.recipients)}


def _connect(host: str, port: int, connect_map: dict[tuple[str, int], tuple[str, int]], timeout: float,
             watch: SocketDeadline, source: object) -> socket.socket:
    target = connect_map.get((host.lower().rstrip("."), port), (host, port))
    # smtplib's source_address: None, or the (host, port) the caller gave it.
    bind = source if isinstance(source, tuple) else None
    sock = socket.create_connection(target, timeout, bind)
    watch.register(sock)
    return sock


def _ehlo_name(sock: socket.socket) -> str:
    """RFC 5321 §4.1.3 address literal of our end of the connection."""
    try:
        address = sock.getsockname()[0]
    except OSError:
        return "[127.0.0.1]"
    return f"[IPv6:{address}]" if ":" in address else f"[{address}]"


def _clients(connect_map: dict[tuple[str, int], tuple[str, int]],
             watch: SocketDeadline) -> tuple[type[smtplib.SMTP], type[smtplib.SMTP_SSL]]:
    class MappedSMTP(smtplib.SMTP):
        # smtplib keeps the name given to connect() in self._host and uses it for SNI and the
        # certificate check in starttls(); only the TCP target changes here.
        def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
            sock = _connect(host, port, connect_map, timeout, watch, self.source_address)
            self.local_hostname = _ehlo_name(sock)
            return sock

    class MappedSMTPS(smtplib.SMTP_SSL):
        _host: str  # set by smtplib.SMTP.__init__ and by send() below; not in the type stubs

        def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
            sock = _connect(host, port, connect_map, timeout, watch, self.source_address)
            self.local_hostname = _ehlo_name(sock)
            return self.context.wrap_socket(sock, server_hostname=self._host)

    return MappedSMTP, MappedSMTPS


def _answer(resp: bytes | str | None) -> str:
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else (resp or "")
    return " ".join(text.split())[:MAX_ANSWER]


class _Stop(Exception):
    """A refusal decided here (not by smtplib): carries the DeliveryError to raise."""

    def __init__(self, error: DeliveryError) -> None:
        super().__init__(error.code)
        self.error = error


def send(message: bytes | Path, *, settings: Any, password: str | None, mail_from: str,
         rcpt_to: list[str], meter: Callable[[int, int], None] | None = None,
         clock: Callable[[], datetime] | None = None) -> SmtpReceipt:
    """Submit ``message`` (the finished RFC 5322 bytes, or a file holding them) to the SMTP server.

    A file is sent in pieces (:func:`_data_from_file`), so a large message never sits in memory;
    ``meter(sent, total)`` follows the upload; ``clock`` stamps the receipt.

    ``password`` comes from the caller (``settings.secret("smtp_password")``); with a password the
    login is ``settings.smtp_user``. Raises DeliveryError for every failure; nothing is retried here
    (the outbox does that, with the same bytes and Message-ID).
    """
    host = settings.smtp_host
    if not host:
        raise ConfigError.t("delivery.smtp.no_host")
    security = settings.smtp_security
    if security not in ("starttls", "tls"):
        raise ConfigError.t("delivery.smtp.bad_security")
    if password is not None and not settings.smtp_user:
        raise ConfigError.t("delivery.smtp.password_no_user")
    if not mail_from:
        raise ConfigError.t("delivery.smtp.no_from")
    if not rcpt_to:
        raise ValueError("no recipients")
    try:  # envelope addresses: IDNA domains; control characters and line breaks never reach a command
        mail_from = mime.envelope_address(mail_from)
        rcpt_to = [mime.envelope_address(r) for r in rcpt_to]
    except ValueError as e:
        raise DeliveryError(f"Cannot send: {e}; nothing was sent.", code="bad_address",
                            data={"temporary": False, "delivered": "no"}) from None
    utf8 = mime.needs_smtputf8(mail_from, *rcpt_to)
    port = settings.effective_smtp_port
    timeout = float(settings.timeout)
    where = f"{host}:{port}"
    base = {"host": host, "port": port, "security": security}
    stage = "connect"
    watch = SocketDeadline(timeout)
    plain_cls, tls_cls = _clients(dict(settings.connect_map), watch)
    ctx = make_ssl_context(settings.ca_bundle)  # shared for the run (net/tls.py)
    if not ctx.check_hostname or ctx.verify_mode != ssl.CERT_REQUIRED:  # someone loosened it: never use that
        ctx = make_ssl_context.__wrapped__(settings.ca_bundle)
    client: smtplib.SMTP | None = None

    def fail(code: str, msgid: str, *, answer: str = "", smtp_code: int | None = None,
             temporary: bool, delivered: str = "no", **params: Any) -> DeliveryError:
        data = dict(base, stage=stage, answer=answer, smtp_code=smtp_code, temporary=temporary,
                    delivered=delivered)
        return DeliveryError.t(msgid, code=code, data=data, where=where, **params)

    try:
        with watch:
            try:
                if security == "tls":
                    client = tls_cls(local_hostname="localhost", timeout=timeout, context=ctx)
                else:
                    client = plain_cls(local_hostname="localhost", timeout=timeout)
                # smtplib sets _host only in __init__; it drives SNI and the name check (private, not in
                # the type stubs).
                client._host = host  # type: ignore[attr-defined]
                client.connect(host, port)
                stage = "ehlo"
                code, resp = client.ehlo()
                if code != 250:
                    raise smtplib.SMTPHeloError(code, resp)
                if security == "starttls":
                    stage = "starttls"
                    if not client.has_extn("starttls"):
                        raise _Stop(fail("starttls_missing", N_("delivery.smtp.starttls_missing"), temporary=False))
                    client.starttls(context=ctx)
                    stage = "ehlo"
                    code, resp = client.ehlo()
                    if code != 250:
                        raise smtplib.SMTPHeloError(code, resp)
                # Belt and braces: whatever happened above, credentials only cross an encrypted socket.
                if not isinstance(client.sock, ssl.SSLSocket):
                    raise _Stop(fail("tls_failed", N_("delivery.smtp.not_encrypted"), temporary=False))
                if password is not None:
                    stage = "auth"
                    if not client.has_extn("auth"):
                        raise _Stop(fail("auth_unavailable", N_("delivery.smtp.auth_unavailable"), temporary=False))
                    client.login(settings.smtp_user, password)
                stage = "mail"
                # RFC 1870: announce the size, so a server with a lower limit refuses before 3 MB travel.
                size = message.stat().st_size if isinstance(message, Path) else len(message)
                options = [f"SIZE={size}"] if client.has_extn("size") else []
                if utf8:  # RFC 6531: a non-ASCII local part travels only where the server says it can
                    if not client.has_extn("smtputf8"):
                        raise _Stop(fail("smtputf8_unsupported", N_("delivery.smtp.smtputf8_unsupported"),
                                         temporary=False,
                                         address=next(a for a in (mail_from, *rcpt_to) if not a.isascii())))
                    options.append("SMTPUTF8")
                code, resp = client.mail(mail_from, options)
                if code != 250:
                    raise smtplib.SMTPSenderRefused(code, resp, mail_from)
                stage = "rcpt"
                for rcpt in rcpt_to:
                    code, resp = client.rcpt(rcpt)
                    if code not in (250, 251):
                        raise smtplib.SMTPRecipientsRefused({rcpt: (code, resp)})
                stage = "data"
                if isinstance(message, Path):
                    code, resp = _data_from_file(client, message, size, meter)
                else:
                    code, resp = client.data(message)
                if code != 250:
                    raise smtplib.SMTPDataError(code, resp)
                receipt = SmtpReceipt(host=host, port=port, security=security, code=code, reply=_answer(resp),
                                      time=clock() if clock else datetime.now(timezone.utc),
                                      recipients=list(rcpt_to))
                stage = "quit"
                try:
                    client.quit()
                except (smtplib.SMTPException, OSError):
                    pass  # the message is accepted; a rude goodbye changes nothing
                return receipt
            finally:
                if client is not None:
                    try:
                        client.close()
                    except OSError:
                        pass
    except _Stop as stop:
        raise stop.error from None
    except (smtplib.SMTPException, OSError, ssl.SSLError) as e:
        raise _map_error(e, stage=stage, where=where, watch=watch, fail=fail) from None


_PIECE = 1 << 20


def _data_from_file(client: smtplib.SMTP, path: Path, size: int,
                    meter: Callable[[int, int], None] | None) -> tuple[int, bytes]:
    """The DATA command with the message read from ``path`` in pieces (RFC 5321 §4.1.1.4).

    What smtplib's ``data()`` does for bytes, piece by piece: every line end becomes CRLF, a line
    that starts with "." gets a second one (§4.5.2), and CRLF "." CRLF ends the data. Pieces are
    cut after a line end, so a line is always transparent-encoded whole.
    """
    client.putcmd("data")
    code, repl = client.getreply()
    if code != 354:
        raise smtplib.SMTPDataError(code, repl)
    sent = 0
    rest = b""
    last = b"\n"
    with open(path, "rb") as fh:
        while True:
            piece = fh.read(_PIECE)
            data = rest + piece
            if piece:
                cut = data.rfind(b"\n") + 1
                if cut == 0 and len(data) < 1 << 24:  # no line end yet: wait for more (lines are short)
                    rest = data
                    continue
                data, rest = (data[:cut], data[cut:]) if cut else (data, b"")
            if not data:
                break
            # Each piece starts at a line start, where quotedata's "^." matches too.
            wire = smtplib.quotedata(data.decode("latin-1")).encode("latin-1")
            client.send(wire)
            last = wire[-2:]
            sent += len(data)
            if meter is not None:
                meter(sent, size)
            if not piece:
                break
    client.send((b"" if last == b"\r\n" else b"\r\n") + b".\r\n")
    return client.getreply()


def _map_error(e: BaseException, *, stage: str, where: str, watch: SocketDeadline, fail: Any) -> DeliveryError:
    """One plain sentence per failure; the server's answer goes to ``data``."""
    during_data = stage == "data"
    unknown = "unknown" if during_data else "no"
    if watch.expired or isinstance(e, (TimeoutError, socket.timeout)):
        return fail("deadline", N_("delivery.smtp.deadline_data") if during_data else N_("delivery.smtp.deadline"),
                    temporary=True,
                    delivered=unknown, seconds=f"{watch.seconds:g}", command=stage.upper())
    if isinstance(e, ssl.SSLCertVerificationError):
        return fail("invalid_cert", N_("delivery.smtp.invalid_cert"), temporary=False, reason=e.verify_message)
    if isinstance(e, (ssl.SSLError, smtplib.SMTPNotSupportedError)) and stage == "starttls":
        return fail("tls_failed", N_("delivery.smtp.tls_failed"), temporary=False, reason=_answer(str(e)))
    if isinstance(e, smtplib.SMTPAuthenticationError):
        return fail("auth_failed", N_("delivery.smtp.auth_failed"), answer=_answer(e.smtp_error), smtp_code=e.smtp_code,
                    temporary=False, status=e.smtp_code)
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        rcpt, (code, resp) = next(iter(e.recipients.items()))
        return _reply_error(fail, code, resp, "recipient", address=rcpt)
    if isinstance(e, smtplib.SMTPSenderRefused):
        return _reply_error(fail, e.smtp_code, e.smtp_error, "sender", address=e.sender)
    if isinstance(e, (smtplib.SMTPDataError, smtplib.SMTPHeloError)):
        return _reply_error(fail, e.smtp_code, e.smtp_error, "message" if stage == "data" else "greeting")
    if isinstance(e, smtplib.SMTPResponseException):
        return _reply_error(fail, e.smtp_code, e.smtp_error, "command", command=stage.upper())
    if isinstance(e, (smtplib.SMTPServerDisconnected, ConnectionError)) and stage != "connect":
        if during_data:
            return fail("connection_lost", N_("delivery.smtp.dropped_data"), temporary=True, delivered="unknown")
        return fail("connection_lost", N_("delivery.smtp.closed"), temporary=True, command=stage.upper())
    if isinstance(e, socket.gaierror):
        return fail("dns_failed", N_("delivery.smtp.dns_failed"), temporary=True)
    if isinstance(e, ssl.SSLError):
        return fail("tls_failed", N_("delivery.smtp.tls_failed"), temporary=False, reason=_answer(str(e)))
    reason = e.strerror if isinstance(e, OSError) and e.strerror else type(e).__name__
    return fail("connection_failed", N_("delivery.smtp.connection_failed"), temporary=True, reason=reason)


# What an SMTP server refused, one catalogue text each (the refusal's sentence names it).
_TEMPORARY = {
    "recipient": N_("delivery.smtp.temporary.recipient"), "sender": N_("delivery.smtp.temporary.sender"),
    "message": N_("delivery.smtp.temporary.message"), "greeting": N_("delivery.smtp.temporary.greeting"),
    "command": N_("delivery.smtp.temporary.command")}
_REJECTED = {
    "recipient": N_("delivery.smtp.rejected.recipient"), "sender": N_("delivery.smtp.rejected.sender"),
    "message": N_("delivery.smtp.rejected.message"), "greeting": N_("delivery.smtp.rejected.greeting"),
    "command": N_("delivery.smtp.rejected.command")}


def _reply_error(fail: Any, code: int, resp: bytes | str, what: str, **params: Any) -> DeliveryError:
    """``what``: recipient, sender, message, greeting or command (one catalogue text each)."""
    answer = _answer(resp)
    if 400 <= code < 500:
        return fail("temporary_failure", _TEMPORARY[what], answer=answer, smtp_code=code,
                    temporary=True,
                    status=code, **params)
    return fail("rejected", _REJECTED[what], answer=answer, smtp_code=code, temporary=False,
                status=code,
                **params)
