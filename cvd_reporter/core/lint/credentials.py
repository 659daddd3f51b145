"""Detectors for secrets: service tokens with a known prefix, JSON Web Tokens, private key blocks, and
values after a keyword (passwords, secret settings, Authorization headers, URL userinfo, curl
options, session cookies)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from bisect import bisect_right
from functools import lru_cache

from cvd_reporter.core.lint.common import _HIDDEN, _is_placeholder, _looks_random, _mask, _Raw

# ---------------------------------------------------------------------------- tokens
_TOKEN_PATTERNS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    # (code, pattern, how many characters of the value a preview may show: the public prefix)
    ("aws_key", re.compile(r"A(?:KIA|SIA|BIA|CCA)[A-Z0-9]{16}"), 4),
    ("github_token", re.compile(r"gh[pousr]_[A-Za-z0-9]{36,251}"), 4),
    ("github_token", re.compile(r"github_pat_[A-Za-z0-9_]{22,255}"), 11),
    ("slack_token", re.compile(r"xox[abposre]-[A-Za-z0-9-]{10,250}"), 5),
    ("slack_token", re.compile(r"xapp-[0-9]-[A-Za-z0-9-]{10,250}"), 5),
    ("slack_token", re.compile(r"hooks\.slack\.com/services/[A-Za-z0-9_/-]{20,200}"), 26),
    ("google_api_key", re.compile(r"AIza[0-9A-Za-z_\-]{35}"), 4),
)
_TOKEN_CHAR = re.compile(r"[A-Za-z0-9_\-]")


def _scan_tokens(text: str, out: list[_Raw]) -> None:
    n = len(text)
    for code, pattern, shown in _TOKEN_PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if (s > 0 and _TOKEN_CHAR.match(text[s - 1]) and code != "slack_token") or \
                    (e < n and _TOKEN_CHAR.match(text[e])):
                continue
            out.append(_Raw(code, s, e, text[s:s + shown] + "…"))


_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,8192}\.[A-Za-z0-9_-]{2,65536}\.[A-Za-z0-9_-]{0,8192}"
                  r"(?:\.[A-Za-z0-9_-]{0,65536}\.[A-Za-z0-9_-]{0,8192})?")


def jwt_header(token: str) -> dict[str, object] | None:
    """The decoded JOSE header (RFC 7515 4) when it is a JSON object with an ``alg``, else None."""
    head = token.split(".", 1)[0]
    try:
        doc = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (binascii.Error, ValueError):
        return None
    return doc if isinstance(doc, dict) and isinstance(doc.get("alg"), str) else None


def _scan_jwt(text: str, out: list[_Raw]) -> None:
    n = len(text)
    for p in _find_all(text, "eyJ"):
        if p > 0 and _TOKEN_CHAR.match(text[p - 1]):
            continue  # inside a longer token; also keeps "eyJeyJeyJ..." linear
        m = _JWT.match(text, p)
        if m is None or (m.end() < n and _TOKEN_CHAR.match(text[m.end()])):
            continue
        header = jwt_header(m.group())
        if header is not None:
            out.append(_Raw("jwt", p, m.end(), f"JWT alg {str(header['alg'])[:10]}, eyJ…"))


# RFC 7468 labels: "-----BEGIN PRIVATE KEY-----", "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY",
# "ENCRYPTED PRIVATE KEY", and the OpenPGP armor "PGP PRIVATE KEY BLOCK" (RFC 4880 6.2).
_PEM_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9]{1,20} ){0,2}PRIVATE KEY( BLOCK)?-----")
_PEM_END = re.compile(r"-----END ([A-Z0-9]{1,20} ){0,2}PRIVATE KEY( BLOCK)?-----")
# Without an END line: the base64 lines, armor headers and blank lines that follow.
_PEM_BODY = re.compile(r"(?:\r?\n(?:[A-Za-z0-9+/=]{4,100}|[A-Za-z-]{2,30}: [^\r\n]{0,200}|[ \t]*))*")


def _scan_private_keys(text: str, out: list[_Raw]) -> None:
    begins = list(_PEM_BEGIN.finditer(text))
    if not begins:
        return
    ends = list(_PEM_END.finditer(text))
    end_starts = [m.start() for m in ends]
    for k, b in enumerate(begins):
        limit = begins[k + 1].start() if k + 1 < len(begins) else len(text)
        i = bisect_right(end_starts, b.start())
        if i < len(ends) and ends[i].start() < limit:
            stop = ends[i].end()
        else:  # no END before the next BEGIN: take the key-like lines that follow
            stop = _PEM_BODY.match(text, b.end(), limit).end()  # type: ignore[union-attr] # always matches
            while stop > b.end() and text[stop - 1].isspace():
                stop -= 1
        lines = text.count("\n", b.start(), stop) + 1
        out.append(_Raw("private_key", b.start(), stop, f"{b.group()} … ({lines} lines)"))


# ---------------------------------------------------------------------------- keyword-anchored
# Keywords are found with plain substring searches in a lower-cased copy; the precise pattern is
# then matched at that offset in the original text (case-insensitively).
_VALUE = r"(?:\"([^\"\r\n]{1,512})\"|'([^'\r\n]{1,512})'|([^\s\"'<>,;&]{1,512}))"
_PW_KV = re.compile(r"(password|passwd|passphrase|pwd|wachtwoord|pass)[\"']?[ \t]{0,8}([:=])[ \t]{0,8}" + _VALUE,
                    re.IGNORECASE)
_CODE_CALL = re.compile(r"[A-Za-z_][\w.]*(?:\(|->)")  # password = get_password(...): code, not a value
_PW_XML = re.compile(r"<(password|passwd|wachtwoord|pwd)>([^<\r\n]{1,512})</", re.IGNORECASE)
_SECRET_KV = re.compile(r"(secret(?:[_-]?(?:access[_-]?)?key)?|token|api[_-]?key|apikey)[\"']?[ \t]{0,8}[:=]"
                        r"[ \t]{0,8}" + _VALUE, re.IGNORECASE)
_AUTH = re.compile(r"authorization[\"']?[ \t]{0,8}[:=][ \t]{0,8}[\"']?(bearer|basic|token)[ \t]+"
                   r"([A-Za-z0-9._~+/=\-]{8,8192})", re.IGNORECASE)
_URL_AUTH = re.compile(r"([^\s/?#@:\"'<>]{1,256}):([^\s/?#@\"'<>]{1,256})@[A-Za-z0-9\[]")
_CURL_FLAG = re.compile(r"-(u|b|-user|-cookie)[ \t=]")
_CURL_USER = re.compile(r"-(?:u|-user)(?:[ \t]+|=)[\"']?([^\s:\"']{1,256}):([^\s\"']{1,256})")
_COOKIE_HDR = re.compile(r"cookie[\"']?[ \t]{0,8}:[ \t]{0,8}([^\r\n\"']{1,16384})", re.IGNORECASE)
_CURL_COOKIE = re.compile(r"-(?:b|-cookie)(?:[ \t]+|=)[\"']?([^\r\n\"']{1,16384})")
_COOKIE_PAIR = re.compile(r"[ \t]*([^=;\s]{1,256})=([^;]*)")
_SESSION_NAME = re.compile(r"sess|sid\Z|token|auth|jwt|remember|login|identity|\Asid", re.IGNORECASE)


def _value(m: re.Match[str], first: int) -> tuple[int, int, str] | None:
    """The value of a key=value match: quoted (groups ``first``, ``first + 1``) or bare (``first + 2``)."""
    for g in (first, first + 1, first + 2):
        v = m.group(g)
        if v is not None:
            if g == first + 2:
                v = v.rstrip(".)]}")  # a sentence's full stop or a closing bracket is not the value
            return (m.start(g), m.start(g) + len(v), v) if v else None
    return None


def _key_boundary(text: str, p: int) -> bool:
    """The keyword at ``p`` starts a name: after a non-letter, or a camelCase hump (userPassword)."""
    if p == 0:
        return True
    before = text[p - 1]
    return not before.isalnum() or ((before.islower() or before.isdigit()) and text[p].isupper())


def _lower_same_length(text: str) -> str:
    lower = text.lower()
    if len(lower) != len(text):  # a few characters grow when lower-cased (U+0130): keep offsets exact
        lower = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return lower


# In each keyword scanner, an occurrence inside what the previous match consumed is not tried again
# (``done``): this keeps hostile repetitions ("password=password=...", "Cookie: Cookie: ...") linear.
def _scan_keywords(text: str, out: list[_Raw]) -> None:
    lower = _lower_same_length(text)
    _scan_passwords(text, lower, out)
    _scan_secret_settings(text, lower, out)
    _scan_authorization(text, lower, out)
    _scan_url_userinfo(text, out)
    _scan_curl(text, out)
    _scan_cookie_headers(text, lower, out)


def _scan_passwords(text: str, lower: str, out: list[_Raw]) -> None:
    done = 0
    for p in _find_all(lower, "pass", "pwd", "wachtwoord"):
        if p < done:
            continue
        if p > 0 and text[p - 1] == "<":
            m = _PW_XML.match(text, p - 1)
            if m and not _is_placeholder(m.group(2)):
                out.append(_Raw("password", m.start(2), m.end(2), f"<{m.group(1)}>{_HIDDEN}"))
                done = m.end()
            continue
        m = _PW_KV.match(text, p)
        if m is None or not _key_boundary(text, p):
            continue
        key = m.group(1)
        if key.lower() in ("pass", "pwd") and m.group(2) != "=" and text[p + len(key)] not in "\"'":
            continue  # pass=... (db_pass=, ?pass=) and "pwd": ..., but not "pass: yes" or "pwd: Jim Meyering"
        got, done = _value(m, 3), m.end()
        if got and not _is_placeholder(got[2]) and not (m.group(5) and _CODE_CALL.match(text, got[0])):
            out.append(_Raw("password", got[0], got[1], f"{m.group(1)}{m.group(2)}{_HIDDEN}"))


def _scan_secret_settings(text: str, lower: str, out: list[_Raw]) -> None:
    done = 0
    for p in _find_all(lower, "secret", "token", "api"):
        m = _SECRET_KV.match(text, p) if p >= done else None
        if m is None or lower[max(0, p - 5):p].rstrip("_-").endswith(("csrf", "xsrf")):
            continue
        got, done = _value(m, 2), m.end()
        if got and not _is_placeholder(got[2]) and _looks_random(got[2], min_len=12):
            code = "aws_key" if lower[max(0, p - 4):p] == "aws_" else "secret"
            out.append(_Raw(code, got[0], got[1], f"{m.group(1)}=" + _mask(got[2], 0, 0)))


def _scan_authorization(text: str, lower: str, out: list[_Raw]) -> None:
    """Authorization headers (RFC 9110 11.6.2): Basic credentials (RFC 7617) are a password; a
    Bearer (RFC 6750) or "token" credential is flagged when it looks random."""
    done = 0
    for p in _find_all(lower, "authorization"):
        m = _AUTH.match(text, p) if p >= done else None
        if m is None:
            continue
        done = m.end()
        scheme, token = m.group(1).lower(), m.group(2)
        if scheme == "basic":
            try:
                ok = b":" in base64.b64decode(token, validate=True)
            except (binascii.Error, ValueError):
                ok = False
            if ok:
                out.append(_Raw("password", m.start(2), m.end(2), f"Basic {_HIDDEN}"))
        elif _looks_random(token) and not _is_placeholder(token):
            out.append(_Raw("bearer_token", m.start(2), m.end(2), f"{m.group(1)} " + _mask(token, 0, 0)))


def _scan_url_userinfo(text: str, out: list[_Raw]) -> None:
    """user:password@ in a URL's authority (RFC 3986 3.2.1 deprecates it for exactly this reason)."""
    done = 0
    for p in _find_all(text, "://"):
        m = _URL_AUTH.match(text, p + 3) if p >= done else None
        done = m.end() if m else done
        if m and not _is_placeholder(m.group(2)):
            out.append(_Raw("password", m.start(2), m.end(2), f"://…:{_HIDDEN}@"))


