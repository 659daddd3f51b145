"""GitHub private vulnerability reporting against a GitHub-shaped API on the loopback HTTPS server.

The fake follows the documented REST shapes: GET .../private-vulnerability-reporting ->
{"enabled": bool}; POST .../security-advisories/reports with a closed set of fields -> 201 with the
draft advisory, 422 {"message", "errors"} otherwise.
"""

from __future__ import annotations

import json
import os

import pytest

from cvd_reporter.delivery import github
from cvd_reporter.delivery.outbox import Outbox
from cvd_reporter.delivery.send import send_entry
from cvd_reporter.errors import DeliveryError, StoreError, UsageError
from cvd_reporter.net.http import Fetcher
from cvd_reporter.settings import ConnectTo, Settings
from tests.servers.https import json_response
from tests.support.delivery import CANARY, DESCRIPTION, REPORT_ID, TITLE
from tests.support.github_fake import API, REPO, TOKEN, FakeGitHub

REPORT = {
    "schema": "cvd-report/1", "report_id": REPORT_ID,
    "target": {"urls": ["https://www.gemeente.test/zoeken"], "asset": "website"},
    "vulnerability": {"title": TITLE, "description": DESCRIPTION, "cwe": "cwe-79",
                      "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
                      "steps": ["Open /zoeken", "Search for <script>"], "impact": "Session theft",
                      "remediation": "Encode output"},
    "evidence": [{"path": "poc.png", "description": "screenshot"}],
}
def fetcher(https, pki, timeout: float = 3) -> Fetcher:
    return Fetcher(ca_bundle=pki.ca_pem, timeout=timeout,
                   connect_to={("api.github.test", 443): (https.host, https.port)})


def submit(https, pki, report=REPORT, repo=REPO, token=TOKEN):
    return github.submit(report, repo=repo, api_url=API, token=token, fetcher=fetcher(https, pki))


def test_report_is_filed_after_checking_that_reporting_is_enabled(https, pki):
    fake = FakeGitHub().install(https)
    receipt = submit(https, pki)
    assert (receipt.ghsa_id, receipt.state, receipt.status) == ("GHSA-abcd-efgh-ijkl", "triage", 201)
    assert [(r["method"], r["path"]) for r in https.log] == [
        ("GET", f"/repos/{REPO}/private-vulnerability-reporting"),
        ("POST", f"/repos/{REPO}/security-advisories/reports")]
    for r in https.log:
        assert r["headers"]["Authorization"] == f"Bearer {TOKEN}"
        assert r["headers"]["X-GitHub-Api-Version"] == "2022-11-28"
        assert r["headers"]["Accept"] == "application/vnd.github+json"
    [body] = fake.created
    assert body["summary"] == TITLE and body["cwe_ids"] == ["CWE-79"]
    assert body["cvss_vector_string"] == REPORT["vulnerability"]["cvss"] and "severity" not in body
    assert CANARY in body["description"] and "1. Open /zoeken" in body["description"]
    assert "## Impact" in body["description"] and "1 evidence file(s)" in body["description"]
    assert CANARY not in "".join(r["path"] for r in https.log)


def test_disabled_reporting_files_nothing(https, pki):
    fake = FakeGitHub(enabled=False).install(https)
    with pytest.raises(DeliveryError) as e:
        submit(https, pki)
    assert e.value.code == "pvr_disabled" and fake.created == []
    assert [r["method"] for r in https.log] == ["GET"]


@pytest.mark.parametrize("setup, code", [
    ("unknown_repo", "not_found"),
    ("bad_token", "unauthorized"),
    ("server_error", "temporary_failure"),
])
def test_failures(https, pki, setup, code):
    FakeGitHub(post_status=502 if setup == "server_error" else None).install(https)
    repo = "gemeente/elders" if setup == "unknown_repo" else REPO
    token = "ghp_wrong_token_value_123" if setup == "bad_token" else TOKEN
    with pytest.raises(DeliveryError) as e:
        submit(https, pki, repo=repo, token=token)
    assert e.value.code == code and e.value.exit_code == 7
    assert token not in json.dumps(e.value.to_dict())


