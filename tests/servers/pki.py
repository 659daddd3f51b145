"""A throwaway CA (trustme) and one leaf certificate for every test name (DNS and IP SANs)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import trustme

NAMES = (
    "gemeente.test", "www.gemeente.test", "openpgpkey.gemeente.test", "smtp.gemeente.test",
    "loket.gemeente.test", "api.gemeente.test", "keys.test", "api.github.test", "provider.test",
    "other.test", "www.other.test", "ncsc.test", "sub.loket.gemeente.test",
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


def make_pki(directory: Path, names: tuple[str, ...] = NAMES) -> PKI:
    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA()
    leaf = ca.issue_cert(*names)
    ca_pem = directory / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_pem))
    chain = directory / "chain.pem"
    for i, blob in enumerate(leaf.cert_chain_pems):
        blob.write_to_path(str(chain), append=i > 0)
    key = directory / "key.pem"
    leaf.private_key_pem.write_to_path(str(key))
    rogue = trustme.CA()
    rogue_leaf = rogue.issue_cert(*names)
    other_ca = directory / "rogue-ca.pem"
    rogue.cert_pem.write_to_path(str(other_ca))
    other_chain = directory / "rogue-chain.pem"
    for i, blob in enumerate(rogue_leaf.cert_chain_pems):
        blob.write_to_path(str(other_chain), append=i > 0)
    other_key = directory / "rogue-key.pem"
    rogue_leaf.private_key_pem.write_to_path(str(other_key))
    return PKI(ca, str(ca_pem), str(chain), str(key), str(other_ca), str(other_chain), str(other_key))
