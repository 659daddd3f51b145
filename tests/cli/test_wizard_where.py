"""Where before what (issue 13): right after the target the wizard says where the report will go and
where that was found, and the reporter confirms it or names the contact (or a directory name); the
draft is kept at every point. Driven by the ScriptedPrompter like tests/cli/test_wizard.py; the
directory is the real bundled one, the look-ups are injected (the loopback ones are in
test_wizard_where_loopback.py)."""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path

import pytest

from cvd_reporter.app.directory import load_bundled
from cvd_reporter.cli.prompter import INTERRUPT, Seq
from cvd_reporter.cli.wizard_lookup import LookupResult
from cvd_reporter.core.directory import find
from cvd_reporter.errors import DiscoveryError, Interrupted
from cvd_reporter.store.drafts import DraftStore
from tests.support.wizard import HAPPY, TARGET, check_saved, make_wizard

PAGE = "https://www.gemeente.example/bestuur/kwetsbaarheid-melden"


def from_policy_page(target: str) -> LookupResult:
    """No security.txt; the home page links to a CVD page naming a shared service's address."""
    source = {"kind": "policy_page", "url": PAGE, "seen": "2026-11-20"}
    return LookupResult(
        target, verdict="in_scope", organisation="gemeente.example",
        where=[{"uri": "mailto:ciso@werkorganisatie.example", "kind": "email", "value": "ciso@werkorganisatie.example",
                "source": {"kind": "policy_page", "url": PAGE, "seen": "2026-11-20"}}],
        organisation_block={"contact": ["mailto:ciso@werkorganisatie.example"], "policy_url": PAGE,
                            "subject": "Melding kwetsbaarheid", "response": "3 working days",
                            "source": {"contact": source, "policy_url": source, "subject": source,
                                       "response": source}})


def nothing(target: str) -> LookupResult:
    return LookupResult(target, verdict="in_scope", organisation="gemeente.example")


def with_directory(wizard):
    entries, owners = load_bundled()
    wizard.find_in_directory, wizard.owners = (lambda name: find(entries, name)), owners
    return wizard


def test_the_channel_found_on_a_policy_page_is_confirmed_before_any_other_question(tmp_path: Path):
    wizard, p = make_wizard(tmp_path, HAPPY, lookup=from_policy_page)
    r = check_saved(wizard.run().path).report
    said = p.transcript
    assert p.asked[:3] == ["target", "where_ok", "reporter_name"]
    assert "This is where your report will go:\n  e-mail: ciso@werkorganisatie.example" in said
    assert f"found on {PAGE}" in said
    assert "ciso@werkorganisatie.example is on werkorganisatie.example, not on gemeente.example" in said
    assert "required subject: Melding kwetsbaarheid" in said and "promised answer: within 3 working days" in said
    o = r.organisation
    assert o.contact == ["mailto:ciso@werkorganisatie.example"] and o.policy_url == PAGE
    assert {k: str(v) for k, v in o.source["contact"].items()} == {"kind": "policy_page", "url": PAGE,
                                                                   "seen": "2026-11-20"}
    assert (o.subject, o.response) == ("Melding kwetsbaarheid", "3 working days")


def test_a_security_txt_contact_is_shown_with_its_file_and_left_for_submit_to_read_again(tmp_path: Path):
    wizard, p = make_wizard(tmp_path, HAPPY)  # in_scope: a security.txt naming security@gemeente.example
    r = check_saved(wizard.run().path).report
    assert ("e-mail: security@gemeente.example\n  found in the security.txt at "
            "https://www.gemeente.example/.well-known/security.txt") in p.transcript
    assert p.asked.index("where_ok") < p.asked.index("reporter_name")
    assert r.organisation.contact == [] and "contact" not in r.organisation.source


def test_nothing_found_asks_for_the_contact_and_keeps_it_as_the_reporters_own(tmp_path: Path):
    answers = dict(HAPPY, where_contact=Seq("http://gemeente.example/melden", "ciso@werkorganisatie.example"))
    wizard, p = make_wizard(tmp_path, answers, lookup=nothing)
    r = check_saved(wizard.run().path).report
    assert "No contact found for this organisation" in p.transcript
    assert p.errors["where_contact"] == ["http://gemeente.example/melden is not encrypted (http://); give the "
                                         "https:// address."]  # asked again with the reason
    assert p.asked[:4] == ["target", "where_contact", "where_contact", "reporter_name"] and "where_ok" not in p.asked
    assert r.organisation.contact == ["mailto:ciso@werkorganisatie.example"]
    assert r.organisation.source == {}  # the reporter's own value: no source


