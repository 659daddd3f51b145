"""Shared fixtures: an isolated home for every test, the CLI runner, and real loopback servers.

Server fixtures are session-scoped (they start in milliseconds, but keys and CAs cost more);
function-scoped views reset their state so tests stay independent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.servers.dns import LocalDNS, ZoneResolver
from tests.servers.gpg import GnuPG
from tests.servers.https import LocalHTTPS
from tests.servers.pki import PKI, make_pki
from tests.servers.smtp import LocalSMTP

ROOT = Path(__file__).resolve().parent.parent
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


@dataclass
class CliOutcome:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)


def run_cli(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> CliOutcome:
    """Run the real entry point in-process (click's isolation), capturing stdout and stderr apart."""
    from cvd_reporter.cli.app import main

    runner = CliRunner()
    with runner.isolation(input=input, env=env) as streams:
        out, err = streams[0], streams[1]
        try:
            main(list(args))
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace")
    return CliOutcome(code, stdout, stderr)


@pytest.fixture
def cli():
    return run_cli


def run_process(*args: str, input: bytes | None = None, env: dict[str, str] | None = None,
                timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``python -m cvd_reporter`` in a fresh interpreter (what a pipx user runs)."""
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run([sys.executable, "-m", "cvd_reporter", *args], input=input, capture_output=True,
                          env=full_env, timeout=timeout, cwd=str(ROOT))


@pytest.fixture
def process():
    return run_process


# ---- servers -----------------------------------------------------------------------------
@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PKI:
    return make_pki(tmp_path_factory.mktemp("pki"))


def require_gpg() -> None:
    """gpg is the oracle that proves a municipality can decrypt. Missing: skip locally, fail in CI."""
    import shutil

    if shutil.which("gpg") is None:
        if os.environ.get("CVD_TEST_REQUIRE_GPG"):
            pytest.fail("gpg is not installed but CVD_TEST_REQUIRE_GPG is set (CI): apt-get install gnupg")
        pytest.skip("gpg is not installed (apt-get install gnupg); it is the decryption oracle")


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
