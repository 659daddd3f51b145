"""One submit reads each thing once: the report file, the record, the outbox entry, the key's verdict.

Observed from outside the code, through Python's audit events (PEP 578: ``open`` for files,
``sqlite3.connect`` for the record) while the real pipeline runs against the loopback municipality
(HTTPS, DNS, SMTP with STARTTLS+AUTH). The key's judgment is counted with a spy that wraps the real
function (nothing is replaced). Before the application layer threaded them through, one submit read
the report twice, opened the record three times, read the outbox entry four times and judged the key
three times.
"""

from __future__ import annotations

import os
import sys
from collections import Counter

import pytest

from cvd_reporter.core.pgp import keys as pgp_keys
from tests.support.municipality import env_for, serve, write_report

_WATCH: list[tuple[str, tuple]] = []
_ACTIVE: list[bool] = []


def _hook(event: str, args: tuple) -> None:
    if _ACTIVE and event in ("open", "sqlite3.connect"):
        _WATCH.append((event, args))


sys.addaudithook(_hook)  # hooks cannot be removed; this one records only while a test switches it on


@pytest.fixture
def audit():
    _WATCH.clear()
    _ACTIVE.append(True)
    yield _WATCH
    _ACTIVE.clear()


def _reads(events: list[tuple[str, tuple]], predicate) -> int:
    """Files opened for reading (io.open with a mode; os.open writes carry mode None) that match."""
    return sum(1 for event, args in events
               if event == "open" and isinstance(args[1], str) and "r" in args[1] and "+" not in args[1]
               and predicate(str(args[0])))


def test_one_submit_reads_the_report_record_entry_and_key_once(cli, https, pki, zone, smtp,
                                                                municipality, tmp_path, isolated_env,
                                                                audit, monkeypatch):
    serve(https, municipality.key)
    env = env_for(https, pki, zone, smtp, CVD_SMTP_FROM="alex@example.org")
    first = cli("--json", "submit", str(write_report(tmp_path / "a")), "--yes", env=env)
    assert first.exit_code == 0, first.stdout + first.stderr  # the record, pins and outbox now exist

    report = write_report(tmp_path / "b", vulnerability={"title": "Tweede", "description": "anders",
                                                         "steps": ["stap"], "cwe": "CWE-79"})
    judged = Counter()
    real = pgp_keys.evaluate

    def counting(cert, now, address=None):
        judged[cert.fingerprint] += 1
        return real(cert, now, address)

    monkeypatch.setattr(pgp_keys, "evaluate", counting)
    audit.clear()
    out = cli("--json", "submit", str(report), "--yes", env=env)
    events = list(audit)
    assert out.exit_code == 0 and out.json["data"]["status"] == "sent", out.stdout + out.stderr
    assert len(smtp.messages) == 2

    record = str(isolated_env / "record.sqlite3")
    assert _reads(events, lambda p: p == str(report)) == 1  # parsed once
    # opened once (Python 3.10 reports the path as bytes, later versions as str)
    assert sum(1 for e, a in events if e == "sqlite3.connect" and os.fsdecode(a[0]) == record) == 1
    assert _reads(events, lambda p: p.endswith(".meta.json")) == 1  # the entry, read once under its lock
    assert dict(judged) == {municipality.fpr: 1}  # two sources serve the key: judged once

