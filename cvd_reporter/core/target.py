"""The one target parser: a URL, host name or IP address as a browser reads it. Pure.

Parsing follows the WHATWG URL Standard (https://url.spec.whatwg.org/, "host parsing" and the
"IPv4 parser"), because that decides which machine a URL really reaches: ``https://gemeente.nl@evil.example/``
is ``evil.example``, ``https://0xC0.168.1.1/`` and ``3232235777`` are ``192.168.1.1``, ``GEMEENTE.NL.`` is
``gemeente.nl``. The parts follow RFC 3986 (scheme, host, port, path). Everything odd that was undone
is kept as a note (a :class:`~cvd_reporter.core.findings.Finding`), so the reporter sees it.

Text that is no target raises :class:`~cvd_reporter.errors.TargetError` (exit 3), with one sentence.
Callers add their own demands on top (discovery fetches only http(s); a report needs a host name
with a registrable domain), but none parses a target itself.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.core.findings import Finding, said_note, shown
from cvd_reporter.core.i18n import N_
from cvd_reporter.core.idn import domain_to_ascii
from cvd_reporter.errors import TargetError

Kind = Literal["url", "host", "ip"]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# WHATWG "special schemes" and their default ports (URL Standard, section 4.1).
SPECIAL_SCHEMES: dict[str, int | None] = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
WEB_SCHEMES = ("http", "https")

MAX_TARGET_CHARS = 8192  # a target longer than this is garbage; the message says so without echoing it
MAX_HOST_CHARS = 253  # RFC 1035 section 2.3.4 (presentation form, without the trailing dot)
MAX_LABEL_CHARS = 63

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


@functools.lru_cache(maxsize=256)
def _fixed_note(code: str, severity: str, msgid: str, /, *values: tuple[str, Any]) -> Finding:
    """A note whose text takes few values (Findings are immutable, so one object serves every target):
    a catalogue text (``target.note.*``), English in ``--json``, said in the reader's language by ``scope``."""
    return said_note(code, severity, msgid, **dict(values))


_USERINFO = re.compile(r"(\s*(?:[A-Za-z][A-Za-z0-9+.\-]*:)?[/\\]*)([^/\\?#]*)@")


def display_target(text: str, limit: int = 300) -> str:
    """The target as given, for output: a password in its user-info replaced by ***, length capped."""
    m = _USERINFO.match(text)
    if m and ":" in m.group(2):
        text = text[:m.start(2)] + m.group(2).split(":", 1)[0] + ":***" + text[m.end(2):]
    return shown(text, limit)


# ---------------------------------------------------------------------------------------- Target
@dataclass(frozen=True)
class Target:
    """A parsed target.

    ``host``: the lower-case A-label host name without a trailing dot, or the URL Standard's text of
    an IP address. ``ip``: the address whenever the host is one (also inside a URL), else None.
    ``scheme``, ``path``, ``query``, ``fragment`` and ``url`` are set for a URL (``kind`` "url"): a
    URL without a scheme gets https. ``port`` is None for the scheme's default port.
    """

    original: str
    kind: Kind
    host: str
    ip: IPAddress | None = None
    port: int | None = None
    scheme: str | None = None
    path: str | None = None
    query: str | None = None
    fragment: str | None = None
    url: str | None = None
    registrable_domain: str | None = None
    unicode_host: str | None = None  # the U-label form when the host is an IDN
    zone: str | None = None  # an IPv6 zone (fe80::1%eth0): local to the reporter's machine
    userinfo: bool = False  # the URL had "user@" before its host (the host is what follows it)
    notes: tuple[Finding, ...] = ()

    @property
    def host_in_url(self) -> str:
        """The host as it is written in a URL: an IPv6 address in brackets."""
        return f"[{self.host}]" if self.ip is not None and self.ip.version == 6 else self.host


