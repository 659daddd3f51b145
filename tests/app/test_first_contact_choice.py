"""Who picks the way on without a usable key (app/first_contact.decide): the reporter, never --yes.

The terminal is the one part played here by a function (the chooser the CLI builds from click prompts);
what it is offered, in which order, and what it is shown before plaintext is what the test checks."""

from __future__ import annotations

import pytest

from cvd_reporter.app.first_contact import FIRST_CONTACT, FORM, PLAINTEXT, STOP, decide, no_usable_key
from cvd_reporter.errors import DiscoveryError, InputNeeded, KeyProblem

NO_KEY = DiscoveryError("No OpenPGP key was found for this organisation.", code="no_key")
FORMS = ["https://www.gemeente.test/melden"]


def _decide(**changes):
    args = {"lang": "en", "asked_first_contact": False, "allow_plaintext": False, "choose": None, "forms": [],
            "cleartext": "", "known": None, "error": NO_KEY}
    args.update(changes)
    return decide(**args)


def test_a_terminal_is_offered_the_first_contact_first_and_the_form_where_there_is_one():
    offered = []

    def choose(choices, why):
        offered.append((choices, why))
        return choices[0]

    assert _decide(choose=choose, forms=FORMS) == FIRST_CONTACT
    (choices, why), = offered
    assert choices == [FIRST_CONTACT, FORM, PLAINTEXT, STOP] and "Recommended" in why


def test_allow_plaintext_on_a_terminal_shows_the_clear_text_and_still_offers_the_first_contact():
    seen = []
    picked = _decide(allow_plaintext=True, cleartext="THE WHOLE REPORT TEXT",
                     choose=lambda choices, why: seen.append((choices, why)) or PLAINTEXT)
    assert picked == PLAINTEXT
    (choices, why), = seen
    assert choices[0] == FIRST_CONTACT and why.endswith("THE WHOLE REPORT TEXT") and "in the clear" in why


def test_stopping_on_the_terminal_sends_nothing():
    with pytest.raises(InputNeeded, match="Nothing was sent"):
        _decide(choose=lambda choices, why: STOP)


def test_without_a_terminal_only_a_flag_picks():
    assert _decide(asked_first_contact=True) == FIRST_CONTACT
    assert _decide(allow_plaintext=True) == PLAINTEXT
    with pytest.raises(KeyProblem) as e:
        _decide()
    assert e.value.exit_code == 6 and "--via form" not in e.value.message  # no form: not offered
    assert e.value.data["choices"] == ["--first-contact", "--allow-plaintext"]


def test_trust_problems_are_never_answered_by_a_first_contact():
    assert no_usable_key(NO_KEY) and no_usable_key(KeyProblem("Key X cannot be used: expired.", code="expired"))
    assert not no_usable_key(KeyProblem("The pinned key changed.", code="pin_changed"))
    assert not no_usable_key(DiscoveryError("No security.txt.", code="no_security_txt"))
