"""The scope decision (pure) and the policy scope format, table by table (issue 5)."""

from __future__ import annotations

import json

import pytest

from cvd_reporter.app.scoping import load_policy_scope
from cvd_reporter.core.scope import Resolution, SecurityTxtEvidence, decide, needs_securitytxt, normalise
from cvd_reporter.core.scope_file import PolicyScope
from cvd_reporter.errors import InputFileError, ValidationError

POLICY = PolicyScope.from_dict({
    "include": {
        "domains": ["gemeente.nl", "*.gemeente.nl", "gemeente-cdn.nl", "*.gemeente-cdn.nl"],
        "networks": ["192.0.2.0/24", "2001:db8:1::/48"],
    },
    "exclude": {
        "domains": [{"domain": "intern.gemeente.nl", "note": "Internal systems"}, "*.test.gemeente.nl"],
        "networks": ["192.0.2.128/25"],
        "applications": [{
            "name": "Afspraken (Acme)", "domains": ["afspraken.gemeente.nl", "*.acme-saas.example"],
            "note": "A supplier's application", "contact": "https://acme.example/security",
        }],
        "note": "Systems of suppliers are out of scope.",
    },
}, source="policy.yaml")

DOMAINS_ONLY = PolicyScope.from_dict({"include": {"domains": ["*.gemeente.nl", "gemeente.nl"]}})
EXCLUDES_ONLY = PolicyScope.from_dict({"exclude": {"domains": ["intern.gemeente.nl"]}})


def res(name, *addresses, chain=(), status=None):
    return Resolution(name=name, addresses=tuple(addresses), cname_chain=tuple(chain),
                      status=status or ("ok" if addresses else "nodata"))


OWN = SecurityTxtEvidence("https://www.gemeente.nl/.well-known/security.txt", "www.gemeente.nl",
                          covers_host=True, from_parent=False, canonical_agrees=True)
PARENT = SecurityTxtEvidence("https://gemeente.nl/.well-known/security.txt", "gemeente.nl",
                             covers_host=False, from_parent=True, canonical_agrees=None)
NO_CANON = SecurityTxtEvidence("https://www.gemeente.nl/.well-known/security.txt", "www.gemeente.nl",
                               covers_host=True, from_parent=False, canonical_agrees=False)
ELSEWHERE = SecurityTxtEvidence("https://www.ncsc.nl/.well-known/security.txt", "www.ncsc.nl",
                                covers_host=False, from_parent=True, canonical_agrees=True)

