"""Follow-ups and publication notices for a sent report (issue 8), with the same checks as submit:
the organisation's security.txt and key are looked up again, the key must match the pin, the text
is encrypted, only the notice's id is in the outer headers, and the record keeps it by its kind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from cvd_reporter.app.submit import Outcome, Plan, SubmitOptions, deliver, find_key, sha256
from cvd_reporter.core import mime
from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.core.i18n import say
from cvd_reporter.core.pgp.encrypt import encrypt
from cvd_reporter.core.render import render_follow_up, render_publication_notice
from cvd_reporter.core.workdays import add_working_days
from cvd_reporter.errors import DiscoveryError, InputNeeded
from cvd_reporter.net.discovery import discover
from cvd_reporter.net.http import Fetcher
from cvd_reporter.settings import Settings
from cvd_reporter.store.record import Record


def send_notice(report_id: str, *, settings: Settings, kind: str, lang: str, confirm: Callable[[str], bool],
                message: str | None = None, publication_date: dt.date | None = None,
                progress: Callable[[str], None] = lambda _m: None, now: dt.datetime | None = None) -> Outcome:
    """Send a ``follow_up`` or ``publication_notice`` for ``report_id``; recorded as a delivery of that kind."""
    now = now or dt.datetime.now(dt.timezone.utc)
    with Record.open(settings.home) as record:
        report = record.get(report_id)
    sent = [d for d in report.deliveries if d.ok and d.kind == "report"]
    first = sent[0] if sent else None
    if first is not None and first.channel in ("api", "github"):
        raise InputNeeded(f"Report {report_id} went out via {first.channel}; write to the organisation through that "
                          "platform, which keeps the conversation with the report.", code="channel_unsupported")
    progress(say(lang, "submit.again"))
    fetcher = Fetcher.from_settings(settings)
    discovery = discover(report.target, fetcher, now=now)
    addresses = [c.address for c in discovery.security_txt.contacts if c.kind == "mailto" and c.address and c.valid]
    if not addresses:
        raise DiscoveryError(f"The security.txt at {discovery.url} lists no usable e-mail contact any more.")
    recipient = first.recipient if first is not None and first.recipient in addresses else addresses[0]
    warnings: list[str] = []
    if first is not None and first.recipient not in addresses:
        warnings.append(f"The report went to {first.recipient}; the security.txt now names {recipient}.")
    key_info, cert, pin = find_key(discovery.security_txt, addresses, settings=settings, fetcher=fetcher,
                                    organisation=registrable_domain(discovery.host),
                                    now=now, options=SubmitOptions(), warnings=warnings)
    sent_on = report.sent_on or (first.at if first is not None else report.created_at).date()
    due = None
    if report.response_days:
        due = add_working_days(sent_on, report.response_days, report.calendar)
    reporter = settings.reporter_name
    if kind == "follow_up":
        subject, text = render_follow_up(report_id=report_id, title=report.title, sent=sent_on,
                                         due=due, days=report.response_days, message=message,
                                         reporter_name=reporter, lang=lang)
    else:
        assert publication_date is not None
        subject, text = render_publication_notice(report_id=report_id, title=report.title, sent=sent_on,
                                                  publish_on=publication_date, message=message,
                                                  reporter_name=reporter, lang=lang)
    sender = settings.smtp_from or settings.smtp_user or "anonymous@invalid"
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "cvd-reporter.invalid"
    notice_id = f"{report_id}.{'follow-up' if kind == 'follow_up' else 'publication'}-{now:%Y%m%d%H%M%S}"
    message_id = mime.message_id_for(notice_id, domain)
    inner = mime.build_inner(report_text=text, subject=subject, from_addr=sender, to_addr=recipient,
                             message_id=message_id, date=now, attachments=[], reporter_key=None, lang=lang)
    wire = mime.build_encrypted(inner, encrypt=lambda data: encrypt(data, cert, now=now), from_addr=sender,
                                to_addr=recipient, message_id=message_id, date=now, report_id=notice_id)
    plan = Plan(report_id=report_id, title=subject, channel="email" if settings.smtp_host else "outbox",
                recipient=recipient, lang=lang, policy_id=report.policy, organisation=report.organisation,
                message=wire, message_id=message_id, plaintext_sha256=sha256(inner), encrypted_sha256=sha256(wire),
                encrypted=True, key=key_info, contact_source=discovery.url, warnings=warnings,
                calendar=report.calendar, response_days=report.response_days, target=report.target, pin=pin,
                kind=kind)
    if not confirm(plan.summary(lang)):
        raise InputNeeded("Not confirmed; nothing was sent.", code="not_confirmed")
    return deliver(plan, settings=settings, options=SubmitOptions(), now=now)
