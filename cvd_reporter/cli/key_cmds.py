"""`cvd-reporter key fetch | show | list | forget`: find, verify and pin OpenPGP keys.

Logic lives in core/pgp/, net/keys.py and store/pins.py; pgpy, requests and dnspython are
imported inside the commands so `--help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options
from cvd_reporter.core.i18n import N_, said_in, say, translator
from cvd_reporter.core.pgp.certificates import load_certificates
from cvd_reporter.core.pgp.keys import inspect
from cvd_reporter.errors import CvdError, DiscoveryError, InputFileError, InputNeeded
from cvd_reporter.store.pins import PinStore


@click.group(name="key")
def key() -> None:
    """Find, verify and pin the OpenPGP keys reports are encrypted to."""


def _now(app: AppContext) -> Any:
    """The command's one reading of the context's clock."""
    return app.context.clock()


def _is_email(text: str) -> bool:
    return "@" in text and "/" not in text and not text.lower().startswith(("http:", "https:"))


def _group4(fpr: str | None) -> str:
    return " ".join(fpr[i:i + 4] for i in range(0, len(fpr), 4)) if fpr else "-"


def _verdict_lines(verdict: Any, indent: str = "  ", lang: str = "en") -> list[str]:
    t = translator(lang)
    v = verdict.to_dict()
    enc = (t("key.enc_subkey", algorithm=v["encryption_algorithm"], bits=v["encryption_bits"],
             subkey=_group4(v["encryption_subkey"])) if v["encryption_subkey"] else t("key.none"))
    label = {k: t(k) for k in (N_("key.l.fingerprint"), N_("key.l.algorithm"), N_("key.l.encrypt_to"),
                               N_("key.l.created"), N_("key.l.user_id"), N_("key.l.verdict"), N_("key.l.warning"))}
    width = max(13, *(len(text) + 1 for text in label.values()))  # the column fits the longest label
    label = {k: text.ljust(width) for k, text in label.items()}
    never = t("key.never")
    expires = t("key.expires", day=(v["expires"] or never)[:10])
    bits = t("key.bits", bits=v["bits"])
    lines = [
        f"{indent}{label['key.l.fingerprint']}{_group4(v['fingerprint'])}",
        f"{indent}{label['key.l.algorithm']}{v['algorithm']} ({bits})",
        f"{indent}{label['key.l.encrypt_to']}{enc}",
        f"{indent}{label['key.l.created']}{(v['created'] or '-')[:10]}   {expires}",
    ]
    lines += ([f"{indent}{label['key.l.user_id']}{u}" for u in v["uids"]]
              or [f"{indent}{label['key.l.user_id']}" + t("key.no_uid")])
    reasons = verdict.reasons_in(lang) if hasattr(verdict, "reasons_in") else v["reasons"]
    warned = verdict.warnings_in(lang) if hasattr(verdict, "warnings_in") else v["warnings"]
    verdict_text = t("key.usable") if v["usable"] else t("key.not_usable", reasons=" ".join(reasons))
    lines.append(f"{indent}{label['key.l.verdict']}{verdict_text}")
    lines += [f"{indent}{label['key.l.warning']}{said_in(w, lang)}" for w in warned + v["notes"]]
    return lines


def _discovery_text(found: Any, lang: str = "en") -> str:
    from cvd_reporter.net.keys import SOURCE_LABELS  # noqa: PLC0415 - kept lazy, see above

    t = translator(lang)
    lines: list[str] = []
    for n, cand in enumerate(found.candidates, 1):
        dnssec = "" if cand.dnssec is None else "  " + t(N_("key.dnssec_ok") if cand.dnssec else N_("key.dnssec_not"))
        lines.append(t("key.from", n=n, source=SOURCE_LABELS.get(cand.source, cand.source), url=cand.url) + dnssec)
        lines += _verdict_lines(cand.verdict, lang=lang)
    for failure in found.failures:
        lines.append(f"- {said_in(SOURCE_LABELS.get(failure.source, failure.source), lang)}: "
                     f"{said_in(failure.message, lang)}")
    lines += [t("key.conflict", conflict=c) for c in found.conflicts]
    lines += [t("key.warning", warning=w) for w in found.warnings]
    if found.chosen is not None:
        agreeing = sorted({SOURCE_LABELS.get(s, s) for s in found.agreeing_sources})
        lines.append(t("key.chosen", fpr=_group4(found.chosen.fingerprint), confidence=found.confidence,
                       sources=", ".join(agreeing)))
    return "\n".join(lines)


def _sources_for(app: AppContext, target: str, fetcher: Any, now: Any) -> tuple[list[str], list[str]]:
    """(Encryption URIs, e-mail contacts) for an address or a target's security.txt."""
    if _is_email(target):
        return [], [target]
    from cvd_reporter.net.discovery import discover  # noqa: PLC0415 - kept lazy, see above

    found = discover(target, fetcher, now=now)
    sectxt = getattr(found, "security_txt", None)
    if sectxt is None:
        raise DiscoveryError.t("key.no_security_txt", code="no_security_txt", target=target)
    contacts = [c.address for c in sectxt.contacts if c.kind == "mailto" and c.address and c.valid]
    return list(sectxt.encryption), contacts


