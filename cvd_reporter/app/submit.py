"""The submit pipeline: validate -> scope -> discover -> key -> render -> encrypt -> (confirm) -> deliver
-> record. The CLI (cli/submit_cmds.py) and the wizard call it; it never prompts itself: the caller
passes a ``confirm`` callback, so a script gets exit 8 instead of a hanging prompt.

Invariants (docs/security-model.md): the report leaves encrypted or not at all unless
``allow_plaintext``; nothing of its content in an outer header; a failed delivery leaves the
encrypted message in the outbox; a report that was sent is never sent again (same report id -> same
Message-ID / Idempotency-Key).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cvd_reporter.app import first_contact, policy_stances
from cvd_reporter.app.context import Context
from cvd_reporter.app.dispatch import (
    Outcome,
    RecordSession,
    deliver,
    find_report,
    how_it_left,
    left_already,
    send_and_record,
)
from cvd_reporter.app.first_contact import Chooser
from cvd_reporter.app.profiles import organisation_policy, with_reading
from cvd_reporter.app.recipient import ConfirmConflict, choose_route
from cvd_reporter.app.reportfile import CheckedReport, LoadedReport, check_report, load_report_file
from cvd_reporter.app.scoping import check_targets
from cvd_reporter.app.sender import resolve_sender
from cvd_reporter.app.stream_api import build_api_body
from cvd_reporter.app.stream_message import build_mail, discard, read_attachments
from cvd_reporter.app.userfiles import read_named_key_file
from cvd_reporter.core import mime, report_language
from cvd_reporter.core.channels import channel_word
from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.core.findings import Finding
from cvd_reporter.core.i18n import N_, Phrase, as_phrase, said_in, say, translator
from cvd_reporter.core.pgp.encrypt import encrypt, load_signing_key
from cvd_reporter.core.render import render_text, subject
from cvd_reporter.core.scope import Reasons
from cvd_reporter.errors import (
    DiscoveryError,
    InputNeeded,
    KeyProblem,
    ScopeError,
    ValidationError,
)
from cvd_reporter.store.pins import PinStore

if TYPE_CHECKING:
    from cvd_reporter.net.keys import Candidate

__all__ = ["Outcome", "Plan", "SubmitOptions", "find_key", "plan_submission", "send_and_record", "submit_report"]

CHANNELS = ("email", "api", "github", "outbox")
Pin = tuple[str, str, str, str | None]  # (contact, fingerprint, source, organisation's registrable domain)
MAIL_SIZE_WARNING = 25 * 1000 * 1000  # what common mail providers accept (armor adds about a third)

@dataclass
class SubmitOptions:
    via: str | None = None
    repo: str | None = None
    dry_run: bool = False
    output: Path | None = None
    allow_plaintext: bool = False
    despite_policy: bool = False  # --despite-policy: plaintext although the organisation requires encryption
    accept_new_key: bool = False
    policy: str | None = None
    lang: str | None = None
    allow_private: bool = False
    strict_scope: bool = False
    sign_with: Path | None = None  # the reporter's own secret key: the organisation can check who sent it
    ask_passphrase: Callable[[], str | None] | None = None  # a hidden prompt, when there is a terminal
    meter: Callable[[int, int], None] | None = None  # (evidence bytes encrypted, total): a progress bar
    upload_meter: Callable[[int, int], None] | None = None  # (bytes sent, total) of an SMTP upload
    first_contact: bool = False  # no usable key: send a first contact without the details (app/first_contact.py)
    name_host: bool = False  # the first contact may name the organisation's host
    choose: Chooser | None = None  # a terminal's pick between the ways on without a key
    yes: bool = False  # --yes: confirms what was asked (a second first contact); it never picks a channel
    ask: Callable[[str], bool] | None = None  # a yes/no question on a terminal


@dataclass
class Plan:
    report_id: str
    title: str
    channel: str
    recipient: str
    lang: str
    policy_id: str
    organisation: str | None
    message: bytes
    message_id: str
    plaintext_sha256: str
    encrypted_sha256: str
    encrypted: bool
    key: dict[str, Any] | None = None
    contact_source: str | None = None  # where the recipient came from (security.txt, policy page, ...)
    contact_conflict: str | None = None  # the report's own contact and the security.txt's disagree
    scope: list[dict[str, Any]] = field(default_factory=list)
    discovery: dict[str, Any] | None = None
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    calendar: str = "weekends"
    response_days: int | None = None
    target: str = ""
    report_path: str | None = None
    evidence_paths: list[str] = field(default_factory=list)
    pin: tuple[str, str, str, str | None] | None = None  # (contact, fingerprint, source, organisation)
    api_url: str | None = None
    kind: str = "report"  # report | follow_up | publication_notice
    envelope_from: str | None = None  # SMTP MAIL FROM (app/sender.py)
    written: Any = None  # app/stream_message.Written: the message streamed to a file instead of ``message``
    message_size: int = 0
    attachments: list[dict[str, Any]] = field(default_factory=list)  # every file that travels, as read
    outer_subject: str = ""  # the Subject anyone on the path sees (core/mime.outer_subject)
    profile: dict[str, Any] | None = None  # the organisation's profile with the source of each value
    lang_reason: str = ""  # why the report is in ``lang`` (core/report_language.REASONS)
    cleartext: str | None = None  # what travels readable by anyone on the path (first contact, plaintext)
    notes: list[str] = field(default_factory=list)  # neutral facts of the profile: who else reads the report

    def summary(self, ui_lang: str = "en") -> str:
        """What will be sent to whom, how, with which key: shown before the confirmation."""
        t = translator(ui_lang)
        via, source, expires, never = t("submit.via"), t("submit.source"), t("submit.expires"), t("submit.never")
        report, from_ = t("submit.report"), t("submit.from")
        came_from = f" ({from_} {self.contact_source})" if self.contact_source else ""

        def row(label: str, value: str) -> str:
            return f"  {label:<10}: {value}"

        head = (t("first_contact.summary_head", id=self.report_id) if self.kind == "first_contact"
                else f"{report} {self.report_id}: {self.title}")
        channel = said_in(channel_word(self.channel), ui_lang)  # the code stays in to_dict (--json)
        lines = [head, row(t("submit.to"), f"{self.recipient} {via} {channel}{came_from}")]
        if self.key:
            from cvd_reporter.net.keys import SOURCE_LABELS  # noqa: PLC0415 - dnspython is slow to import
            key, code = self.key, self.key.get("source", "?")
            lines.append(row(t("submit.key_label"), f"{key.get('fingerprint')} ({key.get('algorithm', '?')}, "
                                                    f"{expires} {key.get('expires') or never}; "
                                                    f"{source} {said_in(SOURCE_LABELS.get(code, code), ui_lang)})"))
        else:
            lines.append(row(t("submit.key_label"), t("first_contact.key_row") if self.kind == "first_contact"
                             else t("submit.no_key")))
        outside = t("submit.outside")
        lines.append(row(t("submit.policy"), self.policy_id))
        lines.append(row(t("submit.language"), self.language_line(ui_lang)))
        if self.outer_subject and self.outer_subject != self.report_id:
            lines.append(row(t("submit.subject"), self.outer_subject))
        for a in self.attachments:
            where = a["resolved"] + (f" ({outside})" if a["outside_report_folder"] else "")
            lines.append(row(t("submit.attached"), f"{a['path']}: {where}, {a['size']:,} bytes, "
                                                   f"SHA-256 {a['sha256'][:16]}…"))
        lines += [row(t("submit.note"), n) for n in self.notes]
        lines += [row(t("submit.warning"), said_in(w, ui_lang)) for w in self.warnings]
        if self.cleartext is not None:
            lines += [t("first_contact.in_the_clear"), *("    " + x for x in self.cleartext.splitlines())]
        return "\n".join(lines)

    def language_line(self, ui_lang: str) -> str:
        """"Dutch (nl), the organisation's security.txt asks for it; these questions: English"."""
        t = translator(ui_lang)
        why = t(report_language.REASONS[self.lang_reason]) if self.lang_reason else ""
        return t("report_lang.line", report=t(f"report_lang.name.{self.lang}"), why=why,
                 ui=t(f"report_lang.name.{ui_lang}")) if why else t(f"report_lang.name.{self.lang}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id, "channel": self.channel, "recipient": self.recipient,
            "language": self.lang, "language_reason": self.lang_reason or None,
            "policy": self.policy_id, "organisation": self.organisation,
            "message_id": self.message_id, "encrypted": self.encrypted, "key": self.key,
            "contact_source": self.contact_source, "contact_conflict": self.contact_conflict, "scope": self.scope,
            "discovery": self.discovery,
            "plaintext_sha256": self.plaintext_sha256, "encrypted_sha256": self.encrypted_sha256,
            "warnings": self.warnings, "attachments": self.attachments, "kind": self.kind,
            "outer_subject": self.outer_subject, "profile": self.profile,
        }


def report_id_for(report_dict: dict[str, Any], given: str | None) -> str:
    """The report's stable id: the one in the file, or one derived from its content."""
    if given:
        return given
    canonical = json.dumps({k: v for k, v in report_dict.items() if k != "id"}, sort_keys=True, default=str)
    return "cvd-" + hashlib.sha256(canonical.encode()).hexdigest()[:12]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------
