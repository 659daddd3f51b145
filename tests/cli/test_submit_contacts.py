"""Where `submit` sends a report when the organisation is not the ideal one: the report's own contact
(and what happens when security.txt disagrees), a contact from the policy page or the directory when
there is no security.txt, and form- or phone-only organisations. Real loopback HTTPS, DNS and gpg."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from pathlib import Path

import pytest

from cvd_reporter.core.wkd import wkd_hash
from tests.servers.gpg import GnuPG
from tests.servers.https import Response
from tests.support.municipality import env_for as _env_for
from tests.support.municipality import write_report
from tests.support.policy_sites import form_only_page, home_page, phone_only_page, policy_page


def env_for(https, pki, dns, smtp=None):
    """The municipality's environment with the deadline the contact search needs on a busy machine."""
    return _env_for(https, pki, dns, smtp, CVD_TIMEOUT="10")


@pytest.fixture(scope="session")
def keys() -> Iterator[tuple[GnuPG, str, str]]:
    """gpg with two keys: the municipality's security.txt contact and a shared service's CISO."""
    from tests.support.oracles import require_gpg

    require_gpg()
    gpg = GnuPG()
    yield gpg, gpg.gen("Gemeente CERT <security@gemeente.example>"), \
        gpg.gen("Werkorganisatie <ciso@werkorganisatie.example>")
    gpg.close()


@pytest.fixture
def zone(dns):
    dns.resolver.add_zone("www A 127.0.0.1\nopenpgpkey A 127.0.0.1\n@ A 127.0.0.1", "gemeente.test")
    return dns


def serve_security_txt(https, gpg: GnuPG, fpr: str) -> None:
    wkd = f"/.well-known/openpgpkey/gemeente.test/hu/{wkd_hash('security')}"
    https.add("/.well-known/security.txt", "Contact: mailto:security@gemeente.example\n"
              f"Encryption: https://openpgpkey.gemeente.test{wkd}\nExpires: 2030-01-01T00:00:00Z\n",
              host="www.gemeente.test")
    https.add(wkd, Response(200, gpg.export(fpr), "application/octet-stream"), host="openpgpkey.gemeente.test")


def queued_message(cli, env) -> tuple[dict, bytes]:
    (entry,) = cli("--json", "outbox", "list", env=env).json["data"]["entries"]
    return entry, Path(entry["path"]).read_bytes()


def decrypted(gpg: GnuPG, raw: bytes) -> bytes:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/encrypted"
    return gpg.decrypt(msg.get_payload()[1].get_payload(decode=True))


def test_the_reports_own_contact_disagreeing_with_security_txt_needs_yes(cli, https, pki, zone, keys, tmp_path):
    gpg, town, ciso = keys
    serve_security_txt(https, gpg, town)
    (tmp_path / "their-key.asc").write_bytes(gpg.export(ciso, armor=True))
    report = write_report(tmp_path, organisation={"contact": ["mailto:ciso@werkorganisatie.example"], "key": "their-key.asc"})
    env = env_for(https, pki, zone)
    refused = cli("--json", "submit", str(report), env=env)  # not a terminal, no --yes
    assert refused.exit_code == 8
    message = refused.json["errors"][0]["message"]
    assert "ciso@werkorganisatie.example" in message and "security@gemeente.example" in message and "--yes" in message
    assert cli("--json", "outbox", "list", env=env).json["data"]["entries"] == []
    sent = cli("--json", "submit", str(report), "--yes", env=env)
    assert sent.exit_code == 0, sent.stderr
    data = sent.json["data"]
    assert data["recipient"] == "ciso@werkorganisatie.example" and data["contact_source"] == "the report (your own choice)"
    assert "security@gemeente.example" in data["contact_conflict"]
    entry, raw = queued_message(cli, env)
    assert entry["recipient"] == "ciso@werkorganisatie.example"
    assert b"XSS in zoeken" in decrypted(gpg, raw)  # encrypted to the key the report names


