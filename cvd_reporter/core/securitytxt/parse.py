"""Parse and validate one security.txt file (RFC 9116): line by line, the signed part, whole-file checks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from cvd_reporter.core.display import printable
from cvd_reporter.core.findings import Said, tr
from cvd_reporter.core.i18n import Phrase
from cvd_reporter.core.langtags import is_valid as is_valid_language_tag
from cvd_reporter.core.pgp import cleartext
from cvd_reporter.core.pgp.armor import ArmorError
from cvd_reporter.core.securitytxt.codes import FIELD_NAMES, MAX_BYTES, MAX_LINE_CHARS, MAX_LINES, URI_FIELDS, _Findings
from cvd_reporter.core.securitytxt.fields import (
    _BAD_CHARS,
    _CLEARTEXT_HEADER,
    _SCHEME,
    _aware,
    _encryption_problem,
    _one_year_after,
    looks_like_html,
    parse_contact,
    parse_expires,
)
from cvd_reporter.core.securitytxt.model import Field, SecurityTxt, SignatureStatus
from cvd_reporter.errors import ValidationError


# ---------------------------------------------------------------------------------- parser
class _Parser:
    def __init__(self, now: datetime, urls: Sequence[str] | None) -> None:
        self.now = now
        self.urls = list(urls or [])
        self.out = _Findings()
        self.fields: list[Field] = []
        self.signed = False

    # -- one line (already right-stripped; dash-escaping undone in signed text) --
    def line(self, no: int, line: str) -> None:
        if line.startswith("#"):
            return
        if ":" not in line:
            if line:
                self.out.add("invalid_line", tr("securitytxt.invalid_line"),
                             line=no)
            return
        key, value = line.split(":", 1)
        key = key.lower()
        if key.rstrip() != key:
            self.out.add("prec_ws", tr("securitytxt.prec_ws"), line=no)
            key = key.rstrip()
        if value:
            if value[0] != " ":
                self.out.add("no_space", tr("securitytxt.no_space"), line=no)
            value = value.lstrip()
        if key == "hash" and self.signed:
            return  # a stray cleartext Hash: header, as sectxt treats it
        if not key:
            self.out.add("empty_key", tr("securitytxt.empty_key"), line=no)
            return
        if not _FIELD_NAME.fullmatch(key):  # reported here, and below as unknown_field as sectxt does
            self.out.add("invalid_field_name", tr("securitytxt.invalid_field_name", key=printable(key)), line=no)
        name = FIELD_NAMES.get(key, key)
        if not value:
            self.out.add("empty_value", tr("securitytxt.empty_value", name=name), line=no, field=name)
            return
        self.fields.append(Field(key, value, no))
        if key in URI_FIELDS:
            m = _SCHEME.match(value)
            if m is None:
                self.out.add("no_uri", tr("securitytxt.no_uri", name=name),
                             line=no, field=name)
            elif m.group(1).lower() == "http":
                self.out.add("no_https", tr("securitytxt.no_https", name=name), line=no, field=name)
            elif m.group(1).lower() == "https" and not _has_host(value):
                self.out.add("invalid_uri", tr("securitytxt.invalid_uri", name=name), line=no, field=name)
        elif key == "expires":
            self.expires(value, no)
        elif key == "preferred-languages":
            for tag in (v.strip() for v in value.split(",")):
                if not is_valid_language_tag(tag):
                    self.out.add("invalid_lang", tr("securitytxt.invalid_lang", tag=tag), line=no, field=name)
        if key not in FIELD_NAMES:
            self.out.add("unknown_field", tr("securitytxt.unknown_field", key=key), line=no, field=key)

    def expires(self, value: str, no: int) -> None:
        dt = parse_expires(value)
        if dt is None:
            self.out.add("invalid_expiry", tr("securitytxt.invalid_expiry", value=value), line=no, field="Expires")
            return
        if dt > _one_year_after(self.now):
            self.out.add("long_expiry", tr("securitytxt.long_expiry"), line=no, field="Expires")
        elif dt < self.now:
            self.out.add("expired", tr("securitytxt.expired", when=f"{dt:%Y-%m-%d %H:%M}"), line=no, field="Expires")


# RFC 9116 §2 takes field-name from RFC 5322 §3.6.8: printable US-ASCII except ":" (no space).
_FIELD_NAME = re.compile(r"[\x21-\x39\x3b-\x7e]+")


def _has_host(value: str) -> bool:
    try:
        return bool(urlsplit(value).hostname)
    except ValueError:
        return False


def parse(content: bytes, *, now: datetime, urls: list[str] | None = None) -> SecurityTxt:
    """Parse and validate a security.txt body. ``urls``: the URL asked for and the URL the file came
    from (first and last of the redirect chain), for the Canonical check. Pure; linear time."""
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise ValidationError("The security.txt content must be given as bytes.", code="invalid_input")
    content = bytes(content)
    now = _aware(now)
    p = _Parser(now, urls)
    out = p.out
    size = len(content)
    truncated = False
    if size > MAX_BYTES:
        out.add("file_too_large", tr("securitytxt.file_too_large", max_bytes=MAX_BYTES))
        content, truncated = content[:MAX_BYTES], True
    if content.startswith(b"\xef\xbb\xbf"):
        out.add("bom_in_file", tr("securitytxt.bom_in_file"),
                line=1)
        content = content[3:]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as e:
        if truncated and e.start >= len(content) - 3 and e.reason == "unexpected end of data":
            text = content[:e.start].decode("utf-8", "replace")  # we cut a character in two
        else:
            out.add("utf8", tr("securitytxt.utf8"),
                    line=content[:e.start].count(b"\n") + 1)
            text = content.decode("utf-8", "replace")
    raw = text.split("\n")
    if len(raw) > MAX_LINES + 1 or (len(raw) == MAX_LINES + 1 and raw[-1] != ""):
        out.add("too_many_lines", tr("securitytxt.too_many_lines", max_lines=MAX_LINES), line=MAX_LINES + 1)
        raw, truncated = raw[:MAX_LINES], True
    if looks_like_html(text):
        out.add("html_page", tr("securitytxt.html_page"), line=1)
    lines = [r.rstrip() for r in raw]
    skip: set[int] = set()
    for i, r in enumerate(raw):
        if len(r) > MAX_LINE_CHARS:
            out.add("line_too_long", tr("securitytxt.line_too_long", line=i + 1, n=len(r), max=MAX_LINE_CHARS),
                    line=i + 1)
            skip.add(i)
        elif _BAD_CHARS.search(lines[i]):
            bad = _BAD_CHARS.search(lines[i]).group()  # type: ignore[union-attr]
            what = "a carriage return without a line feed" if bad == "\r" else f"the control character U+{ord(bad):04X}"
            out.add("invalid_char", tr("securitytxt.invalid_char", line=i + 1, what=what),
                    line=i + 1)

    stx = SecurityTxt(findings=[], size=size, line_count=len(raw) - (1 if raw and raw[-1] == "" else 0))
    header = next((i for i, line in enumerate(lines) if line == cleartext.BEGIN_SIGNED), None)
    if header is None:
        for i, line in enumerate(lines):
            if i not in skip:
                p.line(i + 1, line)
    else:
        p.signed = True
        _signed(p, stx, content, raw, lines, header, skip)

    _whole_file_checks(p, stx, lines, truncated)
    stx.findings = out.done()
    return stx


def _signed(p: _Parser, stx: SecurityTxt, content: bytes, raw: list[str], lines: list[str], header: int,
            skip: set[int]) -> None:
    """RFC 4880 §7 cleartext framework: header, Hash headers, blank line, dash-escaped text, signature."""
    out = p.out
    if header:
        out.add("signed_format_issue",
                tr("securitytxt.signed_format_issue", begin=cleartext.BEGIN_SIGNED, header=header),
                line=header + 1)
    n = len(lines)
    i = header + 1
    while i < n and _CLEARTEXT_HEADER.fullmatch(lines[i]):
        i += 1
    pgp_problem: tuple[str, str | Said, int] | None = None
    if i < n and lines[i] == "":
        i += 1
    else:
        pgp_problem = ("pgp_data_error", tr("securitytxt.pgp.no_hash_line"), i + 1)
    body_start = i
    sig_start = next((j for j in range(i, n) if lines[j] == cleartext.BEGIN_SIGNATURE), None)
    body_end = sig_start if sig_start is not None else n
    for j in range(body_start, body_end):
        if j in skip:
            continue
        line = lines[j]
        if line.startswith("- "):
            line = line[2:]
        elif line == cleartext.BEGIN_SIGNED:
            out.add("signed_format_issue", tr("securitytxt.signed_format_issue.2"), line=j + 1)
            continue
        p.line(j + 1, line)
    stx.signed_text = "\n".join(r[2:] if r.startswith("- ") else r for r in raw[body_start:body_end])
    if sig_start is None:
        pgp_problem = pgp_problem or ("pgp_data_error", tr("securitytxt.pgp.no_signature_block"), n)
        stx.signature = SignatureStatus("bad_signature", detail=Phrase("securitytxt.sig.no_block"))
    else:
        sig_end = next((j for j in range(sig_start + 1, n) if lines[j] == cleartext.END_SIGNATURE), None)
        if sig_end is None:
            pgp_problem = pgp_problem or ("pgp_data_error", tr("securitytxt.pgp.no_end_line"), n)
            stx.signature = SignatureStatus("bad_signature", detail=Phrase("securitytxt.sig.not_closed"))
        else:
            for j in range(sig_end + 1, n):
                if lines[j]:
                    out.add("data_after_sig", tr("securitytxt.data_after_sig"), line=j + 1)
            try:
                data = cleartext.dearmor(lines[sig_start + 1:sig_end])
                stx.signatures = cleartext.parse_signature(data)
            except ArmorError as e:
                pgp_problem = pgp_problem or (e.code, as_said(e.message), sig_start + 1)
                stx.signature = SignatureStatus("bad_signature", detail=e.message)
            else:
                first = stx.signatures[0]
                stx.armored_signature = "\n".join(lines[sig_start:sig_end + 1]) + "\n"
                blines = content.split(b"\n")
                stx.signed_bytes = cleartext.canonical_text(blines[body_start:body_end])
                stx.signature = SignatureStatus(
                    "unknown_key", key_id=first.key_id, fingerprint=first.fingerprint,
                    hash_algorithm=first.hash_algorithm, created=first.created,
                    detail=Phrase("securitytxt.sig.not_verified_yet"))
    if pgp_problem:
        out.add(pgp_problem[0], pgp_problem[1], line=pgp_problem[2])


def _whole_file_checks(p: _Parser, stx: SecurityTxt, lines: list[str], truncated: bool) -> None:
    out, fields = p.out, p.fields
    by: dict[str, list[Field]] = {}
    for f in fields:
        by.setdefault(f.name, []).append(f)
    expires = by.get("expires", [])
    if not expires:
        out.add("no_expire", tr("securitytxt.no_expire"), field="Expires")
    elif len(expires) > 1:
        out.add("multi_expire", tr("securitytxt.multi_expire"),
                line=expires[1].line, field="Expires")
    stx.expires = next((d for d in (parse_expires(f.value) for f in expires) if d is not None), None)
    stx.canonical = [f.value for f in by.get("canonical", [])]
    if p.urls and stx.canonical and not any(stx.canonical_lists(u) for u in p.urls):
        out.add("no_canonical_match", tr("securitytxt.no_canonical_match", url=p.urls[-1]),
                field="Canonical")
    if not truncated and lines and lines[-1] != "":
        out.add("no_line_separators", tr("securitytxt.no_line_separators"), line=len(lines))
    if p.signed and len(lines) >= 2 and lines[-1] == "" and lines[-2] == "":
        out.add("too_many_line_separators", tr("securitytxt.too_many_line_separators"),
                line=len(lines))
    csaf = by.get("csaf", [])
    if any(not f.value.endswith("provider-metadata.json") for f in csaf):
        out.add("no_csaf_file", tr("securitytxt.no_csaf_file"), field="CSAF")
    if len(csaf) > 1:
        out.add("multiple_csaf_fields", tr("securitytxt.multiple_csaf_fields"), field="CSAF")
    contacts = by.get("contact", [])
    stx.contacts = [parse_contact(f.value, f.line) for f in contacts]
    for c in stx.contacts:
        m = _SCHEME.match(c.uri)
        if m and m.group(1).lower() != "http" and not c.valid:
            out.add("invalid_contact", tr("securitytxt.invalid_contact", uri=c.uri, problem=c.problem),
                    line=c.line, field="Contact")
    if not contacts:
        out.add("no_contact", tr("securitytxt.no_contact"),
                field="Contact")
    elif any(f.value.startswith("mailto:") for f in contacts) and "encryption" not in by:
        out.add("no_encryption", tr("securitytxt.no_encryption"), field="Encryption")
    for f in by.get("encryption", []):
        problem = _encryption_problem(f.value)
        if problem:
            out.add("invalid_encryption", tr("securitytxt.invalid_encryption", value=f.value, problem=problem),
                    line=f.line, field="Encryption")
    langs = by.get("preferred-languages", [])
    if len(langs) > 1:
        out.add("multi_lang", tr("securitytxt.multi_lang"),
                line=langs[1].line, field="Preferred-Languages")
    if langs:
        stx.preferred_languages = [t for t in (v.strip() for v in langs[0].value.split(",")) if t]
    if not p.signed:
        out.add("not_signed", tr("securitytxt.not_signed"))
    elif not stx.canonical:
        out.add("no_canonical", tr("securitytxt.no_canonical"), field="Canonical")
    stx.fields = fields
    stx.encryption = [f.value for f in by.get("encryption", [])]
    stx.policy = [f.value for f in by.get("policy", [])]
    stx.csaf = [f.value for f in csaf]
    stx.acknowledgments = [f.value for f in by.get("acknowledgments", [])]
    stx.hiring = [f.value for f in by.get("hiring", [])]


def as_said(message: str) -> str | Said:
    """A message that is a catalogue text (core/i18n.Phrase) as a finding's Said; any other as it is."""
    msgid, params = getattr(message, "msgid", None), getattr(message, "params", None)
    return tr(msgid, **params) if isinstance(msgid, str) and isinstance(params, dict) else message
