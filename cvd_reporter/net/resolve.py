"""A/AAAA lookups with the CNAME chain (dnspython, through :func:`cvd_reporter.net.dns.make_resolver`),
and a bounded, order-keeping thread pool for batches.

Every lookup of one host shares one deadline (``--timeout``): the A and the AAAA query together
never wait longer than that, also when the server never answers. Failures become a
:class:`~cvd_reporter.core.scope.Resolution` with a status, never an exception: in a batch, one
bad name must not stop the others.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import dns.exception
import dns.message
import dns.name
import dns.resolver

from cvd_reporter.core.i18n import Phrase, Spoken
from cvd_reporter.core.scope import Resolution
from cvd_reporter.errors import NetworkError
from cvd_reporter.net.dns import make_resolver
from cvd_reporter.settings import Settings

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_WORKERS = 32


def _chain(response: dns.message.Message | None) -> list[str]:
    """The CNAME targets in the answer, in order (RFC 1034 section 3.6.2: an alias is followed)."""
    if not isinstance(response, dns.message.QueryMessage):  # only a query's answer has a chain
        return []
    try:
        cnames = response.resolve_chaining().cnames
    except (dns.exception.DNSException, KeyError, AttributeError):
        return []
    return [str(rrset[0].target).rstrip(".").lower() for rrset in cnames if len(rrset)]


def _no_answer(timeout: float) -> Phrase:
    """Why a lookup stopped, said in the reader's language inside scope's DNS note (scope.dns.failed)."""
    return Phrase("net.resolve.timeout", timeout=f"{timeout:g}")


def resolve_host(host: str, *, resolver: dns.resolver.Resolver, timeout: float,
                 clock: Callable[[], float] = time.monotonic) -> Resolution:
    """A and AAAA records of ``host`` (an A-label name) with the CNAME chain, within ``timeout``."""
    deadline = clock() + timeout
    try:
        qname = dns.name.from_text(host)  # absolute: no search-domain surprises
    except dns.exception.DNSException:
        return Resolution(name=host, status="error", error=Phrase("net.resolve.not_a_name"))
    addresses: list[str] = []
    chain: list[str] = []
    for rdtype in ("A", "AAAA"):
        remaining = deadline - clock()
        if remaining <= 0:
            return Resolution(host, tuple(addresses), tuple(chain), "timeout", _no_answer(timeout))
        try:
            answer = resolver.resolve(qname, rdtype, raise_on_no_answer=False, lifetime=remaining, search=False)
        except dns.resolver.NXDOMAIN as e:
            response = None
            try:
                response = e.responses().get(qname)
            except (AttributeError, KeyError, TypeError):
                pass
            return Resolution(host, tuple(addresses), tuple(chain or _chain(response)), "nxdomain",
                              Phrase("net.resolve.nxdomain"))
        except dns.exception.Timeout:
            return Resolution(host, tuple(addresses), tuple(chain), "timeout", _no_answer(timeout))
        except dns.resolver.NoNameservers:
            return Resolution(host, tuple(addresses), tuple(chain), "error",
                              Phrase("net.resolve.server_error"))
        except (dns.exception.DNSException, OSError, ValueError) as e:
            return Resolution(host, tuple(addresses), tuple(chain), "error",
                              Phrase("net.resolve.failed", kind=type(e).__name__))
        if not chain:
            chain = _chain(answer.response)
        if answer.rrset is not None:
            addresses += [rdata.address for rdata in answer.rrset]
    return Resolution(host, tuple(addresses), tuple(chain), "ok" if addresses else "nodata",
                      None if addresses else "no A or AAAA record")


def map_bounded(fn: Callable[[T], R], items: Iterable[T], *, workers: int = DEFAULT_WORKERS,
                window: int | None = None) -> Iterator[R]:
    """``map(fn, items)`` on a thread pool: results in input order, each yielded as soon as it and
    all before it are done.

    ``items`` is read by a feeder thread, so a result comes out even while the producer (stdin of a
    co-process) waits for it. At most ``window`` items are read ahead or in flight, so memory stays
    flat however long the batch is. ``workers <= 1`` runs one after another in this thread (the
    sequential baseline of the benchmark).
    """
    if workers <= 1:
        for item in items:
            yield fn(item)
        return
    window = max(window or workers * 4, workers)
    cond = threading.Condition()
    incoming: collections.deque[T] = collections.deque()
    state: dict[str, Any] = {"eof": False, "error": None, "stop": False}

    def feed() -> None:
        try:
            for item in items:
                with cond:
                    while len(incoming) >= window and not state["stop"]:
                        cond.wait()
                    if state["stop"]:
                        return
                    incoming.append(item)
                    cond.notify_all()
        except BaseException as e:
            state["error"] = e
        finally:
            with cond:
                state["eof"] = True
                cond.notify_all()

    def wake(_: Future[R]) -> None:
        with cond:
            cond.notify_all()

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cvd-scope")
    pending: collections.deque[Future[R]] = collections.deque()
    threading.Thread(target=feed, name="cvd-scope-feed", daemon=True).start()
    try:
        while True:
            with cond:
                while not ((pending and pending[0].done()) or (incoming and len(pending) < window)
                           or (state["eof"] and not incoming and not pending)):
                    cond.wait()
                new: list[T] = []
                while incoming and len(pending) + len(new) < window:
                    new.append(incoming.popleft())
                cond.notify_all()
            for item in new:
                fut = pool.submit(fn, item)
                fut.add_done_callback(wake)
                pending.append(fut)
            while pending and pending[0].done():
                yield pending.popleft().result()
            if state["eof"] and not incoming and not pending:
                break
        if state["error"] is not None:
            raise state["error"]
    finally:
        with cond:
            state["stop"] = True
            cond.notify_all()
        for fut in pending:
            fut.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def resolve_many(hosts: Iterable[str], *, resolver: dns.resolver.Resolver, timeout: float,
                 workers: int = DEFAULT_WORKERS) -> Iterator[Resolution]:
    """:func:`resolve_host` for many names at once (bounded pool), in input order."""
    return map_bounded(lambda h: resolve_host(h, resolver=resolver, timeout=timeout), hosts, workers=workers)


def make_host_resolver(settings: Settings, *, timeout: float | None = None) -> Callable[[str], Resolution]:
    """A ``host -> Resolution`` function for a whole batch (``--dns-server``, ``--timeout``).

    The resolver is made on first use (a batch of IP addresses needs none) and shared: dnspython's
    Resolver is safe to share between threads when it has no cache, and make_resolver sets none.
    When no resolver can be made (no system configuration), every lookup says so.
    """
    total = timeout if timeout is not None else float(settings.timeout)
    lock = threading.Lock()
    made: dict[str, Any] = {}

    def lookup(host: str) -> Resolution:
        with lock:
            if not made:
                try:
                    made["resolver"] = make_resolver(settings, timeout=total)
                except NetworkError as e:
                    made["error"] = Spoken(e)  # English in --json; a Dutch DNS note says it in Dutch
        if "error" in made:
            return Resolution(name=host, status="error", error=made["error"])
        return resolve_host(host, resolver=made["resolver"], timeout=total)

    return lookup
