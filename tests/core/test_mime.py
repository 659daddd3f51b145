"""PGP/MIME building: RFC 3156 structure, RFC 9788 header protection, and gpg as the reader.

Pure checks use a stand-in encrypt that only wraps its input in armor lines (to look at what would be
encrypted); every claim about what the organisation can read is checked by decrypting with real gpg.
"""

from __future__ import annotations

import email
import email.policy
import os
from datetime import datetime, timedelta, timezone

import pytest

from cvd_reporter.core import mime
from tests.support.delivery import CANARY, EVIDENCE, FROM, NOW, REPORT_ID, TITLE, TO, build_message, report_text

MID = mime.message_id_for(REPORT_ID, "reporter.test")
KEY = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ...\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n"


def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def inner(**kw) -> bytes:
    args = {"report_text": report_text(), "subject": f"Melding: {TITLE}", "from_addr": FROM, "to_addr": TO, "message_id": MID,
                "date": NOW, "attachments": EVIDENCE, "reporter_key": KEY, "lang": "nl"}
    args.update(kw)
    return mime.build_inner(**args)


class FakeArmor:
    """Not encryption: it records the payload and returns an armor-shaped wrapper (pure tests only)."""

    def __init__(self) -> None:
        self.seen: list[bytes] = []

    def __call__(self, data: bytes) -> bytes:
        self.seen.append(data)
        return b"-----BEGIN PGP MESSAGE-----\n\nAAAA\n-----END PGP MESSAGE-----\n"


def outer(data: bytes | None = None, encrypt=None, **kw) -> bytes:
    args = {"encrypt": encrypt or FakeArmor(), "from_addr": FROM, "to_addr": TO, "message_id": MID, "date": NOW,
                "report_id": REPORT_ID}
    args.update(kw)
    return mime.build_encrypted(inner() if data is None else data, **args)


# ---- ids -----------------------------------------------------------------------------------
def test_message_id_is_stable_per_report():
    assert mime.message_id_for(REPORT_ID, "reporter.test") == f"<cvd.{REPORT_ID}@reporter.test>"
    assert mime.message_id_for(REPORT_ID, "Reporter.Test.") == mime.message_id_for(REPORT_ID, "reporter.test")
    assert mime.message_id_for("other-id", "reporter.test") != MID
    assert mime.message_id_for("r1", "bücher.example") == "<cvd.r1@xn--bcher-kva.example>"


@pytest.mark.parametrize("report_id", ["", "-leading", "with space", "a/b", "a@b", "x" * 81, "ünïcode", "a\r\nb",
                                       "a..b", "ends.", "a.-ok..no"])
def test_unsafe_report_ids_are_refused(report_id):
    with pytest.raises(ValueError):
        mime.message_id_for(report_id, "reporter.test")


@pytest.mark.parametrize("domain", ["", "a..b", "-x.test", "x_y.test", "a b.test", "[127.0.0.1]"])
def test_bad_domains_are_refused(domain):
    with pytest.raises(ValueError):
        mime.message_id_for(REPORT_ID, domain)


@pytest.mark.parametrize("report_id", ["a.b", "2026-11-20.gemeente_x", "x" * 80, "a-.-b"])
def test_dotted_report_ids_give_a_valid_message_id(report_id):
    """RFC 5322 §3.6.4: the left side of a Message-ID is a dot-atom, which a parser must accept."""
    from email.headerregistry import HeaderRegistry
    msgid = mime.message_id_for(report_id, "reporter.test")
    parsed = HeaderRegistry()("Message-ID", msgid)
    assert not parsed.defects, parsed.defects
    assert str(parsed) == msgid


def test_outer_subject_is_only_the_report_id():
    assert mime.outer_subject(REPORT_ID) == REPORT_ID


# ---- inner entity --------------------------------------------------------------------------
def test_inner_carries_protected_headers_and_all_parts():
    data = inner()
    msg = parse(data)
    assert msg.get_content_type() == "multipart/mixed"
    assert msg.get_param("hp") == "cipher" and msg.get_param("protected-headers") == "v1"
    assert (msg["Subject"], msg["From"], msg["To"], msg["Message-ID"]) == (f"Melding: {TITLE}", FROM, TO, MID)
    assert parse(data)["Date"].datetime == NOW
    text, *files, key = msg.get_payload()
    assert text.get_content_type() == "text/plain" and text.get_content_charset() == "utf-8"
    assert text["Content-Transfer-Encoding"] == "quoted-printable" and text["Content-Language"] == "nl"
    assert text.get_content().replace("\r\n", "\n") == report_text()
    assert [(f.get_filename(), f.get_payload(decode=True), f.get_content_type()) for f in files] == [
        ("zoeken-xss.png", EVIDENCE[0][1], "image/png"), ("request.txt", EVIDENCE[1][1], "text/plain")]
    assert key.get_content_type() == "application/pgp-keys" and key.get_filename() == "reporter-public-key.asc"
    assert key.get_payload(decode=True).decode().replace("\r\n", "\n") == KEY


def test_inner_is_seven_bit_with_crlf_line_ends():
    data = inner(report_text="Één café\nnaïef\r\nklaar")
    assert data.isascii()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 78


@pytest.mark.parametrize("given, sent", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\alice\\Desktop\\poc.png", "poc.png"),
    ("", "evidence-1"),
    ("..", "evidence-1"),
    ("log\r\nBcc: x@y.test.txt", "logBcc: x@y.test.txt"),
    ("schérm afdruk.png", "schérm afdruk.png"),
])
def test_attachment_names_are_names_not_paths(given, sent):
    [_, part] = parse(inner(attachments=[(given, b"x", "text/plain")], reporter_key=None)).get_payload()
    assert part.get_filename() == sent


