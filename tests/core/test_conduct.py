"""What the report says the reporter did, against the techniques the policy forbids (core/conduct.py),
and the warning validate gives for it: conservative, so a report that says what it did NOT do, or what
an attacker COULD do, is never taken for a confession."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from cvd_reporter.app.profiles import load_policy
from cvd_reporter.core import conduct
from cvd_reporter.core.model import parse_report
from cvd_reporter.core.validate import TECHNIQUE_NAMES, validate_report
from tests.support.report import ALL_ATTESTATIONS

TODAY = dt.date(2026, 3, 2)


@pytest.mark.parametrize("text, technique", [
    ("I brute-forced the PIN with hydra.", "brute-force"),
    ("Ik heb met een script 5000 wachtwoorden geprobeerd op het inlogformulier.", "brute-force"),
    ("We sent 10,000 requests per second and the site went down (DoS).", "dos"),
    ("Ik heb de server overbelast met verzoeken.", "dos"),
    ("I phoned the helpdesk and posed as an alderman.", "social-engineering"),
    ("Ik heb me bij de servicedesk voorgedaan als wethouder.", "social-engineering"),
    ("I sent a phishing mail to three employees.", "social-engineering"),
    ("Ik heb de hele database gedownload.", "excess-data"),
    ("I downloaded the entire users table to show the impact.", "excess-data"),
    ("I scanned the entire /16 with masscan.", "automated-scans"),
    ("Ik heb een webshell geüpload om het te bewijzen.", "malware"),
    ("I brute forced the PIN because there was no lockout.", "brute-force"),
])
def test_a_sentence_that_says_the_reporter_did_it_counts(text, technique):
    assert conduct.sentence_says(text, technique, narrative=True)


@pytest.mark.parametrize("text, technique", [
    ("No brute force was used.", "brute-force"),
    ("I did not use brute force.", "brute-force"),
    ("I didn’t brute-force anything.", "brute-force"),
    ("I never brute forced the login, I only tried my own account.", "brute-force"),
    ("Er is geen brute force gebruikt.", "brute-force"),
    ("Ik heb de wachtwoorden niet geraden.", "brute-force"),
    ("Zonder brute force kwam ik binnen.", "brute-force"),
    ("To avoid any DoS, I sent only three requests.", "dos"),
    ("Ik heb geen DoS-aanval gedaan en niemand gebeld.", "dos"),
    ("Nooit heb ik de helpdesk gebeld of gemaild.", "social-engineering"),
    ("I did not download the entire database, only one row.", "excess-data"),
])
def test_negation_in_the_same_clause_never_counts(text, technique):
    assert not conduct.sentence_says(text, technique, narrative=True)
    assert not conduct.sentence_says(text, technique, narrative=False)


@pytest.mark.parametrize("text, technique", [
    ("An attacker could brute force the login.", "brute-force"),
    ("Een aanvaller kan het wachtwoord raden.", "brute-force"),
    ("The login has no brute-force protection.", "brute-force"),
    ("The API lacks brute-force protection, so I stopped after one attempt.", "brute-force"),
    ("Het formulier is kwetsbaar voor brute force.", "brute-force"),
    ("A malicious user could flood the server and cause a denial of service.", "dos"),
    ("De gehele database zou kunnen worden gedownload.", "excess-data"),
])
def test_what_an_attacker_could_do_is_not_what_the_reporter_did(text, technique):
    assert not conduct.sentence_says(text, technique, narrative=True)


def test_the_description_counts_only_where_it_speaks_of_the_reporter_but_steps_always_do():
    assert not conduct.sentence_says("Brute force on the PIN.", "brute-force", narrative=True)
    assert conduct.sentence_says("Brute force on the PIN.", "brute-force", narrative=False)
    assert conduct.sentence_says("Brute force was used on the PIN.", "brute-force", narrative=True)
    assert conduct.sentence_says("Run hydra against /login", "brute-force", narrative=False)


def test_the_clause_next_to_a_negation_still_counts():
    text = "I used no DoS, but I brute forced the login with hydra."
    assert conduct.sentence_says(text, "brute-force", narrative=True)
    assert not conduct.sentence_says(text, "dos", narrative=True)


@pytest.mark.parametrize("entry, technique", [
    ("dos", "dos"), ("Denial of Service", "dos"), ("no-brute-force", "brute-force"), ("Brute force", "brute-force"),
    ("phishing", "social-engineering"), ("social_engineering", "social-engineering"), ("data-abuse", "excess-data"),
    ("automated-scans", "automated-scans"), ("backdoor", "malware"), ("geen-spam", "spam"),
])
def test_forbidden_entries_map_to_techniques(entry, technique):
    assert conduct.technique_of(entry) == technique


def test_an_entry_we_cannot_look_for_is_not_checked_and_each_technique_is_named_once():
    assert conduct.technique_of("third-party-apps") is None
    assert conduct.forbidden_techniques(["dos", "ddos", "third-party-apps", "phishing"]) == ["dos",
                                                                                         "social-engineering"]


def test_every_technique_has_a_name_in_people_s_words():
    assert set(TECHNIQUE_NAMES) == set(conduct.TECHNIQUES)


def _report(**vulnerability):
    doc = {"schema": "cvd-report/1", "reporter": {"email": "alex@example.org"},
           "target": {"urls": ["https://www.gemeente.example/login"]},
           "vulnerability": dict({"title": "Zwak wachtwoordbeleid", "description": "Het inlogformulier heeft geen "
                                  "limiet op inlogpogingen."}, **vulnerability),
           "conduct": {"attestations": ALL_ATTESTATIONS}}
    report, findings = parse_report(doc)
    assert findings == []
    return report


def test_signs_quote_the_first_sentence_and_field_per_technique():
    report = _report(steps=["Open /login.", "Ik heb met hydra de pincode geraden. Daarna was ik binnen."])
    (sign,) = conduct.signs(report, ["brute-force", "dos"])
    assert sign == conduct.Sign("brute-force", "vulnerability.steps[1]", "Ik heb met hydra de pincode geraden.")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_validate_warns_naming_the_technique_the_sentence_and_the_promise(lang):
    report = _report(steps=["I brute-forced the admin PIN with hydra."])
    findings = validate_report(report, policy=load_policy("nl-gemeente"), today=TODAY, lang=lang)
    (warning,) = [f for f in findings if f.code == "forbidden_technique"]
    assert warning.severity == "warning" and warning.field == "vulnerability.steps[0]"
    assert '"I brute-forced the admin PIN with hydra."' in warning.message
    assert "built-in profile nl-gemeente" in warning.message
    if lang == "en":
        assert "brute force" in warning.message and "no legal action" in warning.message
    else:
        assert "wachtwoorden of codes raden" in warning.message and "juridische stappen" in warning.message


def test_validate_says_nothing_when_the_report_denies_it_or_the_policy_does_not_forbid_it():
    policy = load_policy("nl-gemeente")
    denied = _report(steps=["Geen brute force gebruikt; één inlogpoging met mijn eigen account."])
    assert not [f for f in validate_report(denied, policy=policy, today=TODAY) if f.code == "forbidden_technique"]
    done = _report(steps=["I brute-forced the admin PIN with hydra."])
    silent = policy.__class__(**{**policy.__dict__, "forbidden": ()})
    assert not [f for f in validate_report(done, policy=silent, today=TODAY) if f.code == "forbidden_technique"]


def test_a_long_sentence_is_shortened_in_the_quote():
    report = _report(steps=["I brute-forced the PIN " + "and then waited " * 30 + "."])
    (sign,) = conduct.signs(report, ["brute-force"])
    assert len(sign.sentence) == conduct.MAX_QUOTE and sign.sentence.endswith("…")
    assert re.match(r"I brute-forced the PIN", sign.sentence)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_report_that_describes_the_technique_and_states_it_kept_the_rule_is_told_both(lang):
    """The steps say hydra guessed the PIN, the statements say no brute force: one of the two is wrong, and
    the warning quotes both so the reporter can correct it before an organisation reads the contradiction."""
    policy = load_policy("nl-gemeente")
    both = _report(steps=["I brute-forced the admin PIN with hydra."])
    (warning,) = [f for f in validate_report(both, policy=policy, today=TODAY, lang=lang)
                  if f.code == "forbidden_technique"]
    statement = policy.attestation("no-brute-force").say(lang)
    assert f'"{statement}"' in warning.message and '"I brute-forced the admin PIN with hydra."' in warning.message
    assert warning.extra == {"attested": "no-brute-force"}

    doc_without = parse_report({**both.to_dict(), "conduct": {"attestations": [
        a for a in ALL_ATTESTATIONS if a != "no-brute-force"]}})[0]
    (plain,) = [f for f in validate_report(doc_without, policy=policy, today=TODAY, lang=lang)
                if f.code == "forbidden_technique"]
    assert statement not in plain.message and not plain.extra
