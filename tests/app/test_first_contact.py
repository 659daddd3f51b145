"""First contact without the details, end to end against a municipality on loopback with no usable key.

Real parts: the HTTPS server (trustme CA) serves a security.txt without an Encryption field and no key
anywhere, the dnslib server answers, aiosmtpd takes the first contact over STARTTLS with AUTH, and real
gpg makes the reporter's key, the municipality's key (sent "by mail" after the first contact and then
imported) and decrypts the report that finally leaves. Every byte aiosmtpd received of the first
contact (envelope, headers, body, attachment) is checked for the report's canaries.
"""

from __future__ import annotations

import email
import email.policy
import re

from tests.servers.gpg import GnuPG
from tests.support.municipality import CANARY, EVIDENCE, TITLE, env_for, outer_and_inner, serve, write_report

# Words of the report that must never travel in a first contact: the title and description canary,
# the URL path, the evidence file's name and content, the step and the CWE.
FORBIDDEN = (CANARY, "zoeken", "request.txt", "script", "CWE-79", "XSS", "het verzoek", "ongefilterd")


def _reporter_key(folder, gnupg) -> None:
    fpr = gnupg.gen("Alex First Contact <alex-first-contact@example.org>")  # unique in the session's gpg
    (folder / "me.asc").write_bytes(gnupg.export(fpr, armor=True))


def _every_byte(got) -> bytes:
    return b"\n".join([got["content"], got["mail_from"].encode(), *(r.encode() for r in got["rcpt_tos"])])


ARMORED_PUBLIC_KEY = re.compile(rb"-----BEGIN PGP PUBLIC KEY BLOCK-----.*?-----END PGP PUBLIC KEY BLOCK-----", re.S)


def _no_word_of_the_report(got) -> None:
    wire = _every_byte(got)
    assert EVIDENCE not in wire and b"PRIVATE KEY" not in wire
    # The reporter's public key is base64 of key material: "xss" turns up in it by chance (about one
    # key in fifty), so the words are looked for everywhere except inside that armored block.
    words = ARMORED_PUBLIC_KEY.sub(b"[public key]", wire).lower()
    for word in FORBIDDEN:
        assert word.lower().encode() not in words, word