# (target, policy, resolution, security.txt evidence, verdict, words the reasons must contain, decided_by source)
CASES = [
    # 1. policy scope, exclusions first
    ("gemeente.nl", POLICY, res("gemeente.nl", "192.0.2.10"), None, "in_scope", "policy's scope (gemeente.nl)",
     "policy"),
    ("https://a.b.gemeente.nl/x", POLICY, res("a.b.gemeente.nl", "192.0.2.11"), None, "in_scope", "*.gemeente.nl",
     "policy"),
    ("gemeente.nl.evil.example", POLICY, res("gemeente.nl.evil.example", "198.51.100.1"), None, "out_of_scope",
     "matches none of its domains", "policy"),
    ("evilgemeente.nl", POLICY, res("evilgemeente.nl", status="nxdomain"), None, "out_of_scope", "matches none",
     "policy"),
    ("https://gemeente.nl@evil.example/", POLICY, res("evil.example", "198.51.100.1"), None, "out_of_scope",
     "evil.example is not in", "policy"),
    ("evilgemeente.nl", POLICY, None, None, "unknown", "could not be checked", "policy"),  # DNS not asked
    ("intern.gemeente.nl", POLICY, res("intern.gemeente.nl", "192.0.2.12"), OWN, "out_of_scope",
     "excluded by the policy (intern.gemeente.nl). Internal systems.", "policy"),
    ("x.test.gemeente.nl", POLICY, None, None, "out_of_scope", "*.test.gemeente.nl", "policy"),
    ("afspraken.gemeente.nl", POLICY, None, None, "out_of_scope", "third-party application 'Afspraken (Acme)'",
     "policy"),
    ("loket.gemeente.nl", POLICY, res("loket.gemeente.nl", "203.0.113.9", chain=["gemeente.acme-saas.example"]),
     None, "out_of_scope", "alias (CNAME) of gemeente.acme-saas.example, which the policy excludes", "policy"),
    ("www.gemeente.nl", POLICY, res("www.gemeente.nl", "192.0.2.200"), None, "out_of_scope",
     "192.0.2.200, which is in the network 192.0.2.128/25", "policy"),
    # 3. DNS turns an in-scope host into unknown
    ("www.gemeente.nl", POLICY, res("www.gemeente.nl", "203.0.113.50", chain=["gemeente.saasprovider.example",
                                                                             "lb.saasprovider.example"]),
     None, "unknown", "at saasprovider.example, another organisation's domain", "policy"),
    ("www.gemeente.nl", POLICY, res("www.gemeente.nl", "198.51.100.7"), None, "unknown",
     "198.51.100.7, outside the policy's networks", "policy"),
    ("www.gemeente.nl", POLICY, res("www.gemeente.nl", "192.0.2.10", "2001:db8:1::10", chain=["lb.gemeente.nl"]),
     None, "in_scope", "*.gemeente.nl", "policy"),
    ("www.gemeente.nl", POLICY, res("www.gemeente.nl", "192.0.2.10", chain=["edge.gemeente-cdn.nl"]), None,
     "in_scope", "*.gemeente.nl", "policy"),  # an alias into another domain the policy lists
    ("www.gemeente.nl", DOMAINS_ONLY, res("www.gemeente.nl", "198.51.100.7"), None, "in_scope", "*.gemeente.nl",
     "policy"),  # no networks in the policy: addresses cannot be outside them
    # a host not listed by name
    ("portal.example", POLICY, res("portal.example", "192.0.2.20", "2001:db8:1::20"), None, "in_scope",
     "not listed by name, but all its addresses", "policy"),
    ("portal.example", POLICY, res("portal.example", "192.0.2.20", "198.51.100.1"), None, "out_of_scope",
     "none of its domains and none of its networks", "policy"),
    ("portal.example", POLICY, res("portal.example", status="timeout"), None, "unknown",
     "could not be checked", "policy"),
    ("portal.example", DOMAINS_ONLY, res("portal.example", "192.0.2.20"), None, "out_of_scope", "none of its domains",
     "policy"),
    # IP targets: only a policy network
    ("192.0.2.7", POLICY, None, None, "in_scope", "in the policy's network 192.0.2.0/24", "policy"),
    ("https://192.0.2.7/login", POLICY, None, None, "in_scope", "192.0.2.0/24", "policy"),
    ("3221225991", POLICY, None, None, "in_scope", "192.0.2.0/24", "policy"),  # 192.0.2.7 in decimal
    ("[::ffff:192.0.2.7]", POLICY, None, None, "in_scope", "192.0.2.0/24", "policy"),
    ("2001:db8:1::5", POLICY, None, None, "in_scope", "2001:db8:1::/48", "policy"),
    ("192.0.2.130", POLICY, None, None, "out_of_scope", "192.0.2.128/25, which the policy excludes", "policy"),
    ("198.51.100.1", POLICY, None, None, "out_of_scope", "none of the networks", "policy"),
    ("192.0.2.7", None, None, OWN, "unknown", "never by guess", "none"),
    ("192.0.2.7", DOMAINS_ONLY, None, None, "unknown", "lists no networks", "policy"),
    ("192.0.2.7", EXCLUDES_ONLY, None, None, "unknown", "never by guess", "none"),
    # 2. security.txt (RFC 9116 section 3.1)
    ("www.gemeente.nl", None, res("www.gemeente.nl", "198.51.100.7"), OWN, "in_scope", "its own security.txt",
     "securitytxt"),
    ("www.gemeente.nl", None, None, PARENT, "in_scope", "nearest parent domain gemeente.nl", "securitytxt"),
    ("www.gemeente.nl", None, None, NO_CANON, "unknown", "Canonical", "securitytxt"),
    ("www.gemeente.nl", None, None, ELSEWHERE, "unknown", "from www.ncsc.nl, another registrable domain",
     "securitytxt"),
    ("www.gemeente.nl", None, None, None, "unknown", "no security.txt was found", "none"),
    ("www.gemeente.nl", None, res("www.gemeente.nl", "203.0.113.50", chain=["x.saasprovider.example"]), OWN,
     "unknown", "provider, who may need to be told too", "securitytxt"),
    ("www.gemeente.nl", EXCLUDES_ONLY, None, OWN, "in_scope", "its own security.txt", "securitytxt"),
    ("intern.gemeente.nl", EXCLUDES_ONLY, None, OWN, "out_of_scope", "excluded by the policy", "policy"),
    ("www.gemeente.nl", POLICY, None, ELSEWHERE, "in_scope", "*.gemeente.nl", "policy"),  # policy decides first
]


