"""The HTTPS fetcher's rules against a real loopback HTTPS server with hostile endpoints."""

from __future__ import annotations

import time

import pytest

from cvd_reporter.errors import NetworkError
from cvd_reporter.net.http import Fetcher, is_public_address
from tests.servers.https import (
    big_body,
    big_body_unannounced,
    endless_chunked,
    hang,
    redirect,
    slow_body,
    slow_headers,
)

NAMES = ("gemeente.test", "www.gemeente.test", "other.test")


def fetcher(https, pki, **kw) -> Fetcher:
    mapping = {(n, 443): (https.host, https.port) for n in NAMES}
    return Fetcher(ca_bundle=pki.ca_pem, connect_to=mapping, timeout=kw.pop("timeout", 2.0), **kw)


def test_fetch_keeps_name_for_sni_and_host(https, pki):
    https.add("/x", "hello\n")
    r = fetcher(https, pki).get("https://gemeente.test/x", max_bytes=1000)
    assert (r.status, r.body) == (200, b"hello\n")
    assert https.log[-1]["host"] == "gemeente.test" and https.log[-1]["sni"] == "gemeente.test"


def test_untrusted_certificate_is_refused(https, pki):
    https.add("/x", "hello\n")
    f = Fetcher(connect_to={("gemeente.test", 443): (https.host, https.port)}, timeout=2)
    with pytest.raises(NetworkError) as e:
        f.get("https://gemeente.test/x", max_bytes=1000)
    assert e.value.code == "invalid_cert"


def test_redirects_are_recorded_and_followed(https, pki):
    https.add("/a", redirect("https://www.gemeente.test/b", 301), host="gemeente.test")
    https.add("/b", "final\n", host="www.gemeente.test")
    r = fetcher(https, pki).get("https://gemeente.test/a", max_bytes=1000)
    assert r.final_url == "https://www.gemeente.test/b" and r.body == b"final\n"
    assert [(h.url, h.status) for h in r.chain] == [("https://gemeente.test/a", 301),
                                                      ("https://www.gemeente.test/b", 200)]


@pytest.mark.parametrize("route, code", [
    (redirect("/loop"), "redirect_loop"),
    (redirect("http://gemeente.test/x"), "insecure_redirect"),
])
def test_bad_redirects(https, pki, route, code):
    https.add("/loop", route)
    with pytest.raises(NetworkError) as e:
        fetcher(https, pki).get("https://gemeente.test/loop", max_bytes=1000)
    assert e.value.code == code


def test_redirect_limit(https, pki):
    for i in range(8):
        https.add(f"/r{i}", redirect(f"/r{i + 1}"))
    with pytest.raises(NetworkError) as e:
        fetcher(https, pki).get("https://gemeente.test/r0", max_bytes=1000, max_redirects=5)
    assert e.value.code == "too_many_redirects"


@pytest.mark.parametrize("route", [big_body(), big_body_unannounced, endless_chunked])
def test_size_cap(https, pki, route):
    https.add("/big", route)
    with pytest.raises(NetworkError) as e:
        fetcher(https, pki).get("https://gemeente.test/big", max_bytes=32 * 1024)
    assert e.value.code == "too_large"


@pytest.mark.parametrize("route", [slow_body(0.1), slow_headers, hang])
def test_total_deadline_bounds_dripping_servers(https, pki, route):
    https.add("/slow", route)
    t0 = time.monotonic()
    with pytest.raises(NetworkError) as e:
        fetcher(https, pki, timeout=0.8).get("https://gemeente.test/slow", max_bytes=1 << 20)
    assert e.value.code in ("deadline", "timeout")
    assert time.monotonic() - t0 < 3.0


def test_private_address_refused_without_mapping(https, pki):
    https.add("/x", "hi")
    f = Fetcher(ca_bundle=pki.ca_pem, timeout=2, resolver=lambda h, p: ["127.0.0.1"])
    with pytest.raises(NetworkError) as e:
        f.get(f"https://localhost:{https.port}/x", max_bytes=100)
    assert e.value.code == "private_address"
    ok = Fetcher(ca_bundle=pki.ca_pem, timeout=2, allow_private=True, resolver=lambda h, p: ["127.0.0.1"])
    assert ok.get(f"https://localhost:{https.port}/x", max_bytes=100).body == b"hi"


def test_plain_http_url_refused(pki):
    with pytest.raises(NetworkError) as e:
        Fetcher(timeout=1).get("http://gemeente.test/", max_bytes=10)
    assert e.value.code == "insecure_url"


@pytest.mark.parametrize("addr, public", [("8.8.8.8", True), ("127.0.0.1", False), ("10.1.2.3", False),
                                          ("169.254.1.1", False), ("::1", False), ("fe80::1", False),
                                          ("::ffff:192.168.1.1", False), ("100.64.0.1", False),
                                          ("2a00:1450::1", True),
                                          # IPv4 wrapped in IPv6 is judged by the IPv4 address it reaches
                                          ("64:ff9b::7f00:1", False), ("64:ff9b::a00:1", False),
                                          ("64:ff9b::808:808", True), ("64:ff9b:1::808:808", False),
                                          ("2002:7f00:1::", False), ("2002:c0a8:101::1", False),
                                          ("2002:808:808::1", True), ("::127.0.0.1", False),
                                          ("::10.0.0.1", False),
                                          ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", False)])
def test_public_address_rule(addr, public):
    assert is_public_address(addr) is public


def test_dns_server_setting_resolves_the_names_fetched(https, pki, dns):
    """--dns-server applies to HTTPS connections too; the private-address rule sees its answer."""
    from cvd_reporter.settings import load_settings

    dns.resolver.add_zone("www A 127.0.0.1", "gemeente.test")
    https.add("/x", "via dns\n")
    flags = {"ca_bundle": pki.ca_pem, "dns_server": dns.address, "timeout": 2}
    url = f"https://www.gemeente.test:{https.port}/x"
    with pytest.raises(NetworkError) as e:
        Fetcher.from_settings(load_settings(flags)).get(url, max_bytes=100)
    assert e.value.code == "private_address" and "127.0.0.1" in e.value.message
    assert Fetcher.from_settings(load_settings(flags), allow_private=True).get(url, max_bytes=100).body == b"via dns\n"
    with pytest.raises(NetworkError) as e:
        Fetcher.from_settings(load_settings(flags)).get(f"https://nope.gemeente.test:{https.port}/x", max_bytes=100)
    assert e.value.code == "dns_failed"
