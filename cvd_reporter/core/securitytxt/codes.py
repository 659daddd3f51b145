"""The limits of RFC 9116 §5.4, the field names, and every finding code with its severity, origin
and meaning (``CODES``); ``_Findings`` collects findings by code."""

from __future__ import annotations

from typing import Any

from cvd_reporter.core.findings import Finding, Said, Severity, tr

# RFC 9116 §5.4: "may choose to have the code not parse files larger than 32 KBs, those with fields
# longer than 2,048 characters, or those containing more than 1,000 lines".
MAX_BYTES = 32 * 1024
MAX_LINES = 1000
MAX_LINE_CHARS = 2048
MAX_SAME_CODE = 20  # findings of one code before they are summarised (hostile files repeat)

WELL_KNOWN_PATH = "/.well-known/security.txt"
LEGACY_PATH = "/security.txt"

FIELD_NAMES = {
    "acknowledgments": "Acknowledgments", "canonical": "Canonical", "contact": "Contact",
    "encryption": "Encryption", "expires": "Expires", "hiring": "Hiring", "policy": "Policy",
    "preferred-languages": "Preferred-Languages", "csaf": "CSAF",
}
URI_FIELDS = frozenset({"acknowledgments", "canonical", "contact", "encryption", "hiring", "policy", "csaf"})

SIGNATURE_STATUSES = ("unsigned", "bad_signature", "unknown_key", "signed_by_encryption_key", "signed")

