"""The outbox: finished messages waiting to be sent, and the history of every attempt.

Layout (all through store/fs.py: folder 0700, files 0600, written atomically)::

    <home>/outbox/<id>.eml | <id>.json     the message exactly as it goes on the wire
    <home>/outbox/<id>.meta.json           report id, channel, recipient, key, attempts, state

The entry id is derived from the channel and the message's own key (the Message-ID for e-mail,
the Idempotency-Key for the API), so saving the same message again finds the same entry: a pending
one gets the new bytes (same key), a sent one is refused. Sending never happens twice from here:
``mark_sent`` is final, and ``sending(id)`` holds a lock while one process sends.

Only encrypted messages are stored: an e-mail must be RFC 3156 ``multipart/encrypted`` with armored
ciphertext, an API payload must carry an OpenPGP ``message``. Anything else needs
``allow_plaintext=True`` and is then marked ``plaintext`` in its metadata (and in ``outbox list``).
File names hold only the id: nothing of the report.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cvd_reporter.core.i18n import Phrase
from cvd_reporter.core.mime import check_report_id, is_pgp_mime
from cvd_reporter.core.pgp.stream_mime import HEAD_BYTES, TAIL_BYTES, BoundaryScan, boundary_of, check_structure
from cvd_reporter.delivery.api import BodyScan, is_encrypted_payload
from cvd_reporter.errors import StoreError
from cvd_reporter.store.fs import private_dir, write_private

META_VERSION = 1
CHANNELS = {"email": ".eml", "api": ".json", "github": ".json"}
MEDIA_TYPES = {"email": "message/rfc822", "api": "application/json", "github": "application/json"}
MAX_ANSWER = 500
_ID_RE = re.compile(r"[0-9a-f]{12}\Z")


@dataclass
class Attempt:
    at: str
    ok: bool
    answer: str
    code: str | None = None
    delivered: str = "no"  # "yes", "no" or "unknown" (the server may have taken it; the answer was lost)


@dataclass
class OutboxEntry:
    id: str
    report_id: str
    channel: str
    recipient: str
    key: str
    file: str
    media_type: str
    encrypted: bool
    plaintext: bool
    sha256: str
    size: int
    created: str
    state: str = "pending"  # "pending" or "sent"
    sent_at: str | None = None
    receipt: dict[str, Any] | None = None
    route: dict[str, Any] = field(default_factory=dict)  # how to send it: envelope, URL, repository
    attempts: list[Attempt] = field(default_factory=list)
    path: Path | None = None  # where the message file is (not stored)

    @property
    def last_attempt(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["path"] = str(self.path) if self.path else None
        return out


def _now(now: datetime | None) -> str:
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")


def entry_id(channel: str, key: str) -> str:
    """Short, stable id of one message: the same channel and key always give the same id."""
    return hashlib.sha256(f"{channel}\0{key}".encode()).hexdigest()[:12]


def is_encrypted(channel: str, payload: bytes) -> bool:
    """Inspect the bytes themselves; a caller's word is not enough."""
    if channel == "email":
        return is_pgp_mime(payload)
    if channel == "api":
        try:
            return is_encrypted_payload(json.loads(payload.decode("utf-8")))
        except (UnicodeDecodeError, ValueError):
            return False
    return False  # GitHub reports are plaintext JSON by nature