def test_without_a_terminal_no_key_stops_with_exit_6_naming_the_choices(cli, https, pki, zone, smtp, tmp_path):
    serve(https, None, encryption=False)
    report = write_report(tmp_path)
    out = cli("--json", "submit", str(report), "--yes", env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 6, out.stdout
    error = out.json["errors"][0]
    assert error["code"] == "no_usable_key"
    for choice in ("--first-contact", "--via form", "--allow-plaintext"):  # the security.txt has a form
        assert choice in error["message"]
    assert smtp.messages == []  # --yes confirmed nothing that was asked: nothing left, not even a first contact
    status = cli("--json", "status", "--all", env=env_for(https, pki, zone, smtp))
    assert status.json["data"]["count"] == 0


def test_first_contact_carries_no_word_of_the_report_and_the_reporter_key(cli, https, pki, zone, smtp, gnupg,
                                                                          tmp_path):
    serve(https, None, encryption=False)
    _reporter_key(tmp_path, gnupg)
    report = write_report(tmp_path, reporter={"name": "Alex", "email": "alex@example.org", "pgp_key": "me.asc"})
    env = env_for(https, pki, zone, smtp)
    out = cli("--json", "submit", str(report), "--first-contact", "--yes", env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    data = out.json["data"]
    assert data["kind"] == "first_contact" and data["status"] == "sent" and data["encrypted"] is False
    assert data["language"] == "nl"  # the security.txt prefers nl

    (got,) = smtp.messages
    assert got["tls"] and got["authenticated"] and got["rcpt_tos"] == ["security@gemeente.test"]
    _no_word_of_the_report(got)
    assert b"www.gemeente.test" not in got["content"]  # the host only when the reporter agrees
    msg = email.message_from_bytes(got["content"], policy=email.policy.default)
    assert msg["Subject"] == data["report_id"] and msg["Message-ID"] == data["message_id"]
    assert msg["Content-Language"] == "nl"
    assert data["report_id"] not in msg["Message-ID"]
    body = msg.get_body(("plain",)).get_content()
    assert "Geachte heer/mevrouw" in body and "publieke OpenPGP-sleutel" in body and "5 werkdagen" in body
    (key,) = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pgp-keys"]
    assert key.get_payload(decode=True).startswith(b"-----BEGIN PGP PUBLIC KEY BLOCK-----")

    status = cli("--json", "status", data["report_id"], env=env)
    assert status.json["data"]["state"] == "contact_requested"
    assert status.json["data"]["next"]["due"] is not None  # the organisation's response time
    (delivery,) = status.json["data"]["deliveries"]
    assert delivery["kind"] == "first_contact" and delivery["message_id"] == data["message_id"]
    shown = cli("--lang", "en", "status", data["report_id"], env=env).stdout
    assert "unencrypted by design: no details of the report" in shown and "NOT ENCRYPTED" not in shown


def test_the_host_is_named_only_when_the_reporter_agrees(cli, https, pki, zone, smtp, tmp_path):
    serve(https, None, encryption=False)
    out = cli("--json", "submit", str(write_report(tmp_path)), "--first-contact", "--name-host", "--yes",
              "--lang", "en", env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 0, out.stdout + out.stderr
    (got,) = smtp.messages
    _no_word_of_the_report(got)
    body = email.message_from_bytes(got["content"], policy=email.policy.default).get_body(("plain",)).get_content()
    assert "(www.gemeente.test)" in body
    assert "reporter.pgp_key" in out.stderr  # no reporter key: told the answer cannot come encrypted


def test_contact_requested_then_key_import_then_the_encrypted_report(cli, https, pki, zone, smtp, municipality,
                                                                     tmp_path):
    serve(https, None, encryption=False)
    report = write_report(tmp_path)
    env = env_for(https, pki, zone, smtp)
    first = cli("--json", "submit", str(report), "--first-contact", "--yes", env=env)
    assert first.exit_code == 0, first.stdout + first.stderr
    rid = first.json["data"]["report_id"]

    still = cli("--json", "submit", str(report), "--yes", env=env)  # no key yet: the same choice, and the date
    assert still.exit_code == 6 and "already sent on" in still.json["errors"][0]["message"]
    again = cli("--json", "submit", str(report), "--first-contact", env=env)  # a second one needs --yes
    assert again.exit_code == 8 and again.json["errors"][0]["code"] == "already_contacted"
    assert "already sent on" in again.json["errors"][0]["message"] and len(smtp.messages) == 1

    other = GnuPG()
    try:
        stranger = tmp_path / "stranger.asc"
        stranger.write_bytes(other.export(other.gen("CERT <cert@other.test>")))
        foreign = cli("--json", "key", "import", str(stranger), "--for", rid, env=env)
    finally:
        other.close()
    assert foreign.exit_code == 8 and foreign.json["errors"][0]["code"] == "foreign_key"
    assert "other.test" in foreign.json["errors"][0]["message"]

    theirs = tmp_path / "gemeente.asc"
    theirs.write_bytes(municipality.key)
    imported = cli("--json", "key", "import", str(theirs), "--for", rid, env=env)
    assert imported.exit_code == 0, imported.stdout + imported.stderr
    assert imported.json["data"]["fingerprint"] == municipality.fpr and imported.json["data"]["foreign_uids"] == []

    sent = cli("--json", "submit", str(report), "--yes", env=env)
    assert sent.exit_code == 0, sent.stdout + sent.stderr
    assert sent.json["data"]["kind"] == "report" and sent.json["data"]["key"]["fingerprint"] == municipality.fpr
    assert len(smtp.messages) == 2
    _outer, inner = outer_and_inner(smtp.messages[1]["content"], municipality.gpg)
    assert TITLE in inner["Subject"] and CANARY.encode() not in smtp.messages[1]["content"]

    status = cli("--json", "status", rid, env=env).json["data"]
    assert status["state"] == "sent"
    assert [d["kind"] for d in status["deliveries"]] == ["first_contact", "report"]
    assert [e["state"] for e in status["timeline"]] == ["draft", "contact_requested", "sent"]
    assert cli("mark", rid, "acknowledged", env=env).exit_code == 0
    assert cli("--json", "status", rid, env=env).json["data"]["state"] == "acknowledged"
    once = cli("--json", "submit", str(report), "--yes", env=env)
    assert once.json["data"]["status"] == "already_sent" and len(smtp.messages) == 2


def test_a_reminder_first_contact_goes_with_yes_under_a_new_message_id(cli, https, pki, zone, smtp, tmp_path):
    serve(https, None, encryption=False)
    report = write_report(tmp_path)
    env = env_for(https, pki, zone, smtp)
    first = cli("--json", "submit", str(report), "--first-contact", "--yes", env=env)
    second = cli("--json", "submit", str(report), "--first-contact", "--yes", env=env)
    assert second.exit_code == 0, second.stdout + second.stderr
    assert len(smtp.messages) == 2 and first.json["data"]["message_id"] != second.json["data"]["message_id"]
    status = cli("--json", "status", first.json["data"]["report_id"], env=env).json["data"]
    assert status["state"] == "contact_requested" and len(status["deliveries"]) == 2


def test_first_contact_is_refused_when_a_usable_key_exists(cli, https, pki, zone, smtp, municipality, tmp_path):
    serve(https, municipality.key)
    out = cli("--json", "submit", str(write_report(tmp_path)), "--first-contact", "--yes",
              env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 8 and out.json["errors"][0]["code"] == "key_available"
    assert smtp.messages == []


def test_allow_plaintext_shows_what_travels_in_the_clear(cli, https, pki, zone, smtp, tmp_path):
    serve(https, None, encryption=False)
    out = cli("--json", "submit", str(write_report(tmp_path)), "--allow-plaintext", "--yes",
              env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 0, out.stdout + out.stderr
    shown = out.stderr.split("Travels in the clear:", 1)[1]  # before it left: the whole text and every file
    assert f"{CANARY}-beschrijving" in shown and "request.txt" in shown
    (got,) = smtp.messages
    assert f"{CANARY}-beschrijving".encode() in got["content"]  # what was shown is what travelled


def test_a_key_import_refuses_secret_key_material_and_unknown_reports(cli, https, pki, zone, gnupg, tmp_path):
    env = env_for(https, pki, zone)
    secret = tmp_path / "secret.asc"
    secret.write_bytes(gnupg.export_secret(gnupg.gen("Alex Secret <alex-secret-import@example.org>")))
    out = cli("--json", "key", "import", str(secret), "--for", "cvd-000000000000", env=env)
    assert out.exit_code == 3 and out.json["errors"][0]["code"] == "secret_key_material"
    public = tmp_path / "public.asc"
    public.write_bytes(gnupg.export(gnupg.gen("Gemeente Import <security-import@gemeente.test>")))
    out = cli("--json", "key", "import", str(public), "--for", "cvd-000000000000", env=env)
    assert out.exit_code == 3 and out.json["errors"][0]["code"] == "unknown_report"


def test_a_key_published_later_is_found_by_discovery_without_an_import(cli, https, pki, zone, smtp, municipality,
                                                                       tmp_path):
    serve(https, None, encryption=False)
    report = write_report(tmp_path)
    env = env_for(https, pki, zone, smtp)
    first = cli("submit", str(report), "--first-contact", "--yes", env=env)
    assert first.exit_code == 0, first.stderr
    assert "no detail of the report" in first.stderr and "key import FILE --for" in first.stdout
    serve(https, municipality.key, encryption=False)  # their key now on WKD
    out = cli("--json", "submit", str(report), "--yes", env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    assert out.json["data"]["key"]["fingerprint"] == municipality.fpr and len(smtp.messages) == 2
    status = cli("status", out.json["data"]["report_id"], env=env)
    assert "sent" in status.stdout and "first contact (no details) by email to" in status.stdout


def test_without_smtp_the_first_contact_waits_in_the_outbox_and_is_marked_by_hand(cli, https, pki, zone, tmp_path):
    serve(https, None, encryption=False)
    env = env_for(https, pki, zone)
    out = cli("--json", "submit", str(write_report(tmp_path)), "--first-contact", "--yes", env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    assert out.json["data"]["status"] == "queued" and out.json["data"]["kind"] == "first_contact"
    rid = out.json["data"]["report_id"]
    assert cli("--json", "status", rid, env=env).json["data"]["state"] == "draft"  # not sent until you send it
    assert cli("mark", rid, "contact-requested", env=env).exit_code == 0
    late = cli("--json", "status", "--all", env=env).json["data"]
    assert late["reports"][0]["state"] == "contact_requested"


def test_a_report_behind_a_first_contact_gets_no_follow_up_and_exports_as_contact_attempted(
        cli, https, pki, zone, smtp, tmp_path):
    serve(https, None, encryption=False)
    env = env_for(https, pki, zone, smtp)
    rid = cli("--json", "submit", str(write_report(tmp_path)), "--first-contact", "--yes",
              env=env).json["data"]["report_id"]
    follow = cli("--json", "follow-up", rid, env=env)
    assert follow.exit_code == 3 and follow.json["errors"][0]["code"] == "not_sent" and len(smtp.messages) == 1
    csaf = cli("--json", "export", rid, "--format", "csaf", env=env)
    assert csaf.exit_code == 0, csaf.stdout + csaf.stderr
    assert "contact_attempted" in csaf.stdout
