"""Real GnuPG in a throwaway GNUPGHOME: makes the keys the tests use and decrypts what we encrypt.

Short path under /tmp (the agent socket path must stay under 108 bytes); ``close`` kills the agent.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


class GnuPG:
    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="gpg", dir="/tmp")
        os.chmod(self.dir, 0o700)
        self.env = dict(os.environ, GNUPGHOME=self.dir, LC_ALL="C")

    def run(self, *args: str, input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
        p = subprocess.run(["gpg", "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", "", *args],
                           input=input, capture_output=True, env=self.env, timeout=120)
        if check and p.returncode != 0:
            raise RuntimeError(f"gpg {args} failed: {p.stderr.decode(errors='replace')[-800:]}")
        return p

    def gpg(self, *args: str, input: bytes | None = None) -> bytes:
        return self.run(*args, input=input).stdout

    def gen(self, uid: str, algo: str = "future-default", *, expire: str = "never",
            enc_algo: str | None = None, faked_time: str | None = None) -> str:
        """Make a key; with an explicit algorithm add an encryption subkey (gpg makes only the primary)."""
        pre = [f"--faked-system-time={faked_time}"] if faked_time else []
        self.gpg(*pre, "--quick-gen-key", uid, algo, "default", expire)
        fpr = self.fpr(uid)
        if algo not in ("default", "future-default") and enc_algo != "none":
            self.gpg(*pre, "--quick-add-key", fpr, enc_algo or algo, "encr", expire)
        return fpr

    def fpr(self, uid: str) -> str:
        out = self.gpg("--with-colons", "--list-keys", uid).decode()
        return next(line.split(":")[9] for line in out.splitlines() if line.startswith("fpr:"))

    def export(self, fpr: str, *, armor: bool = False) -> bytes:
        return self.gpg(*(["--armor"] if armor else []), "--export", fpr)

    def clearsign(self, text: bytes, fpr: str) -> bytes:
        return self.gpg("--local-user", fpr, "--clearsign", input=text)

    def decrypt(self, data: bytes) -> bytes:
        """Decrypt as a municipality would; raises if gpg cannot."""
        return self.gpg("--decrypt", input=data)

    def decrypt_status(self, data: bytes) -> tuple[bytes, str]:
        p = self.run("--status-fd", "2", "--decrypt", input=data)
        return p.stdout, p.stderr.decode(errors="replace")

    def export_secret(self, fpr: str) -> bytes:
        return self.gpg("--export-secret-keys", fpr)

    def close(self) -> None:
        subprocess.run(["gpgconf", "--kill", "all"], env=self.env, capture_output=True, timeout=20)
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def path(self) -> Path:
        return Path(self.dir)
