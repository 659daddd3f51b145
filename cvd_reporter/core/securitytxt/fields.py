"""Field values: Expires dates (RFC 3339), Contact URIs (RFC 6068 mailto, RFC 3966 tel, https),
Encryption URIs, URL normalisation for Canonical, and what may be printed."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import unquote, urlsplit

from cvd_reporter.core.display import printable  # noqa: F401 - one rule for what a terminal may show
from cvd_reporter.core.securitytxt.model import Contact

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_EXPIRES = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})", re.ASCII)
_CLEARTEXT_HEADER = re.compile(r"(?:Hash|SaltedHash|Charset|Version|Comment): .*")
# C0 controls except TAB, DEL, C1 controls, bidi embeddings/overrides/isolates (Trojan Source).
_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]"
_LOCAL = re.compile(rf"{_ATEXT}+(?:\.{_ATEXT}+)*|\"(?:[^\"\\\r\n]|\\.)*\"")
_LABEL = r"[A-Za-z0-9\u0080-\U0010ffff](?:[A-Za-z0-9\-\u0080-\U0010ffff]{0,61}[A-Za-z0-9\u0080-\U0010ffff])?"
_DOMAIN = re.compile(rf"(?:{_LABEL}\.)+{_LABEL}|\[[0-9A-Fa-f:.]+\]|\[IPv6:[0-9A-Fa-f:.]+\]")
_OBFUSCATED = re.compile(r"[\[({<]\s*(?:at|dot|punt|apenstaart)\s*[\])}>]|\s(?:at|dot)\s", re.IGNORECASE)
_TEL_PARAM = re.compile(r"[A-Za-z0-9\-]+(?:=[^;]*)?")
_DIGITS, _VISUAL, _LOCAL_DIGITS = frozenset("0123456789"), frozenset("-.()"), frozenset("0123456789ABCDEFabcdef*#")
_FPR = re.compile(r"[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64}")
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|title|script|!--)", re.IGNORECASE)


def _aware(now: datetime) -> datetime:
    return now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)


def _one_year_after(now: datetime) -> datetime:
    try:
        return now.replace(year=now.year + 1)
    except ValueError:  # 29 February, or year 9999
        try:
            return now.replace(year=now.year + 1, day=28)
        except ValueError:
            return datetime.max.replace(tzinfo=timezone.utc)


def looks_like_html(text: str) -> bool:
    """An HTML page (a soft-404, a login wall) rather than a security.txt."""
    head = text[:1024].lstrip("\ufeff \t\r\n")
    return head.startswith("<") and _HTML_START.search(head[:1024]) is not None


def parse_expires(value: str) -> datetime | None:
    """An RFC 3339 date-time as sectxt accepts it (``T`` or a space; ``Z`` or ``±hh:mm``), in UTC, or
    None. Seconds ``60`` are refused like sectxt (dateutil) does."""
    m = _EXPIRES.fullmatch(value)
    if m is None:
        return None
    y, mo, d, h, mi, s, frac, zone = m.groups()
    if zone in ("Z", "z"):
        tz = timezone.utc
    else:
        oh, om = int(zone[1:3]), int(zone[4:6])
        if oh > 23 or om > 59:
            return None
        tz = timezone((-1 if zone[0] == "-" else 1) * timedelta(hours=oh, minutes=om))
    try:
        dt = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), int((frac or "0")[:6].ljust(6, "0")),
                      tzinfo=tz)
        return dt.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        if (int(y), int(mo)) >= (9999, 12):  # valid, but past datetime's range once in UTC
            return datetime.max.replace(tzinfo=timezone.utc)
        return None


def parse_contact(value: str, line: int | None = None) -> Contact:
    """Classify and check one Contact value (RFC 9116 §2.5.3, RFC 6068, RFC 3966)."""
    m = _SCHEME.match(value)
    if m is None:
        if "@" in value and " " not in value:
            ok = _address_problem(value) is None
            return Contact(value, "mailto", value, None, False, line,
                           "a bare e-mail address; RFC 9116 wants mailto:" + ("" if ok else " (and it is malformed)"),
                           (value,))
        return Contact(value, "other", None, None, False, line, "not a URI (no scheme such as mailto: or https:)")
    scheme = m.group(1).lower()
    rest = value[m.end():]
    if scheme == "mailto":
        return _mailto(value, rest, line)
    if scheme in ("https", "http"):
        problem = None
        try:
            host = urlsplit(value).hostname
        except ValueError:
            host = None
        if scheme == "http":
            return Contact(value, "other", None, None, False, line, "a web address must use https://")
        if not host:
            problem = "a web address without a host name"
        elif re.search(r"\s", value):
            problem = "a web address with spaces in it"
        return Contact(value, "https", None, None, problem is None, line, problem)
    if scheme == "tel":
        problem = _tel_problem(rest)
        return Contact(value, "tel", None, None, problem is None, line, problem)
    if scheme in ("javascript", "data", "file", "vbscript", "about", "blob"):
        return Contact(value, "other", None, None, False, line, f"a {scheme}: URI is not a way to contact anyone")
    return Contact(value, "other", None, None, True, line, None)


def _tel_problem(rest: str) -> str | None:
    """RFC 3966 §3 telephone-subscriber, checked with sets (a regex here backtracks quadratically)."""
    number, _, params = rest.partition(";")
    if params and not all(_TEL_PARAM.fullmatch(p) for p in params.split(";")):
        return "not a tel: number (RFC 3966); expected a form like tel:+31-20-123-4567"
    if number.startswith("+"):
        digits = set(number[1:])
        if digits & _DIGITS and digits <= _DIGITS | _VISUAL:
            return None
    elif set(number) & _LOCAL_DIGITS and set(number) <= _LOCAL_DIGITS | _VISUAL:
        if "phone-context=" in params.lower():
            return None
        return "a local tel: number without ;phone-context= (RFC 3966); use the +country form"
    return "not a tel: number (RFC 3966); expected a form like tel:+31-20-123-4567"


def _mailto(value: str, rest: str, line: int | None) -> Contact:
    to, _, query = rest.partition("?")
    addresses = [unquote(a).strip() for a in to.split(",") if a.strip()]
    subject = None
    for part in query.split("&") if query else []:
        name, _, hvalue = part.partition("=")
        name = unquote(name).lower()
        if name == "to":
            addresses += [unquote(a).strip() for a in hvalue.split(",") if a.strip()]
        elif name == "subject" and subject is None:
            subject = unquote(hvalue)
    if not addresses:
        return Contact(value, "mailto", None, subject, False, line, "a mailto: without an address")
    problem = next((p for p in map(_address_problem, addresses) if p), None)
    return Contact(value, "mailto", addresses[0], subject, problem is None, line, problem, tuple(addresses))


def _address_problem(address: str) -> str | None:
    """None for a usable addr-spec (RFC 5322 §3.4.1, UTF-8 allowed as RFC 6531 does), else why not."""
    if _OBFUSCATED.search(address):
        return f"the e-mail address {address!r} is obfuscated; write the real address"
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return f"{address!r} is not an e-mail address (no local part, @ and domain)"
    if not _LOCAL.fullmatch(local) or len(local.encode()) > 64:
        return f"the e-mail address {address!r} has characters a mailbox name cannot have"
    if not _DOMAIN.fullmatch(domain) or len(address.encode()) > 254 or domain.rsplit(".", 1)[-1].isdigit():
        return f"the e-mail address {address!r} has no valid domain"
    return None


def _encryption_problem(value: str) -> str | None:
    """None when the value can point at an OpenPGP key (RFC 9116 §2.5.4), else why not. http and
    scheme-less values are sectxt's no_https / no_uri and are not repeated here."""
    m = _SCHEME.match(value)
    if m is None:
        return None
    scheme, rest = m.group(1).lower(), value[m.end():]
    if scheme == "data":
        return "the Encryption field embeds a key (data:); RFC 9116 §2.5.4 wants a URI where the key can be fetched"
    if scheme == "openpgp4fpr" and not _FPR.fullmatch(rest):
        return "an openpgp4fpr: value must be a 40 (v4) or 64 (v6) hex digit fingerprint"
    if scheme == "dns" and "type=openpgpkey" not in rest.lower():
        return "a dns: Encryption URI must ask for the OPENPGPKEY record (?type=OPENPGPKEY)"
    if scheme in ("mailto", "tel"):
        return f"a {scheme}: URI does not point at a key"
    return None
