"""Keys a hostile server may serve: thousands of packets, user ids or signatures are refused quickly,
and certifications made by other keys are set aside instead of being judged (real gpg keys)."""

from __future__ import annotations

import pytest

from cvd_reporter.core.pgp import packets as P
from cvd_reporter.core.pgp.certificates import MAX_USER_IDS, load_certificates
from cvd_reporter.errors import KeyProblem


@pytest.fixture(scope="module")
def org_and_friend(gnupg):
    org = gnupg.gen("Gemeente Caps CERT <cert@caps.test>")
    friend = gnupg.gen("A friend <friend@caps.test>")
    gnupg.run("--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", "", "-u", friend,
              "--quick-sign-key", org)
    return gnupg, org, friend


def test_certifications_by_other_keys_are_set_aside(org_and_friend):
    gnupg, org, _friend = org_and_friend
    [cert] = load_certificates(gnupg.export(org))
    assert cert.fingerprint == org
    assert any("certification(s) by other keys were set aside" in n for n in cert.notes)


def test_a_key_with_too_many_user_ids_is_refused_before_it_is_judged(org_and_friend):
    gnupg, org, _friend = org_and_friend
    raw = gnupg.export(org)
    packets = list(P.iter_packets(raw))
    uid = next(i for i, p in enumerate(packets) if p.tag == P.TAG_USER_ID)
    pair = raw[packets[uid].start:packets[uid + 1].end]  # the user id and its self-signature
    bloated = raw[:packets[uid].start] + pair * (MAX_USER_IDS + 5) + raw[packets[uid].start:]
    with pytest.raises(KeyProblem) as e:
        load_certificates(bloated)
    assert e.value.code == "too_complex" and "minimal export" in e.value.message
