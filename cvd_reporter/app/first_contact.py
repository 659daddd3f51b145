"""First contact without the details: what submit does when the organisation's channel is e-mail and it
has no usable OpenPGP key, and the key that arrives later (``key import FILE --for REPORT``).

The choice between the ways on is the reporter's, never ours: :func:`decide` returns the one asked for
(``--first-contact``, ``--allow-plaintext``) or the one picked on a terminal; without a terminal and
without a flag it stops with exit 6 and names the choices. ``--yes`` confirms what was asked; it does
not pick. A first contact carries no word of the report (core/first_contact.py); the report stays in
the record as ``contact_requested`` until the key is there, and then leaves once, encrypted, by an
ordinary ``submit``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cvd_reporter.app.userfiles import MAX_KEY_FILE_BYTES, read_named_key_file
from cvd_reporter.core import first_contact as message
from cvd_reporter.core import mime
from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.core.i18n import N_, say
from cvd_reporter.errors import CvdError, DiscoveryError, InputFileError, InputNeeded, KeyProblem
from cvd_reporter.store.fs import write_private

if TYPE_CHECKING:
    from cvd_reporter.app.recipient import Route
    from cvd_reporter.app.reportfile import CheckedReport
    from cvd_reporter.app.submit import Plan
    from cvd_reporter.store.record import ReportRecord

FIRST_CONTACT = "first_contact"
PLAINTEXT = "plaintext"
FORM = "form"
STOP = "stop"
IMPORTED_DIR = "imported-keys"
MAX_KEY_BYTES = MAX_KEY_FILE_BYTES
# A key problem that is about trust, not about a missing key, is never answered by a first contact.
_TRUST_PROBLEMS = frozenset({"pin_changed", "key_conflict", "fingerprint_mismatch"})

# What a terminal shows for each way on (ids looked up by the CLI).
CHOICE_TEXT = {FIRST_CONTACT: N_("first_contact.choice.first_contact"), FORM: N_("first_contact.choice.form"),
               PLAINTEXT: N_("first_contact.choice.plaintext"), STOP: N_("first_contact.choice.stop")}

Chooser = Callable[[list[str], str], str]  # (choices, what the reporter should know) -> the choice


def no_usable_key(error: CvdError) -> bool:
    """Is this the key search saying "nothing to encrypt to" (none found, or expired, revoked, ...)?"""
    if isinstance(error, DiscoveryError):
        return error.code == "no_key"
    return isinstance(error, KeyProblem) and error.code not in _TRUST_PROBLEMS


def forms_of(route: Route) -> list[str]:
    """The organisation's web forms among its security.txt contacts (for `--via form`)."""
    st = getattr(route.discovery, "security_txt", None)
    return [c.uri for c in getattr(st, "contacts", []) if c.kind == "https" and c.valid]


def previous_contacts(known: ReportRecord | None) -> list[Any]:
    """The first contacts the record shows for this report, sent ones only."""
    if known is None:
        return []
    return [d for d in known.deliveries if d.kind == message.KIND and d.ok]


def decide(*, lang: str, asked_first_contact: bool, allow_plaintext: bool, choose: Chooser | None,
           forms: list[str], cleartext: str, known: ReportRecord | None, error: CvdError) -> str:
    """first_contact | plaintext | form: what the reporter asked for or picked. Raises KeyProblem (exit 6)
    naming the choices when nothing was asked and nobody can be asked; InputNeeded when they stop."""
    earlier = previous_contacts(known)
    note = (" " + say(lang, "first_contact.earlier", date=str(earlier[-1].at)[:10], to=earlier[-1].recipient)
            if earlier else "")
    if asked_first_contact:
        return FIRST_CONTACT
    if choose is not None:  # a terminal: offer the first contact first, plaintext only after showing it
        choices = [FIRST_CONTACT, *([FORM] if forms else []), PLAINTEXT, STOP]
        why = say(lang, "first_contact.no_key_offer", reason=error.message) + note
        if allow_plaintext:
            why = "\n".join([why, say(lang, "first_contact.cleartext_follows"), cleartext])
        picked = choose(choices, why)
        if picked == STOP:
            raise InputNeeded(say(lang, "first_contact.stopped"), code="not_confirmed")
        return picked
    if allow_plaintext:
        return PLAINTEXT
    choices_text = say(lang, "first_contact.choices_form") if forms else say(lang, "first_contact.choices")
    raise KeyProblem(f"{error.say(lang)} {choices_text}{note}", code="no_usable_key",
                     data={"choices": ["--first-contact", *(["--via form"] if forms else []), "--allow-plaintext"],
                           "forms": forms, "key_search": error.data})


