"""Parse and validate one security.txt file (RFC 9116): line by line, the signed part, whole-file checks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from cvd_reporter.core.display import printable
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
                self.out.add("invalid_line", "A line must be a field (Name: value), a comment (#) or blank.",
                             line=no)
            return
        key, value = line.split(":", 1)
        key = key.lower()
        if key.rstrip() != key:
            self.out.add("prec_ws", "There must be no whitespace before the colon.", line=no)
            key = key.rstrip()
        if value:
            if value[0] != " ":
                self.out.add("no_space", "The colon must be followed by a space.", line=no)
            value = value.lstrip()
        if key == "hash" and self.signed:
            return  # a stray cleartext Hash: header, as sectxt treats it
        if not key:
            self.out.add("empty_key", "The field name must not be empty.", line=no)
            return
        if not _FIELD_NAME.fullmatch(key):  # reported here, and below as unknown_field as sectxt does
            self.out.add("invalid_field_name", f"The field name {printable(key)!r} may hold only printable "
                                               "ASCII without spaces (RFC 9116 §2, RFC 5322 §3.6.8).", line=no)
        name = FIELD_NAMES.get(key, key)
        if not value:
            self.out.add("empty_value", f"The field {name} has no value.", line=no, field=name)
            return
        self.fields.append(Field(key, value, no))
        if key in URI_FIELDS:
            m = _SCHEME.match(value)
            if m is None:
                self.out.add("no_uri", f"The value of {name} must be a URI (with a scheme such as https:).",
                             line=no, field=name)
            elif m.group(1).lower() == "http":
                self.out.add("no_https", f"A web URI in {name} must begin with https://.", line=no, field=name)
            elif m.group(1).lower() == "https" and not _has_host(value):
                self.out.add("invalid_uri", f"The https URI in {name} names no host.", line=no, field=name)
        elif key == "expires":
            self.expires(value, no)
        elif key == "preferred-languages":
            for tag in (v.strip() for v in value.split(",")):
                if not is_valid_language_tag(tag):
                    self.out.add("invalid_lang", f"{tag!r} is not an RFC 5646 language tag; separate tags "
                                                 "with commas, as in 'nl, en'.", line=no, field=name)
        if key not in FIELD_NAMES:
            self.out.add("unknown_field", f"The field {key!r} is not defined by RFC 9116 (a custom field or a "
                                          "typo); it is ignored.", line=no, field=key)

    def expires(self, value: str, no: int) -> None:
        dt = parse_expires(value)
        if dt is None:
            self.out.add("invalid_expiry", f"Expires {value!r} is not an RFC 3339 date-time such as "
                                           "2027-01-31T23:59:59Z.", line=no, field="Expires")
            return
        if dt > _one_year_after(self.now):
            self.out.add("long_expiry", "Expires is more than a year ahead; RFC 9116 §2.5.5 recommends less, "
                                        "so that stale data is noticed.", line=no, field="Expires")
        elif dt < self.now:
            self.out.add("expired", f"The file expired on {dt:%Y-%m-%d %H:%M} UTC; its data may be stale "
                                    "(RFC 9116 §5.3).", line=no, field="Expires")


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
        out.add("file_too_large", f"The file is larger than {MAX_BYTES:,} bytes (32 KiB, RFC 9116 §5.4); only "
                                  "the first 32 KiB were read.")
        content, truncated = content[:MAX_BYTES], True
    if content.startswith(b"\xef\xbb\xbf"):
        out.add("bom_in_file", "The file starts with a byte-order mark; RFC 9116 §4 wants UTF-8 without one.",
                line=1)
        content = content[3:]
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as e:
        if truncated and e.start >= len(content) - 3 and e.reason == "unexpected end of data":
            text = content[:e.start].decode("utf-8", "replace")  # we cut a character in two
        else:
            out.add("utf8", "The file is not valid UTF-8 (RFC 9116 §4); undecodable bytes are shown as \ufffd.",
                    line=content[:e.start].count(b"\n") + 1)
            text = content.decode("utf-8", "replace")
    raw = text.split("\n")
    if len(raw) > MAX_LINES + 1 or (len(raw) == MAX_LINES + 1 and raw[-1] != ""):
        out.add("too_many_lines", f"The file has more than {MAX_LINES} lines (RFC 9116 §5.4); the rest was "
                                  "not read.", line=MAX_LINES + 1)
        raw, truncated = raw[:MAX_LINES], True
    if looks_like_html(text):
        out.add("html_page", "This is an HTML page, not a security.txt (a soft-404 or a login page?).", line=1)
    lines = [r.rstrip() for r in raw]
    skip: set[int] = set()
    for i, r in enumerate(raw):
        if len(r) > MAX_LINE_CHARS:
            out.add("line_too_long", f"Line {i + 1} has {len(r):,} characters; RFC 9116 §5.4 allows "
                                     f"{MAX_LINE_CHARS:,}. It was not parsed.", line=i + 1)
            skip.add(i)
        elif _BAD_CHARS.search(lines[i]):
            bad = _BAD_CHARS.search(lines[i]).group()  # type: ignore[union-attr]
            what = "a carriage return without a line feed" if bad == "\r" else f"the control character U+{ord(bad):04X}"
            out.add("invalid_char", f"Line {i + 1} contains {what}; a security.txt holds only printable text.",
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
        out.add("signed_format_issue", f"A signed file must start with '{cleartext.BEGIN_SIGNED}'; the "
                                       f"{header} line(s) before it are not signed and were ignored.",
                line=header + 1)
    n = len(lines)
    i = header + 1
    while i < n and _CLEARTEXT_HEADER.fullmatch(lines[i]):
        i += 1
    pgp_problem: tuple[str, str, int] | None = None
    if i < n and lines[i] == "":
        i += 1
    else:
        pgp_problem = ("pgp_data_error", "The signed-message header must be followed by a Hash: line and a "
                                         "blank line.", i + 1)
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
            out.add("signed_format_issue", "A second signed-message header inside the signed text.", line=j + 1)
            continue
        p.line(j + 1, line)
    stx.signed_text = "\n".join(r[2:] if r.startswith("- ") else r for r in raw[body_start:body_end])
    if sig_start is None:
        pgp_problem = pgp_problem or ("pgp_data_error", "The signed file has no '-----BEGIN PGP SIGNATURE-----' "
                                                        "block.", n)
        stx.signature = SignatureStatus("bad_signature", detail="The file has no signature block.")
    else:
        sig_end = next((j for j in range(sig_start + 1, n) if lines[j] == cleartext.END_SIGNATURE), None)
        if sig_end is None:
            pgp_problem = pgp_problem or ("pgp_data_error", "The signature block has no '-----END PGP "
                                                            "SIGNATURE-----' line.", n)
            stx.signature = SignatureStatus("bad_signature", detail="The signature block is not closed.")
        else:
            for j in range(sig_end + 1, n):
                if lines[j]:
                    out.add("data_after_sig", "A signed file must not have text after the signature; it is "
                                              "not signed and was ignored.", line=j + 1)
            try:
                data = cleartext.dearmor(lines[sig_start + 1:sig_end])
                stx.signatures = cleartext.parse_signature(data)
            except ArmorError as e:
                pgp_problem = pgp_problem or (e.code, e.message, sig_start + 1)
                stx.signature = SignatureStatus("bad_signature", detail=e.message)
            else:
                first = stx.signatures[0]
                stx.armored_signature = "\n".join(lines[sig_start:sig_end + 1]) + "\n"
                blines = content.split(b"\n")
                stx.signed_bytes = cleartext.canonical_text(blines[body_start:body_end])
                stx.signature = SignatureStatus(
                    "unknown_key", key_id=first.key_id, fingerprint=first.fingerprint,
                    hash_algorithm=first.hash_algorithm, created=first.created,
                    detail="Signed; not verified yet (no key checked).")
    if pgp_problem:
        out.add(pgp_problem[0], pgp_problem[1], line=pgp_problem[2])


def _whole_file_checks(p: _Parser, stx: SecurityTxt, lines: list[str], truncated: bool) -> None:
    out, fields = p.out, p.fields
    by: dict[str, list[Field]] = {}
    for f in fields:
        by.setdefault(f.name, []).append(f)
    expires = by.get("expires", [])
    if not expires:
        out.add("no_expire", "The Expires field is missing; RFC 9116 §2.5.5 requires it.", field="Expires")
    elif len(expires) > 1:
        out.add("multi_expire", "Expires appears more than once; RFC 9116 §2.5.5 allows one.",
                line=expires[1].line, field="Expires")
    stx.expires = next((d for d in (parse_expires(f.value) for f in expires) if d is not None), None)
    stx.canonical = [f.value for f in by.get("canonical", [])]
    if p.urls and stx.canonical and not any(stx.canonical_lists(u) for u in p.urls):
        out.add("no_canonical_match", "Canonical does not list the URL this file was fetched from "
                                      f"({p.urls[-1]}); RFC 9116 §2.5.2 says not to trust it then.",
                field="Canonical")
    if not truncated and lines and lines[-1] != "":
        out.add("no_line_separators", "Every line, the last one included, must end with a line break (LF or "
                                      "CRLF).", line=len(lines))
    if p.signed and len(lines) >= 2 and lines[-1] == "" and lines[-2] == "":
        out.add("too_many_line_separators", "A signed file must not end with more than one line break.",
                line=len(lines))
    csaf = by.get("csaf", [])
    if any(not f.value.endswith("provider-metadata.json") for f in csaf):
        out.add("no_csaf_file", "Every CSAF field must point at a provider-metadata.json file.", field="CSAF")
    if len(csaf) > 1:
        out.add("multiple_csaf_fields", "More than one CSAF field; one is recommended.", field="CSAF")
    contacts = by.get("contact", [])
    stx.contacts = [parse_contact(f.value, f.line) for f in contacts]
    for c in stx.contacts:
        m = _SCHEME.match(c.uri)
        if m and m.group(1).lower() != "http" and not c.valid:
            out.add("invalid_contact", f"Contact {c.uri!r}: {c.problem}.", line=c.line, field="Contact")
    if not contacts:
        out.add("no_contact", "The Contact field is missing; RFC 9116 §2.5.3 requires at least one.",
                field="Contact")
    elif any(f.value.startswith("mailto:") for f in contacts) and "encryption" not in by:
        out.add("no_encryption", "An e-mail Contact without an Encryption field: reports would travel "
                                 "unencrypted unless a key is found elsewhere.", field="Encryption")
    for f in by.get("encryption", []):
        problem = _encryption_problem(f.value)
        if problem:
            out.add("invalid_encryption", f"Encryption {f.value!r}: {problem}.", line=f.line, field="Encryption")
    langs = by.get("preferred-languages", [])
    if len(langs) > 1:
        out.add("multi_lang", "Preferred-Languages appears more than once; RFC 9116 §2.5.8 allows one.",
                line=langs[1].line, field="Preferred-Languages")
    if langs:
        stx.preferred_languages = [t for t in (v.strip() for v in langs[0].value.split(",")) if t]
    if not p.signed:
        out.add("not_signed", "The file is not signed; RFC 9116 §2.3 recommends an OpenPGP cleartext signature.")
    elif not stx.canonical:
        out.add("no_canonical", "A signed file should have a Canonical field, so that the signature also "
                                "vouches for where the file lives.", field="Canonical")
    stx.fields = fields
    stx.encryption = [f.value for f in by.get("encryption", [])]
    stx.policy = [f.value for f in by.get("policy", [])]
    stx.csaf = [f.value for f in csaf]
    stx.acknowledgments = [f.value for f in by.get("acknowledgments", [])]
    stx.hiring = [f.value for f in by.get("hiring", [])]