def plan_submission(checked: CheckedReport, *, ctx: Context, options: SubmitOptions, now: dt.datetime,
                    lang: str, progress: Callable[[str], None] = lambda _m: None, known: Any = None) -> Plan:
    """Everything up to (not including) delivery, for a report read and checked once by the caller.
    ``known`` is the record's entry for the report (earlier first contacts). Raises CvdError subclasses
    with their exit codes."""
    settings = ctx.settings
    path = checked.loaded.path
    errors = [f for f in checked.findings if f.severity == "error"]
    if errors:
        raise ValidationError.t("submit.report_errors", data={"findings": [f.to_dict() for f in checked.findings]},
                                n=len(errors), path=str(path))
    report, policy = checked.loaded.report, checked.policy
    rid = report_id_for(report.to_dict(), report.id)
    title = report.vulnerability.title or rid
    warnings: list[str] = [Phrase(f.msgid, **f.params) if f.msgid else f.message
                           for f in checked.findings if f.severity == "warning"]

    fetcher = ctx.network.fetcher(allow_private=options.allow_private)
    progress(say(lang, "submit.scope"))
    discoveries: dict[str, Any] = {}  # security.txt looked up by the scope check, reused below
    scope_results = _check_scope(report, policy=policy, ctx=ctx, fetcher=fetcher, now=now, lang=lang,
                                 strict=options.strict_scope, warnings=warnings, discoveries=discoveries)

    channel = options.via
    if channel == "github":
        return _plan_github(report, rid=rid, title=title, policy=policy, options=options, lang=lang,
                            scope_results=scope_results, warnings=warnings, checked=checked)

    progress(say(lang, "submit.discover"))

    route = choose_route(report, checked=checked, settings=settings, fetcher=fetcher, now=now, channel=channel,
                         discoveries=discoveries, warnings=warnings, home=ctx.home)
    channel, recipient = route.channel, route.recipient
    policy = with_reading(policy, (route.search or {}).get("policy"))  # a policy page the search read
    if policy.profile is not None and policy.profile.revealing_subject is not None:
        item = policy.profile.revealing_subject
        warnings.append(say(lang, "finding.required_subject_reveals", subject=item.value, source=item.source,
                            sent=policy.profile.subject_as_sent or "-"))
    report_lang, lang_reason = report_language.choose(
        asked=options.lang, in_file=report.language, preferred=route.preferred_languages, host=route.host,
        policy_id=policy.id, ui_lang=lang)

    progress(say(lang, "submit.key"))
    by_mail = channel in ("email", "outbox")
    try:  # by mail, no usable key is a choice for the reporter (app/first_contact.py), not a silent fallback
        key_info, chosen, pin = find_key(route.encryption_hints, route.addresses, ctx=ctx, fetcher=fetcher,
                                         organisation=registrable_domain(route.host), now=now,
                                         options=dataclasses.replace(options, allow_plaintext=False) if by_mail
                                         else options, warnings=warnings,
                                         key_file=route.key_file or first_contact.imported_key(ctx.home, rid),
                                         report_fingerprint=route.key_fingerprint)
    except (DiscoveryError, KeyProblem) as e:
        if not by_mail or not first_contact.no_usable_key(e):
            raise
        preview = "" if options.choose is None or not options.allow_plaintext else policy_stances.with_note(
            policy, lang, _cleartext(checked, rid=rid, lang=report_lang, now=now, policy=policy))
        way = first_contact.decide(lang=lang, asked_first_contact=options.first_contact, choose=options.choose,
                                   allow_plaintext=options.allow_plaintext, forms=first_contact.forms_of(route),
                                   cleartext=preview, known=known, error=e)
        if way == first_contact.FORM:
            raise InputNeeded(say(lang, "first_contact.use_form"), code="use_form") from None
        if way == first_contact.FIRST_CONTACT:
            first_contact.confirm_again(lang=lang, known=known, yes=options.yes, ask=options.ask)
            base = Plan(report_id=rid, title=title, channel=channel, recipient=recipient or "", lang=report_lang,
                        policy_id=policy.id, organisation=report.organisation.name or route.host, message=b"",
                        message_id="", plaintext_sha256="", encrypted_sha256="", encrypted=False,
                        contact_source=route.contact_source, scope=scope_results, contact_conflict=route.conflict,
                        findings=checked.findings, warnings=warnings, calendar=policy.calendar,
                        response_days=policy.response_working_days,
                        target=(report.target.urls or report.target.ips)[0], report_path=str(path),
                        evidence_paths=[str(e.path) for e in checked.evidence],
                        envelope_from=resolve_sender(settings, report.reporter.email).envelope_from)
            return first_contact.build_plan(base, checked=checked, route=route, policy=policy, now=now,
                                            sender=resolve_sender(settings, report.reporter.email),
                                            name_host=options.name_host, known=known, ask=options.ask,
                                            ui_lang=lang)
        warnings.append(Phrase("app.submit.unencrypted"))
        key_info, chosen, pin = None, None, None
        options = dataclasses.replace(options, allow_plaintext=True)
    if chosen is None:  # the report travels in the clear: the organisation's encryption stance first
        policy_stances.before_plaintext(policy, lang=lang, despite_policy=options.despite_policy, ask=options.ask,
                                        findings=checked.findings, warnings=warnings)
    if options.first_contact and chosen is not None:
        raise InputNeeded.t("submit.key_available", code="key_available", fingerprint=chosen.fingerprint)
    discovery = route.discovery

    progress(say(lang, "submit.encrypt"))
    message, message_id, plain_sha, enc_sha = _build_message(
        checked, report_id=rid, channel=channel, recipient=recipient or "", lang=report_lang, now=now,
        chosen=chosen, ctx=ctx, policy=policy, options=options)
    written, size = (None, len(message)) if isinstance(message, bytes) else (message, message.size)
    if channel in ("email", "outbox") and size > MAIL_SIZE_WARNING:
        warnings.append(Phrase("app.submit.large_message", mb=f"{size / 1e6:.0f}"))
    return Plan(
        report_id=rid, title=title, channel=channel, recipient=recipient or "", lang=report_lang,
        lang_reason=lang_reason, policy_id=policy.id, organisation=report.organisation.name or route.host,
        message=message if written is None else b"", written=written, message_size=size,
        message_id=message_id, plaintext_sha256=plain_sha, encrypted_sha256=enc_sha, encrypted=chosen is not None,
        key=key_info, contact_source=route.contact_source, scope=scope_results,
        discovery=dict(discovery.to_dict() if discovery is not None else {}, search=route.search),
        contact_conflict=route.conflict,
        findings=checked.findings, warnings=warnings, calendar=policy.calendar,
        response_days=policy.response_working_days, target=(report.target.urls or report.target.ips)[0],
        report_path=str(path), evidence_paths=[str(e.path) for e in checked.evidence], pin=pin,
        api_url=settings.api_url if channel == "api" else None,
        envelope_from=resolve_sender(settings, report.reporter.email).envelope_from,
        attachments=attachment_list(checked), profile=_profile_data(policy),
        notes=[n for n in [policy_stances.shares_note(policy, lang)] if n],
        outer_subject=mime.outer_subject(rid, policy.required_subject) if by_mail else "",
        cleartext=None if chosen is not None or not by_mail else _cleartext(checked, rid=rid, lang=report_lang, now=now,
                                                             policy=policy))


