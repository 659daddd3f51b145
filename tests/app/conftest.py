"""Fixtures for the app layer's end-to-end tests: the municipality's key (gpg holds its secret half)
and its DNS zone on the shared loopback servers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import require_gpg
from tests.servers.gpg import GnuPG
from tests.support.municipality import ZONE


@dataclass
class MunicipalityKey:
    gpg: GnuPG
    fpr: str
    key: bytes


@pytest.fixture(scope="session")
def municipality_key() -> Iterator[MunicipalityKey]:
    require_gpg()
    gpg = GnuPG()
    fpr = gpg.gen("Gemeente CERT <security@gemeente.test>")
    yield MunicipalityKey(gpg, fpr, gpg.export(fpr))
    gpg.close()


@pytest.fixture
def gemeente_zone(dns):
    dns.resolver.add_zone(ZONE, "gemeente.test")
    return dns
