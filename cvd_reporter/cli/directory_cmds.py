"""`cvd-reporter directory list|show|import`: organisations whose reporting channel is known from
their own published page, bundled with the tool or imported by the reporter (e.g. disclose.io's diodb)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cvd_reporter.app.directory import import_file, imported_path, load_all, load_imported
from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options
from cvd_reporter.core.directory import domain_notes, find
from cvd_reporter.core.display import printable
from cvd_reporter.core.i18n import N_, say
from cvd_reporter.errors import EXIT_DISCOVERY

if TYPE_CHECKING:
    from cvd_reporter.core.directory import Entry


@click.group(name="directory")
def directory() -> None:
    """Organisations whose reporting channel is known from their own published page.

    The bundled list is never changed; `directory import FILE` adds a newer list of ours
    (schema cvd-directory/1) or disclose.io's diodb program-list.json beside it, each entry keeping
    its source.
    """


# The labels of `directory show`, in the order shown; each padded to one column in the reader's language.
_LABELS = {"domains": N_("directory.label.domains"), "contact": N_("directory.label.contact"),
           "channel": N_("directory.label.channel"), "key": N_("directory.label.key"),
           "response": N_("directory.label.response"), "subject": N_("directory.label.subject"),
           "encryption": N_("directory.label.encryption"), "escalation": N_("directory.label.escalation"),
           "note": N_("directory.label.note"), "source": N_("directory.label.source"),
           "other_domain": N_("directory.label.other_domain")}


def _row(lang: str | None, label: str, value: str) -> str:
    width = max(12, *(len(say(lang, text)) for key, text in _LABELS.items() if key != "other_domain"))
    return f"  {say(lang, _LABELS[label]):<{width}} {value}"


def _source_line(e: Entry, today: date, lang: str | None = "en") -> str:
    src = e.source
    age = e.age_days(today)
    if src.get("seen") and age is not None:
        seen = say(lang, "directory.seen", date=src["seen"], days=age)
    elif src.get("imported"):
        seen = say(lang, "directory.imported_on", date=src["imported"])
    else:
        seen = say(lang, "directory.seen_unknown")
    where = src.get("url") or (src.get("note") or say(lang, "directory.url_unknown"))
    origin = say(lang, "directory.bundled") if src.get("origin") == "bundled" else \
        say(lang, "directory.imported_from", origin=src.get("origin"))
    return printable(f"{where}; {seen}; {origin}")


@directory.command(name="list")
@click.option("--imported", "only_imported", is_flag=True, help="Only the entries you imported.")
@global_options
@cvd_command
def list_(app: AppContext, only_imported: bool) -> Result:
    """List the organisations with their contacts and where each came from."""
    entries = load_imported(app.settings.home) if only_imported else load_all(app.settings.home)[0]
    today = app.context.clock().astimezone().date()
    lines = []
    for e in entries:
        contacts = ", ".join(c.split(":", 1)[1] if c.startswith(("mailto:", "tel:")) else c for c in e.contacts)
        reach = contacts or e.channel or say(app.lang, "directory.no_contact")
        lines.append(printable(f"{e.name}: {reach}"))
        lines.append(f"    {_source_line(e, today, app.lang)}")
    lines.append(say(app.lang, "directory.count", n=len(entries)))
    return Result(data={"organisations": [e.to_dict() for e in entries]}, text="\n".join(lines))


@directory.command(name="show")
@click.argument("words", nargs=-1, required=True)
@global_options
@cvd_command
def show(app: AppContext, words: tuple[str, ...]) -> Result:
    """Show what is known of NAME (one or more words: an organisation's name or a host such as www.epe.nl):
    contacts, key, response time, required subject, the source page and its age, and contacts on another domain.

    Exit 0: found; 5: no entry (the message says what to try next).
    """
    name = " ".join(words)
    entries, owners = load_all(app.settings.home)
    hits = find(entries, name)
    if not hits:
        return Result(exit_code=EXIT_DISCOVERY, data={"query": name, "organisations": []}, errors=[{
            "code": "not_in_directory",
            "message": say(app.lang, "directory.not_found", name=repr(printable(name)))}])
    today = app.context.clock().astimezone().date()
    lines, data = [], []
    for e in hits:
        notes = domain_notes(e, owners)
        data.append({**e.to_dict(), "age_days": e.age_days(today), "domain_notes": notes})
        lines.append(printable(f"{e.name}" + (f" ({e.kind})" if e.kind else "")))
        lang = app.lang
        if e.domains:
            lines.append(printable(_row(lang, "domains", ", ".join(e.domains))))
        for c in e.contacts:
            lines.append(printable(_row(lang, "contact", c)))
        if e.channel:
            lines.append(printable(_row(lang, "channel", e.channel)))
        for k in e.keys:
            who = k.get("for", say(lang, "directory.all_contacts"))
            lines.append(printable(_row(lang, "key", say(lang, "directory.key_for",
                                                          fingerprint=k.get("fingerprint", ""), who=who))))
        if e.response:
            amount, unit = e.response.get("amount"), str(e.response.get("unit")).replace("_", " ")
            unit = unit[:-1] if amount == 1 else unit
            lines.append(_row(lang, "response", say(lang, "directory.within", amount=amount, unit=unit)))
        if e.subject:
            where = e.subject.get("where", "subject")
            lines.append(printable(_row(lang, "subject", say(lang, "directory.subject_in",
                                                              value=e.subject.get("value"), where=where))))
        if e.encryption:
            lines.append(_row(lang, "encryption", e.encryption))
        if e.escalation:
            serves = ", ".join(e.escalation.get("serves") or []) or say(lang, "directory.any_organisation")
            lines.append(printable(_row(lang, "escalation", say(
                lang, "directory.escalation_line", id=e.escalation["id"], serves=serves,
                lang=(e.escalation.get("languages") or ["en"])[0]))))
        for key, value in e.extra.items():
            lines.append(printable(f"  {key + ':':<12} {value}"))
        if e.note:
            lines.append(printable(_row(lang, "note", e.note)))
        lines.append(_row(lang, "source", _source_line(e, today, lang)))
        lines += [_row(lang, "other_domain", printable(n)) for n in notes]
    return Result(data={"query": name, "organisations": data}, text="\n".join(lines))


@directory.command(name="import")
@click.argument("file", type=click.Path(path_type=Path))
@global_options
@cvd_command
def import_(app: AppContext, file: Path) -> Result:
    """Import FILE beside the bundled list: a cvd-directory/1 file (YAML or JSON) or disclose.io's diodb
    program-list.json. Entries keep their source; importing a file of the same name again replaces
    its older entries. Stored in your cvd-reporter folder (0600); the bundled list is not changed.

    Exit 0: imported; 3: the file cannot be read or has no usable entry.
    """
    new, replaced = import_file(app.settings.home, file, app.context.clock().astimezone().date())
    path = imported_path(app.settings.home)
    if replaced:
        text = say(app.lang, "directory.imported_replacing", n=len(new), file=file.name, replaced=replaced, path=path)
    else:
        text = say(app.lang, "directory.imported", n=len(new), file=file.name, path=path)
    return Result(data={"imported": len(new), "replaced": replaced, "file": str(file), "stored": str(path)},
                  text=text)
