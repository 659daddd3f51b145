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
from cvd_reporter.core.i18n import say
from cvd_reporter.core.policypage import read_policy
from cvd_reporter.errors import EXIT_DISCOVERY, EXIT_OK, InputFileError, UsageError
from cvd_reporter.net.policypage import fetch_policy_page

if TYPE_CHECKING:
    from cvd_reporter.core.policypage import PolicyReading

FILE_MAX_BYTES = 5 * 1024 * 1024
_UNITS = {"working_days": "working day", "days": "day", "hours": "hour", "office_hours": "office hour"}


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
    text = describe(reading, source)
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


def describe(r: PolicyReading, source: str) -> str:
    lines = [f"Policy page: {printable(source)} (language: {r.language.value})", ""]
    channel = {"email": "e-mail", "form_only": "a web form or platform only", "email_and_form": "e-mail or a form",
               "phone_only": "phone only", "none": "no contact found"}[r.channel]
    lines.append(f"Where to report: {channel}")
    for c in r.contacts:
        shown = c.value or f"({c.name}; address not in the text)"
        label = c.name if c.kind == "platform" else {"email": "e-mail", "form": "form", "phone": "phone"}[c.kind]
        note = f" [{c.note}]" if c.note else ""
        lines.append(f"  {label:<12} {printable(shown)}{note}")
        lines.append(f"  {'':<12}{_quote(c.evidence)}")
    lines.append("")
    if r.response.known:
        amount, unit = r.response.value["amount"], r.response.value["unit"]
        plural = "s" if amount != 1 else ""
        lines.append(f"Response:     within {amount} {_UNITS[unit]}{plural}{_quote(r.response.evidence)}")
    else:
        lines.append("Response:     unknown (the page promises no time)")
    where = " (in the report)" if r.subject.extra.get("where") == "report" else ""
    lines.append(f"Subject:      {printable(str(r.subject.value))}{where}{_quote(r.subject.evidence)}")
    methods = r.encryption.extra.get("methods")
    lines.append(f"Encryption:   {r.encryption.value}{' (' + ', '.join(methods) + ')' if methods else ''}"
                 f"{_quote(r.encryption.evidence)}")
    if r.key.known:
        detail = ", ".join(f"{k} {v}" for k, v in r.key.extra.items() if k != "security_txt")
        lines.append(f"Key:          {printable(detail) or 'mentioned'}{_quote(r.key.evidence)}")
    shares = ", ".join(f.value + ("" if f.extra.get("always") else " (sometimes)") for f in r.shares_with)
    lines.append(f"Shares with:  {shares or 'unknown'}")
    lines.append(f"Anonymous:    {r.anonymous.value}; pseudonym: {r.pseudonym.value}")
    lines.append(f"Forbidden:    {', '.join(f.value for f in r.forbidden) or 'none listed'}")
    lines.append(f"Publication:  {r.publication.value}{_quote(r.publication.evidence)}")
    for note in r.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines)