def test_saying_no_asks_for_another_channel_a_directory_name_shows_its_page_and_age(tmp_path: Path):
    answers = dict(HAPPY, where_ok=Seq(False, True), where_contact=Seq("Gemeente Nergenshuizen", "westervoort"),
                   discovered="2026-11-20")
    wizard, p = make_wizard(tmp_path, answers, lookup=from_policy_page)
    with_directory(wizard)
    wizard.today = dt.date(2027, 1, 6)  # a month after the bundled entries were seen
    r = check_saved(wizard.run().path).report
    said = p.transcript
    assert p.errors["where_contact"][0].startswith(
        "Gemeente Nergenshuizen is not an address and the directory has no organisation by that name")
    entry = find(load_bundled()[0], "westervoort")[0]
    seen = entry.source["seen"]
    days = (wizard.today - dt.date.fromisoformat(seen)).days
    assert days > 0
    assert f"from the directory: entry Gemeente Westervoort, seen {seen}, {days} days old" in said
    assert "the entry's page: https://www.westervoort.nl/responsible-disclosure" in said
    assert "ciso@1stroom.nl is on 1stroom.nl, not on gemeente.example: 1stroom.nl belongs to 1Stroom" in said
    o = r.organisation
    assert o.contact == ["mailto:ciso@1stroom.nl"]
    assert {k: str(v) for k, v in o.source["contact"].items()} == {
        "kind": "directory", "url": "https://www.westervoort.nl/responsible-disclosure", "seen": seen,
        "entry": "Gemeente Westervoort"}


def test_empty_means_decide_later_and_the_wizard_goes_on(tmp_path: Path):
    wizard, p = make_wizard(tmp_path, HAPPY, lookup=nothing)
    r = check_saved(wizard.run().path).report
    assert "`cvd-reporter submit` looks again before anything is sent" in p.transcript
    assert r.organisation.contact == []


@pytest.mark.parametrize("question", ["where_ok", "where_contact"])
def test_ctrl_c_while_settling_where_keeps_the_draft_and_resume_asks_where_again(tmp_path: Path, question: str):
    lookup = from_policy_page if question == "where_ok" else nothing
    wizard, _ = make_wizard(tmp_path, dict(HAPPY, **{question: INTERRUPT}), lookup=lookup)
    with pytest.raises(Interrupted) as info:
        wizard.run()
    assert info.value.exit_code == 130 and f"new --resume {wizard.draft.id}" in info.value.message
    store = DraftStore(tmp_path / "home")
    assert store.load(wizard.draft.id).answers["target"] == TARGET  # kept, never deleted
    resumed, p2 = make_wizard(tmp_path, {k: v for k, v in HAPPY.items() if k != "target"}, draft_id=wizard.draft.id,
                              lookup=lookup)
    check_saved(resumed.run().path)
    assert p2.asked[0] == question  # where is settled before anything else


def test_ctrl_c_after_where_is_settled_keeps_the_channel_in_the_draft(tmp_path: Path):
    wizard, _ = make_wizard(tmp_path, dict(HAPPY, reporter_name=INTERRUPT), lookup=from_policy_page)
    with pytest.raises(Interrupted):
        wizard.run()
    kept = DraftStore(tmp_path / "home").load(wizard.draft.id).answers["_where"]
    assert kept["contact"] == ["mailto:ciso@werkorganisatie.example"] and kept["source"]["contact"]["url"] == PAGE
    resumed, p2 = make_wizard(tmp_path, {k: v for k, v in HAPPY.items() if k not in ("target", "where_ok")},
                              draft_id=wizard.draft.id, lookup=from_policy_page)
    r = check_saved(resumed.run().path).report
    assert "where_ok" not in p2.asked and r.organisation.contact == ["mailto:ciso@werkorganisatie.example"]