def _clean(target: str, notes: list[Finding]) -> str:
    """URL Standard, basic URL parser: strip leading/trailing C0 controls and spaces, then drop every
    tab and newline inside (browsers do, so "gemeen\\tte.nl" is gemeente.nl)."""
    if not isinstance(target, str):
        raise TargetError.t("target.not_text")
    if len(target) > MAX_TARGET_CHARS:
        raise TargetError.t("target.too_long", n=len(target), max=MAX_TARGET_CHARS)
    text = target.strip(_C0_AND_SPACE)
    if "\t" in text or "\n" in text or "\r" in text:
        text = _TAB_NEWLINE.sub("", text)
        notes.append(_fixed_note("control_characters", "warning", N_("target.note.control_characters")))
    if not text:
        raise TargetError.t("target.empty")
    return text


def _split_authority(text: str, notes: list[Finding]) -> tuple[str | None, str, str]:
    """(special scheme or None, authority, what follows it) of the cleaned target text."""
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
            raise TargetError.t("target.scheme", scheme=shown(candidate, 20))
    if m is not None and scheme is not None and scheme != m.group(1):
        notes.append(_fixed_note("case", "info", N_("target.note.scheme_case"),
                                 ("written", repr(m.group(1))), ("scheme", repr(scheme))))

    # Special authority slashes: a browser skips any run of / and \ after "https:".
    stripped = rest.lstrip("/\\")
    slashes = rest[: len(rest) - len(stripped)]
    rest = stripped
    if "\\" in slashes:
        notes.append(_fixed_note("backslash", "warning", N_("target.note.backslash_slashes")))
    elif scheme is not None and slashes != "//":
        notes.append(_fixed_note("slashes", "warning", N_("target.note.slashes"), ("n", len(slashes))))

    # The authority ends at the first / ? # or \ (a backslash is a slash in special URLs).
    found = _AUTHORITY_END.search(rest)
    end = found.start() if found else len(rest)
    authority, tail = rest[:end], rest[end:]
    if tail.startswith("\\") and not any(n.code == "backslash" for n in notes):
        notes.append(_fixed_note("backslash", "warning", N_("target.note.backslash_ends_host")))
    return scheme, authority, tail


def parse_target(target: str) -> Target:
    """Normalise a URL, host name or IP address as a browser would (WHATWG URL host parsing).

    Raises :class:`TargetError` (one sentence) for text that is no target at all.
    """
    notes: list[Finding] = []
    text = _clean(target, notes)
    bare_ip = _bare_ip(target, text, notes)
    if bare_ip is not None:
        return bare_ip
    scheme, authority, tail = _split_authority(text, notes)

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
        msgid = N_("target.note.userinfo_password") if ":" in userinfo else N_("target.note.userinfo")
        notes.append(said_note("userinfo", "warning", msgid, extra={"userinfo": shown(user, 60)},
                               user=repr(shown(user, 60)), host=host))

    if scheme is None and not tail:
        return Target(original=target, kind="ip" if ip is not None else "host", host=host, ip=ip, port=port,
                      registrable_domain=rd, unicode_host=unicode_host, zone=zone, userinfo=userinfo is not None,
                      notes=tuple(notes))
    if scheme is None:
        scheme = "https"
        notes.append(_fixed_note("no_scheme", "info", N_("target.note.no_scheme")))
    path, query, fragment = _split_tail(tail, notes)
    host_part = f"[{host}]" if ip is not None and ip.version == 6 else host
    url = f"{scheme}://{host_part}" + (f":{port}" if port is not None else "") + path
    url += ("?" + query if query is not None else "") + ("#" + fragment if fragment is not None else "")
    return Target(original=target, kind="url", host=host, ip=ip, port=port, scheme=scheme, path=path,
                  query=query, fragment=fragment, url=url, registrable_domain=rd, unicode_host=unicode_host,
                  zone=zone, userinfo=userinfo is not None, notes=tuple(notes))


