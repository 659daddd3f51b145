"""The one target parser (core/target.py) and its three callers: the scope check, security.txt
discovery and the wizard. Each case below is one where the callers used to disagree; the parser
follows the WHATWG URL Standard (https://url.spec.whatwg.org/#host-parsing), what a browser does."""

from __future__ import annotations

import dataclasses
import ipaddress

import pytest

from cvd_reporter.core.questions import parse_target as question_target
from cvd_reporter.core.scope import normalise
from cvd_reporter.core.target import Target, parse_target
from cvd_reporter.errors import TargetError, ValidationError
from cvd_reporter.net.discovery import Origin
from cvd_reporter.net.discovery import parse_target as discovery_target


def test_target_is_frozen_and_keeps_what_was_given() -> None:
    t = parse_target("  HTTPS://Gemeente.Example.:443/x ")
    assert (t.scheme, t.host, t.port, t.path, t.original) == ("https", "gemeente.example", None, "/x",
                                                              "  HTTPS://Gemeente.Example.:443/x ")
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.host = "evil.example"  # type: ignore[misc]


@pytest.mark.parametrize("text", ["https://0xC0.168.1.1/", "https://0300.0250.1.1/", "https://3232235777/",
                                  "https://192.168.257/", "https://0xc0a80101/"])
def test_ipv4_number_forms_browsers_accept_are_the_address_they_reach(text: str) -> None:
    t = parse_target(text)
    assert t.ip == ipaddress.IPv4Address("192.168.1.1") and t.host == "192.168.1.1"
    assert "ipv4_nonstandard" in {n.code for n in t.notes}
    # discovery used to take "0xc0.168.1.1" for a host name and ask DNS for it
    assert discovery_target(text) == Origin("192.168.1.1", None)
    # the wizard used to store the text as typed; the report now names the machine
    assert question_target(text) == ("url", "https://192.168.1.1/")
    assert normalise(text).ip == "192.168.1.1"


def test_a_bare_number_is_an_ipv4_address_everywhere() -> None:
    assert parse_target("3232235777").kind == "ip"
    assert question_target("3232235777") == ("ip", "192.168.1.1")  # was: not a target at all
    assert discovery_target("3232235777") == Origin("192.168.1.1", None)


def test_ipv4_mapped_ipv6_is_spelled_as_the_url_standard_serialises_it() -> None:
    t = parse_target("http://[::ffff:127.0.0.1]/")
    assert t.ip == ipaddress.IPv6Address("::ffff:127.0.0.1") and t.host == "::ffff:7f00:1"
    assert t.url == "http://[::ffff:7f00:1]/" and "ipv4_mapped" in {n.code for n in t.notes}
    assert discovery_target("http://[::ffff:127.0.0.1]/") == Origin("::ffff:7f00:1", None)  # was ::ffff:127.0.0.1
    assert question_target("http://[::ffff:127.0.0.1]/") == ("url", "http://[::ffff:7f00:1]/")


def test_scheme_and_host_case_trailing_dot_and_default_port_are_normalised() -> None:
    text = "HTTPS://Gemeente.Example.:443/x"
    assert parse_target(text).url == "https://gemeente.example/x"
    assert question_target(text) == ("url", "https://gemeente.example/x")  # was kept as typed
    assert discovery_target(text) == Origin("gemeente.example", None)


def test_a_bare_host_name() -> None:
    t = parse_target("gemeente.example")
    assert (t.kind, t.scheme, t.host, t.url) == ("host", None, "gemeente.example", None)
    assert question_target("gemeente.example") == ("url", "https://gemeente.example/")
    assert question_target("gemeente.example:8443") == ("url", "https://gemeente.example:8443/")
    assert discovery_target("gemeente.example") == Origin("gemeente.example", None)
    assert question_target("gemeente") is None  # one label: a typo, not a web address (as before)


@pytest.mark.parametrize("text", ["10.0.0.300", "https://10.0.0.300/", "1.2.3.4.5", "https://0x100000000/"])
def test_a_number_that_is_no_address_is_refused_everywhere(text: str) -> None:
    with pytest.raises(TargetError) as e:
        parse_target(text)
    assert e.value.code == "invalid_target" and e.value.exit_code == 3 and isinstance(e.value, ValidationError)
    with pytest.raises(TargetError):
        discovery_target(text)  # discovery used to ask DNS for "10.0.0.300"
    assert question_target(text) is None
    with pytest.raises(TargetError):
        normalise(text)


def test_international_names_become_a_labels() -> None:
    t = parse_target("https://Bücher.Example/")
    assert (t.host, t.unicode_host) == ("xn--bcher-kva.example", "bücher.example")
    assert discovery_target("https://Bücher.Example/") == Origin("xn--bcher-kva.example", None)
    assert question_target("https://Bücher.Example/") == ("url", "https://xn--bcher-kva.example/")


def test_userinfo_the_host_is_what_follows_the_last_at() -> None:
    t = parse_target("https://gemeente.example@evil.example/")
    assert t.host == "evil.example" and t.userinfo and t.url == "https://evil.example/"
    assert parse_target("https://a@b/").host == "b"
    # the wizard used to store the URL with its user-info, which reads as gemeente.example
    assert question_target("https://gemeente.example@evil.example/") == ("url", "https://evil.example/")
    assert discovery_target("https://gemeente.example@evil.example/") == Origin("evil.example", None)


def test_other_special_schemes_parse_but_only_http_and_https_are_web_targets() -> None:
    assert parse_target("ftp://gemeente.example/").scheme == "ftp"
    assert question_target("ftp://gemeente.example/") is None
    with pytest.raises(TargetError):
        discovery_target("ftp://gemeente.example/")


def test_ipv6_literal_host_in_url() -> None:
    t = parse_target("https://[2001:DB8::1]:8443/a")
    assert isinstance(t, Target) and t.host_in_url == "[2001:db8::1]" and t.port == 8443
    assert discovery_target("https://[2001:DB8::1]:8443/a") == Origin("2001:db8::1", 8443)