def _profile_data(policy: Any) -> dict[str, Any] | None:
    """The organisation's profile with the deadline it gives (days on which calendar), for --json."""
    if policy.profile is None:
        return None
    deadline = {"days": policy.response_working_days, "calendar": policy.calendar} \
        if policy.response_working_days is not None else None
    return dict(policy.profile.to_dict(), deadline=deadline)


def _cleartext(checked: CheckedReport, *, rid: str, lang: str, now: dt.datetime, policy: Any) -> str:
    """Exactly what a plaintext report puts on the path: the whole text and every attached file."""
    reporter_key = checked.reporter_key
    text = render_text(checked.loaded.report, policy=policy, lang=lang, report_id=rid, date=now.date(),
                       has_reporter_key=reporter_key is not None,
                       evidence_names=[Path(e.path).name for e in checked.evidence])
    files = [f"+ {a['path']} ({a['size']:,} bytes)" for a in attachment_list(checked)]
    return "\n".join([text.rstrip("\n"), *files])


def attachment_list(checked: CheckedReport) -> list[dict[str, Any]]:
    """Every file that travels with the report, as read: given path, resolved path, size, SHA-256."""
    files = [e.file for e in checked.evidence if e.file is not None]
    if checked.reporter_key is not None and checked.reporter_key.file is not None:
        files.append(checked.reporter_key.file)
    return [f.describe() for f in files]


