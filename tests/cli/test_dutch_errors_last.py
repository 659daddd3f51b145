"""The last English texts of a Dutch run, said in the run's language (issue 17).

Each case runs the real CLI in `--lang nl` and `--lang en`: scope's DNS notes (loopback DNS), the signature
of a signed security.txt from the corpus, the notes a policy page's reader gives (offline and through
`discover` on the loopback HTTPS server), and a report that already left through a web form. `--json`
keeps the English.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from cvd_reporter.app.context import Context
from cvd_reporter.app.profiles import load_policy
from cvd_reporter.cli import wizard_lookup as wl
from cvd_reporter.core.i18n import said_in
from cvd_reporter.settings import load_settings
from tests.servers.https import Response
from tests.support.english import english_lines
from tests.support.municipality import env_for, serve, write_report
from tests.support.paths import ROOT
from tests.support.policy_sites import home_page, policy_page
from tests.support.scope import load_zone

CORPUS = ROOT / "tests" / "data" / "securitytxt-corpus"
SIGNED = CORPUS / "001.txt"  # signed by D894E15F45028563, expired in 2023


def test_scope_dns_notes_in_the_run_language(cli, dns):
    load_zone(dns)
    args = ("scope", "--dns-server", dns.address, "--timeout", "0.5", "--no-securitytxt", "broken.gemeente.test")
    nl = cli("--lang", "nl", *args)
    assert "waarschuwing: Het opzoeken van broken.gemeente.test in DNS is mislukt (" in nl.stdout, nl.stdout
    assert "de adressen en aliassen zijn niet gecontroleerd." in nl.stdout
    assert "The DNS lookup" not in nl.stdout
    en = cli("--lang", "en", *args)
    assert "warning: The DNS lookup of broken.gemeente.test failed (" in en.stdout, en.stdout
    data = cli("--lang", "nl", "--json", *args).json["data"]
    (note,) = data["results"][0]["notes"]
    assert note["code"] == "dns_error" and note["message"].startswith("The DNS lookup of broken.gemeente.test failed")


def test_securitytxt_signature_detail_in_the_run_language(cli):
    nl = cli("--lang", "nl", "securitytxt", "check", str(SIGNED))
    assert ("ondertekend met sleutel D894E15F45028563, niet gecontroleerd: Ondertekend met sleutel D894E15F45028563; "
            "er was geen sleutel beschikbaar om de handtekening te controleren.") in nl.stdout, nl.stdout
    assert "Geef de sleutel op met --key BESTAND." in nl.stdout
    assert "no key was available" not in nl.stdout and "Give the key" not in nl.stdout
    en = cli("--lang", "en", "securitytxt", "check", str(SIGNED))
    assert "Signed by key D894E15F45028563; no key was available to verify it. Give the key with --key FILE." in en.stdout
    data = cli("--lang", "nl", "--json", "securitytxt", "check", str(SIGNED)).json["data"]
    text = str(data)
    assert "Signed by key D894E15F45028563; no key was available to verify it." in text and "Ondertekend" not in text


def test_securitytxt_signature_with_a_key_that_does_not_match(cli):
    key = ROOT / "tests" / "data" / "keys-corpus" / "01.asc"
    nl = cli("--lang", "nl", "securitytxt", "check", str(SIGNED), "--key", str(key))
    assert "die niet bij de 1 beschikbare sleutel(s) hoort" in nl.stdout, nl.stdout
    en = cli("--lang", "en", "securitytxt", "check", str(SIGNED), "--key", str(key))
    assert "which is not among the 1 key(s) available" in en.stdout, en.stdout


def test_policy_page_notes_in_the_run_language(cli, tmp_path):
    page = tmp_path / "beleid.html"
    page.write_text('<html lang="nl"><body><h1>Responsible disclosure</h1><p>Meld een kwetsbaarheid via '
                    '<a href="mailto:cvd@gemeente.test">ons meldpunt</a>. Wij reageren binnen 5 werkdagen.</p>'
                    "</body></html>", encoding="utf-8")
    nl = cli("--lang", "nl", "policy", "read", str(page))
    assert "mailto:cvd@gemeente.test [uit een mailto:-link]" in nl.stdout, nl.stdout
    en = cli("--lang", "en", "policy", "read", str(page))
    assert "mailto:cvd@gemeente.test [from a mailto: link]" in en.stdout, en.stdout
    data = cli("--lang", "nl", "--json", "policy", "read", str(page)).json["data"]
    assert "from a mailto: link" in str(data) and "uit een mailto" not in str(data)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_discover_says_the_policy_pages_notes_in_the_run_language(cli, https, pki, zone, lang):
    https.add("/", home_page(("/kwetsbaarheid-melden", "Kwetsbaarheid melden")), host="www.gemeente.test")
    https.add("/kwetsbaarheid-melden", policy_page("ciso[at]werkorganisatie[dot]example"), host="www.gemeente.test")
    out = cli("--lang", lang, "discover", "www.gemeente.test", env=env_for(https, pki, zone, None, CVD_TIMEOUT="10"))
    assert out.exit_code == 0, out.stderr
    text = " ".join(out.stdout.split())
    if lang == "nl":
        assert "in verhulde vorm geschreven; " in text, text
        assert "written in an obfuscated form" not in text
        assert english_lines(out.stdout) == []
    else:
        assert "written in an obfuscated form; " in text, text


@pytest.fixture
def form_env(https, pki, zone, tmp_path):
    """The municipality's security.txt names its form (on the loopback server); the browser is a no-op script."""
    serve(https, None, encryption=False)
    https.add("/melden", Response(200, "<!DOCTYPE html><html><body><form></form></body></html>",
                                  "text/html; charset=utf-8"), host="www.gemeente.test")
    browser = tmp_path / "fake-browser"
    browser.write_text("#!/bin/sh\nexit 0\n")
    browser.chmod(0o755)
    return env_for(https, pki, zone, BROWSER=f"{browser} %s", CVD_TIMEOUT="10")


@pytest.mark.skipif(shutil.which("sh") is None, reason="the fake browser is a shell script")
def test_a_form_report_that_already_left_in_the_run_language(cli, form_env, tmp_path):
    env = form_env
    report = write_report(tmp_path / "r")
    first = cli("--json", "submit", str(report), "--via", "form", "--reference", "A-1", env=env)
    assert first.exit_code == 0, first.stderr
    rid = first.json["data"]["report_id"]
    nl = cli("--lang", "nl", "submit", str(report), "--via", "form", "--reference", "A-2", env=env)
    said = " ".join((nl.stderr + nl.stdout).split())
    assert nl.exit_code == 8 and f"Melding {rid} is al op " in said, said
    assert "already left" not in said
    en = cli("--lang", "en", "submit", str(report), "--via", "form", "--reference", "A-2", env=env)
    assert f"Report {rid} already left on " in " ".join((en.stderr + en.stdout).split())


def test_the_wizards_could_not_check_now_in_the_run_language(https, pki):
    settings = load_settings({"ca_bundle": str(pki.ca_pem), "timeout": 1,
                              "connect_to": ("www.gemeente.test:443:127.0.0.1:9",)})  # nothing listens
    now = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone.utc)
    result = wl.lookup_target("https://www.gemeente.test/", Context(settings), policy=load_policy("nl-gemeente"),
                              now=now)
    assert result.notes
    english = "; ".join(result.notes)
    dutch = "; ".join(said_in(n, "nl") for n in result.notes)
    assert dutch != english and english_lines(dutch) == [], dutch
    assert result.to_dict()["notes"] == [str(n) for n in result.notes]  # the JSON keeps the English
