"""Helpers for the wizard tests: a scripted wizard with an injected lookup, and the happy-path answers."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cvd_reporter.app.profiles import load_policy
from cvd_reporter.app.reportfile import load_report_file, read_evidence
from cvd_reporter.cli.prompter import DEFAULT, ScriptedPrompter
from cvd_reporter.cli.wizard import Wizard
from cvd_reporter.cli.wizard_lookup import LookupResult
from cvd_reporter.core.model import ATTESTATIONS
from cvd_reporter.core.validate import validate_report
from cvd_reporter.store.drafts import DraftStore

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone.utc)
TARGET = "https://www.gemeente.example/zoeken"

HAPPY: dict[str, Any] = {
    "target": TARGET,
    "reporter_name": "Alice", "reporter_email": "alice@example.org", "reporter_phone": "", "reporter_pgp_key": "",
    "title": "Reflected XSS in the search page", "cwe": "CWE-79", "cvss_mode": "none",
    "description": "The q parameter of /zoeken is echoed without escaping.",
    "steps": "1. Open https://www.gemeente.example/zoeken?q=<script>alert(1)</script>\n2. An alert box appears",
    "product": "", "version": "",
    "impact": "An attacker can run script in a resident's session.", "remediation": "",
    "evidence[0].path": "",
    "discovered": DEFAULT, "source_ips": "192.0.2.7", "tools": "Firefox", "data_accessed": "", "data_downloaded": "",
    **{f"attest.{a}": True for a in ATTESTATIONS},
    "shared_with": "", "disclosure_intent": "after-fix", "credit": "name",
    "credits[0].name": "",
    "finish_action": "save", "save_path": "report.yaml",
}


def in_scope(target: str) -> LookupResult:
    return LookupResult(target, verdict="in_scope", reasons=["www.gemeente.example has its own security.txt"],
                        organisation="gemeente.example",
                        found_at="https://www.gemeente.example/.well-known/security.txt",
                        contacts=["mailto:security@gemeente.example"], key="0123ABCD (expires 2027-06-01)",
                        languages=["nl", "en"])


def make_wizard(tmp_path: Path, answers: dict[str, Any], *, lookup: Callable[[str], LookupResult] = in_scope,
                store: DraftStore | None = None, draft_id: str | None = None, lang: str = "en",
                policy: Any = None, **kw: Any) -> tuple[Wizard, ScriptedPrompter]:
    prompter = ScriptedPrompter(answers)
    store = store or DraftStore(tmp_path / "home")
    draft = store.load(draft_id) if draft_id else store.new(lang=lang, now=NOW)
    wizard = Wizard(prompter=prompter, policy=policy or load_policy("nl-gemeente"), lang=lang, store=store,
                    draft=draft, lookup=lookup, timeout=kw.pop("timeout", 2.0), today=TODAY,
                    clock=lambda: NOW, cwd=tmp_path, **kw)
    return wizard, prompter


def check_saved(path: Path, *, lang: str = "en"):
    """The saved file is what `validate` accepts: no errors."""
    loaded = load_report_file(path, lang=lang)
    findings = loaded.findings + validate_report(loaded.report, policy=load_policy("nl-gemeente"), today=TODAY,
                                                 lang=lang)
    for ev in read_evidence(loaded, lang=lang):
        findings += ev.findings
    errors = [f.human() for f in findings if f.severity == "error"]
    assert not errors, errors
    return loaded


class Status(io.StringIO):
    """The spinner's stream in tests (not a terminal, but it records what would be drawn)."""
