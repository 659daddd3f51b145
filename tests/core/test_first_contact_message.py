"""The first-contact message as built (core/first_contact.py): its language, its Message-ID, its text
and its structure. What it must never hold is checked byte by byte in tests/app/test_first_contact.py."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timezone

import pytest

from cvd_reporter.core import first_contact
from cvd_reporter.core.mime import message_id_for

KEY = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ0AAABYJKwYBBAHaRw8BAQdA\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n"
NOW = datetime(2026, 12, 7, 9, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize(("preferred", "policy", "host", "lang"), [
    (["en", "nl"], "nl", "www.gemeente.nl", "en"),  # security.txt Preferred-Languages first
    (["de", "nl-NL"], "en", "example.org", "nl"),  # the first we write, with a region
    (["fr"], "nl", "example.org", "nl"),  # none we write: the policy's language
    ([], None, "www.gemeente.nl", "nl"),  # nothing else: Dutch for .nl
    ([], None, "example.org", "en"),
])
def test_the_organisation_reads_its_own_language(preferred, policy, host, lang):
    assert first_contact.organisation_language(preferred, policy, host) == lang


def test_the_message_id_is_stable_distinct_from_the_report_and_hides_its_id():
    one = first_contact.message_id("gemeente-xss-zoeken", "example.org")
    assert one == first_contact.message_id("gemeente-xss-zoeken", "example.org")
    assert one != message_id_for("gemeente-xss-zoeken", "example.org")
    assert "zoeken" not in one and one.startswith("<contact-") and one.endswith("@example.org>")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_text_names_the_host_only_when_given(lang):
    plain = first_contact.body_text(lang, host=None, reporter_name="Alex", has_key=True, response_days=5)
    named = first_contact.body_text(lang, host="www.gemeente.nl", reporter_name="Alex", has_key=True,
                                    response_days=5)
    assert "gemeente" not in plain and "(www.gemeente.nl)" in named
    assert plain.rstrip().endswith("Alex") and "reporter-public-key.asc" in plain and "5" in plain


def test_the_message_carries_the_text_and_the_public_key_only():
    raw = first_contact.build(text="Geachte heer/mevrouw,\n", subject="R-1", from_addr="Alex <alex@example.org>",
                              to_addr="security@gemeente.nl", message_id="<contact-1@example.org>", date=NOW,
                              reporter_key=KEY, lang="nl")
    assert b"\r\n" in raw and raw.isascii()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert (msg["Subject"], msg["Content-Language"], msg.get_content_type()) == ("R-1", "nl", "multipart/mixed")
    text, key = msg.get_payload()
    assert text.get_content().replace("\r\n", "\n") == "Geachte heer/mevrouw,\n"
    assert key.get_content_type() == "application/pgp-keys" and key.get_filename() == "reporter-public-key.asc"


def test_without_a_reporter_key_it_is_one_text_part():
    raw = first_contact.build(text="Dear Sir or Madam,\n", subject="R-1", from_addr="alex@example.org",
                              to_addr="security@example.org", message_id="<contact-1@example.org>", date=NOW,
                              reporter_key=None, lang="en")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "text/plain" and msg.get_content().replace("\r\n", "\n") == "Dear Sir or Madam,\n"
    assert msg["Content-Language"] == "en"


@pytest.mark.parametrize("secret", ["-----BEGIN PGP PRIVATE KEY BLOCK-----\nxx\n", "not a key at all"])
def test_anything_but_a_public_key_is_refused(secret):
    with pytest.raises(ValueError, match="public key"):
        first_contact.build(text="x\n", subject="R-1", from_addr="alex@example.org", to_addr="s@example.org",
                            message_id="<contact-1@example.org>", date=NOW, reporter_key=secret, lang="en")
