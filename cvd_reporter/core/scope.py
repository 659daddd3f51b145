"""Target normalisation and the scope decision (issue 5). Pure: no network, no prompts.

Normalisation follows the WHATWG URL Standard's host parser (what a browser does with the text),
because that decides which machine a URL really reaches: ``https://gemeente.nl@evil.example/`` is
``evil.example``, ``https://0xC0.168.1.1/`` is ``192.168.1.1``, ``GEMEENTE.NL.`` is ``gemeente.nl``.
Everything odd that was undone is kept as a note (a :class:`Finding`), so the reporter sees it.

The decision (:func:`decide`) takes what the network layer found as plain data (a
:class:`Resolution` and a :class:`SecurityTxtEvidence`), so it is testable table by table.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import idna
import yaml

from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.core.findings import Finding
from cvd_reporter.errors import InputFileError, ValidationError

Kind = Literal["url", "host", "ip"]
VerdictName = Literal["in_scope", "out_of_scope", "unknown"]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# WHATWG "special schemes" and their default ports (URL Standard, section 4.1).
SPECIAL_SCHEMES: dict[str, int | None] = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
MAX_TARGET_CHARS = 8192  # a target longer than this is garbage; the message says so without echoing it
MAX_HOST_CHARS = 253  # RFC 1035 section 2.3.4 (presentation form, without the trailing dot)
MAX_LABEL_CHARS = 63
MAX_POLICY_BYTES = 1 << 20

_C0_AND_SPACE = "".join(chr(i) for i in range(0x21))
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# What a DNS host name can hold once it is in A-label form: letters, digits, hyphen, underscore
# (service labels such as _dmarc), dots between labels. WHATWG allows more (``!``, ``*``), but such a
# "host" can never be resolved, so it cannot be anyone's system: it is rejected as garbage.
_HOST_OK = re.compile(r"[a-z0-9_\-]{1,63}(?:\.[a-z0-9_\-]{1,63})*")  # labels of at most 63 (RFC 1035)
_AUTHORITY_END = re.compile(r"[/?#\\]")
_HOST_BAD_CHAR = re.compile(r"[^a-z0-9_.\-]")
_PORTISH = re.compile(r"[0-9]*(?:[/?#\\]|$)")  # "localhost:8080/x" is a host and port, not a scheme
_ZONE_OK = re.compile(r"[A-Za-z0-9._~\-]{1,64}")
_HEX = frozenset("0123456789abcdefABCDEF")
_HEX_X = _HEX | {"x", "X"}
_DEC = frozenset("0123456789")
_OCT = frozenset("01234567")

# Characters a browser percent-encodes in the path, query and fragment (URL Standard, 1.3). Every
# other printable ASCII character (and an existing %XX) is kept as it is.
_PATH_SAFE = "!$%&'()*+,-./:;=@[]^_|~"
_QUERY_SAFE = "!$%&()*+,-./:;=?@[]^_`{|}~\\"
_FRAGMENT_SAFE = "!#$%&'()*+,-./:;=?@[]^_{|}~\\"
_PLAIN_PATH = re.compile(r"[A-Za-z0-9!$&'()*+,\-./:;=@\[\]^_|~%]*")
_PLAIN_QUERY = re.compile(r"[A-Za-z0-9!$&()*+,\-./:;=?@\[\]^_`{|}~%]*")
_DOT_SEGMENT = re.compile(r"/(?:\.|%2[eE])")


def _note(code: str, severity: str, message: str, **extra: Any) -> Finding:
    return Finding(code=code, severity=severity, message=message, extra=extra)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=256)
def _fixed_note(code: str, severity: str, message: str) -> Finding:
    """A note whose text takes few values (Findings are immutable, so one object serves every target)."""
    return _note(code, severity, message)


def shown(text: str, limit: int = 120) -> str:
    """The user's text, safe to print in a message: control characters escaped, length capped."""
    out = text if text.isprintable() else text.encode("unicode_escape").decode("ascii")
    return out if len(out) <= limit else out[:limit] + f"... ({len(text)} characters)"


_USERINFO = re.compile(r"(\s*(?:[A-Za-z][A-Za-z0-9+.\-]*:)?[/\\]*)([^/\\?#]*)@")


def display_target(text: str, limit: int = 300) -> str:
    """The target as given, for output: a password in its user-info replaced by ***, length capped."""
    m = _USERINFO.match(text)
    if m and ":" in m.group(2):
        text = text[:m.start(2)] + m.group(2).split(":", 1)[0] + ":***" + text[m.end(2):]
    return shown(text, limit)


# ---------------------------------------------------------------------------------------- Target
@dataclass
class Target:
    """A normalised target. ``host`` is the lower-case A-label host name without a trailing dot
    (or the canonical IP text); ``ip`` is set whenever the host is an IP address, also inside a URL."""

    original: str
    kind: Kind
    host: str
    ip: str | None = None
    port: int | None = None
    url: str | None = None
    registrable_domain: str | None = None
    unicode_host: str | None = None  # the U-label form when the host is an IDN
    zone: str | None = None  # an IPv6 zone (fe80::1%eth0): local to the reporter's machine
    notes: list[Finding] = field(default_factory=list)

    @property
    def address(self) -> IPAddress | None:
        return ipaddress.ip_address(self.ip) if self.ip else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": display_target(self.original), "kind": self.kind, "host": self.host, "ip": self.ip,
            "port": self.port, "url": self.url, "registrable_domain": self.registrable_domain,
            "unicode_host": self.unicode_host, "zone": self.zone,
            "notes": [n.to_dict() for n in self.notes],
        }


