"""Helpers for the security.txt tests: files made relative to a fixed or the real clock, a Fetcher
that reaches the loopback HTTPS server under the test names, and signed files made by real gpg."""

from __future__ import annotations

import datetime as dt

from cvd_reporter.net.http import Fetcher
from tests.servers.pki import NAMES

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.timezone.utc)
HOSTS = tuple(n for n in NAMES if any(c.isalpha() for c in n) and ":" not in n and n != "localhost")


def iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def body(*lines: str, now: dt.datetime = NOW, expires_days: int | None = 90,
         contact: str | None = "mailto:security@gemeente.test") -> bytes:
    """A security.txt: Contact, the extra lines, Expires (unless None); LF line ends."""
    out = []
    if contact is not None:
        out.append(f"Contact: {contact}")
    out += list(lines)
    if expires_days is not None:
        out.append(f"Expires: {iso(now + dt.timedelta(days=expires_days))}")
    return ("\n".join(out) + "\n").encode()


def live_body(*lines: str, **kw) -> bytes:
    """Like :func:`body`, relative to the real clock (for fetch tests, which use the real now)."""
    return body(*lines, now=dt.datetime.now(dt.timezone.utc), **kw)


def make_fetcher(https, pki, *, timeout: float = 3.0, **kw) -> Fetcher:
    mapping = {(n, 443): (https.host, https.port) for n in HOSTS}
    return Fetcher(ca_bundle=pki.ca_pem, connect_to=mapping, timeout=timeout, **kw)


def connect_args(https) -> list[str]:
    out = []
    for value in https.connect_to(*HOSTS):
        out += ["--connect-to", value]
    return out
