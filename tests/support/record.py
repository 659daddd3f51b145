"""Helpers for the record's tests: put reports into a real record the way submit does."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path

from cvd_reporter.store.record import Record

FPR = "0123456789ABCDEF0123456789ABCDEF01234567"


def now() -> datetime:
    return datetime.now(timezone.utc)


def add(record: Record, rid: str, *, created_at: datetime | None = None, evidence: list[str] | None = None,
        report_path: str | None = None, calendar: str = "nl-gemeente", response_days: int | None = 5,
        organisation: str = "Gemeente Voorbeeld") -> None:
    record.add_report(rid, organisation=organisation,
                      target="https://loket.gemeente.example/zoeken", report_path=report_path, policy="nl-gemeente",
                      calendar=calendar, response_days=response_days, evidence_paths=evidence or [],
                      created_at=created_at or now())


def deliver(record: Record, rid: str, *, at: datetime | None = None, ok: bool = True, channel: str = "email",
            kind: str = "report", answer: str = "250 2.0.0 Ok: queued as 4F2A1") -> None:
    record.add_delivery(rid, channel=channel, recipient="ciso@gemeente.example", key_fingerprint=FPR,
                        plaintext_sha256=hashlib.sha256(b"plain " + rid.encode()).hexdigest(),
                        encrypted_sha256=hashlib.sha256(b"encrypted " + rid.encode()).hexdigest(),
                        message_id=f"<{rid}@cvd-reporter.invalid>", server_answer=answer, ok=ok, at=at or now(),
                        kind=kind)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
