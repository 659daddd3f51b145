"""Render a report (and the notices that follow it) as plain text in Dutch or English.

Pure. The text is what the organisation reads after decrypting: every field, the attestations in
the policy's own words, and how to reach the reporter. Wrapped at 76 columns for mail clients.
"""

from __future__ import annotations

import datetime as dt
import textwrap

from cvd_reporter.core.model import Report
from cvd_reporter.core.policy import Policy

WIDTH = 76

L: dict[str, dict[str, str]] = {
    "en": {
        "heading": "Vulnerability report",
        "intro": "I am reporting a vulnerability under your Coordinated Vulnerability Disclosure policy.",
        "id": "Report id", "date": "Date", "policy": "Policy",
        "reporter": "Reporter", "name": "Name", "email": "E-mail", "phone": "Phone",
        "anonymous": "This report is anonymous: no reply is possible.",
        "key_attached": "My public OpenPGP key is attached; please answer encrypted.",
        "target": "Vulnerable system", "urls": "URL(s)", "ips": "IP address(es)", "asset": "System",
        "vulnerability": "Vulnerability", "title": "Title", "cwe": "Type (CWE)", "cvss": "CVSS",
        "description": "Description", "steps": "Steps to reproduce", "impact": "Impact",
        "remediation": "Suggested fix",
        "evidence": "Evidence (attached)",
        "conduct": "How it was found", "discovered": "Found on", "source_ips": "Tested from IP address(es)",
        "tools": "Tools", "data_accessed": "Data seen", "data_downloaded": "Data downloaded",
        "rules": "Rules of the policy I kept",
        "disclosure": "Disclosure", "shared_with": "Already shared with", "nobody": "nobody",
        "intent": "Publication", "credit": "Credit",
        "intent_none": "I do not intend to publish.",
        "intent_after-fix": "I would like to publish after the fix, and will tell you before I do.",
        "intent_date": "I intend to publish on {date}, after the fix, and will tell you before I do.",
        "credit_name": "by name", "credit_pseudonym": "by pseudonym", "credit_none": "no credit wanted",
        "response": "Your policy promises an answer within {days} working days.",
        "closing": "Kind regards,",
        "subject": "Vulnerability report: {title}",
        "followup_subject": "Follow-up on vulnerability report {id}",
        "followup_intro": "On {sent} I sent you a vulnerability report with id {id} (\"{title}\").",
        "followup_due": "Your policy promises an answer within {days} working days; that was due on {due}.",
        "followup_ask": "Could you let me know whether you received it and what the status is?",
        "publication_subject": "Intent to publish about vulnerability report {id}",
        "publication_intro": "On {sent} I reported a vulnerability to you with id {id} (\"{title}\"), "
                             "which has since been fixed.",
        "publication_date": "As your policy asks, I let you know in advance that I intend to publish about it "
                            "on {date}.",
        "publication_ask": "If you have objections or want to review the text, please tell me before then.",
    },
    "nl": {
        "heading": "Melding van een kwetsbaarheid",
        "intro": "Hierbij meld ik een kwetsbaarheid volgens uw beleid voor Coordinated Vulnerability Disclosure.",
        "id": "Kenmerk", "date": "Datum", "policy": "Beleid",
        "reporter": "Melder", "name": "Naam", "email": "E-mail", "phone": "Telefoon",
        "anonymous": "Deze melding is anoniem: antwoorden is niet mogelijk.",
        "key_attached": "Mijn publieke OpenPGP-sleutel zit in de bijlage; antwoord graag versleuteld.",
        "target": "Kwetsbaar systeem", "urls": "URL('s)", "ips": "IP-adres(sen)", "asset": "Systeem",
        "vulnerability": "Kwetsbaarheid", "title": "Titel", "cwe": "Soort (CWE)", "cvss": "CVSS",
        "description": "Omschrijving", "steps": "Stappen om het na te doen", "impact": "Gevolgen",
        "remediation": "Voorgestelde oplossing",
        "evidence": "Bewijs (bijlagen)",
        "conduct": "Hoe het gevonden is", "discovered": "Gevonden op", "source_ips": "Getest vanaf IP-adres(sen)",
        "tools": "Hulpmiddelen", "data_accessed": "Gegevens gezien", "data_downloaded": "Gegevens gedownload",
        "rules": "Regels van het beleid waaraan ik mij heb gehouden",
        "disclosure": "Openbaarmaking", "shared_with": "Al gedeeld met", "nobody": "niemand",
        "intent": "Publicatie", "credit": "Vermelding",
        "intent_none": "Ik ben niet van plan hierover te publiceren.",
        "intent_after-fix": "Ik wil graag na de oplossing publiceren en laat het u vooraf weten.",
        "intent_date": "Ik wil op {date} publiceren, na de oplossing, en laat het u vooraf weten.",
        "credit_name": "met naam", "credit_pseudonym": "met schuilnaam", "credit_none": "geen vermelding gewenst",
        "response": "Uw beleid belooft een reactie binnen {days} werkdagen.",
        "closing": "Met vriendelijke groet,",
        "subject": "Melding kwetsbaarheid: {title}",
        "followup_subject": "Herinnering bij melding kwetsbaarheid {id}",
        "followup_intro": "Op {sent} stuurde ik u een melding van een kwetsbaarheid met kenmerk {id} (\"{title}\").",
        "followup_due": "Uw beleid belooft een reactie binnen {days} werkdagen; die had er op {due} moeten zijn.",
        "followup_ask": "Kunt u laten weten of u de melding heeft ontvangen en wat de stand van zaken is?",
        "publication_subject": "Voornemen tot publicatie over melding {id}",
        "publication_intro": "Op {sent} meldde ik u een kwetsbaarheid met kenmerk {id} (\"{title}\"), "
                             "die inmiddels is opgelost.",
        "publication_date": "Zoals uw beleid vraagt, laat ik u vooraf weten dat ik van plan ben hierover op "
                            "{date} te publiceren.",
        "publication_ask": "Heeft u bezwaren of wilt u de tekst zien, laat het mij dan voor die datum weten.",
    },
}


