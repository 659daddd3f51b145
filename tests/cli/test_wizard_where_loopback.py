"""Where before what against real loopback municipalities without a security.txt (trustme HTTPS,
dnslib DNS): the wizard's look-up finds the CVD page through the home page or a well-known path, says
where it was found and whose domain the address is on; with nothing online it asks. The last tests
drive `cvd-reporter new` in a real pseudo-terminal (pexpect) and press Ctrl-C inside the new flow."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
from pathlib import Path

import pytest

from cvd_reporter.app.context import Context
from cvd_reporter.app.directory import import_file
from cvd_reporter.app.profiles import load_policy
from cvd_reporter.cli import wizard_lookup as wl
from cvd_reporter.settings import load_settings
from tests.support.municipality import CANARY, HOSTS, TITLE, env_for, serve, write_report
from tests.support.policy_sites import home_page, policy_page
from tests.support.terminal import ANSI, CTRL_C, ENTER, wizard_env
from tests.support.wizard import HAPPY, check_saved, make_wizard

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone.utc)
POLICY = load_policy("nl-gemeente")
TARGET = "https://www.gemeente.test/zoeken"
PAGE = "https://www.gemeente.test/bestuur/kwetsbaarheid-melden"


def context(https, pki, zone) -> Context:
    return Context(load_settings({"ca_bundle": str(pki.ca_pem), "timeout": 10, "dns_server": zone.address,
                                  "connect_to": tuple(https.connect_to(*HOSTS))}))


def serve_linked_policy(https) -> None:
    """No security.txt; the home page's footer links to the CVD page, which names a shared service."""
    https.add("/", home_page((PAGE.removeprefix("https://www.gemeente.test"), "Kwetsbaarheid melden")),
              host="www.gemeente.test")
    https.add(PAGE.removeprefix("https://www.gemeente.test"), policy_page("ciso@werkorganisatie.example"),
              host="www.gemeente.test")


def test_lookup_without_security_txt_finds_the_page_the_home_page_links_to(https, pki, zone):
    serve_linked_policy(https)
    result = wl.lookup_target(TARGET, context(https, pki, zone), policy=POLICY, now=NOW)
    assert result.found_at is None  # there is no security.txt
    (found,) = result.where
    assert found["uri"] == "mailto:ciso@werkorganisatie.example"
    assert found["source"]["kind"] == "policy_page" and found["source"]["url"] == PAGE
    block = result.organisation_block
    assert block["policy_url"] == PAGE and block["response"] == "3 working days"


def test_the_wizard_shows_and_records_a_channel_found_at_a_well_known_path(https, pki, zone, tmp_path: Path):
    https.add("/responsible-disclosure", policy_page("cvd@gemeente.example", title="Responsible disclosure"),
              host="www.gemeente.test")
    ctx = context(https, pki, zone)
    wizard, p = make_wizard(tmp_path, dict(HAPPY, target=TARGET, reporter_pgp_key=""), timeout=10,
                            lookup=lambda t: wl.lookup_target(t, ctx, policy=POLICY, now=NOW))
    outcome = wizard.run()
    said = p.transcript
    assert ("This is where your report will go:\n  e-mail: cvd@gemeente.example\n"
            "  found on https://www.gemeente.test/responsible-disclosure") in said
    assert p.asked.index("where_ok") < p.asked.index("reporter_name")
    text = outcome.path.read_text()
    assert "mailto:cvd@gemeente.example" in text and "kind: policy_page" in text


def test_a_site_with_nothing_asks_for_the_contact_and_the_report_keeps_it(https, pki, zone, tmp_path: Path):
    ctx = context(https, pki, zone)  # the loopback site answers 404 everywhere
    wizard, p = make_wizard(tmp_path, dict(HAPPY, target=TARGET, where_contact="ciso@werkorganisatie.example"),
                            timeout=10, lookup=lambda t: wl.lookup_target(t, ctx, policy=POLICY, now=NOW))
    r = check_saved(wizard.run().path).report
    assert "No contact found for this organisation" in p.transcript
    assert r.organisation.contact == ["mailto:ciso@werkorganisatie.example"]


# ---------------------------------------------------------------------------- a real pseudo-terminal
def spawn(tmp_path: Path, https, pki, zone, *args: str):
    pexpect = pytest.importorskip("pexpect")
    env = dict(wizard_env(tmp_path / "home"), **env_for(https, pki, zone, CVD_TIMEOUT="10"))
    child = pexpect.spawn(sys.executable, ["-m", "cvd_reporter", *args], cwd=str(tmp_path), env=env,
                          dimensions=(40, 140), encoding="utf-8", timeout=20)
    child.logfile_read = io.StringIO()
    child.delaybeforesend = None
    return child


def expect(child, text: str) -> None:
    pexpect = pytest.importorskip("pexpect")
    try:
        child.expect(re.escape(text))
    except pexpect.TIMEOUT:
        raise AssertionError(f"waiting for {text!r}; screen so far:\n"
                             + ANSI.sub("", child.logfile_read.getvalue())[-2500:]) from None


