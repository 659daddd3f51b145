"""The wizard's questions as data (core/questions.py, cwe.py, cvss_builder.py): complete in both
languages, tied to the model, and checked with the same rules as `validate`."""

from __future__ import annotations

import datetime as dt

import pytest

from cvd_reporter.app.profiles import load_policy
from cvd_reporter.core import cvss_builder, cwe
from cvd_reporter.core import questions as Q
from cvd_reporter.core.i18n import translator
from cvd_reporter.core.model import SPEC
from cvd_reporter.core.validate import check_cvss, cvss_score, validate_report

POLICY = load_policy("nl-gemeente")
TODAY = dt.date(2026, 11, 20)


def ctx(lang: str = "en") -> Q.Context:
    return Q.Context(lang, POLICY, TODAY)


def _field_exists(path: str) -> bool:
    node = SPEC.get(path.split(".", maxsplit=1)[0])
    for part in path.split(".")[1:]:
        if node is None:
            return False
        node = (node.fields or (node.items.fields if node.items else None) or {}).get(part)
    return node is not None


@pytest.mark.parametrize("q", list(Q.QUESTIONS.values()) + list(Q.evidence_questions(0)), ids=lambda q: q.name)
def test_every_question_speaks_both_languages_and_fills_a_real_field(q: Q.Question):
    assert q.say("nl").strip() and q.say("en").strip() and q.say("nl") != q.say("en")
    assert all(o.say("nl") and o.say("en") for o in q.options)
    assert q.step in (*Q.STEPS, "finish")
    assert q.field is None or _field_exists(q.field), q.field


def test_english_text_comes_from_the_model_spec_where_it_reads_as_a_prompt():
    assert Q.QUESTIONS["reporter_name"].say("en") == "Name or pseudonym"
    assert Q.QUESTIONS["title"].say("en") == "A short title (one line)"


def test_one_question_per_policy_rule_in_the_policys_words():
    qs = [Q.attestation_question(a) for a in POLICY.attestations]
    assert [q.name for q in qs] == [f"attest.{a.id}" for a in POLICY.attestations] and len(qs) == 9
    assert qs[0].say("nl") == POLICY.attestations[0].say("nl") and qs[0].kind == "confirm"


