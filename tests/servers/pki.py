"""A throwaway CA (trustme) and one leaf certificate for every test name (DNS and IP SANs)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import trustme

NAMES = (
    "gemeente.test", "www.gemeente.test", "openpgpkey.gemeente.test", "smtp.gemeente.test",
    "loket.gemeente.test", "api.gemeente.test", "keys.test", "api.github.test", "provider.test",
    "other.test", "www.other.test", "ncsc.test", "sub.loket.gemeente.test", "ibd.test",
    "localhost", "127.0.0.1", "::1",
)


@dataclass
class PKI:
    ca: trustme.CA
    ca_pem: str
    chain: str
    key: str
    other_ca_pem: str  # a CA nobody trusts, for invalid-certificate tests
    other_chain: str
    other_key: str


def _issue(directory: Path, prefix: str, names: tuple[str, ...]) -> tuple[trustme.CA, str, str, str]:
    """A CA and a leaf for ``names``, written as PEM files: (ca, ca.pem, chain.pem, key.pem)."""
    ca = trustme.CA()
    leaf = ca.issue_cert(*names)
    ca_pem, chain, key = (directory / f"{prefix}{n}.pem" for n in ("ca", "chain", "key"))
    ca.cert_pem.write_to_path(str(ca_pem))
    for i, blob in enumerate(leaf.cert_chain_pems):
        blob.write_to_path(str(chain), append=i > 0)
    leaf.private_key_pem.write_to_path(str(key))
    return ca, str(ca_pem), str(chain), str(key)


def make_pki(directory: Path, names: tuple[str, ...] = NAMES) -> PKI:
    directory.mkdir(parents=True, exist_ok=True)
    ca, ca_pem, chain, key = _issue(directory, "", names)
    _rogue, other_ca, other_chain, other_key = _issue(directory, "rogue-", names)  # a CA nobody trusts
    return PKI(ca, ca_pem, chain, key, other_ca, other_chain, other_key)
