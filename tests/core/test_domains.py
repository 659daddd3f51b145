import pytest

from cvd_reporter.core.domains import parent_domains, registrable_domain, same_registrable_domain


@pytest.mark.parametrize("host, expected", [
    ("www.amsterdam.nl", "amsterdam.nl"), ("gemeente.nl", "gemeente.nl"), ("A.B.Gemeente.NL.", "gemeente.nl"),
    ("x.co.uk", "x.co.uk"), ("co.uk", None), ("nl", None), ("localhost", None), ("192.168.1.1", None),
    ("foo.github.io", "foo.github.io"), ("2001:db8::1", None),
])
def test_registrable_domain(host, expected):
    assert registrable_domain(host) == expected


@pytest.mark.parametrize("a, b, same", [
    ("www.gemeente.nl", "gemeente.nl", True), ("gemeente.nl.evil.example", "gemeente.nl", False),
    ("evilgemeente.nl", "gemeente.nl", False), ("a.github.io", "b.github.io", False),
])
def test_same_registrable_domain(a, b, same):
    assert same_registrable_domain(a, b) is same


def test_parent_domains_stop_at_registrable_domain():
    assert parent_domains("a.b.gemeente.nl") == ["b.gemeente.nl", "gemeente.nl"]
    assert parent_domains("gemeente.nl") == []
    assert parent_domains("x.foo.github.io") == ["foo.github.io"]