def test_validation_failure_shows_githubs_reason(https, pki):
    FakeGitHub().install(https)
    https.add(f"/repos/{REPO}/security-advisories/reports", json_response(
        {"message": "Validation Failed", "errors": [{"message": "cvss_vector_string is not a valid vector"}]},
        422), host="api.github.test")
    with pytest.raises(DeliveryError) as e:
        submit(https, pki)
    assert e.value.code == "rejected" and e.value.data["status"] == 422
    assert "cvss_vector_string is not a valid vector" in e.value.message


@pytest.mark.parametrize("repo", ["gemeente", "gemeente/web/site", "../etc/passwd", "gemeente/..", "ge meente/x"])
def test_bad_repo_is_a_usage_error_before_any_request(https, pki, repo):
    with pytest.raises(UsageError):
        submit(https, pki, repo=repo)
    assert https.log == []


@pytest.mark.parametrize("vuln, expected", [
    ({"cwe": "CWE-89"}, {"cwe_ids": ["CWE-89"]}),
    ({"cwe": " cwe-89 "}, {"cwe_ids": ["CWE-89"]}),
    ({}, {}),
    ({"cvss": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"},
     {"cvss_vector_string": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}),
])
def test_advisory_payload_fields(vuln, expected):
    body = github.advisory_payload({"vulnerability": {"title": "  A   title ", "description": "d", **vuln}})
    assert body["summary"] == "A title"
    assert {k: v for k, v in body.items() if k in ("cwe_ids", "cvss_vector_string")} == expected


@pytest.mark.parametrize("vuln", [{"title": "t", "description": "d", "cwe": "XSS"}, {"title": "", "description": "d"},
                                  {"title": "t"}])
def test_advisory_payload_refuses_what_github_would(vuln):
    with pytest.raises(ValueError):
        github.advisory_payload({"vulnerability": vuln})


def test_long_title_is_cut_to_githubs_limit():
    body = github.advisory_payload({"vulnerability": {"title": "x" * 2000, "description": "d"}})
    assert len(body["summary"]) == 1024


def test_warning_says_it_is_not_end_to_end_encrypted():
    assert "not end-to-end encrypted" in github.NOT_E2E_WARNING


def test_lost_answer_is_not_repeated_without_force(https, pki, tmp_path, monkeypatch):
    """GitHub has no idempotency key: after an attempt that may have filed the report, ask first."""
    fake = FakeGitHub().install(https)

    def slow_report(h) -> None:  # GitHub files it, but the answer comes after our deadline
        fake.created.append(json.loads(h.body))
        h.server.stop_event.wait(1.5)
        h.close_connection = True

    https.add(f"/repos/{REPO}/security-advisories/reports", slow_report, host="api.github.test")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    settings = Settings(ca_bundle=pki.ca_pem, timeout=0.7, github_api_url=API, environ=dict(os.environ),
                        connect_to=(ConnectTo("api.github.test", 443, https.host, https.port),))
    box = Outbox(tmp_path)
    with pytest.raises(StoreError):  # GitHub's channel is plaintext: only stored when allowed
        box.save(report_id=REPORT_ID, channel="github", recipient=REPO, payload=json.dumps(REPORT).encode(),
                 key=REPORT_ID, route={"repo": REPO, "api_url": API})
    entry = box.save(report_id=REPORT_ID, channel="github", recipient=REPO, payload=json.dumps(REPORT).encode(),
                     key=REPORT_ID, route={"repo": REPO, "api_url": API}, allow_plaintext=True)
    assert entry.plaintext
    with pytest.raises(DeliveryError) as e:
        send_entry(box, entry.id, settings=settings)
    assert e.value.data["delivered"] == "unknown"
    with pytest.raises(DeliveryError) as e:
        send_entry(box, entry.id, settings=settings)
    assert e.value.code == "check_first" and len(fake.created) == 1
    https.add(f"/repos/{REPO}/security-advisories/reports", fake.report, host="api.github.test")
    done = send_entry(box, entry.id, settings=settings, force=True)
    assert done.state == "sent" and done.receipt["ghsa_id"] == "GHSA-abcd-efgh-ijkl"
