"""A/AAAA lookups with the CNAME chain against the real loopback DNS server, and the bounded pool."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from cvd_reporter.net.dns import make_resolver
from cvd_reporter.net.resolve import map_bounded, resolve_host, resolve_many
from tests.support.scope import closed_udp_port, load_zone


@pytest.fixture
def zone(dns):
    load_zone(dns)
    return make_resolver(None, server=("127.0.0.1", dns.port), timeout=0.5)


@pytest.mark.parametrize("name, status, addresses, chain", [
    ("gemeente.test", "ok", ("192.0.2.10", "2001:db8:1::10"), ()),
    ("alias.gemeente.test", "ok", ("192.0.2.11", "2001:db8:1::11"), ("www.gemeente.test",)),
    ("loket.gemeente.test", "ok", ("203.0.113.50", "2001:db8:ffff::50"),
     ("gemeente.saasprovider.test", "lb.eu.saasprovider.test")),
    ("hosted.gemeente.test", "ok", ("198.51.100.7",), ()),  # an A record and no AAAA
    ("nodata.gemeente.test", "nodata", (), ()),
    ("nope.gemeente.test", "nxdomain", (), ()),
    ("dangling.gemeente.test", "nodata", (), ("gone.saasprovider.test",)),
    ("broken.gemeente.test", "error", (), ()),
])
def test_resolve_host(zone, name, status, addresses, chain):
    r = resolve_host(name, resolver=zone, timeout=0.5)
    assert r.addresses == addresses and r.cname_chain == chain
    assert r.status == status


def test_a_name_that_never_answers_is_bounded_by_the_timeout(zone):
    start = time.monotonic()
    r = resolve_host("slow.gemeente.test", resolver=zone, timeout=0.3)
    assert r.status == "timeout" and "0.3" in r.error
    assert time.monotonic() - start < 1.5  # one deadline for A and AAAA together, not two


def test_a_server_that_is_down_is_bounded_by_the_timeout():
    resolver = make_resolver(None, server=("127.0.0.1", closed_udp_port()), timeout=0.3)
    start = time.monotonic()
    r = resolve_host("gemeente.test", resolver=resolver, timeout=0.3)
    assert r.status in ("timeout", "error")
    assert time.monotonic() - start < 1.5


def test_resolve_many_keeps_order_and_answers_every_name(zone):
    names = ["gemeente.test", "nope.gemeente.test", "alias.gemeente.test", "nodata.gemeente.test"] * 25
    results = list(resolve_many(names, resolver=zone, timeout=1.0, workers=8))
    assert [r.name for r in results] == names
    assert [r.status for r in results[:4]] == ["ok", "nxdomain", "ok", "nodata"]


def test_map_bounded_streams_a_result_before_the_input_ends():
    """A co-process writes one target and waits for its answer before writing the next."""
    answered = threading.Event()

    def producer():
        yield 1
        assert answered.wait(5), "the first result never came out while input was still open"
        yield 2

    out = []
    for value in map_bounded(lambda x: x * 10, producer(), workers=4):
        out.append(value)
        answered.set()
    assert out == [10, 20]


def test_map_bounded_reads_ahead_a_bounded_amount():
    """Memory stays flat: a consumer that stops reading stops the input being read."""
    window = 4
    too_far = threading.Event()
    pulled = []

    def endless():
        for i in itertools.count():
            pulled.append(i)
            if len(pulled) > 2 * window + 2:
                too_far.set()
            yield i

    gen = map_bounded(lambda x: x, endless(), workers=2, window=window)
    assert next(gen) == 0
    assert not too_far.wait(0.3), f"read {len(pulled)} items ahead of a consumer that took one"
    gen.close()


def test_map_bounded_passes_errors_of_the_input_on():
    def broken():
        yield 1
        raise OSError("stdin went away")

    with pytest.raises(OSError):
        list(map_bounded(lambda x: x, broken(), workers=2))


def test_sequential_mode_is_the_same_map():
    assert list(map_bounded(str, range(5), workers=1)) == ["0", "1", "2", "3", "4"]