def _check_scope(report: Any, *, policy: Any, ctx: Context, fetcher: Any, now: dt.datetime, lang: str, strict: bool,
                 warnings: list[str], discoveries: dict[str, Any]) -> list[dict[str, Any]]:
    targets = list(report.target.urls) + list(report.target.ips)
    verdicts = check_targets(targets, policy_scope=policy.scope, ctx=ctx, fetcher=fetcher, now=now,
                             discoveries=discoveries)
    out = [v.to_dict() for v in verdicts]
    for v in verdicts:
        if v.verdict == "out_of_scope" or (strict and v.verdict == "unknown"):
            refused = N_("scope.refused.out_of_scope") if v.verdict == "out_of_scope" else N_("scope.refused.unknown")
            raise ScopeError.t(refused,
                               data={"scope": out}, target=v.target.original, reasons=Reasons(v.reasons))
        if v.verdict == "unknown":
            warnings.append(say(lang, "scope.unknown_warning", target=v.target.original, reasons=Reasons(v.reasons)))
    return out


def find_key(st: Any, addresses: list[str], *, ctx: Context, fetcher: Any, now: dt.datetime,
             options: SubmitOptions, warnings: list[str], organisation: str | None = None,
             key_file: tuple[bytes, str] | None = None,
             report_fingerprint: str | None = None) -> tuple[dict[str, Any] | None, Candidate | None, Pin | None]:
    """The organisation's key, judged once: (what the plan shows, the chosen candidate to encrypt to
    with its verdict, the pin to write once sent). (None, None, None) with --allow-plaintext and no key.
    It is checked against the pins of the contact and (when given, as a registrable domain) of the
    organisation; the pin is written only once the report left."""
    from cvd_reporter.net.keys import find_keys, keys_from_file  # noqa: PLC0415 - dnspython is slow to import

    try:
        if key_file is not None:  # the report's own organisation.key file: no network
            found = keys_from_file(key_file[0], key_file[1], now=now, address=addresses[0] if addresses else None)
        else:
            found = find_keys(encryption_uris=list(st.encryption), contacts=addresses, fetcher=fetcher,
                              resolver=ctx.network.resolver(), keyserver=ctx.settings.keyserver, now=now,
                              report_fingerprint=report_fingerprint)
    except DiscoveryError:
        if options.allow_plaintext:
            warnings.append(Phrase("app.submit.unencrypted_none_found"))
            return None, None, None
        raise
    chosen = found.chosen
    if chosen is None:  # find_keys raises instead; kept for the type checker
        raise KeyProblem.t("submit.no_key_chosen")
    warnings.extend(found.warnings)
    warnings.extend(as_phrase(chosen.verdict.text(w)) for w in chosen.verdict.warnings)
    contact = chosen.address or (addresses[0] if addresses else chosen.url)
    PinStore(ctx.home).check(contact, chosen.fingerprint, accept_new=options.accept_new_key,
                             organisation=organisation)
    info = dict(chosen.verdict.to_dict(), source=chosen.source, url=chosen.url, confidence=found.confidence)
    return info, chosen, (contact, chosen.fingerprint, chosen.source, organisation)


