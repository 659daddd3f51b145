"""`cvd-reporter policy read URL|FILE`: where and how an organisation's CVD page says to report.

Thin: fetching is net/policypage.py (the safe fetcher), reading is core/policypage (pure).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cvd_reporter.app.userfiles import UnsafeFile, read_user_file
from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options
from cvd_reporter.core.display import printable
from cvd_reporter.core.i18n import N_, say, translator
from cvd_reporter.core.policypage import read_policy
from cvd_reporter.errors import EXIT_DISCOVERY, EXIT_OK, InputFileError, UsageError
from cvd_reporter.net.policypage import fetch_policy_page

if TYPE_CHECKING:
    from cvd_reporter.core.policypage import PolicyReading

FILE_MAX_BYTES = 5 * 1024 * 1024


@click.group(name="policy")
def policy() -> None:
    """Read an organisation's CVD / responsible-disclosure policy page."""


@policy.command(name="read")
@click.argument("source")
@click.option("--allow-private", is_flag=True,
              help="Connect even when a public name resolves to a loopback, private or link-local address.")
@global_options
@cvd_command
def read(app: AppContext, source: str, allow_private: bool) -> Result:
    """Read SOURCE (an https URL, or a saved HTML or text FILE; - reads stdin) and show where to report
    (e-mail, web form or platform, phone), the promised response time, a required subject, the
    encryption stance and key, who reports are shared with, anonymity, forbidden techniques and the
    publication rule. Each value is shown with the sentence it came from; what the page does not say
    is `unknown`.

    Exit 0: a contact was found; 3: the file cannot be read; 5: the page cannot be fetched or names no
    contact (the message says what to try next).
    """
    if source.lower().startswith("http://"):
        raise UsageError("cvd-reporter fetches only over https; give the https:// address of the page.")
    if source.lower().startswith("https://"):

        fetched = fetch_policy_page(source, app.context.network.fetcher(allow_private=allow_private))
        reading = read_policy(fetched.body, content_type=fetched.content_type, url=fetched.final_url)
        origin: dict[str, Any] = {"source": "url", "url": source, "final_url": fetched.final_url,
                                  "chain": [h.to_dict() for h in fetched.chain]}
    else:
        reading = read_policy(_read_file(source))
        origin = {"source": "file", "path": source}
    data = {**origin, "policy": reading.to_dict()}
    text = describe(reading, source, app.lang)
    if not reading.contacts:
        return Result(data=data, text=text, exit_code=EXIT_DISCOVERY,
                      errors=[{"code": "no_contact", "message": say(app.lang, "policy.no_contact")}])
    return Result(data=data, text=text, exit_code=EXIT_OK)


def _read_file(path: str) -> bytes:
    """The saved page: a regular file only (not a FIFO, device or /proc file), at most 5 MiB, not binary."""
    if path == "-":
        with click.open_file("-", "rb") as fh:
            data = fh.read(FILE_MAX_BYTES + 1)
        if len(data) > FILE_MAX_BYTES:
            raise InputFileError("The page on standard input is larger than 5 MiB; save only the policy page itself.")
    else:
        if Path(path).is_dir():  # checked first: read_user_file's fdopen raises IsADirectoryError on one
            raise InputFileError(f"{path} is a folder, not a saved policy page.")
        try:
            data = read_user_file(path, Path.cwd(), max_bytes=FILE_MAX_BYTES).content
        except UnsafeFile as e:
            raise InputFileError(f"The file {path} {e.reason}.") from None
    if b"\x00" in data[:8192]:
        raise InputFileError(f"The file {path} is binary; give a saved HTML or text page.")
    return data


# ---------------------------------------------------------------------------- human output
def _quote(evidence: str) -> str:
    return f'  "{printable(evidence)}"' if evidence else ""


# The words of a reading's codes (core/policypage): ids here so that extraction and the catalogue test see them.
_CHANNELS = {"email": N_("policy.channel.email"), "form_only": N_("policy.channel.form_only"),
             "email_and_form": N_("policy.channel.email_and_form"), "phone_only": N_("policy.channel.phone_only"),
             "none": N_("policy.channel.none")}
_KINDS = {"email": N_("policy.kind.email"), "form": N_("policy.kind.form"), "phone": N_("policy.kind.phone")}
_UNITS = {"working_days": (N_("policy.unit.working_days"), N_("policy.units.working_days")),
          "days": (N_("policy.unit.days"), N_("policy.units.days")),
          "hours": (N_("policy.unit.hours"), N_("policy.units.hours")),
          "office_hours": (N_("policy.unit.office_hours"), N_("policy.units.office_hours"))}
_VALUES = {"unknown": N_("policy.value.unknown"), "not_mentioned": N_("policy.value.not_mentioned"),
           "required": N_("policy.value.required"), "preferred": N_("policy.value.preferred"),
           "allowed": N_("policy.value.allowed"), "not_allowed": N_("policy.value.not_allowed"),
           "by_agreement": N_("policy.value.by_agreement"), "not_before_fixed": N_("policy.value.not_before_fixed"),
           "with_permission": N_("policy.value.with_permission"), "mentioned": N_("policy.value.mentioned")}


def describe(r: PolicyReading, source: str, lang: str = "en") -> str:
    t = translator(lang)

    def word(value: object) -> str:  # a value the reading names with a code (unknown, not_mentioned, ...)
        text = str(value)
        return t(_VALUES[text]) if text in _VALUES else text

    lines = [t("policy.page", source=printable(source), language=word(r.language.value)), ""]
    lines.append(t("policy.where", channel=t(_CHANNELS[r.channel])))
    for c in r.contacts:
        shown = c.value or t("policy.no_address", name=c.name)
        label = c.name if c.kind == "platform" else t(_KINDS[c.kind])
        note = f" [{c.note}]" if c.note else ""
        lines.append(f"  {label:<12} {printable(shown)}{note}")
        lines.append(f"  {'':<12}{_quote(c.evidence)}")
    lines.append("")
    if r.response.known:
        amount, unit = r.response.value["amount"], r.response.value["unit"]
        lines.append(t("policy.response", amount=amount, unit=t(_UNITS[unit][amount != 1]))
                     + _quote(r.response.evidence))
    else:
        lines.append(t("policy.response_unknown"))
    where = t("policy.in_report") if r.subject.extra.get("where") == "report" else ""
    lines.append(t("policy.subject", subject=printable(word(r.subject.value))) + where + _quote(r.subject.evidence))
    methods = r.encryption.extra.get("methods")
    lines.append(t("policy.encryption", value=word(r.encryption.value))
                 + (" (" + ", ".join(methods) + ")" if methods else "") + _quote(r.encryption.evidence))
    if r.key.known:
        detail = ", ".join(f"{k} {v}" for k, v in r.key.extra.items() if k != "security_txt")
        lines.append(t("policy.key", detail=printable(detail) or t("policy.mentioned")) + _quote(r.key.evidence))
    shares = ", ".join(f.value + ("" if f.extra.get("always") else t("policy.sometimes")) for f in r.shares_with)
    lines.append(t("policy.shares", shares=shares or word("unknown")))
    lines.append(t("policy.anonymous", anonymous=word(r.anonymous.value), pseudonym=word(r.pseudonym.value)))
    lines.append(t("policy.forbidden", forbidden=", ".join(f.value for f in r.forbidden) or t("policy.none_listed")))
    lines.append(t("policy.publication", value=word(r.publication.value)) + _quote(r.publication.evidence))
    for note in r.notes:
        lines.append(t("policy.note", note=note))
    return "\n".join(lines)
