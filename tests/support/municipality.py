"""A municipality on loopback for the end-to-end tests of submit and the commands around it: its
security.txt and WKD key on the HTTPS server, its zone on the DNS server (the ``municipality`` and
``zone`` fixtures in tests/conftest.py), the environment that points the CLI at them, and a report
whose title and description carry a canary that must appear nowhere outside the encryption."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from pathlib import Path

import yaml

from cvd_reporter.core.wkd import wkd_hash
from tests.servers.gpg import GnuPG
from tests.servers.https import LocalHTTPS, Response
from tests.servers.smtp import PASSWORD, USER, LocalSMTP
from tests.support.report import ALL_ATTESTATIONS

CANARY = "KANARIE-7f3a"
TITLE = f"XSS in zoeken {CANARY}"
DESCRIPTION = f"De parameter q wordt ongefilterd teruggegeven ({CANARY}-beschrijving)."
EVIDENCE = b"GET /zoeken?q=<script>alert(1)</script>\r\nHTTP/1.1 200 OK\r\n\x00binary-tail"
HOSTS = ("gemeente.test", "www.gemeente.test", "openpgpkey.gemeente.test", "keys.test", "api.gemeente.test",
         "api.github.test", "other.test", "www.other.test")


@dataclass
class Municipality:
    gpg: GnuPG
    fpr: str
    key: bytes


def security_txt(expires: str = "2030-01-01T00:00:00Z", encryption: bool = True) -> str:
    lines = ["Contact: mailto:security@gemeente.test", "Contact: https://www.gemeente.test/melden"]
    if encryption:
        lines.append(f"Encryption: https://openpgpkey.gemeente.test/.well-known/openpgpkey/gemeente.test/hu/"
                     f"{wkd_hash('security')}")
    lines += [f"Expires: {expires}", "Preferred-Languages: nl, en",
              "Canonical: https://www.gemeente.test/.well-known/security.txt"]
    return "\n".join(lines) + "\n"


def serve(https: LocalHTTPS, key: bytes | None, *, encryption: bool = True) -> None:
    https.add("/.well-known/security.txt", security_txt(encryption=encryption), host="www.gemeente.test")
    if key is not None:
        for path in (f"/.well-known/openpgpkey/gemeente.test/hu/{wkd_hash('security')}",):
            https.add(path, Response(200, key, "application/octet-stream"), host="openpgpkey.gemeente.test")


def env_for(https, pki, dns, smtp: LocalSMTP | None = None, **extra: str) -> dict[str, str]:
    mapping = https.connect_to(*HOSTS)
    env = {"CVD_CA_BUNDLE": pki.ca_pem, "CVD_TIMEOUT": "3", "CVD_DNS_SERVER": dns.address,
           "CVD_KEYSERVER": "https://keys.test", "CVD_SMTP_FROM": "alex@example.org"}
    if smtp is not None:
        mapping.append(f"smtp.gemeente.test:587:127.0.0.1:{smtp.port}")
        env.update(CVD_SMTP_HOST="smtp.gemeente.test", CVD_SMTP_PORT="587", CVD_SMTP_USER=USER,
                   CVD_SMTP_PASSWORD=PASSWORD)
    env["CVD_CONNECT_TO"] = ",".join(mapping)
    env.update(extra)
    return env


def write_report(folder: Path, **changes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "request.txt").write_bytes(EVIDENCE)
    doc = {
        "schema": "cvd-report/1",
        "reporter": {"name": "Alex", "email": "alex@example.org"},
        "target": {"urls": ["https://www.gemeente.test/zoeken"]},
        "vulnerability": {"title": TITLE, "description": DESCRIPTION, "steps": ["Open /zoeken?q=<script>"],
                          "cwe": "CWE-79"},
        "evidence": [{"path": "request.txt", "description": "het verzoek"}],
        "conduct": {"attestations": ALL_ATTESTATIONS},
        "disclosure": {"intent": "after-fix", "credit": "pseudonym"},
    }
    doc.update(changes)
    path = folder / "report.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return path


def armored_part(raw: bytes) -> bytes:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/encrypted"
    return msg.get_payload()[1].get_payload(decode=True)


def outer_and_inner(raw: bytes, gpg: GnuPG) -> tuple[email.message.EmailMessage, email.message.EmailMessage]:
    """The PGP/MIME message as it travelled and, decrypted by gpg, the message inside it."""
    outer = email.message_from_bytes(raw, policy=email.policy.default)
    assert outer.get_content_type() == "multipart/encrypted"
    inner = gpg.decrypt(outer.get_payload()[1].get_payload(decode=True))
    return outer, email.message_from_bytes(inner, policy=email.policy.default)
