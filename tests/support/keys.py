"""The key zoo: real keys made by gpg (about 3 s; the session fixture ``zoo`` in tests/conftest.py
makes it once), one GNUPGHOME that also decrypts everything the tests encrypt. gpg is the oracle
for "usable or not" and for which subkey a message goes to. CORPUS: real keys of security teams.
"""

from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from tests.servers.gpg import GnuPG
from tests.support.paths import DATA

CORPUS = DATA / "keys-corpus"  # where each key came from: its MANIFEST.tsv
PAST = "20200101T000000"
MID = "20230101T000000"


@dataclass
class ZooKey:
    name: str
    address: str
    fingerprint: str
    armored: bytes
    binary: bytes
    gpg_can_encrypt: bool  # gpg's own verdict: an upper-case E in the key's capabilities


class Zoo:
    def __init__(self, gpg: GnuPG) -> None:
        self.gpg = gpg
        self.keys: dict[str, ZooKey] = {}

    def __getitem__(self, name: str) -> ZooKey:
        return self.keys[name]

    def add(self, name: str, fpr: str) -> None:
        address = f"{name}@gemeente.test"
        self.keys[name] = ZooKey(name, address, fpr, self.gpg.export(fpr, armor=True), self.gpg.export(fpr),
                                 gpg_can_encrypt(self.gpg, fpr))

    def gpg_recipient_keyid(self, fpr: str) -> str:
        """The key id gpg itself encrypts to (gpg --list-packets of gpg's own output)."""
        enc = self.gpg.gpg("--trust-model", "always", "--encrypt", "--recipient", fpr, input=b"x")
        packets = self.gpg.run("--list-packets", input=enc, check=False).stdout.decode()
        return re.search(r"keyid ([0-9A-F]{16})", packets).group(1)


def gpg_can_encrypt(gpg: GnuPG, fpr: str) -> bool:
    out = gpg.gpg("--with-colons", "--list-keys", fpr).decode()
    pub = next(line for line in out.splitlines() if line.startswith("pub:"))
    return "E" in pub.split(":")[11]


def _edit(gpg: GnuPG, fpr: str, commands: str) -> None:
    subprocess.run(["gpg", "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", "",
                    "--command-fd", "0", "--status-fd", "2", "--edit-key", fpr],
                   input=commands.encode(), capture_output=True, env=gpg.env, timeout=60, check=True)


def _uid(name: str) -> str:
    return f"{name.capitalize()} Security <{name}@gemeente.test>"


# The slow keygens (prime search) run in parallel, each in its own GNUPGHOME, and are imported.
SLOW = {"rsa2048": ("ed25519", "rsa2048"), "rsa3072": ("rsa3072", None),
        "rsa4096": ("ed25519", "rsa4096"), "dsaelg": ("dsa2048", "elg1024")}


def _gen_elsewhere(name: str) -> tuple[str, bytes]:
    home = GnuPG()
    try:
        algo, enc = SLOW[name]
        fpr = home.gen(_uid(name), algo, enc_algo=enc)
        return fpr, home.export_secret(fpr)
    finally:
        home.close()


def make_zoo(gpg: GnuPG) -> Zoo:
    zoo = Zoo(gpg)
    uid = _uid
    with ThreadPoolExecutor(max_workers=len(SLOW)) as pool:
        slow = {name: pool.submit(_gen_elsewhere, name) for name in SLOW}
        zoo.add("ed25519", gpg.gen(uid("ed25519")))
        _make_fast(zoo, gpg, uid)
        for name, future in slow.items():
            fpr, secret = future.result()
            gpg.gpg("--import", input=secret)
            zoo.add(name, fpr)
    return zoo


def _make_fast(zoo: Zoo, gpg: GnuPG, uid) -> None:
    zoo.add("nistp256", gpg.gen(uid("nistp256"), "nistp256"))
    zoo.add("nistp384", gpg.gen(uid("nistp384"), "nistp384"))
    zoo.add("brainpool", gpg.gen(uid("brainpool"), "brainpoolP256r1"))
    zoo.add("rsa1024", gpg.gen(uid("rsa1024"), "rsa1024"))
    zoo.add("signonly", gpg.gen(uid("signonly"), "ed25519", enc_algo="none"))
    zoo.add("expired", gpg.gen(uid("expired"), expire="1y", faked_time=PAST))
    zoo.add("soon", gpg.gen(uid("soon"), expire="10d"))
    fpr = gpg.gen(uid("revoked"))
    rev = (gpg.path / "openpgp-revocs.d" / f"{fpr}.rev").read_bytes().replace(b":-----BEGIN", b"-----BEGIN")
    gpg.gpg("--import", input=rev)
    zoo.add("revoked", fpr)
    fpr = gpg.gen(uid("encrevoked"))
    _edit(gpg, fpr, "key 1\nrevkey\ny\n0\n\ny\nsave\n")
    zoo.add("encrevoked", fpr)
    fpr = gpg.gen(uid("encexpired"), "ed25519", enc_algo="none", faked_time=PAST)
    gpg.gpg(f"--faked-system-time={PAST}", "--quick-add-key", fpr, "cv25519", "encr", "1y")
    zoo.add("encexpired", fpr)
    fpr = gpg.gen(uid("encexpvalid"), "ed25519", enc_algo="none", faked_time=PAST)
    gpg.gpg(f"--faked-system-time={PAST}", "--quick-add-key", fpr, "cv25519", "encr", "1y")
    gpg.gpg("--quick-add-key", fpr, "cv25519", "encr", "never")
    zoo.add("encexpvalid", fpr)
    fpr = gpg.gen(uid("twoenc"), faked_time=MID)
    gpg.gpg("--quick-add-key", fpr, "nistp256", "encr", "never")  # newer: gpg picks this one
    zoo.add("twoenc", fpr)
    zoo.add("reporter", gpg.gen("Reporter <reporter@example.test>"))