def normalise(target: str) -> Target:
    """Normalise a URL, host name or IP address as a browser would (WHATWG URL host parsing).

    Raises :class:`ValidationError` (one sentence) for text that is no target at all.
    """
    if not isinstance(target, str):
        raise ValidationError("A target must be text: a URL, a host name or an IP address.")
    if len(target) > MAX_TARGET_CHARS:
        raise ValidationError(f"The target is {len(target)} characters long; a URL, host name or IP address "
                              f"of at most {MAX_TARGET_CHARS} characters is expected.")
    notes: list[Finding] = []
    # URL Standard, basic URL parser: strip leading/trailing C0 controls and spaces, then drop every
    # tab and newline inside (browsers do, so "gemeen\tte.nl" is gemeente.nl).
    text = target.strip(_C0_AND_SPACE)
    if "\t" in text or "\n" in text or "\r" in text:
        text = _TAB_NEWLINE.sub("", text)
        notes.append(_fixed_note("control_characters", "warning",
                           "The target contained tabs or line breaks; browsers drop them, and so did we."))
    if not text:
        raise ValidationError("The target is empty; give a URL, a host name or an IP address.")

    bare_ip = _bare_ip(target, text, notes)
    if bare_ip is not None:
        return bare_ip

    scheme: str | None = None
    m = _SCHEME.match(text)
    rest = text
    if m:
        candidate = m.group(1).lower()
        after = text[m.end():]
        if candidate in SPECIAL_SCHEMES:
            scheme, rest = candidate, after
        elif after.startswith(("//", "\\\\")) or ("." not in candidate and not _PORTISH.match(after)):
            # Not "host:port" (gemeente.nl:8443, localhost:8080): a real scheme we cannot check.
            raise ValidationError(f"The scheme {shown(candidate, 20)}: is not a web address; give an http(s) URL, "
                                  "a host name or an IP address.")
    if m is not None and scheme is not None and scheme != m.group(1):
        notes.append(_fixed_note("case", "info", f"The scheme was written {m.group(1)!r}; it is {scheme!r}."))

    # Special authority slashes: a browser skips any run of / and \ after "https:".
    stripped = rest.lstrip("/\\")
    slashes = rest[: len(rest) - len(stripped)]
    rest = stripped
    if "\\" in slashes:
        notes.append(_fixed_note("backslash", "warning", "The URL uses backslashes after the scheme; browsers read "
                           "them as slashes."))
    elif scheme is not None and slashes != "//":
        notes.append(_fixed_note("slashes", "warning",
                                 f"The URL has {len(slashes)} slashes after the scheme instead of "
                                 "two; browsers accept that."))

    # The authority ends at the first / ? # or \ (a backslash is a slash in special URLs).
    found = _AUTHORITY_END.search(rest)
    end = found.start() if found else len(rest)
    authority, tail = rest[:end], rest[end:]
    if tail.startswith("\\") and not any(n.code == "backslash" for n in notes):
        notes.append(_fixed_note("backslash", "warning", "A backslash ends the host part as a slash does in browsers; "
                           "what follows it is the path, not the host."))

    at = authority.rfind("@")
    userinfo = None
    if at != -1:
        # The host is what follows the LAST "@" (URL Standard, authority state).
        userinfo, authority = authority[:at], authority[at + 1:]

    host_text, port_text = _split_host_port(authority)
    host, ip, zone, unicode_host, rd, host_notes = _host_info(host_text)
    notes += host_notes
    port = _parse_port(port_text, scheme, notes)

    if userinfo is not None:
        user = userinfo.split(":", 1)[0]
        extra = " (a password was given too; it is dropped)" if ":" in userinfo else ""
        notes.append(_note(
            "userinfo", "warning",
            f"The URL has user-info {shown(user, 60)!r} before '@'{extra}; browsers go to the host after it: {host}.",
            userinfo=shown(user, 60)))

    if scheme is None and not tail:
        kind: Kind = "ip" if ip else "host"
        url = None
    else:
        kind = "url"
        if scheme is None:
            scheme = "https"
            notes.append(_fixed_note("no_scheme", "info", "No scheme was given; https is assumed."))
        url = _build_url(scheme, host, ip, port, tail, notes)
    return Target(original=target, kind=kind, host=host, ip=ip, port=port, url=url, registrable_domain=rd,
                  unicode_host=unicode_host, zone=zone, notes=notes)


@functools.lru_cache(maxsize=16384)
def _host_info(raw: str) -> tuple[str, str | None, str | None, str | None, str | None, tuple[Finding, ...]]:
    """The host part, parsed once per distinct spelling (a batch names the same hosts again and
    again; an IDN costs 20 us to convert). Errors are raised, never cached."""
    notes: list[Finding] = []
    host, addr, zone, unicode_host = _parse_host(raw, notes)
    rd = None if addr else registrable_domain(host)
    return host, host if addr else None, zone, unicode_host, rd, tuple(_finish_notes(host, addr, rd, notes))


def _finish_notes(host: str, addr: IPAddress | None, rd: str | None, notes: list[Finding]) -> list[Finding]:
    if addr is None and rd is None:
        notes.append(_note("no_registrable_domain", "warning",
                           f"{host} is a single label or a public suffix: it belongs to no one organisation."))
    if addr is not None:
        mapped = getattr(addr, "ipv4_mapped", None)
        if mapped is not None:
            notes.append(_note("ipv4_mapped", "info", f"{host} is the IPv4 address {mapped} written as IPv6."))
            addr = mapped
        if not addr.is_global:
            notes.append(_note("non_public_address", "warning",
                               f"{addr} is not a public internet address (private, loopback, link-local or "
                               "reserved); make sure it is the system you mean."))
    return notes


def _bare_ip(original: str, text: str, notes: list[Finding]) -> Target | None:
    """A bare IPv6 literal (with an optional zone), which would otherwise look like scheme:..."""
    if text.count(":") < 2 or any(c in text for c in "/[]@?#\\"):
        return None
    addr_text, pct, zone = text.partition("%")
    try:
        addr = ipaddress.IPv6Address(addr_text)
    except ValueError:
        return None
    if pct:
        zone = _check_zone(zone, notes)
    ip = serialise_ipv6(addr)
    if ip != addr_text:
        notes.append(_note("ipv6_form", "info", f"The IPv6 address {shown(addr_text, 60)} is written {ip} in "
                           "canonical form."))
    return Target(original=original, kind="ip", host=ip, ip=ip, zone=zone or None,
                  notes=_finish_notes(ip, addr, None, notes))


