"""core/pgp/stream_mime.py: the streamed inner entity is byte for byte what core/mime.py builds,
and a finished message's structure is recognised from its head, tail and boundary count."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from cvd_reporter.core import mime
from cvd_reporter.core.pgp.stream_mime import (
    BoundaryScan,
    StreamAttachment,
    base64_size,
    boundary_of,
    check_structure,
    inner_chunks,
    plan_message,
)

DATE = dt.datetime(2026, 11, 30, 9, 30, tzinfo=dt.timezone.utc)
FIELDS = {"report_text": "Canary report text\nline two\n", "subject": "XSS in de zoekfunctie",
              "from_addr": "alice@reporter.test", "to_addr": "security@gemeente.test",
              "message_id": "<cvd.r-1@reporter.test>", "date": DATE, "reporter_key": None, "lang": "nl"}


def evidence(sizes):
    return [(f"ev-{i}.bin", os.urandom(n), "application/octet-stream") for i, n in enumerate(sizes)]


def streamed(plan, files, piece=1000):
    def read(i):
        data = files[i][1]
        return (data[j:j + piece] for j in range(0, len(data), piece))  # pieces not a multiple of 57
    return b"".join(inner_chunks(plan, read))


@pytest.mark.parametrize("sizes", [[], [0], [1], [57], [56, 58], [57 * 40 + 3, 12345]])
def test_the_streamed_inner_entity_is_what_core_mime_builds(sizes):
    files = evidence(sizes)
    plan = plan_message(**FIELDS, report_id="r-1", encrypted=False,
                        attachments=[StreamAttachment(n, t, len(d)) for n, d, t in files])
    whole = mime.build_inner(**FIELDS, attachments=files)
    got = streamed(plan, files)
    # the same bytes but for the multipart boundary, which the email package draws at random
    assert got.replace(boundary_of(got), b"B") == whole.replace(boundary_of(whole), b"B")
    assert plan.inner_size == len(whole)


def test_base64_size_counts_the_line_ends():
    for n in (0, 1, 56, 57, 58, 114, 1000):
        body = mime.build_inner(**FIELDS, attachments=[("a.bin", b"x" * n, "application/octet-stream")])
        empty = mime.build_inner(**FIELDS, attachments=[("a.bin", b"", "application/octet-stream")])
        assert len(body) - len(empty) == base64_size(n)


def finished(armor_lines: list[bytes]) -> bytes:
    plan = plan_message(**FIELDS, report_id="r-1", attachments=[])
    armor = b"\r\n".join([mime.ARMOR_BEGIN, b"", *armor_lines, mime.ARMOR_END])
    return plan.outer_head + armor + plan.outer_tail


def scan(message: bytes) -> tuple[bool, int]:
    head, tail = message[:65536], message[-4096:]
    counter = BoundaryScan(boundary_of(head))
    for i in range(0, len(message), 7):  # tiny pieces: delimiters straddle them
        counter.feed(message[i:i + 7])
    return check_structure(head, tail), counter.count


def test_a_finished_message_is_recognised_from_its_structure():
    message = finished([b"hQEMA0x", b"=AbCd"])
    assert mime.is_pgp_mime(message)
    assert scan(message) == (True, 3)
    assert b"Canary" not in message.split(b"\r\n\r\n", 1)[0]  # no report content in the outer header


def test_an_extra_part_or_missing_armor_is_noticed():
    message = finished([b"hQEMA0x", b"=AbCd"])
    boundary = boundary_of(message).decode()
    smuggled = message.replace(b"=AbCd", b"=AbCd\r\n--" + boundary.encode() + b"\r\n\r\nplain text report")
    assert scan(smuggled)[1] == 4
    assert not check_structure(message.replace(mime.ARMOR_BEGIN, b"plain"), message[-4096:])
    assert not check_structure(b"Subject: x\r\nContent-Type: text/plain\r\n\r\nhello", b"hello")
