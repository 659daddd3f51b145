"""The wizard's flow, driven by the ScriptedPrompter (answers by question name): every branch of
issue 7 — happy path, anonymous, out of scope, a rule refused, going back, invalid answers asked
again with the reason, Ctrl-C and resume, lookups that are slow or cannot be made."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import os
import stat
import threading
from pathlib import Path

import pytest

from cvd_reporter.app.profiles import load_policy
from cvd_reporter.cli.prompter import DEFAULT, INTERRUPT, ScriptedPrompter, Seq, UnscriptedQuestion
from cvd_reporter.cli.wizard import choose_draft
from cvd_reporter.cli.wizard_lookup import LookupResult
from cvd_reporter.errors import Interrupted, ScopeError
from cvd_reporter.store.drafts import DraftStore
from tests.support.wizard import HAPPY, TARGET, Status, check_saved, in_scope, make_wizard


def test_happy_path_saves_a_report_file_that_validates(tmp_path: Path):
    wizard, p = make_wizard(tmp_path, HAPPY)
    outcome = wizard.run()
    assert outcome.status == "saved" and outcome.path == tmp_path / "report.yaml"
    assert stat.S_IMODE(outcome.path.stat().st_mode) == 0o600
    loaded = check_saved(outcome.path)
    r = loaded.report
    assert r.target.urls == [TARGET] and r.reporter.email == "alice@example.org"
    assert r.vulnerability.cwe == "CWE-79" and len(r.vulnerability.steps) == 2
    assert r.vulnerability.steps[0].startswith("Open https://")  # the "1." numbering is not kept
    assert r.language == "nl"  # the organisation's Preferred-Languages win over the prompt language
    assert r.organisation.domain == "gemeente.example"
    assert r.conduct.discovered.isoformat() == "2026-11-20" and r.conduct.source_ips == ["192.0.2.7"]
    assert len(r.conduct.attestations) == 9
    assert r.id == outcome.draft_id  # one id: the draft's id the reporter saw is the report's id
    # who receives it, how, with which key, was shown; and the draft is gone (the file holds it now)
    said = p.transcript
    assert "Receives the report: gemeente.example" in said and "mailto:security@gemeente.example" in said
    assert "0123ABCD" in said and "In scope" in said
    assert DraftStore(tmp_path / "home").list_unfinished() == []
    assert "Next: cvd-reporter submit" in said


def test_questions_come_in_the_seven_steps_in_order(tmp_path: Path):
    wizard, p = make_wizard(tmp_path, HAPPY)
    wizard.run()
    order = [p.asked.index(n) for n in ("target", "reporter_email", "title", "evidence[0].path", "discovered",
                                        "attest.no-dos", "disclosure_intent", "finish_action")]
    assert order == sorted(order)
    assert [h for h in p.said if h.startswith("\n── ")][:2] == ["\n── 1/7 The target ──", "\n── 2/7 About you ──"]


def test_dutch_prompts_and_rules_in_the_policys_words(tmp_path: Path):
    wizard, p = make_wizard(tmp_path, HAPPY, lang="nl")
    wizard.run()
    assert p.messages["target"] == "Welke URL of welk IP-adres is kwetsbaar?"
    assert p.messages["attest.no-spam"] == "Ik heb geen spam verstuurd."
    assert "Ontvangt de melding: gemeente.example" in p.transcript


def test_reporter_defaults_come_from_the_settings(tmp_path: Path):
    answers = dict(HAPPY, reporter_name=DEFAULT, reporter_email=DEFAULT, reporter_phone=DEFAULT)
    wizard, _p = make_wizard(tmp_path, answers, defaults={"reporter_name": "A. Researcher",
                                                          "reporter_email": "ar@example.org",
                                                          "reporter_phone": "+31 6 12345678"})
    r = check_saved(wizard.run().path).report
    assert (r.reporter.name, r.reporter.email, r.reporter.phone) == ("A. Researcher", "ar@example.org",
                                                                    "+31 6 12345678")


def test_anonymous_report_warns_and_skips_key_and_credit(tmp_path: Path):
    answers = dict(HAPPY, reporter_name="", reporter_email="", reporter_phone="", reporter_anonymous=True)
    del answers["credit"], answers["reporter_pgp_key"]  # asking them would be an UnscriptedQuestion
    wizard, p = make_wizard(tmp_path, answers)
    r = check_saved(wizard.run().path).report
    assert r.reporter.anonymous is True and r.disclosure.credit == "none"
    assert "cannot contact you or answer you" in p.transcript


def test_declining_anonymous_asks_for_a_contact_again(tmp_path: Path):
    answers = dict(HAPPY, reporter_email=Seq("", "alice@example.org"), reporter_phone=Seq("", ""),
                   reporter_anonymous=False)
    wizard, p = make_wizard(tmp_path, answers)
    r = check_saved(wizard.run().path).report
    assert r.reporter.email == "alice@example.org" and not r.reporter.anonymous
    assert p.asked.count("reporter_email") == 2 and p.asked.count("reporter_anonymous") == 1


def test_out_of_scope_then_another_target(tmp_path: Path):
    def lookup(target: str) -> LookupResult:
        if "payments" in target:
            return LookupResult(target, verdict="out_of_scope",
                                reasons=["pay.example.net belongs to another organisation (a payment provider)"])
        return in_scope(target)

    answers = dict(HAPPY, target=Seq("https://pay.example.net/payments", TARGET), target_other=True)
    wizard, p = make_wizard(tmp_path, answers, lookup=lookup)
    r = check_saved(wizard.run().path).report
    assert r.target.urls == [TARGET]
    assert "OUT OF SCOPE: pay.example.net belongs to another organisation" in p.transcript
    assert "do not test it further" in p.transcript
    assert p.asked.index("target_other") < p.asked.index("title")  # it stopped early, before the details


def test_out_of_scope_stop_exits_4_and_keeps_the_draft(tmp_path: Path):
    answers = dict(HAPPY, target_other=False)
    wizard, p = make_wizard(tmp_path, answers,
                            lookup=lambda t: LookupResult(t, verdict="out_of_scope", reasons=["not theirs"]))
    with pytest.raises(ScopeError) as info:
        wizard.run()
    assert info.value.exit_code == 4 and wizard.draft.id in info.value.message
    kept = DraftStore(tmp_path / "home").load(wizard.draft.id)
    assert kept.answers["target"] == TARGET
    assert "title" not in p.asked


def test_a_refused_rule_stops_with_the_reason_and_resume_asks_it_again(tmp_path: Path):
    policy = load_policy("nl-gemeente")
    answers = dict(HAPPY, **{"attest.no-brute-force": False}, rule_refused_action="stop")
    wizard, p = make_wizard(tmp_path, answers)
    outcome = wizard.run()  # the reporter chose to stop: the draft is kept, no error
    assert outcome.status == "draft" and outcome.draft_id == wizard.draft.id
    why = policy.attestation("no-brute-force").explain("en")
    assert why in p.transcript and "brute force" in p.transcript
    assert "attest.no-spam" not in p.asked  # stopped at the refused rule
    # the draft keeps every answer but the refused one; resuming asks from that rule on
    store = DraftStore(tmp_path / "home")
    assert "attest.no-brute-force" not in store.load(wizard.draft.id).answers
    later = {k: v for k, v in HAPPY.items() if k.startswith(("attest.", "shared_with", "disclosure", "credit",
                                                             "finish", "save_path"))}
    resumed, p2 = make_wizard(tmp_path, later, store=store, draft_id=wizard.draft.id)
    check_saved(resumed.run().path)
    assert p2.asked[0] == "attest.no-brute-force"


def test_going_back_changes_an_answer_with_the_old_one_as_default(tmp_path: Path):
    answers = dict(HAPPY, finish_action=Seq("change", "save"), change_step="vulnerability",
                   title=Seq("XSS", "Reflected XSS in /zoeken"), cwe=Seq("CWE-79", "CWE-79"))
    wizard, p = make_wizard(tmp_path, answers)
    r = check_saved(wizard.run().path).report
    assert r.vulnerability.title == "Reflected XSS in /zoeken"
    assert p.asked.count("title") == 2 and p.asked.count("reporter_email") == 1
    assert p.defaults["title"] == "XSS" and p.defaults["description"] == HAPPY["description"]


def test_invalid_answers_are_asked_again_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    answers = dict(
        HAPPY,
        target=Seq("not a url", "ftp://files.gemeente.example/", "www.gemeente.example/zoeken"),
        reporter_email=Seq("alice@", "alice@example.org"),
        reporter_phone=Seq("12", "06 12345678"),
        title=Seq("   ", "XSS"),
        cwe="other", cwe_other=Seq("XSS", "209"),
        cvss_mode="vector", cvss_vector=Seq("CVSS:3.1/AV:X", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"),
        discovered=Seq("2999-01-01", "yesterday", "19-11-2026"),
        source_ips=Seq("192.0.2.999", "192.0.2.7, 2001:db8::1"),
        **{"evidence[0].path": Seq("no-such-file.txt", "")},
        disclosure_intent="date", disclosure_date=Seq("2026-01-01", "2027-02-01"),
    )
    wizard, p = make_wizard(tmp_path, answers)
    r = check_saved(wizard.run().path).report
    e = p.errors
    assert e["target"] == ["Give an http(s) URL with a host name, e.g. https://gemeente.example/page, or an IP address, e.g. 192.0.2.10 or 2001:db8::10."] * 2
    assert e["reporter_email"][0].startswith("That is not a valid e-mail address (")
    assert e["reporter_phone"] == ["That is not a valid phone number; use +31 6 12345678 or 06 12345678."]
    assert e["title"] == ["Please give an answer; this one is needed."]
    assert e["cwe_other"] == ["That is not a CWE id; write it like CWE-79 (or just 79)."]
    assert e["cvss_vector"][0].startswith("That is not a valid CVSS 3.1 or 4.0 vector")
    assert e["discovered"] == ["That date is in the future.", "Write a date like 2026-11-20."]
    assert e["source_ips"] == ["192.0.2.999 is not an IP address. Write IPv4 as four numbers from 0 to 255 "
                               "(192.0.2.10) or IPv6 as 2001:db8::10; separate several with commas."]
    assert e["evidence[0].path"] == ["There is no file no-such-file.txt."]
    assert e["disclosure_date"] == ["A publication date must lie in the future."]
    # and what was finally accepted is normalised as the report file wants it
    assert r.target.urls == ["https://www.gemeente.example/zoeken"] and r.vulnerability.cwe == "CWE-209"
    assert r.conduct.discovered.isoformat() == "2026-11-19" and r.conduct.source_ips == ["192.0.2.7", "2001:db8::1"]
    assert r.disclosure.date.isoformat() == "2027-02-01"


def test_cvss_built_from_questions(tmp_path: Path):
    answers = dict(HAPPY, cvss_mode="build", **{"cvss.AV": "N", "cvss.AC": "L", "cvss.PR": "N", "cvss.UI": "R",
                                                 "cvss.S": "C", "cvss.C": "L", "cvss.I": "L", "cvss.A": "N"})
    wizard, p = make_wizard(tmp_path, answers)
    r = check_saved(wizard.run().path).report
    assert r.vulnerability.cvss == "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"
    assert "(score 6.1 Medium)" in p.transcript


def test_ctrl_c_keeps_a_private_draft_and_resume_finishes_the_same_report(tmp_path: Path):
    wizard, _p = make_wizard(tmp_path, dict(HAPPY, title=INTERRUPT))
    with pytest.raises(Interrupted) as info:
        wizard.run()
    assert info.value.exit_code == 130 and f"new --resume {wizard.draft.id}" in info.value.message
    path = tmp_path / "home" / "drafts" / f"{wizard.draft.id}.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    # resume: the answers before the interruption are not asked again (they are not scripted here)
    rest = {k: v for k, v in HAPPY.items() if not k.startswith(("target", "reporter"))}
    resumed, p2 = make_wizard(tmp_path, rest, draft_id=wizard.draft.id)
    r = check_saved(resumed.run().path).report
    assert r.target.urls == [TARGET] and r.reporter.email == "alice@example.org"
    assert p2.asked[0] == "title" and f"Continuing draft {wizard.draft.id}" in p2.transcript
    assert "Receives the report: gemeente.example" in p2.transcript  # the lookup ran again on resume


def test_ctrl_c_before_any_answer_leaves_no_draft(tmp_path: Path):
    wizard, _ = make_wizard(tmp_path, {"target": INTERRUPT})
    with pytest.raises(Interrupted):
        wizard.run()
    assert DraftStore(tmp_path / "home").list_unfinished() == []


def test_the_draft_is_saved_after_every_answer(tmp_path: Path):
    """At each question, the answer to the question before it is already on disk."""
    store = DraftStore(tmp_path / "home")
    on_disk: dict[str, set[str]] = {}

    class Watching(ScriptedPrompter):
        def _next(self, name, message, default):
            drafts = store.list_unfinished()
            on_disk[name] = set(drafts[0].answers) if drafts else set()
            return super()._next(name, message, default)

    wizard, _ = make_wizard(tmp_path, {}, store=store)
    p = wizard.p = Watching(dict(HAPPY, finish_action="stop"))
    assert wizard.run().status == "draft"
    remembered = [n for n in p.asked if n not in ("finish_action",)]
    kept_as = {"where_ok": "_where", "where_contact": "_where"}  # the settled channel, not the answer itself
    for before, name in itertools.pairwise(remembered):
        assert kept_as.get(before, before) in on_disk[name], f"{before} not saved before {name} was asked"
    assert store.load(wizard.draft.id).answers["credit"] == "name"  # "stop" keeps the draft


def test_new_offers_to_resume_an_unfinished_draft(tmp_path: Path):
    store = DraftStore(tmp_path / "home")
    wizard, _ = make_wizard(tmp_path, dict(HAPPY, title=INTERRUPT), store=store)
    with pytest.raises(Interrupted):
        wizard.run()
    p = ScriptedPrompter({"resume_draft": wizard.draft.id})
    assert choose_draft(p, store, "en").id == wizard.draft.id
    offered = [c.title for c in p.choices["resume_draft"]]
    assert TARGET in offered[0] and offered[-1] == "No, start a new report"
    assert choose_draft(ScriptedPrompter({"resume_draft": "new"}), store, "en") is None
    assert choose_draft(ScriptedPrompter({}), DraftStore(tmp_path / "empty"), "en") is None  # nothing to offer


def test_a_lookup_that_cannot_be_made_is_accepted_with_a_warning(tmp_path: Path):
    wizard, p = make_wizard(tmp_path, HAPPY, lookup=lambda t: LookupResult(t, notes=["connection refused"]))
    check_saved(wizard.run().path)
    assert (f"Could not check {TARGET} now (connection refused); `cvd-reporter submit` checks it again"
            in p.transcript)


def test_a_crashing_lookup_does_not_crash_the_wizard(tmp_path: Path):
    def broken(target: str) -> LookupResult:
        raise RuntimeError("bug in a module merged later")

    wizard, p = make_wizard(tmp_path, HAPPY, lookup=broken)
    check_saved(wizard.run().path)
    assert "internal error (RuntimeError)" in p.transcript


def test_a_slow_lookup_shows_progress_and_waits_no_longer_than_the_timeout(tmp_path: Path):
    release = threading.Event()

    def slow(target: str) -> LookupResult:
        release.wait(10)
        return in_scope(target)

    status = Status()
    wizard, p = make_wizard(tmp_path, HAPPY, lookup=slow, timeout=0.8, status=status)
    try:
        check_saved(wizard.run().path)
    finally:
        release.set()
    assert "Looking up where to report" in status.getvalue()
    assert "no answer within --timeout 0.8 s" in p.transcript


def test_a_late_lookup_result_is_still_shown_when_it_comes(tmp_path: Path):
    release = threading.Event()

    def slow(target: str) -> LookupResult:
        release.wait(10)
        return in_scope(target)

    class ReleaseAtTitle(ScriptedPrompter):
        def _next(self, name, message, default):
            if name == "title":  # the network answers while the user types the title
                release.set()
                wizard._bg.done.wait(5)
            return super()._next(name, message, default)

    wizard, _ = make_wizard(tmp_path, {}, lookup=slow, timeout=0.6)
    p = wizard.p = ReleaseAtTitle(HAPPY)
    try:
        wizard.run()
    finally:
        release.set()
    said = p.transcript
    assert said.index("no answer within --timeout") < said.index("Receives the report: gemeente.example")


def test_the_lookup_result_is_shown_once_even_for_a_normalised_target(tmp_path: Path):
    seen: list[str] = []

    def lookup(target: str) -> LookupResult:
        seen.append(target)
        return in_scope("https://www.gemeente.example/zoeken")

    wizard, p = make_wizard(tmp_path, dict(HAPPY, target="www.gemeente.example/zoeken"), lookup=lookup)
    r = check_saved(wizard.run().path).report
    assert p.transcript.count("Receives the report") == 1 and len(seen) == 1
    assert r.target.urls == ["https://www.gemeente.example/zoeken"]


def test_a_fast_lookup_shows_no_spinner(tmp_path: Path):
    status = Status()
    wizard, _ = make_wizard(tmp_path, HAPPY, status=status)
    wizard.run()
    assert status.getvalue() == ""


def test_evidence_paths_are_relative_to_the_saved_report(tmp_path: Path):
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "request.txt").write_text("GET /zoeken?q=<script> HTTP/1.1\n")
    (tmp_path / "out").mkdir()
    answers = dict(HAPPY, save_path="out/report.yaml",
                   **{"evidence[0].path": "evidence/request.txt", "evidence[0].description": "the request",
                      "evidence[1].path": ""})
    wizard, p = make_wizard(tmp_path, answers)
    loaded = check_saved(wizard.run().path)
    assert loaded.data["evidence"] == [{"path": "../evidence/request.txt", "description": "the request"}]
    assert "request.txt: no personal data or secrets found." in p.transcript  # the real lint ran


def test_real_lint_offers_a_redacted_copy(tmp_path: Path):
    from cvd_reporter.cli.wizard_lookup import lint_text

    (tmp_path / "dump.txt").write_text("password=Hunter2Hunter2!\nIBAN NL91ABNA0417164300\n")
    answers = dict(HAPPY, **{"evidence[0].path": "dump.txt", "evidence[0].description": "",
                             "evidence[0].redact": True, "evidence[1].path": ""})
    wizard, _p = make_wizard(tmp_path, answers, lint=lint_text)
    loaded = check_saved(wizard.run().path)
    assert loaded.data["evidence"] == [{"path": "dump.redacted.txt"}]
    assert "NL91ABNA0417164300" not in (tmp_path / "dump.redacted.txt").read_text()


def test_errors_at_the_end_allow_only_change_or_stop(tmp_path: Path):
    policy = dataclasses.replace(load_policy("nl-gemeente"),
                                 required=("vulnerability.title", "vulnerability.description", "vulnerability.impact"))
    answers = dict(HAPPY, impact=Seq("", "Script runs in a resident's session."),
                   finish_action=Seq("save", "change", "save"), change_step="vulnerability")
    wizard, p = make_wizard(tmp_path, answers, policy=policy)
    with pytest.raises(UnscriptedQuestion, match="'save' is not one of the choices"):
        wizard.run()
    answers["finish_action"] = Seq("change", "save")
    wizard, p = make_wizard(tmp_path, answers, policy=policy)
    assert wizard.run().status == "saved"
    assert "vulnerability.impact is required by the policy" in p.transcript
    assert "The report cannot be sent yet" in p.transcript


def test_preview_is_the_rendered_report_when_render_exists(tmp_path: Path):
    wizard, p = make_wizard(tmp_path, HAPPY, render=lambda report, lang: f"RENDERED[{lang}] {report.vulnerability.title}")
    wizard.run()
    assert "RENDERED[nl] Reflected XSS in the search page" in p.transcript


def test_preview_is_the_text_the_organisation_will_read(tmp_path: Path):
    wizard, p = make_wizard(tmp_path, HAPPY)
    wizard.run()
    assert "Preview of the report as the organisation will read it" in p.transcript
    assert "Reflected XSS in the search page" in p.transcript
    assert "schema: cvd-report/1" not in p.transcript


def test_send_now_hands_the_saved_file_to_the_sender(tmp_path: Path):
    sent = []
    wizard, _p = make_wizard(tmp_path, dict(HAPPY, finish_action="send"),
                            send=lambda path, lang: sent.append(path) or f"Sent {path.name}.")
    outcome = wizard.run()
    assert outcome.status == "sent" and sent == [outcome.path] and outcome.path.is_file()


def test_send_now_hands_the_saved_file_to_submit(tmp_path: Path):
    sent: list[Path] = []
    wizard, _p = make_wizard(tmp_path, dict(HAPPY, finish_action="send"),
                            send=lambda path, lang: sent.append(path) or "sent by e-mail to security@gemeente.example")
    outcome = wizard.run()
    assert outcome.status == "sent" and sent == [outcome.path] and outcome.path.is_file()


def test_save_refuses_to_overwrite_an_existing_file(tmp_path: Path):
    (tmp_path / "report.yaml").write_text("mine\n")
    wizard, p = make_wizard(tmp_path, dict(HAPPY, save_path=Seq("report.yaml", "report2.yaml")))
    assert wizard.run().path.name == "report2.yaml"
    assert p.errors["save_path"] == ["report.yaml already exists; choose another name."]
    assert (tmp_path / "report.yaml").read_text() == "mine\n"


def test_own_public_key_is_checked(tmp_path: Path, zoo):
    (tmp_path / "secret.asc").write_text("-----BEGIN PGP PRIVATE KEY BLOCK-----\n...\n")
    (tmp_path / "notes.txt").write_text("hello\n")
    (tmp_path / "me.asc").write_bytes(zoo["ed25519"].armored)
    wizard, p = make_wizard(tmp_path, dict(HAPPY, reporter_pgp_key=Seq("secret.asc", "notes.txt", "me.asc")))
    wizard.clock = lambda: dt.datetime.now(dt.timezone.utc)  # the zoo's keys are made by gpg during this run
    r = check_saved(wizard.run().path).report
    assert p.errors["reporter_pgp_key"] == ["secret.asc holds a PRIVATE key; give your public key only.",
                                            "notes.txt does not look like an OpenPGP public key."]
    assert r.reporter.pgp_key == str(tmp_path / "me.asc")


def test_an_unscripted_question_fails_the_test_loudly(tmp_path: Path):
    answers = {k: v for k, v in HAPPY.items() if k != "title"}
    wizard, _ = make_wizard(tmp_path, answers)
    with pytest.raises(UnscriptedQuestion, match="'title'"):
        wizard.run()
    assert os.path.exists(tmp_path / "home" / "drafts")


def test_open_wizard_offers_the_unfinished_draft_and_resumes_by_id(tmp_path: Path):
    from cvd_reporter.app.context import Context
    from cvd_reporter.cli.wizard import open_wizard
    from cvd_reporter.errors import StoreError
    from cvd_reporter.settings import load_settings

    settings = Context(load_settings({"home": str(tmp_path / "home")}))
    store = DraftStore(tmp_path / "home")
    first, _ = make_wizard(tmp_path, dict(HAPPY, title=INTERRUPT), store=store)
    with pytest.raises(Interrupted):
        first.run()
    offered = open_wizard(settings, lang="en", prompter=ScriptedPrompter({"resume_draft": first.draft.id}))
    assert offered.draft.id == first.draft.id and offered.answers["target"] == TARGET
    fresh = open_wizard(settings, lang="en", prompter=ScriptedPrompter({"resume_draft": "new"}))
    assert fresh.draft.id != first.draft.id and fresh.answers == {}
    by_id = open_wizard(settings, lang="en", prompter=ScriptedPrompter({}), resume_id=first.draft.id)
    assert by_id.answers["reporter_email"] == "alice@example.org"
    with pytest.raises(StoreError, match="There is no draft 20261120-abcdef"):
        open_wizard(settings, lang="en", prompter=ScriptedPrompter({}), resume_id="20261120-abcdef")


def test_the_preview_states_the_organisations_own_promise_as_submit_will(tmp_path: Path):
    """The wizard's preview is rendered with the organisation's profile (here the answer time the
    report's organisation block carries, as the where step fills it from a policy page)."""
    from cvd_reporter.app.context import Context
    from cvd_reporter.app.reportfile import load_report_file
    from cvd_reporter.cli.wizard import open_wizard
    from cvd_reporter.settings import load_settings
    from tests.support.municipality import write_report

    ctx = Context(load_settings({"home": str(tmp_path / "home")}))
    wizard = open_wizard(ctx, lang="nl", prompter=ScriptedPrompter({"resume_draft": "new"}))
    report = load_report_file(write_report(tmp_path / "r", organisation={"response": "48 office hours"}),
                              lang="nl").report
    preview = wizard.render(report, "nl")
    assert "48 kantooruren" in preview and "5 werkdagen" not in preview
