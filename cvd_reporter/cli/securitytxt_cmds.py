"""`cvd-reporter discover TARGET` and `cvd-reporter securitytxt check FILE|URL|DOMAIN`.

Thin wrappers: the logic is in core/securitytxt/ (pure) and net/discovery.py (fetching).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options
from cvd_reporter.core.i18n import N_, say, translator
from cvd_reporter.core.securitytxt import (
    MAX_BYTES,
    apply_signature,
    parse,
    printable,
    verify_signature,
)
from cvd_reporter.errors import EXIT_OK, EXIT_VALIDATION, DiscoveryError, InputFileError
from cvd_reporter.net import discovery
from cvd_reporter.net.discovery import fetch_url

if TYPE_CHECKING:
    from cvd_reporter.core.securitytxt import SecurityTxt
    from cvd_reporter.net.discovery import Discovery

KEY_MAX_BYTES = 1 << 20


def _fetch_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--key", "key_files", multiple=True, metavar="FILE",
                     help="An OpenPGP public key to check the file's signature with (repeatable); "
                          "tried after the key behind the Encryption field.")(f)
    return click.option("--allow-private", is_flag=True,
                        help="Connect even when a public name resolves to a loopback, private or link-local "
                             "address (split-horizon DNS or rebinding is suspected otherwise).")(f)


@click.command(name="discover")
@click.argument("target")
@click.option("--no-parents", is_flag=True, help="Do not look at parent domains when the host has no file.")
@_fetch_options
@global_options
@cvd_command
def discover(app: AppContext, target: str, no_parents: bool, allow_private: bool,
             key_files: tuple[str, ...]) -> Result:
    """Find where to report for TARGET (a URL, host or domain): the security.txt that covers it, with
    its redirect chain, validity, contacts in order of preference, languages, key and signature.

    When there is no security.txt, it has errors or names no e-mail contact, the search goes on: the
    page its Policy field names, policy links on the home page, well-known policy paths
    (/responsible-disclosure, /kwetsbaarheid-melden, ...), then the directory. Each contact shows where
    it came from.
    One deadline (--timeout) covers the whole search.

    Exit 0: contacts found (from a valid file, a policy page or the directory); 3: the security.txt has
    errors; 5: nowhere to report found.
    """
    from cvd_reporter.app.contacts import search_contacts  # noqa: PLC0415 - only `discover` needs the search
    from cvd_reporter.cli.contacts_view import describe_search, nothing_found  # noqa: PLC0415 - as above

    fetcher = app.context.network.fetcher(allow_private=allow_private)
    now = app.context.clock()
    d, error = None, None
    try:
        d = discovery.discover(target, fetcher, now=now, walk_parents=not no_parents,
                               user_keys=_read_keys(key_files))
    except DiscoveryError as e:
        if e.code != "no_security_txt":
            raise
        error = e
    search = search_contacts(target, fetcher, now=now, home=app.context.home, discovery=d,
                             discovery_error=error, walk_parents=not no_parents)
    if d is None:
        assert error is not None
        if not search.contacts:
            raise nothing_found(search, error)
        return Result(data={"target": target, "host": search.host, "security_txt": None,
                            "tried": error.data.get("tried", []), "contacts": search.to_dict()["contacts"],
                            "search": search.to_dict()},
                      text=describe_search(search, error, app.lang), exit_code=EXIT_OK)
    data = d.to_dict(include_findings=False)
    text = describe_discovery(d, app.lang)
    data["contacts"] = search.to_dict()["contacts"]
    data["search"] = search.to_dict()
    if len(search.steps) > 1 or any(c.source.kind != "security_txt" for c in search.contacts):
        text += "\n" + describe_search(search, None, app.lang)
    return Result(data=data, findings=d.all_findings, text=text, findings_in_text=True,
                  exit_code=EXIT_OK if d.valid else EXIT_VALIDATION)


@click.group(name="securitytxt")
def securitytxt() -> None:
    """Validate security.txt files (RFC 9116)."""


def _parse_now(value: str | None) -> datetime | None:
    """--now: a date (midnight UTC) or an ISO 8601 moment; one without a zone is taken as UTC."""
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-20 or a moment like "
                                 "2026-11-20T09:30:00Z.") from None
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


@securitytxt.command(name="check")
@click.argument("source")
@click.option("--url", "source_url", metavar="URL",
              help="For a FILE: the URL it was fetched from, so that Canonical can be checked.")
@click.option("--now", "at", metavar="DATE", callback=lambda _c, _p, v: _parse_now(v),
              help="Judge expiry as of this moment (2026-11-20 or 2026-11-20T09:30:00Z) instead of now, "
                   "so a verdict can be reproduced.")
@_fetch_options
@global_options
@cvd_command
def check(app: AppContext, source: str, source_url: str | None, at: datetime | None, allow_private: bool,
          key_files: tuple[str, ...]) -> Result:
    """Validate one security.txt: a FILE (offline; - reads stdin), an https URL (exactly that URL),
    or a DOMAIN (its /.well-known/security.txt, then /security.txt; no parent domains).

    Finding codes are compatible with sectxt. Exit 0: valid; 3: errors; 5: nothing found.
    """
    now = at or app.context.clock()
    keys = _read_keys(key_files)

    if source == "-" or Path(source).is_file() or _looks_like_path(source):
        stx = parse(_read_input(source), now=now, urls=[source_url] if source_url else None)
        if stx.signature.status == "unknown_key":
            stx = apply_signature(stx, verify_signature(stx, [], user_keys=keys))
        return Result(data={"source": "file", "path": source,
                            "security_txt": stx.to_dict(include_findings=False)},
                      findings=stx.findings, text=describe_file(source, stx, now, app.lang), findings_in_text=True,
                      exit_code=EXIT_OK if stx.valid else EXIT_VALIDATION)

    fetcher = app.context.network.fetcher(allow_private=allow_private)
    is_url = "://" in source and (source.split("://", 1)[1].partition("/")[2].strip("/") != "")
    if "://" in source and source.lower().startswith("http://"):
        app.info(say(app.lang, "stx.https_only"))
    d = (fetch_url(source, fetcher, now=now, user_keys=keys) if is_url
         else discovery.discover(source, fetcher, now=now, walk_parents=False, user_keys=keys))
    return Result(data={"source": "url" if is_url else "domain", **d.to_dict(include_findings=False)},
                  findings=d.all_findings, text=describe_discovery(d, app.lang), findings_in_text=True,
                  exit_code=EXIT_OK if d.valid else EXIT_VALIDATION)


# ---------------------------------------------------------------------------- input
def _looks_like_path(source: str) -> bool:
    return "://" not in source and (os.sep in source or source.lower().endswith(".txt"))


def _read_input(source: str) -> bytes:
    if source == "-":
        with click.open_file("-", "rb") as fh:
            return fh.read(MAX_BYTES + 1)
    try:
        with open(source, "rb") as fh:
            return fh.read(MAX_BYTES + 1)  # parse() reports anything larger (RFC 9116 §5.4)
    except FileNotFoundError:
        raise InputFileError.t("securitytxt.no_file", path=source) from None
    except IsADirectoryError:
        raise InputFileError.t("securitytxt.is_folder", path=source) from None
    except OSError as e:
        raise InputFileError(f"The file {source} cannot be read ({e.strerror}).") from None


def _read_keys(paths: tuple[str, ...]) -> list[bytes]:
    keys = []
    for path in paths:
        try:
            with open(path, "rb") as fh:
                data = fh.read(KEY_MAX_BYTES + 1)
        except OSError as e:
            raise InputFileError(f"The key file {path} cannot be read ({e.strerror}).") from None
        if len(data) > KEY_MAX_BYTES:
            raise InputFileError(f"The key file {path} is larger than 1 MiB; give one OpenPGP public key.")
        keys.append(data)
    return keys


# ---------------------------------------------------------------------------- human output
_KIND = {"mailto": N_("stx.kind.mailto"), "https": N_("stx.kind.https"), "tel": N_("stx.kind.tel"),
         "other": N_("stx.kind.other")}
_LABELS = (("encryption", N_("stx.label.encryption")), ("policy", N_("stx.label.policy")),
           ("languages", N_("stx.label.languages")), ("canonical", N_("stx.label.canonical")),
           ("csaf", N_("stx.label.csaf")), ("acknowledgments", N_("stx.label.acknowledgments")),
           ("hiring", N_("stx.label.hiring")))
_SIGNATURES = {"unsigned": N_("stx.sig.unsigned"), "bad_signature": N_("stx.sig.bad_signature"),
               "unknown_key": N_("stx.sig.unknown_key"), "signed_by_encryption_key": N_("stx.sig.by_encryption_key"),
               "signed": N_("stx.sig.signed")}


def _expires_text(stx: SecurityTxt, now: datetime, lang: str = "en") -> str:
    t = translator(lang)
    if stx.expires is None:
        return t("stx.expires_missing")
    days = (stx.expires - now).days
    when = t("stx.in_days", n=days) if stx.expires >= now else t("stx.expired_ago", n=-days)
    return f"{stx.expires:%Y-%m-%d %H:%M} UTC ({when})"


def _signature_text(stx: SecurityTxt, lang: str = "en") -> str:
    s = stx.signature
    if s.status not in _SIGNATURES:
        return s.status
    return translator(lang)(_SIGNATURES[s.status], detail=s.detail, key=s.key_id or "?", fpr=s.fingerprint)


def _row(label: str, value: str) -> str:
    return f"{label + ':':<17}{value}" if label else f"{'':<17}{value}"


def describe_security_txt(stx: SecurityTxt, now: datetime, findings: list[Any], lang: str = "en") -> list[str]:
    t = translator(lang)
    errors = sum(f.severity == "error" for f in findings)
    warns = sum(f.severity == "warning" for f in findings)
    valid = t(N_("stx.valid_no") if errors else N_("stx.valid_yes"), errors=errors, warnings=warns)
    lines = [_row(t("stx.label.valid"), valid),
             t("stx.contacts") if stx.contacts else t("stx.no_contacts")]
    for i, c in enumerate(stx.contacts, 1):
        shown = c.address if c.address and c.kind == "mailto" else c.uri
        extra = "  " + t("stx.subject", subject=repr(c.subject)) if c.subject else ""
        bad = "" if c.valid else "  " + t("stx.not_usable", problem=c.problem)
        lines.append(f"  {i}. {(t(_KIND[c.kind]) + ' '):<7}{printable(shown)}{printable(extra)}{printable(bad)}")
    values_of = {"encryption": stx.encryption, "policy": stx.policy,
                 "languages": [", ".join(stx.preferred_languages)] if stx.preferred_languages else [],
                 "canonical": stx.canonical, "csaf": stx.csaf, "acknowledgments": stx.acknowledgments,
                 "hiring": stx.hiring}
    for key, label in _LABELS:
        for j, v in enumerate(values_of[key] or ["-"]):
            lines.append(_row(t(label) if j == 0 else "", printable(v)))
    lines.append(_row(t("stx.label.expires"), _expires_text(stx, now, lang)))
    lines.append(_row(t("stx.label.signature"), printable(_signature_text(stx, lang))))
    return lines


def _findings_text(findings: list[Any], lang: str = "en") -> list[str]:
    t = translator(lang)
    if not findings:
        return [t("stx.findings_none")]
    return [t("stx.findings"), *(f"  {printable(f.human(lang))}" for f in findings)]


def describe_file(path: str, stx: SecurityTxt, now: datetime, lang: str = "en") -> str:
    t = translator(lang)
    lines = [t("stx.file", path=path), *describe_security_txt(stx, now, stx.findings, lang),
             *_findings_text(stx.findings, lang)]
    return "\n".join(lines)


def describe_discovery(d: Discovery, lang: str = "en") -> str:
    t = translator(lang)
    lines = [t("stx.for_host", host=d.host), _row(t("stx.label.found_at"), printable(d.url))]
    for a in d.tried[:-1]:
        lines.append(_row(t("stx.label.tried"), printable(a.message)))
    if len(d.chain) > 1:
        lines.append(t("stx.redirects"))
        lines += [f"  {h['status']}  {printable(h['url'])}" for h in d.chain]
    scope = d.host if d.covers_host else t("stx.parent_only", parent=d.from_parent, host=d.host)
    if d.cross_domain_redirect:
        scope += t("stx.scope_change")
    lines.append(_row(t("stx.label.applies_to"), scope))
    lines += describe_security_txt(d.security_txt, datetime.fromisoformat(d.fetched_at), d.all_findings, lang)
    return "\n".join(lines + _findings_text(d.all_findings, lang))