@functools.lru_cache(maxsize=16384)
def _host_info(raw: str) -> tuple[str, IPAddress | None, str | None, str | None, str | None, tuple[Finding, ...]]:
    """The host part, parsed once per distinct spelling (a batch names the same hosts again and
    again; an IDN costs 20 us to convert). Errors are raised, never cached."""
    notes: list[Finding] = []
    host, addr, zone, unicode_host = parse_host(raw, notes)
    rd = None if addr is not None else registrable_domain(host)
    return host, addr, zone, unicode_host, rd, tuple(_finish_notes(host, addr, rd, notes))


def _finish_notes(host: str, addr: IPAddress | None, rd: str | None, notes: list[Finding]) -> list[Finding]:
    if addr is None and rd is None:
        notes.append(said_note("no_registrable_domain", "warning", "target.note.no_registrable_domain", host=host))
    if addr is not None:
        mapped = getattr(addr, "ipv4_mapped", None)
        if mapped is not None:
            notes.append(said_note("ipv4_mapped", "info", "target.note.ipv4_mapped", host=host, ip=str(mapped)))
            addr = mapped
        if not addr.is_global:
            notes.append(said_note("non_public_address", "warning", "target.note.non_public", ip=str(addr)))
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
        notes.append(said_note("ipv6_form", "info", "target.note.ipv6_form", written=shown(addr_text, 60), ip=ip))
    return Target(original=original, kind="ip", host=ip, ip=addr, zone=zone or None,
                  notes=tuple(_finish_notes(ip, addr, None, notes)))


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
        raise TargetError.t("target.ipv6_zone")
    notes.append(said_note("ipv6_zone", "warning", "target.note.ipv6_zone", zone=zone))
    return zone


def _split_host_port(authority: str) -> tuple[str, str | None]:
    if authority.startswith("["):
        close = authority.find("]")
        if close == -1:
            raise TargetError.t("target.ipv6_unclosed")
        host, after = authority[: close + 1], authority[close + 1:]
        if after and not after.startswith(":"):
            raise TargetError.t("target.ipv6_after")
        return host, after[1:] if after else None
    host, sep, port = authority.partition(":")
    return host, port if sep else None


def _parse_port(port_text: str | None, scheme: str | None, notes: list[Finding]) -> int | None:
    if port_text is None or port_text == "":
        return None
    if not port_text.isascii() or not port_text.isdigit():
        raise TargetError.t("target.port_nan", port=repr(shown(port_text, 20)))
    digits = port_text.lstrip("0") or "0"
    port = int(digits) if len(digits) <= 5 else 65536
    if port > 65535:
        raise TargetError.t("target.port_large", port=shown(port_text, 20))
    if scheme is not None and SPECIAL_SCHEMES.get(scheme) == port:
        notes.append(_fixed_note("default_port", "info", N_("target.note.default_port"), ("port", port),
                                 ("scheme", scheme)))
        return None
    return port