def serialise_ipv6(addr: ipaddress.IPv6Address) -> str:
    """URL Standard IPv6 serialiser: lower-case hex pieces, the first longest run of two or more zero
    pieces as "::", never a dotted IPv4 tail. (str() of an IPv4-mapped address prints dotted IPv4 from
    Python 3.13 on, so the result would depend on the Python version.)"""
    pieces = [int.from_bytes(addr.packed[i:i + 2], "big") for i in range(0, 16, 2)]
    best_start, best_len, i = -1, 1, 0
    while i < 8:
        if pieces[i] == 0:
            j = i
            while j < 8 and pieces[j] == 0:
                j += 1
            if j - i > best_len:
                best_start, best_len = i, j - i
            i = j
        else:
            i += 1
    if best_start < 0:
        return ":".join(f"{p:x}" for p in pieces)
    head = ":".join(f"{p:x}" for p in pieces[:best_start])
    tail = ":".join(f"{p:x}" for p in pieces[best_start + best_len:])
    return f"{head}::{tail}"


def _check_zone(zone: str, notes: list[Finding]) -> str:
    if zone.startswith("25") and _ZONE_OK.fullmatch(zone[2:]):  # RFC 6874: "%25" encodes the "%"
        zone = zone[2:]
    if not _ZONE_OK.fullmatch(zone):
        raise ValidationError("The IPv6 zone after '%' must be an interface name such as eth0.")
    notes.append(_note("ipv6_zone", "warning",
                       f"The IPv6 zone %{zone} names an interface of your own machine; it is dropped. A zone is only "
                       "used with link-local addresses, which are never reachable from the internet."))
    return zone


def _split_host_port(authority: str) -> tuple[str, str | None]:
    if authority.startswith("["):
        close = authority.find("]")
        if close == -1:
            raise ValidationError("The IPv6 address in brackets has no closing ']'.")
        host, after = authority[: close + 1], authority[close + 1:]
        if after and not after.startswith(":"):
            raise ValidationError("Only ':' and a port may follow an IPv6 address in brackets.")
        return host, after[1:] if after else None
    host, sep, port = authority.partition(":")
    return host, port if sep else None


def _parse_port(port_text: str | None, scheme: str | None, notes: list[Finding]) -> int | None:
    if port_text is None or port_text == "":
        return None
    if not port_text.isascii() or not port_text.isdigit():
        raise ValidationError(f"The port {shown(port_text, 20)!r} is not a number.")
    digits = port_text.lstrip("0") or "0"
    port = int(digits) if len(digits) <= 5 else 65536
    if port > 65535:
        raise ValidationError(f"The port {shown(port_text, 20)} is larger than 65535.")
    if scheme is not None and SPECIAL_SCHEMES.get(scheme) == port:
        notes.append(_fixed_note("default_port", "info", f"Port {port} is the default for {scheme}; it is dropped."))
        return None
    return port


# ---------------------------------------------------------------------------------------- hosts
def _parse_host(raw: str, notes: list[Finding]) -> tuple[str, IPAddress | None, str | None, str | None]:
    """URL Standard "host parser" for special URLs -> (host, IP address or None, zone, unicode_host)."""
    if raw.startswith("["):
        inner = raw[1:-1]
        addr_text, pct, zone_text = inner.partition("%")
        try:
            addr = ipaddress.IPv6Address(addr_text)
        except ValueError:
            raise ValidationError(f"[{shown(inner, 60)}] is not a valid IPv6 address.") from None
        zone = _check_zone(zone_text, notes) if pct else None
        return serialise_ipv6(addr), addr, zone, None
    if not raw:
        raise ValidationError("The target has no host name.")

    domain = raw
    if "%" in raw:
        domain = _percent_decode_host(raw)
        notes.append(_note("percent_encoded_host", "warning",
                           f"The host was percent-encoded ({shown(raw, 60)}); browsers decode it to "
                           f"{shown(domain, 60)}."))
    if len(domain) > MAX_HOST_CHARS + 1:  # checked before IDNA: Punycode of a long label is slow
        raise ValidationError(f"The host name is {len(domain)} characters long; DNS allows at most {MAX_HOST_CHARS}.")
    unicode_host = None
    lowered = domain.lower()
    if domain.isascii() and "xn--" not in lowered:
        host = lowered
    else:
        host, unicode_host = _domain_to_ascii(domain, notes)

    if host.endswith("."):
        host = host[:-1]
        notes.append(_note("trailing_dot", "info", f"The trailing dot is dropped: {shown(host, 80)}. is the same "
                           f"host as {shown(host, 80)}."))
    if len(host) > MAX_HOST_CHARS:
        raise ValidationError(f"The host name is {len(host)} characters long; DNS allows at most {MAX_HOST_CHARS}.")
    if not _HOST_OK.fullmatch(host):
        if any(len(label) > MAX_LABEL_CHARS for label in host.split(".")):
            raise ValidationError(f"A label of the host name is longer than {MAX_LABEL_CHARS} characters, which DNS "
                                  "does not allow.")
        if not host or host.startswith(".") or host.endswith(".") or ".." in host:
            raise ValidationError("The host name has an empty label (a leading dot or two dots in a row).")
        bad = _HOST_BAD_CHAR.search(host)
        ch = bad.group(0) if bad else "?"
        raise ValidationError(f"The host name contains {ch!r} (U+{ord(ch):04X}), which no host name can contain.")
    if host[-1] in _HEX_X and _ends_in_number(host.rpartition(".")[2]):
        return _parse_ipv4(host, raw, notes)
    if unicode_host is None and domain != host and domain.rstrip(".") != host and domain.lower().rstrip(".") == host:
        notes.append(_note("case", "info", f"The host name was written in upper case; it is {host}."))
    if unicode_host == host:
        unicode_host = None
    return host, None, None, unicode_host


def _percent_decode_host(raw: str) -> str:
    """URL Standard percent-decode, then UTF-8: "%67emeente.nl" is gemeente.nl."""
    data = raw.encode("utf-8")
    out = bytearray()
    i, n = 0, len(data)
    while i < n:
        if data[i] == 0x25 and i + 2 < n and chr(data[i + 1]) in _HEX and chr(data[i + 2]) in _HEX:
            out.append(int(data[i + 1:i + 3], 16))
            i += 3
        else:
            out.append(data[i])
            i += 1
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError("The percent-encoded host name is not valid UTF-8.") from None


