"""Registrable domains from the Public Suffix List shipped offline (the `publicsuffixlist` package).

Pure: no network. The list loads once (about 25 ms) on first use, not at import.
"""

from __future__ import annotations

import functools

from publicsuffixlist import PublicSuffixList


@functools.lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    return PublicSuffixList()  # reads the ~300 kB list: on first use only


@functools.lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str | None:
    """The registrable domain (eTLD+1) of a lower-case A-label host name, or None for a public
    suffix, a single label (``localhost``) or an IP address. ``www.amsterdam.nl`` -> ``amsterdam.nl``."""
    host = host.lower().rstrip(".")
    if not host or ":" in host or host.replace(".", "").isdigit():
        return None
    domain: str | None = _psl().privatesuffix(host)
    return domain


def same_registrable_domain(a: str, b: str) -> bool:
    ra, rb = registrable_domain(a), registrable_domain(b)
    return ra is not None and ra == rb


def parent_domains(host: str) -> list[str]:
    """The host's parents up to and including its registrable domain, nearest first.

    ``a.b.gemeente.nl`` -> ``["b.gemeente.nl", "gemeente.nl"]``; a registrable domain has none.
    """
    host = host.lower().rstrip(".")
    top = registrable_domain(host)
    if top is None or host == top:
        return []
    labels = host.split(".")
    out = []
    for i in range(1, len(labels)):
        parent = ".".join(labels[i:])
        out.append(parent)
        if parent == top:
            break
    return out
