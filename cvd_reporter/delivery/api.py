"""The generic HTTPS API channel: one JSON POST carrying the report as an OpenPGP message.

The receiving side is specified in ``docs/api.md`` and ``docs/openapi.yaml`` (schema
``cvd-submission/1``). In short::

    POST <api.url>
    Content-Type: application/json
    Authorization: Bearer <token>            (when a token is configured)
    Idempotency-Key: <report id>

    {"schema": "cvd-submission/1", "report_id": "...", "created": "2026-11-28T09:30:00Z",
     "encryption": "openpgp", "recipient_fingerprint": "ABCD...",
     "content_type": "application/vnd.cvd-report+json; version=1",
     "message": "-----BEGIN PGP MESSAGE-----\\n..."}

The message decrypts to the ``cvd-report/1`` JSON document (:func:`report_document`). Nothing of
the report travels outside the ciphertext: not in the URL, not in a header, not in the envelope.
A 2xx answer means the report was taken (``{"id": ...}``); sending again with the same
Idempotency-Key never makes a second report on a conforming server.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from cvd_reporter.core.mime import ARMOR_BEGIN, ARMOR_END, check_report_id
from cvd_reporter.errors import DeliveryError, NetworkError

SCHEMA = "cvd-submission/1"
CONTENT_TYPE = "application/vnd.cvd-report+json; version=1"
MAX_ANSWER_BYTES = 1 << 20
MAX_ANSWER = 500
# Answers worth trying again later (RFC 9110 §15.5.9 408, RFC 6585 §4 429, RFC 8470 §5.2 425, 5xx).
TEMPORARY_STATUSES = {408, 409, 425, 429}


@dataclass(frozen=True)
class ApiReceipt:
    """The API took the report: its own id for it, and where to ask about it."""

    id: str | None
    status: int
    status_url: str | None
    answer: str
    time: datetime
    url: str

    def to_dict(self) -> dict[str, Any]:
        return {"channel": "api", "id": self.id, "status": self.status, "status_url": self.status_url,
                "answer": self.answer, "time": self.time.isoformat(), "url": self.url}


def report_document(report: dict[str, Any], *, report_id: str, attachments: list[tuple[str, bytes, str]],
                    reporter_key: str | None = None) -> bytes:
    """The plaintext that gets encrypted: the ``cvd-report/1`` document as UTF-8 JSON.

    ``attachments`` are the evidence files ``(name, bytes, media type)`` in the order of
    ``report["evidence"]``; each becomes ``{name, description, media_type, size, sha256,
    content_base64}``. Local paths are dropped (they can name the reporter's home folder).
    ``reporter_key`` (armored) replaces ``reporter.pgp_key``, which in a report file may be a path.
    """
    doc = copy.deepcopy(report)
    doc["schema"] = doc.get("schema") or "cvd-report/1"
    doc["report_id"] = check_report_id(report_id)
    described = [e for e in (report.get("evidence") or []) if isinstance(e, dict)]
    evidence = []
    for i, (name, data, media_type) in enumerate(attachments):
        item: dict[str, Any] = {"name": name.replace("\\", "/").rsplit("/", 1)[-1] or f"evidence-{i + 1}"}
        if i < len(described) and described[i].get("description"):
            item["description"] = described[i]["description"]
        item.update(media_type=media_type or "application/octet-stream", size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(), content_base64=base64.b64encode(data).decode("ascii"))
        evidence.append(item)
    doc["evidence"] = evidence
    reporter = doc.get("reporter")
    if isinstance(reporter, dict):
        if reporter_key:
            reporter["pgp_key"] = reporter_key
        elif "pgp_key" in reporter and "BEGIN PGP PUBLIC KEY BLOCK" not in str(reporter["pgp_key"]):
            del reporter["pgp_key"]
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")


def build_payload(*, report_id: str, created: datetime, message: bytes | None,
                  recipient_fingerprint: str | None, document: bytes | None = None,
                  allow_plaintext: bool = False) -> dict[str, Any]:
    """The JSON body: ``message`` is :func:`report_document` encrypted and armored.

    Only with ``allow_plaintext`` (the user's explicit choice) may ``message`` be None; the
    ``document`` itself then travels in the clear as ``report``.
    """
    if created.tzinfo is None:
        raise ValueError("created must carry a time zone")
    payload: dict[str, Any] = {
        "schema": SCHEMA,
        "report_id": check_report_id(report_id),
        "created": created.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"),
        "content_type": CONTENT_TYPE,
    }
    fingerprint = "".join(recipient_fingerprint.split()).upper() if recipient_fingerprint else None
    if message is not None:
        payload.update(encryption="openpgp", recipient_fingerprint=fingerprint,
                       message=message.decode("ascii"))
    elif allow_plaintext and document is not None:
        payload.update(encryption="none", recipient_fingerprint=None, report=json.loads(document.decode("utf-8")))
    else:
        raise ValueError("an API payload needs an encrypted message (or allow_plaintext and the document)")
    check_payload(payload, allow_plaintext=allow_plaintext)
    return payload


def is_encrypted_payload(payload: Any) -> bool:
    if not isinstance(payload, dict) or payload.get("encryption") != "openpgp" or "report" in payload:
        return False
    message = payload.get("message")
    if not isinstance(message, str):
        return False
    body = message.strip().encode("utf-8", "replace")
    return body.startswith(ARMOR_BEGIN) and body.endswith(ARMOR_END)


def check_payload(payload: Any, *, allow_plaintext: bool = False) -> None:
    """Refuse a body that would put the report on the wire in the clear (unless explicitly allowed)."""
    if not isinstance(payload, dict) or payload.get("schema") != SCHEMA:
        raise ValueError(f"not a {SCHEMA} payload")
    check_report_id(payload.get("report_id", ""))
    if is_encrypted_payload(payload):
        return
    if allow_plaintext and payload.get("encryption") == "none" and isinstance(payload.get("report"), dict):
        return
    raise DeliveryError.t("delivery.api.not_encrypted", code="not_encrypted")


class BodyScan:
    """Reads a JSON body in pieces and decides whether it is an encrypted ``cvd-submission/1``
    payload without holding it: the JSON before and after the armor is parsed (with the armor
    replaced by a stand-in), and no quote may occur in between, so the armor cannot end the string
    and smuggle fields in (issue 16: large bodies are streamed)."""

    EDGE = 64 * 1024

    def __init__(self) -> None:
        self.head = b""
        self.tail = b""
        self.size = 0
        self.quotes = 0

    def feed(self, chunk: bytes) -> None:
        if len(self.head) < self.EDGE:
            self.head += chunk[:self.EDGE - len(self.head)]
        self.tail = (self.tail + chunk)[-self.EDGE:]
        self.quotes += chunk.count(b'"')
        self.size += len(chunk)

    def skeleton(self) -> dict[str, Any] | None:
        if self.size <= len(self.head):  # small: the whole body is at hand
            try:
                whole = json.loads(self.head)
            except (UnicodeDecodeError, ValueError):
                return None
            return whole if isinstance(whole, dict) else None
        begin = self.head.find(ARMOR_BEGIN)
        end = self.tail.rfind(ARMOR_END)
        if begin < 0 or end < 0 or self.size - len(self.tail) + end < begin:
            return None
        head, tail = self.head[:begin], self.tail[end + len(ARMOR_END):]
        if head.count(b'"') + tail.count(b'"') != self.quotes:
            return None  # a quote inside the armor
        try:
            payload = json.loads(head + ARMOR_BEGIN + b"\\n" + ARMOR_END + tail)
        except (UnicodeDecodeError, ValueError):
            return None
        return payload if isinstance(payload, dict) else None

    def encrypted(self) -> bool:
        return is_encrypted_payload(self.skeleton())


STREAM_ABOVE = 8 * 1024 * 1024  # bodies larger than this are sent from the file as they are


def submit_file(path: Any, *, url: str, token: str | None, idempotency_key: str, fetcher: Any,
                allow_plaintext: bool = False, clock: Callable[[], datetime] | None = None) -> ApiReceipt:
    """As :func:`submit`, for a body kept in a file (the outbox). A large body is checked by
    :class:`BodyScan` and streamed from the file as the request body; a small one goes through
    :func:`submit` unchanged."""
    if path.stat().st_size <= STREAM_ABOVE:
        payload = json.loads(path.read_bytes().decode("utf-8"))
        return submit(payload, url=url, token=token, idempotency_key=idempotency_key, fetcher=fetcher,
                      allow_plaintext=allow_plaintext, clock=clock)
    scan = BodyScan()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            scan.feed(chunk)
    skeleton = scan.skeleton()
    if not is_encrypted_payload(skeleton) or skeleton is None:
        raise DeliveryError.t("delivery.api.not_encrypted", code="not_encrypted")
    check_payload(skeleton)
    if idempotency_key != skeleton["report_id"]:
        raise ValueError("the Idempotency-Key must be the report id")
    with open(path, "rb") as fh:
        return _post(fh, url=url, token=token, idempotency_key=idempotency_key, fetcher=fetcher, clock=clock)


def submit(payload: dict[str, Any], *, url: str, token: str | None, idempotency_key: str, fetcher: Any,
           allow_plaintext: bool = False, clock: Callable[[], datetime] | None = None) -> ApiReceipt:
    """POST ``payload`` to ``url`` through the Fetcher (https only, verified TLS, one deadline).

    2xx: the API took it; its id comes back in the receipt. Anything else raises DeliveryError with
    the HTTP status and the server's answer in ``data``. The token is never part of an error.
    """
    check_payload(payload, allow_plaintext=allow_plaintext)
    if idempotency_key != payload["report_id"]:
        raise ValueError("the Idempotency-Key must be the report id")
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _post(body, url=url, token=token, idempotency_key=idempotency_key, fetcher=fetcher, clock=clock)


def _post(body: Any, *, url: str, token: str | None, idempotency_key: str, fetcher: Any,
          clock: Callable[[], datetime] | None = None) -> ApiReceipt:
    headers = {"Content-Type": "application/json", "Accept": "application/json",
               "Idempotency-Key": idempotency_key}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        result = fetcher.request("POST", url, max_bytes=MAX_ANSWER_BYTES, body=body, headers=headers)
    except NetworkError as e:
        raise network_failure(e, what="the API") from None
    answer = result.body.decode("utf-8", "replace")
    short = " ".join(answer.split())[:MAX_ANSWER]
    host = _host(url)
    if 200 <= result.status < 300:
        data = _json(result.body)
        ident = data.get("id") if isinstance(data.get("id"), (str, int)) else None
        status_url = data.get("status_url") if isinstance(data.get("status_url"), str) else None
        return ApiReceipt(id=None if ident is None else str(ident), status=result.status, status_url=status_url,
                          answer=short, time=clock() if clock else datetime.now(timezone.utc), url=url)
    data = {"url": url, "status": result.status, "answer": short,
            "temporary": result.status in TEMPORARY_STATUSES or result.status >= 500,
            "retry_after": result.headers.get("retry-after")}
    reason = _reason(_json(result.body)) or short[:120]
    explain = f": {reason}" if reason else ""
    if result.status in (301, 302, 303, 307, 308):
        raise DeliveryError.t("delivery.api.redirected", code="redirected", data=data, host=host, status=result.status)
    if result.status in (401, 403):
        raise DeliveryError.t("delivery.api.unauthorized", code="unauthorized", data=data, host=host,
                              status=result.status,
                              explain=explain)
    if data["temporary"]:
        raise DeliveryError.t("delivery.api.temporary", code="temporary_failure", data=data, host=host,
                              status=result.status,
                              explain=explain)
    raise DeliveryError.t("delivery.api.rejected", code="rejected", data=data, host=host, status=result.status,
                          explain=explain)


def network_failure(e: NetworkError, *, what: str) -> DeliveryError:
    """A fetch failure while delivering is a delivery failure (exit 7), not a discovery one (exit 5)."""
    unknown = e.code in ("deadline", "timeout")
    data = {"network_code": e.code, "temporary": e.code not in ("insecure_url", "invalid_cert"),
            "delivered": "unknown" if unknown else "no", **e.data}
    return DeliveryError(e.message, code=e.code, data=data, msgid=e.msgid, params=e.params)


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _reason(data: dict[str, Any]) -> str:
    """RFC 9457 problem details (``title``/``detail``) or a plain ``error``/``message`` field."""
    for key in ("detail", "title", "message", "error"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())[:160].rstrip(".")
    return ""


def _host(url: str) -> str:
    return urlsplit(url).hostname or url
