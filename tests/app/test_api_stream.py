"""The API channel streamed (issue 16): the body is written to a file with the evidence encoded as
it is read, kept in the outbox after a structural check, and POSTed from the file. Real parts: the
loopback HTTPS server (trustme CA) as the receiver, real gpg decrypting the message."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from types import SimpleNamespace

import pytest

from cvd_reporter.app.stream_api import build_api_body
from cvd_reporter.app.userfiles import read_user_file
from cvd_reporter.core.pgp.certificates import load_certificates
from cvd_reporter.delivery import api
from cvd_reporter.delivery.outbox import Outbox
from cvd_reporter.net.http import Fetcher
from tests.servers.https import json_response

URL = "https://api.gemeente.test/cvd/reports"
REPORT = {"schema": "cvd-report/1", "vulnerability": {"title": "KANARIE-api XSS"},
          "evidence": [{"path": "capture.bin", "description": "opname"}, {"path": "notes.txt"}]}


@pytest.fixture(scope="module")
def org(gnupg):
    fpr = gnupg.gen("Gemeente API <security-api-stream@gemeente.test>")
    return load_certificates(gnupg.export(fpr))[0]


def test_a_streamed_body_reaches_the_receiver_and_decrypts_to_the_document(https, pki, gnupg, org, tmp_path,
                                                                           monkeypatch):
    capture, notes = os.urandom(1_500_001), b"Geen persoonsgegevens.\n" * 1000
    (tmp_path / "capture.bin").write_bytes(capture)
    (tmp_path / "notes.txt").write_bytes(notes)
    evidence = [SimpleNamespace(path=tmp_path / name, text=text,  # as app/reportfile.read_evidence makes them
                                file=read_user_file(name, tmp_path, max_bytes=1 << 22, binary_head_only=True))
                for name, text in (("capture.bin", None), ("notes.txt", notes.decode()))]
    now = dt.datetime.now(dt.timezone.utc)
    written = build_api_body(REPORT, report_id="r-api-1", evidence=evidence, reporter_key=None, now=now,
                             cert=org, folder=tmp_path / "home" / "outbox")
    box = Outbox(tmp_path / "home")
    entry = box.save_file(report_id="r-api-1", channel="api", recipient=URL, path=written.path, key="r-api-1")
    assert entry.encrypted and not entry.plaintext and entry.size == written.size

    got = []

    def receiver(h):
        got.append((dict(h.headers.items()), h.body))
        json_response({"id": "CVD-1"}, 201).send(h)

    https.add("/cvd/reports", receiver, host="api.gemeente.test")
    monkeypatch.setattr(api, "STREAM_ABOVE", 0)  # send even this body from the file, as a large one goes
    fetcher = Fetcher(ca_bundle=pki.ca_pem, timeout=10,
                      connect_to={("api.gemeente.test", 443): (https.host, https.port)})
    receipt = api.submit_file(box.checked_path(entry), url=URL, token="t0k", idempotency_key="r-api-1",
                              fetcher=fetcher)
    assert receipt.id == "CVD-1"
    [(headers, body)] = got
    assert headers["Idempotency-Key"] == "r-api-1" and int(headers["Content-Length"]) == written.size
    assert body == (tmp_path / "home" / "outbox" / entry.file).read_bytes()
    payload = json.loads(body)
    assert "KANARIE" not in json.dumps({k: v for k, v in payload.items() if k != "message"})
    plain, status = gnupg.decrypt_status(payload["message"].encode())
    assert "GOODMDC" in status and "WARNING" not in status
    assert hashlib.sha256(plain).hexdigest() == written.plaintext_sha256
    document = json.loads(plain)
    assert document["vulnerability"]["title"] == "KANARIE-api XSS" and document["report_id"] == "r-api-1"
    first, second = document["evidence"]
    assert base64.b64decode(first["content_base64"]) == capture
    assert (first["size"], first["sha256"]) == (len(capture), hashlib.sha256(capture).hexdigest())
    assert first["description"] == "opname" and second["media_type"] == "text/plain"
    assert base64.b64decode(second["content_base64"]) == notes


def scan(body: bytes) -> bool:
    s = api.BodyScan()
    for i in range(0, len(body), 1000):
        s.feed(body[i:i + 1000])
    return s.encrypted()


def test_the_body_check_sees_plaintext_and_smuggled_fields():
    armor = b"-----BEGIN PGP MESSAGE-----\\n\\n" + b"hQEMA0xyz\\n" * 20000 + b"-----END PGP MESSAGE-----\\n"
    good = (b'{"content_type": "x", "created": "2026-11-30T09:30:00Z", "encryption": "openpgp", "message": "'
            + armor + b'", "recipient_fingerprint": "AB", "report_id": "r-1", "schema": "cvd-submission/1"}')
    assert scan(good)
    assert not scan(good.replace(b"hQEMA0xyz\\n", b'hQ", "report": {"title": "leak"}, "x": "', 1))
    assert not scan(good.replace(b'"openpgp"', b'"none"'))
