"""Target normalisation as browsers do it (WHATWG URL host parsing), trick by trick (issue 5)."""

from __future__ import annotations

import pytest

from cvd_reporter.core.scope import normalise
from cvd_reporter.errors import ValidationError

# (input, host, ip, kind, note codes that must be present)
TRICKS = [
    # user-info: the host is what follows the LAST "@"
    ("https://gemeente.nl@evil.example/", "evil.example", None, "url", {"userinfo"}),
    ("https://a@gemeente.nl@evil.example/", "evil.example", None, "url", {"userinfo"}),
    ("gemeente.nl@evil.example", "evil.example", None, "host", {"userinfo"}),
    ("https://gemeente.nl:443@evil.example/", "evil.example", None, "url", {"userinfo"}),
    # backslashes are slashes in special URLs
    ("https://evil.example\\@gemeente.nl/", "evil.example", None, "url", {"backslash"}),
    ("https:\\\\gemeente.nl\\pad", "gemeente.nl", None, "url", {"backslash"}),
    ("https:/\\gemeente.nl/", "gemeente.nl", None, "url", {"backslash"}),
    ("https:gemeente.nl", "gemeente.nl", None, "url", {"slashes"}),
    ("https:////gemeente.nl/", "gemeente.nl", None, "url", {"slashes"}),
    # percent-encoded hosts are decoded first
    ("https://%67emeente.nl/", "gemeente.nl", None, "url", {"percent_encoded_host"}),
    ("https://gemeente%2Enl/", "gemeente.nl", None, "url", {"percent_encoded_host"}),
    ("https://%31%32%37.0.0.1/", "127.0.0.1", "127.0.0.1", "url", {"percent_encoded_host", "non_public_address"}),
    ("https://b%C3%BCcher.de/", "xn--bcher-kva.de", None, "url", {"percent_encoded_host", "idn"}),
    # trailing dot and case
    ("gemeente.nl.", "gemeente.nl", None, "host", {"trailing_dot"}),
    ("GEMEENTE.NL", "gemeente.nl", None, "host", {"case"}),
    ("HTTPS://WWW.Gemeente.NL./", "www.gemeente.nl", None, "url", {"case", "trailing_dot"}),
    # tabs and newlines inside are dropped, outer space stripped
    ("  gemeente.nl \n", "gemeente.nl", None, "host", set()),
    ("https://gem\teen\nte.nl/", "gemeente.nl", None, "url", {"control_characters"}),
    # default ports
    ("https://gemeente.nl:443/", "gemeente.nl", None, "url", {"default_port"}),
    ("http://gemeente.nl:80/", "gemeente.nl", None, "url", {"default_port"}),
    ("https://gemeente.nl:0443/", "gemeente.nl", None, "url", {"default_port"}),
    # IDN to A-labels, with warnings on mixed scripts and confusables
    ("bücher.de", "xn--bcher-kva.de", None, "host", {"idn"}),
    ("BÜCHER.de", "xn--bcher-kva.de", None, "host", {"idn"}),
    ("https://gemeеnte.nl/", "xn--gemente-bhg.nl", None, "url", {"idn", "mixed_script", "confusable"}),  # Cyrillic е
    ("gemeente.nl\u3002", "gemeente.nl", None, "host", {"unicode_mapped", "trailing_dot"}),  # ideographic full stop
    ("аррӏе.com", "xn--80ak6aa92e.com", None, "host", {"idn", "confusable"}),  # all Cyrillic
    ("xn--80ak6aa92e.com", "xn--80ak6aa92e.com", None, "host", {"idn", "confusable"}),  # already an A-label
    ("ｇｅｍｅｅｎｔｅ．ｎｌ", "gemeente.nl", None, "host", {"unicode_mapped"}),  # full-width
    ("gemee\u00adnte.nl", "gemeente.nl", None, "host", {"unicode_mapped"}),  # soft hyphen vanishes
    ("💩.la", "xn--ls8h.la", None, "host", {"idn", "idn_not_idna2008"}),
    ("東京.jp", "xn--1lqs71d.jp", None, "host", {"idn"}),
    # IPv4 in decimal, octal, hex and short forms
    ("3232235777", "192.168.1.1", "192.168.1.1", "ip", {"ipv4_nonstandard"}),
    ("0300.0250.01.01", "192.168.1.1", "192.168.1.1", "ip", {"ipv4_nonstandard"}),
    ("0xc0a80101", "192.168.1.1", "192.168.1.1", "ip", {"ipv4_nonstandard"}),
    ("0xC0.168.1.1", "192.168.1.1", "192.168.1.1", "ip", {"ipv4_nonstandard"}),
    ("192.168.257", "192.168.1.1", "192.168.1.1", "ip", {"ipv4_nonstandard"}),
    ("http://0x7f.1/", "127.0.0.1", "127.0.0.1", "url", {"ipv4_nonstandard", "non_public_address"}),
    ("http://3627734721/", "216.58.214.193", "216.58.214.193", "url", {"ipv4_nonstandard"}),
    ("8.8.8.8.", "8.8.8.8", "8.8.8.8", "ip", {"trailing_dot"}),
    ("192.0.2.1", "192.0.2.1", "192.0.2.1", "ip", {"non_public_address"}),
    # IPv6 literals and zones
    ("[2001:DB8::1]", "2001:db8::1", "2001:db8::1", "ip", set()),
    ("2001:db8:0:0:0:0:0:1", "2001:db8::1", "2001:db8::1", "ip", {"ipv6_form"}),
    ("https://[2001:db8::1]:8443/x", "2001:db8::1", "2001:db8::1", "url", set()),
    ("[fe80::1%25eth0]", "fe80::1", "fe80::1", "ip", {"ipv6_zone", "non_public_address"}),
    ("fe80::1%eth0", "fe80::1", "fe80::1", "ip", {"ipv6_zone"}),
    ("https://[::ffff:192.0.2.1]/", "::ffff:c000:201", "::ffff:c000:201", "url", {"ipv4_mapped"}),
    # suffix tricks stay what they are: someone else's host
    ("gemeente.nl.evil.example", "gemeente.nl.evil.example", None, "host", set()),
    ("evilgemeente.nl", "evilgemeente.nl", None, "host", set()),
    ("https://gemeente.nl-login.example/", "gemeente.nl-login.example", None, "url", set()),
    # plain forms
    ("gemeente.nl", "gemeente.nl", None, "host", set()),
    ("gemeente.nl/login", "gemeente.nl", None, "url", {"no_scheme"}),
    ("gemeente.nl:8443", "gemeente.nl", None, "host", set()),
    ("localhost:8080/x", "localhost", None, "url", {"no_registrable_domain"}),
    ("github.io", "github.io", None, "host", {"no_registrable_domain"}),
    ("_dmarc.gemeente.nl", "_dmarc.gemeente.nl", None, "host", set()),
]


