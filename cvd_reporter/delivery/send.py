"""Send one outbox entry through its channel, record the attempt, and never send it twice.

Used by ``outbox send`` and by ``submit`` (which first saves the finished message in the outbox,
then calls :func:`send_entry`): a failure leaves the encrypted message where it is, with the
server's answer in its history, and the DeliveryError says how to send it again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cvd_reporter.core.i18n import N_, say
from cvd_reporter.delivery import api, github, smtp
from cvd_reporter.delivery.outbox import Outbox, OutboxEntry
from cvd_reporter.errors import DeliveryError, StoreError
from cvd_reporter.net.http import Fetcher


def send_entry(outbox: Outbox, ident: str | OutboxEntry, *, settings: Any, fetcher: Any = None, force: bool = False,
               clock: Callable[[], datetime] | None = None, meter: Any = None) -> OutboxEntry:
    """Deliver the entry ``ident`` (its id, its report id, or the entry just saved); return it marked
    sent. Raises DeliveryError (exit 7) on failure. ``clock`` stamps the attempts (the real one when
    not given).

    A sent entry raises StoreError ``already_sent``. A GitHub entry whose last attempt may have
    reached GitHub (``delivered == "unknown"``) is not repeated without ``force``: GitHub's API has
    no idempotency key, e-mail and the JSON API have one (Message-ID, Idempotency-Key). ``meter(sent,
    total)`` follows an SMTP upload (a progress bar).
    """
    entry_id = ident.id if isinstance(ident, OutboxEntry) else outbox.resolve_id(ident)
    with outbox.sending(entry_id):  # lock the entry itself, whatever name it was given by
        entry = outbox.get(entry_id)  # read under the lock (once): another run may just have sent it
        if entry.state == "sent":
            raise StoreError.t("delivery.send.already_sent", code="already_sent", data={"id": entry.id}, id=entry.id,
                               sent_at=entry.sent_at)
        last = entry.last_attempt
        if entry.channel == "github" and last is not None and last.delivered == "unknown" and not force:
            raise DeliveryError.t("delivery.send.check_first", code="check_first", data={"id": entry.id}, id=entry.id)
        if entry.channel == "email" and not settings.smtp_host:  # not an attempt: nothing was tried
            raise DeliveryError.t("delivery.send.no_smtp", code="smtp_not_configured",
                                  data={"id": entry.id, "path": str(entry.path), "temporary": True},
                                  recipient=entry.recipient, path=entry.path, id=entry.id)
        # An e-mail is sent from its file in pieces (issue 16); API and GitHub payloads are small JSON.
        payload = outbox.checked_path(entry) if entry.channel in ("email", "api") else outbox.read(entry)
        try:
            receipt = _deliver(entry, payload, settings=settings, fetcher=fetcher, clock=clock, meter=meter)
        except DeliveryError as e:
            number = e.data.get("smtp_code") or e.data.get("status")
            answer = e.data.get("answer") or e.message
            outbox.record_attempt(entry, False, f"{number} {answer}" if number else answer, code=e.code,
                                  delivered=e.data.get("delivered", "no"), now=clock() if clock else None)
            raise KeptInOutbox(e, entry) from None
        outbox.record_attempt(entry, True, _answer(receipt), code="sent", delivered="yes",
                              now=clock() if clock else None)
        return outbox.mark_sent(entry, receipt=receipt, now=clock() if clock else None)


def _answer(receipt: dict[str, Any]) -> str:
    if receipt.get("channel") == "email":
        return f"{receipt.get('code')} {receipt.get('reply', '')}".strip()
    if receipt.get("channel") == "api":
        return f"{receipt.get('status')} id={receipt.get('id')}"
    return f"{receipt.get('status')} {receipt.get('ghsa_id') or ''}".strip()


def _fetcher(settings: Any, fetcher: Any) -> Any:
    if fetcher is not None:
        return fetcher

    return Fetcher.from_settings(settings)


def _deliver(entry: OutboxEntry, payload: Any, *, settings: Any, fetcher: Any,
             clock: Callable[[], datetime] | None, meter: Any = None) -> dict[str, Any]:
    route = entry.route
    if entry.channel == "email":
        password = settings.secret("smtp_password") if settings.smtp_user else None
        mail_from = route.get("mail_from") or settings.smtp_from or settings.smtp_user
        rcpt_to = list(route.get("rcpt_to") or [entry.recipient])
        return smtp.send(payload, settings=settings, password=password, mail_from=mail_from,
                         rcpt_to=rcpt_to, meter=meter, clock=clock).to_dict()
    if entry.channel == "api":
        url = route.get("url") or entry.recipient
        token = settings.secret("api_token", required=False)
        if token and not same_origin(url, settings.api_url):
            raise credential_elsewhere(entry, url, settings.api_url, "api.url", "api")
        return api.submit_file(payload, url=url, token=token, idempotency_key=entry.key,
                               fetcher=_fetcher(settings, fetcher), allow_plaintext=entry.plaintext,
                               clock=clock).to_dict()
    if entry.channel == "github":
        api_url = route.get("api_url") or settings.github_api_url
        if not same_origin(api_url, settings.github_api_url):
            raise credential_elsewhere(entry, api_url, settings.github_api_url, "github.api_url", "github")
        token = settings.secret("github_token")
        return github.submit(json.loads(payload.decode("utf-8")), repo=route.get("repo") or entry.recipient,
                             api_url=api_url, token=token, fetcher=_fetcher(settings, fetcher),
                             clock=clock).to_dict()
    raise StoreError.t("delivery.send.unknown_channel", code="outbox_corrupt", id=entry.id, channel=repr(entry.channel))


class KeptInOutbox(DeliveryError):
    """A failed attempt: the channel's sentence in the run's language, then where the report stays."""

    def __init__(self, failure: DeliveryError, entry: OutboxEntry) -> None:
        self.failure = failure
        self.kept_id = N_("delivery.send.kept_plain") if entry.plaintext else N_("delivery.send.kept")
        self.entry_id = entry.id
        super().__init__(self.say("en"), code=failure.code,
                         data={**failure.data, "id": entry.id, "report_id": entry.report_id})

    def say(self, lang: str | None) -> str:
        return f"{self.failure.say(lang).rstrip('.')}; {say(lang or 'en', self.kept_id, id=self.entry_id)}"


def _origin(url: str | None) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url or "")
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".").lower()
    return (parts.scheme.lower(), host, port) if host else None


def same_origin(url: str | None, configured: str | None) -> bool:
    """Do ``url`` and the configured endpoint share scheme, host and port (RFC 6454 §4)?"""
    here = _origin(url)
    return here is not None and here == _origin(configured)


# The credential (``api``: the API token, ``github``: the GitHub token), configured for an endpoint or none.
_ELSEWHERE = {
    ("api", True): N_("delivery.send.credential_elsewhere.api"),
    ("api", False): N_("delivery.send.credential_elsewhere.api_none"),
    ("github", True): N_("delivery.send.credential_elsewhere.github"),
    ("github", False): N_("delivery.send.credential_elsewhere.github_none"),
}


def credential_elsewhere(entry: OutboxEntry, url: str, configured: str | None, key: str, what: str) -> DeliveryError:
    """A stored entry names another endpoint than the one today's credential was configured for: the
    credential is not sent there (it belongs to ``configured`` only), and nothing is attempted.
    ``what`` is the credential: ``api`` (the API token) or ``github`` (the GitHub token)."""
    origin = _origin(url)
    msgid = _ELSEWHERE[what, bool(configured)]
    return DeliveryError.t(msgid, code="credential_elsewhere", data={"id": entry.id, "temporary": True},
                           id=entry.id, dest=origin[1] if origin else repr(url), configured=configured or "",
                           key=key)
