"""The wizard's input steps (issue 17), driven by the ScriptedPrompter: statements without a
default, a "no" that explains and lets the reporter answer again or keep the draft, contradictions
caught, a sign-only key refused, personal data in evidence shown in full with a redacted copy, and
the fields a receiving team needs (product, version, credits, the policy's scope list)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import stat
from pathlib import Path

from cvd_reporter.app.profiles import load_policy
from cvd_reporter.cli.prompter import DEFAULT, Seq
from cvd_reporter.store.drafts import DraftStore
from tests.support.wizard import HAPPY, check_saved, make_wizard

RULE = "attest.no-data-abuse"


def test_enter_does_not_answer_a_statement_and_is_asked_again(tmp_path: Path):
    wizard, p = make_wizard(tmp_path, dict(HAPPY, **{RULE: Seq(DEFAULT, True)}))
    outcome = wizard.run()
    assert outcome.status == "saved"
    assert p.defaults[RULE] is None  # no default offered at all
    assert p.asked.count(RULE) == 2 and len(p.errors[RULE]) == 1


def test_a_no_explains_what_it_means_and_can_be_answered_again(tmp_path: Path):
    wizard, p = make_wizard(tmp_path, dict(HAPPY, **{RULE: Seq(False, True)}, rule_refused_action="again"),
                            lang="nl")
    outcome = wizard.run()
    assert outcome.status == "saved"
    said = p.transcript
    assert "U bevestigde niet" in said and "geen juridische stappen" in said  # the policy's own reason
    assert "no-data-abuse" in check_saved(outcome.path).report.conduct.attestations


def test_a_no_then_stop_keeps_the_draft_instead_of_ending_with_an_error(tmp_path: Path):
    wizard, p = make_wizard(tmp_path, dict(HAPPY, **{RULE: False}, rule_refused_action="stop"))
    outcome = wizard.run()  # no exception: the reporter chose to stop
    assert outcome.status == "draft"
    draft = DraftStore(tmp_path / "home").load(outcome.draft_id)
    assert draft.answers["title"] == HAPPY["title"] and RULE not in draft.answers
    assert f"new --resume {outcome.draft_id}" in p.transcript or outcome.draft_id in p.transcript


def test_data_seen_contradicting_the_no_data_abuse_statement_is_caught_and_changed(tmp_path: Path):
    answers = dict(HAPPY, data_accessed=Seq("names and addresses of residents", "none"), conflict_action="change")
    wizard, p = make_wizard(tmp_path, answers)
    r = check_saved(wizard.run().path).report
    assert "names and addresses of residents" in p.transcript and "other people's data" in p.transcript
    assert r.conduct.data_accessed == "none" and "no-data-abuse" in r.conduct.attestations
    assert p.asked.count(RULE) == 2


def test_data_that_was_ones_own_keeps_both_answers(tmp_path: Path):
    answers = dict(HAPPY, data_accessed="the address data of an account", conflict_action="own")
    wizard, p = make_wizard(tmp_path, answers)
    r = check_saved(wizard.run().path).report
    assert r.conduct.data_accessed == "the address data of an account"
    assert p.asked.count("conflict_action") == 1


def test_a_publication_date_before_the_due_date_is_refused_on_the_spot(tmp_path: Path):
    # TODAY is Friday 2026-11-20: the answer is due 5 working days later, Friday 2026-11-27
    answers = dict(HAPPY, disclosure_intent="date", disclosure_date=Seq("2026-11-24", "2026-11-30"))
    wizard, p = make_wizard(tmp_path, answers)
    r = check_saved(wizard.run().path).report
    assert r.disclosure.date.isoformat() == "2026-11-30"
    assert any("2026-11-27" in e and "2026-11-28" in e for e in p.errors["disclosure_date"])
    assert "2026-11-27" in p.transcript  # said before the question, too


def test_a_sign_only_key_is_refused_as_the_key_to_answer_to(tmp_path: Path, zoo):
    (tmp_path / "sign.asc").write_bytes(zoo["signonly"].armored)
    (tmp_path / "mine.asc").write_bytes(zoo["ed25519"].armored)
    wizard, p = make_wizard(tmp_path, dict(HAPPY, reporter_pgp_key=Seq("sign.asc", "mine.asc")))
    wizard.clock = lambda: dt.datetime.now(dt.timezone.utc)  # the zoo's keys are made by gpg during this run
    r = check_saved(wizard.run().path).report
    assert r.reporter.pgp_key == str(tmp_path / "mine.asc")
    [error] = p.errors["reporter_pgp_key"]
    assert "can only sign" in error and zoo["signonly"].fingerprint in error


BSN_TEXT = "GET /api/burger?id=1\n\n{\"naam\": \"J. Jansen\", \"bsn\": \"111222333\", \"adres\": \"Dorpsstraat 1\"}\n"


def test_personal_data_in_evidence_is_shown_in_full_in_peoples_words_with_a_redacted_copy(tmp_path: Path):
    evidence = tmp_path / "response.txt"
    evidence.write_text(BSN_TEXT)
    evidence.chmod(0o644)
    answers = dict(HAPPY, **{"evidence[0].path": "response.txt", "evidence[0].description": "the answer",
                             "evidence[0].redact": True, "evidence[1].path": ""})
    wizard, p = make_wizard(tmp_path, answers, lang="nl")
    r = check_saved(wizard.run().path).report
    said = p.transcript
    assert "lint_" not in said  # no internal codes
    line = next(s for s in said.splitlines() if "burgerservicenummer" in s.lower() or "BSN" in s)
    assert line.strip().startswith("regel 3:") and "[WEGGELAKT]" in line and not line.endswith("...")
    copy = tmp_path / "response.redacted.txt"
    assert r.evidence[0].path == "response.redacted.txt"
    assert "111222333" not in copy.read_text() and stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert evidence.read_text() == BSN_TEXT and stat.S_IMODE(evidence.stat().st_mode) == 0o644  # untouched


def test_product_version_and_several_credits_reach_the_report(tmp_path: Path):
    answers = dict(HAPPY, product="Zaaksysteem (Leverancier BV)", version="4.2.1",
                   **{"credits[0].name": "z3r0", "credits[0].credit": "pseudonym", "credits[1].name": ""})
    wizard, _p = make_wizard(tmp_path, answers)
    r = check_saved(wizard.run().path).report
    assert (r.target.product, r.target.version) == ("Zaaksysteem (Leverancier BV)", "4.2.1")
    assert [(c.name, c.credit) for c in r.disclosure.credits] == [("Alice", "name"), ("z3r0", "pseudonym")]


def test_a_policy_with_a_scope_list_offers_it_as_a_pick(tmp_path: Path):
    scope = {"include": {"domains": ["mijn.gemeente.example", "zaken.gemeente.example"],
                         "networks": ["192.0.2.0/24"]},
             "exclude": {"applications": [{"name": "Betalen", "domains": ["pay.example.net"]}]}}
    policy = dataclasses.replace(load_policy("nl-gemeente"), scope=scope)
    wizard, p = make_wizard(tmp_path, dict(HAPPY, scope_pick="zaken.gemeente.example"), policy=policy)
    r = wizard.run()
    assert [c.value for c in p.choices["scope_pick"]] == ["mijn.gemeente.example", "zaken.gemeente.example",
                                                          "192.0.2.0/24", "other"]  # included entries only
    assert wizard.report().target.asset == "zaken.gemeente.example" and r.status == "saved"
