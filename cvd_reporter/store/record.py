"""The record: a SQLite file (``record.sqlite3`` in the home, 0600 in the 0700 folder) of every report,
every delivery attempt, every state change and every deletion, with times and hashes.

It is the reporter's proof that they kept the policy's rules, and the basis of the bundle NCSC-NL
asks for ("proof of attempts at contact") before it mediates. So:

- The schema is versioned with append-only migrations (:mod:`cvd_reporter.store.migrations`).
- Events, deliveries and deletion receipts are append-only (triggers refuse UPDATE and DELETE).
  The ``reports`` row keeps the current state as a summary so ``status`` stays fast.
- A damaged or locked file gets one sentence and is never overwritten, re-created or "repaired".
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from cvd_reporter.core import states, workdays
from cvd_reporter.errors import CvdError, StoreError
from cvd_reporter.store import journal
from cvd_reporter.store.fs import FILE_MODE, private_dir
from cvd_reporter.store.migrations import migrate

FILENAME = "record.sqlite3"
SQLITE_MAGIC = b"SQLite format 3\x00"  # https://www.sqlite.org/fileformat.html 1.3: the header string
DEFAULT_BUSY_TIMEOUT = 1.0  # seconds to wait for another cvd-reporter holding the file

# ---------------------------------------------------------------------------- the model
@dataclass(frozen=True)
class Event:
    id: int
    state: str
    at: datetime
    day: date
    fix_date: date | None
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state, "at": self.at.isoformat(), "day": self.day.isoformat(),
                "fix_date": iso(self.fix_date), "note": self.note}


@dataclass(frozen=True)
class Delivery:
    id: int
    kind: str
    channel: str
    recipient: str | None
    key_fingerprint: str | None
    plaintext_sha256: str | None
    encrypted_sha256: str | None
    message_id: str | None
    server_answer: str | None
    ok: bool
    at: datetime
    encrypted: bool = True
    reference: str | None = None  # a web form's confirmation or ticket number

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in ("kind", "channel", "recipient", "key_fingerprint", "plaintext_sha256",
                                             "encrypted_sha256", "message_id", "server_answer", "ok", "encrypted",
                                             "reference")}
        out["at"] = self.at.isoformat()
        return out

    def attempt(self) -> Attempt:
        return Attempt(self.channel, self.kind, self.at, self.recipient, self.message_id, self.reference, self.ok)


@dataclass(frozen=True)
class Attempt:
    """One attempt at contact, whatever the channel (e-mail, API, GitHub, a web form, a phone call):
    the timeline an escalation or a proof bundle shows. ``message_id`` is the e-mail's Message-ID or
    the API's id; ``reference`` the form's confirmation or ticket number."""

    channel: str
    kind: str
    at: datetime
    recipient: str | None
    message_id: str | None
    reference: str | None
    ok: bool

    def to_dict(self) -> dict[str, Any]:
        return {"channel": self.channel, "kind": self.kind, "at": self.at.isoformat(), "recipient": self.recipient,
                "message_id": self.message_id, "reference": self.reference, "ok": self.ok}


@dataclass(frozen=True)
class DeletionReceipt:
    id: int
    at: datetime
    files: tuple[dict[str, Any], ...]
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "files": list(self.files), "note": self.note}


@dataclass(frozen=True)
class ReportRecord:
    """One report as the record knows it. ``Record.list`` leaves the three histories empty."""

    id: str
    title: str
    organisation: str
    target: str
    report_path: str | None
    policy: str
    calendar: str
    response_days: int | None
    evidence_paths: tuple[str, ...]
    created_at: datetime
    state: str
    state_at: datetime
    sent_on: date | None
    fix_date: date | None
    purged_at: datetime | None
    events: tuple[Event, ...] = ()
    deliveries: tuple[Delivery, ...] = ()
    receipts: tuple[DeletionReceipt, ...] = ()

    def to_dict(self, *, history: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "organisation": self.organisation, "target": self.target,
            "report_path": self.report_path, "policy": self.policy, "calendar": self.calendar,
            "response_days": self.response_days, "evidence_paths": list(self.evidence_paths),
            "created_at": self.created_at.isoformat(), "state": self.state, "state_at": self.state_at.isoformat(),
            "sent_on": iso(self.sent_on), "fix_date": iso(self.fix_date), "purged_at": iso(self.purged_at),
        }
        if history:
            out["timeline"] = [e.to_dict() for e in self.events]
            out["deliveries"] = [d.to_dict() for d in self.deliveries]
            out["deletion_receipts"] = [r.to_dict() for r in self.receipts]
        return out


_REPORT_COLUMNS = ("id, title, organisation, target, report_path, policy, calendar, response_days, evidence_paths, "
                   "created_at, state, state_at, sent_on, fix_date, purged_at")


def _report_from_row(row: tuple[Any, ...]) -> ReportRecord:
    return ReportRecord(
        id=row[0], title=row[1], organisation=row[2], target=row[3], report_path=row[4], policy=row[5],
        calendar=row[6], response_days=row[7], evidence_paths=tuple(json.loads(row[8])),
        created_at=datetime.fromisoformat(row[9]), state=row[10], state_at=datetime.fromisoformat(row[11]),
        sent_on=_day(row[12]), fix_date=_day(row[13]), purged_at=_dt(row[14]),
    )


# ---------------------------------------------------------------------------- the record
class Record:
    """The open record. Use ``Record.open(home)``; close it (or use ``with``) when done."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(cls, home: Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Record:
        """Open (create, migrate) the record in ``home``. StoreError when damaged, locked or newer."""
        private_dir(home)
        path = home / FILENAME
        _refuse_foreign_file(path)
        _create_private(path)
        with _guard(path):
            db = sqlite3.connect(str(path), timeout=busy_timeout, isolation_level=None)
            try:
                db.execute("PRAGMA foreign_keys = ON")
                migrate(db)
            except BaseException:
                db.close()
                raise
        # Tighten an older file's mode only once it proved to be our record (a damaged one stays as it is).
        if os.name == "posix" and (path.stat().st_mode & 0o777) != FILE_MODE:
            os.chmod(path, FILE_MODE)
        record = cls(db, path)
        if (home / journal.JOURNAL_FILE).exists():  # deliveries an earlier run could only journal
            try:
                journal.replay(record, home)
            except BaseException:
                record.close()
                raise
        return record

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Record:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken up front (BEGIN IMMEDIATE) so a locked file fails before work."""
        with _guard(self.path):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    # -- writing ---------------------------------------------------------------------------
    def add_report(self, report_id: str, *, organisation: str, target: str, report_path: str | None,
                   policy: str, calendar: str, response_days: int | None, evidence_paths: list[str],
                   created_at: datetime) -> None:
        """Add a new report in state ``draft``. StoreError when the id is taken or a value is unusable.

        Nothing of the report's content is kept (no title): the record is proof of what was sent and
        when; what the report says stays in the report file.

        ``response_days`` is the policy's promised answer time in working days on ``calendar``; None
        when the policy promises none (then no answer is ever shown as overdue).
        """
        if not report_id or not report_id.strip():
            raise StoreError.t("store.record.no_id", code="bad_id")
        try:
            workdays.check_calendar(calendar)
        except CvdError as e:
            raise StoreError(e.message, code=e.code, msgid=e.msgid, params=e.params) from None
        if response_days is not None and not 0 <= response_days <= workdays.MAX_WORKING_DAYS:
            raise StoreError.t("store.record.bad_deadline", code="bad_deadline", days=response_days)
        at = timestamp(created_at)
        evidence = json.dumps([os.path.abspath(os.path.expanduser(p)) for p in evidence_paths])
        with self._write() as db:
            if db.execute("SELECT 1 FROM reports WHERE id = ?", (report_id,)).fetchone():
                raise StoreError.t("store.record.duplicate_id", code="duplicate_id", id=report_id)
            db.execute(f"INSERT INTO reports ({_REPORT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       (report_id, "", organisation, target, report_path, policy, calendar, response_days,
                        evidence, at, "draft", at, None, None, None))
            db.execute("INSERT INTO events (report_id, state, at, day, note) VALUES (?,?,?,?,?)",
                       (report_id, "draft", at, workdays.local_date(created_at, calendar).isoformat(),
                        "added to the record"))

    def set_state(self, report_id: str, state: str, *, at: datetime, note: str | None = None,
                  date: date | None = None) -> states.Change:
        """Record a state change after checking it (core.states.plan_change); StoreError on nonsense.

        ``date`` is the promised fix date for ``fix_promised`` and otherwise the day it happened.
        """
        with self._write() as db:
            return self._apply(db, self._summary(db, report_id), state, at=at, note=note, date_given=date)

    def add_delivery(self, report_id: str, *, channel: str, recipient: str | None, key_fingerprint: str | None,
                     plaintext_sha256: str | None, encrypted_sha256: str | None, message_id: str | None,
                     server_answer: str | None, ok: bool, at: datetime, kind: str = "report",
                     encrypted: bool = True, reference: str | None = None) -> None:
        """Record one delivery attempt, failed ones too (they are proof of attempts at contact).

        A successful delivery of the report itself (``kind="report"``) over a channel that reaches the
        organisation (anything but ``outbox``) moves a draft (or a report whose first contact went) to
        ``sent`` in the same transaction; a first contact (``kind="first_contact"``, or a confirmed
        ``phone_call`` asking for a secure channel) moves a draft to ``contact_requested``, so its
        deadline runs from that day.
        An outbox message is sent by the user's own mail client: ``mark ID sent`` records that.
        """
        with self._write() as db:
            report = self._summary(db, report_id)
            db.execute("INSERT INTO deliveries (report_id, kind, channel, recipient, key_fingerprint, plaintext_sha256,"
                       " encrypted_sha256, message_id, server_answer, ok, at, encrypted, reference)"
                       " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       (report_id, kind, channel, recipient, key_fingerprint, plaintext_sha256, encrypted_sha256,
                        message_id, server_answer, int(ok), timestamp(at), int(encrypted), reference))
            if ok and kind == "report" and channel != "outbox" and report.state in states.NOT_YET_SENT:
                self._apply(db, report, "sent", at=at, note=f"delivered by {channel}", date_given=None)
            elif ok and kind in ("first_contact", "phone_call") and channel != "outbox" and report.state == "draft":
                self._apply(db, report, "contact_requested", at=at,
                            note=f"first contact without the details, by {channel}", date_given=None)

    def add_deletion_receipt(self, report_id: str, *, files: list[dict[str, Any]], at: datetime,
                             note: str | None = None) -> None:
        """Record which files were deleted (path, sha256, size, result) and when.

        A fixed or published report moves to ``data_deleted`` with it.
        """
        with self._write() as db:
            self._receipt(db, self._summary(db, report_id), files, at, note)

    def purge(self, report_id: str, paths: list[Path], *, at: datetime,
              note: str | None = None) -> list[dict[str, Any]]:
        """Delete ``paths`` (files, or folders of files) and record the receipt in one transaction.

        The write lock is taken first, so a locked record fails before anything is deleted. Returns
        the receipt's file entries: {path, sha256, size, result: deleted | missing | failed: reason}.
        """
        with self._write() as db:
            report = self._summary(db, report_id)
            entries = [entry for p in paths for entry in _delete_tree(p)]
            self._receipt(db, report, entries, at, note)
        return entries

    def _receipt(self, db: sqlite3.Connection, report: ReportRecord, files: list[dict[str, Any]], at: datetime,
                 note: str | None) -> None:
        ts = timestamp(at)
        db.execute("INSERT INTO deletion_receipts (report_id, at, files, note) VALUES (?,?,?,?)",
                   (report.id, ts, json.dumps(files), note))
        db.execute("UPDATE reports SET purged_at = ? WHERE id = ?", (ts, report.id))
        if "data_deleted" in states.TRANSITIONS[report.state]:
            self._apply(db, report, "data_deleted", at=at, note=f"{len(files)} file(s) in the deletion receipt",
                        date_given=None)

    def _apply(self, db: sqlite3.Connection, report: ReportRecord, state: str, *, at: datetime, note: str | None,
               date_given: date | None) -> states.Change:
        change = states.plan_change(report, state, on=workdays.local_date(at, report.calendar), date_given=date_given)
        ts = timestamp(at)
        db.execute("INSERT INTO events (report_id, state, at, day, fix_date, note) VALUES (?,?,?,?,?,?)",
                   (report.id, change.state, ts, change.day.isoformat(), iso(change.fix_date), note))
        sent_on = change.day.isoformat() if change.state == "sent" else iso(report.sent_on)
        fix_date = iso(change.fix_date) if change.state == "fix_promised" else iso(report.fix_date)
        db.execute("UPDATE reports SET state = ?, state_at = ?, sent_on = ?, fix_date = ? WHERE id = ?",
                   (change.state, ts, sent_on, fix_date, report.id))
        return change

    # -- reading ---------------------------------------------------------------------------
    def _summary(self, db: sqlite3.Connection, report_id: str) -> ReportRecord:
        row = db.execute(f"SELECT {_REPORT_COLUMNS} FROM reports WHERE id = ?", (report_id,)).fetchone()
        if row is None:
            raise StoreError.t("record.unknown_report", code="unknown_report", id=report_id)
        return _report_from_row(row)

    def get(self, report_id: str) -> ReportRecord:
        """One report with its timeline, deliveries and deletion receipts. StoreError when unknown."""
        with _guard(self.path):
            db = self.db
            summary = self._summary(db, report_id)
            events = tuple(Event(r[0], r[1], datetime.fromisoformat(r[2]), date.fromisoformat(r[3]), _day(r[4]), r[5])
                           for r in db.execute("SELECT id, state, at, day, fix_date, note FROM events "
                                               "WHERE report_id = ? ORDER BY id", (report_id,)))
            deliveries = tuple(
                Delivery(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]),
                         datetime.fromisoformat(r[10]), encrypted=r[11] is None or bool(r[11]), reference=r[12])
                for r in db.execute("SELECT id, kind, channel, recipient, key_fingerprint, plaintext_sha256, "
                                    "encrypted_sha256, message_id, server_answer, ok, at, encrypted, reference "
                                    "FROM deliveries "
                                    "WHERE report_id = ? ORDER BY id", (report_id,)))
            receipts = tuple(DeletionReceipt(r[0], datetime.fromisoformat(r[1]), tuple(json.loads(r[2])), r[3])
                             for r in db.execute("SELECT id, at, files, note FROM deletion_receipts "
                                                 "WHERE report_id = ? ORDER BY id", (report_id,)))
        return dataclasses.replace(summary, events=events, deliveries=deliveries, receipts=receipts)

    def attempts(self, report_id: str) -> list[Attempt]:
        """Every attempt at contact for one report, oldest first, failed ones too: the per-channel
        timeline (channel, kind, at, recipient, message_id, reference, ok). StoreError when unknown."""
        return [d.attempt() for d in self.get(report_id).deliveries]

    def last_attempts(self) -> dict[str, Attempt]:
        """Each report's latest successful attempt at contact (any channel, any kind): what ``status``
        lists as the channel used. One query for every report."""
        query = ("SELECT report_id, channel, kind, at, recipient, message_id, reference, ok FROM deliveries "
                 "WHERE id IN (SELECT MAX(id) FROM deliveries WHERE ok = 1 GROUP BY report_id)")
        with _guard(self.path):
            rows = self.db.execute(query).fetchall()
        return {r[0]: Attempt(r[1], r[2], datetime.fromisoformat(r[3]), r[4], r[5], r[6], bool(r[7])) for r in rows}

    def list(self, open_only: bool = True) -> list[ReportRecord]:
        """Every report (without histories), oldest first; ``open_only`` leaves out closed ones."""
        query = f"SELECT {_REPORT_COLUMNS} FROM reports"
        if open_only:
            query += " WHERE state != 'closed'"
        with _guard(self.path):
            rows = self.db.execute(query + " ORDER BY created_at, id").fetchall()
        return [_report_from_row(r) for r in rows]


# ---------------------------------------------------------------------------- helpers
def _now() -> datetime:
    return datetime.now(timezone.utc)


def timestamp(at: datetime) -> str:
    """UTC, ISO 8601, seconds. A naive datetime is taken as local time (what the user typed)."""
    return at.astimezone(timezone.utc).isoformat(timespec="seconds")


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _delete_tree(path: Path) -> list[dict[str, Any]]:
    """Hash and delete one file, or every file under one folder (then the emptied folders)."""
    if path.is_symlink() or path.is_file():
        return [_delete_file(path)]
    if path.is_dir():
        out = [_delete_file(p) for p in sorted(path.rglob("*")) if p.is_symlink() or p.is_file()]
        for d in sorted((p for p in path.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                d.rmdir()
        with contextlib.suppress(OSError):
            path.rmdir()
        return out
    return [{"path": str(path), "sha256": None, "size": None, "result": "missing"}]


def _delete_file(path: Path) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": str(path), "sha256": None, "size": None}
    try:
        if path.is_symlink():
            # Removing a link leaves its target; say so rather than claim the data is gone.
            entry["result"] = f"link removed; its target {os.readlink(path)} is kept"
        else:
            entry["size"] = path.stat().st_size
            entry["sha256"] = sha256_file(path)
            entry["result"] = "deleted"
        path.unlink()
    except OSError as e:
        entry["result"] = f"failed: {e.strerror}"
    return entry


def _refuse_foreign_file(path: Path) -> None:
    """A file that is not SQLite is somebody's data or a damaged record: never touch it."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except IsADirectoryError:
        raise StoreError.t("store.record.is_folder", code="record_corrupt", path=path) from None
    except OSError as e:
        raise StoreError.t("store.record.unreadable", code="record_unreadable", path=path, reason=e.strerror) from None
    if head and head != SQLITE_MAGIC:
        raise StoreError.t("store.record.not_sqlite", code="record_corrupt", path=path)


def _create_private(path: Path) -> None:
    """Create the database file as 0600 before SQLite opens it (SQLite would use the umask)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as e:
        raise StoreError.t("store.record.cannot_create", code="record_unreadable", path=path,
                           reason=e.strerror) from None


@contextlib.contextmanager
def _guard(path: Path) -> Iterator[None]:
    """Turn SQLite's errors into one sentence. Nothing here ever rewrites the file."""
    try:
        yield
    except sqlite3.OperationalError as e:
        text = str(e).lower()
        if "locked" in text or "busy" in text:
            raise StoreError.t("store.record.locked", code="record_locked", path=path) from None
        if "readonly" in text or "unable to open" in text or "disk i/o" in text:
            raise StoreError.t("store.record.unwritable", code="record_unwritable", path=path, reason=str(e)) from None
        raise _damaged(path) from None
    except sqlite3.DatabaseError:
        raise _damaged(path) from None


def _damaged(path: Path) -> StoreError:
    return StoreError.t("store.record.damaged", code="record_corrupt", path=path)
