"""The SQLite record on disk: a real file in the temporary home, migrations, append-only history,
damaged and locked files (never overwritten), and purge checked on disk."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from cvd_reporter.errors import StoreError
from cvd_reporter.store.migrations import MIGRATIONS, migrate
from cvd_reporter.store.record import FILENAME, Record
from tests.support.record import add, deliver, file_digest

T0 = datetime(2026, 4, 2, 10, 0, tzinfo=timezone.utc)  # Thu 2 Apr 2026, 12:00 in Amsterdam


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def record(home: Path):
    with Record.open(home) as rec:
        yield rec


def test_the_record_is_a_private_file_in_a_private_folder(record: Record, home: Path):
    path = home / FILENAME
    assert path.is_file()
    assert (path.stat().st_mode & 0o777) == 0o600
    assert (home.stat().st_mode & 0o777) == 0o700
    names = [r[0] for r in record.db.execute("SELECT name FROM _cvd_migrations ORDER BY name")]
    assert names == [m.__name__ for m in MIGRATIONS]


def test_a_report_survives_closing_and_reopening(record: Record, home: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    add(record, "R-1", created_at=T0, evidence=["shot.png"])
    record.close()
    with Record.open(home) as again:
        r = again.get("R-1")
    assert (r.state, r.organisation, r.calendar, r.response_days) == ("draft", "Gemeente Voorbeeld", "nl-gemeente", 5)
    assert r.evidence_paths == (str(tmp_path / "shot.png"),)  # made absolute: purge works from any folder
    assert r.created_at == T0
    assert [(e.state, e.day) for e in r.events] == [("draft", date(2026, 4, 2))]


def test_a_delivered_report_is_sent_in_the_same_transaction(record: Record):
    add(record, "R-1", created_at=T0)
    deliver(record, "R-1", at=T0, ok=False, answer="451 4.3.0 try again later")
    assert record.get("R-1").state == "draft"  # a failed attempt is kept as proof, but nothing was sent
    deliver(record, "R-1", at=T0)
    r = record.get("R-1")
    assert (r.state, r.sent_on) == ("sent", date(2026, 4, 2))
    assert [(d.ok, d.server_answer) for d in r.deliveries] == [(False, "451 4.3.0 try again later"),
                                                               (True, "250 2.0.0 Ok: queued as 4F2A1")]
    assert r.deliveries[1].key_fingerprint and len(r.deliveries[1].encrypted_sha256) == 64
    assert [e.state for e in r.events] == ["draft", "sent"]


def test_an_outbox_message_is_not_sent_until_the_user_says_so(record: Record):
    add(record, "R-1", created_at=T0)
    deliver(record, "R-1", at=T0, channel="outbox")
    assert record.get("R-1").state == "draft"
    record.set_state("R-1", "sent", at=datetime.now(timezone.utc), date=date(2026, 4, 2))
    assert record.get("R-1").sent_on == date(2026, 4, 2)


def test_sending_day_is_the_organisations_day(record: Record):
    add(record, "R-1", created_at=T0)
    deliver(record, "R-1", at=datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc))  # Mon 00:30 in Amsterdam
    assert record.get("R-1").sent_on == date(2026, 3, 2)


def test_fix_promise_keeps_its_date(record: Record):
    add(record, "R-1", created_at=T0)
    deliver(record, "R-1", at=T0)
    record.set_state("R-1", "fix-promised", at=T0, date=date(2026, 6, 1), note="ticket 42")
    r = record.get("R-1")
    assert (r.state, r.fix_date, r.events[-1].note) == ("fix_promised", date(2026, 6, 1), "ticket 42")


def test_nonsense_changes_unknown_and_duplicate_ids_change_nothing(record: Record):
    add(record, "R-1", created_at=T0)
    with pytest.raises(StoreError) as e:
        record.set_state("R-1", "fixed", at=T0)
    assert e.value.code == "bad_transition"
    with pytest.raises(StoreError) as e:
        record.set_state("R-404", "sent", at=T0)
    assert e.value.code == "unknown_report"
    with pytest.raises(StoreError) as e:
        add(record, "R-1")
    assert e.value.code == "duplicate_id"
    with pytest.raises(StoreError) as e:
        add(record, "R-2", calendar="nl-bogus")
    assert e.value.code == "bad_calendar"
    assert [e.state for e in record.get("R-1").events] == ["draft"]
    assert [r.id for r in record.list()] == ["R-1"]


def test_history_is_append_only(record: Record):
    add(record, "R-1", created_at=T0)
    deliver(record, "R-1", at=T0)
    for sql in ("UPDATE events SET note = 'x'", "DELETE FROM events", "UPDATE deliveries SET ok = 0",
                "DELETE FROM deliveries"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            record.db.execute(sql)
    assert len(record.get("R-1").events) == 2


def test_list_leaves_out_closed_reports(record: Record):
    for rid in ("R-1", "R-2", "R-3"):
        add(record, rid, created_at=T0)
    record.set_state("R-2", "closed", at=T0, note="not a vulnerability after all")
    assert [r.id for r in record.list()] == ["R-1", "R-3"]
    assert [r.id for r in record.list(open_only=False)] == ["R-1", "R-2", "R-3"]
    assert record.list()[0].events == ()  # the list has no histories; get() has


# ---------------------------------------------------------------------------- migrations
def test_migrations_from_the_first_schema(home: Path):
    """A record written by the first release (only m001) is upgraded in place, data kept."""
    home.mkdir(mode=0o700)
    db = sqlite3.connect(str(home / FILENAME), isolation_level=None)
    assert migrate(db, MIGRATIONS[:1]) == ["m001_reports_events_deliveries"]
    db.execute("INSERT INTO reports (id, title, organisation, target, report_path, policy, calendar, response_days,"
               " evidence_paths, created_at, state, state_at, sent_on) VALUES"
               " ('OLD-1', 'old', 'Gemeente Oud', 'https://oud.example/', NULL, 'nl-gemeente', 'nl-gemeente', 5,"
               " '[]', '2025-01-06T09:00:00+00:00', 'sent', '2025-01-06T09:00:00+00:00', '2025-01-06')")
    db.execute("INSERT INTO events (report_id, state, at, day) VALUES"
               " ('OLD-1', 'draft', '2025-01-06T09:00:00+00:00', '2025-01-06'),"
               " ('OLD-1', 'sent', '2025-01-06T09:00:00+00:00', '2025-01-06')")
    db.execute("INSERT INTO deliveries (report_id, channel, ok, at) VALUES ('OLD-1', 'email', 1,"
               " '2025-01-06T09:00:00+00:00')")
    db.close()

    with Record.open(home) as record:
        applied = [r[0] for r in record.db.execute("SELECT name FROM _cvd_migrations ORDER BY name")]
        assert applied == [m.__name__ for m in MIGRATIONS]
        old = record.get("OLD-1")
        assert (old.state, old.sent_on, old.purged_at) == ("sent", date(2025, 1, 6), None)
        assert [e.state for e in old.events] == ["draft", "sent"] and old.deliveries[0].kind == "report"
        assert old.deliveries[0].encrypted is True  # rows from before m004 were always encrypted
        assert old.title == ""  # m005: the record keeps no report content, older titles included
        # what the later migrations brought works on the old data
        record.add_deletion_receipt("OLD-1", files=[], at=T0)
        assert record.get("OLD-1").purged_at is not None
        with pytest.raises(sqlite3.IntegrityError):
            record.db.execute("DELETE FROM events")
    with Record.open(home) as record:  # nothing left to apply
        assert migrate(record.db) == []


def test_a_record_from_a_newer_version_is_refused_untouched(record: Record, home: Path):
    record.db.execute("INSERT INTO _cvd_migrations VALUES ('m999_from_the_future', '2030-01-01T00:00:00+00:00')")
    record.close()
    before = file_digest(home / FILENAME)
    with pytest.raises(StoreError) as e:
        Record.open(home)
    assert e.value.code == "record_newer"
    assert file_digest(home / FILENAME) == before


# ---------------------------------------------------------------------------- damaged, foreign, locked
@pytest.mark.parametrize("content", [
    b"this is not a database\n" * 40,
    b"SQLite format 3\x00" + bytes(range(256)) * 16,  # the right header, garbage behind it
])
def test_a_damaged_record_is_reported_and_never_overwritten(home: Path, content: bytes):
    home.mkdir(mode=0o700)
    (home / FILENAME).write_bytes(content)
    with pytest.raises(StoreError) as e:
        Record.open(home)
    assert e.value.code == "record_corrupt" and "left as it is" in e.value.message
    assert (home / FILENAME).read_bytes() == content
    assert sorted(p.name for p in home.iterdir()) == [FILENAME]  # no journal, no new file beside it


def test_another_programs_sqlite_database_is_not_touched(home: Path):
    home.mkdir(mode=0o700)
    other = sqlite3.connect(str(home / FILENAME))
    other.execute("CREATE TABLE photos (name TEXT)")
    other.commit()
    other.close()
    before = file_digest(home / FILENAME)
    with pytest.raises(StoreError) as e:
        Record.open(home)
    assert e.value.code == "record_foreign"
    assert file_digest(home / FILENAME) == before


def test_a_locked_record_fails_fast_and_changes_nothing(record: Record, home: Path):
    add(record, "R-1", created_at=T0)
    other = sqlite3.connect(str(home / FILENAME), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another cvd-reporter in the middle of a write
    try:
        with pytest.raises(StoreError) as e:
            Record.open(home, busy_timeout=0.05)
        assert e.value.code == "record_locked" and "in use" in e.value.message
        with pytest.raises(StoreError) as e:
            record.db.execute("PRAGMA busy_timeout = 50")
            record.set_state("R-1", "closed", at=T0)
        assert e.value.code == "record_locked"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert record.get("R-1").state == "draft"


# ---------------------------------------------------------------------------- purge
def test_purge_deletes_on_disk_and_records_a_receipt(record: Record, tmp_path: Path):
    shot = tmp_path / "ev" / "screenshot.png"
    dump = tmp_path / "ev" / "dump"
    shot.parent.mkdir()
    shot.write_bytes(b"\x89PNG fake screenshot")
    (dump / "sub").mkdir(parents=True)
    (dump / "rows.csv").write_text("bsn;naam\n")
    (dump / "sub" / "more.txt").write_text("more\n")
    gone = tmp_path / "ev" / "already-gone.txt"
    expected = {str(shot): file_digest(shot), str(dump / "rows.csv"): file_digest(dump / "rows.csv"),
                str(dump / "sub" / "more.txt"): file_digest(dump / "sub" / "more.txt")}
    add(record, "R-1", created_at=T0, evidence=[str(shot), str(dump), str(gone)])
    deliver(record, "R-1", at=T0)
    record.set_state("R-1", "fixed", at=T0)

    entries = record.purge("R-1", [shot, dump, gone], at=T0)

    assert not shot.exists() and not dump.exists() and shot.parent.is_dir()
    assert {e["path"]: e["sha256"] for e in entries if e["result"] == "deleted"} == expected
    assert [e["result"] for e in entries if e["path"] == str(gone)] == ["missing"]
    r = record.get("R-1")
    assert r.state == "data_deleted" and r.purged_at == T0
    assert list(r.receipts[0].files) == entries
    assert json.loads(record.db.execute("SELECT files FROM deletion_receipts").fetchone()[0]) == entries


def test_purge_removes_a_link_but_says_the_target_is_kept(record: Record, tmp_path: Path):
    target = tmp_path / "real.txt"
    target.write_text("data\n")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    add(record, "R-1", created_at=T0)
    [entry] = record.purge("R-1", [link], at=T0)
    assert not link.is_symlink() and target.exists()
    assert entry["result"].startswith("link removed") and entry["sha256"] is None
    assert record.get("R-1").state == "draft"  # never sent: a receipt, but no data_deleted state


def test_purge_on_a_locked_record_deletes_nothing(record: Record, home: Path, tmp_path: Path):
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"png")
    add(record, "R-1", created_at=T0, evidence=[str(shot)])
    other = sqlite3.connect(str(home / FILENAME), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        record.db.execute("PRAGMA busy_timeout = 50")
        with pytest.raises(StoreError) as e:
            record.purge("R-1", [shot], at=T0)
        assert e.value.code == "record_locked"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert shot.read_bytes() == b"png"
    assert record.get("R-1").receipts == ()


def test_an_older_record_with_a_loose_mode_is_tightened(record: Record, home: Path):
    record.close()
    (home / FILENAME).chmod(0o644)
    with Record.open(home):
        assert ((home / FILENAME).stat().st_mode & 0o777) == 0o600
