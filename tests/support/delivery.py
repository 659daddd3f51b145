"""Helpers for the delivery tests: a municipality's key in real gpg (the ``recipient`` fixture in
tests/conftest.py), an encrypt callable that runs gpg itself (gpg is the honest stand-in for "any
OpenPGP implementation"), a finished PGP/MIME report carrying a canary, and Settings aimed at the
loopback servers.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cvd_reporter.core import mime
from cvd_reporter.settings import ConnectTo, Settings
from tests.servers.gpg import GnuPG
from tests.servers.smtp import PASSWORD, USER

# Words from the report's title and description. They must appear only inside the ciphertext.
CANARY = "Zwaluwstaart7731"
TITLE = f"Stored XSS in het zoekformulier ({CANARY})"
DESCRIPTION = (f"Het zoekveld op https://www.gemeente.test/zoeken toont invoer ongefilterd terug. "
               f"Kenmerk {CANARY}. Één regel met accenten: café, naïef.")
REPORT_ID = "0f8e2c1a-5b7d-4e3f-9a21-6c4d8b2e7f10"
FROM = "Alice Onderzoeker <alice@reporter.test>"
FROM_ADDR = "alice@reporter.test"
TO = "security@gemeente.test"
NOW = datetime(2026, 11, 28, 9, 30, tzinfo=timezone.utc)
EVIDENCE = [("screenshots/zoeken-xss.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "image/png"),
            ("request.txt", f"GET /zoeken?q=<script>{CANARY}</script>\n".encode(), "text/plain")]


@dataclass
class Recipient:
    gpg: GnuPG
    fpr: str
    reporter_key: str

    def encrypt(self, data: bytes) -> bytes:
        """``gpg --encrypt --armor -r FPR``: what a real OpenPGP implementation produces."""
        return self.gpg.gpg("--trust-model", "always", "--encrypt", "--armor", "-r", self.fpr, input=data)

    def decrypt_message(self, wire: bytes) -> bytes:
        """Take an RFC 3156 message apart like a mail client and decrypt its payload with gpg."""
        outer = email.message_from_bytes(wire, policy=email.policy.default)
        armored = outer.get_payload()[1].get_payload(decode=True)
        return self.gpg.decrypt(armored)


def report_text() -> str:
    return f"Titel: {TITLE}\n\nBeschrijving:\n{DESCRIPTION}\n\nStappen:\n1. Open /zoeken\n2. Zoek op <script>\n"


def build_message(recipient: Recipient, *, report_id: str = REPORT_ID, evidence: list | None = None) -> bytes:
    message_id = mime.message_id_for(report_id, "reporter.test")
    inner = mime.build_inner(report_text=report_text(), subject=f"Kwetsbaarheidsmelding: {TITLE}",
                             from_addr=FROM, to_addr=TO, message_id=message_id, date=NOW,
                             attachments=EVIDENCE if evidence is None else evidence,
                             reporter_key=recipient.reporter_key, lang="nl")
    return mime.build_encrypted(inner, encrypt=recipient.encrypt, from_addr=FROM, to_addr=TO,
                                message_id=message_id, date=NOW, report_id=report_id)


def smtp_settings(pki: Any, port: int, *, security: str = "starttls", host: str = "smtp.gemeente.test",
                  timeout: float = 3.0, ca_bundle: str | None = None, home: Path | None = None,
                  **kw: Any) -> Settings:
    """Settings for the loopback SMTP server: --connect-to maps the real name to the test port."""
    wanted = 465 if security == "tls" else 587
    return Settings(ca_bundle=ca_bundle or pki.ca_pem, timeout=timeout, smtp_host=host,
                    smtp_security=security, smtp_user=USER, smtp_from=FROM_ADDR,
                    connect_to=(ConnectTo(host, wanted, "127.0.0.1", port),),
                    **({"home": home} if home else {}), **kw)


def smtp_env(pki: Any, port: int, *, security: str = "starttls", password: str | None = None) -> dict[str, str]:
    """The same as environment variables, for CLI tests."""
    wanted = 465 if security == "tls" else 587
    return {"CVD_CA_BUNDLE": pki.ca_pem, "CVD_TIMEOUT": "3", "CVD_SMTP_HOST": "smtp.gemeente.test",
            "CVD_SMTP_SECURITY": security, "CVD_SMTP_USER": USER, "CVD_SMTP_FROM": FROM_ADDR,
            "CVD_SMTP_PASSWORD": password or PASSWORD,
            "CVD_CONNECT_TO": f"smtp.gemeente.test:{wanted}:127.0.0.1:{port}"}


Encrypt = Callable[[bytes], bytes]
