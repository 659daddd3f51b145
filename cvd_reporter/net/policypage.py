"""Fetch a policy page through the one safe HTTPS fetcher (caps, deadline, no private addresses,
checked redirects). Reading it is :mod:`cvd_reporter.core.policypage`'s job."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cvd_reporter.errors import NetworkError

if TYPE_CHECKING:
    from cvd_reporter.net.http import Fetcher, FetchResult

MAX_BYTES = 2 * 1024 * 1024  # a policy page is text; 2 MiB leaves room for heavy CMS markup
ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.8"


def fetch_policy_page(url: str, fetcher: Fetcher, *, timeout: float | None = None) -> FetchResult:
    """GET the page (at most 5 https redirects); a non-200 answer is an error, not an empty page.
    ``timeout`` is what is left of a larger search's one deadline (default: the fetcher's)."""
    result = fetcher.get(url, max_bytes=MAX_BYTES, accept=ACCEPT, timeout=timeout)
    if result.status != 200:
        raise NetworkError.t("net.policypage.http_status", code="http_status",
                             data={"status": result.status, "url": result.final_url}, url=result.final_url,
                             status=result.status)
    ctype = (result.content_type or "").split(";")[0].strip().lower()
    if ctype and not (ctype.startswith("text/") or ctype in ("application/xhtml+xml", "application/xml")):
        raise NetworkError.t("net.policypage.not_a_page", code="not_a_page",
                             data={"content_type": ctype, "url": result.final_url}, url=result.final_url,
                             ctype=ctype)
    return result
