"""How `discover` shows the contacts it found beyond security.txt: each with where it came from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cvd_reporter.core.i18n import N_, said_in, translator
from cvd_reporter.errors import DiscoveryError

if TYPE_CHECKING:
    from cvd_reporter.core.contacts import ContactSearch
    from cvd_reporter.errors import CvdError

# the codes of a contact's kind, a search step's stage and its outcome, as a person reads them
KINDS = {"form": N_("contacts_view.kind.form"), "phone": N_("contacts_view.kind.phone"),
         "email": N_("contacts_view.kind.email"), "platform": N_("contacts_view.kind.platform")}
STAGES = {"security_txt": N_("contacts_view.stage.security_txt"),
          "policy_field": N_("contacts_view.stage.policy_field"),
          "well_known": N_("contacts_view.stage.well_known"), "home_page": N_("contacts_view.stage.home_page"),
          "directory": N_("contacts_view.stage.directory")}
OUTCOMES = {"found": N_("contacts_view.outcome.found"), "nothing": N_("contacts_view.outcome.nothing"),
            "not_a_policy": N_("contacts_view.outcome.not_a_policy"),
            "not_found": N_("contacts_view.outcome.not_found"),
            "deadline": N_("contacts_view.outcome.deadline"), "skipped": N_("contacts_view.outcome.skipped"),
            "no_security_txt": N_("contacts_view.outcome.no_security_txt")}
# a response time's unit (core/policypage), one and several: also the words of `policy read` (cli/policy_cmds)
UNITS = {"working_days": (N_("policy.unit.working_days"), N_("policy.units.working_days")),
         "days": (N_("policy.unit.days"), N_("policy.units.days")),
         "hours": (N_("policy.unit.hours"), N_("policy.units.hours")),
         "office_hours": (N_("policy.unit.office_hours"), N_("policy.units.office_hours"))}
ASKS = {"subject": N_("contacts_view.asks.subject"), "response": N_("contacts_view.asks.response")}


def describe_search(search: ContactSearch, why: Any, lang: str | None = "en") -> str:
    """The contacts found with their sources and the steps tried; ``why``: why there is no security.txt."""
    from cvd_reporter.core.display import printable as p  # noqa: PLC0415 - text from outside

    t = translator(lang)

    def code(table: dict[str, str], value: str) -> str:
        return t(table[value]) if value in table else value

    lines = [t("contacts_view.no_securitytxt", why=p(said_in(why, lang)))] if why else []
    lines.append(t("contacts_view.where", host=search.host))
    if not search.contacts:
        lines.append("  " + t("contacts_view.nothing_beyond"))
    for i, c in enumerate(search.contacts, start=1):
        name = f" ({p(c.name)})" if c.name else ""
        lines.append(f"  {i}. {code(KINDS, c.kind):<8} {p(c.uri)}{name}")
        lines.append("     " + t("contacts_view.from", source=p(c.source.describe(lang))))
        if c.source.evidence:
            lines.append("     " + t("contacts_view.page_says", evidence=p(c.source.evidence)))
        if c.note:
            lines.append("     " + t("contacts_view.note", note=p(said_in(c.note, lang))))
        if c.source.kind == "directory":
            lines.append("     " + t("contacts_view.check_directory"))
    policy = search.policy or {}
    for name in ("subject", "response"):
        value = (policy.get(name) or {}).get("value")
        if value not in (None, "unknown"):
            shown = _amount(t, value) if isinstance(value, dict) else str(value)
            lines.append("  " + t(ASKS[name], value=p(shown)))
    lines.append(t("contacts_view.steps"))
    lines += [f"  {code(STAGES, s.stage):<15} {code(OUTCOMES, s.outcome):<14} {p(said_in(s.message, lang))}"
              for s in search.steps]
    took = f"{search.elapsed:.2f}"
    lines.append(t("contacts_view.took_deadline", seconds=took) if search.deadline_hit
                 else t("contacts_view.took", seconds=took))
    if search.contacts and not search.emails:
        first = search.contacts[0]
        via = "phone" if first.kind == "phone" else "form"
        lines.append(t("contacts_view.next_no_email", via=via, uri=p(first.uri)))
    return "\n".join(lines)


def _amount(t: Any, value: dict[str, Any]) -> str:
    """"5 werkdagen": a response time with its unit in the reader's language (an unknown unit as it is)."""
    amount, unit = value.get("amount"), str(value.get("unit", ""))
    word = t(UNITS[unit][amount != 1]) if unit in UNITS else unit.replace("_", " ")
    return f"{amount} {word}"


def nothing_found(search: ContactSearch, error: CvdError) -> CvdError:
    """Exit 5 with the steps tried and a next step."""
    return DiscoveryError.t(
        N_("contacts_view.nothing_found_deadline") if search.deadline_hit else N_("contacts_view.nothing_found"),
        reason=error, host=search.host, n=len(search.steps),
        code="no_security_txt",  # the code `discover` always gave: tooling keys on it
        data={"host": search.host, "tried": error.data.get("tried", []), "search": search.to_dict()})
