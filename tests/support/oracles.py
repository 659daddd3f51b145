"""The decryption oracles: real GnuPG (required; in CI its absence fails the run) and Sequoia's
``sq`` (a second, independent reader where it is installed)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def require_gpg() -> None:
    """gpg is the oracle that proves a municipality can decrypt. Missing: skip locally, fail in CI."""
    if shutil.which("gpg") is None:
        if os.environ.get("CVD_TEST_REQUIRE_GPG"):
            pytest.fail("gpg is not installed but CVD_TEST_REQUIRE_GPG is set (CI): apt-get install gnupg")
        pytest.skip("gpg is not installed (apt-get install gnupg); it is the decryption oracle")


def sq_decrypt(secret: bytes, message: bytes, tmp: Path) -> bytes | None:
    """Decrypt with Sequoia's `sq` when the machine has it (a second, independent oracle)."""
    if shutil.which("sq") is None:
        return None
    (tmp / "sec.pgp").write_bytes(secret)
    (tmp / "msg.asc").write_bytes(message)
    p = subprocess.run(["sq", "decrypt", "--recipient-key", str(tmp / "sec.pgp"), str(tmp / "msg.asc")],
                       capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    return p.stdout
