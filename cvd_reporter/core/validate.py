"""Policy checks on a parsed Report: the same rules for `validate`, `submit` and the wizard.

Pure: ``today`` is a parameter; evidence files are read by the caller.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from cvss import CVSS3, CVSS4
from cvss.exceptions import CVSSError
from email_validator import EmailNotValidError, validate_email

from cvd_reporter.core import conduct
from cvd_reporter.core.answer_checks import publication_problem
from cvd_reporter.core.contacts import contact_kind, contact_value, key_kind, parse_response
from cvd_reporter.core.findings import Finding
from cvd_reporter.core.i18n import N_, say
from cvd_reporter.core.messages import make
from cvd_reporter.core.mime import REPORT_ID_RE
from cvd_reporter.core.model import Report, suggest
from cvd_reporter.core.policy import Policy
from cvd_reporter.core.subjects import MAX_SUBJECT, has_control

CWE_RE = re.compile(r"^CWE-[1-9][0-9]{0,4}$")


def check_email(value: str) -> str | None:
    """None when ``value`` is a valid address; otherwise the reason (syntax only, no DNS)."""
    try:
        validate_email(value, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as e:
        return str(e).rstrip(".")
    return None


def check_phone(value: str, region: str = "NL") -> bool:
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def check_url(value: str) -> bool:
    try:
        parts = urlsplit(value.strip())
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and " " not in value.strip()
    except ValueError:
        return False


def check_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value.strip())
    except ValueError:
        return False
    return True


def check_cvss(vector: str) -> str | None:
    """None when the vector is valid CVSS 3.1 or 4.0; otherwise the reason."""
    v = vector.strip()
    try:
        if v.startswith("CVSS:3.1/") or v.startswith("CVSS:3.0/"):
            CVSS3(v)
        elif v.startswith("CVSS:4.0/"):
            CVSS4(v)
        else:
            return "it must start with CVSS:3.1/ or CVSS:4.0/"
    except CVSSError as e:
        return str(e).strip().rstrip(".") or type(e).__name__
    return None


def cvss_score(vector: str) -> tuple[float, str] | None:
    try:
        if vector.startswith("CVSS:4.0/"):
            c4 = CVSS4(vector)
            return float(c4.base_score), str(c4.severity)
        c3 = CVSS3(vector)
        return float(c3.scores()[0]), str(c3.severities()[0])
    except CVSSError:
        return None


def _present(report: Report, path: str) -> bool:
    obj: object = report
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return False
    return obj not in ("", [], None) and not (isinstance(obj, str) and not obj.strip())


def validate_report(report: Report, *, policy: Policy, today: dt.date, lang: str = "en") -> list[Finding]:
    out: list[Finding] = []

    def add(code: str, severity: str, field: str | None = None, **params: object) -> None:
        out.append(make(code, severity, lang, field=field, **params))  # type: ignore[arg-type]

    if report.id is not None and not REPORT_ID_RE.match(report.id):
        add("invalid_report_id", "error", "id", value=report.id)
    for path in policy.required:
        if not _present(report, path):
            add("missing_field", "error", path, path=path, policy=policy.id)

    r = report.reporter
    has_contact = any(_present(report, f"reporter.{k}") for k in policy.contact_require_one_of)
    if r.anonymous:
        if not policy.allow_anonymous:
            add("no_contact", "error", "reporter")
        add("anonymous", "warning", "reporter.anonymous")
        if has_contact:
            add("anonymous_with_contact", "warning", "reporter.anonymous")
    elif not has_contact:
        add("no_contact", "error", "reporter")
    if r.email:
        reason = check_email(r.email)
        if reason:
            add("invalid_email", "error", "reporter.email", path="reporter.email", value=r.email, reason=reason)
    if r.phone and not check_phone(r.phone, policy.phone_region):
        add("invalid_phone", "error", "reporter.phone", path="reporter.phone", value=r.phone)

    check_organisation(report, add, policy.phone_region)

    t = report.target
    if not any(getattr(t, k, None) for k in policy.target_require_one_of):
        add("no_target", "error", "target")
    for i, url in enumerate(t.urls):
        if not check_url(url):
            add("invalid_url", "error", f"target.urls[{i}]", path=f"target.urls[{i}]", value=url)
    for i, ip in enumerate(t.ips):
        if not check_ip(ip):
            add("invalid_ip", "error", f"target.ips[{i}]", path=f"target.ips[{i}]", value=ip)

    v = report.vulnerability
    if v.cwe and not CWE_RE.match(v.cwe.strip().upper()):
        add("invalid_cwe", "error", "vulnerability.cwe", path="vulnerability.cwe", value=v.cwe)
    if v.cvss:
        reason = check_cvss(v.cvss)
        if reason:
            add("invalid_cvss", "error", "vulnerability.cvss", path="vulnerability.cvss", reason=reason)
    if not v.steps and v.description:
        add("no_steps", "info", "vulnerability.steps")

    c = report.conduct
    for i, ip in enumerate(c.source_ips):
        if not check_ip(ip):
            add("invalid_ip", "error", f"conduct.source_ips[{i}]", path=f"conduct.source_ips[{i}]", value=ip)
    if c.discovered is not None:
        if c.discovered > today:
            add("discovered_future", "error", "conduct.discovered", value=c.discovered.isoformat())
        elif policy.report_within_days is not None and (today - c.discovered).days > policy.report_within_days:
            add("discovered_stale", "warning", "conduct.discovered", days=(today - c.discovered).days)
    given = set(c.attestations)
    for i, aid in enumerate(c.attestations):
        if policy.attestation(aid) is None:
            add("unknown_attestation", "error", f"conduct.attestations[{i}]", path=f"conduct.attestations[{i}]",
                value=aid, hint=(f" (did you mean {h!r}?)" if lang == "en" else f" (bedoelt u {h!r}?)")
                if (h := suggest(aid, policy.attestation_ids)) else "")
    for att in policy.attestations:
        if att.id not in given:
            add("missing_attestation", "error", "conduct.attestations", id=att.id, text=att.say(lang))

    d = report.disclosure
    if d.intent == "date" and d.date is None:
        add("disclosure_date_missing", "error", "disclosure.date")
    published = publication_problem(d.intent, d.date, policy, today)
    if published:  # before the answer is due; or "after the fix" on a day no fix can be promised for
        if d.intent == "after-fix":
            add("disclosure_after_fix_too_soon", "error", "disclosure.date", **published[1])
        else:
            add("disclosure_before_due", "error", "disclosure.date", **published[1])
    if d.shared_with:
        add("shared_with_others", "warning", "disclosure.shared_with", who=", ".join(d.shared_with))
    if report.language and report.language not in policy.languages:
        add("unsupported_language", "warning", "language", value=report.language,
            allowed=", ".join(policy.languages))
    out.extend(check_conduct(report, policy, lang))
    return out


def check_conduct(report: Report, policy: Policy, lang: str) -> list[Finding]:
    """A sentence of the report that suggests a technique the policy forbids (core/conduct.py): a warning
    (``forbidden_technique``), since the policy's promise of no legal action only holds when its rules
    were kept. When the report also states it kept that very rule, the warning says both, so the reporter
    corrects whichever is wrong (``extra.attested``: the statement's id)."""
    if not policy.forbidden:
        return []
    source = policy.source_of("forbidden")
    attested = set(report.conduct.attestations or ())
    found: list[Finding] = []
    for sign in conduct.signs(report, policy.forbidden):
        values: dict[str, str] = {"technique": say(lang, TECHNIQUE_NAMES[sign.technique]),
                                  "sentence": sign.sentence, "source": source, "path": sign.field}
        statement = policy.attestation(ATTESTED_BY.get(sign.technique, ""))
        if statement is not None and statement.id in attested:  # the report says both: one of them is wrong
            found.append(Finding("forbidden_technique", "warning",
                                 say(lang, "finding.forbidden_technique_attested", statement=statement.say(lang),
                                     **values), field=sign.field, extra={"attested": statement.id}))
        else:
            found.append(make("forbidden_technique", "warning", lang, field=sign.field, technique=values["technique"],
                              sentence=sign.sentence, source=source, path=sign.field))
    return found


# The techniques of core/conduct.py in people's words (tests/core/test_conduct.py: one for each).
TECHNIQUE_NAMES = {"dos": N_("conduct.technique.dos"), "brute-force": N_("conduct.technique.brute-force"),
                   "social-engineering": N_("conduct.technique.social-engineering"),
                   "physical": N_("conduct.technique.physical"), "spam": N_("conduct.technique.spam"),
                   "automated-scans": N_("conduct.technique.automated-scans"),
                   "excess-data": N_("conduct.technique.excess-data"), "malware": N_("conduct.technique.malware")}


# The statement (attestation id of the built-in profile) that says a technique was not used.
ATTESTED_BY = {"dos": "no-dos", "brute-force": "no-brute-force", "social-engineering": "no-social-engineering",
               "physical": "no-physical", "spam": "no-spam", "excess-data": "minimal-data"}


def check_organisation(report: Report, add: Any, phone_region: str = "NL") -> None:
    """The organisation's channels the reporter wrote: contacts, policy page, key and answer time."""

    o = report.organisation
    for i, uri in enumerate(o.contact):
        path = f"organisation.contact[{i}]"
        kind = contact_kind(uri)
        if kind is None:
            if uri.lower().startswith("http://"):
                add("insecure_contact", "error", path, path=path, value=uri)
            else:
                hint = f"mailto:{uri.strip()}" if check_email(uri.strip()) is None else (
                    f"tel:{uri.strip()}" if check_phone(uri.strip(), phone_region) else None)
                add("invalid_contact", "error", path, path=path, value=uri, hint=_did_you_mean(hint))
        elif kind == "email":
            reason = check_email(contact_value(uri))
            if reason:
                add("invalid_email", "error", path, path=path, value=uri, reason=reason)
        elif kind == "phone":
            if not check_phone(contact_value(uri), phone_region):
                add("invalid_phone", "error", path, path=path, value=uri)
        elif not check_url(uri):
            add("invalid_contact", "error", path, path=path, value=uri, hint="")
    if o.policy_url and (not o.policy_url.lower().startswith("https://") or not check_url(o.policy_url)):
        add("invalid_policy_url", "error", "organisation.policy_url", path="organisation.policy_url",
            value=o.policy_url)
    if o.key:
        kind = key_kind(o.key)
        if kind == "key_id":
            add("org_key_id", "error", "organisation.key", path="organisation.key", value=o.key)
        elif kind == "insecure_url":
            add("insecure_key_url", "error", "organisation.key", path="organisation.key", value=o.key)
    if o.response and parse_response(o.response) is None:
        add("invalid_response", "error", "organisation.response", path="organisation.response", value=o.response)
    if o.subject and (has_control(o.subject) or len(" ".join(o.subject.split())) > MAX_SUBJECT):
        # the value is not repeated: it may hold control characters, which are never shown on a terminal
        add("invalid_subject", "error", "organisation.subject", path="organisation.subject", limit=MAX_SUBJECT)


def _did_you_mean(text: str | None) -> str:
    return f" ({text!r}?)" if text else ""
