"""The script for an organisation that can only be reached by phone.

Pure. A phone line is not a place for the details of a vulnerability: whoever answers (a service desk,
a switchboard, a voicemail) writes down what they hear, and nobody can check who is listening. The
call asks for a secure channel (an address with a public OpenPGP key, or another encrypted way) and
for the person who handles security reports; the report itself goes there afterwards.
"""

from __future__ import annotations

from cvd_reporter.core.i18n import N_, translator

_SAY = (N_("phone.say_who"), N_("phone.say_found"), N_("phone.say_ask_channel"), N_("phone.say_ask_name"),
        N_("phone.say_report_id"))
_DONT = (N_("phone.dont_details"), N_("phone.dont_data"), N_("phone.dont_voicemail"), N_("phone.dont_send"))


def phone_script(lang: str, *, number: str, organisation: str, report_id: str, reporter_name: str | None,
                 host: str | None = None) -> str:
    """What to say and what not to say on the call, in ``lang``. ``host`` (the system's host name) is
    named only when the reporter chose to; the title, path and evidence never appear."""
    t = translator(lang)
    who = reporter_name or t("phone.you")
    what = t("phone.system_named", host=host) if host else t("phone.system_unnamed")
    lines = [t("phone.heading", organisation=organisation, number=number), "", t("phone.say") + ":"]
    lines += [f"  - {t(key, name=who, system=what, id=report_id)}" for key in _SAY]
    lines += ["", t("phone.dont") + ":"]
    lines += [f"  - {t(key)}" for key in _DONT]
    lines += ["", t("phone.after")]
    return "\n".join(lines)