def _ends_in_number(last: str) -> bool:
    """URL Standard "ends in a number": the last label is all digits, or 0x followed by hex digits."""
    if last and all(c in _DEC for c in last):
        return True
    return last[:2] in ("0x", "0X") and all(c in _HEX for c in last[2:])


def _parse_ipv4(host: str, raw: str, notes: list[Finding]) -> tuple[str, ipaddress.IPv4Address, None, None]:
    """URL Standard IPv4 parser: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x)."""
    parts = host.split(".")
    if len(parts) > 4:
        raise ValidationError(f"{shown(raw, 80)} ends in a number but is not an IPv4 address (more than four parts).")
    numbers = []
    odd = len(parts) != 4
    for part in parts:
        radix, digits, allowed = 10, part, _DEC
        if part[:2] in ("0x", "0X"):
            radix, digits, allowed, odd = 16, part[2:], _HEX, True
        elif len(part) > 1 and part[0] == "0":
            radix, digits, allowed, odd = 8, part[1:], _OCT, True
        if not all(c in allowed for c in digits):
            raise ValidationError(f"{shown(raw, 80)} ends in a number but is not a valid IPv4 address.")
        numbers.append(int(digits, radix) if digits else 0)
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise ValidationError(f"{shown(raw, 80)} is not a valid IPv4 address (a part is too large).")
    value = numbers[-1]
    for idx, n in enumerate(numbers[:-1]):
        value += n * 256 ** (3 - idx)
    addr = ipaddress.IPv4Address(value)
    ip = str(addr)
    if odd:
        notes.append(_note("ipv4_nonstandard", "warning",
                           f"{shown(raw, 60)} is an IPv4 address written in a non-standard form (decimal, octal, "
                           f"hex or short); browsers read it as {ip}."))
    return ip, addr, None, None


# UTS #39 confusables, the common part: lower-case letters of other scripts (and Latin look-alikes)
# that render like an ASCII letter. Not the whole table: enough for the homograph attacks seen on
# Dutch and English names (a Cyrillic "а" in gemeente.nl).
_CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j",
    "к": "k", "ӏ": "l", "м": "m", "п": "n", "о": "o", "р": "p", "ԛ": "q", "г": "r", "ѕ": "s", "т": "t",
    "ц": "u", "ѵ": "v", "ԝ": "w", "х": "x", "у": "y", "ү": "y",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "γ": "y",
    # Armenian
    "ց": "g", "հ": "h", "ո": "n", "օ": "o", "ս": "u", "զ": "q",
    # Latin look-alikes
    "ı": "i", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ʋ": "u", "ɒ": "a", "ƅ": "b", "ɗ": "d", "ⅰ": "i",
}
# Script combinations that are normal in one label (UTS #39 "highly restrictive").
_ALLOWED_MIXES = (frozenset({"LATIN", "CJK", "HIRAGANA", "KATAKANA"}), frozenset({"LATIN", "CJK", "HANGUL"}),
                  frozenset({"LATIN", "CJK", "BOPOMOFO"}))


def _script(ch: str) -> str | None:
    if ch.isascii():
        return "LATIN" if ch.isalpha() else None
    cat = unicodedata.category(ch)
    if cat[0] != "L":
        return None  # digits, marks (inherit their base), punctuation: common to all scripts
    name = unicodedata.name(ch, "")
    word = name.split(" ", 1)[0]
    return word if word and "-" not in word else None


def _domain_to_ascii(domain: str, notes: list[Finding]) -> tuple[str, str]:
    """UTS #46 ToASCII with the URL Standard's flags (non-transitional, CheckBidi, CheckJoiners,
    no STD3 rules, no hyphen checks) -> (A-label host, U-label host)."""
    try:
        mapped = idna.uts46_remap(domain, std3_rules=False, transitional=False)
    except idna.IDNAError:
        bad = next((c for c in domain if not c.isprintable()), None)
        what = f" (U+{ord(bad):04X})" if bad else ""
        raise ValidationError(f"The host name contains a character{what} that is not allowed in domain names.") \
            from None
    ascii_labels, unicode_labels = [], []
    mixed, lookalike, not_2008 = [], False, False
    for label in mapped.split("."):
        if label.startswith("xn--"):
            try:
                ulabel = label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError):
                raise ValidationError(f"The label {shown(label, 70)} is not valid Punycode.") from None
            if not ulabel or ulabel.isascii() or idna.uts46_remap(ulabel, std3_rules=False) != ulabel:
                raise ValidationError(f"The label {shown(label, 70)} does not decode to a valid international name.")
            alabel = label
        elif label.isascii():
            ascii_labels.append(label)
            unicode_labels.append(label)
            continue
        else:
            ulabel = label
            alabel = ""
        if unicodedata.category(ulabel[0])[0] == "M":
            raise ValidationError("A label of the host name begins with a combining mark, which is not allowed.")
        try:
            idna.check_bidi(ulabel)
            for pos, ch in enumerate(ulabel):
                if ch in "\u200c\u200d" and not idna.valid_contextj(ulabel, pos):
                    raise idna.InvalidCodepointContext("joiner")
        except (idna.IDNABidiError, idna.InvalidCodepointContext):
            raise ValidationError("The host name mixes writing directions or uses an invisible joiner in a way "
                                  "that international names do not allow.") from None
        try:
            idna.alabel(ulabel)  # IDNA2008 (RFC 5891) is stricter than browsers: a warning, not a failure
        except idna.IDNAError:
            not_2008 = True
        if not alabel:
            alabel = "xn--" + ulabel.encode("punycode").decode("ascii")
        scripts = {s for s in map(_script, ulabel) if s}
        if len(scripts) > 1 and not any(scripts <= allowed for allowed in _ALLOWED_MIXES):
            mixed.append(f"{ulabel} ({', '.join(sorted(s.title() for s in scripts))})")
        skeleton = "".join(_CONFUSABLES.get(c, c) for c in ulabel)
        if skeleton != ulabel and skeleton.isascii():
            lookalike = True
        ascii_labels.append(alabel)
        unicode_labels.append(ulabel)
    host = ".".join(ascii_labels).lower()
    uhost = ".".join(unicode_labels)
    if any(not lbl.isascii() for lbl in unicode_labels):
        notes.append(_note("idn", "info", f"The host is an international name: {uhost} is {host} in DNS.",
                           unicode=uhost, ascii=host))
    elif not domain.isascii():
        notes.append(_note("unicode_mapped", "warning",
                           f"The host was written with look-alike Unicode characters ({shown(domain, 60)}) that "
                           f"browsers turn into plain {host}."))
    if mixed:
        notes.append(_note("mixed_script", "warning",
                           f"The host name mixes scripts in one label: {'; '.join(mixed)}. This is how look-alike "
                           "(homograph) names are made.", labels=mixed))
    if lookalike:
        skeleton_host = ".".join("".join(_CONFUSABLES.get(c, c) for c in lbl) for lbl in unicode_labels)
        notes.append(_note("confusable", "warning",
                           f"{uhost} looks like {skeleton_host} but is a different host ({host}).",
                           looks_like=skeleton_host))
    if not_2008:
        notes.append(_note("idn_not_idna2008", "warning",
                           f"{uhost} uses characters that IDNA2008 does not allow (emoji, symbols, odd hyphens); "
                           "browsers accept it, most registries do not."))
    return host, uhost


