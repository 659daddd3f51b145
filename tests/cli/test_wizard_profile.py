"""The wizard's checks use the organisation's own profile once the where-step knows the organisation
(the answer time it promised, the techniques it forbids), not the generic policy until the end.

The organisation's profile is the reporter's saved profile in the config folder, read by the same
function `submit` uses (app/profiles.organisation_policy)."""

from __future__ import annotations

from pathlib import Path

import yaml

from cvd_reporter.app.profiles import organisation_policy
from cvd_reporter.cli.prompter import Seq
from cvd_reporter.settings import load_settings
from tests.support.wizard import HAPPY, check_saved, make_wizard


def _profiled(tmp_path: Path, **values):
    folder = tmp_path / "xdg-config" / "cvd-reporter" / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "gemeente-example.yaml").write_text(
        yaml.safe_dump(dict(organisation="Gemeente Example", hosts=["gemeente.example"], **values)), "utf-8")
    settings = load_settings({})

    def profiled(report):
        return organisation_policy(report, policy_name=None, default="nl-gemeente", settings=settings,
                                   home=tmp_path / "home")
    return profiled


def test_the_publication_date_is_checked_against_the_organisations_own_answer_time(tmp_path: Path):
    # TODAY is Friday 2026-11-20. The generic policy's 5 working days end on 2026-11-27; this
    # organisation promised 10 working days, due Friday 2026-12-04, so 2026-11-30 is too early.
    profiled = _profiled(tmp_path, response={"amount": 10, "unit": "working_days"})
    answers = dict(HAPPY, disclosure_intent="date", disclosure_date=Seq("2026-11-30", "2026-12-07"))
    wizard, p = make_wizard(tmp_path, answers, profiled=profiled)
    outcome = wizard.run()
    assert check_saved(outcome.path).report.disclosure.date.isoformat() == "2026-12-07"
    (error,) = p.errors["disclosure_date"]
    assert "2026-12-04" in error and "2026-12-05" in error


def test_without_a_profile_of_its_own_the_generic_answer_time_still_holds(tmp_path: Path):
    answers = dict(HAPPY, disclosure_intent="date", disclosure_date="2026-11-30")
    wizard, p = make_wizard(tmp_path, answers, profiled=_profiled(tmp_path))
    assert check_saved(wizard.run().path).report.disclosure.date.isoformat() == "2026-11-30"
    assert "disclosure_date" not in p.errors


def test_the_preview_warns_about_a_forbidden_technique_the_report_describes(tmp_path: Path):
    answers = dict(HAPPY, steps="1. I brute-forced the admin PIN with hydra\n2. The admin panel opened")
    wizard, p = make_wizard(tmp_path, answers, profiled=_profiled(tmp_path, forbidden=["brute-force"]))
    wizard.run()
    preview = p.transcript
    assert "I brute-forced the admin PIN with hydra" in preview and "no legal action" in preview
    assert "your correction" in preview  # the organisation's own word, with where it came from
