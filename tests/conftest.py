"""The fixtures every folder shares: an isolated home for every test, the CLI runner, the real
loopback servers, and the real keys and municipality built on them.

Server fixtures are session-scoped (they start in milliseconds, but keys and CAs cost more);
function-scoped views reset their state so tests stay independent. Plain helpers (constants, data
builders, the fakes served on the HTTPS server) are in tests/support/; a fixture used by one folder
only belongs in that folder's conftest.py.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers.dns import LocalDNS, ZoneResolver
from tests.servers.gpg import GnuPG
from tests.servers.https import LocalHTTPS
from tests.servers.pki import PKI, make_pki
from tests.servers.smtp import LocalSMTP
from tests.support.cli import run_cli, run_process
from tests.support.delivery import Recipient, build_message
from tests.support.keys import Zoo, make_zoo
from tests.support.municipality import Municipality
from tests.support.oracles import require_gpg

warnings.filterwarnings("ignore", module="pgpy")

_ENV_PREFIXES = ("CVD_",)
_ENV_NAMES = ("GITHUB_TOKEN", "EDITOR", "VISUAL")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test touches the real home, config, keyring or environment settings."""
    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES) or name in _ENV_NAMES:
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "cvd-home"
    monkeypatch.setenv("CVD_REPORTER_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    return home


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def process():
    return run_process


# ---- servers -----------------------------------------------------------------------------
@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PKI:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def gnupg() -> Iterator[GnuPG]:
    require_gpg()
    home = GnuPG()
    yield home
    home.close()


@pytest.fixture(scope="session")
def https_server(pki: PKI) -> Iterator[LocalHTTPS]:
    with LocalHTTPS(pki.chain, pki.key) as srv:
        yield srv


@pytest.fixture
def https(https_server: LocalHTTPS) -> LocalHTTPS:
    """The shared HTTPS server with an empty route table and request log."""
    https_server.clear()
    return https_server


@pytest.fixture(scope="session")
def dns_server() -> Iterator[LocalDNS]:
    with LocalDNS(ZoneResolver()) as srv:
        yield srv


@pytest.fixture
def dns(dns_server: LocalDNS) -> LocalDNS:
    """The shared DNS server with no records; add zones per test."""
    dns_server.resolver.rrs.clear()
    dns_server.resolver.silent.clear()
    dns_server.resolver.servfail.clear()
    dns_server.resolver.ad = False
    return dns_server


@pytest.fixture
def smtp(pki: PKI) -> Iterator[LocalSMTP]:
    with LocalSMTP(pki.chain, pki.key) as srv:
        yield srv


@pytest.fixture
def net_env(pki: PKI) -> dict[str, str]:
    """Environment that trusts the test CA (the --ca-bundle seam)."""
    return {"CVD_CA_BUNDLE": pki.ca_pem, "CVD_TIMEOUT": "3"}


# ---- real keys and a municipality on the servers ------------------------------------------
@pytest.fixture(scope="session")
def zoo() -> Iterator[Zoo]:
    """The key zoo (tests/support/keys.py): made once per run by gpg, in its own GNUPGHOME."""
    require_gpg()
    gpg = GnuPG()
    try:
        yield make_zoo(gpg)
    finally:
        gpg.close()


@pytest.fixture(scope="session")
def recipient(gnupg: GnuPG) -> Recipient:
    """A municipality's key and a reporter's key in the shared gpg home (the delivery tests)."""
    fpr = gnupg.gen("Security Gemeente Delivery <security-delivery@gemeente.test>")
    reporter = gnupg.gen("Alice Onderzoeker <alice-delivery@reporter.test>")
    return Recipient(gnupg, fpr, gnupg.export(reporter, armor=True).decode())


@pytest.fixture(scope="session")
def encrypted_message(recipient: Recipient) -> bytes:
    """A finished PGP/MIME report with a canary in it, encrypted to ``recipient`` by gpg."""
    return build_message(recipient)


@pytest.fixture(scope="session")
def municipality() -> Iterator[Municipality]:
    """The municipality of the end-to-end tests (tests/support/municipality.py): its own gpg home
    and key, served by ``serve(https, municipality.key)``."""
    require_gpg()
    gpg = GnuPG()
    fpr = gpg.gen("Gemeente CERT <security@gemeente.test>")
    yield Municipality(gpg, fpr, gpg.export(fpr))
    gpg.close()


@pytest.fixture
def zone(dns: LocalDNS) -> LocalDNS:
    """The DNS server answering for the municipality: gemeente.test, www, openpgpkey and smtp on loopback."""
    dns.resolver.add_zone("www A 127.0.0.1\nopenpgpkey A 127.0.0.1\n@ A 127.0.0.1\nsmtp A 127.0.0.1",
                          "gemeente.test")
    return dns
