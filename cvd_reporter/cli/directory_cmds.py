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
from cvd_reporter.core.i18n import say
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


def _source_line(e: Entry, today: date) -> str:
    src = e.source
    age = e.age_days(today)
    seen = f"seen {src['seen']} ({age} days ago)" if src.get("seen") and age is not None else (
        f"imported {src['imported']}" if src.get("imported") else "date seen not recorded")
    where = src.get("url") or (src.get("note") or "page URL not recorded")
    origin = "bundled" if src.get("origin") == "bundled" else f"imported from {src.get('origin')}"
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
        lines.append(printable(f"{e.name}: {contacts or e.channel or '(no contact recorded)'}"))
        lines.append(f"    {_source_line(e, today)}")
    lines.append(f"{len(entries)} organisation(s).")
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
        if e.domains:
            lines.append(printable(f"  domains:     {', '.join(e.domains)}"))
        for c in e.contacts:
            lines.append(printable(f"  contact:     {c}"))
        if e.channel:
            lines.append(printable(f"  channel:     {e.channel}"))
        for k in e.keys:
            lines.append(printable(f"  key:         {k.get('fingerprint', '')} for {k.get('for', 'all contacts')}"))
        if e.response:
            amount, unit = e.response.get("amount"), str(e.response.get("unit")).replace("_", " ")
            lines.append(f"  response:    within {amount} {unit[:-1] if amount == 1 else unit}")
        if e.subject:
            where = e.subject.get("where", "subject")
            lines.append(printable(f"  subject:     {e.subject.get('value')} (in the {where})"))
        if e.encryption:
            lines.append(f"  encryption:  {e.encryption}")
        if e.escalation:
            serves = ", ".join(e.escalation.get("serves") or []) or "any organisation"
            lines.append(printable(f"  escalation:  `escalate ID --to {e.escalation['id']}` (for {serves}; "
                                   f"the note in {(e.escalation.get('languages') or ['en'])[0]})"))
        for key, value in e.extra.items():
            lines.append(printable(f"  {key + ':':<12} {value}"))
        if e.note:
            lines.append(printable(f"  note:        {e.note}"))
        lines.append(f"  source:      {_source_line(e, today)}")
        lines += [f"  other domain: {printable(n)}" for n in notes]
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
    text = f"Imported {len(new)} organisation(s) from {file.name}" + (
        f", replacing {replaced} older one(s) from a file of that name" if replaced else "") + f"; stored in {path}."
    return Result(data={"imported": len(new), "replaced": replaced, "file": str(file), "stored": str(path)},
                  text=text)
