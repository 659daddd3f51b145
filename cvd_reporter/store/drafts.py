"""Wizard drafts: the answers so far, saved after every answer so nothing is lost (issue 7).

One JSON file per draft under ``<home>/drafts/`` (0600 in a 0700 folder, written atomically by
store/fs.py). A draft is removed once its report file is saved: the file then holds the data, and a
second copy of a vulnerability report lying around is a liability, not a backup.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cvd_reporter.errors import StoreError
from cvd_reporter.store.fs import private_dir, write_private

DRAFT_VERSION = 1
_ID_RE = re.compile(r"^[0-9]{8}-[0-9a-f]{6}$")


@dataclass
class Draft:
    id: str
    created: str  # ISO timestamps (UTC)
    updated: str
    lang: str
    answers: dict[str, Any] = field(default_factory=dict)
    step: str | None = None  # the step the wizard was in, to tell the user where it stopped

    def to_dict(self) -> dict[str, Any]:
        return {"version": DRAFT_VERSION, "id": self.id, "created": self.created, "updated": self.updated,
                "lang": self.lang, "step": self.step, "answers": self.answers}

    @property
    def summary(self) -> str:
        """What the user recognises a draft by: its target and title (never shown outside the terminal)."""
        parts = [str(self.answers.get(k)) for k in ("target", "title") if self.answers.get(k)]
        return " — ".join(parts) if parts else "(no answers yet)"


class DraftStore:
    def __init__(self, home: Path) -> None:
        self.folder = Path(home) / "drafts"

    def _path(self, draft_id: str) -> Path:
        if not _ID_RE.match(draft_id or ""):
            raise StoreError.t("store.drafts.bad_id", id=repr(draft_id))
        return self.folder / f"{draft_id}.json"

    def new(self, *, lang: str, now: dt.datetime) -> Draft:
        stamp = now.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
        while True:  # ids are random, not sequential: nothing to guess, nothing to collide on
            draft_id = f"{now:%Y%m%d}-{secrets.token_hex(3)}"
            if not self._path(draft_id).exists():
                return Draft(draft_id, stamp, stamp, lang)

    def save(self, draft: Draft, *, now: dt.datetime | None = None) -> Path:
        if now is not None:
            draft.updated = now.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
        private_dir(self.folder)
        return write_private(self._path(draft.id), json.dumps(draft.to_dict(), ensure_ascii=False, indent=1))

    def load(self, draft_id: str) -> Draft:
        path = self._path(draft_id)
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise StoreError.t("store.drafts.not_found", id=draft_id) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            raise StoreError.t("store.drafts.damaged", id=draft_id, path=path) from None
        if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
            raise StoreError.t("store.drafts.damaged", id=draft_id, path=path)
        return Draft(id=draft_id, created=str(data.get("created", "")), updated=str(data.get("updated", "")),
                     lang=str(data.get("lang") or "en"), answers=data["answers"], step=data.get("step"))

    def list_unfinished(self) -> list[Draft]:
        """Every readable draft, the most recently changed first (damaged files are skipped)."""
        if not self.folder.is_dir():
            return []
        out = []
        for path in self.folder.glob("*.json"):
            try:
                out.append(self.load(path.stem))
            except StoreError:
                continue
        return sorted(out, key=lambda d: d.updated, reverse=True)

    def remove(self, draft_id: str) -> None:
        try:
            self._path(draft_id).unlink()
        except FileNotFoundError:
            pass
        except OSError as e:
            raise StoreError.t("store.drafts.cannot_remove", id=draft_id, reason=e.strerror) from None


def write_report_file(path: Path, text: str, *, overwrite: bool = False) -> Path:
    """Write a report file (or a redacted evidence copy) where the user chose: 0600 and atomic.

    Unlike store/fs.write_private this leaves the folder's mode alone: it is the user's folder (their
    project or the current directory), not ours to lock down. Without ``overwrite`` an existing file
    is never replaced (a hard link publishes the finished file only if the name is still free).
    """
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # 0600
    except OSError as e:
        raise StoreError.t("store.drafts.cannot_write_in", path=path.parent, reason=e.strerror) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
            os.unlink(tmp)
    except FileExistsError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise StoreError.t("store.drafts.exists", path=path) from None
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise StoreError.t("store.fs.cannot_write", path=path, reason=e.strerror) from None
    return path