def _build_message(checked: CheckedReport, *, report_id: str, channel: str, recipient: str, lang: str,
                   now: dt.datetime, chosen: Candidate | None, ctx: Context, policy: Any,
                   options: SubmitOptions) -> tuple[Any, str, str, str]:
    """The finished thing to deliver: a PGP/MIME e-mail or an API payload, encrypted to the chosen key.

    Without a signature it is streamed to a 0600 file in the outbox (or beside --output for a dry run),
    so memory does not grow with the evidence; with --sign-with it is built in memory."""
    report = checked.loaded.report
    reporter_key = checked.reporter_key.armored if checked.reporter_key else None
    if chosen is None and not options.allow_plaintext:
        raise KeyProblem.t("submit.no_key_no_plaintext")
    signer = load_signer(options, ctx.settings)
    cert = chosen.certificate if chosen is not None else None
    folder = (options.output.parent if options.output else None) if options.dry_run else ctx.home / "outbox"
    streamed = signer is None and (channel != "api" or cert is not None)  # to ``folder``; None: hashes only
    attachments = [] if streamed else read_attachments(checked.evidence)
    common: dict[str, Any] = {"evidence": checked.evidence, "reporter_key": reporter_key, "now": now, "cert": cert,
                              "folder": folder,
                              "meter": options.meter, "judged": chosen.judged if chosen is not None else None}

    def seal(data: bytes) -> bytes:  # the key was judged by find_key at the same `now`: not judged again
        assert chosen is not None  # only called with a key
        return encrypt(data, chosen.certificate, now=now, signer=signer, judged=chosen.judged)

    if channel == "api":
        from cvd_reporter.delivery import api  # noqa: PLC0415 - requests is slow to import

        if streamed:
            written = build_api_body(report.to_dict(), report_id=report_id, **common)
            return written, report_id, written.plaintext_sha256, written.message_sha256

        document = api.report_document(report.to_dict(), report_id=report_id, attachments=attachments,
                                       reporter_key=reporter_key)
        sealed = seal(document) if cert is not None else None
        payload = api.build_payload(report_id=report_id, created=now, message=sealed,
                                    recipient_fingerprint=cert.fingerprint if cert is not None else None,
                                    document=document, allow_plaintext=options.allow_plaintext)
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        return body, report_id, sha256(document), sha256(body)

    sender = resolve_sender(ctx.settings, report.reporter.email)
    text = render_text(report, policy=policy, lang=lang, report_id=report_id, date=now.date(),
                       has_reporter_key=reporter_key is not None,
                       evidence_names=[Path(e.path).name for e in checked.evidence])
    message_id = mime.message_id_for(report_id, sender.domain)
    required = policy.required_subject
    inner_subject = subject(report, lang)
    if cert is None and required:  # --allow-plaintext: the one Subject is also the outer one
        inner_subject = f"{mime.outer_subject(report_id, required)} {inner_subject}"
    if streamed:  # a one-pass signature (--sign-with) still needs the whole text in memory
        written = build_mail(report_text=text, subject=inner_subject, sender=sender.header_from,
                             recipient=recipient, message_id=message_id, lang=lang, report_id=report_id,
                             required_subject=required, **common)
        return written, message_id, written.plaintext_sha256, written.message_sha256
    inner = mime.build_inner(report_text=text, subject=inner_subject, from_addr=sender.header_from,
                             to_addr=recipient, message_id=message_id, date=now, attachments=attachments,
                             reporter_key=reporter_key, lang=lang)
    if cert is None:  # the user's explicit --allow-plaintext
        return inner, message_id, sha256(inner), sha256(inner)
    message = mime.build_encrypted(inner, encrypt=seal, from_addr=sender.header_from, to_addr=recipient,
                                   message_id=message_id, date=now, report_id=report_id, required_subject=required)
    return message, message_id, sha256(inner), sha256(message)