def test_the_reports_own_contact_agreeing_with_security_txt_needs_no_extra_word(cli, https, pki, zone, keys,
                                                                               tmp_path):
    gpg, town, _ = keys
    serve_security_txt(https, gpg, town)
    report = write_report(tmp_path, organisation={"contact": ["mailto:security@gemeente.example"]})
    out = cli("--json", "submit", str(report), "--yes", env=env_for(https, pki, zone))
    assert out.exit_code == 0, out.stderr
    assert out.json["data"]["contact_conflict"] is None and out.json["data"]["key"]["fingerprint"] == town


def test_no_security_txt_but_a_policy_page_linked_from_the_home_page(cli, https, pki, zone, keys, tmp_path):
    gpg, _, ciso = keys
    https.add("/", home_page(("/bestuur/kwetsbaarheid-melden", "Kwetsbaarheid melden")), host="www.gemeente.test")
    https.add("/bestuur/kwetsbaarheid-melden", policy_page("ciso@werkorganisatie.example"), host="www.gemeente.test")
    (tmp_path / "their-key.asc").write_bytes(gpg.export(ciso, armor=True))
    report = write_report(tmp_path, organisation={"key": "their-key.asc"})
    env = env_for(https, pki, zone)
    out = cli("--json", "submit", str(report), "--yes", env=env)
    assert out.exit_code == 0, out.stderr
    data = out.json["data"]
    assert data["recipient"] == "ciso@werkorganisatie.example"
    assert data["contact_source"] == "policy page https://www.gemeente.test/bestuur/kwetsbaarheid-melden"
    assert "(from policy page https://www.gemeente.test/bestuur/kwetsbaarheid-melden)" in out.stderr  # the plan
    _, raw = queued_message(cli, env)
    assert b"XSS in zoeken" in decrypted(gpg, raw)


def test_directory_fallback_keeps_the_key_rules(cli, https, pki, zone, tmp_path):
    listing = tmp_path / "ours.yaml"
    listing.write_text("schema: cvd-directory/1\norganisations:\n  - name: Gemeente Voorbeeld\n"
                       "    domains: [gemeente.test]\n    contacts: [mailto:ciso@other.test]\n"
                       "    source: {url: 'https://www.gemeente.test/cvd-oud', seen: 2026-01-10}\n")
    env = env_for(https, pki, zone)
    assert cli("directory", "import", str(listing), env=env).exit_code == 0
    report = write_report(tmp_path)
    no_key = cli("--json", "submit", str(report), "--yes", env=env)
    assert no_key.exit_code == 6 and no_key.json["errors"][0]["code"] == "no_usable_key"
    plain = cli("--json", "submit", str(report), "--yes", "--allow-plaintext", env=env)
    assert plain.exit_code == 0, plain.stderr
    assert plain.json["data"]["recipient"] == "ciso@other.test" and plain.json["data"]["encrypted"] is False
    source = plain.json["data"]["contact_source"]
    assert source.startswith("imported directory ours.yaml: Gemeente Voorbeeld") and "day(s) old" in source


def test_a_form_only_organisation_is_exit_5_naming_the_form(cli, https, pki, zone, tmp_path):
    https.add("/cvd", form_only_page("https://www.gemeente.test/formulieren/kwetsbaarheid"), host="www.gemeente.test")
    out = cli("--json", "submit", str(write_report(tmp_path)), "--yes", env=env_for(https, pki, zone))
    assert out.exit_code == 5 and out.json["errors"][0]["code"] == "no_email_contact"
    message = out.json["errors"][0]["message"]
    assert "through the web form https://www.gemeente.test/formulieren/kwetsbaarheid" in message
    assert "--via form" in message


def test_a_phone_only_organisation_is_exit_5_naming_the_number(cli, https, pki, zone, tmp_path):
    https.add("/responsible-disclosure", phone_only_page("0123 45 67 89"), host="www.gemeente.test")
    out = cli("submit", str(write_report(tmp_path)), "--yes", env=env_for(https, pki, zone))
    assert out.exit_code == 5 and "by phone on +31123456789" in out.stderr


def test_nothing_anywhere_is_exit_5_with_a_next_step(cli, https, pki, zone, tmp_path):
    out = cli("--json", "submit", str(write_report(tmp_path)), "--yes", env=env_for(https, pki, zone))
    assert out.exit_code == 5 and out.json["errors"][0]["code"] == "no_security_txt"
    assert "organisation.contact: [mailto:ADDRESS]" in out.json["errors"][0]["message"]
