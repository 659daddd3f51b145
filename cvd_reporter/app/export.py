"""Export one report from the record: the proof bundle NCSC-NL asks for before it mediates, with
what the report file says. The record (store/) knows what happened; the report file (app/reportfile)
what was reported; this use case brings them together.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from cvd_reporter.app.reportfile import load_report_file
from cvd_reporter.core import states, workdays
from cvd_reporter.errors import CvdError
from cvd_reporter.store.record import ReportRecord, iso, sha256_file, timestamp

PROOF_BUNDLE_FORMAT = "cvd-reporter-proof/1"


def read_report_facts(path: str | None) -> dict[str, Any]:
    """What an export takes from the report file: its hash, attestations, reporter, description.

    Read leniently (it was validated when it was sent, and may have been edited or deleted since):
    a file that is gone or unreadable gives ``{"error": reason}`` instead of an exception.
    """
    if not path:
        return {"error": "no report file is recorded"}
    try:
        loaded = load_report_file(Path(path))
        digest = sha256_file(Path(path))
    except CvdError as e:
        return {"error": e.message.rstrip(".")}
    except OSError as e:
        return {"error": f"the report file {path} cannot be read ({e.strerror})"}
    report = loaded.report
    who = report.reporter
    return {
        "path": str(path),
        "sha256": digest,
        "title": report.vulnerability.title,
        "language": report.language,
        "anonymous": bool(who.anonymous),
        "reporter_name": None if who.anonymous else who.name,
        "reporter_email": None if who.anonymous else who.email,
        "description": report.vulnerability.description,
        "cwe": report.vulnerability.cwe,
        "cvss": report.vulnerability.cvss,
        "discovered": report.conduct.discovered,
        "attestations": list(report.conduct.attestations),
        "source_ips": list(report.conduct.source_ips),
    }


def proof_bundle(report: ReportRecord, *, facts: dict[str, Any], now: datetime, tool_version: str) -> dict[str, Any]:
    """The proof bundle: everything the record knows of one report, as one JSON document.

    It is what NCSC-NL asks for before it mediates ("proof of attempts at contact"): when and how the
    report went out, to whom, encrypted with which key, the hashes of what was sent, the server's
    answers, every state change, the deadline and the deletion receipts.
    """
    today = workdays.local_date(now, report.calendar)
    due = states.answer_due(report)
    nxt = states.next_due(report, today)
    return {
        "format": PROOF_BUNDLE_FORMAT,
        "generated_at": timestamp(now),
        "tool": {"name": "cvd-reporter", "version": tool_version},
        "report": report.to_dict(history=False),
        "report_file": {k: facts.get(k) for k in ("path", "sha256", "error") if facts.get(k)},
        "attestations": facts.get("attestations", []),
        "source_ips": facts.get("source_ips", []),
        "deadline": {
            "policy": report.policy,
            "calendar": report.calendar,
            "response_working_days": report.response_days,
            # a promise in days or hours is counted in calendar days (docs/policy-profiles.md)
            "response_unit": "calendar_days" if report.calendar == "calendar-days" else "working_days",
            "sent_on": iso(report.sent_on),
            "answer_due": iso(due[0]) if due else None,
            "answer_due_lenient": iso(due[1]) if due else None,
            "answered": any(e.state in ("acknowledged", "assessed", "fix_promised", "fixed") for e in report.events),
            "fix_promised_by": iso(report.fix_date),
        },
        "timeline": [e.to_dict() for e in report.events],
        "deliveries": [d.to_dict() for d in report.deliveries],
        # Every attempt at contact, whatever the channel (e-mail, API, GitHub, web form, phone), with its
        # Message-ID or the form's reference: NCSC-NL's "proof of attempts at contact".
        "attempts": [d.attempt().to_dict() for d in report.deliveries],
        "deletion_receipts": [r.to_dict() for r in report.receipts],
        "next": nxt.to_dict() if nxt else None,
    }