def _t(lang: str) -> dict[str, str]:
    return L.get(lang, L["en"])


def _para(text: str, indent: str = "  ") -> list[str]:
    out: list[str] = []
    for block in text.strip().split("\n\n"):
        joined = " ".join(line.strip() for line in block.splitlines())
        out += textwrap.wrap(joined, WIDTH, initial_indent=indent, subsequent_indent=indent,
                             break_long_words=False, break_on_hyphens=False) or [indent]
        out.append("")
    return out[:-1]


def _section(title: str) -> list[str]:
    return ["", title, "-" * len(title)]


def _kv(label: str, value: str | None) -> list[str]:
    if not value:
        return []
    first, *rest = textwrap.wrap(str(value), WIDTH - 22, break_long_words=False, break_on_hyphens=False) or [""]
    return [f"{label + ':':<21} {first}"] + [" " * 22 + r for r in rest]


def subject(report: Report, lang: str) -> str:
    """The real subject; it lives only inside the encrypted part (RFC 9788)."""
    title = " ".join((report.vulnerability.title or "").split())  # never a header line break
    return _t(lang)["subject"].format(title=title)


def render_text(report: Report, *, policy: Policy, lang: str, report_id: str | None = None,
                date: dt.date | None = None, has_reporter_key: bool = False,
                evidence_names: list[str] | None = None) -> str:
    t = _t(lang)
    r, tg, v, c, d = report.reporter, report.target, report.vulnerability, report.conduct, report.disclosure
    lines = [t["heading"], "=" * len(t["heading"]), "", *_para(t["intro"], ""), ""]
    lines += _kv(t["id"], report_id or report.id) + _kv(t["date"], date.isoformat() if date else None)
    lines += _kv(t["policy"], policy.title(lang))

    lines += _section(t["reporter"])
    if r.anonymous:
        lines.append(t["anonymous"])
    else:
        lines += _kv(t["name"], r.name) + _kv(t["email"], r.email) + _kv(t["phone"], r.phone)
        if has_reporter_key:
            lines.append(t["key_attached"])

    lines += _section(t["target"])
    lines += _kv(t["urls"], ", ".join(tg.urls)) + _kv(t["ips"], ", ".join(tg.ips)) + _kv(t["asset"], tg.asset)

    lines += _section(t["vulnerability"])
    lines += _kv(t["title"], v.title) + _kv(t["cwe"], v.cwe) + _kv(t["cvss"], v.cvss)
    for key in ("description",):
        if getattr(v, key):
            lines += ["", t[key] + ":", *_para(getattr(v, key))]
    if v.steps:
        lines += ["", t["steps"] + ":"]
        for i, step in enumerate(v.steps, 1):
            wrapped = textwrap.wrap(step.strip(), WIDTH - 6, break_long_words=False, break_on_hyphens=False) or [""]
            lines += [f"  {i:>2}. {wrapped[0]}"] + [f"      {w}" for w in wrapped[1:]]
    for key in ("impact", "remediation"):
        if getattr(v, key):
            lines += ["", t[key] + ":", *_para(getattr(v, key))]

    if report.evidence:
        lines += _section(t["evidence"])
        names = evidence_names or [e.path or "" for e in report.evidence]
        for name, ev in zip(names, report.evidence, strict=False):
            lines.append(f"  - {name}" + (f": {ev.description}" if ev.description else ""))

    lines += _section(t["conduct"])
    lines += _kv(t["discovered"], c.discovered.isoformat() if c.discovered else None)
    lines += _kv(t["source_ips"], ", ".join(c.source_ips)) + _kv(t["tools"], ", ".join(c.tools))
    lines += _kv(t["data_accessed"], c.data_accessed) + _kv(t["data_downloaded"], c.data_downloaded)
    if c.attestations:
        lines += ["", t["rules"] + ":"]
        for aid in c.attestations:
            att = policy.attestation(aid)
            text = att.say(lang) if att else aid
            wrapped = textwrap.wrap(text, WIDTH - 6, break_long_words=False) or [""]
            lines += [f"  [x] {wrapped[0]}"] + [f"      {w}" for w in wrapped[1:]]

    lines += _section(t["disclosure"])
    lines += _kv(t["shared_with"], ", ".join(d.shared_with) or t["nobody"])
    if d.intent:
        lines += _kv(t["intent"], t[f"intent_{d.intent}"].format(date=d.date.isoformat() if d.date else "?"))
    if d.credit:
        lines += _kv(t["credit"], t[f"credit_{d.credit}"])
    if policy.response_working_days:
        lines += ["", *_para(t["response"].format(days=policy.response_working_days), "")]
    lines += ["", t["closing"], (r.name if r.name and not r.anonymous else "")]
    return "\n".join(lines).rstrip() + "\n"