# ---------------------------------------------------------------------------------------- URL
def _build_url(scheme: str, host: str, ip: str | None, port: int | None, tail: str, notes: list[Finding]) -> str:
    fragment = query = None
    rest = tail
    if "#" in rest:
        rest, fragment = rest.split("#", 1)
    if "?" in rest:
        rest, query = rest.split("?", 1)
    path = _normalise_path(rest.replace("\\", "/"), notes) if rest else "/"
    host_part = f"[{host}]" if ip and ":" in ip else host
    url = f"{scheme}://{host_part}" + (f":{port}" if port is not None else "") + path
    if query is not None:
        url += "?" + (query if _PLAIN_QUERY.fullmatch(query) else quote(query, safe=_QUERY_SAFE))
    if fragment is not None:
        url += "#" + quote(fragment, safe=_FRAGMENT_SAFE)
    return url


def _normalise_path(path: str, notes: list[Finding]) -> str:
    if not path.startswith("/"):
        path = "/" + path
    if _DOT_SEGMENT.search(path):  # "%2e" is a dot to the dot-segment rules (URL Standard, 4.1)
        segments = path.split("/")[1:]
        out: list[str] = []
        for seg in segments:
            low = seg.lower()
            if low in ("..", ".%2e", "%2e.", "%2e%2e"):
                if out:
                    out.pop()
                continue
            if low in (".", "%2e"):
                continue
            out.append(seg)
        trailing = segments and segments[-1].lower() in (".", "..", "%2e", ".%2e", "%2e.", "%2e%2e")
        new = "/" + "/".join(out) + ("/" if trailing and out else "")
        if new != path:
            notes.append(_fixed_note("dot_segments", "info",
                                     "The path had '.' or '..' segments; browsers remove them."))
        path = new
    if _PLAIN_PATH.fullmatch(path):
        return path
    return quote(path, safe=_PATH_SAFE)


# ---------------------------------------------------------------------------------------- policy scope
@dataclass(frozen=True)
class ScopeRule:
    """One entry of a policy's include or exclude list: a domain (exact or ``*.`` wildcard, which
    matches every subdomain at any depth but not the domain itself) or a network (CIDR)."""

    kind: Literal["domain", "network"]
    pattern: str
    note: str | None = None
    application: str | None = None  # the (third-party) application this entry belongs to
    contact: str | None = None
    network: IPNetwork | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind == "network" and self.network is None:
            object.__setattr__(self, "network", ipaddress.ip_network(self.pattern))

    @property
    def wildcard(self) -> bool:
        return self.pattern.startswith("*.")

    def matches_host(self, host: str) -> bool:
        if self.kind != "domain":
            return False
        if self.wildcard:
            return host.endswith(self.pattern[1:])  # ".gemeente.nl": a label boundary, not a suffix trick
        return host == self.pattern

    def matches_ip(self, addr: IPAddress) -> bool:
        net = self.network
        if net is None:
            return False
        if addr.version == net.version:
            return addr in net
        mapped = getattr(addr, "ipv4_mapped", None)
        return mapped is not None and mapped in net

    def describe(self) -> str:
        out = self.pattern
        if self.application:
            out += f", the third-party application {self.application!r}"
        return out

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "pattern": self.pattern}
        for key in ("note", "application", "contact"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True)