@pytest.mark.parametrize("name, value, ok", [
    ("target", "https://www.gemeente.example/a?b=c", True),
    ("target", "www.gemeente.example", True),
    ("target", "192.0.2.1", True),
    ("target", "[2001:db8::1]", True),
    ("target", "ftp://gemeente.example/", False),
    ("target", "gemeente", False),
    ("target", "https:// spaces .example", False),
    ("reporter_email", "alice@example.org", True),
    ("reporter_email", "alice@", False),
    ("reporter_email", "", True),  # optional
    ("reporter_phone", "06 12345678", True),
    ("reporter_phone", "+31 20 123 4567", True),
    ("reporter_phone", "12345", False),
    ("cwe_other", "CWE-79", True), ("cwe_other", "79", True), ("cwe_other", "cwe 1021", True),
    ("cwe_other", "CWE-0", False), ("cwe_other", "XSS", False), ("cwe_other", "CWE-123456", False),
    ("cvss_vector", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", True),
    ("cvss_vector", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", True),
    ("cvss_vector", "CVSS:3.1/AV:N", False),
    ("discovered", "2026-11-20", True), ("discovered", "20-11-2026", True),
    ("discovered", "2026-11-21", False), ("discovered", "gisteren", False),
    ("disclosure_date", "2027-01-01", True), ("disclosure_date", "2026-11-20", False),
    ("source_ips", "192.0.2.1, 2001:db8::2 198.51.100.3", True), ("source_ips", "192.0.2.300", False),
    ("title", "", False), ("title", "   ", False), ("impact", "", True),
    ("cwe", "CWE-79", True), ("cwe", "CWE-99999", False),
])
def test_checks_table(name: str, value: str, ok: bool):
    err = Q.get(name).error(value, ctx())
    assert (err is None) == ok, err


def test_errors_are_in_the_users_language():
    assert Q.get("reporter_phone").error("123", ctx("nl")).startswith("Dat is geen geldig telefoonnummer")
    assert Q.get("title").error("", ctx("nl")) == "Vul hier iets in; dit is nodig."


def test_an_overlong_answer_is_refused():
    assert "more than" in Q.get("description").error("x" * (Q.MAX_TEXT + 1), ctx())


@pytest.mark.parametrize("text, expected", [
    ("79", "CWE-79"), ("CWE-79", "CWE-79"), ("cwe79", "CWE-79"), ("cwe: 079", "CWE-79"), ("CWE-", None), ("x", None),
])
def test_normalise_cwe(text: str, expected: str | None):
    assert cwe.normalise_cwe(text) == expected


def test_curated_cwes_are_valid_ids_with_both_names():
    assert len(cwe.COMMON) >= 12 and len({w.id for w in cwe.COMMON}) == len(cwe.COMMON)
    for w in cwe.COMMON:
        assert cwe.normalise_cwe(w.id) == w.id
        assert translator("nl").has(f"cwe.{w.id}") and translator("en").has(f"cwe.{w.id}")
        assert w.say("nl").endswith(f" ({w.id})") and w.say("en").endswith(f" ({w.id})")


@pytest.mark.parametrize("values, vector, score", [
    ({"AV": "N", "AC": "L", "PR": "N", "UI": "N", "S": "U", "C": "H", "I": "H", "A": "H"}, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
    ({"AV": "N", "AC": "L", "PR": "N", "UI": "R", "S": "C", "C": "L", "I": "L", "A": "N"}, "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
    ({"AV": "P", "AC": "H", "PR": "H", "UI": "R", "S": "U", "C": "N", "I": "N", "A": "L"}, "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L", 1.6),
])
def test_cvss_builder_table(values, vector: str, score: float):
    assert cvss_builder.build_vector(values) == vector
    assert check_cvss(vector) is None and cvss_score(vector)[0] == score
    assert cvss_builder.parse_vector(vector) == values


def test_cvss_builder_refuses_a_missing_metric():
    with pytest.raises(ValueError, match="AC"):
        cvss_builder.build_vector({"AV": "N"})


def test_every_cvss_metric_has_a_question_with_both_languages():
    assert cvss_builder.METRIC_KEYS == ("AV", "AC", "PR", "UI", "S", "C", "I", "A")
    for m in cvss_builder.METRICS:
        q = Q.get(f"cvss.{m.key}")
        assert q.say("nl") and q.say("en") and [o.value for o in q.options] == [v.value for v in m.values]


@pytest.mark.parametrize("text, steps", [
    ("1. Open it\n2) Click\n\n- See", ["Open it", "Click", "See"]),
    ("Stap 1: open\nstep 2: klik", ["open", "klik"]),
    ("", []),
])
def test_parse_steps(text: str, steps: list[str]):
    assert Q.parse_steps(text) == steps


def test_report_language_follows_the_organisation_then_the_prompt():
    assert Q.report_language("en", POLICY, ["nl", "en"]) == "nl"
    assert Q.report_language("en", POLICY, ["de", "EN-gb"]) == "en"
    assert Q.report_language("nl", POLICY, []) == "nl"


def test_build_report_from_answers_passes_validate():
    answers = {
        "target": "192.0.2.10", "reporter_name": "Pseudo", "reporter_phone": "0612345678",
        "title": "Open directory", "cwe": "other", "cwe_other": "548", "cvss_mode": "vector",
        "cvss_vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", "description": "Listing shows backups.",
        "steps": "Open /backup/", "evidence[0].path": "/tmp/x.txt", "evidence[0].description": "screenshot",
        "evidence[1].path": "", "discovered": "2026-11-19", "tools": "curl, Firefox",
        **{f"attest.{a.id}": True for a in POLICY.attestations}, "disclosure_intent": "none", "credit": "pseudonym",
    }
    report = Q.build_report(answers, policy=POLICY, lang="en", organisation_domain="gemeente.example")
    assert report.target.ips == ["192.0.2.10"] and report.target.urls == []
    assert report.vulnerability.cwe == "CWE-548" and report.conduct.tools == ["curl", "Firefox"]
    assert [e.path for e in report.evidence] == ["/tmp/x.txt"]
    assert [f for f in validate_report(report, policy=POLICY, today=TODAY) if f.severity == "error"] == []
    # a rule not confirmed is not attested, so validate names it
    answers["attest.no-spam"] = False
    codes = [f.code for f in validate_report(Q.build_report(answers, policy=POLICY, lang="en"), policy=POLICY,
                                             today=TODAY)]
    assert "missing_attestation" in codes
