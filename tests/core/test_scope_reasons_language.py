"""Scope reasons are English text where they are stored (JSON, logs) and keep their catalogue id, so
the scope table, submit's refusal and the wizard say them in the reader's language."""

from __future__ import annotations

import copy
import pickle

from cvd_reporter.core.i18n import say
from cvd_reporter.core.scope import Reason, Reasons, say_reason
from cvd_reporter.errors import ScopeError


def test_a_reason_is_english_text_and_says_itself_in_dutch_with_the_policys_note_unchanged():
    r = Reason("scope.reason.excluded_host", host="intern.gemeente.nl", rule="*.intern.gemeente.nl",
               note="Interne systemen vallen buiten dit beleid", contact="mailto:ict@gemeente.nl")
    assert r == ("intern.gemeente.nl is excluded by the policy (*.intern.gemeente.nl). Interne systemen "
                 "vallen buiten dit beleid. Contact for that application: mailto:ict@gemeente.nl.")
    assert say_reason(r, "nl") == ("intern.gemeente.nl is door het beleid uitgesloten (*.intern.gemeente.nl). "
                                   "Interne systemen vallen buiten dit beleid. Contact voor die toepassing: "
                                   "mailto:ict@gemeente.nl.")
    assert say_reason("a policy's own words", "nl") == "a policy's own words"
    assert copy.deepcopy(r).say("nl") == pickle.loads(pickle.dumps(r)).say("nl") == r.say("nl")


def test_several_reasons_inside_an_error_are_said_in_the_errors_language():
    reasons = Reasons([Reason("scope.reason.ip_in_no_network", addr="198.51.100.1"), "Zie het beleid."])
    error = ScopeError.t("scope.refused.out_of_scope", target="198.51.100.1", reasons=reasons)
    assert "198.51.100.1 is in none of the networks the policy lists.; Zie het beleid." in error.message
    assert "198.51.100.1 ligt in geen van de netwerken die het beleid noemt.; Zie het beleid." in error.say("nl")
    assert "binnen de scope valt, is onbekend: 198.51.100.1 ligt in geen" in say(
        "nl", "scope.unknown_warning", target="198.51.100.1", reasons=reasons)
