"""`submit REPORT --via form`: a report for an organisation whose channel is a web form or platform.

cvd-reporter cannot fill in somebody's form (forms change, have captchas, and the reporter must see
what they send), so it prepares what the reporter pastes: the report field by field in the form's
language, within common field limits (core/forms.py), the evidence to upload, the personal-data lint's
findings; it opens the form in the browser (Python's ``webbrowser``, which honours the ``BROWSER``
variable) and records the report as sent through that form, at that time, with the confirmation or
ticket number the form gave. A form is protected by TLS on the way, not end-to-end encrypted.

Where the form comes from: the report's own ``organisation.contact`` (an ``https:`` entry), else the
contact search of app/contacts.py (security.txt, policy page, well-known paths, the directory).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cvd_reporter.app.contacts import search_contacts
from cvd_reporter.app.context import Context
from cvd_reporter.app.dispatch import RecordSession, find_report, how_it_left, left_already
from cvd_reporter.app.profiles import organisation_policy
from cvd_reporter.app.reportfile import CheckedReport, check_report, load_report_file
from cvd_reporter.app.scoping import check_targets
from cvd_reporter.app.submit import attachment_list, report_id_for
from cvd_reporter.core.contacts import FoundContact, Provenance, contact_kind, kind_of
from cvd_reporter.core.display import printable
from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.core.findings import Finding
from cvd_reporter.core.forms import FormText, render_form
from cvd_reporter.core.i18n import N_, Phrase, say
from cvd_reporter.core.scope import Reasons
from cvd_reporter.core.target import parse_target
from cvd_reporter.errors import DiscoveryError, ScopeError, ValidationError

KINDS = {"form": ("form", "platform"), "phone": ("phone",)}
MAX_REFERENCE = 200


@dataclass
class Prepared:
    """What every non-mail channel needs: the checked report, where it goes, and the record's facts."""

    report_id: str
    channel: str  # form | phone
    contact: FoundContact
    organisation: str
    host: str
    checked: CheckedReport
    policy_id: str
    calendar: str
    response_days: int | None
    target: str
    previous: str | None = None  # "Report X already left on D ..." when the record shows it left
    warnings: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    scope: list[dict[str, Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.contact.value

    def record_facts(self) -> dict[str, Any]:
        c = self.checked
        return {"organisation": self.organisation, "target": self.target, "report_path": str(c.loaded.path),
                "policy": self.policy_id, "calendar": self.calendar, "response_days": self.response_days,
                "evidence_paths": [str(e.path) for e in c.evidence]}

    def base_dict(self) -> dict[str, Any]:
        return {"report_id": self.report_id, "channel": self.channel, "recipient": self.contact.value,
                "contact": self.contact.to_dict(), "contact_source": self.contact.source.describe(),
                "organisation": self.organisation, "policy": self.policy_id,
                "response_working_days": self.response_days, "already_sent": self.previous,
                "warnings": self.warnings, "scope": self.scope}


@dataclass
class FormPlan:
    prepared: Prepared
    form: FormText
    attachments: list[dict[str, Any]]

    @property
    def sha256(self) -> str:
        """The SHA-256 of the fields as pasted: the record's proof of what left through the form."""
        return hashlib.sha256(self.form.pasted().encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {**self.prepared.base_dict(), "language": self.form.lang,
                "fields": [f.to_dict() for f in self.form.fields], "evidence": self.attachments,
                "problems": self.form.problems, "plaintext_sha256": self.sha256, "end_to_end_encrypted": False}

    def sheet(self, lang: str) -> str:
        """The paste sheet for the terminal: each field, its parts when too long, the files to upload."""
        p = self.prepared
        lines = [say(lang, "form.sheet_heading", id=p.report_id, url=printable(p.url)),
                 say(lang, "form.sheet_source", source=printable(p.contact.source.describe(lang))), ""]
        for f in self.form.fields:
            lines.append(f"== {f.label} ({len(f.value):,}" + (f"/{f.limit:,}" if f.limit else "") + ")")
            if f.parts:
                for part in f.parts:
                    lines += [printable(part), ""]
            else:
                lines += [printable(f.value), ""]
        if self.attachments:
            lines.append("== " + say(lang, "form.upload"))
            lines += [f"  {printable(a['resolved'])} ({a['size']:,} bytes, SHA-256 {a['sha256'][:16]}…)"
                      for a in self.attachments]
            lines.append("")
        lines += [say(lang, "form.warning_prefix", text=w) for w in [*self.form.problems, *p.warnings]]
        return "\n".join(lines).rstrip()


# ---------------------------------------------------------------------------- preparing
def _own_contacts(report: Any) -> list[FoundContact]:
    """The report's own ``organisation.contact`` entries, with the source the report gives for them."""
    src = report.organisation.source.get("contact") if report.organisation.source else None
    provenance = Provenance(src.get("kind", "reporter"), src.get("url"), str(src["seen"]) if src.get("seen") else None,
                            src.get("entry")) if src else Provenance("reporter")
    return [FoundContact(u.strip(), kind_of(u), provenance) for u in report.organisation.contact if contact_kind(u)]


def _find_contact(channel: str, report: Any, *, target: str, host: str, ctx: Context, fetcher: Any,
                  now: dt.datetime, discoveries: dict[str, Any]) -> FoundContact:
    kinds = KINDS[channel]
    mine = [c for c in _own_contacts(report) if c.kind in kinds]
    if mine:
        return mine[0]
    known = discoveries.get(host)
    error = known if isinstance(known, DiscoveryError) else None
    found = search_contacts(target, fetcher, now=now, home=ctx.home, discovery=None if error else known,
                            discovery_error=error)
    theirs = [c for c in found.contacts if c.kind in kinds]
    if not theirs:
        others = ", ".join(c.uri for c in found.contacts) or "-"
        msgid = N_("forms.no_form") if channel == "form" else N_("forms.no_phone")
        raise DiscoveryError.t(msgid, code=f"no_{channel}_contact",
                               data={"host": host, "search": found.to_dict()}, host=host, others=others)
    return theirs[0]


def prepare(path: Path, channel: str, *, ctx: Context, lang: str, policy_name: str | None = None,
            allow_private: bool = False, strict_scope: bool = False) -> Prepared:
    """Read and check the report (errors refuse, like submit), check the scope, find the form or number,
    and say whether the record shows the report as sent already."""
    now = ctx.clock()
    loaded = load_report_file(path, lang=lang)
    # the organisation's profile (its promised answer time, ...) over the generic policy: app/profiles.py
    policy = organisation_policy(loaded.report, policy_name=policy_name, default=ctx.settings.policy,
                                 settings=ctx.settings, home=ctx.home)
    checked = check_report(loaded, policy=policy, lang=lang, today=now.date())
    report = loaded.report
    errors = [f for f in checked.findings if f.severity == "error"]
    if errors and channel == "form":
        raise ValidationError.t("submit.report_errors", n=len(errors), path=str(path),
                                data={"findings": [f.to_dict() for f in checked.findings]})
    rid = report_id_for(report.to_dict(), report.id)
    fetcher = ctx.network.fetcher(allow_private=allow_private)
    target = str((report.target.urls or report.target.ips or [report.organisation.domain or ""])[0])
    host = parse_target(target).host
    discoveries: dict[str, Any] = {}
    verdicts = check_targets([*report.target.urls, *report.target.ips], policy_scope=policy.scope, ctx=ctx,
                             fetcher=fetcher, now=now, discoveries=discoveries)
    warnings = [f.message for f in checked.findings if f.severity == "warning"]
    for v in verdicts:
        if v.verdict == "out_of_scope" or (strict_scope and v.verdict == "unknown"):
            refused = N_("scope.refused.out_of_scope") if v.verdict == "out_of_scope" else N_("scope.refused.unknown")
            raise ScopeError.t(refused,
                               data={"scope": [x.to_dict() for x in verdicts]}, target=v.target.original,
                               reasons=Reasons(v.reasons))
        if v.verdict == "unknown":
            warnings.append(say(lang, "scope.unknown_warning", target=v.target.original, reasons=Reasons(v.reasons)))
    contact = _find_contact(channel, report, target=target, host=host, ctx=ctx, fetcher=fetcher, now=now,
                            discoveries=discoveries)
    previous = None
    with RecordSession(ctx.home) as records:
        known = find_report(records.existing(), rid)
        if known is not None and left_already(known):
            when, how = how_it_left(known)
            previous = Phrase("app.forms.already_left", id=rid, when=when, how=how)
    return Prepared(rid, channel, contact, report.organisation.name or registrable_domain(host) or host, host,
                    checked, policy.id, policy.calendar, policy.response_working_days, target, previous,
                    warnings, [f for f in checked.findings if f.severity != "info"],
                    [v.to_dict() for v in verdicts])


def form_language(report: Any, host: str, ui_lang: str) -> str:
    """The form's language: the report's own, else Dutch for a .nl organisation, else the user's."""
    if report.language in ("nl", "en"):
        return str(report.language)
    return "nl" if host.lower().rstrip(".").endswith(".nl") else ("nl" if ui_lang == "nl" else "en")


def prepare_form(path: Path, *, ctx: Context, lang: str, policy_name: str | None = None,
                 allow_private: bool = False, strict_scope: bool = False) -> FormPlan:
    """The paste sheet for the organisation's form (nothing leaves, nothing is recorded)."""
    p = prepare(path, "form", ctx=ctx, lang=lang, policy_name=policy_name, allow_private=allow_private,
                strict_scope=strict_scope)
    report = p.checked.loaded.report
    form_lang = form_language(report, p.host, lang)
    names = [Path(e.path).name for e in p.checked.evidence]
    form = render_form(report, policy=p.checked.policy, lang=form_lang, report_id=p.report_id, evidence_names=names)
    p.warnings.insert(0, say(lang, "form.tls_only"))
    return FormPlan(p, form, attachment_list(p.checked))


def check_reference(reference: str | None) -> str | None:
    """The form's confirmation number as given, trimmed; ValidationError for one no form gives out."""
    if reference is None:
        return None
    ref = reference.strip()
    if not ref:
        return None
    if len(ref) > MAX_REFERENCE or printable(ref) != ref or "\n" in ref or "\t" in ref:
        raise ValidationError.t("forms.bad_reference", code="bad_reference", limit=MAX_REFERENCE)
    return ref


def record_attempt(p: Prepared, *, ctx: Context, at: dt.datetime, kind: str, recipient: str,
                   reference: str | None, answer: str | None, plaintext_sha256: str | None) -> None:
    """Add the report to the record when it is not there yet, then this attempt (a form: the report
    is now sent; a phone call: an attempt at contact, the report's state does not change)."""
    with RecordSession(ctx.home) as records:
        record = records.open()
        if find_report(record, p.report_id) is None:
            record.add_report(p.report_id, created_at=at, **p.record_facts())
        record.add_delivery(p.report_id, channel=p.channel, recipient=recipient, key_fingerprint=None,
                            plaintext_sha256=plaintext_sha256, encrypted_sha256=None, message_id=None,
                            server_answer=answer, ok=True, at=at, kind=kind, encrypted=False, reference=reference)


def record_form(plan: FormPlan, *, ctx: Context, reference: str | None, at: dt.datetime) -> None:
    """The report left through the form at ``at``, with the form's reference (or without one)."""
    record_attempt(plan.prepared, ctx=ctx, at=at, kind="report", recipient=plan.prepared.url,
                   reference=check_reference(reference), answer=None, plaintext_sha256=plan.sha256)


# ---------------------------------------------------------------------------- the browser
def open_in_browser(url: str, browser: str | None,
                    get: Callable[[str | None], Any] = webbrowser.get) -> bool:
    """Open ``url`` with the browser the ``BROWSER`` variable names (its entries, separated by the
    path separator, tried in order; ``%s`` stands for the URL), else Python's default choice. Only an
    https URL without spaces or control characters is handed on. False when no browser could open it."""
    if not url.startswith("https://") or printable(url) != url or any(ch.isspace() for ch in url):
        return False
    for entry in ([e for e in browser.split(os.pathsep) if e.strip()] if browser else [None]):
        try:
            if get(entry).open(url):
                return True
        except (webbrowser.Error, OSError):
            continue
    return False
