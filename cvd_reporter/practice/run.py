"""Run the practice organisation: start its servers, point a Settings at them, let the reporter
(or ``--auto``, a sample report) go through the real pipeline, and show what the municipality got.

The servers and the settings are this run's alone: a one-off CA trusted only here, ``--connect-to``
style mappings for every practice name, a DNS server for the practice zone, and the practice
keyserver, so that nothing reaches the internet.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

import yaml

from cvd_reporter.core.i18n import translator
from cvd_reporter.practice import org as practice_org
from cvd_reporter.practice.servers import PracticeDNS, PracticeHTTPS, PracticeSMTP
from cvd_reporter.settings import ConnectTo, Settings
from cvd_reporter.store.fs import private_dir, write_private

SAMPLE_EVIDENCE = (
    "GET /zoeken?q=%3Cscript%3Ealert(document.domain)%3C/script%3E HTTP/1.1\n"
    f"Host: {practice_org.WWW}\n\n"
    "HTTP/1.1 200 OK\nContent-Type: text/html; charset=utf-8\n\n"
    "<p>Geen resultaten voor <script>alert(document.domain)</script></p>\n"
)


def sample_report(lang: str) -> dict[str, Any]:
    nl = lang == "nl"
    return {
        "schema": "cvd-report/1",
        "language": lang,
        "reporter": {"name": "Oefenaar (pseudoniem)" if nl else "Trainee (pseudonym)",
                     "email": "oefenaar@example.org"},
        "target": {"urls": [f"https://{practice_org.WWW}/zoeken?q=test"],
                   "asset": "Zoekfunctie van de website" if nl else "The website's search page"},
        "vulnerability": {
            "title": "Reflected XSS in de zoekfunctie" if nl else "Reflected XSS in the search page",
            "cwe": "CWE-79",
            "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
            "description": ("De parameter q wordt zonder escaping in de pagina teruggegeven." if nl else
                            "The q parameter is reflected into the page without escaping."),
            "steps": [f"Open https://{practice_org.WWW}/zoeken?q=<script>alert(document.domain)</script>",
                      "De browser toont een melding." if nl else "The browser shows an alert."],
            "impact": ("Sessies van inwoners kunnen worden overgenomen." if nl else
                       "Residents' sessions can be taken over."),
        },
        "evidence": [{"path": "request.txt", "description": "Verzoek en antwoord" if nl else "Request and response"}],
        "conduct": {"discovered": dt.date.today().isoformat(), "tools": ["Firefox"],
                    "data_accessed": "Geen" if nl else "None", "data_downloaded": "Niets" if nl else "Nothing",
                    "attestations": ["no-dos", "no-physical", "no-social-engineering", "no-brute-force", "no-spam",
                                     "no-data-abuse", "minimal-data", "no-disclosure-until-fixed",
                                     "delete-after-fix"]},
        "disclosure": {"intent": "after-fix", "credit": "pseudonym"},
    }


@dataclass
class Practice:
    folder: Path
    org: practice_org.PracticeOrg
    settings: Settings
    https: Any
    dns: Any
    smtp: Any
    lines: list[str] = field(default_factory=list)

    def describe(self, lang: str) -> str:
        t = translator(lang)
        o = self.org
        name = practice_org.NAME.get(t.lang, practice_org.NAME["en"])
        folder, one_off_ca, signed, key = t("practice.folder"), t("practice.one_off_ca"), t("practice.signed"), \
            t("practice.key")
        return "\n".join([
            t("practice.intro", name=name, domain=practice_org.DOMAIN),
            f"  website       https://{practice_org.WWW}/  ({one_off_ca})",
            f"  security.txt  https://{practice_org.WWW}/.well-known/security.txt  ({signed})",
            f"  {key:<13} {o.fingerprint}  (WKD: https://{practice_org.OPENPGPKEY}{o.wkd_path})",
            f"  SMTP          {practice_org.SMTP_HOST}:587  (STARTTLS + AUTH)",
            f"  {folder:<13} {self.folder}",
        ])


@contextmanager
def practice_world(*, folder: Path | None = None, timeout: float = 5.0) -> Iterator[Practice]:
    """Build the organisation and start its servers; stop them (and remove a temporary folder) after."""
    temporary = folder is None
    base = Path(tempfile.mkdtemp(prefix="cvd-practice-")) if folder is None else folder
    private_dir(base)
    org = practice_org.build(base / "organisation")
    https, dns, smtp = PracticeHTTPS(org).start(), PracticeDNS().start(), PracticeSMTP(org).start()
    try:
        mappings = tuple(ConnectTo(host, 443, "127.0.0.1", https.port) for host in practice_org.HOSTS)
        mappings += (ConnectTo(practice_org.SMTP_HOST, 587, "127.0.0.1", smtp.port),)
        settings = Settings(
            home=base / "home", ca_bundle=str(org.ca_pem), connect_to=mappings, dns_server=("127.0.0.1", dns.port),
            timeout=timeout, policy=str(org.policy_path), keyserver=f"https://{practice_org.KEYSERVER}",
            smtp_host=practice_org.SMTP_HOST, smtp_port=587, smtp_security="starttls", smtp_user=org.smtp_user,
            smtp_from="oefenaar@example.org", reporter_email="oefenaar@example.org",
            environ={"CVD_SMTP_PASSWORD": org.smtp_password},
            sources={"practice": "this practice run"},
        )
        yield Practice(base, org, settings, https, dns, smtp)
    finally:
        smtp.stop()
        dns.stop()
        https.stop()
        if temporary:
            shutil.rmtree(base, ignore_errors=True)


def write_sample(practice: Practice, lang: str) -> Path:
    folder = practice.folder / "reporter"
    write_private(folder / "request.txt", SAMPLE_EVIDENCE)
    return write_private(folder / "report.yaml", yaml.safe_dump(sample_report(lang), allow_unicode=True,
                                                                 sort_keys=False))


def received(practice: Practice) -> list[dict[str, Any]]:
    """Every message the municipality's server accepted: as it arrived, and decrypted with its key."""
    out = []
    for item in practice.smtp.messages:
        raw: bytes = item["content"]
        outer = email.message_from_bytes(raw, policy=email.policy.default)
        entry: dict[str, Any] = {
            "envelope": {"from": item["mail_from"], "to": item["rcpt_tos"], "tls": item["tls"],
                         "authenticated": item["authenticated"]},
            "outer_headers": {k: str(v) for k, v in outer.items()},
            "encrypted": outer.get_content_type() == "multipart/encrypted",
            "raw": raw.decode("utf-8", "replace"),
        }
        if entry["encrypted"]:
            parts = outer.get_payload()
            data = parts[1] if isinstance(parts, list) else None
            armored = data.get_payload(decode=True) if isinstance(data, Message) else None
            if not isinstance(armored, bytes):
                raise RuntimeError("the practice server received a malformed PGP/MIME message")
            inner = email.message_from_bytes(practice_org.decrypt(practice.org, armored),
                                             policy=email.policy.default)
            body = inner.get_body(("plain",))
            entry["decrypted"] = {
                "subject": str(inner["Subject"]),
                "text": body.get_content() if body is not None else "",
                "attachments": [{"name": p.get_filename(), "type": p.get_content_type(),
                                 "size": len(p.get_payload(decode=True) or b"")} for p in inner.iter_attachments()],
            }
        out.append(entry)
    return out