class Outbox:
    def __init__(self, home: Path) -> None:
        self.dir = Path(home) / "outbox"

    # ---- paths ------------------------------------------------------------------------------
    def _meta_path(self, ident: str) -> Path:
        return self.dir / f"{ident}.meta.json"

    def _load(self, path: Path) -> OutboxEntry:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.pop("outbox", None) != META_VERSION:
                raise ValueError("version")
            raw["attempts"] = [Attempt(**a) for a in raw.get("attempts", [])]
            raw.pop("path", None)
            entry = OutboxEntry(**raw)
        except (OSError, ValueError, TypeError) as e:
            raise StoreError.t("delivery.outbox.entry_unreadable", code="outbox_corrupt", name=path.name,
                               reason=type(e).__name__) from None
        entry.path = self.dir / entry.file
        return entry

    def _store(self, entry: OutboxEntry) -> OutboxEntry:
        raw = {"outbox": META_VERSION, **entry.to_dict()}
        raw.pop("path")
        write_private(self._meta_path(entry.id), json.dumps(raw, indent=2, ensure_ascii=False) + "\n")
        entry.path = self.dir / entry.file
        return entry

    # ---- the interface ----------------------------------------------------------------------
    def save(self, *, report_id: str, channel: str, recipient: str, payload: bytes | Path, key: str,
             route: dict[str, Any] | None = None, allow_plaintext: bool = False,
             now: datetime | None = None) -> OutboxEntry:
        """Keep ``payload`` (the finished message, or a file in the outbox folder holding it:
        :meth:`save_file`) until it is sent; return its entry.

        ``key`` is the message's Message-ID (e-mail) or Idempotency-Key (API, GitHub: the report id).
        ``route`` holds what sending needs besides secrets: ``mail_from``/``rcpt_to``, ``url``,
        ``repo``/``api_url``.
        """
        if isinstance(payload, Path):
            return self.save_file(report_id=report_id, channel=channel, recipient=recipient, path=payload, key=key,
                                  route=route, allow_plaintext=allow_plaintext, now=now)
        check_report_id(report_id)
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        encrypted = is_encrypted(channel, payload)
        if not encrypted and not allow_plaintext:
            raise StoreError.t("delivery.outbox.not_encrypted", code="not_encrypted")
        ident = entry_id(channel, key)
        with self.sending(ident):
            entry = self._entry_to_save(ident, report_id, channel, recipient, key, now)
            private_dir(self.dir)
            write_private(self.dir / entry.file, payload)
            return self._store(self._saved(entry, recipient, route, encrypted,
                                           hashlib.sha256(payload).hexdigest(), len(payload)))

    def _entry_to_save(self, ident: str, report_id: str, channel: str, recipient: str, key: str,
                       now: datetime | None) -> OutboxEntry:
        """The entry a save writes to (under its lock): the pending one, or a new one; never a sent one."""
        existing = self._meta_path(ident)
        if not existing.exists():
            return OutboxEntry(id=ident, report_id=report_id, channel=channel, recipient=recipient, key=key,
                               file=f"{ident}{CHANNELS[channel]}", media_type=MEDIA_TYPES[channel],
                               encrypted=False, plaintext=True, sha256="", size=0, created=_now(now))
        entry = self._load(existing)
        if entry.state == "sent":
            raise StoreError.t("delivery.outbox.already_sent_key", code="already_sent", data={"id": ident}, key=key,
                               sent_at=entry.sent_at)
        return entry

    @staticmethod
    def _saved(entry: OutboxEntry, recipient: str, route: dict[str, Any] | None, encrypted: bool, digest: str,
               size: int) -> OutboxEntry:
        entry.recipient, entry.route = recipient, dict(route or {})
        entry.encrypted, entry.plaintext = encrypted, not encrypted
        entry.sha256, entry.size = digest, size
        return entry

    def save_file(self, *, report_id: str, channel: str, recipient: str, path: Path, key: str,
                  route: dict[str, Any] | None = None, allow_plaintext: bool = False,
                  now: datetime | None = None) -> OutboxEntry:
        """As :meth:`save`, for a finished message already written to ``path`` (a temporary file in
        the outbox folder, app/stream_message.py): its structure is checked from its header section
        and boundaries (not read whole into memory), then it is renamed into place."""
        check_report_id(report_id)
        if channel not in ("email", "api"):
            raise ValueError("only e-mail messages and API bodies are streamed to the outbox")
        try:
            encrypted, digest, size = _scan_mail(path) if channel == "email" else _scan_api(path)
        except OSError as e:
            raise StoreError.t("delivery.outbox.finished_unreadable", code="outbox_corrupt", path=path,
                               reason=e.strerror) \
                from None
        if not encrypted and not allow_plaintext:
            path.unlink(missing_ok=True)
            raise StoreError.t("delivery.outbox.not_encrypted", code="not_encrypted")
        ident = entry_id(channel, key)
        with self.sending(ident):
            try:
                entry = self._entry_to_save(ident, report_id, channel, recipient, key, now)
            except StoreError:
                path.unlink(missing_ok=True)
                raise
            private_dir(self.dir)
            os.chmod(path, 0o600)
            os.replace(path, self.dir / entry.file)
            return self._store(self._saved(entry, recipient, route, encrypted, digest, size))

    def checked_path(self, entry: OutboxEntry) -> Path:
        """The stored message file, checked (in pieces) against the hash recorded when it was saved."""
        path = self.dir / entry.file
        try:
            digest = hashlib.sha256()
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError as e:
            raise StoreError.t("delivery.outbox.message_unreadable", code="outbox_corrupt", file=entry.file,
                               reason=e.strerror) from None
        if digest.hexdigest() != entry.sha256:
            raise StoreError.t("delivery.outbox.message_changed", code="outbox_corrupt", file=entry.file)
        return path

    def list(self) -> list[OutboxEntry]:
        if not self.dir.is_dir():
            return []
        entries = [self._load(p) for p in sorted(self.dir.glob("*.meta.json"))]
        return sorted(entries, key=lambda e: (e.created, e.id))

    def resolve_id(self, ident: str) -> str:
        """The entry id ``ident`` names (an id, or a report id / id prefix as :meth:`get` takes),
        without reading the entry when it is already a full id."""
        if _ID_RE.match(ident) and self._meta_path(ident).exists():
            return ident
        return self.get(ident).id

    def get(self, ident: str) -> OutboxEntry:
        """An entry by its id, or by its report id when exactly one entry has it."""
        if _ID_RE.match(ident) and self._meta_path(ident).exists():
            return self._load(self._meta_path(ident))
        matches = [e for e in self.list() if e.report_id == ident or e.id.startswith(ident.lower())]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise StoreError.t("outbox.ambiguous", code="ambiguous", ident=repr(ident), n=len(matches))
        raise StoreError.t("outbox.not_found", code="not_found", ident=repr(ident))

    def read(self, entry: OutboxEntry) -> bytes:
        """The stored message, checked against the hash recorded when it was saved."""
        try:
            data = (self.dir / entry.file).read_bytes()
        except OSError as e:
            raise StoreError.t("delivery.outbox.message_unreadable", code="outbox_corrupt", file=entry.file,
                               reason=e.strerror) from None
        if hashlib.sha256(data).hexdigest() != entry.sha256:
            raise StoreError.t("delivery.outbox.message_changed", code="outbox_corrupt", file=entry.file)
        return data

    def record_attempt(self, ident: str | OutboxEntry, ok: bool, answer: str, *, code: str | None = None,
                       delivered: str | None = None, now: datetime | None = None) -> OutboxEntry:
        """Append one attempt (with the server's answer) to the entry's history. Given the entry itself
        (read under :meth:`sending`'s lock), it is not read again."""
        entry = self.get(ident) if isinstance(ident, str) else ident
        entry.attempts.append(Attempt(at=_now(now), ok=ok, answer=" ".join(str(answer).split())[:MAX_ANSWER],
                                      code=code, delivered=delivered or ("yes" if ok else "no")))
        return self._store(entry)

    def mark_sent(self, ident: str | OutboxEntry, *, receipt: dict[str, Any] | None = None,
                  now: datetime | None = None) -> OutboxEntry:
        """Final: the message was taken. It will never be sent again from the outbox."""
        entry = self.get(ident) if isinstance(ident, str) else ident
        if entry.state == "sent":
            raise StoreError.t("delivery.outbox.already_marked", code="already_sent", data={"id": entry.id},
                               id=entry.id,
                               sent_at=entry.sent_at)
        entry.state, entry.sent_at, entry.receipt = "sent", _now(now), receipt
        return self._store(entry)

    @contextlib.contextmanager
    def sending(self, ident: str) -> Iterator[None]:
        """Exclusive lock on one entry across processes, so two `outbox send` runs never both send it."""
        if not _ID_RE.match(ident):
            raise ValueError("lock an entry by its id")
        private_dir(self.dir)
        path = self.dir / f"{ident}.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if sys.platform != "win32":
                import fcntl  # noqa: PLC0415 - POSIX only

                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise StoreError.t("delivery.outbox.busy", code="busy", id=ident) from None
            else:  # pragma: no cover - Windows: msvcrt locks a byte range instead
                import msvcrt  # noqa: PLC0415 - Windows only

                try:
                    msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                except OSError:
                    raise StoreError.t("delivery.outbox.busy", code="busy", id=ident) from None
            yield
        finally:
            os.close(fd)  # closing releases the lock


