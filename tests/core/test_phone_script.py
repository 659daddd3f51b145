"""The phone script: what to say to get a secure channel, and no detail of the report."""

from __future__ import annotations

from cvd_reporter.core.phone import phone_script


def test_the_script_names_number_and_report_id_but_no_system_unless_asked():
    text = phone_script("nl", number="+31201234567", organisation="Gemeente Voorbeeld", report_id="cvd-abc",
                        reporter_name="Alex")
    assert "+31201234567" in text and "cvd-abc" in text and "Alex" in text
    assert "Zeg niet" in text and "OpenPGP" in text
    assert "gemeente.test" not in text and "een van uw systemen" in text
    named = phone_script("en", number="+31201234567", organisation="Gemeente Voorbeeld", report_id="cvd-abc",
                         reporter_name=None, host="www.gemeente.test")
    assert "the system www.gemeente.test" in named and "Do not say" in named and "your name" in named
