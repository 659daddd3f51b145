"""The generic JSON API channel against a receiver on the loopback HTTPS server.

The receiver does what docs/api.md asks of an organisation: it validates each request against
docs/openapi.yaml, checks the bearer token and the Idempotency-Key, decrypts the message with real
gpg, and answers a replayed key with the first id.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import datetime, timezone

import pytest
import yaml

from cvd_reporter.delivery import api
from cvd_reporter.delivery.outbox import Outbox
from cvd_reporter.delivery.send import send_entry
from cvd_reporter.errors import DeliveryError
from cvd_reporter.net.http import Fetcher
from cvd_reporter.settings import ConnectTo, Settings
from tests.servers.https import Response, json_response
from tests.support.api_receiver import OPENAPI, TOKEN, Receiver, schema_validator
from tests.support.delivery import CANARY, DESCRIPTION, EVIDENCE, REPORT_ID, TITLE

URL = "https://api.gemeente.test/cvd/reports"
REPORT = {
    "schema": "cvd-report/1", "language": "nl",
    "reporter": {"name": "Alice", "email": "alice@reporter.test", "pgp_key": "/home/alice/.keys/me.asc"},
    "target": {"urls": ["https://www.gemeente.test/zoeken"]},
    "vulnerability": {"title": TITLE, "description": DESCRIPTION, "cwe": "CWE-79", "steps": ["Open /zoeken"],
                      "impact": "Sessies overnemen"},
    "evidence": [{"path": "/home/alice/cases/screenshots/zoeken-xss.png", "description": "Het alert-venster"},
                 {"path": "request.txt", "description": "Het verzoek"}],
}


def fetcher(https, pki, **kw) -> Fetcher:
    return Fetcher(ca_bundle=kw.pop("ca_bundle", pki.ca_pem), timeout=3,
                   connect_to={("api.gemeente.test", 443): (https.host, https.port)}, **kw)


def payload(recipient, report=REPORT, report_id=REPORT_ID) -> dict:
    doc = api.report_document(report, report_id=report_id, attachments=EVIDENCE,
                              reporter_key=recipient.reporter_key)
    return api.build_payload(report_id=report_id, created=datetime(2026, 11, 28, 9, 30, tzinfo=timezone.utc),
                             message=recipient.encrypt(doc), recipient_fingerprint=recipient.fpr)


def submit(body, https, pki, token=TOKEN, **kw):
    return api.submit(body, url=kw.pop("url", URL), token=token, idempotency_key=body["report_id"],
                      fetcher=fetcher(https, pki, **kw))


def test_openapi_document_is_valid_openapi_3_1():
    from openapi_spec_validator import validate

    spec = yaml.safe_load(OPENAPI.read_text())
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    example = spec["components"]["examples"]["EncryptedSubmission"]["value"]
    assert not list(schema_validator("Submission").iter_errors(example))


def test_report_reaches_the_receiver_encrypted_and_complete(https, pki, recipient):
    receiver = Receiver(recipient)
    https.add("/cvd/reports", receiver, host="api.gemeente.test")
    body = payload(recipient)
    receipt = submit(body, https, pki)
    assert (receipt.id, receipt.status) == ("CVD-2026-0001", 201)
    assert receipt.status_url == "https://api.gemeente.test/cvd/reports/1"
    [request] = https.log
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert request["headers"]["Idempotency-Key"] == REPORT_ID
    assert request["headers"]["Content-Type"] == "application/json" and request["path"] == "/cvd/reports"
    # nothing of the report outside the ciphertext: not in the path, a header or the JSON around it
    assert CANARY not in json.dumps(request["headers"]) + request["path"]
    outside = {k: v for k, v in json.loads(request["body"]).items() if k != "message"}
    assert CANARY not in json.dumps(outside) and CANARY.encode() not in request["body"]
    # what the organisation decrypts: the cvd-report/1 document with the evidence inside
    [doc] = receiver.reports
    assert doc["schema"] == "cvd-report/1" and doc["report_id"] == REPORT_ID
    assert doc["vulnerability"]["title"] == TITLE and CANARY in doc["vulnerability"]["description"]
    assert doc["reporter"]["pgp_key"].startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----")
    names = [e["name"] for e in doc["evidence"]]
    assert names == ["zoeken-xss.png", "request.txt"] and "/home/alice" not in json.dumps(doc)
    for item, (_, data, media_type) in zip(doc["evidence"], EVIDENCE, strict=False):
        assert base64.b64decode(item["content_base64"]) == data and item["media_type"] == media_type
        assert item["sha256"] == hashlib.sha256(data).hexdigest() and item["size"] == len(data)
    assert doc["evidence"][0]["description"] == "Het alert-venster"
    assert not list(schema_validator("Report").iter_errors(doc))


def test_retry_through_the_outbox_uses_the_same_key_and_never_makes_two_reports(https, pki, recipient,
                                                                                tmp_path, monkeypatch):
    receiver = Receiver(recipient, script=[json_response({"title": "Maintenance", "detail": "back soon"}, 503,
                                                         [("Retry-After", "120")])])
    https.add("/cvd/reports", receiver, host="api.gemeente.test")
    monkeypatch.setenv("CVD_API_TOKEN", TOKEN)
    settings = Settings(ca_bundle=pki.ca_pem, timeout=3, api_url=URL, environ=dict(os.environ),
                        connect_to=(ConnectTo("api.gemeente.test", 443, https.host, https.port),))
    box = Outbox(tmp_path)
    body = payload(recipient)
    entry = box.save(report_id=REPORT_ID, channel="api", recipient=URL, payload=json.dumps(body).encode(),
                     key=REPORT_ID, route={"url": URL})
    with pytest.raises(DeliveryError) as e:
        send_entry(box, entry.id, settings=settings)
    assert e.value.code == "temporary_failure" and e.value.data["retry_after"] == "120"
    assert "back soon" in e.value.message and TOKEN not in json.dumps(e.value.to_dict())
    done = send_entry(box, entry.id, settings=settings)
    assert done.state == "sent" and done.receipt["id"] == "CVD-2026-0001"
    assert next(a.answer for a in done.attempts).startswith("503 ")
    # both requests carried the same key and the same stored bytes
    assert len({r["headers"]["Idempotency-Key"] for r in https.log}) == 1
    assert https.log[0]["body"] == https.log[1]["body"]
    # a re-encrypted copy of the same report (different bytes, same key) is a replay, not a new report
    again = submit(payload(recipient), https, pki)
    assert (again.status, again.id) == (200, "CVD-2026-0001") and len(receiver.reports) == 1


@pytest.mark.parametrize("status, body, code, temporary", [
    (401, {"title": "Unauthorized"}, "unauthorized", False),
    (403, {"title": "Forbidden"}, "unauthorized", False),
    (422, {"type": "about:blank", "title": "Unprocessable", "detail": "cannot decrypt with our key"}, "rejected", False),
    (413, {"title": "Too large"}, "rejected", False),
    (409, {"title": "Still processing"}, "temporary_failure", True),
    (429, {"title": "Slow down"}, "temporary_failure", True),
    (500, "<html>oops</html>", "temporary_failure", True),
])
def test_failures_become_delivery_errors_with_the_answer(https, pki, recipient, status, body, code, temporary):
    response = json_response(body, status) if isinstance(body, dict) else Response(status, body, "text/html")
    https.add("/cvd/reports", response, host="api.gemeente.test")
    with pytest.raises(DeliveryError) as e:
        submit(payload(recipient), https, pki)
    err = e.value
    assert (err.code, err.exit_code, err.data["status"], err.data["temporary"]) == (code, 7, status, temporary)
    assert TOKEN not in json.dumps(err.to_dict())
    if status == 422:
        assert "cannot decrypt with our key" in err.message


def test_accepted_without_a_body_is_still_delivered(https, pki, recipient):
    https.add("/cvd/reports", Response(204, b"", None), host="api.gemeente.test")
    receipt = submit(payload(recipient), https, pki)
    assert receipt.status == 204 and receipt.id is None


def test_a_redirect_is_not_followed_with_a_report(https, pki, recipient):
    https.add("/cvd/reports", Response(307, b"", None, [("Location", "https://other.test/x")]), host="api.gemeente.test")
    with pytest.raises(DeliveryError) as e:
        submit(payload(recipient), https, pki)
    assert e.value.code == "redirected" and len(https.log) == 1


@pytest.mark.parametrize("url, ca, code", [
    ("http://api.gemeente.test/cvd/reports", None, "insecure_url"),
    (URL, "other", "invalid_cert"),
])
def test_transport_failures_are_delivery_failures_not_discovery(https, pki, recipient, url, ca, code):
    https.add("/cvd/reports", json_response({"id": "x"}, 201), host="api.gemeente.test")
    kw = {"ca_bundle": pki.other_ca_pem} if ca else {}
    with pytest.raises(DeliveryError) as e:
        submit(payload(recipient), https, pki, url=url, **kw)
    assert e.value.code == code and e.value.exit_code == 7 and https.log == []


def test_no_token_sends_no_authorization_header(https, pki, recipient):
    https.add("/cvd/reports", Receiver(recipient, token=None), host="api.gemeente.test")
    submit(payload(recipient), https, pki, token=None)
    assert "Authorization" not in https.log[0]["headers"]


def test_plaintext_payload_is_refused_unless_allowed(https, pki):
    https.add("/cvd/reports", json_response({"id": "x"}, 201), host="api.gemeente.test")
    created = datetime(2026, 11, 28, tzinfo=timezone.utc)
    document = api.report_document(REPORT, report_id=REPORT_ID, attachments=EVIDENCE)
    with pytest.raises(ValueError):
        api.build_payload(report_id=REPORT_ID, created=created, message=None, recipient_fingerprint=None,
                          document=document)
    plain = api.build_payload(report_id=REPORT_ID, created=created, message=None, recipient_fingerprint=None,
                              document=document, allow_plaintext=True)
    assert "pgp_key" not in plain["report"]["reporter"]  # a local path is not a key
    assert not list(schema_validator("Submission").iter_errors(plain))
    with pytest.raises(DeliveryError) as e:
        submit(plain, https, pki)
    assert e.value.code == "not_encrypted" and https.log == []
    receipt = api.submit(plain, url=URL, token=TOKEN, idempotency_key=REPORT_ID, fetcher=fetcher(https, pki),
                         allow_plaintext=True)
    assert receipt.id == "x" and json.loads(https.log[0]["body"])["encryption"] == "none"


def test_idempotency_key_must_be_the_report_id(https, pki, recipient):
    with pytest.raises(ValueError):
        api.submit(payload(recipient), url=URL, token=TOKEN, idempotency_key="something-else",
                   fetcher=fetcher(https, pki))


def test_an_entry_for_another_endpoint_never_gets_todays_token(https, pki, recipient, tmp_path, monkeypatch):
    """The token is configured for api.gemeente.test; an outbox entry saved for another organisation's
    endpoint is not sent there with it (a credential goes only to the host it was configured for)."""
    other = "https://api.other.test/cvd/reports"
    https.add("/cvd/reports", Receiver(recipient), host="api.other.test")
    monkeypatch.setenv("CVD_API_TOKEN", TOKEN)
    settings = Settings(ca_bundle=pki.ca_pem, timeout=3, api_url=URL, environ=dict(os.environ),
                        connect_to=(ConnectTo("api.other.test", 443, https.host, https.port),))
    box = Outbox(tmp_path)
    body = payload(recipient)
    entry = box.save(report_id=REPORT_ID, channel="api", recipient=other, payload=json.dumps(body).encode(),
                     key=REPORT_ID, route={"url": other})
    with pytest.raises(DeliveryError) as e:
        send_entry(box, entry.id, settings=settings)
    assert e.value.code == "credential_elsewhere" and "api.other.test" in e.value.message
    assert TOKEN not in json.dumps(e.value.to_dict())
    assert https.log == []  # nothing reached the other host
    assert box.get(entry.id).state == "pending"  # the report is still there to send


@pytest.mark.parametrize("a, b, same", [
    ("https://api.gemeente.test/x", "https://API.gemeente.test./y", True),
    ("https://api.gemeente.test/x", "https://api.gemeente.test:443/y", True),
    ("https://api.gemeente.test/x", "https://api.gemeente.test:8443/x", False),
    ("https://api.gemeente.test/x", "https://gemeente.test/x", False),
    ("https://api.gemeente.test@evil.test/x", "https://api.gemeente.test/x", False),
    ("https://api.gemeente.test/x", None, False),
])
def test_same_origin_is_scheme_host_and_port(a, b, same):
    from cvd_reporter.delivery.send import same_origin
    assert same_origin(a, b) is same
