"""`submit REPORT --via phone`: an organisation that can only be reached by phone.

The call asks for a secure channel; the report does not travel over it (core/phone.py writes the
script of what to say and what not to say). When the reporter confirms the call, the record keeps it
as an attempt at contact: channel ``phone``, the number, the time, and the person they spoke to if
they give the name. The report's state does not change: it has not left yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cvd_reporter.app.context import Context
from cvd_reporter.app.forms import Prepared, check_reference, form_language, prepare, record_attempt
from cvd_reporter.core.phone import phone_script
from cvd_reporter.errors import ValidationError

KIND = "phone_call"
MAX_NAME = 200


@dataclass
class CallPlan:
    prepared: Prepared
    script: str

    @property
    def number(self) -> str:
        return self.prepared.contact.value

    def to_dict(self) -> dict[str, Any]:
        return {**self.prepared.base_dict(), "script": self.script}


def prepare_call(path: Path, *, ctx: Context, lang: str, policy_name: str | None = None,
                 allow_private: bool = False) -> CallPlan:
    """The number to call and the script, in the organisation's language; the script does not name
    the system (core/phone.py can, once the reporter may choose to)."""
    p = prepare(path, "phone", ctx=ctx, lang=lang, policy_name=policy_name, allow_private=allow_private)
    report = p.checked.loaded.report
    reporter = report.reporter
    script = phone_script(form_language(report, p.host, lang), number=p.contact.value, organisation=p.organisation,
                          report_id=p.report_id, reporter_name=None if reporter.anonymous else reporter.name)
    return CallPlan(p, script)


def check_name(name: str | None) -> str | None:
    if name is None or not name.strip():
        return None
    text = " ".join(name.split())
    if len(text) > MAX_NAME or any(not ch.isprintable() for ch in text):
        raise ValidationError.t("phone.bad_name", code="bad_name", limit=MAX_NAME)
    return text


def record_call(plan: CallPlan, *, ctx: Context, at: dt.datetime, spoke_to: str | None,
                reference: str | None = None) -> None:
    """The call happened at ``at``: an attempt at contact in the record (the state stays as it is)."""
    name = check_name(spoke_to)
    record_attempt(plan.prepared, ctx=ctx, at=at, kind=KIND, recipient=plan.number,
                   reference=check_reference(reference), answer=f"spoke to {name}" if name else None,
                   plaintext_sha256=None)
