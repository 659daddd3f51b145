"""wizard_lookup.py: the wizard's one door to scope, discovery, keys, lint, render and submit.

The lookup runs against the loopback HTTPS server, so a change in those interfaces shows up here,
in one place; when the network fails, the wizard hears "could not check now" instead of an error.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cvd_reporter.app.context import Context
from cvd_reporter.app.profiles import load_policy
from cvd_reporter.cli import wizard_lookup as wl
from cvd_reporter.settings import load_settings

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone.utc)
POLICY = load_policy("nl-gemeente")


SECURITY_TXT = """Contact: mailto:security@gemeente.test
Expires: 2027-06-01T00:00:00Z
Preferred-Languages: nl, en
Policy: https://www.gemeente.test/cvd
Canonical: https://www.gemeente.test/.well-known/security.txt
"""


def test_lookup_against_the_loopback_site(https, pki):
    https.add("/.well-known/security.txt", SECURITY_TXT, host="www.gemeente.test")
    settings = load_settings({"ca_bundle": str(pki.ca_pem), "timeout": 3,
                              "connect_to": tuple(https.connect_to("www.gemeente.test", "gemeente.test"))})
    result = wl.lookup_target("https://www.gemeente.test/zoeken", Context(settings), policy=POLICY, now=NOW)
    assert result.found_at and result.found_at.endswith("/.well-known/security.txt"), result
    assert result.contacts[0] == "mailto:security@gemeente.test" and result.languages[:1] == ["nl"]
    assert result.policy_url == "https://www.gemeente.test/cvd"


def test_lookup_with_the_network_down_is_could_not_check_now(https, pki):
    settings = load_settings({"ca_bundle": str(pki.ca_pem), "timeout": 1,
                              "connect_to": ("www.gemeente.test:443:127.0.0.1:9",)})  # nothing listens
    result = wl.lookup_target("https://www.gemeente.test/", Context(settings), policy=POLICY, now=NOW)
    assert not result.out_of_scope and result.notes


def test_preview_is_the_rendered_report(tmp_path: Path):
    from tests.support.wizard import HAPPY, make_wizard

    wizard, p = make_wizard(tmp_path, HAPPY, render=lambda report, lang: wl.render_preview(
        report, policy=POLICY, lang=lang, today=NOW.date()))
    wizard.run()
    said = p.transcript
    assert "Reflected XSS in the search page" in said and "Preview of the report as the organisation will read it" in said
    assert "schema: cvd-report/1" not in said  # not the YAML fallback
