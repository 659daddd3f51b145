"""`cvd-reporter policy read URL|FILE`: where and how an organisation's CVD page says to report.

Thin: fetching is net/policypage.py (the safe fetcher), reading is core/policypage (pure).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cvd_reporter.app.userfiles import UnsafeFile, read_user_file
from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options
from cvd_reporter.cli.contacts_view import UNITS
from cvd_reporter.core.display import printable
from cvd_reporter.core.i18n import N_, said_in, say, translator
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
@click.option("--save", is_flag=True,
              help="Keep what the page says as your profile of the organisation: a YAML file in the app's config "
                   "folder that you can edit (see `policy profile`).")
@click.option("--for", "for_org", metavar="HOST|NAME",
              help="The organisation the page belongs to [default: the page's host; needed with --save for a FILE].")
@click.option("--replace", is_flag=True, help="With --save: overwrite your saved profile of the organisation.")
@global_options
@cvd_command
def read(app: AppContext, source: str, allow_private: bool, save: bool, for_org: str | None,
         replace: bool) -> Result:
    """Read SOURCE (an https URL, or a saved HTML or text FILE; - reads stdin) and show where to report
    (e-mail, web form or platform, phone), the promised response time, a required subject, the
    encryption stance and key, who reports are shared with, anonymity, forbidden techniques and the
    publication rule. Each value is shown with the sentence it came from; what the page does not say
    is `unknown`.

    With --save the reading becomes your profile of the organisation (response time, required
    subject, encryption, forbidden techniques, sharing, language), which validate, submit and status
    then use instead of the generic policy; edit the file to correct it.

    Exit 0: a contact was found; 3: the file cannot be read; 5: the page cannot be fetched or names no
    contact (the message says what to try next); 8: --save would overwrite your profile (add --replace).
    """
    if save and not for_org and not source.lower().startswith("https://"):
        raise UsageError.t("policy_cmd.save_needs_for")
    if source.lower().startswith("http://"):
        raise UsageError.t("policy_cmd.https_only")
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
    if save:
        saved = _save(app, reading.to_dict(), for_org or str(origin.get("final_url") or source), replace=replace)
        data["saved"] = str(saved)
        text += f"\n\nSaved as your profile of the organisation: {saved}\nEdit it to correct a value; " \
                "`cvd-reporter policy profile` shows what is used and where each value came from."
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
            raise InputFileError.t("policy_cmd.stdin_too_large")
    else:
        if Path(path).is_dir():  # checked first: read_user_file's fdopen raises IsADirectoryError on one
            raise InputFileError.t("policy_cmd.is_folder", path=path)
        try:
            data = read_user_file(path, Path.cwd(), max_bytes=FILE_MAX_BYTES).content
        except UnsafeFile as e:
            raise InputFileError(f"The file {path} {e.reason}.") from None
    if b"\x00" in data[:8192]:
        raise InputFileError.t("policy_cmd.binary", path=path)
    return data


# ---------------------------------------------------------------------------- human output
def _quote(evidence: str) -> str:
    return f'  "{printable(evidence)}"' if evidence else ""


# The words of a reading's codes (core/policypage): ids here so that extraction and the catalogue test see them.
_CHANNELS = {"email": N_("policy.channel.email"), "form_only": N_("policy.channel.form_only"),
             "email_and_form": N_("policy.channel.email_and_form"), "phone_only": N_("policy.channel.phone_only"),
             "none": N_("policy.channel.none")}
_KINDS = {"email": N_("policy.kind.email"), "form": N_("policy.kind.form"), "phone": N_("policy.kind.phone")}
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
        note = f" [{said_in(c.note, lang)}]" if c.note else ""
        lines.append(f"  {label:<12} {printable(shown)}{note}")
        lines.append(f"  {'':<12}{_quote(c.evidence)}")
    lines.append("")
    if r.response.known:
        amount, unit = r.response.value["amount"], r.response.value["unit"]
        lines.append(t("policy.response", amount=amount, unit=t(UNITS[unit][amount != 1]))
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


# ---------------------------------------------------------------------------- the organisation's profile
def _query(what: str) -> Any:
    from cvd_reporter.app.profiles import ProfileQuery, host_of  # noqa: PLC0415 - YAML, directory: only here

    host = host_of(what)
    return ProfileQuery(host=host, name=None if host else what)


def _save(app: AppContext, reading: dict[str, Any], what: str, *, replace: bool) -> Path:
    from cvd_reporter.app.profiles import build_profile, load_policy, profiles_dir, save_correction  # noqa: PLC0415

    query = _query(what)
    folder = profiles_dir(app.settings)
    merged = build_profile(query, base=load_policy(app.settings.policy), explicit=None, folder=folder,
                           home=app.context.home, reading=reading, use_saved=False)
    return save_correction(folder, merged, hosts=[query.host] if query.host else [],
                           today=app.context.clock().date(), replace=replace)


@policy.command(name="profile")
@click.argument("organisation", metavar="HOST|NAME")
@click.option("--policy", "policy_name", metavar="NAME|FILE",
              help="Policy profile (built-in name or YAML/JSON file); a FILE wins over every other source.")
@global_options
@cvd_command
def profile_cmd(app: AppContext, organisation: str, policy_name: str | None) -> Result:
    """Show the profile cvd-reporter uses for an organisation (HOST or directory NAME): its promised
    response time and the deadline it gives, a required subject and the Subject as sent, encryption
    stance, forbidden techniques, who reports are shared with and the language, each with its source:
    the generic policy, the directory, your saved correction (`policy read URL --save`, then edit the
    file) or --policy FILE, which wins over everything. Reads no network.

    Exit 0; 3 when a saved profile or the policy file cannot be used.
    """
    from cvd_reporter.app.profiles import build_profile, builtin_names, find_saved, load_policy, profiles_dir  # noqa: PLC0415

    explicit = load_policy(policy_name) if policy_name and policy_name not in builtin_names() else None
    base = explicit or load_policy(policy_name or app.settings.policy)
    folder = profiles_dir(app.settings)
    merged = build_profile(_query(organisation), base=base, explicit=explicit, folder=folder, home=app.context.home)
    applied = merged.apply(base)
    saved = find_saved(folder, organisation)
    data = {**merged.to_dict(), "saved_file": str(saved[0]) if saved else None, "profiles_folder": str(folder),
            "deadline": {"days": applied.response_working_days, "calendar": applied.calendar}
            if applied.response_working_days is not None else None}
    return Result(data=data, text=describe_profile(merged, applied, saved[0] if saved else None, folder))


def describe_profile(merged: Any, applied: Any, saved: Path | None, folder: Path) -> str:
    lines = [f"Profile of {printable(merged.name)}", ""]
    for name in ("response", "subject", "encryption", "forbidden", "shares_with", "language"):
        item = merged.values.get(name)
        if item is None:
            lines.append(f"  {name:<12} not stated")
            continue
        value = item.value.describe() if hasattr(item.value, "describe") else (
            ", ".join(item.value) if isinstance(item.value, tuple) else str(item.value))
        lines.append(f"  {name:<12} {printable(value)}   (from {printable(item.source)})")
        if item.evidence:
            lines.append(f"  {'':<12} {_quote(item.evidence).strip()}")
    if applied.response_working_days is not None:
        unit = "calendar days" if applied.calendar == "calendar-days" else f"working days on {applied.calendar}"
        lines.append(f"  deadline     {applied.response_working_days} {unit} after the day of sending")
    if merged.subject:
        lines.append(f"  Subject sent {printable(merged.subject_as_sent or '')} [REPORT-ID]")
    if merged.revealing_subject is not None:
        lines.append("  warning      the required subject asks to name the system; the Subject travels "
                     "unencrypted, so the placeholder is left out.")
    lines += ["", f"Your saved profile: {saved}" if saved else
              f"No saved profile; `cvd-reporter policy read URL --save` writes one into {folder}."]
    return "\n".join(lines)
