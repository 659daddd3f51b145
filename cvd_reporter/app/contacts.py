"""Where to report when security.txt does not say: the search beyond it, every contact with its source.

Order (each step only when the ones before found no usable contact):

1. the security.txt (RFC 9116) of the host and its parent domains (net/discovery.py);
2. its ``Policy:`` field(s): the page it names is read for contacts;
3. links on the home page whose text or address says responsible disclosure, kwetsbaarheid, CVD or
   security (one request that usually names the page: municipal sites link to it from their footer);
4. well-known paths where Dutch public bodies publish their CVD page (``/responsible-disclosure``,
   ``/kwetsbaarheid-melden``, ...), on the host, the organisation's domain and its www host, a few at a
   time;
5. the directory (bundled and imported entries), which needs no network.

Every fetch goes through the one safe Fetcher (https only, verified TLS, checked redirects, no private
addresses, size caps), and the whole search shares ONE deadline (``--timeout``): a slow, huge or
endless page ends the search with a clear step, and the directory is still consulted.
"""

from __future__ import annotations

import copy
import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cvd_reporter.app.directory import load_all, load_bundled
from cvd_reporter.core.contacts import (
    WELL_KNOWN_PATHS,
    ContactSearch,
    FoundContact,
    Provenance,
    Step,
    directory_age,
    domain_note,
    kind_of,
    policy_links,
)
from cvd_reporter.core.directory import find
from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.core.i18n import N_, Phrase, Spoken
from cvd_reporter.core.policypage import read_policy
from cvd_reporter.core.policypage.extract import decode, extract
from cvd_reporter.errors import CvdError, DiscoveryError, NetworkError
from cvd_reporter.net.discovery import discover, parse_target
from cvd_reporter.net.policypage import fetch_policy_page

# A page counts as a CVD policy page only when its own text says so: a soft-404 or a home page has
# addresses too (info@, the webmaster), and those are not where reports go.
_POLICY_WORDS = re.compile(r"responsible[\s-]*disclosure|coordinated[\s-]*vulnerability|kwetsba|vulnerabilit|"
                           r"beveiligingslek|zwakke plek|\bcvd\b", re.I)
_HOST_FATAL = {"dns_failed", "connection_failed", "invalid_cert", "private_address", "timeout"}
MAX_POLICY_FIELDS = 2
PROBE_WORKERS = 4  # well-known paths fetched at a time: a few, so no site sees a burst


class _Clock:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.start = time.monotonic()

    def left(self) -> float:
        return self.seconds - (time.monotonic() - self.start)


def _within(fetcher: Any, seconds: float) -> Any:
    """The same fetcher (same TLS context, mappings and rules) with a shorter deadline."""
    short = copy.copy(fetcher)
    short.timeout = max(0.05, seconds)
    return short


