"""The record's journal: deliveries that happened while the record could not be written.

A report that left must never be forgotten. When writing its delivery to the record fails after the
message was accepted (the record locked by another run, a full disk), the facts go to
``record-journal.jsonl`` in the home (0600 in the 0700 home, one JSON object a line, fsynced), and
the next run that opens the record adds them before anything else and then removes the journal.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from cvd_reporter.errors import StoreError
from cvd_reporter.store.fs import FILE_MODE, private_dir

JOURNAL_FILE = "record-journal.jsonl"


def append(home: Path, delivery: dict[str, Any]) -> Path:
    """Add one delivery (the keyword arguments of Record.add_delivery) to the journal."""
    private_dir(home)
    path = home / JOURNAL_FILE
    line = json.dumps({**delivery, "at": delivery["at"].isoformat()}, sort_keys=True) + "\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as e:
        raise StoreError.t("store.journal.unwritable", code="journal_failed", path=path, reason=e.strerror) from None
    return path


def pending(home: Path) -> list[dict[str, Any]]:
    """The journaled deliveries, oldest first (a torn last line from a crash is skipped)."""
    path = home / JOURNAL_FILE
    try:
        lines = path.read_text("utf-8").splitlines()
    except FileNotFoundError:
        return []
    except OSError as e:
        raise StoreError.t("store.journal.unreadable", code="journal_failed", path=path, reason=e.strerror) from None
    out = []
    for line in lines:
        try:
            item = json.loads(line)
            item["at"] = datetime.fromisoformat(item["at"])
        except (ValueError, KeyError, TypeError):
            continue
        out.append(item)
    return out


def replay(record: Any, home: Path) -> int:
    """Add every journaled delivery the record does not hold yet; remove the journal. Returns how many
    were added. A delivery is recognised by report, kind, message id and time, so replaying twice adds
    nothing twice."""
    items = pending(home)
    if not items:
        return 0
    added = 0
    for item in items:
        try:
            report = record.get(item["report_id"])
        except StoreError:
            continue  # a report the record does not know (deleted since): nothing to attach it to
        seen = {(d.kind, d.message_id, d.at.isoformat()) for d in report.deliveries}
        if (item["kind"], item["message_id"], item["at"].isoformat()) in seen:
            continue
        record.add_delivery(**item)
        added += 1
    with contextlib.suppress(FileNotFoundError):
        (home / JOURNAL_FILE).unlink()
    return added