def _scan_curl(text: str, out: list[_Raw]) -> None:
    """curl -u user:password and -b/--cookie 'name=value' in pasted commands."""
    done = 0
    for flag in _CURL_FLAG.finditer(text):
        p = flag.start()
        if p < done or (p > 0 and not text[p - 1].isspace()):
            continue
        if flag.group(1) in ("u", "-user"):
            m = _CURL_USER.match(text, p)
            if m and not _is_placeholder(m.group(2)):
                out.append(_Raw("password", m.start(2), m.end(2), f"-u …:{_HIDDEN}"))
        else:
            m = _CURL_COOKIE.match(text, p)
            if m:
                _session_cookies(m, first_only=False, out=out)
        done = m.end() if m else done


def _scan_cookie_headers(text: str, lower: str, out: list[_Raw]) -> None:
    done = 0
    for p in _find_all(lower, "cookie"):
        if p < done or (p > 0 and text[p - 1].isalnum()):
            continue
        m = _COOKIE_HDR.match(text, p)
        if m:
            done = m.end()
            _session_cookies(m, first_only=lower[max(0, p - 4):p] == "set-", out=out)


def _find_all(haystack: str, *needles: str) -> list[int]:
    """Sorted offsets of the literal needles (the regex engine's literal search beats str.find loops)."""
    found = [m.start() for needle in needles for m in _literal(needle).finditer(haystack)]
    if len(needles) > 1:
        found.sort()
    return found


@lru_cache(maxsize=32)
def _literal(needle: str) -> re.Pattern[str]:
    return re.compile(re.escape(needle))


def _session_cookies(m: re.Match[str], *, first_only: bool, out: list[_Raw]) -> None:
    """Session-like name=value pairs of a Cookie header (RFC 6265 4.2.1); of a Set-Cookie header only
    the first pair is the cookie, the rest are attributes (4.1.1)."""
    header, base = m.group(1), m.start(1)
    for pair in _COOKIE_PAIR.finditer(header):
        name, value = pair.group(1), pair.group(2).strip().strip('"')
        if _SESSION_NAME.search(name) and not re.search(r"csrf|xsrf", name, re.IGNORECASE) \
                and len(value) >= 8 and not _is_placeholder(value) and value.lower() != "deleted":
            v_start = header.index(value, pair.start(2)) + base
            out.append(_Raw("session_cookie", v_start, v_start + len(value), f"{name}=…"))
        if first_only:
            break
