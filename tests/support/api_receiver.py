"""The receiving side of the generic JSON API as docs/api.md asks an organisation to build it: it
validates each request against docs/openapi.yaml, checks the bearer token and the Idempotency-Key,
decrypts the message with real gpg, and answers a replayed key with the first id."""

from __future__ import annotations

import json

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.servers.https import Response, json_response
from tests.support.paths import ROOT

OPENAPI = ROOT / "docs" / "openapi.yaml"
TOKEN = "tok-8c1f0e55-api"


def schema_validator(name: str) -> Draft202012Validator:
    spec = yaml.safe_load(OPENAPI.read_text())
    registry = Registry().with_resource("urn:openapi", Resource.from_contents(spec, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": f"urn:openapi#/components/schemas/{name}"}, registry=registry)


class Receiver:
    """A conforming receiving side (docs/api.md), with scripted failures first."""

    def __init__(self, recipient, script: list[Response] | None = None, token: str | None = TOKEN) -> None:
        self.recipient, self.script, self.token = recipient, list(script or []), token
        self.accepted: dict[str, dict] = {}
        self.reports: list[dict] = []
        self.validator = schema_validator("Submission")

    def __call__(self, h) -> None:
        if self.script:
            return self.script.pop(0).send(h)
        body = json.loads(h.body)
        errors = [e.message for e in self.validator.iter_errors(body)]
        if errors or h.headers.get("Idempotency-Key") != body["report_id"]:
            return json_response({"title": "invalid", "detail": "; ".join(errors)[:200]}, 422).send(h)
        if self.token and h.headers.get("Authorization") != f"Bearer {self.token}":
            return json_response({"title": "Unauthorized"}, 401).send(h)
        key = h.headers["Idempotency-Key"]
        if key in self.accepted:
            return json_response(self.accepted[key], 200).send(h)
        self.reports.append(json.loads(self.recipient.gpg.decrypt(body["message"].encode())))
        self.accepted[key] = {"id": f"CVD-2026-{len(self.accepted) + 1:04d}",
                              "status_url": f"https://api.gemeente.test/cvd/reports/{len(self.accepted) + 1}"}
        return json_response(self.accepted[key], 201).send(h)