def load_signer(options: SubmitOptions, settings: Any) -> Any:
    """The reporter's signing key (--sign-with), unlocked with CVD_SIGNING_PASSPHRASE, the keyring or a
    hidden prompt; None when not asked for. The passphrase never comes from the command line."""
    if options.sign_with is None:
        return None
    data = read_named_key_file(options.sign_with, too_big=N_("signing_key.too_big"),
                               missing=N_("signing_key.missing"), unreadable=N_("signing_key.unreadable"))
    try:
        return load_signing_key(data)
    except InputNeeded as e:
        if e.code != "passphrase_needed":
            raise
    passphrase = settings.secret("signing_passphrase", required=False)
    if not passphrase and options.ask_passphrase is not None:
        passphrase = options.ask_passphrase()
    if not passphrase:
        raise InputNeeded.t("signing_key.passphrase_needed", code="passphrase_needed")
    return load_signing_key(data, passphrase)


def _plan_github(report: Any, *, rid: str, title: str, policy: Any, options: SubmitOptions, lang: str,
                 scope_results: list[dict[str, Any]], warnings: list[str], checked: CheckedReport) -> Plan:
    from cvd_reporter.delivery import github  # noqa: PLC0415 - requests is slow to import

    if not options.repo:
        raise InputNeeded.t("submit.github_needs_repo")
    github.parse_repo(options.repo)
    document = dict(report.to_dict(), report_id=rid)
    github.advisory_payload(document)  # fail now, not after confirmation, if GitHub would refuse it
    body = json.dumps(document, ensure_ascii=False, sort_keys=True).encode()
    warnings.append(github.NOT_E2E_WARNING)
    return Plan(report_id=rid, title=title, channel="github", recipient=options.repo, lang=lang,
                policy_id=policy.id, organisation=options.repo, message=body, message_id=rid,
                plaintext_sha256=sha256(body), encrypted_sha256=sha256(body), encrypted=False, scope=scope_results,
                findings=checked.findings, warnings=warnings, calendar=policy.calendar,
                response_days=policy.response_working_days,
                target=(report.target.urls or report.target.ips)[0], report_path=str(checked.loaded.path),
                evidence_paths=[str(e.path) for e in checked.evidence])


