"""A report rendered field by field for a web form: the form's language, common field limits, and
nothing ever cut silently (a long description is split into numbered parts, a long title flagged)."""

from __future__ import annotations

import re

import pytest

from cvd_reporter.app.profiles import load_policy
from cvd_reporter.core.forms import FIELD_LIMITS, render_form, split_text
from cvd_reporter.core.model import Report, Reporter, Target, Vulnerability

POLICY = load_policy("nl-gemeente")


def report(**vuln: str) -> Report:
    v = {"title": "XSS in zoeken", "description": "De parameter q wordt ongefilterd teruggegeven.", **vuln}
    return Report(reporter=Reporter(name="Alex", email="alex@example.org"),
                  target=Target(urls=["https://www.gemeente.test/zoeken"]), vulnerability=Vulnerability(**v))


@pytest.mark.parametrize(("lang", "title", "description"), [("nl", "Titel", "Omschrijving"),
                                                            ("en", "Title", "Description")])
def test_fields_are_labelled_in_the_forms_language(lang, title, description):
    form = render_form(report(), policy=POLICY, lang=lang, report_id="cvd-1", evidence_names=["verzoek.txt"])
    labels = [f.label for f in form.fields]
    assert labels[0] == title and description in labels
    body = form.field("description")
    assert "ongefilterd" in body.value and "verzoek.txt" in body.value and "cvd-1" in body.value
    assert form.evidence == ("verzoek.txt",) and form.problems == []


def test_an_anonymous_report_has_no_name_or_address_fields():
    r = report()
    r.reporter = Reporter(anonymous=True, name="Alex", email="alex@example.org")
    names = [f.name for f in render_form(r, policy=POLICY, lang="en", report_id="x", evidence_names=[]).fields]
    assert "name" not in names and "email" not in names


def test_a_long_description_is_split_into_parts_that_fit_and_lose_nothing():
    words = [f"woord{i}" for i in range(1500)]
    text = " ".join(words[:700]) + "\n\n" + " ".join(words[700:])
    form = render_form(report(description=text), policy=POLICY, lang="nl", report_id="cvd-1", evidence_names=[])
    body = form.field("description")
    n = len(body.parts)
    assert body.over > 0 and n == 3 and body.note and f"{n} delen" in body.note
    assert all(len(p) <= FIELD_LIMITS["description"] for p in body.parts)
    assert [p[:6] for p in body.parts] == ["[1/3] ", "[2/3] ", "[3/3] "]
    joined = " ".join(re.sub(r"^\[\d/\d\] ", "", p) for p in body.parts)
    assert joined.split() == body.value.split()  # every word is there, in order


def test_a_long_title_is_flagged_with_how_much_to_shorten_never_cut():
    title = "x" * (FIELD_LIMITS["title"] + 37)
    form = render_form(report(title=title), policy=POLICY, lang="en", report_id="cvd-1", evidence_names=[])
    field = form.field("title")
    assert field.value == title and field.parts == () and "37" in (field.note or "")
    assert form.problems == [field.note]


def test_split_text_breaks_a_word_longer_than_a_part_without_dropping_it():
    parts = split_text("a" * 250, 100)
    assert all(len(p) <= 100 for p in parts)
    assert "".join(re.sub(r"^\[\d/\d\] ", "", p) for p in parts) == "a" * 250
    assert split_text("short", 100) == ["short"]