class _Search:
    def __init__(self, target: str, host: str, fetcher: Any, now: datetime, owners: dict[str, str]) -> None:
        self.result = ContactSearch(target, host)
        self.fetcher = fetcher
        self.now = now
        self.owners = owners
        self.clock = _Clock(fetcher.timeout)
        self.dead_hosts: set[str] = set()
        self.seen_urls: set[str] = set()

    def step(self, stage: str, url: str | None, outcome: str, message: str) -> None:
        self.result.steps.append(Step(stage, url, outcome, message))

    def out_of_time(self, stage: str, url: str | None) -> bool:
        if self.clock.left() > 0.05:
            return False
        if not self.result.deadline_hit:
            self.result.deadline_hit = True
            self.step(stage, url, "deadline", Phrase("app.contacts.deadline", seconds=f"{self.clock.seconds:g}"))
        return True

    def get(self, url: str) -> tuple[Any, NetworkError | None]:
        """Network only (safe in a worker thread): the page, or the error."""

        try:
            return fetch_policy_page(url, self.fetcher, timeout=max(0.05, self.clock.left())), None
        except NetworkError as e:
            return None, e

    def failed(self, stage: str, url: str, e: NetworkError) -> None:
        if e.code == "deadline" or self.clock.left() <= 0.05:
            self.out_of_time(stage, url)
            return
        if e.code in _HOST_FATAL:
            self.dead_hosts.add(urlsplit(url).hostname or "")
        status = (e.data or {}).get("status")
        self.step(stage, url, "not_found" if status in (404, 410) else e.code, Spoken(e))

    def fetch(self, stage: str, url: str) -> Any:
        """The page at ``url``, or None (the reason is recorded as a step)."""
        host = urlsplit(url).hostname or ""
        if host in self.dead_hosts or url in self.seen_urls or self.out_of_time(stage, url):
            return None
        self.seen_urls.add(url)
        page, error = self.get(url)
        if error is not None:
            self.failed(stage, url, error)
        return page

    def probe(self, stage: str, urls: list[str]) -> bool:
        """Fetch candidate URLs a few at a time (one deadline for all), judged in the given order; True
        at the first policy page naming a contact (the rest are cancelled or left to their deadline)."""

        urls = [u for u in urls if u not in self.seen_urls and (urlsplit(u).hostname or "") not in self.dead_hosts]
        if not urls or self.out_of_time(stage, urls[0]):
            return False
        self.seen_urls.update(urls)
        pool = ThreadPoolExecutor(max_workers=PROBE_WORKERS, thread_name_prefix="cvd-probe")
        try:
            futures = [(u, pool.submit(self.get, u)) for u in urls]
            for url, future in futures:
                page, error = future.result()
                if error is not None:
                    self.failed(stage, url, error)
                elif self.judge(stage, url, page):
                    return True
                if self.result.deadline_hit:
                    return False
            return False
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def read_page(self, stage: str, url: str) -> bool:
        """Fetch and read one candidate page; True when it is a policy page naming a contact."""
        page = self.fetch(stage, url)
        return page is not None and self.judge(stage, url, page)

    def judge(self, stage: str, url: str, page: Any) -> bool:
        """Is this fetched page a policy page naming a contact? Its contacts join the result if so."""

        final = page.final_url
        if urlsplit(final).path in ("", "/") and urlsplit(url).path not in ("", "/"):
            self.step(stage, url, "not_a_policy", Phrase("app.contacts.home_page", url=url, final=final))
            return False
        text = extract(page.body, page.content_type).text
        if not _POLICY_WORDS.search(text):
            self.step(stage, url, "not_a_policy", Phrase("app.contacts.not_a_policy", url=final))
            return False
        reading = read_policy(page.body, content_type=page.content_type, url=final)
        via = Phrase("app.contacts.via", n=len(page.chain) - 1, url=url) if len(page.chain) > 1 else ""
        usable = [c for c in reading.contacts if c.value]
        if not usable:
            words = "policy.channel." + reading.channel  # the words `policy read` uses (cli/policy_cmds)
            channel = Phrase(words)  # English in --json, the reader's language on the terminal
            self.step(stage, final, "nothing", Phrase("app.contacts.no_contact", url=final, via=via, channel=channel))
            self.result.policy = self.result.policy or reading.to_dict()
            return False
        seen = self.now.date().isoformat()
        for c in usable:
            note = c.note
            extra = domain_note(c.value or "", self.result.host, self.owners) if c.kind == "email" else ""
            self.result.contacts.append(FoundContact(
                c.value or "", c.kind, Provenance("policy_page", final, seen, evidence=c.evidence), name=c.name,
                note=Phrase("app.contacts.two_notes", first=note, second=extra) if note and extra else note or extra))
        self.result.policy = reading.to_dict()
        self.step(stage, final, "found", Phrase("app.contacts.found", url=final, n=len(usable), via=via))
        return True


def search_contacts(target: str, fetcher: Any, *, now: datetime, home: Path | None,
                    discovery: Any = None, discovery_error: CvdError | None = None,
                    use_directory: bool = True, walk_parents: bool = True) -> ContactSearch:
    """Contacts for ``target`` (a URL, host or domain), each with its provenance; never raises for
    "nothing found" (``contacts`` is then empty and ``steps`` says what was tried).

    ``discovery`` / ``discovery_error``: a security.txt lookup already done (by the scope check or
    `discover`), so it is not repeated."""

    t = parse_target(target)
    owners, entries = _directory(home) if use_directory else ({}, [])
    s = _Search(target, t.host, fetcher, now, owners)
    try:
        if discovery is None and discovery_error is None:
            try:
                discovery = discover(target, _within(fetcher, s.clock.left()), now=now, walk_parents=walk_parents)
            except DiscoveryError as e:
                discovery_error = e
        policy_fields = _from_security_txt(s, discovery, discovery_error)
        if not s.result.emails or (discovery is not None and not discovery.valid):
            _beyond(s, t, policy_fields)
    finally:
        if not s.result.contacts and use_directory:
            _from_directory(s, entries, now)
        s.result.elapsed = time.monotonic() - s.clock.start
    return s.result


