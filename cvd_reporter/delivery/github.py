"""GitHub private vulnerability reporting (PVR) through the REST API.

1. ``GET  {api}/repos/{owner}/{repo}/private-vulnerability-reporting`` must answer ``{"enabled": true}``;
2. ``POST {api}/repos/{owner}/{repo}/security-advisories/reports`` with ``summary``, ``description``,
   ``cwe_ids`` and ``cvss_vector_string`` (GitHub takes either a vector or a ``severity``, never
   both) answers 201 with the draft advisory (``ghsa_id``, ``html_url``, ``state: "triage"``).

This channel is private but **not end-to-end encrypted**: GitHub and everyone with access to the
repository's advisories can read it. The CLI shows :data:`NOT_E2E_WARNING` before sending. GitHub's
API takes no idempotency key either, so an attempt whose answer was lost is marked ``unknown``
and is not repeated without the user checking first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from cvd_reporter.delivery.api import network_failure
from cvd_reporter.errors import DeliveryError, NetworkError, UsageError

NOT_E2E_WARNING = ("GitHub private vulnerability reporting is private but not end-to-end encrypted: GitHub "
                   "and the repository's maintainers can read the report, and evidence files cannot be "
                   "attached (offer them by e-mail).")
API_VERSION = "2022-11-28"
MAX_ANSWER_BYTES = 1 << 20
MAX_SUMMARY = 1024
MAX_DESCRIPTION = 65535
_REPO_RE = re.compile(r"(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/(?P<name>[A-Za-z0-9._-]{1,100})\Z")
_CWE_RE = re.compile(r"CWE-[1-9][0-9]{0,5}\Z")


@dataclass(frozen=True)
class GithubReceipt:
    ghsa_id: str | None
    html_url: str | None
    state: str | None
    status: int
    time: datetime
    repo: str

    def to_dict(self) -> dict[str, Any]:
        return {"channel": "github", "ghsa_id": self.ghsa_id, "html_url": self.html_url, "state": self.state,
                "status": self.status, "time": self.time.isoformat(), "repo": self.repo}


def parse_repo(repo: str) -> tuple[str, str]:
    m = _REPO_RE.match(repo.strip())
    if not m or m.group("name") in (".", ".."):
        raise UsageError.t("delivery.github.bad_repo", repo=repr(repo))
    return m.group("owner"), m.group("name")


def _section(title: str, body: Any) -> str:
    if not body:
        return ""
    if isinstance(body, (list, tuple)):
        body = "\n".join(f"{i}. {step}" for i, step in enumerate(body, start=1))
    return f"## {title}\n\n{str(body).strip()}\n"


def advisory_payload(report: dict[str, Any]) -> dict[str, Any]:
    """The POST body from a ``cvd-report/1`` document (pure; GitHub renders the description as Markdown)."""
    vuln = report.get("vulnerability") or {}
    target = report.get("target") or {}
    title = " ".join(str(vuln.get("title") or "").split())
    if not title or not vuln.get("description"):
        raise ValueError("a GitHub report needs vulnerability.title and vulnerability.description")
    affected = [*(target.get("urls") or []), *(target.get("ips") or [])]
    if target.get("asset"):
        affected.append(str(target["asset"]))
    parts = [
        str(vuln["description"]).strip() + "\n",
        _section("Steps to reproduce", vuln.get("steps")),
        _section("Impact", vuln.get("impact")),
        _section("Affected", "\n".join(f"- {a}" for a in affected)),
        _section("Suggested remediation", vuln.get("remediation")),
    ]
    evidence = report.get("evidence") or []
    if evidence:
        parts.append(_section("Evidence", f"{len(evidence)} evidence file(s) are available from the reporter "
                                          "on request (the GitHub API cannot carry attachments)."))
    if report.get("report_id"):
        parts.append(f"_Reported with cvd-reporter, report id {report['report_id']}._\n")
    body: dict[str, Any] = {
        "summary": title[:MAX_SUMMARY],
        "description": "\n".join(p for p in parts if p)[:MAX_DESCRIPTION],
    }
    cwe = str(vuln.get("cwe") or "").strip().upper()
    if cwe:
        if not _CWE_RE.match(cwe):
            raise ValueError(f"{cwe!r} is not a CWE id like CWE-79")
        body["cwe_ids"] = [cwe]
    cvss = str(vuln.get("cvss") or "").strip()
    if cvss:
        body["cvss_vector_string"] = cvss  # GitHub: a vector or a severity, not both
    return body


def _headers(token: str) -> dict[str, str]:
    return {"Accept": "application/vnd.github+json", "Authorization": f"Bearer {token}",
            "X-GitHub-Api-Version": API_VERSION, "Content-Type": "application/json"}


def _call(fetcher: Any, method: str, url: str, token: str, body: bytes | None = None) -> Any:
    try:
        return fetcher.request(method, url, max_bytes=MAX_ANSWER_BYTES, body=body, headers=_headers(token))
    except NetworkError as e:
        raise network_failure(e, what="GitHub") from None


def _message(result: Any) -> str:
    try:
        data = json.loads(result.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return " ".join(result.body.decode("utf-8", "replace").split())[:300]
    if not isinstance(data, dict):
        return ""
    text = str(data.get("message") or "")
    errors = data.get("errors")
    if isinstance(errors, list) and errors:
        text += " (" + "; ".join(str(e.get("message") if isinstance(e, dict) else e) for e in errors)[:200] + ")"
    return " ".join(text.split())[:300]


def _failure(result: Any, repo: str, stage: str) -> DeliveryError:
    answer = _message(result)
    status = result.status
    data = {"repo": repo, "stage": stage, "status": status, "answer": answer,
            "temporary": status in (408, 429) or status >= 500 or (status == 403 and "rate limit" in answer.lower())}
    if status == 401:
        return DeliveryError.t("delivery.github.unauthorized", code="unauthorized", data=data)
    if status == 404:
        return DeliveryError.t("delivery.github.not_found", code="not_found", data=data, repo=repo)
    if status == 403:
        return DeliveryError.t("delivery.github.forbidden", code="forbidden", data=data, repo=repo,
                               answer=answer or "forbidden")
    if status == 422:
        return DeliveryError.t("delivery.github.rejected", code="rejected", data=data, repo=repo,
                               answer=answer or "validation failed")
    if data["temporary"]:
        return DeliveryError.t("delivery.github.temporary", code="temporary_failure", data=data, repo=repo,
                               status=status)
    return DeliveryError.t("delivery.github.answered", code="rejected", data=data, repo=repo, status=status)


def check_enabled(*, repo: str, api_url: str, token: str, fetcher: Any) -> None:
    """Raise DeliveryError unless private vulnerability reporting is enabled for ``repo``."""
    owner, name = parse_repo(repo)
    result = _call(fetcher, "GET", f"{api_url.rstrip('/')}/repos/{owner}/{name}/private-vulnerability-reporting", token)
    if result.status != 200:
        raise _failure(result, repo, "check")
    try:
        enabled = json.loads(result.body.decode("utf-8")).get("enabled")
    except (UnicodeDecodeError, ValueError, AttributeError):
        enabled = None
    if enabled is not True:
        raise DeliveryError.t("delivery.github.pvr_disabled", code="pvr_disabled", repo=repo,
                            data={"repo": repo, "stage": "check", "status": 200, "temporary": False})


def submit(report: dict[str, Any], *, repo: str, api_url: str, token: str, fetcher: Any,
           clock: Callable[[], datetime] | None = None) -> GithubReceipt:
    """File ``report`` (a ``cvd-report/1`` document) as a private vulnerability report on ``repo``."""
    if not token:
        raise DeliveryError.t("delivery.github.no_token", code="unauthorized")
    owner, name = parse_repo(repo)
    body = json.dumps(advisory_payload(report), ensure_ascii=False).encode("utf-8")
    check_enabled(repo=repo, api_url=api_url, token=token, fetcher=fetcher)
    url = f"{api_url.rstrip('/')}/repos/{owner}/{name}/security-advisories/reports"
    result = _call(fetcher, "POST", url, token, body)
    if result.status not in (200, 201):
        raise _failure(result, repo, "report")
    try:
        data = json.loads(result.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = {}
    data = data if isinstance(data, dict) else {}
    return GithubReceipt(ghsa_id=data.get("ghsa_id"), html_url=data.get("html_url"), state=data.get("state"),
                         status=result.status, time=clock() if clock else datetime.now(timezone.utc),
                         repo=f"{owner}/{name}")
