"""Who a message is from: one answer for the report, its follow-ups and its publication notice, so the
organisation sees every message about one report come from the same address (RFC 5322 §3.6.2)."""

from __future__ import annotations

from dataclasses import dataclass

from cvd_reporter.settings import Settings

ANONYMOUS = "anonymous@invalid"  # RFC 6761 §6.4: .invalid never resolves
NO_DOMAIN = "cvd-reporter.invalid"


@dataclass(frozen=True)
class Sender:
    header_from: str  # the From: header
    envelope_from: str | None  # SMTP MAIL FROM (RFC 5321 §4.1.1.2); None: the server decides

    @property
    def domain(self) -> str:
        """The right-hand side of the Message-ID (RFC 5322 §3.6.4)."""
        return self.header_from.rsplit("@", 1)[-1] if "@" in self.header_from else NO_DOMAIN


def resolve_sender(settings: Settings, reporter_email: str | None) -> Sender:
    """``smtp.from`` when configured, else the reporter's e-mail address as the report file gives it (None
    for an anonymous report: then no configured address is put in its place), else the SMTP login, else
    an address that says there is none."""
    header = settings.smtp_from or reporter_email or settings.smtp_user or ANONYMOUS
    return Sender(header_from=header, envelope_from=_envelope(settings, header))


def _envelope(settings: Settings, header: str) -> str | None:
    """MAIL FROM must be a mailbox (RFC 5321 §4.1.2): smtp.from, else the login when it is an address,
    else the From: address; a login that is only a name is left for the SMTP layer to refuse."""
    if settings.smtp_from:
        return settings.smtp_from
    login = settings.smtp_user
    if login and "@" in login:
        return login
    if header != ANONYMOUS and "@" in header:
        return header
    return login
