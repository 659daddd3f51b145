"""The submit pipeline: validate -> scope -> discover -> key -> render -> encrypt -> (confirm) -> deliver
-> record. The CLI (cli/submit_cmds.py) and the wizard call it; it never prompts itself: the caller
passes a ``confirm`` callback, so a script gets exit 8 instead of a hanging prompt.

Invariants (docs/security-model.md): the report leaves encrypted or not at all unless
``allow_plaintext``; nothing of its content in an outer header; a failed delivery leaves the
encrypted message in the outbox; a report that was sent is never sent again (same report id -> same
Message-ID / Idempotency-Key).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cvd_reporter.app.reportfile import check_report_file, load_report_file
from cvd_reporter.app.scoping import check_targets
from cvd_reporter.core import mime
from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.core.findings import Finding
from cvd_reporter.core.i18n import say, translator
from cvd_reporter.core.pgp.encrypt import encrypt, load_signing_key
from cvd_reporter.core.render import render_text, subject
from cvd_reporter.core.target import parse_target
from cvd_reporter.delivery import api, github
from cvd_reporter.delivery.outbox import Outbox, manual_send_hint
from cvd_reporter.delivery.send import send_entry
from cvd_reporter.errors import (
    DeliveryError,
    DiscoveryError,
    InputFileError,
    InputNeeded,
    KeyProblem,
    ScopeError,
    StoreError,
    ValidationError,
)
from cvd_reporter.net.discovery import discover
from cvd_reporter.net.dns import make_resolver
from cvd_reporter.net.http import Fetcher
from cvd_reporter.net.keys import find_keys
from cvd_reporter.settings import Settings
from cvd_reporter.store.fs import write_private
from cvd_reporter.store.pins import PinStore
from cvd_reporter.store.record import Record

CHANNELS = ("email", "api", "github", "outbox")
MAIL_SIZE_WARNING = 25 * 1000 * 1000  # what common mail providers accept (armor adds about a third)

@dataclass
class SubmitOptions:
    via: str | None = None
    repo: str | None = None
    dry_run: bool = False
    output: Path | None = None
    allow_plaintext: bool = False
    accept_new_key: bool = False
    policy: str | None = None
    lang: str | None = None
    allow_private: bool = False
    strict_scope: bool = False
    sign_with: Path | None = None  # the reporter's own secret key: the organisation can check who sent it
    ask_passphrase: Callable[[], str | None] | None = None  # a hidden prompt, when there is a terminal


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
    contact_source: str | None = None
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
    attachments: list[dict[str, Any]] = field(default_factory=list)  # every file that travels, as read

    def summary(self, ui_lang: str = "en") -> str:
        """What will be sent to whom, how, with which key: shown before the confirmation."""
        t = translator(ui_lang)
        via, source, expires, never = t("submit.via"), t("submit.source"), t("submit.expires"), t("submit.never")
        report, from_ = t("submit.report"), t("submit.from")
        came_from = f" ({from_} {self.contact_source})" if self.contact_source else ""

        def row(label: str, value: str) -> str:
            return f"  {label:<10}: {value}"

        lines = [f"{report} {self.report_id}: {self.title}",
                 row(t("submit.to"), f"{self.recipient} {via} {self.channel}{came_from}")]
        if self.key:
            key = self.key
            lines.append(row(t("submit.key_label"), f"{key.get('fingerprint')} ({key.get('algorithm', '?')}, "
                                                    f"{expires} {key.get('expires') or never}; "
                                                    f"{source} {key.get('source', '?')})"))
        else:
            lines.append(row(t("submit.key_label"), t("submit.no_key")))
        language, outside = t("submit.language"), t("submit.outside")
        lines.append(row(t("submit.policy"), f"{self.policy_id}, {language} {self.lang}"))
        for a in self.attachments:
            where = a["resolved"] + (f" ({outside})" if a["outside_report_folder"] else "")
            lines.append(row(t("submit.attached"), f"{a['path']}: {where}, {a['size']:,} bytes, "
                                                   f"SHA-256 {a['sha256'][:16]}…"))
        lines += [row(t("submit.warning"), w) for w in self.warnings]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id, "channel": self.channel, "recipient": self.recipient,
            "language": self.lang, "policy": self.policy_id, "organisation": self.organisation,
            "message_id": self.message_id, "encrypted": self.encrypted, "key": self.key,
            "contact_source": self.contact_source, "scope": self.scope, "discovery": self.discovery,
            "plaintext_sha256": self.plaintext_sha256, "encrypted_sha256": self.encrypted_sha256,
            "warnings": self.warnings, "attachments": self.attachments,
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
def plan_submission(path: Path, *, settings: Settings, options: SubmitOptions, now: dt.datetime,
                    lang: str, progress: Callable[[str], None] = lambda _m: None) -> Plan:
    """Everything up to (not including) delivery. Raises CvdError subclasses with their exit codes."""
    progress(say(lang, "submit.check"))
    checked = check_report_file(path, policy_name=options.policy or settings.policy, lang=lang,
                                today=now.date())
    errors = [f for f in checked.findings if f.severity == "error"]
    if errors:
        raise ValidationError(f"The report has {len(errors)} error(s); run `cvd-reporter validate {path}` "
                              "and fix them first.", data={"findings": [f.to_dict() for f in checked.findings]})
    report, policy = checked.loaded.report, checked.policy
    rid = report_id_for(report.to_dict(), report.id)
    title = report.vulnerability.title or rid
    warnings: list[str] = [f.message for f in checked.findings if f.severity == "warning"]

    fetcher = Fetcher.from_settings(settings, allow_private=options.allow_private)
    progress(say(lang, "submit.scope"))
    discoveries: dict[str, Any] = {}  # security.txt looked up by the scope check, reused below
    scope_results = _check_scope(report, policy=policy, settings=settings, fetcher=fetcher, now=now,
                                 strict=options.strict_scope, warnings=warnings, discoveries=discoveries)

    channel = options.via
    if channel == "github":
        return _plan_github(report, rid=rid, title=title, policy=policy, options=options, lang=lang, now=now,
                            scope_results=scope_results, warnings=warnings, path=path, checked=checked)

    progress(say(lang, "submit.discover"))
    discovery = _discover(report, fetcher=fetcher, now=now, discoveries=discoveries)
    st = discovery.security_txt
    if st.expires is not None and st.expires < now:
        # RFC 9116 §2.5.5: an expired file should not be used; the reporter decides, warned loudly.
        warnings.append(f"The security.txt at {discovery.url} EXPIRED on {st.expires.date().isoformat()}: its "
                        "contacts and key may be out of date; check them on the organisation's website.")
    elif not st.valid:
        warnings.append(f"The security.txt at {discovery.url} has errors; its contacts are used anyway.")
    mailto = [c for c in st.contacts if c.kind == "mailto" and c.address and c.valid]
    https_contacts = [c for c in st.contacts if c.kind == "https"]
    if channel is None:
        if mailto:
            channel = "email" if settings.smtp_host else "outbox"
        elif settings.api_url:
            channel = "api"
        else:
            forms = ", ".join(c.uri for c in https_contacts) or "none"
            raise DiscoveryError(f"The security.txt at {discovery.url} has no e-mail contact (web contacts: "
                                 f"{forms}); report there by hand, or use --via api with an API endpoint.")
    if channel in ("email", "outbox") and not mailto:
        raise DiscoveryError(f"The security.txt at {discovery.url} lists no usable e-mail contact.")
    if channel == "email" and not settings.smtp_host:
        raise InputNeeded("No SMTP server is configured (smtp.host / CVD_SMTP_HOST); configure one or use "
                          "--via outbox to send the encrypted message from your own mail client.")
    if channel == "api" and not settings.api_url:
        raise InputNeeded("No API endpoint is configured (api.url / CVD_API_URL).")

    recipient = mailto[0].address if channel in ("email", "outbox") else settings.api_url
    preferred = [tag.split("-")[0].lower() for tag in st.preferred_languages]
    report_lang = report.language or next((x for x in preferred if x in ("nl", "en")), None) or lang

    progress(say(lang, "submit.key"))
    key_info, cert, pin = find_key(st, [c.address for c in mailto], settings=settings, fetcher=fetcher,
                                    organisation=registrable_domain(discovery.host),
                                    now=now, options=options, warnings=warnings)

    progress(say(lang, "submit.encrypt"))
    message, message_id, plain_sha, enc_sha = _build_message(
        checked, report_id=rid, channel=channel, recipient=recipient or "", lang=report_lang, now=now,
        cert=cert, settings=settings, policy=policy, options=options)
    if channel in ("email", "outbox") and len(message) > MAIL_SIZE_WARNING:
        warnings.append(f"The encrypted message is {len(message) / 1048576:.0f} MB; many mail servers refuse more "
                        "than 25 MB. Consider sharing large evidence on request instead.")
    return Plan(
        report_id=rid, title=title, channel=channel, recipient=recipient or "", lang=report_lang,
        policy_id=policy.id, organisation=report.organisation.name or discovery.host, message=message,
        message_id=message_id, plaintext_sha256=plain_sha, encrypted_sha256=enc_sha, encrypted=cert is not None,
        key=key_info, contact_source=discovery.url, scope=scope_results, discovery=discovery.to_dict(),
        findings=checked.findings, warnings=warnings, calendar=policy.calendar,
        response_days=policy.response_working_days, target=(report.target.urls or report.target.ips)[0],
        report_path=str(path), evidence_paths=[str(e.path) for e in checked.evidence], pin=pin,
        api_url=settings.api_url if channel == "api" else None, attachments=attachment_list(checked))


def attachment_list(checked: Any) -> list[dict[str, Any]]:
    """Every file that travels with the report, as read: given path, resolved path, size, SHA-256."""
    files = [e.file for e in checked.evidence if e.file is not None]
    if checked.reporter_key is not None and checked.reporter_key.file is not None:
        files.append(checked.reporter_key.file)
    return [f.describe() for f in files]


def _check_scope(report: Any, *, policy: Any, settings: Settings, fetcher: Any, now: dt.datetime, strict: bool,
                 warnings: list[str], discoveries: dict[str, Any]) -> list[dict[str, Any]]:
    targets = list(report.target.urls) + list(report.target.ips)
    verdicts = check_targets(targets, policy_scope=policy.scope, settings=settings, fetcher=fetcher, now=now,
                             discoveries=discoveries)
    out = [v.to_dict() for v in verdicts]
    for v in verdicts:
        if v.verdict == "out_of_scope" or (strict and v.verdict == "unknown"):
            raise ScopeError(f"{v.target.original} is {v.verdict.replace('_', ' ')}: {'; '.join(v.reasons)}",
                             data={"scope": out})
        if v.verdict == "unknown":
            warnings.append(f"Scope of {v.target.original} is unknown: {'; '.join(v.reasons)}")
    return out


def _discover(report: Any, *, fetcher: Any, now: dt.datetime, discoveries: dict[str, Any]) -> Any:
    target = (report.target.urls or report.target.ips)[0]
    if report.organisation.domain and not report.target.urls:
        target = report.organisation.domain
    known = discoveries.get(parse_target(target).host)
    if isinstance(known, DiscoveryError):
        raise known
    return known if known is not None else discover(target, fetcher, now=now)


# (contact, fingerprint, source, organisation): what is pinned once the report has left
PinTuple = tuple[str, str, str, str | None]


def find_key(st: Any, addresses: list[str], *, settings: Settings, fetcher: Any, now: dt.datetime,
              options: SubmitOptions, warnings: list[str],
              organisation: str | None = None) -> tuple[dict[str, Any] | None, Any, PinTuple | None]:
    """The key to encrypt to, judged and checked against the pins of the contact and (when given, as
    a registrable domain) of the organisation; the pin tuple is written only once the report left."""
    try:
        found = find_keys(encryption_uris=list(st.encryption), contacts=addresses, fetcher=fetcher,
                          resolver=make_resolver(settings), keyserver=settings.keyserver, now=now)
    except DiscoveryError:
        if options.allow_plaintext:
            warnings.append("No OpenPGP key was found: the report will be sent UNENCRYPTED (--allow-plaintext).")
            return None, None, None
        raise
    chosen = found.chosen
    if chosen is None:  # find_keys raises when no key is usable; keep that promise checked here too
        raise DiscoveryError("No usable OpenPGP key was found for the organisation.", code="no_key")
    warnings.extend(found.warnings)
    warnings.extend(chosen.verdict.warnings)
    contact = chosen.address or (addresses[0] if addresses else chosen.url)
    PinStore(settings.home).check(contact, chosen.fingerprint, accept_new=options.accept_new_key,
                                  organisation=organisation)
    info = dict(chosen.verdict.to_dict(), source=chosen.source, url=chosen.url, confidence=found.confidence)
    return info, chosen.certificate, (contact, chosen.fingerprint, chosen.source, organisation)


def _build_message(checked: Any, *, report_id: str, channel: str, recipient: str, lang: str, now: dt.datetime,
                   cert: Any, settings: Settings, policy: Any, options: SubmitOptions) -> tuple[bytes, str, str, str]:
    """The finished thing to deliver: a PGP/MIME e-mail or an API payload, encrypted to ``cert``."""
    report = checked.loaded.report
    reporter_key = checked.reporter_key.armored if checked.reporter_key else None
    attachments = [(Path(e.path).name, e.content or b"", _media_type(Path(e.path).name, e.content or b""))
                   for e in checked.evidence]
    if cert is None and not options.allow_plaintext:
        raise KeyProblem("No usable key to encrypt to; refusing to send the report in plaintext.")
    signer = load_signer(options, settings)

    if channel == "api":
        document = api.report_document(report.to_dict(), report_id=report_id, attachments=attachments,
                                       reporter_key=reporter_key)
        sealed = encrypt(document, cert, now=now, signer=signer) if cert is not None else None
        payload = api.build_payload(report_id=report_id, created=now, message=sealed,
                                    recipient_fingerprint=cert.fingerprint if cert is not None else None,
                                    document=document, allow_plaintext=options.allow_plaintext)
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        return body, report_id, sha256(document), sha256(body)

    sender = settings.smtp_from or report.reporter.email or settings.smtp_user or "anonymous@invalid"
    text = render_text(report, policy=policy, lang=lang, report_id=report_id, date=now.date(),
                       has_reporter_key=reporter_key is not None, evidence_names=[a[0] for a in attachments])
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "cvd-reporter.invalid"
    message_id = mime.message_id_for(report_id, domain)
    inner = mime.build_inner(report_text=text, subject=subject(report, lang), from_addr=sender, to_addr=recipient,
                             message_id=message_id, date=now, attachments=attachments, reporter_key=reporter_key,
                             lang=lang)
    if cert is None:  # the user's explicit --allow-plaintext
        return inner, message_id, sha256(inner), sha256(inner)
    message = mime.build_encrypted(inner, encrypt=lambda data: encrypt(data, cert, now=now, signer=signer),
                                   from_addr=sender,
                                   to_addr=recipient, message_id=message_id, date=now, report_id=report_id)
    return message, message_id, sha256(inner), sha256(message)


def load_signer(options: SubmitOptions, settings: Settings) -> Any:
    """The reporter's signing key (--sign-with), unlocked with CVD_SIGNING_PASSPHRASE, the keyring or a
    hidden prompt; None when not asked for. The passphrase never comes from the command line."""
    if options.sign_with is None:
        return None

    path = options.sign_with
    try:
        if path.stat().st_size > 1 << 20:
            raise InputFileError(f"The signing key {path} is larger than 1 MiB; that is not a key file.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"The signing key {path} does not exist.") from None
    except OSError as e:
        raise InputFileError(f"Cannot read the signing key {path}: {e.strerror}.") from None
    try:
        return load_signing_key(data)
    except InputNeeded as e:
        if e.code != "passphrase_needed":
            raise
    passphrase = settings.secret("signing_passphrase", required=False)
    if not passphrase and options.ask_passphrase is not None:
        passphrase = options.ask_passphrase()
    if not passphrase:
        raise InputNeeded("The signing key is protected by a passphrase: set CVD_SIGNING_PASSPHRASE or run "
                          "on a terminal to be asked.", code="passphrase_needed")
    return load_signing_key(data, passphrase)


def _media_type(name: str, content: bytes) -> str:
    """By extension, except that bytes which are not UTF-8 text never travel as text/* (a mail
    client would re-encode them); they go as application/octet-stream, byte for byte."""
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if guessed.startswith("text/"):
        try:
            if b"\x00" in content:
                raise UnicodeDecodeError("utf-8", content, 0, 1, "NUL")
            content.decode("utf-8")
        except UnicodeDecodeError:
            return "application/octet-stream"
    return guessed


def _plan_github(report: Any, *, rid: str, title: str, policy: Any, options: SubmitOptions, lang: str,
                 now: dt.datetime, scope_results: list[Any], warnings: list[str], path: Path, checked: Any) -> Plan:
    if not options.repo:
        raise InputNeeded("--via github needs --repo OWNER/NAME.")
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
                target=(report.target.urls or report.target.ips)[0], report_path=str(path),
                evidence_paths=[str(e.path) for e in checked.evidence])


# ---------------------------------------------------------------------------------------------
@dataclass
class Outcome:
    plan: Plan
    status: str  # sent | queued | dry_run | already_sent
    outbox_id: str | None = None
    outbox_path: str | None = None
    receipt: dict[str, Any] | None = None
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "outbox_id": self.outbox_id, "outbox_path": self.outbox_path,
                "receipt": self.receipt, "hint": self.hint, **self.plan.to_dict()}


def already_sent(settings: Settings, report_id: str) -> Any:
    """The record's entry when this report was delivered before (submit is idempotent)."""
    path = Path(settings.home) / "record.sqlite3"
    if not path.exists():
        return None
    with Record.open(settings.home) as record:
        try:
            entry = record.get(report_id)
        except StoreError as e:
            if e.code == "unknown_report":
                return None
            raise
    return entry if left_already(entry) else None


def left_already(entry: Any) -> bool:
    """Has this report left, whichever way: a delivery through this tool, or `mark ID sent` after the
    reporter sent it from a mail client or a web form? Either way it must never be sent again."""
    return entry.state != "draft" or any(d.ok and d.kind == "report" for d in entry.deliveries)


def how_it_left(entry: Any) -> tuple[str, str]:
    """(when, how) for the sentence that says why nothing is sent again."""
    sent = next((d for d in entry.deliveries if d.ok and d.kind == "report"), None)
    if sent is not None:
        return str(sent.at)[:10], f"to {sent.recipient}"
    marked = next((e for e in entry.events if e.state == "sent"), None)
    when = marked.day.isoformat() if marked is not None else str(entry.sent_on or "?")
    return when, "(marked sent by hand)" if marked is not None else f"(its state is {entry.state})"


def deliver(plan: Plan, *, settings: Settings, options: SubmitOptions, now: dt.datetime) -> Outcome:
    """Keep the finished message in the outbox, send it (unless the channel is the outbox), record it."""
    if options.dry_run:
        if options.output:
            write_private(options.output, plan.message, user_path=True)
        return Outcome(plan, "dry_run", hint=f"Dry run: nothing was sent; the finished message is in {options.output}."
                       if options.output else "Dry run: nothing was sent (use --output FILE to keep the message).")
    channel = "email" if plan.channel == "outbox" else plan.channel
    route: dict[str, Any] = {}
    if channel == "email":
        sender = settings.smtp_from or settings.smtp_user
        route = {"mail_from": sender, "rcpt_to": [plan.recipient]}
    elif channel == "api":
        route = {"url": plan.api_url}
    elif channel == "github":
        route = {"repo": plan.recipient, "api_url": settings.github_api_url}
    # What the record needs when this message is sent later by `outbox send` (no secrets, no content).
    route["record"] = {"kind": plan.kind, "key_fingerprint": (plan.key or {}).get("fingerprint"),
                       "plaintext_sha256": plan.plaintext_sha256, "encrypted_sha256": plan.encrypted_sha256,
                       "encrypted": plan.encrypted}
    box = Outbox(settings.home)
    entry = box.save(report_id=plan.report_id, channel=channel, recipient=plan.recipient, payload=plan.message,
                     key=plan.message_id, route=route, allow_plaintext=not plan.encrypted, now=now)
    if plan.pin:
        contact, fingerprint, source, organisation = plan.pin
        PinStore(settings.home).check_and_pin(contact, fingerprint, accept_new=options.accept_new_key, source=source,
                                              now=now, organisation=organisation)
    with Record.open(settings.home) as record:
        _ensure_report(record, plan, now)
    if plan.channel == "outbox":
        return Outcome(plan, "queued", outbox_id=entry.id, outbox_path=str(entry.path), hint=manual_send_hint(entry))
    sent = send_and_record(box, entry.id, settings=settings)
    receipt = sent.receipt or {}
    return Outcome(plan, "sent", outbox_id=entry.id, outbox_path=str(entry.path), receipt=receipt)


def send_and_record(box: Any, ident: str, *, settings: Settings, force: bool = False) -> Any:
    """Send one outbox entry (delivery/send.py) and keep every attempt in the record, failed ones too:
    they are the proof of attempts at contact. Used by submit and by `outbox send`."""
    entry = box.get(ident)
    if ((entry.route or {}).get("record") or {}).get("kind", "report") == "report" and entry.state != "sent":
        previous = already_sent(settings, entry.report_id)
        if previous is not None:
            when, how = how_it_left(previous)
            raise StoreError(f"Report {entry.report_id} already left on {when} {how}; the copy in the outbox "
                             f"({entry.id}) is not sent, so the organisation gets it once.",
                             code="already_sent", data={"id": entry.id, "report_id": entry.report_id})
    try:
        sent = send_entry(box, ident, settings=settings, force=force)
    except DeliveryError as e:
        if e.code not in ("smtp_not_configured", "check_first"):  # those made no attempt
            _record_attempt(box.get(ident), settings=settings, ok=False, answer=e.message)
        raise
    last = sent.last_attempt
    _record_attempt(sent, settings=settings, ok=True, answer=last.answer if last else None)
    return sent


def _record_attempt(entry: Any, *, settings: Settings, ok: bool, answer: str | None) -> None:
    facts = (entry.route or {}).get("record") or {}
    receipt = entry.receipt or {}
    with Record.open(settings.home) as record:
        try:
            record.get(entry.report_id)
        except StoreError as e:
            if e.code == "unknown_report":
                return  # an outbox entry from before the record existed: nothing to add it to
            raise
        record.add_delivery(entry.report_id, channel=entry.channel, recipient=entry.recipient,
                            key_fingerprint=facts.get("key_fingerprint"),
                            plaintext_sha256=facts.get("plaintext_sha256"),
                            encrypted_sha256=facts.get("encrypted_sha256") or entry.sha256,
                            message_id=(receipt.get("id") or receipt.get("ghsa_id") or entry.key) if ok else entry.key,
                            server_answer=answer, ok=ok, at=dt.datetime.now(dt.timezone.utc),
                            kind=facts.get("kind", "report"), encrypted=not entry.plaintext)


def _ensure_report(record: Any, plan: Plan, now: dt.datetime) -> None:
    try:
        record.get(plan.report_id)
        return
    except StoreError as e:
        if e.code != "unknown_report":
            raise
    record.add_report(plan.report_id, title=plan.title, organisation=plan.organisation or "", target=plan.target,
                      report_path=plan.report_path, policy=plan.policy_id, calendar=plan.calendar,
                      response_days=plan.response_days, evidence_paths=plan.evidence_paths, created_at=now)


def peek_report_id(path: Path, *, lang: str = "en") -> str | None:
    """The report id of a file without any network (for the already-sent check); None if unreadable."""
    try:
        loaded = load_report_file(path, lang=lang)
    except ValidationError:
        return None
    return report_id_for(loaded.report.to_dict(), loaded.report.id)


def submit_report(path: Path, *, settings: Settings, lang: str, confirm: Callable[[str], bool],
                  progress: Callable[[str], None] = lambda _m: None, options: SubmitOptions | None = None,
                  now: dt.datetime | None = None) -> Outcome:
    """The whole pipeline for the CLI and the wizard. ``confirm(summary)`` decides; it is not asked for a
    dry run. A report the record shows as sent is not sent again (status ``already_sent``)."""
    options = options or SubmitOptions()
    now = now or dt.datetime.now(dt.timezone.utc)
    if not options.dry_run:
        rid = peek_report_id(path, lang=lang)
        previous = already_sent(settings, rid) if rid else None
        if previous is not None:
            sent = next((d for d in previous.deliveries if d.ok and d.kind == "report"), None)
            when, how = how_it_left(previous)
            plan = Plan(report_id=rid or "", title=previous.title, channel=sent.channel if sent else "manual",
                        recipient=sent.recipient if sent else "", lang=lang, policy_id=previous.policy,
                        organisation=previous.organisation, message=b"",
                        message_id=(sent.message_id if sent else None) or "",
                        plaintext_sha256=(sent.plaintext_sha256 if sent else None) or "",
                        encrypted_sha256=(sent.encrypted_sha256 if sent else None) or "", encrypted=True)
            return Outcome(plan, "already_sent", hint=f"Report {rid} was already sent on {when} {how}; nothing was "
                           f"sent again. Use `cvd-reporter follow-up {rid}` to write to them about it.")
    plan = plan_submission(path, settings=settings, options=options, now=now, lang=lang, progress=progress)
    if not options.dry_run and not confirm(plan.summary(lang)):
        raise InputNeeded("Not confirmed; nothing was sent.", code="not_confirmed")
    return deliver(plan, settings=settings, options=options, now=now)
