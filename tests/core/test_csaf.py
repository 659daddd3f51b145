"""The CSAF 2.0 export validates against the CSAF JSON schema, at every stage of a report.

tests/data/csaf_json_schema.json is oasis-tcs/csaf csaf_2.0/json_schema/csaf_json_schema.json at
commit 007ca5299b08d174f6b4fa9006957c6b6ac28e69 (the newest copy that could be obtained offline; a
late draft of CSAF 2.0). The published 2.0 schema also requires ``document.publisher.namespace`` and
fixes a few names; the document only uses fields both agree on, and the tests check the 2.0 extras
(namespace, product id references, revision numbering) by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import jsonschema
import pytest

from cvd_reporter.core.csaf import build_csaf
from tests.support.paths import DATA

SCHEMA = json.loads((DATA / "csaf_json_schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
T0 = datetime(2026, 4, 2, 10, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Step:
    state: str
    at: datetime
    fix_date: date | None = None


def timeline(*states: str) -> list[Step]:
    return [Step(s, T0 + timedelta(days=i), date(2026, 6, 1) if s == "fix_promised" else None)
            for i, s in enumerate(states)]


def build(steps: list[Step], **kw) -> dict:
    args = {"report_id": "CVD-2026-0001", "title": "Reflected XSS in the search page", "organisation": "Gemeente Voorbeeld",
                "target": "https://loket.gemeente.example/zoeken", "policy": "nl-gemeente", "timeline": steps,
                "reporter_name": "Alex (pseudonym)", "namespace": "mailto:alex@example.org",
                "reporter_contact": "alex@example.org", "lang": "nl", "description": "The q parameter is echoed unescaped.",
                "cwe": "CWE-79", "cvss": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "discovered": date(2026, 3, 30)}
    args.update(kw)
    return build_csaf(**args)


def assert_valid(doc: dict) -> None:
    errors = sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    # What the published CSAF 2.0 adds, and the mandatory tests a schema cannot express:
    document = doc["document"]
    assert document["publisher"]["namespace"].split(":", 1)[0] in ("https", "mailto", "urn")  # 2.0: required URI
    history = document["tracking"]["revision_history"]
    assert [r["number"] for r in history] == [str(i) for i in range(1, len(history) + 1)]  # 6.1.21
    assert document["tracking"]["version"] == history[-1]["number"]  # 6.1.16
    assert [r["date"] for r in history] == sorted(r["date"] for r in history)  # 6.1.14
    defined = {p["product_id"] for p in doc["product_tree"]["full_product_names"]}
    for vuln in doc["vulnerabilities"]:  # 6.1.1: every referenced product id is defined
        refs = [pid for ids in vuln["product_status"].values() for pid in ids]
        refs += [pid for r in vuln.get("remediations", []) for pid in r.get("product_ids", [])]
        assert set(refs) <= defined


STAGES = [
    (("draft",), "RED", "interim", "not_contacted", "known_affected", "none_available"),
    (("draft", "sent"), "RED", "interim", "contact_attempted", "known_affected", "none_available"),
    (("draft", "sent", "acknowledged", "fix_promised"), "RED", "interim", "in_progress", "known_affected",
     "none_available"),
    (("draft", "sent", "no_response", "escalated"), "RED", "interim", "contact_attempted", "known_affected",
     "none_available"),
    (("draft", "sent", "assessed", "fixed"), "RED", "interim", "completed", "fixed", "vendor_fix"),
    (("draft", "sent", "fixed", "data_deleted", "published", "closed"), "WHITE", "final", "completed", "fixed",
     "vendor_fix"),
]


@pytest.mark.parametrize(("states", "tlp", "status", "vendor", "product_status", "remediation"), STAGES,
                         ids=["-".join(s[0]) for s in STAGES])
def test_every_stage_validates_and_says_where_it_stands(states, tlp, status, vendor, product_status, remediation):
    doc = build(timeline(*states))
    assert_valid(doc)
    document, vuln = doc["document"], doc["vulnerabilities"][0]
    assert document["publisher"]["category"] == "discoverer"
    assert document["distribution"]["tlp"]["label"] == tlp
    assert document["tracking"]["status"] == status
    assert len(document["tracking"]["revision_history"]) == len(states)
    assert {i["party"]: i["status"] for i in vuln["involvements"]}["vendor"] == vendor
    assert list(vuln["product_status"]) == [product_status]
    assert vuln["remediations"][0]["category"] == remediation


def test_fix_promise_and_escalation_are_told():
    doc = build(timeline("draft", "sent", "acknowledged", "fix_promised"))
    assert "2026-06-01" in doc["vulnerabilities"][0]["remediations"][0]["details"]
    assert "2026-06-01" in doc["document"]["tracking"]["revision_history"][-1]["summary"]
    doc = build(timeline("draft", "sent", "no_response", "escalated"))
    assert {"party": "coordinator", "status": "contact_attempted"}.items() <= \
        doc["vulnerabilities"][0]["involvements"][-1].items()


def test_minimal_input_still_validates():
    doc = build(timeline("draft", "sent"), reporter_contact=None, lang=None, description=None, cwe=None, cvss=None,
                discovered=None, namespace="urn:uuid:2b9e8c36-3d5c-5b7e-9a52-4c9f3c1f9e11")
    assert_valid(doc)
    assert "notes" not in doc["vulnerabilities"][0]
    assert "contact_details" not in doc["document"]["publisher"]


def test_revisions_are_sorted_by_time_even_when_recorded_out_of_order():
    steps = timeline("draft", "sent", "acknowledged")
    doc = build([steps[0], steps[2], steps[1]])
    assert_valid(doc)
    assert [r["summary"] for r in doc["document"]["tracking"]["revision_history"]] == \
        ["State: draft.", "State: sent.", "State: acknowledged."]


def test_the_schema_check_can_fail():
    # Guard against a schema file that accepts anything: a wrong publisher category and TLP label fail.
    doc = build(timeline("draft", "sent"))
    doc["document"]["publisher"]["category"] = "reporter"
    doc["document"]["distribution"]["tlp"]["label"] = "CLEAR"  # TLP 2.0; CSAF 2.0 still uses TLP 1
    bad = {tuple(e.path)[-1] for e in VALIDATOR.iter_errors(doc)}
    assert bad == {"category", "label"}
