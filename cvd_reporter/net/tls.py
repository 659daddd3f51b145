"""The one TLS context: system trust plus ``--ca-bundle``. Verification is never switched off."""

from __future__ import annotations

import ssl


def make_ssl_context(ca_bundle: str | None = None) -> ssl.SSLContext:
    """Default verification (hostname + chain) with the system store, plus the CAs in ``ca_bundle``."""
    ctx = ssl.create_default_context()
    try:  # certifi, when present, is what requests users expect on machines without a system store
        import certifi  # noqa: PLC0415 - optional (it comes with requests); the guard needs it here

        ctx.load_verify_locations(cafile=certifi.where())
    except (ImportError, OSError):
        pass
    if ca_bundle:
        ctx.load_verify_locations(cafile=ca_bundle)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx
