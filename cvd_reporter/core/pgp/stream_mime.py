"""PGP/MIME messages built as a stream: the same structure as :mod:`cvd_reporter.core.mime`, but
the evidence is never held whole in memory.

The header sections, the report text and the part structure come from core/mime.py itself (so
both paths always agree); only the attachment bodies are left out and filled in as the message is
written. Three pieces:

- :func:`plan_message` builds the inner entity with a unique marker where each attachment's body
  goes, and the outer RFC 3156 skeleton around the place where the armored ciphertext goes;
- :func:`inner_chunks` gives the inner entity piece by piece, each attachment base64-encoded in
  76-column CRLF lines from the chunks the caller reads (RFC 2045 §6.8), exactly as the
  ``email`` package would have written it;
- :func:`check_structure` decides from the first and last kilobytes of a finished message whether
  it is the RFC 3156 structure with armored ciphertext inside, without reading all of it.

Pure: the caller reads the files and writes the message.
"""

from __future__ import annotations

import binascii
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from email import policy as email_policy
from email.parser import BytesHeaderParser

from cvd_reporter.core import mime

ARMOR_BEGIN = mime.ARMOR_BEGIN
ARMOR_END = mime.ARMOR_END
LINE_BYTES = 57  # 76 base64 characters per line, what the email package writes (RFC 2045 §6.8)
READ_BYTES = LINE_BYTES * 16384  # about 900 KiB of a file per read
_PLACEHOLDER = ARMOR_BEGIN + b"\n\nPLACEHOLDER\n" + ARMOR_END


@dataclass(frozen=True)
class StreamAttachment:
    """An attachment whose body is read later: a file name, the media type, the size in bytes."""

    name: str
    media_type: str
    size: int


@dataclass
class MessagePlan:
    """The skeleton of one message: inner pieces (bytes or an attachment index) and the outer
    bytes before and after the armored ciphertext."""

    inner: list[bytes | int]
    outer_head: bytes
    outer_tail: bytes
    inner_size: int  # the exact size of the inner entity once the bodies are in

    @property
    def plaintext(self) -> bool:
        return not self.outer_head and not self.outer_tail


