"""The report model (schema ``cvd-report/1``): one field spec drives parsing, the JSON Schema and
the wizard, so a report file and the wizard fill the same model and run the same checks.

Parsing never raises on content: every structural problem becomes a Finding (code, field path,
one sentence), so a user sees all of them at once. Policy rules live in core/validate.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any

from cvd_reporter.core.findings import Finding
from cvd_reporter.core.i18n import LANGUAGES, say, translator
from cvd_reporter.core.messages import make

# A one-line field (a title, a name) may end up in a mail header or a table row: no line breaks of any
# kind (CR, LF, VT, FF, NEL, U+2028/U+2029) and no other control characters.
LINE_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")

SCHEMA_ID = "cvd-report/1"
ATTESTATIONS = (
    "no-dos", "no-physical", "no-social-engineering", "no-brute-force", "no-spam",
    "no-data-abuse", "minimal-data", "no-disclosure-until-fixed", "delete-after-fix",
)
DISCLOSURE_INTENTS = ("none", "after-fix", "date")
CREDIT_CHOICES = ("name", "pseudonym", "none")


@dataclass(frozen=True)
class F:
    """One field of the spec: JSON type, description, and optional constraints."""

    type: str  # string | boolean | date | list | object
    description: str = ""
    enum: tuple[str, ...] | None = None
    items: F | None = None
    fields: dict[str, F] | None = None
    fmt: str | None = None  # email | phone | uri | ip | cwe | cvss | language | line | contact


def _obj(doc: str, **fields: F) -> F:
    return F("object", doc, fields=fields)


# Where a value the tool filled in came from (what the reporter writes has no source: it is their own).
SOURCE_KINDS = ("reporter", "security_txt", "policy_page", "directory")
SOURCED = ("contact", "policy_url", "key", "subject", "response")
SOURCE = _obj(
    "Where one value came from.",
    kind=F("string", "reporter, security_txt, policy_page or directory.", enum=SOURCE_KINDS),
    url=F("string", "The security.txt, the policy page or the directory entry's page.", fmt="uri"),
    seen=F("date", "When that page was read (for a directory entry: when its page was seen)."),
    entry=F("string", "The directory entry's name.", fmt="line"),
)


SPEC: dict[str, F] = {
    "schema": F("string", "Always 'cvd-report/1'.", enum=(SCHEMA_ID,)),
    "id": F("string", "Report id; assigned on first submit when absent."),
    "language": F("string", "Language of the report: nl or en (default: the organisation's preference).",
                  enum=("nl", "en")),
    "reporter": _obj(
        "Who reports. A pseudonym is fine; leave at least one e-mail address or phone number.",
        name=F("string", "Name or pseudonym.", fmt="line"),
        email=F("string", "E-mail address for replies.", fmt="email"),
        phone=F("string", "Phone number for replies (Dutch numbers may omit +31).", fmt="phone"),
        pgp_key=F("string", "Your public OpenPGP key (a file path or armored text), so they can answer encrypted."),
        anonymous=F("boolean", "Report anonymously: the organisation cannot answer you."),
    ),
    "organisation": _obj(
        "Who receives the report; discovered from the target when absent.",
        name=F("string", "Organisation name.", fmt="line"),
        domain=F("string", "Organisation's domain, e.g. gemeente.example.", fmt="line"),
        contact=F("list", "Where to send the report, in your order of preference: mailto:ADDRESS, the https:// "
                          "address of a web form or platform, or tel:NUMBER.", items=F("string", fmt="contact")),
        policy_url=F("string", "Their CVD / responsible-disclosure page (https://).", fmt="uri"),
        key=F("string", "Their OpenPGP key: a file beside the report, an https:// URL or the full fingerprint."),
        subject=F("string", "A subject line their policy requires, e.g. 'Beveiliging ICT'.", fmt="line"),
        response=F("string", "The answer time their policy promises, e.g. '3 working days' or '5 werkdagen'.",
                   fmt="line"),
        source=_obj("Where the tool found the values above; a value without a source is your own.",
                    **dict.fromkeys(SOURCED, SOURCE)),
    ),
    "target": _obj(
        "The vulnerable system: at least one URL or IP address.",
        urls=F("list", "URLs of the vulnerable system.", items=F("string", fmt="uri")),
        ips=F("list", "IP addresses of the vulnerable system.", items=F("string", fmt="ip")),
        asset=F("string", "Free text: which system or application (in the wizard: the entry of the policy's "
                          "scope list that covers it)."),
        product=F("string", "The affected product or system, and its supplier where known.", fmt="line"),
        version=F("string", "The affected version(s), where known.", fmt="line"),
    ),
    "vulnerability": _obj(
        "What is wrong, enough to reproduce it.",
        title=F("string", "A short title (one line).", fmt="line"),
        cwe=F("string", "CWE id, e.g. CWE-79.", fmt="cwe"),
        cvss=F("string", "CVSS 3.1 or 4.0 vector.", fmt="cvss"),
        description=F("string", "What the vulnerability is."),
        steps=F("list", "Steps to reproduce.", items=F("string")),
        impact=F("string", "What an attacker could do."),
        remediation=F("string", "How it could be fixed (optional)."),
    ),
    "evidence": F("list", "Evidence files (paths relative to the report file).", items=_obj(
        "One evidence file.",
        path=F("string", "File path."),
        description=F("string", "What the file shows."),
    )),
    "conduct": _obj(
        "How you found it, and the policy's rules you kept.",
        discovered=F("date", "When you found it (YYYY-MM-DD)."),
        source_ips=F("list", "The IP addresses you tested from (helps them match their logs).",
                     items=F("string", fmt="ip")),
        tools=F("list", "Tools you used.", items=F("string")),
        data_accessed=F("string", "What data you saw."),
        data_downloaded=F("string", "What data you downloaded (no more than needed)."),
        attestations=F("list", "The policy's rules you confirm you kept (ids of the policy profile).",
                         items=F("string")),
    ),
    "disclosure": _obj(
        "Sharing and publication.",
        shared_with=F("list", "Anyone you already told (the policy asks you to share nothing until fixed).",
                      items=F("string")),
        intent=F("string", "Publication intent.", enum=DISCLOSURE_INTENTS),
        date=F("date", "Intended publication date, when intent is 'date'."),
        credit=F("string", "How you want to be credited.", enum=CREDIT_CHOICES),
        credits=F("list", "Everyone to credit, you included, when there are several finders.", items=_obj(
            "One person to credit.",
            name=F("string", "Name or pseudonym, as it should appear.", fmt="line"),
            credit=F("string", "Credit under a real name or a pseudonym.", enum=CREDIT_CHOICES[:2]),
        )),
    ),
}


# ---------------------------------------------------------------------------- the dataclasses
@dataclass
class Reporter:
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    pgp_key: str | None = None
    anonymous: bool = False


@dataclass
class Organisation:
    name: str | None = None
    domain: str | None = None
    contact: list[str] = dataclasses.field(default_factory=list)
    policy_url: str | None = None
    key: str | None = None
    subject: str | None = None
    response: str | None = None
    source: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)


@dataclass
class Target:
    urls: list[str] = dataclasses.field(default_factory=list)
    ips: list[str] = dataclasses.field(default_factory=list)
    asset: str | None = None
    product: str | None = None
    version: str | None = None


@dataclass
class Vulnerability:
    title: str | None = None
    cwe: str | None = None
    cvss: str | None = None
    description: str | None = None
    steps: list[str] = dataclasses.field(default_factory=list)
    impact: str | None = None
    remediation: str | None = None


@dataclass
class Evidence:
    path: str | None = None
    description: str | None = None


@dataclass
class Conduct:
    discovered: dt.date | None = None
    source_ips: list[str] = dataclasses.field(default_factory=list)
    tools: list[str] = dataclasses.field(default_factory=list)
    data_accessed: str | None = None
    data_downloaded: str | None = None
    attestations: list[str] = dataclasses.field(default_factory=list)


@dataclass
class Credit:
    name: str | None = None
    credit: str | None = None  # name | pseudonym


@dataclass
class Disclosure:
    shared_with: list[str] = dataclasses.field(default_factory=list)
    intent: str | None = None
    date: dt.date | None = None
    credit: str | None = None
    credits: list[Credit] = dataclasses.field(default_factory=list)


@dataclass
class Report:
    schema: str = SCHEMA_ID
    id: str | None = None
    language: str | None = None
    reporter: Reporter = dataclasses.field(default_factory=Reporter)
    organisation: Organisation = dataclasses.field(default_factory=Organisation)
    target: Target = dataclasses.field(default_factory=Target)
    vulnerability: Vulnerability = dataclasses.field(default_factory=Vulnerability)
    evidence: list[Evidence] = dataclasses.field(default_factory=list)
    conduct: Conduct = dataclasses.field(default_factory=Conduct)
    disclosure: Disclosure = dataclasses.field(default_factory=Disclosure)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (dates as ISO strings), without empty values: what a report file holds."""
        plain: dict[str, Any] = _prune(_plain(dataclasses.asdict(self)))
        return plain