def _scan_mail(path: Path) -> tuple[bool, str, int]:
    """(is RFC 3156 encrypted, SHA-256, size) of a message file, read in 1 MiB pieces."""

    digest = hashlib.sha256()
    size = 0
    head = b""
    tail = b""
    scan: BoundaryScan | None = None
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
            if len(head) < HEAD_BYTES:
                head += chunk[:HEAD_BYTES - len(head)]
                boundary = boundary_of(head) if scan is None else None
                if boundary:
                    scan = BoundaryScan(boundary)
            if scan is not None:
                scan.feed(chunk)
            tail = (tail + chunk)[-TAIL_BYTES:]
    # RFC 3156 §4: two body parts and the closing delimiter, nothing more.
    encrypted = scan is not None and scan.count == 3 and check_structure(head, tail)
    return encrypted, digest.hexdigest(), size


def _scan_api(path: Path) -> tuple[bool, str, int]:
    """(is an encrypted cvd-submission/1 body, SHA-256, size) of an API body file, read in pieces."""

    digest = hashlib.sha256()
    scan = BodyScan()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
            scan.feed(chunk)
    return scan.encrypted(), digest.hexdigest(), scan.size


def manual_send_hint(entry: OutboxEntry) -> Phrase:
    """One line for the user when no SMTP server is configured."""
    return Phrase("delivery.outbox.manual_send", recipient=entry.recipient, path=str(entry.path), id=entry.id)
