"""`cvd-reporter discover TARGET` beyond security.txt: every contact with its source, in text and
--json, the directory entry's age, and exit 5 with a next step when nothing answers."""

from __future__ import annotations

import datetime as dt

from cvd_reporter.core.securitytxt import WELL_KNOWN_PATH as WK
from tests.support.policy_sites import home_page, policy_page
from tests.support.securitytxt import connect_args, live_body


def run(cli, pki, https, *args: str, timeout: str = "10"):
    return cli(*args, "--ca-bundle", pki.ca_pem, "--timeout", timeout, *connect_args(https))


def test_discover_shows_a_policy_page_contact_with_its_source(cli, https, pki):
    https.add("/", home_page(("/over-ons/responsible-disclosure", "Responsible disclosure")), host="gemeente.test")
    https.add("/over-ons/responsible-disclosure", policy_page("ciso@werkorganisatie.example"), host="gemeente.test")
    out = run(cli, pki, https, "discover", "gemeente.test")
    assert out.exit_code == 0, out.stderr
    text = out.stdout
    assert "No security.txt:" in text and "Where to report for gemeente.test:" in text
    assert "1. email    mailto:ciso@werkorganisatie.example" in text
    assert "from policy page https://gemeente.test/over-ons/responsible-disclosure" in text
    assert "werkorganisatie.example, not on gemeente.test" in text
    assert "the policy page asks: subject Melding kwetsbaarheid" in text
    doc = run(cli, pki, https, "--json", "discover", "gemeente.test").json
    assert doc["exit_code"] == 0 and doc["data"]["security_txt"] is None
    (contact,) = doc["data"]["contacts"]
    assert contact["source"]["kind"] == "policy_page" and "Stuur uw melding" in contact["source"]["evidence"]
    org = doc["data"]["search"]["organisation"]  # ready to paste into a report, each value with its source
    assert org["contact"] == ["mailto:ciso@werkorganisatie.example"]
    assert org["source"]["contact"]["url"] == "https://gemeente.test/over-ons/responsible-disclosure"


def test_discover_names_the_directory_entry_and_its_age(cli, https, pki, tmp_path):
    listing = tmp_path / "ours.yaml"
    listing.write_text("schema: cvd-directory/1\norganisations:\n  - name: Gemeente Voorbeeld\n"
                       "    domains: [gemeente.test]\n    contacts: [mailto:ciso@werkorganisatie.example]\n"
                       "    source: {url: 'https://gemeente.test/cvd-oud', seen: 2026-01-10}\n")
    assert cli("directory", "import", str(listing)).exit_code == 0
    out = run(cli, pki, https, "discover", "gemeente.test")
    age = (dt.date.today() - dt.date(2026, 1, 10)).days
    assert out.exit_code == 0, out.stderr
    assert f"imported directory ours.yaml: Gemeente Voorbeeld at https://gemeente.test/cvd-oud (seen 2026-01-10, " \
           f"{age} day(s) old)" in out.stdout
    assert "check the organisation's own page before you rely on a directory entry" in out.stdout
    doc = run(cli, pki, https, "--json", "discover", "gemeente.test").json
    assert doc["data"]["contacts"][0]["source"]["age_days"] == age


def test_a_security_txt_with_only_a_policy_field_is_exit_3_but_says_where_to_report(cli, https, pki):
    https.add(WK, live_body("Policy: https://other.test/cvd", contact=None), host="gemeente.test")
    https.add("/cvd", policy_page("cert@other.test"), host="other.test")
    doc = run(cli, pki, https, "--json", "discover", "gemeente.test").json
    assert doc["exit_code"] == 3  # the file has errors (no Contact), as before
    assert [c["uri"] for c in doc["data"]["contacts"]] == ["mailto:cert@other.test"]
    assert doc["data"]["contacts"][0]["source"]["url"] == "https://other.test/cvd"


def test_nothing_anywhere_is_exit_5_with_every_step_and_a_next_step(cli, https, pki):
    out = run(cli, pki, https, "--json", "discover", "gemeente.test")
    assert out.exit_code == 5 and out.json["errors"][0]["code"] == "no_security_txt"
    message = out.json["errors"][0]["message"]
    assert "policy read URL" in message and "organisation.contact" in message
    stages = {s["stage"] for s in out.json["data"]["search"]["steps"]}
    assert stages == {"security_txt", "home_page", "well_known", "directory"}
