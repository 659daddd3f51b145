"""The API channel's request body streamed to a file (issue 16): the ``cvd-report/1`` document with
each evidence file base64-encoded as it is read, encrypted and armored into the JSON ``message``.

The JSON around the bodies comes from delivery/api.py itself (report_document, build_payload), with
markers where the evidence and the armor go, so the streamed body is the same document that the
in-memory path makes. Armor is ASCII, so inside a JSON string only its line ends need escaping.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cvd_reporter.app.stream_message import (
    _reader,
    check_size,
    crypto_for,
    evidence_files,
    evidence_media_type,
    write_stream,
)
from cvd_reporter.core.mime import ARMOR_BEGIN, ARMOR_END
from cvd_reporter.delivery import api


@dataclass
class ApiPlan:
    document: list[bytes | tuple[str, int]]  # bytes, ("body", i) or ("digest", i)
    head: bytes  # the payload JSON up to the armor
    tail: bytes  # and after it


def plan_api(report: dict[str, Any], *, report_id: str, names: list[str], media_types: list[str],
             reporter_key: str | None, created: Any, fingerprint: str) -> ApiPlan:
    """Skeletons of the encrypted document and of the JSON body around its armor."""

    token = os.urandom(12).hex()
    markers = [f"cvd-part-{i}-{token}".encode("ascii") for i in range(len(names))]
    text = api.report_document(report, report_id=report_id, reporter_key=reporter_key,
                               attachments=[(n, m, t) for n, m, t in zip(names, markers, media_types, strict=False)])
    pieces: list[bytes | tuple[str, int]] = []
    pos = 0
    for i, marker in enumerate(markers):
        body = base64.b64encode(marker)
        digest = json.dumps({"sha256": hashlib.sha256(marker).hexdigest(), "size": len(marker)})[1:-1].encode()
        at = text.index(body, pos)
        pieces += [text[pos:at], ("body", i)]
        pos = at + len(body)
        at = text.index(digest, pos)  # sorted keys: sha256 and size come after content_base64
        pieces += [text[pos:at], ("digest", i)]
        pos = at + len(digest)
    pieces.append(text[pos:])
    placeholder = ARMOR_BEGIN + b"\n\nPLACEHOLDER\n" + ARMOR_END + b"\n"
    payload = api.build_payload(report_id=report_id, created=created, message=placeholder,
                                recipient_fingerprint=fingerprint)
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    begin = body.index(ARMOR_BEGIN)
    end = body.index(ARMOR_END, begin) + len(ARMOR_END)
    return ApiPlan(pieces, body[:begin], body[end:])


def document_chunks(plan: ApiPlan, read: Callable[[int], Iterable[bytes]]) -> Iterator[bytes]:
    """The document piece by piece: base64 without line breaks, then the file's hash and size."""
    done: dict[int, tuple[str, int]] = {}
    for piece in plan.document:
        if isinstance(piece, bytes):
            if piece:
                yield piece
            continue
        kind, i = piece
        if kind == "body":
            digest, size, rest = hashlib.sha256(), 0, b""
            for chunk in read(i):
                digest.update(chunk)
                size += len(chunk)
                data = rest + chunk
                cut = len(data) // 3 * 3
                rest = data[cut:]
                if cut:
                    yield base64.b64encode(data[:cut])
            if rest:
                yield base64.b64encode(rest)
            done[i] = (digest.hexdigest(), size)
        else:
            yield json.dumps({"sha256": done[i][0], "size": done[i][1]})[1:-1].encode()


def build_api_body(report: dict[str, Any], *, report_id: str, evidence: list[Any], reporter_key: str | None,
                   now: Any, cert: Any, folder: Path | None, meter: Any = None, judged: Any = None) -> Any:
    """The encrypted API body streamed into a temporary 0600 file in ``folder`` (app/stream_message's
    Written: path, size, hashes, timings)."""

    files = evidence_files(evidence)
    check_size(sum((f.size + 2) // 3 * 4 for f in files))  # the base64 of the evidence alone
    plan = plan_api(report, report_id=report_id, names=[Path(e.path).name for e in evidence],
                    media_types=[evidence_media_type(e) for e in evidence], reporter_key=reporter_key, created=now,
                    fingerprint=cert.fingerprint)
    chunks = document_chunks(plan, _reader(files, meter))
    return write_stream(chunks, head=plan.head, tail=plan.tail, folder=folder, now=now, eol=b"\\n",
                        **crypto_for(cert, now, files, judged))
