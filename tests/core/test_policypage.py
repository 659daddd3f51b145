"""The policy-page reader on pages written for these tests (tests/data/policy-pages, see its README):
what a reporter relies on is where to report and how soon they hear back, each with its sentence."""

from __future__ import annotations

import csv

import pytest

from cvd_reporter.core.policypage import read_policy
from cvd_reporter.core.policypage.contacts import deobfuscate
from cvd_reporter.core.policypage.extract import decode, extract, fix_mojibake
from tests.support.paths import DATA as TEST_DATA

DATA = TEST_DATA / "policy-pages"
with open(DATA / "labels.tsv", encoding="utf-8", newline="") as _fh:
    LABELS = list(csv.DictReader(_fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def read(name: str, **kw):
    return read_policy((DATA / "pages" / name).read_bytes(), **kw)


def expected_response(label: str):
    if label.isdigit():
        return {"amount": int(label), "unit": "working_days"}
    if label == "none":
        return "unknown"
    amount, unit = label.split(" ", 1)
    return {"amount": int(amount), "unit": {"days": "days", "hours": "hours", "office hours": "office_hours"}[unit]}


@pytest.mark.parametrize("row", LABELS, ids=[r["file"] for r in LABELS])
def test_fixture_pages_read_as_labelled(row):
    r = read(row["file"], url=row["url"])
    want_emails = [a.strip() for a in row["contact_emails"].split(",")] if "@" in row["contact_emails"] else []
    assert r.emails == want_emails
    assert r.channel == row["channel"]
    assert r.response.value == expected_response(row["response_working_days"])
    assert r.subject.value == row["subject"]
    assert r.encryption.value == row["encryption"]
    assert [f.value for f in r.shares_with] == ([] if row["shares_with"] == "none" else row["shares_with"].split(", "))
    assert (r.anonymous.value, r.pseudonym.value) == (row["anonymous"], row["pseudonym"])
    assert r.language.value == row["language"]
    assert r.publication.value == row["publication"]
    forbidden = [] if row["forbidden"] == "none listed" else row["forbidden"].split(", ")
    assert sorted(f.value for f in r.forbidden) == sorted(forbidden)
    assert any(c.kind == "phone" for c in r.contacts) == (row["phone"] == "yes")


@pytest.mark.parametrize("row", LABELS, ids=[r["file"] for r in LABELS])
def test_every_value_quotes_a_sentence_of_the_page(row):
    """Evidence is the page's own words (after entity decoding and mojibake repair), never made up."""
    raw = (DATA / "pages" / row["file"]).read_bytes()
    text = extract(raw).text.replace("\n", " ")
    r = read_policy(raw)
    found = [r.response, r.subject, r.encryption, r.key, r.anonymous, r.pseudonym, r.publication,
             *r.shares_with, *r.forbidden]
    for f in found:
        if f.evidence:
            assert f.evidence.rstrip("…") in text
    for c in r.contacts:
        assert c.evidence.startswith("link: ") or c.evidence in text


def test_navigation_scripts_and_footer_are_not_contacts():
    r = read("02-nl-form-only.html", url="https://www.lindewijk.example/zwakke-plek-melden")
    assert r.emails == []  # info@ in the menu and tracking@ in a script are chrome, not the channel
    assert not any(c.kind == "phone" for c in r.contacts)  # the footer's 14 0999 is the general number
    assert r.contacts[0].value == "https://www.lindewijk.example/formulieren/zwakke-plek-melden"


def test_obfuscated_addresses_are_read_and_marked():
    r = read("06-nl-obfuscated.html")
    assert r.contacts[0].value == "mailto:ciso@bergveld.example"
    assert r.contacts[0].note == "written in an obfuscated form"
    assert r.contacts[1].value == "mailto:cert@bergveld.example"  # &#64; is decoded by the HTML parser


@pytest.mark.parametrize("written", ["ciso [at] gemeente [dot] nl", "ciso(at)gemeente(dot)nl", "ciso at gemeente dot nl",
                                     "ciso {at} gemeente.nl", "ciso[apenstaartje]gemeente[punt]nl"])
def test_obfuscation_forms(written):
    assert deobfuscate(f"Mail {written} voor meldingen.") == "Mail ciso@gemeente.nl voor meldingen."


def test_ordinary_words_at_and_dot_are_not_an_address():
    r = read_policy("We look at reports within 3 business days. Please respond at once to the dot points below.")
    assert r.emails == [] and r.channel == "none"


def test_cloudflare_protected_address_is_decoded_from_the_html():
    assert read("12-en-cloudflare.html").emails == ["security@wardale.example"]


def test_cloudflare_placeholder_in_stored_text_gives_a_note_not_an_address():
    r = read_policy("Report it to [email protected] and we reply within 2 days.")
    assert r.emails == [] and "Cloudflare" in r.notes[0]


def test_mojibake_is_repaired_and_correct_text_left_alone():
    assert fix_mojibake("binnen Ã©Ã©n werkdag, coÃ¶rdinator")[0] == "binnen één werkdag, coördinator"
    assert fix_mojibake("€ 5, café, naïef, “quoted”")[0] == "€ 5, café, naïef, “quoted”"
    r = read("08-nl-mojibake.txt")
    assert r.response.value == {"amount": 1, "unit": "working_days"} and "één werkdag" in r.response.evidence


def test_charset_from_the_server_or_the_page():
    latin = "Meld het bij beveiliging@gemeente.example; wij reageren binnen één werkdag.".encode("latin-1")
    assert "één" in decode(latin, "text/plain; charset=ISO-8859-1")
    assert "één" in decode(b'<meta charset="iso-8859-1">' + latin)
    assert "één" in decode(latin)  # not UTF-8, no charset named: Windows-1252


def test_earliest_reaction_counts_and_fix_deadlines_do_not():
    r = read_policy("Within 30 days we will respond with our assessment. We will send a confirmation of receipt "
                    "within 3 business days. We fix issues within 2 days.")
    assert r.response.value == {"amount": 3, "unit": "working_days"}
    assert read_policy("Wij lossen het probleem binnen 14 dagen op.").response.value == "unknown"
    assert read_policy("Wij reageren zo snel mogelijk, meestal binnen enkele dagen.").response.value == "unknown"


@pytest.mark.parametrize("sentence, value", [
    ("De CISO neemt binnen drie werkdagen contact met u op.", {"amount": 3, "unit": "working_days"}),
    ("U krijgt binnen vijf dagen een reactie.", {"amount": 5, "unit": "days"}),
    ("Wij reageren binnen 48 kantooruren.", {"amount": 48, "unit": "office_hours"}),
    ("We will reply within one working day.", {"amount": 1, "unit": "working_days"}),
    ("You get an acknowledgement within 2 weeks.", {"amount": 14, "unit": "days"}),
])
def test_response_time_wordings(sentence, value):
    assert read_policy(sentence).response.value == value


def test_phone_needs_a_calling_sentence():
    r = read_policy("Bel ons op 14 0123 of op +31 (0)20 123 4567. Ons KvK-nummer is 0123456789.")
    assert [c.value for c in r.contacts] == ["tel:140123", "tel:+31201234567"]
    assert read_policy("Ons KvK-nummer is 0123456789.").contacts == []


def test_a_heading_is_no_form_when_the_page_names_an_address():
    r = read_policy("Meld een zwakke plek\n\nMail uw melding naar cert@gemeente.example.")
    assert r.channel == "email"
    r = read_policy("Beveiligingslek melden\n\nWij horen het graag.\n\nDirect melden")
    assert r.channel == "form_only" and r.contacts[0].name == "Direct melden"


def test_subject_is_verbatim_and_a_report_reference_is_told_apart():
    r = read_policy('Mail naar cert@gemeente.example met als onderwerp "Beveiliging ICT".')
    assert (r.subject.value, r.subject.extra["where"]) == ("Beveiliging ICT", "subject")
    r = read_policy('Submit via https://www.ncsc.nl/contact/kwetsbaarheid-melden and reference the "Team X" in your report.')
    assert (r.subject.value, r.subject.extra["where"]) == ("Team X", "report")


def test_a_hostile_page_with_ten_thousand_links_still_reads_its_main_text():
    links = "".join(f'<li><a href="/p{i}">pagina {i}</a></li>' for i in range(10_000))
    html = (f"<html><body><ul>{links}</ul><main><p>Meld kwetsbaarheden bij security@gemeente.example; wij "
            "reageren binnen 2 werkdagen.</p></main></body></html>")
    r = read_policy(html)
    assert r.emails == ["security@gemeente.example"] and r.response.value["amount"] == 2


def test_to_dict_is_plain_json():
    import json

    doc = json.loads(json.dumps(read("03-en-email-and-platform.html").to_dict()))
    assert doc["channel"] == "email_and_form"
    assert doc["contacts"][1] == {"kind": "platform", "value": doc["contacts"][1]["value"], "name": "Zerocopter",
                                  "evidence": "link: Zerocopter form", "line": None}
    assert doc["response"]["value"] == {"amount": 3, "unit": "working_days"} and doc["response"]["evidence"]
