"""A GitHub-shaped API for private vulnerability reporting on the loopback HTTPS server.

It follows the documented REST shapes: GET .../private-vulnerability-reporting -> {"enabled": bool};
POST .../security-advisories/reports with a closed set of fields -> 201 with the draft advisory,
422 {"message", "errors"} otherwise."""

from __future__ import annotations

import json

from tests.servers.https import json_response

API = "https://api.github.test"
TOKEN = "ghp_test0123456789abcdefTOKEN"
REPO = "gemeente/website"
ALLOWED = {"summary", "description", "vulnerabilities", "cwe_ids", "severity", "cvss_vector_string",
           "start_private_fork"}


class FakeGitHub:
    def __init__(self, *, enabled: bool = True, post_status: int | None = None) -> None:
        self.enabled, self.post_status = enabled, post_status
        self.created: list[dict] = []

    def authorized(self, h) -> bool:
        return h.headers.get("Authorization") == f"Bearer {TOKEN}"

    def check(self, h) -> None:
        if not self.authorized(h):
            return json_response({"message": "Bad credentials"}, 401).send(h)
        json_response({"enabled": self.enabled}).send(h)

    def report(self, h) -> None:
        if not self.authorized(h):
            return json_response({"message": "Bad credentials"}, 401).send(h)
        body = json.loads(h.body)
        bad = sorted(set(body) - ALLOWED)
        if bad or not body.get("summary") or not body.get("description") or (
                "severity" in body and "cvss_vector_string" in body):
            return json_response({"message": "Validation Failed", "errors": [f"unexpected {bad}"]}, 422).send(h)
        if self.post_status:
            return json_response({"message": "Server Error"}, self.post_status).send(h)
        self.created.append(body)
        json_response({"ghsa_id": "GHSA-abcd-efgh-ijkl", "state": "triage",
                       "html_url": f"https://github.test/{REPO}/security/advisories/GHSA-abcd-efgh-ijkl"}, 201).send(h)

    def install(self, https, repo: str = REPO) -> FakeGitHub:
        https.add(f"/repos/{repo}/private-vulnerability-reporting", self.check, host="api.github.test")
        https.add(f"/repos/{repo}/security-advisories/reports", self.report, host="api.github.test")
        return self