class PolicyScope:
    """A policy's scope: include and exclude lists. Exclusions are checked first."""

    include: tuple[ScopeRule, ...] = ()
    exclude: tuple[ScopeRule, ...] = ()
    exclude_note: str | None = None
    source: str | None = None

    @property
    def has_includes(self) -> bool:
        return bool(self.include)

    @property
    def include_networks(self) -> tuple[ScopeRule, ...]:
        return tuple(r for r in self.include if r.kind == "network")

    def included_host(self, host: str) -> ScopeRule | None:
        return next((r for r in self.include if r.matches_host(host)), None)

    def excluded_host(self, host: str) -> ScopeRule | None:
        return next((r for r in self.exclude if r.matches_host(host)), None)

    def included_ip(self, addr: IPAddress) -> ScopeRule | None:
        return next((r for r in self.include if r.matches_ip(addr)), None)

    def excluded_ip(self, addr: IPAddress) -> ScopeRule | None:
        return next((r for r in self.exclude if r.matches_ip(addr)), None)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "include": [r.to_dict() for r in self.include],
                "exclude": [r.to_dict() for r in self.exclude], "exclude_note": self.exclude_note}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], *, source: str | None = None) -> PolicyScope:
        """Build from a ``scope:`` section (format in the README, "Scope")."""
        if not isinstance(d, Mapping):
            raise ValidationError("The policy's scope section must be a mapping with 'include' and/or 'exclude'.")
        _only_keys(d, ("include", "exclude"), "scope")
        include = _rules(d.get("include"), "scope.include", allow_note=False)
        exclude = _rules(d.get("exclude"), "scope.exclude", allow_note=True)
        note = (d.get("exclude") or {}).get("note") if isinstance(d.get("exclude"), Mapping) else None
        if note is not None and not isinstance(note, str):
            raise ValidationError("scope.exclude.note must be text.")
        if not include and not exclude:
            raise ValidationError("The policy's scope section lists no domains or networks.")
        return cls(include=include, exclude=exclude, exclude_note=note, source=source)

    @classmethod
    def from_text(cls, text: str, *, name: str = "policy") -> PolicyScope | None:
        """Parse a YAML or JSON policy file's text; None when it has no ``scope`` section."""
        try:
            data = yaml.safe_load(text)  # JSON is YAML, so one parser reads both
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f" near line {mark.line + 1}" if mark is not None else ""
            raise InputFileError(f"The policy file {name} is not valid YAML or JSON{where}.") from None
        if data is None:
            return None
        if not isinstance(data, Mapping):
            raise InputFileError(f"The policy file {name} must hold a mapping with a 'scope' key.")
        if "scope" not in data:
            return None
        return cls.from_dict(data["scope"], source=name)

    @classmethod
    def load(cls, path: str | Path, *, required: bool = True) -> PolicyScope | None:
        """Read a YAML/JSON policy file whose top-level ``scope`` key holds the scope section.

        Without that key: an error, or None when not ``required`` (a policy profile may have no
        scope). The one place in core that reads a file (the interface asks for it); parsing stays
        in :meth:`from_text`."""
        p = Path(path)
        try:
            with p.open("rb") as fh:
                raw = fh.read(MAX_POLICY_BYTES + 1)
        except OSError as e:
            raise InputFileError(f"Cannot read the policy file {p}: {e.strerror or e}.") from None
        if len(raw) > MAX_POLICY_BYTES:
            raise InputFileError(f"The policy file {p} is larger than 1 MiB; is it the right file?")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputFileError(f"The policy file {p} is not UTF-8 text.") from None
        scope = cls.from_text(text, name=str(p))
        if scope is None and required:
            raise InputFileError(f"The policy file {p} has no 'scope' section; add one (see README, Scope).")
        return scope


def _only_keys(d: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
    for key in d:
        if key not in allowed:
            raise ValidationError(f"{where} has an unknown key {str(key)!r}; allowed: {', '.join(allowed)}.")


def _rules(section: Any, where: str, *, allow_note: bool) -> tuple[ScopeRule, ...]:
    if section is None:
        return ()
    if not isinstance(section, Mapping):
        raise ValidationError(f"{where} must be a mapping with 'domains' and/or 'networks'.")
    keys = ("domains", "networks") + (("applications", "note") if allow_note else ())
    _only_keys(section, keys, where)
    rules: list[ScopeRule] = []
    rules += _entries(section.get("domains"), f"{where}.domains", "domain")
    rules += _entries(section.get("networks"), f"{where}.networks", "network")
    apps = section.get("applications") or []
    if not isinstance(apps, list):
        raise ValidationError(f"{where}.applications must be a list.")
    for i, app in enumerate(apps):
        w = f"{where}.applications[{i}]"
        if not isinstance(app, Mapping) or not isinstance(app.get("name"), str) or not app["name"].strip():
            raise ValidationError(f"{w} must be a mapping with a 'name'.")
        _only_keys(app, ("name", "domains", "networks", "note", "contact"), w)
        for key in ("note", "contact"):
            if app.get(key) is not None and not isinstance(app[key], str):
                raise ValidationError(f"{w}.{key} must be text.")
        common = {"application": app["name"].strip(), "note": app.get("note"), "contact": app.get("contact")}
        found = _entries(app.get("domains"), f"{w}.domains", "domain", **common)
        found += _entries(app.get("networks"), f"{w}.networks", "network", **common)
        if not found:
            raise ValidationError(f"{w} lists no domains or networks.")
        rules += found
    return tuple(rules)


def _entries(items: Any, where: str, kind: str, **common: Any) -> list[ScopeRule]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise ValidationError(f"{where} must be a list.")
    out = []
    for i, item in enumerate(items):
        w = f"{where}[{i}]"
        note = common.get("note")
        if isinstance(item, Mapping):
            _only_keys(item, (kind, "note"), w)
            value, note = item.get(kind), item.get("note", note)
            if note is not None and not isinstance(note, str):
                raise ValidationError(f"{w}.note must be text.")
        else:
            value = item
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"{w} must be a {kind} written as text.")
        pattern = domain_pattern(value, w) if kind == "domain" else network_pattern(value, w)
        out.append(ScopeRule(kind=kind, pattern=pattern, note=note,  # type: ignore[arg-type]
                             application=common.get("application"), contact=common.get("contact")))
    return out


def domain_pattern(value: str, where: str = "domain") -> str:
    """``gemeente.nl`` or ``*.gemeente.nl``, normalised like a target host (A-labels, lower case)."""
    text = value.strip()
    wildcard = text.startswith("*.")
    base = text[2:] if wildcard else text
    if "*" in base:
        raise ValidationError(f"{where}: {shown(value, 80)!r} may use '*' only as its whole first label ('*.').")
    notes: list[Finding] = []
    if any(c in base for c in "/:@?#[]\\"):
        raise ValidationError(f"{where}: {shown(value, 80)!r} must be a domain name, without scheme, port or path.")
    try:
        host, ip, _, _ = _parse_host(base, notes)
    except ValidationError as e:
        raise ValidationError(f"{where}: {e.message}") from None
    if ip is not None:
        raise ValidationError(f"{where}: {shown(value, 80)!r} is an IP address; list it under networks.")
    if wildcard and registrable_domain(host) is None:
        raise ValidationError(f"{where}: {shown(value, 80)!r} would cover a whole public suffix; name the "
                              "organisation's own domain.")
    return ("*." if wildcard else "") + host