def show_received(messages: list[dict[str, Any]], lang: str, echo: Callable[[str], None]) -> None:
    t = translator(lang)
    if not messages:
        echo(t("practice.received_nothing"))
        return
    for m in messages:
        echo("")
        echo("=== " + t("practice.arrived") + " ===")
        for key in ("From", "To", "Subject", "Date", "Message-ID", "Content-Type"):
            if key in m["outer_headers"]:
                echo(f"{key}: {m['outer_headers'][key]}")
        armor = [line for line in m["raw"].splitlines() if line.strip()]
        start = next((i for i, line in enumerate(armor) if line.startswith("-----BEGIN PGP MESSAGE")), None)
        if start is not None:
            echo(armor[start])
            echo("\n".join(armor[start + 1:start + 4]))
            echo("   … " + t("practice.more_lines", n=len(armor) - start - 5))
            echo(next(line for line in armor[start:] if line.startswith("-----END PGP MESSAGE")))
        if "decrypted" in m:
            d = m["decrypted"]
            echo("")
            echo("=== " + t("practice.decrypted") + " ===")
            echo(f"Subject: {d['subject']}")
            echo("")
            echo(d["text"].rstrip())
            for a in d["attachments"]:
                echo(t("practice.attachment", name=a["name"], type=a["type"], size=a["size"]))
