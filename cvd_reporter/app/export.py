"""What an export (and a notice) takes from the report file a record entry points to.

The record (store/record.py) keeps only the path; reading and parsing the file is the report file's
business (app/reportfile.py), so it happens here, above the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cvd_reporter.app.reportfile import load_report_file
from cvd_reporter.errors import CvdError
from cvd_reporter.store.record import sha256_file


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
