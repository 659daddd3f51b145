"""Private files: 0700 folders, 0600 files, atomic replace (tempfile in the same folder + os.replace)."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from cvd_reporter.errors import StoreError

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path, *, tighten: bool = True) -> Path:
    """Create ``path`` (and parents) as 0700; with ``tighten``, also make an existing folder 0700.

    Our own folders (home, outbox, drafts) are tightened; a folder the user named for an output file
    (``--redact``, ``--output``) is created private when missing but never changed when it exists.

    A folder others may write to (world-writable or sticky, like ``/tmp``) or that belongs to another
    user is never changed: tightening ``/tmp`` would break the machine, and files in it could be
    replaced by others. It is refused as a private folder with a sentence that says what to use.
    """
    try:
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        if tighten and os.name == "posix":
            st = path.stat()
            if (st.st_mode & 0o777) != DIR_MODE:
                if st.st_mode & (stat.S_IWOTH | stat.S_ISVTX) or st.st_uid != os.geteuid():
                    raise StoreError.t("store.fs.shared_folder", path=path)
                os.chmod(path, DIR_MODE)
    except OSError as e:
        raise StoreError.t("store.fs.cannot_create", path=path, reason=e.strerror) from e
    return path


def write_private(path: Path, data: bytes | str, *, user_path: bool = False) -> Path:
    """Write ``data`` atomically to ``path`` as 0600 inside a 0700 folder.

    ``user_path``: the user chose this location; its existing folder is left as it is.
    """
    private_dir(path.parent, tighten=not user_path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), FILE_MODE) if hasattr(os, "fchmod") else None
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise StoreError.t("store.fs.cannot_write", path=path, reason=e.strerror) from e
    return path
