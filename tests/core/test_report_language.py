"""The report's language follows the organisation, the questions follow the reporter (issue 17)."""

from __future__ import annotations

from cvd_reporter.core.report_language import REASONS, choose


def pick(**kw):
    base = {"asked": None, "in_file": None, "preferred": [], "host": "www.example.org", "policy_id": None,
            "ui_lang": "en"}
    return choose(**{**base, **kw})


def test_the_organisations_preferred_language_wins_over_the_reporters():
    assert pick(preferred=["nl", "en"], ui_lang="en") == ("nl", "preferred_languages")
    assert pick(preferred=["de", "en-GB"], ui_lang="nl") == ("en", "preferred_languages")  # first one we can write


def test_a_dutch_body_gets_dutch_when_it_names_no_language():
    assert pick(host="www.gemeente.nl", ui_lang="en") == ("nl", "dutch_organisation")
    assert pick(policy_id="nl-gemeente", ui_lang="en") == ("nl", "dutch_organisation")


def test_the_reporter_can_overrule_and_the_file_is_kept_to():
    assert pick(asked="en", in_file="nl", preferred=["nl"], host="x.nl") == ("en", "asked")
    assert pick(in_file="en", preferred=["nl"], host="x.nl") == ("en", "report_file")


def test_without_any_sign_the_report_is_in_the_reporters_language():
    assert pick(ui_lang="nl") == ("nl", "your_language")
    assert pick(preferred=["fr"], ui_lang="en") == ("en", "your_language")
    assert set(REASONS) == {"asked", "report_file", "preferred_languages", "dutch_organisation", "your_language"}
