"""Follow-ups and publication notices for a sent report (issue 8), with the same checks as submit:
the organisation's security.txt and key are looked up again, the key must match the pin, the text
is encrypted, only the notice's id is in the outer headers, and the record keeps it by its kind.
The sender is the report's (app/sender.py), so the organisation sees one correspondent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from cvd_reporter.app.context import Context
from cvd_reporter.app.dispatch import Outcome, RecordSession, deliver
from cvd_reporter.app.export import read_report_facts
from cvd_reporter.app.profiles import required_subject_for
from cvd_reporter.app.sender import resolve_sender
from cvd_reporter.app.submit import Plan, SubmitOptions, find_key, sha256
from cvd_reporter.core import mime
from cvd_reporter.core.channels import channel_word
from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.core.i18n import say
from cvd_reporter.core.pgp.encrypt import encrypt
from cvd_reporter.core.render import render_follow_up, render_publication_notice
from cvd_reporter.core.workdays import add_working_days
from cvd_reporter.errors import DiscoveryError, InputNeeded, KeyProblem
from cvd_reporter.net.discovery import discover


def send_notice(report_id: str, *, ctx: Context, kind: str, lang: str, confirm: Callable[[str], bool],
                message: str | None = None, publication_date: dt.date | None = None,
                progress: Callable[[str], None] = lambda _m: None, now: dt.datetime | None = None) -> Outcome:
    """Send a ``follow_up`` or ``publication_notice`` for ``report_id``; recorded as a delivery of that kind.
    ``now``: the command's reading of the clock, when it has one (else the context's clock is read)."""
    settings = ctx.settings
    now = now or ctx.clock()
    with RecordSession(ctx.home) as records:
        report = records.open().get(report_id)
        sent = [d for d in report.deliveries if d.ok and d.kind == "report"]
        first = sent[0] if sent else None
        if first is not None and first.channel in ("api", "github"):
            raise InputNeeded.t("app.notices.channel_unsupported", code="channel_unsupported", id=report_id,
                                channel=channel_word(first.channel))
        progress(say(lang, "submit.again"))
        fetcher = ctx.network.fetcher()
        discovery = discover(report.target, fetcher, now=now)
        addresses = [c.address for c in discovery.security_txt.contacts
                     if c.kind == "mailto" and c.address and c.valid]
        if not addresses:
            raise DiscoveryError.t("app.notices.no_contact", url=discovery.url)
        recipient = first.recipient if first is not None and first.recipient in addresses else addresses[0]
        warnings: list[str] = []
        if first is not None and first.recipient not in addresses:
            warnings.append(f"The report went to {first.recipient}; the security.txt now names {recipient}.")
        key_info, chosen, pin = find_key(discovery.security_txt, addresses, ctx=ctx, fetcher=fetcher,
                                         organisation=registrable_domain(discovery.host), now=now,
                                         options=SubmitOptions(), warnings=warnings)
        if chosen is None:  # without --allow-plaintext find_key raises instead; a notice never goes in plaintext
            raise KeyProblem.t("app.notices.no_key")
        sent_on = report.sent_on or (first.at if first is not None else report.created_at).date()
        due = add_working_days(sent_on, report.response_days, report.calendar) if report.response_days else None
        reporter = settings.reporter_name
        facts = read_report_facts(report.report_path)  # the record keeps no title; the report file has it
        title = facts.get("title") or report_id
        if kind == "follow_up":
            subject, text = render_follow_up(report_id=report_id, title=title, sent=sent_on,
                                             due=due, days=report.response_days, message=message,
                                             reporter_name=reporter, lang=lang)
        else:
            assert publication_date is not None
            subject, text = render_publication_notice(report_id=report_id, title=title, sent=sent_on,
                                                      publish_on=publication_date, message=message,
                                                      reporter_name=reporter, lang=lang)
        # From: as the report had it (its reporter.email, unless smtp.from says otherwise).
        sender = resolve_sender(settings, facts.get("reporter_email"))
        notice_id = f"{report_id}.{'follow-up' if kind == 'follow_up' else 'publication'}-{now:%Y%m%d%H%M%S}"
        message_id = mime.message_id_for(notice_id, sender.domain)
        inner = mime.build_inner(report_text=text, subject=subject, from_addr=sender.header_from, to_addr=recipient,
                                 message_id=message_id, date=now, attachments=[], reporter_key=None, lang=lang)
        wire = mime.build_encrypted(
            inner, encrypt=lambda data: encrypt(data, chosen.certificate, now=now, judged=chosen.judged),
            from_addr=sender.header_from, to_addr=recipient, message_id=message_id, date=now, report_id=notice_id,
            required_subject=required_subject_for(report.report_path, report.target, settings=settings, home=ctx.home))
        plan = Plan(report_id=report_id, title=subject, channel="email" if settings.smtp_host else "outbox",
                    recipient=recipient, lang=lang, policy_id=report.policy, organisation=report.organisation,
                    message=wire, message_id=message_id, plaintext_sha256=sha256(inner),
                    encrypted_sha256=sha256(wire), encrypted=True, key=key_info, contact_source=discovery.url,
                    warnings=warnings, calendar=report.calendar, response_days=report.response_days,
                    target=report.target, pin=pin, kind=kind, envelope_from=sender.envelope_from)
        if not confirm(plan.summary(lang)):
            raise InputNeeded.t("app.notices.not_confirmed", code="not_confirmed")
        return deliver(plan, ctx=ctx, options=SubmitOptions(), now=now, records=records, known=report)