@key.command(name="fetch")
@click.argument("target", metavar="TARGET|EMAIL")
@click.option("--accept-new-key", is_flag=True, help="Replace a pinned key that changed (asks to confirm).")
@click.option("--yes", "-y", is_flag=True, help="Confirm --accept-new-key without asking.")
@global_options
@cvd_command
def fetch(app: AppContext, target: str, accept_new_key: bool, yes: bool) -> Result:
    """Find the organisation's key from every source, verify it, and pin it (trust on first use).

    Sources: security.txt Encryption (https, openpgp4fpr, dns), WKD, DNS OPENPGPKEY, and the
    keyserver by e-mail. Exit 5 when nothing is found, 6 when the key is not usable, the sources
    disagree, or a pinned key changed.
    """
    from cvd_reporter.net.keys import collect_keys  # noqa: PLC0415 - kept lazy, see above

    settings, now, network = app.settings, _now(app), app.context.network
    fetcher = network.fetcher()
    uris, contacts = _sources_for(app, target, fetcher, now)
    found = collect_keys(encryption_uris=uris, contacts=contacts, fetcher=fetcher,
                         resolver=network.resolver(), keyserver=settings.keyserver, now=now)
    text = _discovery_text(found, app.lang)
    data = found.to_dict()
    try:
        chosen = found.require()
        if accept_new_key and not yes:
            if not app.terminal.interactive:
                raise InputNeeded.t("key.accept_needs_yes", code="confirmation_needed")
            click.confirm(say(app.lang, "key.confirm_repin", fingerprint=_group4(chosen.fingerprint)), abort=True,
                          err=True)
        store = PinStore(settings.home)
        pins = {c: store.check_and_pin(c, chosen.fingerprint, accept_new=accept_new_key, source=chosen.source,
                                       now=now) for c in ([a.lower() for a in contacts] or [target.lower()])}
        store.save_certificate(chosen.fingerprint, chosen.certificate.raw)
    except CvdError as e:
        err = {"code": e.code, "message": e.say(app.lang)}
        if e.code == "pin_changed":
            data["pin"] = e.data
        return Result(data=data, text=text, exit_code=e.exit_code, errors=[err])
    data["pins"] = pins
    states = {"new": N_("key.pin_state.new"), "same": N_("key.pin_state.same"),
              "replaced": N_("key.pin_state.replaced")}
    text += "\n" + "\n".join(say(app.lang, "key.pinned_line", contact=c, fingerprint=_group4(chosen.fingerprint),
                                   state=say(app.lang, states[state]) if state in states else state)
                               for c, state in pins.items())
    return Result(data=data, text=text)


