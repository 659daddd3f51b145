"""The submit pipeline: validate -> scope -> discover -> key -> render -> encrypt -> (confirm) -> deliver
-> record. The CLI (cli/submit_cmds.py) and the wizard call it; it never prompts itself: the caller
passes a ``confirm`` callback, so a script gets exit 8 instead of a hanging prompt.

Invariants (DESIGN.md): the report leaves encrypted or not at all unless ``allow_plaintext``; nothing
of its content in an outer header; a failed delivery leaves the encrypted message in the outbox; a
report that was sent is never sent again (same report id -> same Message-ID / Idempotency-Key).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from cvd_reporter.core.findings import Finding
from cvd_reporter.errors import (
    DeliveryError, DiscoveryError, InputNeeded, KeyProblem, ScopeError, ValidationError,
)

CHANNELS = ("email", "api", "github", "outbox")
GITHUB_NOT_E2E = ("GitHub private vulnerability reporting is private but not end-to-end encrypted: "
                  "GitHub and the repository's maintainers can read the report.")


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
    pin: tuple[str, str] | None = None  # (contact, fingerprint) to pin once sent
    api_url: str | None = None

    def summary(self) -> str:
        lines = [f"Report {self.report_id}: {self.title}",
                 f"  to        : {self.recipient} via {self.channel}"
                 + (f" (from {self.contact_source})" if self.contact_source else "")]
        if self.key:
            lines.append(f"  key       : {self.key.get('fingerprint')} ({self.key.get('algorithm', '?')}, "
                         f"expires {self.key.get('expires') or 'never'}; source {self.key.get('source', '?')})")
        else:
            lines.append("  key       : NONE — the report would be sent UNENCRYPTED")
        lines.append(f"  policy    : {self.policy_id}, language {self.lang}")
        lines += [f"  warning   : {w}" for w in self.warnings]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "report_id": self.report_id, "channel": self.channel, "recipient": self.recipient,
            "language": self.lang, "policy": self.policy_id, "organisation": self.organisation,
            "message_id": self.message_id, "encrypted": self.encrypted, "key": self.key,
            "contact_source": self.contact_source, "scope": self.scope, "discovery": self.discovery,
            "plaintext_sha256": self.plaintext_sha256, "encrypted_sha256": self.encrypted_sha256,
            "warnings": self.warnings,
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
def plan_submission(path: Path, *, settings: Any, options: SubmitOptions, now: dt.datetime,
                    lang: str, progress: Callable[[str], None] = lambda _m: None) -> Plan:
    """Everything up to (not including) delivery. Raises CvdError subclasses with their exit codes."""
    from cvd_reporter.reportfile import check_report_file  # noqa: PLC0415

    progress("Checking the report…")
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

    from cvd_reporter.net.http import Fetcher  # noqa: PLC0415

    fetcher = Fetcher.from_settings(settings, allow_private=options.allow_private)
    progress("Checking scope…")
    scope_results = _check_scope(report, policy=policy, settings=settings, fetcher=fetcher, now=now,
                                 strict=options.strict_scope, warnings=warnings)

    channel = options.via
    if channel == "github":
        return _plan_github(report, rid=rid, title=title, policy=policy, options=options, lang=lang, now=now,
                            scope_results=scope_results, warnings=warnings, path=path, checked=checked)

    progress("Looking for the organisation's security.txt…")
    discovery = _discover(report, fetcher=fetcher, now=now)
    st = discovery.security_txt
    if not st.valid:
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

    progress("Finding and checking the organisation's OpenPGP key…")
    key_info, cert, pin = _find_key(st, [c.address for c in mailto], settings=settings, fetcher=fetcher,
                                    now=now, options=options, warnings=warnings)

    progress("Encrypting…")
    message, message_id, plain_sha, enc_sha = _build_message(
        checked, report_id=rid, channel=channel, recipient=recipient or "", lang=report_lang, now=now,
        cert=cert, settings=settings, policy=policy, options=options)
    return Plan(
        report_id=rid, title=title, channel=channel, recipient=recipient or "", lang=report_lang,
        policy_id=policy.id, organisation=report.organisation.name or discovery.host, message=message,
        message_id=message_id, plaintext_sha256=plain_sha, encrypted_sha256=enc_sha, encrypted=cert is not None,
        key=key_info, contact_source=discovery.url, scope=scope_results, discovery=discovery.to_dict(),
        findings=checked.findings, warnings=warnings, calendar=policy.calendar,
        response_days=policy.response_working_days, target=(report.target.urls or report.target.ips)[0],
        report_path=str(path), evidence_paths=[str(e.path) for e in checked.evidence], pin=pin,
        api_url=settings.api_url if channel == "api" else None)


def _check_scope(report: Any, *, policy: Any, settings: Any, fetcher: Any, now: dt.datetime, strict: bool,
                 warnings: list[str]) -> list[dict[str, Any]]:
    from cvd_reporter.scoping import check_targets  # noqa: PLC0415

    targets = list(report.target.urls) + list(report.target.ips)
    verdicts = check_targets(targets, policy_scope=policy.scope, settings=settings, fetcher=fetcher, now=now)
    out = [v.to_dict() for v in verdicts]
    for v in verdicts:
        if v.verdict == "out_of_scope" or (strict and v.verdict == "unknown"):
            raise ScopeError(f"{v.target.original} is {v.verdict.replace('_', ' ')}: {'; '.join(v.reasons)}",
                             data={"scope": out})
        if v.verdict == "unknown":
            warnings.append(f"Scope of {v.target.original} is unknown: {'; '.join(v.reasons)}")
    return out


def _discover(report: Any, *, fetcher: Any, now: dt.datetime) -> Any:
    from cvd_reporter.net.discovery import discover  # noqa: PLC0415

    target = (report.target.urls or report.target.ips)[0]
    if report.organisation.domain and not report.target.urls:
        target = report.organisation.domain
    return discover(target, fetcher, now=now)


def _find_key(st: Any, addresses: list[str], *, settings: Any, fetcher: Any, now: dt.datetime,
              options: SubmitOptions, warnings: list[str]) -> tuple[dict[str, Any] | None, Any, tuple | None]:
    from cvd_reporter.net.dns import make_resolver  # noqa: PLC0415
    from cvd_reporter.net.keys import find_keys  # noqa: PLC0415
    from cvd_reporter.store.pins import PinStore  # noqa: PLC0415

    try:
        found = find_keys(encryption_uris=list(st.encryption), contacts=addresses, fetcher=fetcher,
                          resolver=make_resolver(settings), keyserver=settings.keyserver, now=now)
    except DiscoveryError:
        if options.allow_plaintext:
            warnings.append("No OpenPGP key was found: the report will be sent UNENCRYPTED (--allow-plaintext).")
            return None, None, None
        raise
    chosen = found.chosen
    verdict = chosen.verdict
    for w in verdict.warnings:
        warnings.append(w)
    contact = addresses[0] if addresses else (chosen.url or "")
    PinStore(settings.home).check(contact, verdict.fingerprint, accept_new=options.accept_new_key)
    info = dict(verdict.to_dict(), source=chosen.source)
    return info, chosen.certificate, (contact, verdict.fingerprint)


def _build_message(checked: Any, *, report_id: str, channel: str, recipient: str, lang: str, now: dt.datetime,
                   cert: Any, settings: Any, policy: Any, options: SubmitOptions) -> tuple[bytes, str, str, str]:
    from cvd_reporter.core import mime  # noqa: PLC0415
    from cvd_reporter.core.openpgp import encrypt  # noqa: PLC0415
    from cvd_reporter.core.render import render_text, subject  # noqa: PLC0415

    report = checked.loaded.report
    reporter_key = _reporter_key(report.reporter.pgp_key, checked.loaded.path.parent)
    sender = settings.smtp_from or report.reporter.email or "anonymous@invalid"
    text = render_text(report, policy=policy, lang=lang, report_id=report_id, date=now.date(),
                       has_reporter_key=reporter_key is not None,
                       evidence_names=[Path(e.path).name for e in checked.evidence])
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "cvd-reporter.invalid"
    message_id = mime.message_id_for(report_id, domain)

    def encrypt_bytes(data: bytes) -> bytes:
        if cert is None:
            if not options.allow_plaintext:
                raise KeyProblem("No usable key to encrypt to; refusing to send the report in plaintext.")
            return data
        return encrypt(data, cert, now=now)

    if channel == "api":
        payload = {
            "schema": "cvd-report/1", "report_id": report_id, "created": now.isoformat(), "language": lang,
            "report": report.to_dict(), "text": text,
            "attachments": [{"name": Path(e.path).name, "sha256": sha256(e.content or b""),
                             "size": len(e.content or b"")} for e in checked.evidence],
        }
        plain = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        sealed = encrypt_bytes(plain)
        return sealed, report_id, sha256(plain), sha256(sealed)
    attachments = [(Path(e.path).name, e.content or b"", _media_type(Path(e.path).name)) for e in checked.evidence]
    inner = mime.build_inner(report_text=text, subject=subject(report, lang), from_addr=sender, to_addr=recipient,
                             message_id=message_id, date=now, attachments=attachments, reporter_key=reporter_key,
                             lang=lang)
    if cert is None:
        if not options.allow_plaintext:
            raise KeyProblem("No usable key to encrypt to; refusing to send the report in plaintext.")
        return inner, message_id, sha256(inner), sha256(inner)
    message = mime.build_encrypted(inner, encrypt=encrypt_bytes, from_addr=sender, to_addr=recipient,
                                   message_id=message_id, date=now, report_id=report_id)
    return message, message_id, sha256(inner), sha256(message)


def _reporter_key(value: str | None, base: Path) -> str | None:
    if not value:
        return None
    if "BEGIN PGP PUBLIC KEY BLOCK" in value:
        return value
    path = (base / value).expanduser()
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        raise ValidationError(f"reporter.pgp_key {value!r} is neither an armored key nor a readable file.") \
            from None


def _media_type(name: str) -> str:
    import mimetypes  # noqa: PLC0415

    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _plan_github(report: Any, *, rid: str, title: str, policy: Any, options: SubmitOptions, lang: str,
                 now: dt.datetime, scope_results: list, warnings: list[str], path: Path, checked: Any) -> Plan:
    from cvd_reporter.core.render import render_text  # noqa: PLC0415

    if not options.repo or "/" not in options.repo:
        raise InputNeeded("--via github needs --repo OWNER/NAME.")
    text = render_text(report, policy=policy, lang=lang, report_id=rid, date=now.date())
    payload = {"summary": title, "description": text}
    if report.vulnerability.cwe:
        payload["cwe_ids"] = [report.vulnerability.cwe]
    if report.vulnerability.cvss:
        payload["cvss_vector_string"] = report.vulnerability.cvss
    body = json.dumps(payload, ensure_ascii=False).encode()
    warnings.append(GITHUB_NOT_E2E)
    return Plan(report_id=rid, title=title, channel="github", recipient=options.repo, lang=lang,
                policy_id=policy.id, organisation=options.repo, message=body, message_id=rid,
                plaintext_sha256=sha256(body), encrypted_sha256=sha256(body), encrypted=False, scope=scope_results,
                findings=checked.findings, warnings=warnings, calendar=policy.calendar,
                response_days=policy.response_working_days,
                target=(report.target.urls or report.target.ips)[0], report_path=str(path),
                evidence_paths=[str(e.path) for e in checked.evidence])