def network_pattern(value: str, where: str = "network") -> str:
    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        raise ValidationError(f"{where}: {shown(value, 80)!r} is not an IP network such as 192.0.2.0/24.") from None


# ---------------------------------------------------------------------------------------- evidence
@dataclass(frozen=True)
class Resolution:
    """What DNS said about a host: A/AAAA addresses and the CNAME chain that led to them."""

    name: str
    addresses: tuple[str, ...] = ()
    cname_chain: tuple[str, ...] = ()  # the names ``name`` is an alias of, in order
    status: Literal["ok", "nxdomain", "nodata", "timeout", "error"] = "ok"
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "addresses": list(self.addresses),
                "cname_chain": list(self.cname_chain), "error": self.error}


@dataclass(frozen=True)
class SecurityTxtEvidence:
    """The security.txt found for a target, reduced to what the scope rule needs (RFC 9116 §3.1)."""

    found_url: str
    file_host: str
    covers_host: bool  # fetched from the target's own host
    from_parent: bool  # fetched from a parent domain of the target
    canonical_agrees: bool | None = None  # None: the file has no Canonical field
    redirected_to: str | None = None  # the host a cross-domain redirect ended at (e.g. a central file)

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.found_url, "file_host": self.file_host, "covers_host": self.covers_host,
                "from_parent": self.from_parent, "canonical_agrees": self.canonical_agrees,
                "redirected_to": self.redirected_to}


# ---------------------------------------------------------------------------------------- decision
@dataclass
class Verdict:
    target: Target
    verdict: VerdictName
    reasons: list[str]
    decided_by: dict[str, Any]
    resolution: Resolution | None = None
    provider: str | None = None  # registrable domain of a hosting/SaaS provider the host points into
    notes: list[Finding] = field(default_factory=list)  # the target's notes and the decision's

    def to_dict(self) -> dict[str, Any]:
        out = self.target.to_dict()
        notes = out.pop("notes")
        out.update({
            "verdict": self.verdict, "reasons": list(self.reasons), "decided_by": self.decided_by,
            "resolution": self.resolution.to_dict() if self.resolution else None, "provider": self.provider,
            "notes": notes + [n.to_dict() for n in self.notes[len(self.target.notes):]],
        })
        return out


def needs_securitytxt(target: Target, policy: PolicyScope | None) -> bool:
    """Whether :func:`decide` would look at security.txt evidence (so the caller can skip fetching)."""
    if target.ip is not None:
        return False
    return not (policy is not None and (policy.has_includes or policy.excluded_host(target.host)))


def decide(target: Target, *, policy: PolicyScope | None = None, resolution: Resolution | None = None,
           securitytxt: SecurityTxtEvidence | None = None) -> Verdict:
    """In scope, out of scope or unknown, with reasons. The order (issue 5):

    1. the policy's scope, exclusions first;
    2. otherwise the security.txt rule (RFC 9116 §3.1: a file covers the host it was fetched from;
       a parent's file within the same registrable domain is accepted and said so; Canonical agrees);
    3. DNS: a CNAME into another organisation's registrable domain, or addresses outside the
       policy's networks, make an in-scope verdict ``unknown`` (the provider may need to be told).
    An IP target is in scope only by a policy network, never by guess.
    """
    d = _Decision(target, policy, resolution)
    d.dns_notes()
    if policy is not None and d.excluded():
        return d.result()
    if target.ip is not None:
        d.ip_rule()
        return d.result()
    if policy is not None and policy.has_includes:
        d.policy_host_rule()
    else:
        d.securitytxt_rule(securitytxt)
    if d.verdict == "in_scope":
        d.dns_rule()
    return d.result()


