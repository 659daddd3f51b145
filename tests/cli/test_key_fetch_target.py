"""`cvd-reporter key fetch TARGET`: from a target's security.txt to a verified, pinned key, with the
real discovery, WKD on the loopback HTTPS server and the DNS server for the openpgpkey host."""

from __future__ import annotations

from tests.support.municipality import env_for, serve


def test_key_fetch_for_a_target_finds_verifies_and_pins(cli, https, pki, zone, municipality):
    serve(https, municipality.key)
    env = env_for(https, pki, zone)
    out = cli("--json", "key", "fetch", "https://www.gemeente.test/zoeken", env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    assert municipality.fpr in out.stdout
    listed = cli("--json", "key", "list", env=env)
    assert municipality.fpr in listed.stdout and "security@gemeente.test" in listed.stdout


def test_key_fetch_for_a_target_without_security_txt_is_exit_5(cli, https, pki, zone):
    out = cli("--json", "key", "fetch", "https://www.gemeente.test/", env=env_for(https, pki, zone))
    assert out.exit_code == 5
