"""Key discovery against real loopback servers: WKD (both methods) and a VKS API over HTTPS, DNS
OPENPGPKEY from a dnslib server (UDP, TCP for big keys, the AD bit), and hostile answers."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from cvd_reporter.core.wkd import openpgpkey_name, wkd_hash
from cvd_reporter.errors import DiscoveryError, KeyProblem
from cvd_reporter.net.dns import make_resolver
from cvd_reporter.net.http import Fetcher
from cvd_reporter.net.keys import collect_keys, find_keys
from tests.servers.https import Response, big_body, hang


def now() -> datetime:
    """The real clock when the check runs: gpg makes the keys with it during the session, and a key
    created more than five minutes after a clock read at import would look like one from the future."""
    return datetime.now(timezone.utc)


KEYSERVER = "https://keys.test"
HOSTS = ("gemeente.test", "openpgpkey.gemeente.test", "keys.test", "other.test", "www.gemeente.test")


@pytest.fixture
def net(https, dns, pki):
    """(fetcher, resolver) pointed at the loopback servers."""
    dns.resolver.add_zone("@ IN A 127.0.0.1", "gemeente.test")
    fetcher = Fetcher(ca_bundle=pki.ca_pem, timeout=3,
                      connect_to={(h, 443): ("127.0.0.1", https.port) for h in HOSTS})
    return fetcher, make_resolver(server=("127.0.0.1", dns.port), timeout=1.5)


def _run(net, *, uris=(), contacts=(), strict=True):
    fetcher, resolver = net
    fn = find_keys if strict else collect_keys
    return fn(encryption_uris=list(uris), contacts=list(contacts), fetcher=fetcher, resolver=resolver,
              keyserver=KEYSERVER, now=now())


def _wkd_path(address: str, *, advanced: bool) -> str:
    local, domain = address.split("@")
    if advanced:
        return f"/.well-known/openpgpkey/{domain}/hu/{wkd_hash(local)}"
    return f"/.well-known/openpgpkey/hu/{wkd_hash(local)}"


def _key(binary: bytes) -> Response:
    return Response(200, binary, "application/octet-stream")


def test_wkd_advanced_when_the_openpgpkey_host_exists(net, https, dns, zoo) -> None:
    key = zoo["ed25519"]
    dns.resolver.add_zone("openpgpkey IN A 127.0.0.1", "gemeente.test")
    https.add(_wkd_path(key.address, advanced=True), _key(key.binary), host="openpgpkey.gemeente.test")
    https.add(_wkd_path(key.address, advanced=False), _key(zoo["rsa2048"].binary), host="gemeente.test")
    found = _run(net, contacts=[f"mailto:{key.address}"])
    assert found.chosen.source == "wkd-advanced" and found.chosen.fingerprint == key.fingerprint
    wkd = [r for r in https.log if "/hu/" in r["path"]]
    assert [r["host"] for r in wkd] == ["openpgpkey.gemeente.test"]  # direct never asked
    assert wkd[0]["path"].endswith("?l=ed25519")


def test_wkd_direct_when_the_openpgpkey_host_does_not_exist(net, https, zoo) -> None:
    key = zoo["rsa3072"]
    https.add(_wkd_path(key.address, advanced=False), _key(key.binary), host="gemeente.test")
    found = _run(net, contacts=[key.address])
    assert found.chosen.source == "wkd-direct" and found.chosen.fingerprint == key.fingerprint
    assert not any(r["host"] == "openpgpkey.gemeente.test" for r in https.log)


def test_sources_that_agree_raise_confidence_and_dnssec_is_reported(net, https, dns, zoo) -> None:
    key = zoo["rsa3072"]  # 1.7 kB: the DNS answer needs TCP
    https.add(_wkd_path(key.address, advanced=False), _key(key.binary), host="gemeente.test")
    https.add(f"/vks/v1/by-email/{key.address}", Response(200, key.armored, "application/pgp-keys"),
              host="keys.test")
    dns.resolver.add_openpgpkey(key.address, key.binary)
    dns.resolver.ad = True
    found = _run(net, contacts=[key.address])
    assert found.confidence == "high"
    assert sorted(set(found.agreeing_sources)) == ["dns", "keyserver", "wkd-direct"]
    [dns_cand] = [c for c in found.candidates if c.source == "dns"]
    assert dns_cand.dnssec is True and dns_cand.url == openpgpkey_name(key.address)
    assert found.to_dict()["chosen"]["verdict"]["usable"] is True


def test_dns_without_ad_bit_is_low_confidence(net, dns, zoo) -> None:
    key = zoo["ed25519"]
    dns.resolver.add_openpgpkey(key.address, key.binary)
    found = _run(net, contacts=[key.address])
    assert found.chosen.dnssec is False and found.confidence == "low"
    assert any("DNSSEC" in w for w in found.warnings)


def test_sources_that_disagree_are_an_error(net, https, zoo) -> None:
    a, b = zoo["ed25519"], zoo["nistp256"]
    address = a.address
    https.add(_wkd_path(address, advanced=False), _key(a.binary), host="gemeente.test")
    # a keyserver answering for the same address with another (valid) key
    other = zoo.gpg.gen(f"Impostor <{address}>")
    https.add(f"/vks/v1/by-email/{address}", _key(zoo.gpg.export(other)), host="keys.test")
    with pytest.raises(KeyProblem) as e:
        _run(net, contacts=[address])
    assert e.value.code == "key_conflict" and e.value.exit_code == 6
    assert a.fingerprint in e.value.message and other in e.value.message
    assert b.fingerprint not in e.value.message


def test_wkd_answering_with_another_persons_key(net, https, zoo) -> None:
    https.add(_wkd_path("security@gemeente.test", advanced=False), _key(zoo["ed25519"].binary),
              host="gemeente.test")
    with pytest.raises(KeyProblem) as e:
        _run(net, contacts=["security@gemeente.test"])
    assert e.value.code == "address_mismatch"
    assert e.value.data["chosen"] is None


def test_expired_key_only_is_exit_6(net, https, zoo) -> None:
    key = zoo["expired"]
    https.add(_wkd_path(key.address, advanced=False), _key(key.binary), host="gemeente.test")
    with pytest.raises(KeyProblem) as e:
        _run(net, contacts=[key.address])
    assert e.value.code == "expired" and "expired on" in e.value.message


def test_stale_key_file_next_to_a_good_wkd_key(net, https, zoo) -> None:
    good, stale = zoo["ed25519"], zoo["expired"]
    https.add("/pgp-key.txt", Response(200, stale.armored), host="www.gemeente.test")
    https.add(_wkd_path(good.address, advanced=False), _key(good.binary), host="gemeente.test")
    found = _run(net, uris=["https://www.gemeente.test/pgp-key.txt"], contacts=[good.address])
    assert found.chosen.fingerprint == good.fingerprint
    assert any(stale.fingerprint in w and "expired" in w for w in found.warnings)


def test_openpgp4fpr_via_keyserver_must_match(net, https, zoo) -> None:
    key = zoo["nistp384"]
    https.add(f"/vks/v1/by-fingerprint/{key.fingerprint}", Response(200, key.armored, "application/pgp-keys"),
              host="keys.test")
    found = _run(net, uris=[f"openpgp4fpr:{key.fingerprint.lower()}"])
    assert found.chosen.source == "openpgp4fpr" and found.confidence == "high"
    wrong = zoo["ed25519"]
    https.add(f"/vks/v1/by-fingerprint/{wrong.fingerprint}", _key(key.binary), host="keys.test")
    with pytest.raises(KeyProblem) as e:
        _run(net, uris=[f"openpgp4fpr:{wrong.fingerprint}"])
    assert e.value.code == "fingerprint_mismatch"


def test_https_key_that_contradicts_openpgp4fpr(net, https, zoo) -> None:
    named, served = zoo["ed25519"], zoo["rsa2048"]
    https.add("/pgp-key.txt", Response(200, served.armored), host="www.gemeente.test")
    with pytest.raises(KeyProblem) as e:
        _run(net, uris=["https://www.gemeente.test/pgp-key.txt", f"openpgp4fpr:{named.fingerprint}"])
    assert e.value.code == "key_conflict" and served.fingerprint in e.value.message


def test_dns_uri_with_the_rfc9116_example_label_uses_the_computed_name(net, dns, zoo) -> None:
    key = zoo["ed25519"]
    dns.resolver.add_openpgpkey(key.address, key.binary)
    dns.resolver.ad = True
    found = _run(net, uris=["dns:5d2d37ab76d47d36._openpgpkey.gemeente.test?type=OPENPGPKEY"],
                 contacts=[key.address])
    [cand] = [c for c in found.candidates if c.source == "dns-uri"]
    assert cand.url == openpgpkey_name(key.address) and cand.dnssec is True
    assert found.chosen.fingerprint == key.fingerprint


@pytest.mark.parametrize("route, code", [
    (Response(200, "<!DOCTYPE html><html><body>Not found</body></html>", "text/html"), "not_a_key"),
    (Response(200, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nTDB\n-----END PGP PUBLIC KEY BLOCK-----\n"), "not_a_key"),
    (big_body(10 * 1024 * 1024), "too_large"),
    (Response(404, "no"), "http_status"),
])
def test_bad_key_urls_are_exit_5_with_one_sentence(net, https, route, code: str) -> None:
    https.add("/pgp-key.txt", route, host="www.gemeente.test")
    with pytest.raises(DiscoveryError) as e:
        _run(net, uris=["https://www.gemeente.test/pgp-key.txt"])
    assert e.value.exit_code == 5
    [failure] = e.value.data["failures"]
    assert failure["code"] == code and failure["message"].count(". ") <= 1


def test_keyserver_that_hangs_hits_the_deadline(https, dns, pki) -> None:
    https.add("/vks/v1/by-email/x@other.test", hang, host="keys.test")
    fetcher = Fetcher(ca_bundle=pki.ca_pem, timeout=0.6, connect_to={(h, 443): ("127.0.0.1", https.port)
                                                                     for h in HOSTS})
    found = collect_keys(encryption_uris=[], contacts=["x@other.test"], fetcher=fetcher,
                         resolver=make_resolver(server=("127.0.0.1", dns.port), timeout=1), keyserver=KEYSERVER,
                         now=now())
    assert {f.code for f in found.failures if f.source == "keyserver"} <= {"deadline", "timeout"}
    with pytest.raises(DiscoveryError):
        found.require()


def test_ten_slow_key_uris_share_one_deadline(https, dns, pki) -> None:
    """--timeout bounds the whole key search, not each source: with ten hanging Encryption URIs and a
    0.8 s budget, the first request uses it up and the other nine are not even asked."""
    for i in range(10):
        https.add(f"/key{i}.asc", hang, host="gemeente.test")
    fetcher = Fetcher(ca_bundle=pki.ca_pem, timeout=0.8, connect_to={(h, 443): ("127.0.0.1", https.port)
                                                                     for h in HOSTS})
    found = collect_keys(encryption_uris=[f"https://gemeente.test/key{i}.asc" for i in range(10)], contacts=[],
                         fetcher=fetcher, resolver=make_resolver(server=("127.0.0.1", dns.port), timeout=1),
                         keyserver=KEYSERVER, now=now())
    asked = [r for r in https.log if r["path"].startswith("/key")]
    assert 1 <= len(asked) <= 2, [r["path"] for r in asked]
    not_asked = [f for f in found.failures if "was not asked" in f.message]
    assert len(not_asked) >= 8 and all(f.code == "timeout" for f in not_asked)


def test_dns_failures_and_unparsable_records(net, dns) -> None:
    name = openpgpkey_name("a@gemeente.test")
    dns.resolver.servfail.add(name + ".")
    found = _run(net, contacts=["a@gemeente.test"], strict=False)
    assert any(f.source == "dns" and f.code == "dns_failed" for f in found.failures)
    dns.resolver.servfail.clear()
    dns.resolver.add_openpgpkey("b@gemeente.test", b"\x01\x02 not a key")
    found = _run(net, contacts=["b@gemeente.test"], strict=False)
    assert any(f.source == "dns" and f.code in ("not_a_key", "corrupt_key") for f in found.failures)
    assert found.chosen is None and not found.candidates


def test_nothing_to_look_up(net) -> None:
    with pytest.raises(DiscoveryError) as e:
        _run(net, uris=["http://insecure.test/key.asc"], contacts=["https://gemeente.test/contact"])
    assert e.value.code == "no_key"
    assert e.value.data["failures"][0]["code"] == "unsupported_uri"
