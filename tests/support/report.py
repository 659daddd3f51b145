"""A good report document (no findings under the nl-gemeente policy) and every attestation that
policy asks for: the starting point of the model, render, validate and submit tests."""

from __future__ import annotations

ALL_ATTESTATIONS = ["no-dos", "no-physical", "no-social-engineering", "no-brute-force", "no-spam",
                    "no-data-abuse", "minimal-data", "no-disclosure-until-fixed", "delete-after-fix"]
GOOD = {
    "schema": "cvd-report/1",
    "language": "nl",
    "reporter": {"name": "Alex", "email": "alex@example.org"},
    "target": {"urls": ["https://loket.gemeente.test/zoeken"]},
    "vulnerability": {"title": "XSS", "description": "q is reflected", "steps": ["open the page"],
                      "cwe": "CWE-79", "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"},
    "conduct": {"discovered": "2026-11-27", "attestations": ALL_ATTESTATIONS},
    "disclosure": {"intent": "after-fix", "credit": "pseudonym"},
}
