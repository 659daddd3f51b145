"""`escalate`: a report nobody answered goes, encrypted, to an escalation point on loopback.

Real parts: the "IBD" is a directory entry imported the way a reporter imports one (`directory
import`), its security.txt and key are on the loopback HTTPS server (ibd.test, reached with
--connect-to), the message goes through aiosmtpd with STARTTLS and AUTH, and gpg, holding the IBD's
own secret key, decrypts it. Nothing is mocked. The record is seeded the way submit writes it, a
month back, because a test cannot wait for a deadline to pass (the tests with --force send a real report
first and escalate it before its deadline).
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pexpect
import pytest

from cvd_reporter.store.record import Record
from tests.servers.gpg import GnuPG
from tests.support.municipality import CANARY, EVIDENCE, TITLE, armored_part, env_for, serve, write_report
from tests.support.oracles import require_gpg
from tests.support.record import add, deliver
from tests.support.terminal import wizard_env

IBD_ADDRESS = "cert@ibd.test"
LISTING = f"""schema: cvd-directory/1
organisations:
  - name: IBD (test)
    kind: cert
    escalation: {{id: ibd, serves: [gemeente], languages: [nl]}}
    domains: []
    contacts: [mailto:{IBD_ADDRESS}]
    source: {{url: "https://ibd.test/cvd", seen: 2026-12-01}}
"""


@dataclass
class Point:
    gpg: GnuPG
    fpr: str
    key: bytes


@pytest.fixture(scope="module")
def ibd() -> Iterator[Point]:
    """The escalation point's own key, in its own gpg home (only it can read what it receives)."""
    require_gpg()
    gpg = GnuPG()
    fpr = gpg.gen(f"IBD test <{IBD_ADDRESS}>")
    yield Point(gpg, fpr, gpg.export(fpr, armor=True))
    gpg.close()


def _serve_point(https, point: Point) -> None:
    expires = (datetime.now(timezone.utc) + timedelta(days=300)).strftime("%Y-%m-%dT%H:%M:%SZ")
    https.add("/.well-known/security.txt", f"Contact: mailto:{IBD_ADDRESS}\nEncryption: https://ibd.test/pgp-key.txt\n"
              f"Expires: {expires}\nPreferred-Languages: nl\n", host="ibd.test")
    https.add("/pgp-key.txt", point.key, host="ibd.test")


def _env(cli, https, pki, dns, smtp, tmp_path: Path, point: Point) -> dict[str, str]:
    env = env_for(https, pki, dns, smtp)
    env["CVD_CONNECT_TO"] += "," + ",".join(https.connect_to("ibd.test"))
    listing = tmp_path / "escalation.yaml"
    listing.write_text(LISTING)
    assert cli("directory", "import", str(listing), env=env).exit_code == 0
    _serve_point(https, point)
    return env


def _seed_overdue(home: Path, report: Path, rid: str = "R-1", organisation: str = "Gemeente Voorbeeld") -> None:
    month_ago = datetime.now(timezone.utc) - timedelta(days=30)
    with Record.open(home) as rec:
        add(rec, rid, created_at=month_ago, report_path=str(report), evidence=[str(report.parent / "request.txt")],
            organisation=organisation)
        deliver(rec, rid, at=month_ago, ok=False, answer="451 4.7.1 Try again later")
        deliver(rec, rid, at=month_ago + timedelta(minutes=5))


