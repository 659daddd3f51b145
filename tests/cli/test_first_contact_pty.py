"""`submit` without a usable key in a real pseudo-terminal (pexpect): the reporter picks the way on.

The organisation (HTTPS, DNS, SMTP on loopback) has no key; the terminal is offered the first contact
first, also with --allow-plaintext, after seeing what would travel in the clear.
"""

from __future__ import annotations

import io
import re
import sys

import pytest

from tests.support.municipality import CANARY, env_for, serve, write_report
from tests.support.paths import ROOT
from tests.support.terminal import ANSI, wizard_env

pexpect = pytest.importorskip("pexpect")


def _spawn(report, home, env_extra, *more):
    env = dict(wizard_env(home), **env_extra)
    child = pexpect.spawn(sys.executable, ["-m", "cvd_reporter", "--lang", "en", "submit", str(report),
                                           "--allow-plaintext", *more],
                          env=env, dimensions=(40, 160), encoding="utf-8", timeout=20)
    child.logfile_read = io.StringIO()
    return child


def test_allow_plaintext_on_a_terminal_shows_the_clear_text_and_offers_the_first_contact_first(
        https, pki, zone, smtp, tmp_path):
    serve(https, None, encryption=False)
    report = write_report(tmp_path / "report")
    child = _spawn(report, tmp_path / "home", env_for(https, pki, zone, smtp))
    try:
        child.expect(re.escape("How do you want to go on"))
        shown = ANSI.sub("", child.logfile_read.getvalue())
        assert "in the clear" in shown and f"{CANARY}-beschrijving" in shown  # the whole text, before any choice
        assert shown.index("1. first contact without the details") < shown.index("the whole report UNENCRYPTED")
        child.sendline("1")
        child.expect(re.escape("May the first contact name the system (www.gemeente.test)?"))
        child.sendline("n")
        child.expect(re.escape("Send this now?"))
        child.sendline("y")
        child.expect(re.escape("Sent a first contact"))
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    (got,) = smtp.messages
    assert CANARY.encode() not in got["content"] and b"www.gemeente.test" not in got["content"]


def test_plaintext_against_a_policy_that_requires_encryption_is_named_and_defaults_to_no(
        https, pki, zone, smtp, tmp_path):
    serve(https, None, encryption=False)
    report = write_report(tmp_path / "report")
    policy = tmp_path / "beleid.yaml"
    policy.write_text((ROOT / "cvd_reporter" / "data" / "policies" / "nl-gemeente.yaml").read_text("utf-8")
                      + "encryption: required\n", encoding="utf-8")
    child = _spawn(report, tmp_path / "home", env_for(https, pki, zone, smtp), "--policy", str(policy))
    try:
        child.expect(re.escape("How do you want to go on"))
        shown = ANSI.sub("", child.logfile_read.getvalue())
        note = f"requires encrypted reports ({policy}): send a first contact without the details instead"
        assert note in shown and shown.index(note) < shown.index(f"{CANARY}-beschrijving")  # above the clear text
        child.sendline("3")  # the whole report unencrypted
        child.expect(re.escape("against their policy? [y/N]"))
        child.sendline("")  # Enter: the default is No
        child.expect(re.escape("Nothing was sent"))
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 8
    assert smtp.messages == []