def _from_security_txt(s: _Search, discovery: Any, error: CvdError | None) -> list[str]:
    if discovery is None:
        why = Spoken(error) if error is not None else Phrase("app.contacts.not_looked_up")
        s.step("security_txt", None, error.code if error is not None else "skipped", why)
        if error is not None and error.code == "deadline":
            s.out_of_time("security_txt", None)
        return []
    st = discovery.security_txt
    seen = s.now.date().isoformat()
    usable = [c for c in st.contacts if c.valid and c.kind in ("mailto", "https", "tel")]
    for c in usable:
        uri = f"mailto:{c.address}" if c.kind == "mailto" and c.address else c.uri
        s.result.contacts.append(FoundContact(uri, kind_of(uri), Provenance("security_txt", discovery.url, seen),
                                              note=domain_note(uri, s.result.host, s.owners)))
    s.step("security_txt", discovery.url, "found" if usable else "nothing",
           Phrase(N_("app.contacts.securitytxt_valid") if discovery.valid else N_("app.contacts.securitytxt_errors"),
                  url=discovery.url, n=len(usable)))
    s.result.security_txt = discovery
    return [u for u in st.policy if u.lower().startswith("https://")][:MAX_POLICY_FIELDS]


def _beyond(s: _Search, t: Any, policy_fields: list[str]) -> None:
    for url in policy_fields:
        if s.read_page("policy_field", url):
            return
    hosts = [t.host]
    if not t.is_ip:
        top = registrable_domain(t.host)
        for h in (top, f"www.{top}" if top else None):
            if h and h not in hosts:
                hosts.append(h)
    base = {h: t.url("") if h == t.host else f"https://{h}" for h in hosts}
    probe_hosts = list(hosts)
    # The home page first: one request, and it usually links to the page in its footer.
    for h in hosts:
        home = s.fetch("home_page", base[h] + "/")
        if home is None:
            if s.result.deadline_hit:
                return
            continue
        moved = (urlsplit(home.final_url).hostname or "").lower()
        if moved != h and moved in hosts:
            probe_hosts.remove(h)  # gemeente.nl -> www.gemeente.nl: its paths redirect there too

        links = policy_links(decode(home.body, home.content_type), home.final_url)
        s.step("home_page", home.final_url, "found" if links else "nothing",
               Phrase("app.contacts.links", url=home.final_url, n=len(links), pages=", ".join(c.url for c in links))
               if links else Phrase("app.contacts.no_links", url=home.final_url))
        for c in links:
            if s.read_page("home_page", c.url):
                return
        break  # one home page is enough: the www host serves the same site
    s.probe("well_known", [base[h] + path for path in WELL_KNOWN_PATHS for h in probe_hosts])


def _directory(home: Path | None) -> tuple[dict[str, str], list[Any]]:

    try:
        entries, owners = load_all(home) if home is not None else load_bundled()
    except CvdError:
        entries, owners = load_bundled()
    return owners, entries


def _from_directory(s: _Search, entries: list[Any], now: datetime) -> None:

    hits = find(entries, s.result.host) if entries else []
    if not hits:
        s.step("directory", None, "nothing", Phrase("app.contacts.no_entry", host=s.result.host))
        return
    for entry in hits[:1]:
        seen = entry.source.get("seen")
        source = Provenance("directory", entry.source.get("url"), seen, entry=entry.name,
                            origin=entry.source.get("origin"), age_days=directory_age(seen, now.date()))
        for uri in entry.contacts:
            s.result.contacts.append(FoundContact(uri, kind_of(uri), source,
                                                  note=domain_note(uri, s.result.host, s.owners)))
        s.step("directory", entry.source.get("url"), "found" if entry.contacts else "nothing",
               Phrase("app.contacts.entry", name=entry.name, n=len(entry.contacts), source=source))