# ---------------------------------------------------------------------------------------------
def _already_sent(entry: Any, report_id: str, lang: str) -> Outcome | None:
    """Submit is idempotent: the outcome for a report the record shows as gone (delivered, or marked sent
    by hand), else None."""
    if entry is None or not left_already(entry):
        return None
    sent = next((d for d in entry.deliveries if d.ok and d.kind == "report"), None)
    when, how = how_it_left(entry)
    plan = Plan(report_id=report_id, title=report_id, channel=sent.channel if sent else "manual",
                recipient=sent.recipient if sent else "", lang=lang, policy_id=entry.policy,
                organisation=entry.organisation, message=b"",
                message_id=(sent.message_id if sent else None) or "",
                plaintext_sha256=(sent.plaintext_sha256 if sent else None) or "",
                encrypted_sha256=(sent.encrypted_sha256 if sent else None) or "", encrypted=True)
    return Outcome(plan, "already_sent", hint=Phrase("app.submit.already_sent", id=report_id, when=when, how=how))


def submit_report(path: Path, *, ctx: Context, lang: str, confirm: Callable[[str], bool],
                  progress: Callable[[str], None] = lambda _m: None,
                  options: SubmitOptions | None = None) -> Outcome:
    """The whole pipeline for the CLI and the wizard. ``confirm(summary)`` decides; it is not asked for a
    dry run. A report the record shows as sent is not sent again (status ``already_sent``).

    One submit reads the report file once, opens the record at most once, reads the outbox entry once
    and judges the organisation's key once; the clock is read once (``now``) for the whole plan."""
    options = options or SubmitOptions()
    now = ctx.clock()
    progress(say(lang, "submit.check"))
    loaded: LoadedReport = load_report_file(path, lang=lang)
    policy = organisation_policy(loaded.report, policy_name=options.policy, default=ctx.settings.policy,
                                 settings=ctx.settings, home=ctx.home)
    with RecordSession(ctx.home) as records:
        known = None
        if not options.dry_run:
            rid = report_id_for(loaded.report.to_dict(), loaded.report.id)
            known = find_report(records.existing(), rid)
            previous = _already_sent(known, rid, lang)
            if previous is not None:
                return previous
        checked = check_report(loaded, policy=policy, lang=lang, today=now.date())
        plan = plan_submission(checked, ctx=ctx, options=options, now=now, lang=lang, progress=progress,
                               known=known)
        try:
            try:
                confirmed = options.dry_run or confirm(plan.summary(lang))
            except InputNeeded as e:
                if plan.contact_conflict:  # say why this confirmation matters more than usual
                    raise ConfirmConflict(plan.contact_conflict, e) from None
                raise
            if not confirmed:
                raise InputNeeded.t("submit.not_confirmed", code="not_confirmed")
            return deliver(plan, ctx=ctx, options=options, now=now, records=records, known=known)
        finally:  # a streamed file nobody took (not confirmed, a failure) goes; a kept one was renamed
            discard(plan.written)
