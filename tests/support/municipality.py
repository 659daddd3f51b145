"""A municipality on loopback for end-to-end tests of the app layer: its security.txt and WKD key on the
HTTPS server, its zone on the DNS server, the environment that points cvd-reporter at them, and a valid
report file. Plain helpers; the fixtures that use them live in conftest.py files."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import yaml

from cvd_reporter.core.wkd import wkd_hash

HOSTS = ("gemeente.test", "www.gemeente.test", "openpgpkey.gemeente.test", "keys.test")
ATTESTATIONS = ["no-dos", "no-physical", "no-social-engineering", "no-brute-force", "no-spam",
                "no-data-abuse", "minimal-data", "no-disclosure-until-fixed", "delete-after-fix"]
ZONE = "www A 127.0.0.1\nopenpgpkey A 127.0.0.1\n@ A 127.0.0.1\nsmtp A 127.0.0.1"


def serve(https, key: bytes) -> None:
    """security.txt (RFC 9116) with an Encryption: URI to the key on WKD (the direct method's path)."""
    wkd = f"https://openpgpkey.gemeente.test/.well-known/openpgpkey/gemeente.test/hu/{wkd_hash('security')}"
    https.add("/.well-known/security.txt",
              "Contact: mailto:security@gemeente.test\n"
              f"Encryption: {wkd}\n"
              "Expires: 2030-01-01T00:00:00Z\nPreferred-Languages: nl, en\n"
              "Canonical: https://www.gemeente.test/.well-known/security.txt\n", host="www.gemeente.test")
    https.add(f"/.well-known/openpgpkey/gemeente.test/hu/{wkd_hash('security')}", key,
              host="openpgpkey.gemeente.test")


def env_for(https, pki, dns, smtp=None, **extra: str) -> dict[str, str]:
    mapping = https.connect_to(*HOSTS)
    env = {"CVD_CA_BUNDLE": pki.ca_pem, "CVD_TIMEOUT": "3", "CVD_DNS_SERVER": dns.address,
           "CVD_KEYSERVER": "https://keys.test"}
    if smtp is not None:
        from tests.servers.smtp import PASSWORD, USER

        mapping.append(f"smtp.gemeente.test:587:127.0.0.1:{smtp.port}")
        env.update(CVD_SMTP_HOST="smtp.gemeente.test", CVD_SMTP_PORT="587", CVD_SMTP_USER=USER,
                   CVD_SMTP_PASSWORD=PASSWORD)
    env["CVD_CONNECT_TO"] = ",".join(mapping)
    env.update(extra)
    return env


def write_report(folder: Path, **changes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "request.txt").write_bytes(b"GET /zoeken?q=<script>alert(1)</script>\r\n")
    doc = {
        "schema": "cvd-report/1",
        "reporter": {"name": "Alex", "email": "alex@example.org"},
        "target": {"urls": ["https://www.gemeente.test/zoeken"]},
        "vulnerability": {"title": "XSS in zoeken", "description": "De parameter q wordt ongefilterd teruggegeven.",
                          "steps": ["Open /zoeken?q=<script>"], "cwe": "CWE-79"},
        "evidence": [{"path": "request.txt", "description": "het verzoek"}],
        "conduct": {"attestations": ATTESTATIONS},
        "disclosure": {"intent": "after-fix", "credit": "pseudonym"},
    }
    doc.update(changes)
    path = folder / "report.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return path


def outer_and_inner(raw: bytes, gpg) -> tuple[email.message.EmailMessage, email.message.EmailMessage]:
    """The PGP/MIME message as it travelled and, decrypted by gpg, the message inside it."""
    outer = email.message_from_bytes(raw, policy=email.policy.default)
    assert outer.get_content_type() == "multipart/encrypted"
    inner = gpg.decrypt(outer.get_payload()[1].get_payload(decode=True))
    return outer, email.message_from_bytes(inner, policy=email.policy.default)