@key.command(name="show")
@click.argument("what", metavar="FPR|EMAIL|FILE")
@click.option("--address", metavar="EMAIL", help="With FILE: warn when no User ID matches this address.")
@global_options
@cvd_command
def show(app: AppContext, what: str, address: str | None) -> Result:
    """Show a pinned key (by fingerprint or contact) or a key file, with today's verdict."""
    now = _now(app)

    path = Path(what)
    entries: list[tuple[Any, str | None]] = []
    if path.is_file():
        try:
            blob = path.read_bytes()
        except OSError as e:
            raise InputFileError.t("key.unreadable", path=str(path), reason=e.strerror) from None
        entries = [(cert, address) for cert in load_certificates(blob)]
    else:
        store = PinStore(app.settings.home)
        for pin in store.find(what):
            raw = store.certificate(pin.fingerprint)
            if raw is None:
                raise DiscoveryError.t("key.not_stored", code="key_not_stored", fingerprint=pin.fingerprint,
                                       contact=pin.contact)
            entries += [(cert, pin.contact) for cert in load_certificates(raw)]
        if not entries:
            raise DiscoveryError.t("key.not_pinned", code="not_pinned", what=what)
    verdicts = [inspect(cert, now=now, address=addr) for cert, addr in entries]
    t = translator(app.lang)
    text = "\n".join("\n".join([t("key.n", n=n), *_verdict_lines(v, lang=app.lang)])
                     for n, v in enumerate(verdicts, 1))
    usable = all(v.usable for v in verdicts)
    return Result(data={"keys": [v.to_dict() for v in verdicts]}, text=text, exit_code=0 if usable else 6,
                  errors=[] if usable else [{"code": next(v.code for v in verdicts if not v.usable),
                                             "message": say(app.lang, "key.unusable", reason=next(
                                                 v.reasons[0] for v in verdicts if not v.usable))}])


@key.command(name="list")
@global_options
@cvd_command
def list_(app: AppContext) -> Result:
    """List the pinned keys: contact, fingerprint, first and last seen."""
    pins = PinStore(app.settings.home).list()
    t = translator(app.lang)
    text = "\n".join(t("key.pin", contact=p.contact, fpr=_group4(p.fingerprint), first=p.first_seen[:10],
                       last=p.last_seen[:10]) for p in pins) or t("key.none_pinned")
    return Result(data={"pins": [p.to_dict() for p in pins]}, text=text)


@key.command(name="forget")
@click.argument("what", metavar="CONTACT|FPR")
@global_options
@cvd_command
def forget(app: AppContext, what: str) -> Result:
    """Remove the pin of a contact, or every pin of a key, so the next fetch pins afresh."""
    gone = PinStore(app.settings.home).forget(what)
    text = ("\n".join(say(app.lang, "key.forgot", contact=p.contact, fpr=_group4(p.fingerprint)) for p in gone)
            or say(app.lang, "key.nothing_pinned", what=what))
    return Result(data={"removed": [p.to_dict() for p in gone]}, text=text)


@key.command(name="import")
@click.argument("file", type=click.Path())
@click.option("--for", "report_id", required=True, metavar="REPORT",
              help="The report (id in the record) whose organisation sent this key after a first contact.")
@click.option("--yes", "-y", is_flag=True, help="Use the key although its User IDs name another domain.")
@global_options
@cvd_command
def import_(app: AppContext, file: str, report_id: str, yes: bool) -> Result:
    """Keep the key an organisation sent after a first contact, for that report's next `submit`.

    The key is judged as submit would (exit 6 when it is not usable); when its User IDs name another
    domain than the organisation's, it is used only after a confirmation (--yes for tooling, exit 8
    without). Only public key material is accepted and kept.
    """
    from cvd_reporter.app.first_contact import import_key  # noqa: PLC0415 - kept lazy, see above

    def ask(question: str) -> bool:
        return click.confirm(question, default=False, err=True)

    data = import_key(ctx=app.context, path=Path(file).expanduser(), report_id=report_id, lang=app.lang, yes=yes,
                      ask=ask if app.terminal.can_confirm else None)
    text = "\n".join([*(f"warning: {w}" for w in data["warnings"]), data.pop("text")])
    return Result(data=data, text=text)
