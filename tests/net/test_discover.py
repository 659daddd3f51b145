"""Discovery against a real HTTPS server on loopback (trustme CA): good, legacy, parent, redirected,
signed and hostile endpoints. The clock is the real one (Expires is made relative to it)."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from cvd_reporter.core.securitytxt import LEGACY_PATH, WELL_KNOWN_PATH
from cvd_reporter.errors import DiscoveryError, ValidationError
from cvd_reporter.net.discovery import Origin, discover, fetch_url, parse_target
from cvd_reporter.net.http import Fetcher
from tests.servers.https import (
    LocalHTTPS,
    Response,
    big_body,
    endless_chunked,
    redirect,
    slow_body,
)
from tests.support.securitytxt import HOSTS, live_body, make_fetcher

WK = WELL_KNOWN_PATH


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def codes(d) -> set[str]:
    return {f.code for f in d.all_findings}


def test_found_at_the_well_known_path(https, pki):
    https.add(WK, live_body("Policy: https://gemeente.test/cvd", "Preferred-Languages: nl, en",
                            "Canonical: https://gemeente.test/.well-known/security.txt"), host="gemeente.test")
    d = discover("https://gemeente.test/loket?id=1", make_fetcher(https, pki), now=now())
    assert d.url == d.requested_url == "https://gemeente.test/.well-known/security.txt"
    assert [(h["url"], h["status"]) for h in d.chain] == [(d.url, 200)]
    assert d.covers_host and d.from_parent is None and not d.cross_domain_redirect
    assert d.valid and codes(d) == {"not_signed", "no_encryption"}
    assert d.security_txt.contacts[0].address == "security@gemeente.test"
    assert d.canonical_lists_source is True and len(d.sha256) == 64
    assert [a.outcome for a in d.tried] == ["found"]
    assert https.log[-1]["headers"]["Accept"].startswith("text/plain")


def test_legacy_path_is_tried_second_and_flagged(https, pki):
    https.add(LEGACY_PATH, live_body(), host="gemeente.test")
    d = discover("gemeente.test", make_fetcher(https, pki), now=now())
    assert d.url == "https://gemeente.test/security.txt" and "location" in codes(d) and not d.valid
    assert [a.outcome for a in d.tried] == ["not_found", "found"]


def test_well_known_wins_over_legacy(https, pki):
    https.add(WK, live_body(contact="mailto:well-known@gemeente.test"), host="gemeente.test")
    https.add(LEGACY_PATH, live_body(contact="mailto:legacy@gemeente.test"), host="gemeente.test")
    d = discover("gemeente.test", make_fetcher(https, pki), now=now())
    assert d.security_txt.contacts[0].address == "well-known@gemeente.test"


def test_parent_domains_up_to_the_registrable_domain(https, pki):
    https.add(WK, live_body("Canonical: https://sub.loket.gemeente.test/.well-known/security.txt",
                            "Canonical: https://gemeente.test/.well-known/security.txt"), host="gemeente.test")
    d = discover("https://sub.loket.gemeente.test/x", make_fetcher(https, pki), now=now())
    assert d.from_parent == "gemeente.test" and not d.covers_host and d.host == "sub.loket.gemeente.test"
    assert [a.url.split("/")[2] for a in d.tried] == ["sub.loket.gemeente.test"] * 2 + ["loket.gemeente.test"] * 2 + \
        ["gemeente.test"]
    parent = next(f for f in d.findings if f.code == "parent_domain")
    assert parent.severity == "warning" and "lists https://sub.loket.gemeente.test/" in parent.message
    assert d.canonical_lists_host is True and d.canonical_lists_source is True
    with pytest.raises(DiscoveryError) as e:
        discover("sub.loket.gemeente.test", make_fetcher(https, pki), now=now(), walk_parents=False)
    assert e.value.code == "no_security_txt" and e.value.exit_code == 5 and len(e.value.data["tried"]) == 2


def test_cross_domain_redirect_is_a_scope_change(https, pki):
    # The Dutch government model: a ministry's file redirects to the central one at the NCSC.
    https.add(WK, redirect("https://ncsc.test/.well-known/security.txt", 301), host="gemeente.test")
    https.add(WK, live_body("Canonical: https://ncsc.test/.well-known/security.txt",
                            contact="mailto:cert@ncsc.test"), host="ncsc.test")
    d = discover("gemeente.test", make_fetcher(https, pki), now=now())
    assert d.cross_domain_redirect and d.covers_host
    assert d.url == "https://ncsc.test/.well-known/security.txt" and d.requested_url.startswith("https://gemeente")
    assert [(h["status"], h["location"]) for h in d.chain] == [(301, "https://ncsc.test/.well-known/security.txt"),
                                                              (200, None)]
    scope = next(f for f in d.findings if f.code == "cross_domain_redirect")
    assert scope.severity == "warning" and scope.extra == {"from_domain": "gemeente.test", "to_domain": "ncsc.test"}
    assert "no_canonical_match" not in codes(d)  # the last URL of the chain is listed


def test_redirect_within_the_organisation_is_not_a_scope_change(https, pki):
    https.add(WK, redirect("https://www.gemeente.test/.well-known/security.txt"), host="gemeente.test")
    https.add(WK, live_body(), host="www.gemeente.test")
    d = discover("gemeente.test", make_fetcher(https, pki), now=now())
    assert not d.cross_domain_redirect and len(d.chain) == 2


HTML = Response(200, "<!DOCTYPE html>\n<html><body>Pagina niet gevonden</body></html>\n", "text/html")


def test_html_soft_404_is_no_file(https, pki):
    https.add(WK, HTML, host="gemeente.test")
    https.add(LEGACY_PATH, Response(200, "", "text/plain"), host="gemeente.test")
    with pytest.raises(DiscoveryError) as e:
        discover("gemeente.test", make_fetcher(https, pki), now=now())
    assert [t["outcome"] for t in e.value.data["tried"]] == ["html_page", "empty"]
    assert "HTML page" in e.value.message


def test_html_soft_404_then_a_real_legacy_file(https, pki):
    https.add(WK, HTML, host="gemeente.test")
    https.add(LEGACY_PATH, live_body(), host="gemeente.test")
    d = discover("gemeente.test", make_fetcher(https, pki), now=now())
    assert "location" in codes(d) and [a.outcome for a in d.tried] == ["html_page", "found"]


@pytest.mark.parametrize("content_type, expected", [
    ("text/plain; charset=utf-8", set()), ("Text/Plain; Charset=UTF-8", set()), ("text/plain", set()),
    (None, {"no_content_type"}), ("text/html; charset=utf-8", {"invalid_media"}),
    ("text/plain; charset=iso-8859-1", {"invalid_charset"}), ("application/octet-stream", {"invalid_media"}),
])
def test_content_type_rules(https, pki, content_type, expected):
    https.add(WK, Response(200, live_body(), content_type), host="gemeente.test")
    d = discover("gemeente.test", make_fetcher(https, pki), now=now())
    fetch_codes = {f.code for f in d.findings}
    assert fetch_codes == expected and d.valid is (not expected)


@pytest.mark.parametrize("route, outcome", [
    (redirect(WK), "redirect_loop"),
    (redirect("http://gemeente.test/.well-known/security.txt"), "insecure_redirect"),
    (big_body(), "too_large"),
    (endless_chunked, "too_large"),
    (Response(500, "oops"), "http_status"),
], ids=["loop", "downgrade", "50MB", "endless", "500"])
def test_hostile_endpoints_end_in_no_security_txt(https, pki, route, outcome):
    https.add(WK, route, host="gemeente.test")
    https.add(LEGACY_PATH, route, host="gemeente.test")
    with pytest.raises(DiscoveryError) as e:
        discover("gemeente.test", make_fetcher(https, pki), now=now())
    assert e.value.code == "no_security_txt" and e.value.exit_code == 5
    assert e.value.data["tried"][0]["outcome"] == outcome


def test_a_dripping_server_cannot_stretch_the_deadline(https, pki):
    https.add(WK, slow_body(0.1), host="www.gemeente.test")
    t0 = time.monotonic()
    with pytest.raises(DiscoveryError) as e:
        discover("www.gemeente.test", make_fetcher(https, pki, timeout=0.8), now=now())
    assert time.monotonic() - t0 < 2.5
    # one deadline for the whole discovery: nothing else is tried once it has passed
    assert [t["outcome"] for t in e.value.data["tried"]] == ["deadline"]


@pytest.fixture(scope="module")
def rogue_https(pki):
    with LocalHTTPS(pki.other_chain, pki.other_key) as srv:
        yield srv


def test_invalid_certificate_is_never_trusted(https, rogue_https, pki):
    rogue_https.add(WK, live_body(contact="mailto:attacker@evil.test"))
    https.add(WK, live_body(), host="gemeente.test")
    mapping = {(n, 443): (https.host, https.port) for n in HOSTS}
    mapping[("www.gemeente.test", 443)] = (rogue_https.host, rogue_https.port)
    f = Fetcher(ca_bundle=pki.ca_pem, connect_to=mapping, timeout=3)
    d = discover("www.gemeente.test", f, now=now())
    assert d.from_parent == "gemeente.test" and d.security_txt.contacts[0].address == "security@gemeente.test"
    cert = next(x for x in d.findings if x.code == "invalid_cert")
    assert cert.severity == "warning" and cert.extra["url"].startswith("https://www.gemeente.test/")
    assert [a.outcome for a in d.tried] == ["invalid_cert", "found"]  # the legacy path is not tried either


def test_private_addresses_are_refused_unless_allowed(https, pki):
    https.add(WK, live_body())
    target = f"localhost:{https.port}"
    with pytest.raises(DiscoveryError) as e:
        discover(target, Fetcher(ca_bundle=pki.ca_pem, timeout=3), now=now())
    assert e.value.data["tried"][0]["outcome"] == "private_address" and "--allow-private" in e.value.message
    d = discover(target, Fetcher(ca_bundle=pki.ca_pem, timeout=3, allow_private=True), now=now())
    assert d.url == f"https://localhost:{https.port}/.well-known/security.txt" and d.valid


def test_fetch_url_takes_exactly_that_url(https, pki):
    https.add("/beveiliging/security.txt", live_body(), host="gemeente.test")
    d = fetch_url("https://gemeente.test/beveiliging/security.txt", make_fetcher(https, pki), now=now())
    assert d.url == "https://gemeente.test/beveiliging/security.txt" and "location" not in codes(d)
    with pytest.raises(DiscoveryError):
        fetch_url("https://gemeente.test/elders.txt", make_fetcher(https, pki), now=now())


@pytest.mark.parametrize("text, host, port", [
    ("gemeente.test", "gemeente.test", None), ("WWW.Gemeente.TEST.", "www.gemeente.test", None),
    ("https://gemeente.test:8443/a?b#c", "gemeente.test", 8443), ("http://gemeente.test/", "gemeente.test", None),
    ("gemeente.test:443", "gemeente.test", None), ("192.0.2.1", "192.0.2.1", None),
    ("[2001:db8::1]:8443", "2001:db8::1", 8443), ("münchen.test", "xn--mnchen-3ya.test", None),
])
def test_targets(text, host, port):
    assert parse_target(text) == Origin(host, port)


@pytest.mark.parametrize("text", ["", "   ", "gemeente test", "ftp://gemeente.test/", "https://", "a..b",
                                  "https://gemeente.test:99999/", "-bad-.test", "x" * 300 + ".test"])
def test_bad_targets(text):
    with pytest.raises(ValidationError) as e:
        parse_target(text)
    assert e.value.exit_code == 3
