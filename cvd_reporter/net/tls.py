"""The one TLS context: system trust plus ``--ca-bundle``. Verification is never switched off."""

from __future__ import annotations

import ssl
from functools import lru_cache


@lru_cache(maxsize=8)
def make_ssl_context(ca_bundle: str | None = None) -> ssl.SSLContext:
    """Default verification (hostname + chain) with the system store, plus the CAs in ``ca_bundle``.

    One context per CA bundle and run: loading the trust store costs tens of milliseconds, and a
    submit would otherwise pay it for discovery, the key lookups and the delivery each. The context
    is only read after it is made (wrap_socket), which is safe to share.
    """
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