def confirm_again(*, lang: str, known: ReportRecord | None, yes: bool, ask: Callable[[str], bool] | None) -> None:
    """A report's first contact goes once; another one (a reminder) only when the reporter confirms."""
    earlier = previous_contacts(known)
    if not earlier:
        return
    question = say(lang, "first_contact.again", date=str(earlier[-1].at)[:10], to=earlier[-1].recipient)
    if yes:
        return
    if ask is None:
        raise InputNeeded(question + " " + say(lang, "first_contact.again_yes"), code="already_contacted")
    if not ask(question):
        raise InputNeeded(say(lang, "first_contact.stopped"), code="not_confirmed")


def organisation_host(checked: CheckedReport) -> str:
    target = checked.loaded.report.target
    first = (list(target.urls) + list(target.ips))[0]
    return (urlsplit(first).hostname or first) if "://" in first else first


def build_plan(base: Plan, *, checked: CheckedReport, route: Route, policy: Any, sender: Any, now: dt.datetime,
               name_host: bool, known: ReportRecord | None, ask: Callable[[str], bool] | None = None,
               ui_lang: str = "en") -> Plan:
    """The first contact as a plan for dispatch.deliver: kind ``first_contact``, not encrypted, its own
    Message-ID (a reminder gets a new one), the whole text shown before confirmation."""
    report = checked.loaded.report
    host = organisation_host(checked)
    lang = message.organisation_language(route.preferred_languages, (policy.languages or (None,))[0], host)
    reporter_key = checked.reporter_key.armored if checked.reporter_key else None
    if not name_host and ask is not None:  # the reporter's to decide: naming the host says what is vulnerable
        name_host = ask(say(ui_lang, "first_contact.ask_host", host=host))
    text = message.body_text(lang, host=host if name_host else None, reporter_name=report.reporter.name,
                             has_key=reporter_key is not None,
                             # the sentence says working days: a promise in calendar days is not one of them
                             response_days=None if policy.calendar == "calendar-days" else policy.response_working_days)
    mid = message.message_id(base.report_id + "#" * len(previous_contacts(known)), sender.domain)
    subject = mime.outer_subject(base.report_id, getattr(policy, "required_subject", None))  # the profile's
    base.outer_subject = subject
    raw = message.build(text=text, subject=subject, from_addr=sender.header_from,
                        to_addr=base.recipient, message_id=mid, date=now, reporter_key=reporter_key, lang=lang)
    digest = hashlib.sha256(raw).hexdigest()
    base.kind, base.lang, base.message, base.message_id = FIRST_CONTACT, lang, raw, mid
    base.plaintext_sha256 = base.encrypted_sha256 = digest
    base.encrypted, base.key, base.pin, base.message_size = False, None, None, len(raw)
    base.attachments, base.evidence_paths = [], base.evidence_paths
    base.cleartext = text
    if reporter_key is None:
        base.warnings.append(say(ui_lang, "first_contact.no_reporter_key"))
    return base


# ---------------------------------------------------------------------------- a key that arrives later
def imported_key_path(home: Path, report_id: str) -> Path:
    mime.check_report_id(report_id)
    return home / IMPORTED_DIR / f"{report_id}.asc"


