"""How `discover` shows the contacts it found beyond security.txt: each with where it came from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cvd_reporter.errors import DiscoveryError

if TYPE_CHECKING:
    from cvd_reporter.core.contacts import ContactSearch
    from cvd_reporter.errors import CvdError


def describe_search(search: ContactSearch, why: str | None) -> str:
    from cvd_reporter.core.display import printable as p  # noqa: PLC0415 - text from outside

    lines = [f"No security.txt: {p(why)}"] if why else []
    lines.append(f"Where to report for {search.host}:")
    if not search.contacts:
        lines.append("  nothing found beyond the security.txt")
    for i, c in enumerate(search.contacts, start=1):
        name = f" ({p(c.name)})" if c.name else ""
        lines.append(f"  {i}. {c.kind:<8} {p(c.uri)}{name}")
        lines.append(f"     from {p(c.source.describe())}")
        if c.source.evidence:
            lines.append(f"     the page says: \"{p(c.source.evidence)}\"")
        if c.note:
            lines.append(f"     note: {p(c.note)}")
        if c.source.kind == "directory":
            lines.append("     check the organisation's own page before you rely on a directory entry "
                         "(`cvd-reporter policy read URL`).")
    policy = search.policy or {}
    for name in ("subject", "response"):
        value = (policy.get(name) or {}).get("value")
        if value not in (None, "unknown"):
            shown = f"{value.get('amount')} {value.get('unit', '').replace('_', ' ')}" if isinstance(value, dict) \
                else str(value)
            lines.append(f"  the policy page asks: {name} {p(shown)}")
    lines.append("Steps:")
    lines += [f"  {s.stage:<13} {s.outcome:<13} {p(s.message)}" for s in search.steps]
    lines.append(f"(searched in {search.elapsed:.2f} s{'; the deadline passed' if search.deadline_hit else ''})")
    if search.contacts and not search.emails:
        first = search.contacts[0]
        via = "phone" if first.kind == "phone" else "form"
        lines.append(f"Next: there is no e-mail address; `cvd-reporter submit REPORT --via {via}` helps you report "
                     f"through {p(first.uri)} and keeps the record.")
    return "\n".join(lines)


def nothing_found(search: ContactSearch, error: CvdError) -> CvdError:
    """Exit 5 with the steps tried and a next step."""

    reason = "the deadline (--timeout) passed first; " if search.deadline_hit else ""
    return DiscoveryError(
        f"{error.message} No policy page or directory entry names a contact for {search.host} either ({reason}"
        f"{len(search.steps)} step(s) tried). Next: find their 'responsible disclosure' or 'kwetsbaarheid "
        "melden' page, read it with `cvd-reporter policy read URL`, and put the contact in your report's "
        "organisation.contact.",
        code="no_security_txt",  # the code `discover` always gave: tooling keys on it
        data={"host": search.host, "tried": error.data.get("tried", []), "search": search.to_dict()})
