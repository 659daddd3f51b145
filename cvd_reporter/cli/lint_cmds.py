"""`lint FILE...`: scan report text and evidence for personal data and secrets; `--redact` writes copies.

Exit 0 when the scan ran (hits are warnings, listed), 3 with --strict when anything was found, 3 when
an input is missing, a folder, binary, not UTF-8 or larger than 25 MiB (checked for every file before
anything is scanned or written), 2 for a --redact path that cannot work.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cvd_reporter.app.reportfile import MAX_EVIDENCE_BYTES, parse_document, read_text_file
from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options
from cvd_reporter.core.i18n import translator
from cvd_reporter.core.lint import normalise_phone, redact, scan_text
from cvd_reporter.errors import EXIT_OK, EXIT_VALIDATION, CvdError, UsageError
from cvd_reporter.store.fs import write_private

if TYPE_CHECKING:
    from pathlib import Path


@click.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--redact", "redact_to", metavar="OUT",
              help="Write redacted copies (0600): with one FILE, OUT is the file to write (or an existing "
                   "folder); with several FILEs, OUT is a folder. Without it nothing is written.")
@click.option("--own-email", "own_emails", multiple=True, metavar="E",
              help="Your own e-mail address, not flagged (repeatable; config reporter.email counts too).")
@click.option("--own-phone", "own_phones", multiple=True, metavar="P",
              help="Your own phone number, not flagged (repeatable; config reporter.phone counts too).")
@click.option("--strict", is_flag=True, help="Exit 3 when anything is found (default: exit 0, findings listed).")
@global_options
@cvd_command
def lint(app: AppContext, files: tuple[str, ...], redact_to: str | None, own_emails: tuple[str, ...],
         own_phones: tuple[str, ...], strict: bool) -> Result:
    """Scan FILEs (report text, evidence) for personal data and secrets: BSN, IBAN, card numbers,
    other people's e-mail addresses and phone numbers, passwords, tokens, JWTs, private keys and
    session cookies. Each hit is a warning with file, line and column; the secret itself is never
    printed. Only UTF-8 text files up to 25 MiB are scanned.
    """
    paths = [Path(f) for f in files]
    texts = [read_text_file(p, what="file", max_bytes=MAX_EVIDENCE_BYTES) for p in paths]
    targets = redact_targets(paths, redact_to)
    emails, phones = own_contacts(app, own_emails, own_phones, paths, texts)
    lang = app.lang
    findings, lines, per_file = [], [], []
    for path, text, target in zip(paths, texts, targets, strict=True):
        hits = scan_text(text, own_emails=emails, own_phones=phones, path=str(path))
        findings += [h.to_finding(lang) for h in hits]
        lines += [f"{path}:{h.line}:{h.column}: {h.info.label(lang)} ({h.preview})" for h in hits]
        if target is not None:
            write_private(target, redact(text, hits), user_path=True)
        per_file.append({"path": str(path), "hits": len(hits), "redacted_to": str(target) if target else None})
    lines.append(summary(len(findings), per_file, lang, redacted=redact_to is not None))
    return Result(data={"files": per_file, "hits": len(findings), "strict": strict}, findings=findings,
                  text="\n".join(lines), findings_in_text=True,
                  exit_code=EXIT_VALIDATION if strict and findings else EXIT_OK)


def redact_targets(paths: list[Path], redact_to: str | None) -> list[Path | None]:
    """Where each redacted copy goes; checked before anything is written. Never over an input."""
    if redact_to is None:
        return [None] * len(paths)
    out = Path(redact_to)
    if len(paths) == 1 and not out.is_dir():
        targets = [out]
    else:
        if out.exists() and not out.is_dir():
            raise UsageError.t("lint_cmd.redact_folder", out=out)
        names = [p.name for p in paths]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise UsageError.t("lint_cmd.same_name", name=twice[0], out=out)
        targets = [out / n for n in names]
    inputs = {p.resolve() for p in paths}
    for t in targets:
        if t.resolve() in inputs:
            raise UsageError.t("lint_cmd.overwrite_input", path=t)
    return list(targets)


def own_contacts(app: AppContext, emails: tuple[str, ...], phones: tuple[str, ...], paths: list[Path],
                 texts: list[str]) -> tuple[list[str], list[str]]:
    """The reporter's own e-mail and phone: flags, config (reporter.email/phone), and the reporter
    block of any input that is a report file (schema cvd-report/1), as `validate` does."""
    for e in emails:
        if "@" not in e:
            raise UsageError.t("lint_cmd.own_email", value=repr(e))
    for p in phones:
        if not any(ch.isdigit() for ch in normalise_phone(p)):
            raise UsageError.t("lint_cmd.own_phone", value=repr(p))
    all_emails, all_phones = list(emails), list(phones)
    all_emails += [app.settings.reporter_email] if app.settings.reporter_email else []
    all_phones += [app.settings.reporter_phone] if app.settings.reporter_phone else []
    for path, text in zip(paths, texts, strict=True):
        reporter = _report_reporter(path, text)
        all_emails += [reporter["email"]] if isinstance(reporter.get("email"), str) else []
        all_phones += [reporter["phone"]] if isinstance(reporter.get("phone"), str) else []
    return all_emails, all_phones


def _report_reporter(path: Path, text: str) -> dict[str, Any]:
    if "cvd-report/1" not in text[:4096]:
        return {}

    try:
        doc = parse_document(text, path)
    except CvdError:
        return {}  # a broken report is still linted as text; `validate` explains what is wrong
    reporter = doc.get("reporter") if isinstance(doc, dict) else None
    return reporter if isinstance(reporter, dict) else {}


def summary(hits: int, per_file: list[dict[str, Any]], lang: str, *, redacted: bool) -> str:
    files = len(per_file)
    t = translator(lang)
    found = t("lint.summary.found", hits=hits, files=files) if hits else t("lint.summary.clean", files=files)
    tail = (t("lint.summary.redacted", paths=", ".join(f["redacted_to"] for f in per_file)) if redacted
            else t("lint.summary.not_written") if hits else "")
    return found + tail + "."