def test_overdue_report_reaches_the_ibd_encrypted_with_timeline_and_report(cli, https, pki, dns, smtp, ibd,
                                                                            isolated_env, tmp_path):
    env = _env(cli, https, pki, dns, smtp, tmp_path, ibd)
    _seed_overdue(isolated_env, write_report(tmp_path / "report"))

    out = cli("--json", "escalate", "R-1", "--to", "ibd", "--yes", "--message", "Graag uw hulp.", env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    data = out.json["data"]
    assert data["status"] == "sent" and data["point"]["address"] == IBD_ADDRESS
    assert data["delivery"]["key"]["fingerprint"] == ibd.fpr and data["delivery"]["encrypted"] is True

    (got,) = smtp.messages
    assert got["tls"] and got["authenticated"] and got["rcpt_tos"] == [IBD_ADDRESS]
    raw = got["content"]
    outer = email.message_from_bytes(raw, policy=email.policy.default)
    headers = "".join(f"{k}: {v}\n" for k, v in outer.items())
    assert CANARY not in headers and "zoeken" not in headers.lower() and "Gemeente" not in headers
    assert outer["Subject"].startswith("R-1.escalation-")  # only the escalation's id outside
    assert CANARY.encode() not in raw  # only ciphertext on the wire

    inner = email.message_from_bytes(ibd.gpg.decrypt(armored_part(raw)), policy=email.policy.default)
    assert inner["Subject"] == "Escalatie: melding R-1 aan Gemeente Voorbeeld onbeantwoord"
    body = inner.get_body(("plain",)).get_content()
    flat = " ".join(body.split())
    assert "Ik wend mij tot u, IBD (test)" in flat and "Graag uw hulp." in body  # the note, in Dutch
    assert "Pogingen tot contact" in body
    assert "melding per e-mail aan ciso@gemeente.example, mislukt" in body and "451 4.7.1 Try again later" in body
    assert "Message-ID: <R-1@cvd-reporter.invalid>" in body and "melding per e-mail aan ciso@gemeente.example, afgeleverd" in body
    assert "De oorspronkelijke melding" in body and TITLE in body and f"{CANARY}-beschrijving" in body
    (attachment,) = [p for p in inner.iter_attachments() if p.get_filename() == "request.txt"]
    assert attachment.get_content() == EVIDENCE

    status = cli("--json", "status", "R-1", env=env).json["data"]
    assert status["state"] == "escalated"
    assert [e["state"] for e in status["timeline"]][-2:] == ["no_response", "escalated"]
    escalation = status["deliveries"][-1]
    assert escalation["kind"] == "escalation" and escalation["recipient"] == IBD_ADDRESS and escalation["ok"]

    again = cli("escalate", "R-1", "--to", "ibd", "--yes", env=env)
    today = datetime.now(timezone.utc).date().isoformat()
    assert again.exit_code == 0 and f"was escalated to IBD (test) on {today}" in again.stdout
    assert len(smtp.messages) == 1  # not twice


def test_an_unanswered_first_contact_can_be_escalated(cli, https, pki, dns, smtp, ibd, isolated_env, tmp_path):
    """The organisation had no key, got a first contact a month ago and never answered: that is the
    case an escalation point exists for, so it is not refused as "never sent"."""
    env = _env(cli, https, pki, dns, smtp, tmp_path, ibd)
    report = write_report(tmp_path / "report")
    month_ago = datetime.now(timezone.utc) - timedelta(days=30)
    with Record.open(isolated_env) as rec:
        add(rec, "R-2", created_at=month_ago, report_path=str(report))
        deliver(rec, "R-2", at=month_ago, kind="first_contact")
        assert rec.get("R-2").state == "contact_requested"

    out = cli("--json", "escalate", "R-2", "--to", "ibd", "--yes", env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    (got,) = smtp.messages
    body = email.message_from_bytes(ibd.gpg.decrypt(armored_part(got["content"])),
                                    policy=email.policy.default).get_body(("plain",)).get_content()
    assert "eerste contact (zonder details) per e-mail aan ciso@gemeente.example" in body
    assert TITLE in body  # the IBD gets the report the organisation never asked for
    status = cli("--json", "status", "R-2", env=env).json["data"]
    assert status["state"] == "escalated"
    # the record says why: the first contact went unanswered by its deadline, then it was escalated
    assert [e["state"] for e in status["timeline"]][-2:] == ["no_response", "escalated"]


def test_the_original_is_re_rendered_with_the_organisations_own_promise(cli, https, pki, dns, smtp, ibd,
                                                                       isolated_env, tmp_path):
    env = _env(cli, https, pki, dns, smtp, tmp_path, ibd)
    _seed_overdue(isolated_env, write_report(tmp_path / "report", organisation={"response": "48 office hours"}))
    assert cli("escalate", "R-1", "--to", "ibd", "--yes", env=env).exit_code == 0
    (got,) = smtp.messages
    body = email.message_from_bytes(ibd.gpg.decrypt(armored_part(got["content"])),
                                    policy=email.policy.default).get_body(("plain",)).get_content()
    original = body[body.index("De oorspronkelijke melding"):]
    assert "48 kantooruren" in original  # as the organisation received it, not the generic 5 working days


def test_before_the_deadline_only_with_force(cli, https, pki, zone, smtp, municipality, ibd, tmp_path):
    env = _env(cli, https, pki, zone, smtp, tmp_path, ibd)
    serve(https, municipality.key)
    sent = cli("--json", "submit", str(write_report(tmp_path / "report")), "--yes", env=env)
    assert sent.exit_code == 0, sent.stdout + sent.stderr
    rid, message_id = sent.json["data"]["report_id"], sent.json["data"]["message_id"]

    early = cli("--json", "escalate", rid, "--to", "ibd", "--yes", env=env)
    assert early.exit_code == 3 and early.json["errors"][0]["code"] == "not_overdue"
    assert "--force" in early.json["errors"][0]["message"] and len(smtp.messages) == 1  # only the report

    forced = cli("--json", "escalate", rid, "--to", "ibd", "--yes", "--force", env=env)
    assert forced.exit_code == 0, forced.stdout + forced.stderr
    _report, escalation = smtp.messages
    body = email.message_from_bytes(ibd.gpg.decrypt(armored_part(escalation["content"])),
                                    policy=email.policy.default).get_body(("plain",)).get_content()
    assert f"Message-ID: {message_id}" in body  # the real report's Message-ID is in the timeline
    status = cli("--json", "status", rid, env=env).json["data"]
    assert status["deliveries"][-1]["kind"] == "escalation"
    # an escalation all the same: sent -> escalated, with no no-response (nothing was overdue)
    assert status["state"] == "escalated" and [e["state"] for e in status["timeline"]][-2:] == ["sent", "escalated"]


def test_a_forced_escalation_is_recorded_as_an_escalation(cli, https, pki, zone, smtp, municipality, ibd, tmp_path):
    """`--force` before the deadline: the IBD reads the report, and the record says it was escalated
    (sent -> escalated), not that the organisation is still simply awaited."""
    env = _env(cli, https, pki, zone, smtp, tmp_path, ibd)
    serve(https, municipality.key)
    rid = cli("--json", "submit", str(write_report(tmp_path / "report")), "--yes", env=env).json["data"]["report_id"]
    before = cli("--lang", "en", "status", rid, env=env).stdout
    assert "state        : sent" in before

    forced = cli("--lang", "en", "escalate", rid, "--to", "ibd", "--yes", "--force", env=env)
    assert forced.exit_code == 0, forced.stdout + forced.stderr
    assert f"The escalation of report {rid} was sent to IBD (test)" in forced.stdout
    assert "warning" not in forced.stderr.lower()  # nothing left unrecorded
    _report, escalation = smtp.messages
    assert TITLE in ibd.gpg.decrypt(armored_part(escalation["content"])).decode()  # only the IBD's key opens it

    after = cli("--lang", "en", "status", rid, env=env).stdout
    assert "state        : escalated" in after and "escalated to ibd" in after
    assert "answer from the organisation or the coordinator" in after  # what status waits for now
    assert "no-response" not in after  # the deadline had not passed: no such fact is recorded


def test_without_the_report_file_the_message_as_it_left_goes_from_the_outbox(cli, https, pki, zone, smtp,
                                                                             municipality, ibd, tmp_path):
    env = _env(cli, https, pki, zone, smtp, tmp_path, ibd)
    serve(https, municipality.key)
    report = write_report(tmp_path / "report")
    rid = cli("--json", "submit", str(report), "--yes", env=env).json["data"]["report_id"]
    report.unlink()
    out = cli("--json", "--lang", "en", "escalate", rid, "--to", "ibd", "--yes", "--force", env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    assert "attached from the outbox" in out.stderr
    _sent, escalation = smtp.messages
    inner = email.message_from_bytes(ibd.gpg.decrypt(armored_part(escalation["content"])),
                                     policy=email.policy.default)
    assert "De oorspronkelijke melding kan niet worden meegestuurd" in " ".join(
        inner.get_body(("plain",)).get_content().split())
    (copy,) = [p for p in inner.iter_attachments() if p.get_filename() == "original-report.eml"]
    recorded = cli("--json", "status", rid, env=env).json["data"]["deliveries"][0]["encrypted_sha256"]
    assert hashlib.sha256(copy.get_content()).hexdigest() == recorded  # the very message the record proves
    assert CANARY.encode() not in escalation["content"]


def test_a_report_never_sent_is_exit_3_with_one_sentence(cli, isolated_env, tmp_path):
    with Record.open(isolated_env) as rec:
        add(rec, "R-D", report_path=str(write_report(tmp_path)))
    out = cli("escalate", "R-D", "--to", "ncsc", "--yes")
    assert out.exit_code == 3 and out.stdout == ""
    assert out.stderr.strip() == ("error: Report R-D was never sent, so there is nothing to escalate: "
                                  "send it first.")
    assert "Traceback" not in out.stderr


def test_unknown_point_and_missing_confirmation_send_nothing(cli, https, pki, dns, smtp, ibd, isolated_env,
                                                             tmp_path):
    env = _env(cli, https, pki, dns, smtp, tmp_path, ibd)
    _seed_overdue(isolated_env, write_report(tmp_path / "report"))
    unknown = cli("--json", "escalate", "R-1", "--to", "politie", "--yes", env=env)
    assert unknown.exit_code == 3 and "ibd, ncsc" in unknown.json["errors"][0]["message"]
    unasked = cli("--json", "escalate", "R-1", "--to", "ibd", env=env)  # no terminal, no --yes
    assert unasked.exit_code == 8 and unasked.json["errors"][0]["code"] == "confirmation_needed"
    assert smtp.messages == []
    assert cli("--json", "status", "R-1", env=env).json["data"]["state"] == "sent"


def test_any_address_gets_its_key_discovered_like_an_organisation(cli, https, pki, dns, smtp, ibd, isolated_env,
                                                                  tmp_path):
    env = _env(cli, https, pki, dns, smtp, tmp_path, ibd)
    _seed_overdue(isolated_env, write_report(tmp_path / "report"))
    out = cli("--json", "--lang", "en", "escalate", "R-1", "--to", f"mailto:{IBD_ADDRESS}", "--yes", env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    assert out.json["data"]["point"]["id"] is None and out.json["data"]["delivery"]["key"]["fingerprint"] == ibd.fpr
    inner = ibd.gpg.decrypt(armored_part(smtp.messages[0]["content"]))
    assert b"Attempts at contact" in inner  # an address without a directory entry: the reporter's language


def test_a_changed_point_key_stops_until_accepted(cli, https, pki, dns, smtp, ibd, isolated_env, tmp_path):
    env = _env(cli, https, pki, dns, smtp, tmp_path, ibd)
    _seed_overdue(isolated_env, write_report(tmp_path / "report"), rid="R-1")
    _seed_overdue(isolated_env, write_report(tmp_path / "report2"), rid="R-2")
    assert cli("escalate", "R-1", "--to", "ibd", "--yes", env=env).exit_code == 0  # pins the IBD's key
    other = GnuPG()
    try:
        fpr = other.gen(f"Someone else <{IBD_ADDRESS}>")
        https.add("/pgp-key.txt", other.export(fpr, armor=True), host="ibd.test")
        changed = cli("--json", "escalate", "R-2", "--to", "ibd", "--yes", env=env)
        assert changed.exit_code == 6 and len(smtp.messages) == 1, changed.stdout
        accepted = cli("--json", "escalate", "R-2", "--to", "ibd", "--yes", "--accept-new-key", env=env)
        assert accepted.exit_code == 0, accepted.stdout + accepted.stderr
        assert accepted.json["data"]["delivery"]["key"]["fingerprint"] == fpr
        other.decrypt(armored_part(smtp.messages[1]["content"]))  # the new key's holder reads it
    finally:
        other.close()


def test_on_a_terminal_the_reporter_is_asked_and_no_sends_nothing(cli, https, pki, dns, smtp, ibd, isolated_env,
                                                                  tmp_path):
    """The real question in a pseudo-terminal (pexpect), answered by keystrokes: n, then y."""
    env = _env(cli, https, pki, dns, smtp, tmp_path, ibd)
    _seed_overdue(isolated_env, write_report(tmp_path / "report"))
    full = dict(wizard_env(isolated_env), **env)
    for answer, code in (("n", 8), ("y", 0)):
        child = pexpect.spawn(sys.executable, ["-m", "cvd_reporter", "--lang", "en", "escalate", "R-1", "--to", "ibd"],
                              env=full, encoding="utf-8", timeout=30, dimensions=(40, 120))
        try:
            child.expect(r"Send the escalation now\?")
            assert IBD_ADDRESS in child.before  # the summary came first: to whom, which key
            child.sendline(answer)
            child.expect(pexpect.EOF)
            child.close()
        finally:
            child.terminate(force=True)
        assert child.exitstatus == code, child.before
        assert len(smtp.messages) == (1 if answer == "y" else 0)


# ---------------------------------------------------------------------------- the point fits the kind
# RIVM is `kind: rijk` in the bundled directory: NCSC-NL is its usual point, not the (test) IBD.
RIVM_TO_IBD = ("RIVM is a central-government organisation, whose usual escalation point is NCSC-NL (Nationaal Cyber "
               "Security Centrum), not IBD (test)")


def test_a_point_that_does_not_serve_the_kind_needs_unusual_point(cli, https, pki, dns, smtp, ibd, isolated_env,
                                                                   tmp_path):
    env = _env(cli, https, pki, dns, smtp, tmp_path, ibd)
    _seed_overdue(isolated_env, write_report(tmp_path / "report"), organisation="RIVM")

    refused = cli("--json", "--lang", "en", "escalate", "R-1", "--to", "ibd", "--yes", env=env)
    assert refused.exit_code == 8, refused.stdout  # --yes confirms the send, not a point that does not fit
    (error,) = refused.json["errors"]
    assert error["code"] == "unusual_point"
    assert error["data"] == {"organisation_kind": "rijk", "usual_point": "ncsc", "to": "ibd"}
    assert error["message"] == (RIVM_TO_IBD + ": run again with --to ncsc, or add --unusual-point if you mean "
                                "IBD (test).")
    dutch = cli("--lang", "nl", "escalate", "R-1", "--to", "ibd", "--yes", env=env)
    assert dutch.exit_code == 8 and dutch.stdout == ""
    assert "RIVM is een organisatie van de rijksoverheid" in dutch.stderr and "--unusual-point" in dutch.stderr
    assert smtp.messages == []
    assert cli("--json", "status", "R-1", env=env).json["data"]["state"] == "sent"

    meant = cli("--json", "escalate", "R-1", "--to", "ibd", "--yes", "--unusual-point", env=env)
    assert meant.exit_code == 0, meant.stdout + meant.stderr
    assert meant.json["data"]["usual_point"]["point"] == "ncsc" and meant.json["data"]["point"]["id"] == "ibd"
    (got,) = smtp.messages
    assert got["rcpt_tos"] == [IBD_ADDRESS] and TITLE in ibd.gpg.decrypt(armored_part(got["content"])).decode()


def test_on_a_terminal_an_unusual_point_is_asked_about_default_no(cli, https, pki, dns, smtp, ibd, isolated_env,
                                                                   tmp_path):
    env = _env(cli, https, pki, dns, smtp, tmp_path, ibd)
    _seed_overdue(isolated_env, write_report(tmp_path / "report"), organisation="RIVM")
    full = dict(wizard_env(isolated_env), **env)
    for answer, code in (("", 8), ("y", 0)):  # Enter takes the default: No
        child = pexpect.spawn(sys.executable, ["-m", "cvd_reporter", "--lang", "en", "escalate", "R-1", "--to", "ibd"],
                              env=full, encoding="utf-8", timeout=30, dimensions=(40, 200))
        try:
            child.expect(r"Escalate to this point all the same\? \[y/N\]")
            assert RIVM_TO_IBD + "; --to ncsc escalates there." in " ".join(child.before.split())
            child.sendline(answer)
            if answer == "y":
                child.expect(r"Send the escalation now\?")
                child.sendline("y")
            child.expect(pexpect.EOF)
            child.close()
        finally:
            child.terminate(force=True)
        assert child.exitstatus == code, child.before
        assert len(smtp.messages) == (1 if answer == "y" else 0)


def test_an_early_escalation_to_the_wrong_point_names_the_right_one(cli, isolated_env, tmp_path):
    with Record.open(isolated_env) as rec:
        add(rec, "R-3", report_path=str(write_report(tmp_path)))  # Gemeente Voorbeeld, sent just now
        deliver(rec, "R-3")
    out = cli("--json", "--lang", "en", "escalate", "R-3", "--to", "ncsc", "--yes")
    assert out.exit_code == 3 and out.json["errors"][0]["code"] == "not_overdue"
    message = out.json["errors"][0]["message"]
    assert "escalate from the day after, with --to ibd (IBD (Informatiebeveiligingsdienst voor gemeenten) is the " \
           "escalation point for a municipality), or pass --force." in message
    right = cli("--json", "--lang", "en", "escalate", "R-3", "--to", "ibd", "--yes")
    assert right.exit_code == 3 and "--to ibd" not in right.json["errors"][0]["message"]  # no advice it follows


@pytest.mark.parametrize(("organisation", "expected"), [
    ("Gemeente Voorbeeld", "cvd-reporter escalate R-1 --to ibd (IBD (Informatiebeveiligingsdienst voor gemeenten) "
                           "is the escalation point for a municipality)"),
    ("RIVM", "cvd-reporter escalate R-1 --to ncsc (NCSC-NL (Nationaal Cyber Security Centrum) is the escalation "
             "point for a central-government organisation)"),
    ("Waterschap Noorderzijlvest", "cvd-reporter escalate R-1 --to ncsc (NCSC-NL (Nationaal Cyber Security Centrum), "
                                   "the last resort: no escalation point serves water boards, and their shared CERT, "
                                   "CERT-WM at Het Waterschapshuis, is where their reports go in the first place)"),
    ("Voorbeeld BV", "cvd-reporter escalate R-1 --to ibd (municipalities) or --to ncsc"),  # kind unknown
])
def test_status_suggests_the_point_that_serves_the_kind(cli, isolated_env, tmp_path, organisation, expected):
    _seed_overdue(isolated_env, write_report(tmp_path / "report"), organisation=organisation)
    assert cli("mark", "R-1", "no-response").exit_code == 0
    shown = cli("--lang", "en", "status", "R-1")
    assert shown.exit_code == 0 and expected in " ".join(shown.stdout.split())
    data = cli("--json", "status", "R-1").json["data"]["next"]
    assert data["hint"] == expected
    if organisation != "Voorbeeld BV":
        assert data["usual_point"]["point"] == expected.split("--to ")[1].split(" ")[0]