def render_follow_up(*, report_id: str, title: str, sent: dt.date, due: dt.date | None, days: int | None,
                     message: str | None, reporter_name: str | None, lang: str) -> tuple[str, str]:
    """(subject, text) of a reminder that quotes the report id and date, never its content."""
    t = _t(lang)
    lines = [*_para(t["followup_intro"].format(sent=sent.isoformat(), id=report_id, title=title), "")]
    if due and days:
        lines += ["", *_para(t["followup_due"].format(days=days, due=due.isoformat()), "")]
    lines += ["", *_para(message or t["followup_ask"], "")]
    lines += ["", t["closing"], reporter_name or ""]
    return t["followup_subject"].format(id=report_id), "\n".join(lines).rstrip() + "\n"


def render_publication_notice(*, report_id: str, title: str, sent: dt.date, publish_on: dt.date,
                              message: str | None, reporter_name: str | None, lang: str) -> tuple[str, str]:
    t = _t(lang)
    lines = [*_para(t["publication_intro"].format(sent=sent.isoformat(), id=report_id, title=title), ""), "",
             *_para(t["publication_date"].format(date=publish_on.isoformat()), ""), "",
             *_para(message or t["publication_ask"], ""), "", t["closing"], reporter_name or ""]
    return t["publication_subject"].format(id=report_id), "\n".join(lines).rstrip() + "\n"
