"""The directory's pure part: our schema, disclose.io's diodb program list, lookup, other-domain notes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from cvd_reporter.app.directory import load_bundled
from cvd_reporter.core.directory import domain_notes, find, from_diodb, parse_directory
from cvd_reporter.errors import ValidationError
from tests.support.paths import DATA

DIODB = DATA / "directory" / "program-list.json"


def test_bundled_entries_each_have_a_source_and_a_date_seen():
    entries, _owners = load_bundled()
    assert len(entries) >= 20
    for e in entries:
        assert e.source["seen"] and e.source["origin"] == "bundled"
        assert e.source.get("url") or e.source.get("note"), e.name
        assert e.contacts or e.channel, e.name


@pytest.mark.parametrize("query, contact", [
    ("Oegstgeest", "mailto:ciso@1stroom.nl"), ("Gemeente Leiderdorp", "mailto:ciso@1stroom.nl"),
    ("westervoort.nl", "mailto:ciso@1stroom.nl"), ("https://www.tiel.nl/contact", "mailto:datalek@8ktd.nl"),
    ("www.epe.nl", "mailto:incident@IBDgemeenten.nl"), ("Brabantse Delta", "mailto:cert@hetwaterschapshuis.nl"),
])
def test_facts_from_the_pages_are_found_by_name_or_host(query, contact):
    entries, _ = load_bundled()
    hits = find(entries, query)
    assert len(hits) == 1 and contact in hits[0].contacts


def test_shared_service_addresses_say_whose_domain_they_are_on():
    entries, owners = load_bundled()
    [westervoort] = find(entries, "Westervoort")
    [note] = domain_notes(westervoort, owners)
    assert "1stroom.nl, not on westervoort.nl" in note and "1Stroom" in note
    [tiel] = find(entries, "Tiel")
    assert "whose domain that is is not recorded" in domain_notes(tiel, owners)[0]
    [gouda] = find(entries, "Gouda")
    assert domain_notes(gouda, owners) == []  # gemeente@gouda.nl is the municipality's own domain


def test_a_broken_update_is_refused_whole():
    good = {"name": "A", "contacts": ["mailto:a@a.example"], "source": {"url": None, "seen": "2026-01-01"}}
    with pytest.raises(ValidationError, match="schema"):
        parse_directory({"organisations": [good]}, "new.yaml")
    with pytest.raises(ValidationError, match=r"organisation 2 .*'http://a\.example/form'"):
        parse_directory({"schema": "cvd-directory/1", "organisations": [
            good, {**good, "contacts": ["http://a.example/form"]}]}, "new.yaml")
    with pytest.raises(ValidationError, match="date the page was seen"):
        parse_directory({"schema": "cvd-directory/1", "organisations": [{**good, "source": {"url": None}}]}, "x")


def test_diodb_programs_keep_their_source_and_fields():
    entries = from_diodb(json.loads(DIODB.read_text()), "program-list.json", date(2026, 12, 7))
    assert [e.name for e in entries] == ["Example Harbour Authority", "Form Only Org"]  # nameless / no channel skipped
    harbour = entries[0]
    assert harbour.contacts == ["mailto:security@harbour.example", "https://www.harbour.example/report"]
    assert harbour.domains == ["harbour.example"]
    assert harbour.source == {"url": "https://www.harbour.example/security-policy", "seen": None,
                              "imported": "2026-12-07", "origin": "program-list.json",
                              "schema": "diodb program-list.json"}
    assert harbour.extra == {"pgp_key": "https://www.harbour.example/pgp.asc",
                             "securitytxt_url": "https://www.harbour.example/.well-known/security.txt",
                             "preferred_languages": "en, nl", "safe_harbor": "full"}
    with pytest.raises(ValidationError):
        from_diodb({"not": "a list"}, "x.json", date(2026, 12, 7))
