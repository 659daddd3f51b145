"""A report file and the environment for `submit` against loopback servers (HTTPS, DNS, SMTP), for the
tests of where a report goes. Plain helpers: the fixtures stay in the test modules and conftest.py."""

from __future__ import annotations

from pathlib import Path

import yaml

ATTESTATIONS = ["no-dos", "no-physical", "no-social-engineering", "no-brute-force", "no-spam", "no-data-abuse",
                "minimal-data", "no-disclosure-until-fixed", "delete-after-fix"]
HOSTS = ("gemeente.test", "www.gemeente.test", "openpgpkey.gemeente.test", "keys.test", "other.test",
         "www.other.test")


def env_for(https, pki, dns, smtp=None, *, timeout: str = "10") -> dict[str, str]:
    mapping = https.connect_to(*HOSTS)
    env = {"CVD_CA_BUNDLE": pki.ca_pem, "CVD_TIMEOUT": timeout, "CVD_DNS_SERVER": dns.address,
           "CVD_KEYSERVER": "https://keys.test", "CVD_SMTP_FROM": "alex@example.org"}
    if smtp is not None:
        from tests.servers.smtp import PASSWORD, USER

        mapping.append(f"smtp.gemeente.test:587:127.0.0.1:{smtp.port}")
        env.update(CVD_SMTP_HOST="smtp.gemeente.test", CVD_SMTP_PORT="587", CVD_SMTP_USER=USER,
                   CVD_SMTP_PASSWORD=PASSWORD)
    env["CVD_CONNECT_TO"] = ",".join(mapping)
    return env


def write_report(folder: Path, *, organisation: dict | None = None, title: str = "XSS in zoeken") -> Path:
    doc = {
        "schema": "cvd-report/1",
        "reporter": {"name": "Alex", "email": "alex@example.org"},
        "target": {"urls": ["https://www.gemeente.test/zoeken"]},
        "vulnerability": {"title": title, "description": "De parameter q wordt ongefilterd teruggegeven.",
                          "steps": ["Open /zoeken?q=<script>"], "cwe": "CWE-79"},
        "conduct": {"attestations": ATTESTATIONS},
        "disclosure": {"intent": "after-fix", "credit": "pseudonym"},
    }
    if organisation:
        doc["organisation"] = organisation
    path = folder / "report.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return path
