"""The per-channel record: every attempt at contact (e-mail, web form, phone) with its Message-ID or
the form's reference, as ``Record.attempts`` gives it to status, export and escalation. Real SQLite."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

from cvd_reporter.store import migrations
from cvd_reporter.store.record import FILENAME, Record
from tests.support.record import add, deliver

T0 = datetime(2026, 11, 16, 9, 30, tzinfo=timezone.utc)


def test_attempts_hold_every_channel_in_order_with_its_proof(isolated_env):
    with Record.open(isolated_env) as rec:
        add(rec, "r1", created_at=T0)
        deliver(rec, "r1", at=T0 + timedelta(minutes=1), ok=False, answer="421 try later")
        rec.add_delivery("r1", channel="phone", recipient="+31201234567", key_fingerprint=None,
                         plaintext_sha256=None, encrypted_sha256=None, message_id=None,
                         server_answer="spoke to M. Jansen", ok=True, at=T0 + timedelta(hours=1),
                         kind="phone_call", encrypted=False)
        # a call asks for a secure channel: the answer time runs, but the report has not left
        assert rec.get("r1").state == "contact_requested"
        rec.add_delivery("r1", channel="form", recipient="https://www.gemeente.test/melden", key_fingerprint=None,
                         plaintext_sha256="ab" * 32, encrypted_sha256=None, message_id=None, server_answer=None,
                         ok=True, at=T0 + timedelta(hours=2), encrypted=False, reference="ZAAK-42")
        assert rec.get("r1").state == "sent"  # the report left through the form
        attempts = rec.attempts("r1")
        last = rec.last_attempts()
    assert [(a.channel, a.kind, a.ok) for a in attempts] == [
        ("email", "report", False), ("phone", "phone_call", True), ("form", "report", True)]
    assert attempts[0].message_id == "<r1@cvd-reporter.invalid>" and attempts[0].reference is None
    assert attempts[2].to_dict() == {"channel": "form", "kind": "report", "at": "2026-11-16T11:30:00+00:00",
                                     "recipient": "https://www.gemeente.test/melden", "message_id": None,
                                     "reference": "ZAAK-42", "ok": True}
    assert last["r1"].channel == "form" and last["r1"].reference == "ZAAK-42"


def test_a_record_from_before_m006_gains_the_reference_column_and_keeps_its_deliveries(isolated_env):
    isolated_env.mkdir(parents=True, exist_ok=True)
    path = isolated_env / FILENAME
    db = sqlite3.connect(str(path), isolation_level=None)
    before = [m for m in migrations.MIGRATIONS if m.__name__ < "m006"]
    migrations.migrate(db, before)
    columns = {r[1] for r in db.execute("PRAGMA table_info(deliveries)")}
    assert "reference" not in columns
    db.execute("INSERT INTO reports (id, title, organisation, target, policy, calendar, created_at, state, state_at)"
               " VALUES ('old', '', 'Gemeente', 'https://x.test', 'nl-gemeente', 'nl-gemeente', ?, 'sent', ?)",
               (T0.isoformat(), T0.isoformat()))
    db.execute("INSERT INTO deliveries (report_id, channel, recipient, message_id, ok, at) "
               "VALUES ('old', 'email', 'a@x.test', '<m@x>', 1, ?)", (T0.isoformat(),))
    db.close()
    with Record.open(isolated_env) as rec:
        (attempt,) = rec.attempts("old")
        names = [r[0] for r in rec.db.execute("SELECT name FROM _cvd_migrations")]
    assert "m006_delivery_reference" in names
    assert (attempt.channel, attempt.message_id, attempt.reference, attempt.ok) == ("email", "<m@x>", None, True)
