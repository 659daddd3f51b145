"""Files a report file points at (evidence, the reporter's key): opened safely, described truthfully.

A report file is often a template someone else wrote, so the paths in it are outside input. The rules:

- only a regular file is read: a FIFO would hang the run, ``/dev/zero`` would fill memory, and a folder
  or socket is no attachment. The check is made on the opened descriptor (``fstat``), so a file swapped
  for a FIFO after a look at its name cannot slip through; the open itself does not block on a FIFO;
- nothing under ``/proc``, ``/sys`` or ``/dev`` (``/proc/self/environ`` holds this process's
  environment, with its tokens and passwords, and is a "regular" file of size 0);
- at most ``max_bytes`` are read, whatever size the file claims;
- the resolved path is kept, and whether it lies outside the report's folder (a symlink beside the
  report may point at ``~/.ssh/id_ed25519``), so the confirmation can list exactly what will travel.

A key file the reporter names on the command line (``key import FILE``, ``submit --sign-with FILE``) is
their own choice, not outside input: :func:`read_named_key_file` only keeps it to the size of a key
and turns every way it can fail into one sentence.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cvd_reporter.core.i18n import say
from cvd_reporter.errors import InputFileError

SYSTEM_TREES = (Path("/proc"), Path("/sys"), Path("/dev"))


class UnsafeFile(Exception):
    """The path cannot be used as an attachment; ``reason`` is one short phrase for a finding (English).

    Made with a catalogue id (``unsafe.*``), :meth:`phrase` says the phrase in a reader's language.
    """

    def __init__(self, reason: str, msgid: str | None = None, **params: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.msgid = msgid
        self.params = params

    @classmethod
    def t(cls, msgid: str, /, **params: Any) -> UnsafeFile:
        return cls(say("en", msgid, **params), msgid, **params)

    def phrase(self, lang: str | None) -> str:
        """The reason in ``lang``: the catalogue text, or the plain phrase an OS error gave."""
        return say(lang, self.msgid, **self.params) if self.msgid else self.reason


@dataclass(frozen=True)
class UserFile:
    given: str           # as written in the report file
    resolved: Path       # after symlinks, absolute
    size: int
    sha256: str
    outside_folder: bool  # resolved path is not inside the report's folder
    content: bytes  # the whole file, or only its first HEAD_BYTES when ``complete`` is False
    complete: bool = True  # False: binary evidence, streamed from disk when it travels (issue 16)

    def describe(self) -> dict[str, object]:
        """What the confirmation and --json show for this file (never its content)."""
        return {"path": self.given, "resolved": str(self.resolved), "size": self.size, "sha256": self.sha256,
                "outside_report_folder": self.outside_folder}


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


HEAD_BYTES = 65536
_PIECE = 1 << 20


def _open_checked(resolved: Path, max_bytes: int) -> Any:
    if any(_inside(resolved, tree) for tree in SYSTEM_TREES):
        raise UnsafeFile.t("unsafe.system_file", path=str(resolved))
    try:
        fd = os.open(resolved, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as e:
        raise (UnsafeFile(e.strerror) if e.strerror else UnsafeFile.t("unsafe.cannot_open")) from None
    try:
        st = os.fstat(fd)  # on the descriptor itself: Python's own open() refuses a folder with a traceback
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile.t("unsafe.not_regular")
        if st.st_size > max_bytes:
            raise UnsafeFile.t("unsafe.too_big", limit=max_bytes // 1048576)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_again(file: UserFile, *, max_bytes: int, piece: int = _PIECE) -> Iterator[bytes]:
    """The bytes of a file read before, in pieces, opened under the same rules. UnsafeFile at the end
    when they are no longer the bytes that were checked and listed (size or SHA-256 differ)."""
    digest = hashlib.sha256()
    size = 0
    with _open_checked(file.resolved, max_bytes) as fh:
        while True:
            chunk = fh.read(piece)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise UnsafeFile.t("unsafe.too_big", limit=max_bytes // 1048576)
            digest.update(chunk)
            yield chunk
    if size != file.size or digest.hexdigest() != file.sha256:
        raise UnsafeFile.t("unsafe.changed")


def read_user_file(given: str, base: Path, *, max_bytes: int, binary_head_only: bool = False) -> UserFile:
    """Read ``given`` (relative to ``base``, ``~`` expanded) under the rules above; UnsafeFile if not.

    ``binary_head_only``: of a file with a NUL byte in its first 64 KiB (binary evidence) keep only
    those 64 KiB; the rest is hashed in pieces and read again from disk when it travels, so memory
    does not grow with the evidence (issue 16)."""
    path = (base / given).expanduser()
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        raise UnsafeFile.t("unsafe.missing") from None
    except (OSError, RuntimeError) as e:  # RuntimeError: a symlink loop on older Pythons
        reason = getattr(e, "strerror", None)
        raise (UnsafeFile(reason) if reason else UnsafeFile.t("unsafe.cannot_resolve")) from None
    with _open_checked(resolved, max_bytes) as fh:
        head = fh.read(HEAD_BYTES)
        if binary_head_only and b"\x00" in head:
            digest, size = hashlib.sha256(head), len(head)
            for chunk in iter(lambda: fh.read(_PIECE), b""):
                size += len(chunk)
                if size > max_bytes:
                    raise UnsafeFile.t("unsafe.too_big", limit=max_bytes // 1048576)
                digest.update(chunk)
            return UserFile(given=given, resolved=resolved, size=size, sha256=digest.hexdigest(),
                            outside_folder=not _inside(resolved, base.resolve()), content=head, complete=False)
        content = head + fh.read(max_bytes + 1 - len(head))
    if len(content) > max_bytes:  # the file grew, or claimed a smaller size than it has
        raise UnsafeFile.t("unsafe.too_big", limit=max_bytes // 1048576)
    return UserFile(given=given, resolved=resolved, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                    outside_folder=not _inside(resolved, base.resolve()), content=content)


MAX_KEY_FILE_BYTES = 1 << 20  # a certificate with its signatures, or a secret key, is far smaller


def read_named_key_file(path: Path, *, too_big: str, missing: str, unreadable: str,
                        max_bytes: int = MAX_KEY_FILE_BYTES) -> bytes:
    """The bytes of a key file the reporter named (``key import FILE``, ``submit --sign-with FILE``).

    InputFileError (exit 3) with the caller's catalogue id, each given ``path`` (and ``reason``, the
    system's words, for ``unreadable``): ``too_big`` over ``max_bytes``, ``missing`` when it does not
    exist, ``unreadable`` for any other failure (no permission, a folder, a broken disk)."""
    try:  # read at most one byte past the limit: a device or pipe (/dev/zero, <(...)) claims no size
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputFileError.t(missing, path=str(path)) from None
    except OSError as e:
        raise InputFileError.t(unreadable, path=str(path), reason=e.strerror) from None
    if len(data) > max_bytes:
        raise InputFileError.t(too_big, path=str(path))
    return data