@pytest.mark.parametrize("text, host, ip, kind, codes", TRICKS, ids=[repr(t[0])[:40] for t in TRICKS])
def test_normalise_trick(text, host, ip, kind, codes):
    t = normalise(text)
    assert (t.host, t.ip, t.kind) == (host, ip, kind)
    got = {n.code for n in t.notes}
    assert codes <= got, f"missing notes {codes - got}; got {got}"
    if not codes:
        assert not {c for c in got if c not in ("no_registrable_domain", "non_public_address")}, got


@pytest.mark.parametrize("text, url, port", [
    ("https://gemeente.nl", "https://gemeente.nl/", None),
    ("https://gemeente.nl:8443/a", "https://gemeente.nl:8443/a", 8443),
    ("HTTP://Gemeente.NL:80/", "http://gemeente.nl/", None),
    ("https://gemeente.nl/a/../b/./c", "https://gemeente.nl/b/c", None),
    ("https://gemeente.nl/a/%2e%2E/b", "https://gemeente.nl/b", None),
    ("https://gemeente.nl/zoek?q=a b&x='1'#deel 2", "https://gemeente.nl/zoek?q=a%20b&x=%271%27#deel%202", None),
    ("https://gemeente.nl/pad met spatie/é", "https://gemeente.nl/pad%20met%20spatie/%C3%A9", None),
    ("https://user:geheim@gemeente.nl/x", "https://gemeente.nl/x", None),
    ("https://[2001:db8::1]:443/", "https://[2001:db8::1]/", None),
    ("gemeente.nl/login?next=/", "https://gemeente.nl/login?next=/", None),
    ("ws://gemeente.nl:80/s", "ws://gemeente.nl/s", None),
])
def test_normalised_url(text, url, port):
    t = normalise(text)
    assert t.url == url and t.port == port


