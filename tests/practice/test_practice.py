"""`cvd-reporter practice`: the whole product against the built-in practice municipality.

Everything is real and on loopback: the organisation's HTTPS site with a signed security.txt, its
key on WKD, its DNS and SMTP servers. gpg decrypts what the municipality received, with the
municipality's own key (kept with --keep).
"""

from __future__ import annotations

import email
import email.policy
import io
import re
import sys

import pytest

from tests.servers.gpg import GnuPG
from tests.support.oracles import require_gpg
from tests.support.report import ALL_ATTESTATIONS
from tests.support.terminal import ANSI, ENTER, ESC_ENTER, wizard_env


def test_practice_auto_delivers_an_encrypted_report(cli):
    out = cli("--json", "practice", "--auto", "--lang", "en")
    assert out.exit_code == 0, out.stdout + out.stderr
    data = out.json["data"]
    (got,) = data["received"]
    assert got["envelope"]["tls"] and got["envelope"]["authenticated"]
    assert got["encrypted"] and got["outer_headers"]["Subject"] == data["report_id"]
    assert "XSS" not in "".join(got["outer_headers"].values())
    assert got["decrypted"]["subject"] == "Vulnerability report: Reflected XSS in the search page"
    assert "I sent no spam." in got["decrypted"]["text"]
    assert [a["name"] for a in got["decrypted"]["attachments"]] == ["request.txt"]


def test_practice_shows_the_mail_as_it_arrived_and_decrypted_and_gpg_agrees(cli, tmp_path):
    require_gpg()
    keep = tmp_path / "practice"
    out = cli("--lang", "nl", "practice", "--auto", "--keep", str(keep))
    assert out.exit_code == 0, out.stderr
    assert "Zo kwam het binnen bij de gemeente (versleuteld)" in out.stdout
    assert "-----BEGIN PGP MESSAGE-----" in out.stdout
    assert "Ontsleuteld met de sleutel van de gemeente" in out.stdout
    assert "Subject: Melding kwetsbaarheid: Reflected XSS in de zoekfunctie" in out.stdout
    # The municipality's side with real GnuPG: import its key, decrypt the mail from the outbox copy.
    (eml,) = (keep / "home" / "outbox").glob("*.eml")
    gpg = GnuPG()
    try:
        gpg.gpg("--import", str(keep / "organisation" / "org-key.asc"))
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        inner = gpg.decrypt(message.get_payload()[1].get_payload(decode=True))
    finally:
        gpg.close()
    assert b"Melding van een kwetsbaarheid" in inner and b"request.txt" in inner
    status = cli("--json", "--home", str(keep / "home"), "status")
    assert status.json["data"]["reports"][0]["state"] == "sent"


def test_practice_without_a_terminal_needs_auto(cli):
    out = cli("practice")
    assert out.exit_code == 8 and "--auto" in out.stderr


def test_practice_wizard_in_a_terminal_from_first_question_to_delivered_mail(tmp_path):
    """The newcomer's path: a real pseudo-terminal, the wizard, "send", and the mail shown decrypted."""
    pexpect = pytest.importorskip("pexpect")
    from cvd_reporter.app.profiles import load_policy

    rules = [a.say("en") for a in load_policy("nl-gemeente").attestations]
    assert len(rules) == len(ALL_ATTESTATIONS)
    env = wizard_env(tmp_path / "home")
    child = pexpect.spawn(sys.executable, ["-m", "cvd_reporter", "practice", "--lang", "en"], cwd=str(tmp_path),
                          env=env, dimensions=(50, 140), encoding="utf-8", timeout=15)
    child.logfile_read = io.StringIO()
    child.delaybeforesend = None

    def answer(question: str, keys: str) -> None:
        try:
            child.expect(re.escape(question))
        except pexpect.TIMEOUT:
            raise AssertionError(f"waiting for {question!r}; screen so far:\n"
                                 + ANSI.sub("", child.logfile_read.getvalue())[-2500:]) from None
        child.send(keys)

    try:
        answer("Which URL or IP address is vulnerable?", "https://www.oefendorp.test/zoeken" + ENTER)
        answer("Name or pseudonym", "Oefenaar" + ENTER)
        answer("E-mail address for replies", ENTER)  # the practice run fills in oefenaar@example.org
        answer("Phone number for replies", ENTER)
        answer("Your public OpenPGP key", ENTER)
        answer("A short title", "Stored XSS in the contact form" + ENTER)
        answer("What kind of weakness is it?", ENTER)
        answer("Severity as CVSS?", ENTER)
        answer("Which system in the organisation's scope is it?", ENTER)  # the practice policy lists its scope
        answer("Which product or system is affected?", ENTER)
        answer("Which version is affected?", ENTER)
        answer("What is the vulnerability?", "The message field is stored and shown unescaped." + ESC_ENTER)
        answer("Steps to reproduce", "Send <script>alert(1)</script> as message" + ESC_ENTER)
        for question in ("What an attacker could do", "How could it be fixed?", "Evidence file 1: path",
                         "When did you find it?", "The IP addresses you tested from", "Tools you used",
                         "What data did you see?", "What data did you download?"):
            answer(question, ENTER)
        for rule in rules:
            answer(rule[:60], "y" + ENTER)
        answer("Anyone you already told", ENTER)
        answer("Do you intend to publish about it?", ENTER)
        answer("How do you want to be credited", ENTER)
        answer("Someone else to credit (1)", ENTER)
        answer("What do you want to do now?", ENTER)  # the first choice: send it now
        answer("Save as", ENTER)
        answer("Send it like this?", "y" + ENTER)
        child.expect(re.escape("Decrypted with the municipality's key"))
        child.expect(re.escape("Stored XSS in the contact form"))
        child.expect(pexpect.EOF)
        child.close()
        text = ANSI.sub("", child.logfile_read.getvalue())
        assert child.exitstatus == 0, text
    finally:
        child.terminate(force=True)
    assert "security@oefendorp.test" in text  # who receives it, found while the user typed
    assert "What arrived at the municipality (encrypted)" in text
    assert "-----BEGIN PGP MESSAGE-----" in text