@pytest.mark.parametrize("given, sent", [("image/PNG", "image/png"), ("nonsense", "application/octet-stream"),
                                         ("", "application/octet-stream"), ("text/plain; x=1", "application/octet-stream")])
def test_media_types_are_checked(given, sent):
    [_, part] = parse(inner(attachments=[("f", b"x", given)], reporter_key=None)).get_payload()
    assert part.get_content_type() == sent


def test_without_reporter_key_there_is_no_key_part():
    types = [p.get_content_type() for p in parse(inner(reporter_key=None, attachments=[])).get_payload()]
    assert types == ["text/plain"]


@pytest.mark.parametrize("kw", [{"date": datetime(2026, 11, 28, 9, 30)}, {"subject": "x\r\nBcc: evil@x.test"}])
def test_inner_refuses_bad_input(kw):
    with pytest.raises(ValueError):
        inner(**kw)


# ---- outer message -------------------------------------------------------------------------
def test_outer_is_rfc3156_with_a_neutral_header():
    enc = FakeArmor()
    msg = parse(outer(encrypt=enc))
    assert msg.get_content_type() == "multipart/encrypted"
    assert msg.get_param("protocol") == "application/pgp-encrypted"
    assert list(msg.keys()) == ["Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type"]
    assert msg["Subject"] == REPORT_ID and msg["Message-ID"] == MID
    control, payload = msg.get_payload()
    assert control.get_content_type() == "application/pgp-encrypted"
    assert control.get_payload(decode=True).strip() == b"Version: 1"
    assert payload.get_content_type() == "application/octet-stream"
    assert payload.get_payload(decode=True).startswith(b"-----BEGIN PGP MESSAGE-----")
    # what got encrypted: the inner entity, now recording what stayed visible (RFC 9788 §2.2)
    [plain] = enc.seen
    hp_outer = parse(plain).get_all("HP-Outer")
    assert hp_outer == [f"Date: {msg['Date']}", f"From: {FROM}", f"To: {TO}", f"Subject: {REPORT_ID}",
                        f"Message-ID: {MID}"]
    assert plain.replace(b"".join(b"HP-Outer: " + h.encode() + b"\r\n" for h in hp_outer), b"") == inner_of(plain)


def inner_of(plain: bytes) -> bytes:
    """The payload without HP-Outer lines: must be exactly what build_inner made (nothing else changed)."""
    return b"\r\n".join(line for line in plain.split(b"\r\n") if not line.startswith(b"HP-Outer: "))


@pytest.mark.parametrize("encrypt", [lambda b: b, lambda b: b"-----BEGIN PGP MESSAGE-----\n" + b,
                                     lambda b: "-----BEGIN PGP MESSAGE-----\n-----END PGP MESSAGE-----"])
def test_an_encrypt_step_that_does_not_encrypt_is_refused(encrypt):
    with pytest.raises(ValueError):
        outer(encrypt=encrypt)


def test_inner_must_be_protected_and_match():
    with pytest.raises(ValueError):
        outer(b"Subject: x\r\nContent-Type: text/plain\r\n\r\nreport\r\n")
    with pytest.raises(ValueError):
        outer(message_id=mime.message_id_for("another", "reporter.test"))


def test_is_pgp_mime():
    assert mime.is_pgp_mime(outer())
    assert not mime.is_pgp_mime(inner())
    assert not mime.is_pgp_mime(b"not a message at all")


# ---- with gpg ------------------------------------------------------------------------------
def test_gpg_decrypts_the_whole_report(recipient, encrypted_message):
    plain, status = recipient.gpg.decrypt_status(parse(encrypted_message).get_payload()[1].get_payload(decode=True))
    assert "DECRYPTION_OKAY" in status
    msg = parse(plain)
    # (a Subject that fits on a line of its own is folded onto it; unfolding leaves the usual space)
    assert msg.get_param("hp") == "cipher" and msg["Subject"].strip() == f"Kwetsbaarheidsmelding: {TITLE}"
    text, png, req, key = msg.get_payload()
    assert text.get_content().replace("\r\n", "\n") == report_text() and CANARY in text.get_content()
    assert (png.get_filename(), png.get_content()) == ("zoeken-xss.png", EVIDENCE[0][1])
    assert req.get_content().encode() == EVIDENCE[1][1]
    assert key.get_payload(decode=True).decode().replace("\r\n", "\n").strip() == recipient.reporter_key.strip()
    # the key part is a real key the organisation can import to answer encrypted
    listed = recipient.gpg.run("--show-keys", "--with-colons", input=key.get_payload(decode=True)).stdout.decode()
    assert "alice-delivery@reporter.test" in listed


def test_canary_only_inside_the_ciphertext(encrypted_message):
    header = encrypted_message.split(b"\r\n\r\n", 1)[0]
    assert CANARY.encode() not in header and TITLE.encode() not in header
    assert CANARY.encode() not in encrypted_message
    assert b"zoeken-xss" not in encrypted_message  # evidence file names are inside too


def test_two_megabytes_of_evidence_survive_byte_exact(recipient):
    blob = os.urandom(2 * 1024 * 1024)
    wire = build_message(recipient, evidence=[("dump.bin", blob, "application/octet-stream")])
    _, part, _ = parse(recipient.decrypt_message(wire)).get_payload()
    assert part.get_content() == blob


def test_date_keeps_the_time_zone():
    when = datetime(2026, 11, 28, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    assert parse(outer(inner(date=when), date=when))["Date"].datetime == when