# ---------------------------------------------------------------------------------------- hosts
def parse_host(raw: str, notes: list[Finding]) -> tuple[str, IPAddress | None, str | None, str | None]:
    """URL Standard "host parser" for special URLs -> (host, IP address or None, zone, unicode_host)."""
    if raw.startswith("["):
        inner = raw[1:-1]
        addr_text, pct, zone_text = inner.partition("%")
        try:
            addr = ipaddress.IPv6Address(addr_text)
        except ValueError:
            raise TargetError.t("target.bad_ipv6", ip=shown(inner, 60)) from None
        zone = _check_zone(zone_text, notes) if pct else None
        return serialise_ipv6(addr), addr, zone, None
    if not raw:
        raise TargetError.t("target.no_host")

    domain = raw
    if "%" in raw:
        domain = _percent_decode_host(raw)
        notes.append(said_note("percent_encoded_host", "warning", "target.note.percent_encoded",
                           written=shown(raw, 60), host=shown(domain, 60)))
    if len(domain) > MAX_HOST_CHARS + 1:  # checked before IDNA: Punycode of a long label is slow
        raise TargetError.t("target.host_long", n=len(domain), max=MAX_HOST_CHARS)
    unicode_host = None
    lowered = domain.lower()
    if domain.isascii() and "xn--" not in lowered:
        host = lowered
    else:
        host, unicode_host = domain_to_ascii(domain, notes)

    if host.endswith("."):
        host = host[:-1]
        notes.append(said_note("trailing_dot", "info", "target.note.trailing_dot", host=shown(host, 80)))
    if len(host) > MAX_HOST_CHARS:
        raise TargetError.t("target.host_long", n=len(host), max=MAX_HOST_CHARS)
    if not _HOST_OK.fullmatch(host):
        if any(len(label) > MAX_LABEL_CHARS for label in host.split(".")):
            raise TargetError.t("target.label_long", max=MAX_LABEL_CHARS)
        if not host or host.startswith(".") or host.endswith(".") or ".." in host:
            raise TargetError.t("target.empty_label")
        bad = _HOST_BAD_CHAR.search(host)
        ch = bad.group(0) if bad else "?"
        raise TargetError.t("target.bad_char", ch=repr(ch), codepoint=f"U+{ord(ch):04X}")
    if host[-1] in _HEX_X and _ends_in_number(host.rpartition(".")[2]):
        return _parse_ipv4(host, raw, notes)
    if unicode_host is None and domain != host and domain.rstrip(".") != host and domain.lower().rstrip(".") == host:
        notes.append(said_note("case", "info", "target.note.host_case", host=host))
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
        raise TargetError.t("target.bad_utf8") from None


def _ends_in_number(last: str) -> bool:
    """URL Standard "ends in a number": the last label is all digits, or 0x followed by hex digits."""
    if last and all(c in _DEC for c in last):
        return True
    return last[:2] in ("0x", "0X") and all(c in _HEX for c in last[2:])


def _parse_ipv4(host: str, raw: str, notes: list[Finding]) -> tuple[str, ipaddress.IPv4Address, None, None]:
    """URL Standard IPv4 parser: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x)."""
    parts = host.split(".")
    if len(parts) > 4:
        raise TargetError.t("target.ipv4_parts", target=shown(raw, 80))
    numbers = []
    odd = len(parts) != 4
    for part in parts:
        radix, digits, allowed = 10, part, _DEC
        if part[:2] in ("0x", "0X"):
            radix, digits, allowed, odd = 16, part[2:], _HEX, True
        elif len(part) > 1 and part[0] == "0":
            radix, digits, allowed, odd = 8, part[1:], _OCT, True
        if not all(c in allowed for c in digits):
            raise TargetError.t("target.ipv4_number", target=shown(raw, 80))
        numbers.append(int(digits, radix) if digits else 0)
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise TargetError.t("target.ipv4_large", target=shown(raw, 80))
    value = numbers[-1]
    for idx, n in enumerate(numbers[:-1]):
        value += n * 256 ** (3 - idx)
    addr = ipaddress.IPv4Address(value)
    ip = str(addr)
    if odd:
        notes.append(said_note("ipv4_nonstandard", "warning", "target.note.ipv4_nonstandard", written=shown(raw, 60),
                           ip=ip))
    return ip, addr, None, None


# ---------------------------------------------------------------------------------------- URL
def _split_tail(tail: str, notes: list[Finding]) -> tuple[str, str | None, str | None]:
    """(path, query, fragment) of what follows the authority, percent-encoded as a browser does."""
    fragment = query = None
    rest = tail
    if "#" in rest:
        rest, fragment = rest.split("#", 1)
        fragment = quote(fragment, safe=_FRAGMENT_SAFE)
    if "?" in rest:
        rest, query = rest.split("?", 1)
        query = query if _PLAIN_QUERY.fullmatch(query) else quote(query, safe=_QUERY_SAFE)
    path = _normalise_path(rest.replace("\\", "/"), notes) if rest else "/"
    return path, query, fragment


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
            notes.append(_fixed_note("dot_segments", "info", N_("target.note.dot_segments")))
        path = new
    if _PLAIN_PATH.fullmatch(path):
        return path
    return quote(path, safe=_PATH_SAFE)
