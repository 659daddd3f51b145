"""SMTP submission against aiosmtpd on loopback: TLS before AUTH, and every way it can fail.

Every accepted message is decrypted with real gpg; the canary from the report's title and
description must be inside and nowhere in the envelope or the outer header.
"""

from __future__ import annotations

import email
import email.policy
import socket
import time

import pytest

from cvd_reporter.core import mime
from cvd_reporter.delivery import smtp as smtp_delivery
from cvd_reporter.errors import ConfigError, DeliveryError
from cvd_reporter.settings import Settings
from tests.servers.smtp import PASSWORD, USER, Capture, LocalSMTP
from tests.support.delivery import CANARY, FROM_ADDR, TO, smtp_settings


class EhloCapture(Capture):
    """Also remembers the EHLO name each session used and the Message-ID of every DATA attempt."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.ehlo_names: list[str] = []
        self.data_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.ehlo_names.append(session.host_name)
        self.data_ids.append(mime.header_of(envelope.content, "Message-ID") or "")
        return await super().handle_DATA(server, session, envelope)


def send(message: bytes, settings: Settings, password: str | None = PASSWORD, rcpt: list[str] | None = None):
    return smtp_delivery.send(message, settings=settings, password=password, mail_from=FROM_ADDR,
                              rcpt_to=rcpt or [TO])


def outer_header(wire: bytes) -> bytes:
    return wire.split(b"\r\n\r\n", 1)[0]


def test_starttls_auth_delivers_a_message_only_gpg_can_read(pki, recipient, encrypted_message):
    capture = EhloCapture()
    with LocalSMTP(pki.chain, pki.key, capture=capture) as server:
        receipt = send(encrypted_message, smtp_settings(pki, server.port))
    assert (receipt.code, receipt.reply) == (250, "2.0.0 Message accepted")
    assert receipt.recipients == [TO] and receipt.host == "smtp.gemeente.test"
    [got] = server.messages
    assert got["tls"] and got["authenticated"]
    assert server.auth.calls == [("PLAIN", True, USER.encode())]
    assert (got["mail_from"], got["rcpt_tos"]) == (FROM_ADDR, [TO])
    # what the municipality gets: an RFC 3156 message that gpg decrypts to the report
    assert mime.is_pgp_mime(got["content"])
    inner = recipient.decrypt_message(got["content"])
    assert CANARY.encode() in inner
    # nothing of the report outside the ciphertext: envelope, outer header, whole wire form
    assert CANARY not in got["mail_from"] + " ".join(got["rcpt_tos"])
    assert CANARY.encode() not in outer_header(got["content"]) and CANARY.encode() not in got["content"]
    # our EHLO name is an address literal, not this machine's host name
    assert capture.ehlo_names == ["[127.0.0.1]"] and socket.gethostname() not in capture.ehlo_names[0]


def test_implicit_tls(pki, recipient, encrypted_message):
    with LocalSMTP(pki.chain, pki.key, mode="tls") as server:
        receipt = send(encrypted_message, smtp_settings(pki, server.port, security="tls"))
    assert receipt.security == "tls" and receipt.port == 465
    [got] = server.messages
    assert got["tls"] and got["authenticated"]
    assert CANARY.encode() in recipient.decrypt_message(got["content"])


def test_no_starttls_means_no_password_and_no_message(pki, encrypted_message):
    with LocalSMTP(pki.chain, pki.key, mode="plain") as server, pytest.raises(DeliveryError) as e:
        send(encrypted_message, smtp_settings(pki, server.port))
    assert e.value.code == "starttls_missing" and e.value.exit_code == 7
    assert "STARTTLS" in e.value.message and "nothing was sent" in e.value.message
    assert server.auth.calls == [] and server.messages == []  # the password never crossed the wire
    assert e.value.data["temporary"] is False


@pytest.mark.parametrize("where", ["rcpt", "data"])
def test_451_is_temporary_and_the_retry_is_the_same_message(pki, encrypted_message, where):
    reply = "451 4.7.1 Greylisted, please try again later"
    capture = EhloCapture(**{f"{where}_script": [reply]})
    settings = smtp_settings(pki, 0)
    with LocalSMTP(pki.chain, pki.key, capture=capture) as server:
        settings = smtp_settings(pki, server.port)
        with pytest.raises(DeliveryError) as e:
            send(encrypted_message, settings)
        assert server.messages == []
        receipt = send(encrypted_message, settings)
    err = e.value
    assert err.code == "temporary_failure" and err.data["smtp_code"] == 451
    assert err.data["temporary"] is True and err.data["stage"] == where
    assert "Greylisted" in err.data["answer"] and "451" in err.message
    assert receipt.code == 250 and len(server.messages) == 1
    expected = mime.header_of(encrypted_message, "Message-ID")
    assert capture.data_ids[-1] == expected  # the accepted copy is the message that was refused


def test_550_is_permanent(pki, encrypted_message):
    capture = Capture(rcpt_script=["550 5.1.1 <security@gemeente.test>: Recipient address rejected"])
    with LocalSMTP(pki.chain, pki.key, capture=capture) as server, pytest.raises(DeliveryError) as e:
        send(encrypted_message, smtp_settings(pki, server.port))
    assert e.value.code == "rejected" and e.value.data["smtp_code"] == 550
    assert e.value.data["temporary"] is False and "Recipient address rejected" in e.value.data["answer"]
    assert server.messages == []


def test_all_recipients_or_none(pki, encrypted_message):
    capture = Capture(rcpt_script=["250 OK", "550 5.1.1 no such user"])
    with LocalSMTP(pki.chain, pki.key, capture=capture) as server, pytest.raises(DeliveryError) as e:
        send(encrypted_message, smtp_settings(pki, server.port), rcpt=[TO, "cert@gemeente.test"])
    assert "cert@gemeente.test" in e.value.message and server.messages == []


def test_connection_dropped_during_data(pki, encrypted_message):
    assert len(encrypted_message) > 4096  # more than the server reads before it hangs up
    with LocalSMTP(pki.chain, pki.key, mode="drop") as server, pytest.raises(DeliveryError) as e:
        send(encrypted_message, smtp_settings(pki, server.port))
    assert e.value.code == "connection_lost" and e.value.data["stage"] == "data"
    assert e.value.data["delivered"] == "unknown" and "same Message-ID" in e.value.message
    assert server.messages == []


def test_wrong_password_is_refused_and_not_echoed(pki, encrypted_message):
    wrong = "Wr0ng-Secret-9431"
    with LocalSMTP(pki.chain, pki.key) as server, pytest.raises(DeliveryError) as e:
        send(encrypted_message, smtp_settings(pki, server.port), password=wrong)
    assert e.value.code == "auth_failed" and e.value.data["smtp_code"] == 535
    assert wrong not in repr(e.value.to_dict()) and PASSWORD not in repr(e.value.to_dict())
    assert server.auth.calls and all(over_tls for _, over_tls, _ in server.auth.calls)
    assert server.messages == []


@pytest.mark.parametrize("case", ["untrusted_ca", "wrong_name"])
def test_certificate_is_verified(pki, encrypted_message, case):
    with LocalSMTP(pki.chain, pki.key) as server:
        if case == "untrusted_ca":
            settings = smtp_settings(pki, server.port, ca_bundle=pki.other_ca_pem)
        else:  # the certificate has no SAN for this name; --connect-to must not change the check
            settings = smtp_settings(pki, server.port, host="mail.nothere.test")
        with pytest.raises(DeliveryError) as e:
            send(encrypted_message, settings)
    assert e.value.code == "invalid_cert" and "nothing was sent" in e.value.message
    assert server.auth.calls == [] and server.messages == []


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_implicit_tls_certificate_is_verified(pki, encrypted_message, security):
    mode = "tls" if security == "tls" else "starttls"
    with LocalSMTP(pki.chain, pki.key, mode=mode) as server, pytest.raises(DeliveryError) as e:
        send(encrypted_message, smtp_settings(pki, server.port, security=security, ca_bundle=pki.other_ca_pem))
    assert e.value.code == "invalid_cert" and server.messages == []


def test_connection_refused():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    settings = Settings(smtp_host="smtp.gemeente.test", timeout=3,
                        connect_to=smtp_settings(None, port, ca_bundle="-").connect_to)
    with pytest.raises(DeliveryError) as e:
        send(b"irrelevant", settings, password=None)
    assert e.value.code == "connection_failed" and "refused" in e.value.message.lower()
    assert e.value.data["temporary"] is True


def test_total_deadline_bounds_a_server_that_never_greets():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the TCP handshake (backlog) but never says 220
    try:
        settings = Settings(smtp_host="smtp.gemeente.test", timeout=0.5,
                            connect_to=smtp_settings(None, listener.getsockname()[1], ca_bundle="-").connect_to)
        start = time.monotonic()
        with pytest.raises(DeliveryError) as e:
            send(b"irrelevant", settings, password=None)
        # Without the deadline this would wait for a greeting forever; the bound is generous so a
        # loaded machine does not fail it, and still far below "forever".
        assert time.monotonic() - start < 15
    finally:
        listener.close()
    assert e.value.code == "deadline" and "0.5 s" in e.value.message


def test_without_smtp_host_nothing_is_tried():
    with pytest.raises(ConfigError):
        send(b"x", Settings())


def test_password_without_user_is_a_configuration_error(pki):
    settings = Settings(smtp_host="smtp.gemeente.test", smtp_user=None)
    with pytest.raises(ConfigError) as e:
        send(b"x", settings)
    assert PASSWORD not in e.value.message


def test_captured_outer_header_is_neutral(pki, encrypted_message):
    with LocalSMTP(pki.chain, pki.key) as server:
        send(encrypted_message, smtp_settings(pki, server.port))
    outer = email.message_from_bytes(server.messages[0]["content"], policy=email.policy.default)
    assert outer["Subject"] == "0f8e2c1a-5b7d-4e3f-9a21-6c4d8b2e7f10"
    assert outer.get_content_type() == "multipart/encrypted"
    assert [p.get_content_type() for p in outer.get_payload()] == ["application/pgp-encrypted",
                                                                   "application/octet-stream"]


def test_a_message_over_the_servers_size_limit_is_refused_before_it_travels(pki, encrypted_message):
    with LocalSMTP(pki.chain, pki.key) as server:
        server.controller.SMTP_kwargs["data_size_limit"] = 1000  # new sessions announce SIZE 1000
        with pytest.raises(DeliveryError) as e:
            send(encrypted_message, smtp_settings(pki, server.port))
    assert e.value.code == "rejected" and e.value.data["stage"] == "mail" and e.value.data["smtp_code"] == 552
    assert server.messages == []


def test_without_a_sender_nothing_is_tried():
    with pytest.raises(ConfigError):
        smtp_delivery.send(b"x", settings=Settings(smtp_host="smtp.gemeente.test"), password=None, mail_from="",
                           rcpt_to=[TO])


def test_an_internationalised_domain_travels_as_a_labels(pki, encrypted_message):
    with LocalSMTP(pki.chain, pki.key) as server:
        send(encrypted_message, smtp_settings(pki, server.port), rcpt=["ciso@gemeënte.test"])
    [got] = server.messages
    assert got["rcpt_tos"] == ["ciso@xn--gemente-uya.test"]  # IDNA A-label (RFC 5891)


def test_a_non_ascii_local_part_uses_smtputf8_where_offered(pki, encrypted_message):
    with LocalSMTP(pki.chain, pki.key, smtputf8=True) as server:
        send(encrypted_message, smtp_settings(pki, server.port), rcpt=["beveiliging-ç@gemeente.test"])
    [got] = server.messages
    assert got["rcpt_tos"] == ["beveiliging-ç@gemeente.test"]


def test_a_non_ascii_local_part_is_refused_cleanly_where_smtputf8_is_not_offered(pki, encrypted_message):
    with LocalSMTP(pki.chain, pki.key) as server, pytest.raises(DeliveryError) as e:
        send(encrypted_message, smtp_settings(pki, server.port), rcpt=["beveiliging-ç@gemeente.test"])
    assert e.value.code == "smtputf8_unsupported" and e.value.data["temporary"] is False
    assert "beveiliging-ç@gemeente.test" in e.value.message
    assert server.messages == []


@pytest.mark.parametrize("rcpt", ['"\x1b[31m"@gemeente.test', "a@gemeente.test\r\nRCPT TO:<b@evil.test>",
                                  "a@gemeente.test, b@evil.test", "a\x00@gemeente.test"])
def test_control_characters_never_reach_an_smtp_command(pki, encrypted_message, rcpt):
    with LocalSMTP(pki.chain, pki.key) as server, pytest.raises(DeliveryError) as e:
        send(encrypted_message, smtp_settings(pki, server.port), rcpt=[rcpt])
    assert e.value.code == "bad_address" and server.messages == [] and server.auth.calls == []