@pytest.mark.parametrize("text, policy, resolution, evidence, verdict, words, source", CASES,
                         ids=[f"{c[0][:30]}-{c[4]}" for c in CASES])
def test_decide(text, policy, resolution, evidence, verdict, words, source):
    v = decide(normalise(text), policy=policy, resolution=resolution, securitytxt=evidence)
    assert v.verdict == verdict, v.reasons
    assert any(words in r for r in v.reasons), v.reasons
    assert v.decided_by["source"] == source
    json.dumps(v.to_dict())  # the --json output is plain data


def test_provider_is_named_and_exclusion_note_added():
    v = decide(normalise("www.gemeente.nl"), policy=POLICY,
               resolution=res("www.gemeente.nl", "203.0.113.5", chain=["gemeente.hoster.example"]))
    assert v.provider == "hoster.example"
    v = decide(normalise("afspraken.gemeente.nl"), policy=POLICY)
    assert v.decided_by["application"] == "Afspraken (Acme)"
    assert v.decided_by["contact"] == "https://acme.example/security"
    assert "Systems of suppliers are out of scope." in v.reasons


def test_dns_problems_are_notes_not_verdicts():
    dangling = res("old.gemeente.nl", chain=["gone.saasprovider.example"], status="nxdomain")
    v = decide(normalise("old.gemeente.nl"), policy=DOMAINS_ONLY, resolution=dangling)
    codes = {n.code for n in v.notes}
    assert {"dns_nxdomain", "dangling_cname"} <= codes
    v = decide(normalise("slow.gemeente.nl"), policy=DOMAINS_ONLY, resolution=res("slow.gemeente.nl", status="timeout"))
    assert v.verdict == "in_scope" and "dns_timeout" in {n["code"] for n in v.to_dict()["notes"]}


def test_target_notes_travel_with_the_verdict():
    v = decide(normalise("https://gemeente.nl@evil.example/"), policy=POLICY)
    assert "userinfo" in {n["code"] for n in v.to_dict()["notes"]}


def test_needs_securitytxt():
    assert needs_securitytxt(normalise("www.gemeente.nl"), None)
    assert needs_securitytxt(normalise("www.gemeente.nl"), EXCLUDES_ONLY)
    assert not needs_securitytxt(normalise("intern.gemeente.nl"), EXCLUDES_ONLY)
    assert not needs_securitytxt(normalise("www.gemeente.nl"), POLICY)
    assert not needs_securitytxt(normalise("192.0.2.1"), None)


# ---------------------------------------------------------------------------------------- format
def test_patterns_are_normalised_like_targets():
    p = PolicyScope.from_dict({"include": {"domains": ["*.Bücher.DE.", "GEMEENTE.NL"],
                                           "networks": ["192.0.2.7/24", "2001:DB8::/32"]}})
    assert [r.pattern for r in p.include] == ["*.xn--bcher-kva.de", "gemeente.nl", "192.0.2.0/24", "2001:db8::/32"]
    assert p.included_host("www.xn--bcher-kva.de") and not p.included_host("xn--bcher-kva.de")