_CLASSES: dict[str, type] = {
    "reporter": Reporter, "organisation": Organisation, "target": Target, "vulnerability": Vulnerability,
    "conduct": Conduct, "disclosure": Disclosure,
}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        out = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, [], {}, "") and not (k == "anonymous" and v is False)}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


# ---------------------------------------------------------------------------- parsing
def suggest(name: str, known: list[str] | tuple[str, ...]) -> str | None:
    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return match[0] if match else None


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            return None
    return None


def _type_name(value: Any) -> str:
    """The catalogue id suffix (``model.type.<name>``) that names what a value is."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true_false"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return type(value).__name__


class _Ctx:
    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self.findings: list[Finding] = []

    def wrong_type(self, path: str, expected: str, value: Any) -> None:
        t = translator(self.lang)
        got = _type_name(value)
        self.findings.append(make("wrong_type", "error", self.lang, field=path, path=path,
                                  expected=t(f"model.type.{expected}"),
                                  got=t(f"model.type.{got}") if t.has(f"model.type.{got}") else got))


def _hint(lang: str, text: str | None) -> str:
    return say(lang, "model.did_you_mean", text=text) if text else ""


def _convert(spec: F, value: Any, path: str, ctx: _Ctx) -> Any:
    """Convert one value per its spec; on a mismatch add a finding and return None."""
    if value is None:
        return None
    if spec.type == "string":
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            ctx.wrong_type(path, "string", value)
            return None
        text = str(value)
        if spec.fmt == "line" and LINE_BREAK.search(text):
            ctx.findings.append(make("not_one_line", "error", ctx.lang, field=path, path=path))
        if spec.enum and text not in spec.enum:
            ctx.findings.append(make("invalid_value", "error", ctx.lang, field=path, path=path, value=text,
                                     allowed=", ".join(spec.enum), hint=_hint(ctx.lang, suggest(text, spec.enum))))
            return None
        return text
    if spec.type == "boolean":
        if not isinstance(value, bool):
            ctx.wrong_type(path, "boolean", value)
            return None
        return value
    if spec.type == "date":
        parsed = _parse_date(value)
        if parsed is None:
            ctx.findings.append(make("invalid_date", "error", ctx.lang, field=path, path=path, value=value))
        return parsed
    if spec.type == "list":
        assert spec.items is not None
        if not isinstance(value, list):
            if isinstance(value, str) and spec.items.type == "string":
                value = [value]  # one string where a list is expected: a one-item list
            else:
                ctx.wrong_type(path, "list", value)
                return []
        items = [_convert(spec.items, v, f"{path}[{i}]", ctx) for i, v in enumerate(value)]
        return [i for i in items if i is not None]
    if spec.type == "object":
        if not isinstance(value, dict):
            ctx.wrong_type(path, "object", value)
            return {}
        assert spec.fields is not None
        return _convert_fields(spec.fields, value, path, ctx)
    raise AssertionError(spec.type)  # pragma: no cover - the spec is ours


def _convert_fields(fields: dict[str, F], data: dict[str, Any], prefix: str, ctx: _Ctx) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if key not in fields:
            hint = suggest(str(key), tuple(fields))
            ctx.findings.append(make("unknown_field", "error", ctx.lang, field=path, path=path,
                                     hint=_hint(ctx.lang, (f"{prefix}.{hint}" if prefix else hint) if hint else None)))
            continue
        result[key] = _convert(fields[key], value, path, ctx)
    return result


def parse_report(data: Any, *, lang: str = "en") -> tuple[Report, list[Finding]]:
    """Build a Report from plain data (a loaded YAML/JSON document); structural findings alongside."""
    ctx = _Ctx(lang)
    if not isinstance(data, dict):
        ctx.wrong_type("(top level)", "object", data)
        return Report(), ctx.findings
    schema = data.get("schema")
    if schema != SCHEMA_ID:
        found = "" if schema is None else say(ctx.lang, "model.found", value=schema)
        ctx.findings.append(make("schema_version", "error", ctx.lang, field="schema", found=found))
    values = _convert_fields(SPEC, {k: v for k, v in data.items() if k != "schema"}, "", ctx)
    report = Report()
    for key, value in values.items():
        if key in _CLASSES and isinstance(value, dict):
            if key == "disclosure" and isinstance(value.get("credits"), list):
                value["credits"] = [Credit(**{k: v for k, v in item.items() if v is not None})
                                    for item in value["credits"] if isinstance(item, dict)]
            setattr(report, key, _CLASSES[key](**{k: v for k, v in value.items() if v is not None}))
        elif key == "evidence" and isinstance(value, list):
            report.evidence = [Evidence(**{k: v for k, v in item.items() if v is not None})
                               for item in value if isinstance(item, dict)]
        elif value is not None:
            setattr(report, key, value)
    return report, ctx.findings


# ---------------------------------------------------------------------------- JSON Schema
def _schema_for(spec: F) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if spec.description:
        out["description"] = spec.description
    if spec.type == "string":
        out["type"] = "string"
        if spec.enum:
            out["enum"] = list(spec.enum)
        if spec.fmt == "email":
            out["format"] = "email"
        elif spec.fmt == "uri":
            out["format"] = "uri"
        elif spec.fmt == "contact":
            out["pattern"] = "^(mailto:|https://|tel:)"
        elif spec.fmt == "cwe":
            out["pattern"] = "^CWE-[0-9]{1,5}$"
        elif spec.fmt == "cvss":
            out["pattern"] = "^CVSS:(3\\.1|4\\.0)/"
        elif spec.fmt == "line":
            out["pattern"] = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$"
    elif spec.type == "boolean":
        out["type"] = "boolean"
    elif spec.type == "date":
        out["type"] = "string"
        out["format"] = "date"
    elif spec.type == "list":
        out["type"] = "array"
        assert spec.items is not None
        out["items"] = _schema_for(spec.items)
    elif spec.type == "object":
        out["type"] = "object"
        assert spec.fields is not None
        out["properties"] = {k: _schema_for(v) for k, v in spec.fields.items()}
        out["additionalProperties"] = False
    return out


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a report file, generated from SPEC."""
    schema = _schema_for(F("object", "A vulnerability report for cvd-reporter.", fields=SPEC))
    schema["required"] = ["schema"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://pypi.org/project/cvd-reporter/schema/cvd-report-1.json",
        "title": "cvd-report/1",
        **schema,
    }