def test_a_form_only_channel_offers_save_not_send(tmp_path: Path):
    answers = dict(HAPPY, where_contact="https://gemeente.example/meldformulier")
    wizard, p = make_wizard(tmp_path, answers, lookup=nothing)
    r = check_saved(wizard.run().path).report
    assert "send" not in [c.value for c in p.choices["finish_action"]]
    assert "`cvd-reporter submit FILE --via form` (or `--via phone`) prepares what to paste" in p.transcript
    assert r.organisation.contact == ["https://gemeente.example/meldformulier"]


def test_a_lookup_that_answers_late_is_offered_after_decide_later(tmp_path: Path):
    release = threading.Event()

    def slow(target: str) -> LookupResult:
        release.wait(10)
        return from_policy_page(target)

    answers = dict(HAPPY, where_contact="", where_ok=True)
    wizard, p = make_wizard(tmp_path, answers, lookup=slow, timeout=0.5)
    original = p._next

    def at_title(name, message, default):
        if name == "title":
            release.set()
            wizard._bg.done.wait(5)
        return original(name, message, default)

    p._next = at_title
    try:
        r = check_saved(wizard.run().path).report
    finally:
        release.set()
    assert p.asked.index("where_contact") < p.asked.index("title") < p.asked.index("where_ok")
    assert r.organisation.contact == ["mailto:ciso@werkorganisatie.example"]


def test_a_failed_send_says_where_the_report_file_is(tmp_path: Path):
    def refuse(path: Path, lang: str) -> str:
        raise DiscoveryError("No key for ciso@werkorganisatie.example.", code="no_key")

    wizard, _ = make_wizard(tmp_path, dict(HAPPY, finish_action="send"), lookup=from_policy_page, send=refuse)
    with pytest.raises(DiscoveryError) as info:
        wizard.run()
    saved = tmp_path / "report.yaml"
    assert info.value.exit_code == 5 and saved.is_file()
    assert f"The report is saved in {saved}; `cvd-reporter submit {saved}` sends it" in info.value.message


def test_dutch_where_questions(tmp_path: Path):
    wizard, p = make_wizard(tmp_path, HAPPY, lookup=from_policy_page, lang="nl")
    wizard.run()
    assert p.messages["where_ok"] == "Is dit waar uw melding heen moet?"
    assert f"Hier gaat uw melding heen:\n  e-mailadres: ciso@werkorganisatie.example\n  gevonden op {PAGE}" in p.transcript



def test_ctrl_c_while_the_search_runs_keeps_the_draft(tmp_path: Path):
    """Ctrl-C during the wait for the search: the KeyboardInterrupt comes through the spinner's stream
    (where the main thread is while it waits), as the signal would."""
    release = threading.Event()

    def slow(target: str) -> LookupResult:
        release.wait(10)
        return from_policy_page(target)

    class CtrlCAtTheSpinner(io.StringIO):
        def write(self, text: str) -> int:
            raise KeyboardInterrupt

    wizard, p = make_wizard(tmp_path, HAPPY, lookup=slow, timeout=5, status=CtrlCAtTheSpinner())
    try:
        with pytest.raises(Interrupted) as info:
            wizard.run()
    finally:
        release.set()
    assert info.value.exit_code == 130 and p.asked == ["target"]
    kept = DraftStore(tmp_path / "home").load(wizard.draft.id).answers
    assert kept["target"] == TARGET and "_where" not in kept


def test_changing_the_target_settles_where_again_and_asks_once(tmp_path: Path):
    def lookup(target: str) -> LookupResult:
        return from_policy_page(target) if "loket" in target else nothing(target)

    answers = dict(HAPPY, finish_action=Seq("change", "save"), change_step="target",
                   target=Seq(TARGET, "https://loket.gemeente.example/"))
    wizard, p = make_wizard(tmp_path, answers, lookup=lookup)
    r = check_saved(wizard.run().path).report
    assert p.asked.count("where_contact") == 1 and p.asked.count("where_ok") == 1
    assert p.asked.index("where_ok") > p.asked.index("finish_action")  # asked for the new target
    assert r.organisation.contact == ["mailto:ciso@werkorganisatie.example"]