@pytest.mark.parametrize("section, words", [
    ("not a mapping", "must be a mapping"),
    ({}, "lists no domains or networks"),
    ({"inclued": {}}, "unknown key 'inclued'"),
    ({"include": {"domain": ["a.nl"]}}, "unknown key 'domain'"),
    ({"include": {"domains": "gemeente.nl"}}, "must be a list"),
    ({"include": {"domains": [42]}}, "must be a domain written as text"),
    ({"include": {"domains": ["a.*.gemeente.nl"]}}, "only as its whole first label"),
    ({"include": {"domains": ["*.nl"]}}, "whole public suffix"),
    ({"include": {"domains": ["*.github.io"]}}, "whole public suffix"),
    ({"include": {"domains": ["192.0.2.1"]}}, "list it under networks"),
    ({"include": {"domains": ["https://gemeente.nl/"]}}, "without scheme, port or path"),
    ({"include": {"domains": ["gemeente..nl"]}}, "empty label"),
    ({"include": {"networks": ["192.0.2.0/33"]}}, "not an IP network"),
    ({"include": {"networks": ["gemeente.nl"]}}, "not an IP network"),
    ({"include": {"note": "x", "domains": ["a.nl"]}}, "unknown key 'note'"),  # notes belong to exclusions
    ({"exclude": {"note": 5, "domains": ["a.nl"]}}, "note must be text"),
    ({"exclude": {"applications": [{"domains": ["a.nl"]}]}}, "must be a mapping with a 'name'"),
    ({"exclude": {"applications": [{"name": "X"}]}}, "lists no domains or networks"),
    ({"exclude": {"applications": [{"name": "X", "domains": ["a.nl"], "vendor": "Y"}]}}, "unknown key 'vendor'"),
    ({"exclude": {"domains": [{"domain": "a.nl", "why": "x"}]}}, "unknown key 'why'"),
])
def test_bad_scope_sections(section, words):
    with pytest.raises(ValidationError) as exc:
        PolicyScope.from_dict(section)
    assert words in exc.value.message


def test_load_yaml_json_and_profile_files(tmp_path):
    (tmp_path / "p.yaml").write_text("\ufeffid: mine\nscope:\n  include:\n    domains: [gemeente.nl]\n", "utf-8")
    (tmp_path / "p.json").write_text(json.dumps({"scope": {"include": {"networks": ["192.0.2.0/24"]}}}))
    assert load_policy_scope(tmp_path / "p.yaml").included_host("gemeente.nl")
    assert load_policy_scope(tmp_path / "p.json").source == str(tmp_path / "p.json")


@pytest.mark.parametrize("content, words", [
    (None, "Cannot read"),
    ("id: x\n", "has no 'scope' section"),
    ("scope: [\n", "not valid YAML or JSON near line"),
    ("- a\n- b\n", "must hold a mapping"),
    (b"\xff\xfe\x00", "not UTF-8"),
    ("x" * (1 << 20 + 1), "larger than 1 MiB"),
])
def test_load_errors(tmp_path, content, words):
    path = tmp_path / "policy.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(InputFileError) as exc:
        load_policy_scope(path)
    assert words in exc.value.message and exc.value.exit_code == 3


def test_profile_without_scope_is_none_when_not_required(tmp_path):
    path = tmp_path / "profile.yaml"
    path.write_text("id: mine\n")
    assert load_policy_scope(path, required=False) is None


def test_a_redirect_to_a_central_file_is_said_so():
    central = SecurityTxtEvidence("https://www.ncsc.nl/.well-known/security.txt", "www.gemeente.nl",
                                  covers_host=True, from_parent=False, canonical_agrees=True,
                                  redirected_to="www.ncsc.nl")
    v = decide(normalise("www.gemeente.nl"), securitytxt=central)
    assert v.verdict == "in_scope"
    assert any("redirects its security.txt to www.ncsc.nl" in r for r in v.reasons)