def base64_size(n: int) -> int:
    """Octets of ``n`` bytes as base64 in 76-column CRLF lines."""
    lines, rest = divmod(n, LINE_BYTES)
    return lines * 78 + (((rest + 2) // 3) * 4 + 2 if rest else 0)


def plan_message(*, report_text: str, subject: str, from_addr: str, to_addr: str, message_id: str,
                 date: datetime, attachments: list[StreamAttachment], reporter_key: str | None, lang: str,
                 report_id: str, encrypted: bool = True, required_subject: str | None = None) -> MessagePlan:
    """Skeletons of the inner entity (core/mime.py's build_inner) and of the RFC 3156 message around
    it (build_encrypted); without ``encrypted`` the inner entity is the message (--allow-plaintext)."""
    token = os.urandom(12).hex()
    markers = [f"\x00cvd-part-{i}-{token}\x00".encode("ascii") for i in range(len(attachments))]
    inner = mime.build_inner(report_text=report_text, subject=subject, from_addr=from_addr, to_addr=to_addr,
                             message_id=message_id, date=date, reporter_key=reporter_key, lang=lang,
                             attachments=[(a.name, m, a.media_type)
                                          for a, m in zip(attachments, markers, strict=False)])
    head = tail = b""
    if encrypted:
        seen: list[bytes] = []

        def capture(data: bytes) -> bytes:
            seen.append(data)  # the inner entity with the HP-Outer fields (RFC 9788 §2.2) added
            return _PLACEHOLDER

        outer = mime.build_encrypted(inner, encrypt=capture, from_addr=from_addr, to_addr=to_addr,
                                     message_id=message_id, date=date, report_id=report_id,
                                     required_subject=required_subject)
        inner = seen[0]
        begin = outer.index(ARMOR_BEGIN)
        end = outer.index(ARMOR_END, begin) + len(ARMOR_END)
        head, tail = outer[:begin], outer[end:]
    pieces: list[bytes | int] = []
    pos = 0
    size = 0
    for i, marker in enumerate(markers):
        line = binascii.b2a_base64(marker, newline=False) + b"\r\n"
        at = inner.index(line, pos)
        pieces += [inner[pos:at], i]
        size += at - pos + base64_size(attachments[i].size)
        pos = at + len(line)
    pieces.append(inner[pos:])
    size += len(inner) - pos
    return MessagePlan(pieces, head, tail, size)


def base64_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Base64 of the concatenated ``chunks`` in 76-column CRLF lines (each line ends with CRLF)."""
    rest = b""
    for chunk in chunks:
        data = rest + chunk if rest else chunk
        usable = len(data) // LINE_BYTES * LINE_BYTES
        rest = data[usable:]
        if usable:
            yield _lines(memoryview(data)[:usable])
    if rest:
        yield _lines(rest)


def _lines(data: bytes | memoryview) -> bytes:
    b64 = binascii.b2a_base64(data, newline=False)
    return b"\r\n".join([b64[i:i + 76] for i in range(0, len(b64), 76)]) + b"\r\n"


def inner_chunks(plan: MessagePlan, read: Callable[[int], Iterable[bytes]]) -> Iterator[bytes]:
    """The inner entity piece by piece; ``read(i)`` gives the bytes of attachment ``i`` in chunks."""
    for piece in plan.inner:
        if isinstance(piece, int):
            yield from base64_lines(read(piece))
        elif piece:
            yield piece


# ---------------------------------------------------------------------------- checking
HEAD_BYTES = 64 * 1024
TAIL_BYTES = 4 * 1024


def check_structure(head: bytes, tail: bytes) -> bool:
    """Is a message whose first and last bytes are ``head`` and ``tail`` an RFC 3156 encrypted
    message with armored ciphertext as its second part? (What :func:`mime.is_pgp_mime` decides,
    from the header section, the boundaries and the armor lines, not from the whole message.)

    The caller also counts the delimiter lines over the whole message (:class:`BoundaryScan`): an
    RFC 3156 message has exactly three (two parts and the closing one).
    """
    end = head.find(b"\r\n\r\n")
    if end < 0:
        return False
    outer = BytesHeaderParser(policy=email_policy.default).parsebytes(head[:end + 4])
    if outer.get_content_type() != "multipart/encrypted" or outer.get_param("protocol") != "application/pgp-encrypted":
        return False
    boundary = outer.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        return False
    delim = b"\r\n--" + boundary.encode("ascii", "replace")
    body = head[end + 2:]  # starts with CRLF, so the first delimiter is found like the others
    parts = body.split(delim)
    if len(parts) < 3:
        return False
    control = BytesHeaderParser(policy=email_policy.default).parsebytes(parts[1].lstrip(b"\r\n") + b"\r\n")
    if control.get_content_type() != "application/pgp-encrypted":
        return False
    second = parts[2]
    sep = second.find(b"\r\n\r\n")
    if sep < 0:
        return False
    if not second[sep + 4:].lstrip().startswith(ARMOR_BEGIN):
        return False
    closing = tail.rstrip()
    final = b"--" + boundary.encode("ascii", "replace") + b"--"
    if not closing.endswith(final):
        return False
    return closing[:-len(final)].rstrip().endswith(ARMOR_END)


class BoundaryScan:
    """Counts delimiter lines of ``boundary`` in a message fed in chunks (they may straddle chunks)."""

    def __init__(self, boundary: bytes) -> None:
        self._delim = b"\r\n--" + boundary
        self._carry = b""
        self.count = 0

    def feed(self, chunk: bytes) -> None:
        data = self._carry + chunk
        self.count += data.count(self._delim)
        keep = len(self._delim) - 1  # a delimiter can straddle two chunks, never three
        self._carry = data[-keep:] if len(data) > keep else data


def boundary_of(head: bytes) -> bytes | None:
    end = head.find(b"\r\n\r\n")
    if end < 0:
        return None
    value = BytesHeaderParser(policy=email_policy.default).parsebytes(head[:end + 4]).get_param("boundary")
    return value.encode("ascii", "replace") if isinstance(value, str) and value else None