def imported_key(home: Path, report_id: str) -> tuple[bytes, str] | None:
    """The key the reporter imported for this report (`key import FILE --for REPORT`), if any."""
    try:
        path = imported_key_path(home, report_id)
    except ValueError:
        return None
    try:
        return path.read_bytes(), str(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise InputFileError.t("key_file.imported_unreadable", path=str(path), reason=e.strerror) from None


def read_key_file(path: Path) -> bytes:
    """A public key file as the organisation sent it; never secret-key material."""
    from cvd_reporter.app.reportfile import is_secret_key_packet  # noqa: PLC0415 - pulls the report model

    data = read_named_key_file(path, too_big=N_("key_file.too_big"), missing=N_("key_file.missing"),
                               unreadable=N_("key_file.unreadable"), max_bytes=MAX_KEY_BYTES)
    if b"PRIVATE KEY" in data[:4096] or is_secret_key_packet(data):
        raise InputFileError.t("key_file.secret", code="secret_key_material", path=str(path))
    return data


def organisation_domains(entry: ReportRecord) -> set[str]:
    """The domains the report's organisation is known by: the target's and the first contact's."""
    out: set[str] = set()
    host = urlsplit(entry.target).hostname if "://" in entry.target else entry.target
    mailed = [d.recipient.rpartition("@")[2] for d in entry.deliveries if d.recipient and "@" in d.recipient]
    for name in [host, *mailed]:
        if name:
            out.add(registrable_domain(name) or name.lower())
    return out


def foreign_uids(addresses: list[str], domains: set[str]) -> list[str]:
    """The key's User ID addresses whose domain is not the organisation's (all of them when none is)."""
    def ours(address: str) -> bool:
        domain = address.rpartition("@")[2].lower().rstrip(".")
        return (registrable_domain(domain) or domain) in domains

    if any(ours(a) for a in addresses):
        return []
    return list(addresses) or ["(no e-mail address in its User IDs)"]


def store_imported(home: Path, report_id: str, data: bytes) -> Path:
    return write_private(imported_key_path(home, report_id), data)


def import_key(*, ctx: Any, path: Path, report_id: str, lang: str, yes: bool,
               ask: Callable[[str], bool] | None) -> dict[str, Any]:
    """`key import FILE --for REPORT`: judge the organisation's key as submit would, warn and ask when its
    User IDs name another domain than the organisation's, and keep it (0600) for that report's submit."""
    from cvd_reporter.app.dispatch import RecordSession  # noqa: PLC0415 - dispatch imports the submit stack
    from cvd_reporter.core.pgp.certificates import armor_public_key  # noqa: PLC0415 - pgpy is slow to import
    from cvd_reporter.net.keys import keys_from_file  # noqa: PLC0415 - dnspython is slow to import
    from cvd_reporter.store.record import Record  # noqa: PLC0415 - sqlite only when needed

    data = read_key_file(path)
    with RecordSession(ctx.home) as records:
        record: Record | None = records.existing()
        if record is None:
            from cvd_reporter.errors import StoreError  # noqa: PLC0415 - only on this path

            raise StoreError.t("record.unknown_report", code="unknown_report", id=report_id)
        entry = record.get(report_id)
    found = keys_from_file(data, str(path), now=ctx.clock(), address=None)  # KeyProblem (6) when unusable
    chosen = found.require()
    domains = organisation_domains(entry)
    foreign = foreign_uids(list(chosen.certificate.addresses), domains)
    warnings: list[str] = [*found.warnings, *chosen.verdict.warnings]
    if foreign:
        warning = say(lang, "key_import.foreign", fingerprint=chosen.fingerprint, names=", ".join(foreign),
                      domains=", ".join(sorted(domains)))
        warnings.append(warning)
        if not yes:
            if ask is None:
                how = say(lang, "key_import.confirm_yes")
                raise InputNeeded(f"{warning} {how}", code="foreign_key")
            question = say(lang, "key_import.confirm", id=report_id)
            if not ask(f"{warning}\n{question}"):
                raise InputNeeded(say(lang, "key_import.stopped"), code="not_confirmed")
    stored = store_imported(ctx.home, report_id, armor_public_key(chosen.certificate).encode("ascii"))
    return {"report_id": report_id, "fingerprint": chosen.fingerprint, "stored": str(stored),
            "uids": list(chosen.certificate.uids), "organisation_domains": sorted(domains),
            "foreign_uids": foreign, "warnings": warnings, "key": chosen.verdict.to_dict(),
            "text": say(lang, "key_import.done", fingerprint=chosen.fingerprint, id=report_id)}
