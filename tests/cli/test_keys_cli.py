"""`cvd-reporter key ...` end to end: the real entry point against the loopback WKD/VKS/DNS servers."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from cvd_reporter.core.wkd import wkd_hash
from tests.servers.https import Response

HOSTS = ("gemeente.test", "openpgpkey.gemeente.test", "keys.test")


@pytest.fixture
def env(https, dns, net_env) -> dict[str, str]:
    dns.resolver.add_zone("@ IN A 127.0.0.1", "gemeente.test")
    return {**net_env, "CVD_CONNECT_TO": ",".join(https.connect_to(*HOSTS)), "CVD_DNS_SERVER": dns.address,
            "CVD_KEYSERVER": "https://keys.test"}


def serve_wkd(https, address: str, key: bytes) -> None:
    local = address.split("@", maxsplit=1)[0]
    https.add(f"/.well-known/openpgpkey/hu/{wkd_hash(local)}", Response(200, key, "application/octet-stream"),
              host="gemeente.test")


def test_fetch_pins_then_a_changed_key_stops_the_run(cli, env, https, zoo, isolated_env: Path) -> None:
    key, other = zoo["ed25519"], zoo["nistp256"]
    address = key.address
    serve_wkd(https, address, key.binary)
    r = cli("key", "fetch", address, "--json", env=env)
    assert r.exit_code == 0, r.stdout + r.stderr
    doc = r.json
    assert doc["command"] == "key fetch" and doc["data"]["fingerprint"] == key.fingerprint
    assert doc["data"]["pins"] == {address: "new"} and doc["data"]["chosen"]["source"] == "wkd-direct"
    assert stat.S_IMODE((isolated_env / "pins.json").stat().st_mode) == 0o600

    r = cli("key", "fetch", address, env=env)
    assert r.exit_code == 0 and f"pinned: {address}" in r.stdout and "(same)" in r.stdout
    assert "WKD (direct method)" in r.stdout and "verdict      usable" in r.stdout

    # The organisation's WKD now serves another key for the same address (signed by another key).
    changed = zoo.gpg.gen(f"Changed <{address}>")
    serve_wkd(https, address, zoo.gpg.export(changed))
    r = cli("key", "fetch", address, "--json", env=env)
    assert r.exit_code == 6
    [err] = r.json["errors"]
    assert err["code"] == "pin_changed" and key.fingerprint in err["message"] and changed in err["message"]
    assert r.json["data"]["pin"]["pinned_fingerprint"] == key.fingerprint

    r = cli("key", "fetch", address, "--accept-new-key", env=env)
    assert r.exit_code == 8 and "--yes" in r.stderr  # no terminal to confirm on
    r = cli("key", "fetch", address, "--accept-new-key", "--yes", "--json", env=env)
    assert r.exit_code == 0 and r.json["data"]["pins"] == {address: "replaced"}

    r = cli("key", "list", "--json", env=env)
    assert [(p["contact"], p["fingerprint"]) for p in r.json["data"]["pins"]] == [(address, changed)]
    r = cli("key", "show", address, env=env)
    assert r.exit_code == 0 and " ".join(changed[i:i + 4] for i in range(0, 40, 4)) in r.stdout

    r = cli("key", "forget", address, env=env)
    assert r.exit_code == 0 and f"forgot: {address}" in r.stdout
    r = cli("key", "list", env=env)
    assert "No keys are pinned." in r.stdout
    r = cli("key", "show", address, env=env)
    assert r.exit_code == 5 and "key fetch" in r.stderr
    assert other.fingerprint not in r.stdout


def test_unusable_key_is_exit_6_and_nothing_is_pinned(cli, env, https, zoo, isolated_env) -> None:
    key = zoo["revoked"]
    serve_wkd(https, key.address, key.binary)
    r = cli("key", "fetch", key.address, env=env)
    assert r.exit_code == 6 and "revoked" in r.stderr and "NOT usable" in r.stdout
    assert not (isolated_env / "pins.json").exists()


def test_no_key_anywhere_is_exit_5(cli, env) -> None:
    r = cli("key", "fetch", "nobody@gemeente.test", "--json", env=env)
    assert r.exit_code == 5 and r.json["errors"][0]["code"] == "no_key"
    assert {f["source"] for f in r.json["data"]["failures"]} >= {"wkd-direct", "dns", "keyserver"}


def test_show_a_key_file(cli, zoo, tmp_path) -> None:
    good, expired = tmp_path / "good.asc", tmp_path / "old.asc"
    good.write_bytes(zoo["rsa3072"].armored)
    expired.write_bytes(zoo["expired"].armored)
    r = cli("key", "show", str(good), "--address", zoo["rsa3072"].address)
    assert r.exit_code == 0 and "rsa3072 (3072 bits)" in r.stdout and "usable" in r.stdout
    r = cli("key", "show", str(expired), "--json")
    assert r.exit_code == 6 and r.json["data"]["keys"][0]["codes"] == ["expired"]
    html = tmp_path / "page.html"
    html.write_text("<html><body>key</body></html>")
    r = cli("key", "show", str(html))
    assert r.exit_code == 6 and "HTML page" in r.stderr and "Traceback" not in r.stderr