# code -> (severity, origin, what it means). origin "sectxt": same code and trigger as sectxt 0.9.8
# (its errors are our errors, its recommendations our warnings, its notifications our info).
CODES: dict[str, tuple[Severity, str, str]] = {
    "no_expire": ("error", "sectxt", "no Expires field (RFC 9116 §2.5.5: it MUST be present)"),
    "multi_expire": ("error", "sectxt", "more than one Expires field"),
    "invalid_expiry": ("error", "sectxt", "Expires is not an RFC 3339 date-time"),
    "expired": ("error", "sectxt", "Expires is in the past: the file is stale"),
    "long_expiry": ("warning", "sectxt", "Expires is more than a year ahead"),
    "no_contact": ("error", "sectxt", "no Contact field"),
    "no_canonical_match": ("error", "sectxt", "Canonical is present but lists neither the URL asked for "
                                              "nor the URL the file came from"),
    "no_canonical": ("warning", "sectxt", "a signed file without Canonical"),
    "multi_lang": ("error", "sectxt", "more than one Preferred-Languages field"),
    "invalid_lang": ("error", "sectxt", "a Preferred-Languages value is not an RFC 5646 language tag"),
    "no_uri": ("error", "sectxt", "a URI field holds no URI (no scheme)"),
    "no_https": ("error", "sectxt", "a web URI uses http instead of https"),
    "prec_ws": ("error", "sectxt", "whitespace before the colon"),
    "no_space": ("error", "sectxt", "no space after the colon"),
    "empty_key": ("error", "sectxt", "a line starts with a colon"),
    "empty_value": ("error", "sectxt", "a field without a value"),
    "invalid_line": ("error", "sectxt", "a line that is neither a field, a comment nor blank"),
    "no_line_separators": ("error", "sectxt", "the last line does not end with a line break"),
    "too_many_line_separators": ("error", "sectxt", "a signed file ends with more than one line break"),
    "signed_format_issue": ("error", "sectxt", "the signed-message header is not on the first line"),
    "data_after_sig": ("error", "sectxt", "text after the signature"),
    "pgp_data_error": ("error", "sectxt", "the signature block is not well-formed ASCII armor"),
    "pgp_error": ("error", "sectxt", "the signature data cannot be decoded (base64, checksum, packets)"),
    "not_signed": ("warning", "sectxt", "the file is not signed"),
    "no_encryption": ("warning", "sectxt", "an e-mail Contact but no Encryption field"),
    "no_csaf_file": ("error", "sectxt", "a CSAF value does not point at provider-metadata.json"),
    "multiple_csaf_fields": ("warning", "sectxt", "more than one CSAF field"),
    "unknown_field": ("info", "sectxt", "a field RFC 9116 does not define (ignored)"),
    "utf8": ("error", "sectxt", "the file is not valid UTF-8"),
    "bom_in_file": ("error", "sectxt", "the file starts with a byte-order mark"),
    "location": ("error", "sectxt", "found only at the legacy /security.txt, not under /.well-known/"),
    "invalid_cert": ("warning", "sectxt", "a candidate URL has a certificate that does not verify "
                                           "(if no other URL gives a file, discovery fails with exit 5)"),
    "no_content_type": ("error", "sectxt", "the response has no Content-Type"),
    "invalid_media": ("error", "sectxt", "the Content-Type is not text/plain"),
    "invalid_charset": ("error", "sectxt", "the Content-Type charset is not utf-8"),
    # ours
    "file_too_large": ("error", "own", "the file is larger than 32 KiB (only the first 32 KiB are read)"),
    "too_many_lines": ("error", "own", "the file has more than 1000 lines (the rest is not read)"),
    "line_too_long": ("error", "own", "a line longer than 2048 characters (not parsed)"),
    "invalid_char": ("error", "own", "a control or bidi-override character (a lone CR, NUL, ESC, ...)"),
    "html_page": ("error", "own", "the file is an HTML page, not a security.txt"),
    "invalid_contact": ("error", "own", "a Contact value that is not a usable address: bad or obfuscated "
                                         "e-mail address, web address without a host, malformed tel: number"),
    "invalid_field_name": ("error", "own", "a field name with a space, a control or a non-ASCII character "
                                            "(RFC 9116 §2: RFC 5322 field-name)"),
    "invalid_uri": ("error", "own", "an https URI without a host (Policy, CSAF, Encryption, Canonical, ...)"),
    "invalid_encryption": ("error", "own", "an Encryption value that cannot point at an OpenPGP key "
                                            "(an embedded key, a malformed openpgp4fpr: fingerprint, ...)"),
    "bad_signature": ("error", "own", "the OpenPGP signature does not verify"),
    "signer_not_encryption_key": ("warning", "own", "the file is signed by a key that is not the Encryption key"),
    "signature_unverified": ("info", "own", "signed, but no key was available to check the signature"),
    "encryption_not_a_key": ("warning", "own", "the https Encryption URL does not serve an OpenPGP key"),
    "encryption_key_unavailable": ("warning", "own", "the https Encryption URL could not be fetched"),
    "cross_domain_redirect": ("warning", "own", "the file was reached through a redirect to another "
                                                 "registrable domain: a scope change"),
    "parent_domain": ("warning", "own", "the file was found on a parent domain and, by RFC 9116 §3.1, "
                                         "does not apply to the host itself"),
    "fetch_failed": ("warning", "own", "a candidate URL failed (redirect rules, size, TLS, address); "
                                        "another one gave the file"),
}


# ---------------------------------------------------------------------------------- helpers
class _Findings:
    """Collects findings; repeats of one code beyond MAX_SAME_CODE become one summary finding."""

    def __init__(self) -> None:
        self.items: list[Finding] = []
        self.counts: dict[str, int] = {}

    def add(self, code: str, message: str | Said, *, line: int | None = None, field: str | None = None,
            **extra: Any) -> None:
        n = self.counts[code] = self.counts.get(code, 0) + 1
        if n <= MAX_SAME_CODE:
            if isinstance(message, Said):
                self.items.append(Finding(code, CODES[code][0], message.english, line, field, None, extra,
                                          message.msgid, message.params))
            else:
                self.items.append(Finding(code, CODES[code][0], message, line, field, None, extra))

    def done(self) -> list[Finding]:
        for code, n in self.counts.items():
            if n > MAX_SAME_CODE:
                more = tr("securitytxt.more_lines", n=n - MAX_SAME_CODE)
                self.items.append(Finding(code, CODES[code][0], more.english, msgid=more.msgid, params=more.params))
        return self.items
