"""SMTP DATA sent from a file in pieces (delivery/smtp.py, issue 16), against aiosmtpd on loopback:
the server receives exactly what smtplib's whole-message data() delivers for the same (CRLF) text."""

from __future__ import annotations

from cvd_reporter.delivery import smtp as smtp_delivery
from cvd_reporter.settings import ConnectTo, Settings
from tests.servers.smtp import PASSWORD, USER, LocalSMTP

FROM, TO = "alice@reporter.test", "security@gemeente.test"


def settings_for(pki, port: int) -> Settings:
    return Settings(ca_bundle=pki.ca_pem, timeout=10.0, smtp_host="smtp.gemeente.test", smtp_security="starttls",
                    smtp_user=USER, smtp_from=FROM,
                    connect_to=(ConnectTo("smtp.gemeente.test", 587, "127.0.0.1", port),))


def tricky_message() -> bytes:
    """Lines that start with "." (one right where a 1 MiB piece ends), LF-only and CRLF line ends,
    and no line end at the very end: everything SMTP's transparency rules touch."""
    head = b"Subject: r-1\r\nMessage-ID: <cvd.r-1@reporter.test>\r\n\r\n"
    filler = b"A" * 75 + b"\r\n"
    body = head + filler * ((1 << 20) // len(filler))
    body = body[:(1 << 20) - 3] + b"\r\n"  # the next line starts one byte before the first piece ends
    body += b".hidden line\n..two dots\r\n.\r\nplain\n" + filler * 300 + b".last line without end"
    return body


def test_a_file_is_sent_in_pieces_exactly_as_bytes_would_be(pki, tmp_path):
    message = tricky_message()
    path = tmp_path / "message.eml"
    path.write_bytes(message)
    seen: list[tuple[int, int]] = []
    with LocalSMTP(pki.chain, pki.key) as server:
        settings = settings_for(pki, server.port)
        # smtplib's data() stuffs dots but leaves bare LFs alone; the file path also makes every line
        # end CRLF (RFC 5321 §2.3.8), so the reference is the message with CRLF line ends
        crlf = message.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        smtp_delivery.send(crlf, settings=settings, password=PASSWORD, mail_from=FROM, rcpt_to=[TO])
        receipt = smtp_delivery.send(path, settings=settings, password=PASSWORD, mail_from=FROM, rcpt_to=[TO],
                                     meter=lambda sent, total: seen.append((sent, total)))
    assert receipt.code == 250
    whole, streamed = (m["content"] for m in server.messages)
    assert streamed == whole
    assert b"\r\n.hidden line\r\n...two dots\r\n" not in streamed  # the server undid the dot-stuffing
    assert b"\r\n.hidden line\r\n..two dots\r\n.\r\nplain\r\n" in streamed
    # the upload was followed piece by piece up to the whole file
    assert len(seen) > 1 and seen[-1] == (len(message), len(message))
    assert [s for s, _ in seen] == sorted(s for s, _ in seen)
