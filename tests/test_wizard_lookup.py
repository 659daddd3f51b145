"""wizard_lookup.py: the wizard's one door to scope, discovery, keys, lint, render and submit.

Without those modules (built by other parts of the project) every function says "could not check
now" (None or a note) instead of failing. With them, the lookup runs against the loopback HTTPS
server, so a change in their interfaces shows up here, in one place.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from pathlib import Path

import pytest

from cvd_reporter.cli import wizard_lookup as wl
from cvd_reporter.core.model import Report
from cvd_reporter.profiles import load_policy
from cvd_reporter.settings import load_settings

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone.utc)
POLICY = load_policy("nl-gemeente")


def installed(*modules: str) -> bool:
    return all(importlib.util.find_spec(m) is not None for m in modules)


def has(module: str, name: str) -> bool:
    return installed(module) and hasattr(importlib.import_module(module), name)


LOOKUP_MODULES = ("cvd_reporter.scoping", "cvd_reporter.net.discovery")


@pytest.mark.skipif(installed(*LOOKUP_MODULES), reason="scope and discovery are installed")
def test_lookup_without_the_modules_says_could_not_check_now():
    result = wl.lookup_target("https://www.gemeente.test/", load_settings({}), policy=POLICY, now=NOW)
    assert not result.checked and not result.out_of_scope and result.organisation == "gemeente.test"
    assert result.notes == ["scope: not part of this installation", "security.txt: not part of this installation"]


@pytest.mark.skipif(installed("cvd_reporter.core.lint"), reason="core.lint is installed")
def test_lint_without_the_module_is_none():
    assert wl.lint_text("BSN 111222333", own_emails=[], own_phones=[], path="x.txt") is None


@pytest.mark.skipif(installed("cvd_reporter.core.render"), reason="core.render is installed")
def test_render_without_the_module_is_none():
    assert wl.render_preview(Report(), policy=POLICY, lang="en") is None


@pytest.mark.skipif(has("cvd_reporter.submit", "submit_report"), reason="submit_report is installed")
def test_send_without_submit_is_none(tmp_path: Path):
    assert wl.send_report(tmp_path / "r.yaml", load_settings({}), lang="en", confirm=lambda plan: False,
                          progress=print) is None


SECURITY_TXT = """Contact: mailto:security@gemeente.test
Expires: 2027-06-01T00:00:00Z
Preferred-Languages: nl, en
Policy: https://www.gemeente.test/cvd
Canonical: https://www.gemeente.test/.well-known/security.txt
"""


@pytest.mark.skipif(not installed(*LOOKUP_MODULES), reason="scope and discovery are built by other helpers")
def test_lookup_against_the_loopback_site(https, pki):
    https.add("/.well-known/security.txt", SECURITY_TXT, host="www.gemeente.test")
    settings = load_settings({"ca_bundle": str(pki.ca_pem), "timeout": 3,
                              "connect_to": tuple(https.connect_to("www.gemeente.test", "gemeente.test"))})
    result = wl.lookup_target("https://www.gemeente.test/zoeken", settings, policy=POLICY, now=NOW)
    assert result.found_at and result.found_at.endswith("/.well-known/security.txt"), result
    assert result.contacts[0] == "mailto:security@gemeente.test" and result.languages[:1] == ["nl"]
    assert result.policy_url == "https://www.gemeente.test/cvd"


@pytest.mark.skipif(not installed(*LOOKUP_MODULES), reason="scope and discovery are built by other helpers")
def test_lookup_with_the_network_down_is_could_not_check_now(https, pki):
    settings = load_settings({"ca_bundle": str(pki.ca_pem), "timeout": 1,
                              "connect_to": ("www.gemeente.test:443:127.0.0.1:9",)})  # nothing listens
    result = wl.lookup_target("https://www.gemeente.test/", settings, policy=POLICY, now=NOW)
    assert not result.out_of_scope and result.notes


@pytest.mark.skipif(not installed("cvd_reporter.core.render"), reason="core.render is not installed")
def test_preview_is_the_rendered_report(tmp_path: Path):
    from tests.wizard_fixtures import HAPPY, make_wizard

    wizard, p = make_wizard(tmp_path, HAPPY, render=lambda report, lang: wl.render_preview(
        report, policy=POLICY, lang=lang, today=NOW.date()))
    wizard.run()
    said = p.transcript
    assert "Reflected XSS in the search page" in said and "Preview of the report as the organisation will read it" in said
    assert "schema: cvd-report/1" not in said  # not the YAML fallback
