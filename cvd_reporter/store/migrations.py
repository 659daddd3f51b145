"""The record's schema, versioned with append-only migrations (the pattern of simonw/llm
``migrations.py``): each ``@migration`` runs once, in its own transaction, and is recorded in
``_cvd_migrations``. Never edit a released migration; add a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timezone

from cvd_reporter.errors import StoreError

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = []
migration = MIGRATIONS.append


@migration
def m001_reports_events_deliveries(db: sqlite3.Connection) -> None:
    db.execute("""
        CREATE TABLE reports (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            organisation TEXT NOT NULL,
            target TEXT NOT NULL,
            report_path TEXT,
            policy TEXT NOT NULL,
            calendar TEXT NOT NULL,
            response_days INTEGER,
            evidence_paths TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'draft',
            state_at TEXT NOT NULL,
            sent_on TEXT,
            fix_date TEXT
        )""")
    db.execute("""
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            report_id TEXT NOT NULL REFERENCES reports(id),
            state TEXT NOT NULL,
            at TEXT NOT NULL,
            day TEXT NOT NULL,
            fix_date TEXT,
            note TEXT
        )""")
    db.execute("""
        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            report_id TEXT NOT NULL REFERENCES reports(id),
            kind TEXT NOT NULL DEFAULT 'report',
            channel TEXT NOT NULL,
            recipient TEXT,
            key_fingerprint TEXT,
            plaintext_sha256 TEXT,
            encrypted_sha256 TEXT,
            message_id TEXT,
            server_answer TEXT,
            ok INTEGER NOT NULL,
            at TEXT NOT NULL
        )""")


@migration
def m002_deletion_receipts(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE reports ADD COLUMN purged_at TEXT")
    db.execute("""
        CREATE TABLE deletion_receipts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            report_id TEXT NOT NULL REFERENCES reports(id),
            at TEXT NOT NULL,
            files TEXT NOT NULL,
            note TEXT
        )""")


@migration
def m003_append_only_and_indexes(db: sqlite3.Connection) -> None:
    # The history is evidence: once written, a row never changes (corrections are new events).
    for table in ("events", "deliveries", "deletion_receipts"):
        for action in ("UPDATE", "DELETE"):
            db.execute(f"""
                CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
                BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END""")
    db.execute("CREATE INDEX events_by_report ON events(report_id, id)")
    db.execute("CREATE INDEX deliveries_by_report ON deliveries(report_id, id)")
    db.execute("CREATE INDEX receipts_by_report ON deletion_receipts(report_id, id)")
    db.execute("CREATE INDEX reports_by_state ON reports(state)")


@migration
def m004_delivery_encrypted(db: sqlite3.Connection) -> None:
    # Whether the message left encrypted: a report sent with --allow-plaintext says so in the record.
    # NULL for rows written before this column existed (they were encrypted: plaintext was impossible).
    db.execute("ALTER TABLE deliveries ADD COLUMN encrypted INTEGER")


@migration
def m005_no_report_titles(db: sqlite3.Connection) -> None:
    # The record keeps proof of what was sent (hashes, times, addresses), not what the report says: a
    # title often names the weakness. Titles are read from the report file when they are shown.
    db.execute("UPDATE reports SET title = ''")


@migration
def m006_delivery_reference(db: sqlite3.Connection) -> None:
    # The confirmation or ticket number a web form gave the reporter (or a platform's report id): the
    # proof that the report left through a form, as a Message-ID is for an e-mail. NULL when none.
    db.execute("ALTER TABLE deliveries ADD COLUMN reference TEXT")


def migrate(db: sqlite3.Connection, migrations: list[Migration] | None = None) -> list[str]:
    """Apply the migrations not applied yet, each in its own transaction; return their names."""
    migrations = MIGRATIONS if migrations is None else migrations
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "_cvd_migrations" not in tables:
        if tables:
            # Somebody else's SQLite database: adding our tables to it would be overwriting it.
            raise StoreError("The record file is a SQLite database of another program; it was left as it is: "
                             "move it aside, then run again.", code="record_foreign")
        db.execute("CREATE TABLE _cvd_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = {row[0] for row in db.execute("SELECT name FROM _cvd_migrations")}
    known = {m.__name__ for m in MIGRATIONS}
    if done - known:
        raise StoreError("The record was written by a newer cvd-reporter; upgrade cvd-reporter to read it.",
                         code="record_newer")
    applied = []
    for m in migrations:
        if m.__name__ in done:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            m(db)
            applied_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
            db.execute("INSERT INTO _cvd_migrations (name, applied_at) VALUES (?, ?)", (m.__name__, applied_at))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        applied.append(m.__name__)
    return applied