def test_password_in_userinfo_never_appears_in_the_output():
    t = normalise("https://alice:hunter2@x@gemeente.nl/")
    assert "hunter2" not in str(t.to_dict())
    assert t.to_dict()["target"] == "https://alice:***@gemeente.nl/"
    assert "password was given" in next(n.message for n in t.notes if n.code == "userinfo")


def test_registrable_domain_and_unicode_form():
    t = normalise("https://www.bücher.de/")
    assert t.registrable_domain == "xn--bcher-kva.de"
    assert t.unicode_host == "www.bücher.de"
    assert normalise("192.0.2.1").registrable_domain is None


def test_confusable_note_says_what_it_looks_like():
    note = next(n for n in normalise("https://gemeеnte.nl/").notes if n.code == "confusable")
    assert note.extra["looks_like"] == "gemeente.nl"
    assert "gemeente.nl" in note.message


GARBAGE = [
    "", "   ", "\t\n",
    "http://", "https://@/", "https:///", "https://:443/",
    "mailto:security@gemeente.nl", "javascript:alert(1)", "file:///etc/passwd", "data:text/plain,hi",
    "*.gemeente.nl", "gemeente..nl", ".gemeente.nl", "gemeente.nl..", "exa mple.nl", "<script>.nl",
    "gemeente.nl%2f.evil.example",  # decodes to a '/' inside the host
    "https://%zz.nl/", "https://%ff.nl/",  # a stray '%' / not UTF-8 once decoded
    "https://gemeente.nl:99999/", "https://gemeente.nl:80a/", "https://gemeente.nl:-1/",
    "256.1.1.1", "1.2.3.4.5", "gemeente.0x1", "gemeente.123", "08.1.1.1", "0x1g.1.1.1", "4294967296",
    "[2001:db8::1", "[gemeente.nl]", "[fe80::1%]", "[2001:db8::1]x", "https://[::1]garbage/", "fe80::1%eth 0",
    "xn--zz.nl", "xn--gemeente-.nl",  # broken Punycode / decodes to plain ASCII
    "a\u05d0.nl",  # Latin + Hebrew in one label breaks the bidi rule
    "ex\u200dample.nl",  # a zero-width joiner where none may be
    "\u0301a.nl",  # a label starting with a combining mark
    "a\ufffdb.nl",
    "a" * 64 + ".nl", ("abcdefghi." * 30) + "nl", "x" * 10240, "gemeente.nl/" + "a" * 9000,
]


@pytest.mark.parametrize("text", GARBAGE, ids=[repr(g)[:30] for g in GARBAGE])
def test_garbage_raises_one_sentence(text):
    with pytest.raises(ValidationError) as exc:
        normalise(text)
    message = exc.value.message
    assert message.endswith(".") and "\n" not in message
    assert len(message) < 300, "a long input must not be echoed whole"
    assert exc.value.exit_code == 3


def test_non_text_is_a_validation_error():
    with pytest.raises(ValidationError):
        normalise(None)  # type: ignore[arg-type]


def test_longest_valid_host_is_accepted():
    host = ".".join(["a" * 63] * 3 + ["b" * 61])  # 253 characters
    assert normalise(host).host == host


def test_original_text_is_kept_as_given():
    for text in ("  fe80::1%eth0 \n", " HTTPS://Gemeente.NL ", "3232235777"):
        assert normalise(text).original == text


@pytest.mark.parametrize("text, expected", [
    ("::ffff:192.0.2.1", "::ffff:c000:201"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
    ("::1", "::1"), ("::", "::"), ("1:0:0:0:0:0:0:0", "1::"), ("2001:DB8::0:1", "2001:db8::1"),
    ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"),
])
def test_ipv6_serialisation_follows_the_url_standard_on_every_python(text, expected):
    import ipaddress

    from cvd_reporter.core.target import serialise_ipv6

    assert serialise_ipv6(ipaddress.IPv6Address(text)) == expected