class _Decision:
    def __init__(self, target: Target, policy: PolicyScope | None, resolution: Resolution | None) -> None:
        self.t = target
        self.policy = policy
        self.res = resolution
        self.verdict: VerdictName = "unknown"
        self.reasons: list[str] = []
        self.decided_by: dict[str, Any] = {"source": "none"}
        self.provider: str | None = None
        self.notes = list(target.notes)
        self.addresses: list[IPAddress] = []
        if resolution is not None:
            for a in resolution.addresses:
                try:
                    self.addresses.append(ipaddress.ip_address(a))
                except ValueError:
                    continue

    def result(self) -> Verdict:
        return Verdict(self.t, self.verdict, self.reasons, self.decided_by, self.res, self.provider, self.notes)

    def set(self, verdict: VerdictName, reason: str, decided_by: dict[str, Any] | None = None) -> None:
        self.verdict = verdict
        self.reasons.append(reason)
        if decided_by is not None:
            self.decided_by = decided_by

    @staticmethod
    def _rule_text(rule: ScopeRule) -> str:
        extra = f" {rule.note.rstrip('.')}." if rule.note else ""
        if rule.contact:
            extra += f" Contact for that application: {rule.contact}."
        return extra

    def _by(self, rule: ScopeRule, which: str) -> dict[str, Any]:
        out = {"source": "policy", "list": which, **rule.to_dict()}
        if self.policy is not None and self.policy.source:
            out["policy"] = self.policy.source
        return out

    # -- DNS facts, whatever the verdict
    def dns_notes(self) -> None:
        r, host = self.res, self.t.host
        if r is None or self.t.ip is not None:
            return
        if r.status == "nxdomain":
            msg = f"{host} does not exist in DNS (NXDOMAIN)"
            if r.cname_chain:
                self.notes.append(_note("dangling_cname", "warning", f"{host} is an alias of {r.cname_chain[-1]}, "
                                        "which does not exist: a possible subdomain takeover (report that too)."))
            self.notes.append(_note("dns_nxdomain", "warning", msg + "."))
        elif r.status == "nodata":
            self.notes.append(_note("dns_nodata", "warning", f"{host} exists in DNS but has no A or AAAA address."))
        elif r.status in ("timeout", "error"):
            self.notes.append(_note(f"dns_{r.status}", "warning",
                                    f"The DNS lookup of {host} failed ({r.error or r.status}); its addresses and "
                                    "aliases were not checked."))

    # -- 1. policy exclusions (the host, every name in its CNAME chain, every address)
    def excluded(self) -> bool:
        p = self.policy
        assert p is not None
        host = self.t.host
        if self.t.ip is None:
            rule = p.excluded_host(host)
            if rule:
                self.set("out_of_scope", f"{host} is excluded by the policy ({rule.describe()})."
                         + self._rule_text(rule), self._by(rule, "exclude"))
                self._exclude_note()
                return True
            for name in (self.res.cname_chain if self.res else ()):
                rule = p.excluded_host(name)
                if rule:
                    self.set("out_of_scope", f"{host} is an alias (CNAME) of {name}, which the policy excludes "
                             f"({rule.describe()})." + self._rule_text(rule), self._by(rule, "exclude"))
                    self._exclude_note()
                    return True
        addresses = [self.t.address] if self.t.ip else self.addresses
        for addr in addresses:
            rule = p.excluded_ip(addr) if addr is not None else None
            if rule:
                what = f"{addr} is" if self.t.ip else f"{host} resolves to {addr}, which is"
                self.set("out_of_scope", f"{what} in the network {rule.describe()}, which the policy excludes."
                         + self._rule_text(rule), self._by(rule, "exclude"))
                self._exclude_note()
                return True
        return False

    def _exclude_note(self) -> None:
        if self.policy is not None and self.policy.exclude_note:
            self.reasons.append(self.policy.exclude_note)

    # -- IP targets: only a policy network puts them in scope
    def ip_rule(self) -> None:
        addr = self.t.address
        assert addr is not None
        p = self.policy
        if p is None or not p.has_includes:
            self.set("unknown", f"{addr} is an IP address: it is in scope only when a policy lists its network, "
                     "never by guess; give --policy or check the host name instead.")
            return
        rule = p.included_ip(addr)
        if rule:
            self.set("in_scope", f"{addr} is in the policy's network {rule.pattern}.", self._by(rule, "include"))
        elif p.include_networks:
            self.set("out_of_scope", f"{addr} is in none of the networks the policy lists.",
                     {"source": "policy", "list": "include", "policy": p.source})
        else:
            self.set("unknown", f"The policy lists no networks, so the IP address {addr} cannot be placed; "
                     "check the host name instead.", {"source": "policy", "policy": p.source})

    # -- 1b. policy includes for host names
    def policy_host_rule(self) -> None:
        p = self.policy
        assert p is not None
        host = self.t.host
        rule = p.included_host(host)
        if rule:
            self.set("in_scope", f"{host} is in the policy's scope ({rule.pattern}).", self._by(rule, "include"))
            return
        nets = p.include_networks
        inside = [a for a in self.addresses if p.included_ip(a)]
        if nets and self.addresses and len(inside) == len(self.addresses):
            first = p.included_ip(inside[0])
            self.set("in_scope", f"{host} is not listed by name, but all its addresses "
                     f"({', '.join(map(str, self.addresses))}) lie in the policy's networks.",
                     self._by(first, "include") if first else None)
            return
        if nets and (self.res is None or self.res.status in ("timeout", "error")):
            self.set("unknown", f"{host} matches none of the policy's domains, and its addresses could not be "
                     "checked against the policy's networks.", {"source": "policy", "policy": p.source})
            return
        self.set("out_of_scope", f"{host} is not in the policy's scope: it matches none of its domains"
                 + (" and none of its networks." if nets else "."),
                 {"source": "policy", "list": "include", "policy": p.source})

    # -- 2. security.txt (RFC 9116 section 3.1)
    def securitytxt_rule(self, ev: SecurityTxtEvidence | None) -> None:
        host = self.t.host
        if ev is None:
            self.set("unknown", f"No policy scope was given and no security.txt was found for {host} or its "
                     "parent domains, so it is not clear that this organisation asks for reports about it; "
                     "give --policy with the policy's scope.")
            return
        by = {"source": "securitytxt", **ev.to_dict()}
        rd = self.t.registrable_domain
        if not ev.covers_host and (rd is None or registrable_domain(ev.file_host) != rd):
            self.set("unknown", f"The security.txt that answered for {host} comes from {ev.file_host}, another "
                     f"registrable domain; it does not show that {host} is theirs.", by)
            return
        if ev.canonical_agrees is False:
            self.set("unknown", f"The security.txt at {ev.found_url} does not list that URL in its Canonical "
                     "field, so it may be a copy that belongs elsewhere (RFC 9116 section 2.5.2).", by)
            return
        if ev.covers_host:
            self.set("in_scope", f"{host} publishes its own security.txt ({ev.found_url}); under RFC 9116 "
                     "section 3.1 a file covers the host it was fetched from.", by)
        else:
            self.set("in_scope", f"{host} has no security.txt of its own; the nearest parent domain "
                     f"{ev.file_host} has one ({ev.found_url}), within the same registrable domain {rd}. "
                     "RFC 9116 section 3.1 says a file covers only its own host, so this is the parent's "
                     "policy applied to a subdomain.", by)
        if ev.redirected_to:
            self.reasons.append(f"{ev.file_host} redirects its security.txt to {ev.redirected_to}, another "
                                "organisation's domain (a central file, such as the Dutch government's at "
                                "ncsc.nl, is a legitimate case): the organisation sends reporters there itself.")

    # -- 3. DNS: CNAME into a provider, addresses outside the policy's networks
    def dns_rule(self) -> None:
        r, host = self.res, self.t.host
        if r is None:
            return
        rd = self.t.registrable_domain
        for name in r.cname_chain:
            name_rd = registrable_domain(name)
            own = name_rd is not None and name_rd == rd
            if own or (self.policy is not None and self.policy.included_host(name)):
                continue
            self.provider = name_rd or name
            self.set("unknown", f"{host} is an alias (CNAME) of {name} at {self.provider}, another organisation's "
                     f"domain: the system may be run by that provider, who may need to be told too.")
            return
        p = self.policy
        if p is not None and p.include_networks and self.addresses:
            outside = [a for a in self.addresses if not p.included_ip(a)]
            if outside:
                self.set("unknown", f"{host} resolves to {', '.join(map(str, outside))}, outside the policy's "
                         "networks: the system may be hosted by a provider, who may need to be told too.")