def ended(child) -> tuple[int, str]:
    pexpect = pytest.importorskip("pexpect")
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, ANSI.sub("", child.logfile_read.getvalue())


def test_terminal_where_before_what_then_ctrl_c_keeps_the_channel(https, pki, zone, tmp_path: Path):
    serve_linked_policy(https)
    child = spawn(tmp_path, https, pki, zone, "new", "--lang", "en")
    try:
        expect(child, "Which URL or IP address is vulnerable?")
        child.send(TARGET + ENTER)
        expect(child, "This is where your report will go:")
        expect(child, "Is this where your report should go?")
        child.send("y" + ENTER)
        expect(child, "Name or pseudonym")  # only now the questions about the report
        child.send(CTRL_C)
        code, screen = ended(child)
    finally:
        child.terminate(force=True)
    assert code == 130, screen
    assert "e-mail: ciso@werkorganisatie.example" in screen and f"found on {PAGE}" in screen
    assert "ciso@werkorganisatie.example is on werkorganisatie.example, not on gemeente.test" in screen
    draft_id = re.search(r"draft (\d{8}-[0-9a-f]{6})", screen).group(1)
    kept = json.loads((tmp_path / "home" / "drafts" / f"{draft_id}.json").read_text())["answers"]
    assert kept["_where"]["contact"] == ["mailto:ciso@werkorganisatie.example"]
    assert kept["_where"]["source"]["contact"]["url"] == PAGE


def test_terminal_nothing_found_ctrl_c_at_the_contact_question_keeps_the_draft(https, pki, zone, tmp_path: Path):
    child = spawn(tmp_path, https, pki, zone, "new", "--lang", "nl")
    try:
        expect(child, "Welke URL of welk IP-adres is kwetsbaar?")
        child.send(TARGET + ENTER)
        expect(child, "Geen contact gevonden voor deze organisatie")
        expect(child, "Waar moet de melding heen?")
        child.send(CTRL_C)
        code, screen = ended(child)
    finally:
        child.terminate(force=True)
    assert code == 130, screen
    draft_id = re.search(r"new --resume (\d{8}-[0-9a-f]{6})", screen).group(1)
    kept = json.loads((tmp_path / "home" / "drafts" / f"{draft_id}.json").read_text())["answers"]
    assert kept["target"] == TARGET and "_where" not in kept  # resuming asks where again


def test_the_wizards_send_offers_a_first_contact_when_the_organisation_has_no_key(https, pki, zone, smtp,
                                                                                  isolated_env, tmp_path: Path):
    """"Send now" at the end of the wizard reaches the same choice `submit` offers on a terminal: the
    organisation publishes no key, so the reporter picks a first contact and only that leaves."""
    serve(https, None, encryption=False)
    ctx = Context(load_settings({}, environ=dict(env_for(https, pki, zone, smtp), CVD_REPORTER_HOME=str(isolated_env))))
    offered: list[list[str]] = []

    def choose(choices: list[str], why: str) -> str:
        offered.append(choices)
        return "first_contact"

    said: list[str] = []
    line = wl.send_report(write_report(tmp_path / "r"), ctx, lang="en", confirm=lambda plan: True,
                          progress=said.append, choose=choose, ask=lambda q: False)
    assert offered and offered[0][0] == "first_contact" and "plaintext" in offered[0]
    assert "first contact" in line.lower()
    (got,) = smtp.messages
    assert CANARY.encode() not in got["content"] and TITLE.encode() not in got["content"]
    assert not any(s.startswith("Next steps") for s in said)  # the report itself has not left yet


def test_the_wizards_next_steps_name_the_point_from_the_reporters_own_directory(https, pki, zone, smtp,
                                                                               municipality, isolated_env,
                                                                               tmp_path: Path):
    """The reporter imported an entry saying the organisation is part of central government: after the
    wizard sends, the next steps name NCSC-NL (which serves it), not the IBD, as `submit`'s do."""
    serve(https, municipality.key)
    entry = tmp_path / "mine.yaml"
    entry.write_text("schema: cvd-directory/1\norganisations:\n"
                     "  - name: Agentschap Voorbeeld\n    kind: rijk\n    domains: [gemeente.test]\n"
                     "    contacts: [mailto:security@gemeente.test]\n"
                     "    source: {url: null, seen: 2026-12-01, note: test}\n")
    import_file(isolated_env, entry, dt.date(2026, 12, 1))
    ctx = Context(load_settings({}, environ=dict(env_for(https, pki, zone, smtp), CVD_REPORTER_HOME=str(isolated_env))))
    said: list[str] = []
    wl.send_report(write_report(tmp_path / "r"), ctx, lang="en", confirm=lambda plan: True,
                   progress=said.append, choose=lambda choices, why: choices[0], ask=lambda q: True)
    (steps,) = [s for s in said if "you may escalate" in s]
    assert "--to ncsc (NCSC-NL" in steps and "central-government" in steps and "--to ibd" not in steps
