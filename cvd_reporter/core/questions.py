"""The wizard's questions as data (issue 7), and the pure functions that turn answers into a Report.

Each question has a stable ``name`` (what the draft stores and what tests script), the model field it
fills, its text in Dutch and English (English taken from the model SPEC's descriptions where they
read as a question), and a check that uses the same rules as ``validate`` (core/validate.py), so an
answer that the report file would reject is refused on the spot, with the reason, and asked again.

Pure: no prompts, no files, no network; ``today`` comes in through the Context.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cvd_reporter.core import cvss_builder, cwe
from cvd_reporter.core.model import (
    SPEC,
    Conduct,
    Disclosure,
    Evidence,
    Organisation,
    Report,
    Reporter,
    Target,
    Vulnerability,
)
from cvd_reporter.core.policy import Attestation, Policy
from cvd_reporter.core.validate import check_cvss, check_email, check_ip, check_phone, check_url

STEPS: tuple[str, ...] = ("target", "reporter", "vulnerability", "evidence", "conduct", "disclosure")
STEP_TITLES: dict[str, dict[str, str]] = {
    "target": {"en": "1/7 The target", "nl": "1/7 Het doelwit"},
    "reporter": {"en": "2/7 About you", "nl": "2/7 Over u"},
    "vulnerability": {"en": "3/7 The vulnerability", "nl": "3/7 De kwetsbaarheid"},
    "evidence": {"en": "4/7 Evidence files", "nl": "4/7 Bewijsbestanden"},
    "conduct": {"en": "5/7 How you found it, and the policy's rules", "nl": "5/7 Hoe u het vond, en de regels van het beleid"},
    "disclosure": {"en": "6/7 Sharing and credit", "nl": "6/7 Delen en vermelding"},
    "finish": {"en": "7/7 Check and send", "nl": "7/7 Controleren en versturen"},
}
MAX_EVIDENCE = 20
MAX_EVIDENCE_BYTES = 25 * 1024 * 1024  # as reportfile.MAX_EVIDENCE_BYTES: what e-mail providers carry


@dataclass(frozen=True)
class Context:
    """What a check may look at besides the answer itself."""

    lang: str
    policy: Policy
    today: dt.date
    answers: Mapping[str, Any] = field(default_factory=dict)


Checker = Callable[[Any, Context], "str | None"]


@dataclass(frozen=True)
class Option:
    value: str
    text: dict[str, str]

    def say(self, lang: str) -> str:
        return self.text.get(lang) or self.text["en"]


@dataclass(frozen=True)
class Question:
    name: str
    kind: str  # text | editor | select | confirm | checkbox
    text: dict[str, str]
    step: str
    field: str | None = None  # the model path the answer fills (None: steers the flow only)
    options: tuple[Option, ...] = ()
    optional: bool = False
    check: Checker | None = None
    hint: dict[str, str] | None = None

    def say(self, lang: str) -> str:
        return self.text.get(lang) or self.text["en"]

    def instruction(self, lang: str) -> str | None:
        if not self.hint:
            return None
        return self.hint.get(lang) or self.hint.get("en")

    def error(self, value: Any, ctx: Context) -> str | None:
        """None when the answer is acceptable; otherwise the reason, in ctx.lang, to show and ask again."""
        if self.kind in ("text", "editor"):
            text = "" if value is None else str(value)
            if not text.strip():
                return None if self.optional else say(ctx.lang, "required")
            if len(text) > MAX_TEXT:
                return say(ctx.lang, "too_long", limit=MAX_TEXT)
        if self.kind == "select" and value not in {o.value for o in self.options}:
            return say(ctx.lang, "choose")
        if self.check is not None:
            return self.check(value, ctx)
        return None


MAX_TEXT = 100_000  # one answer; a longer text belongs in an evidence file

# ---------------------------------------------------------------------------- error texts
ERRORS: dict[str, dict[str, str]] = {
    "required": {"en": "Please give an answer; this one is needed.", "nl": "Vul hier iets in; dit is nodig."},
    "too_long": {"en": "That is more than {limit} characters; put long material in an evidence file.",
                 "nl": "Dat is meer dan {limit} tekens; zet lange stukken in een bewijsbestand."},
    "choose": {"en": "Choose one of the options.", "nl": "Kies een van de mogelijkheden."},
    "target": {"en": "Give an http(s) URL with a host name (https://gemeente.example/page) or an IP address.",
               "nl": "Geef een http(s)-URL met een hostnaam (https://gemeente.example/pagina) of een IP-adres."},
    "email": {"en": "That is not a valid e-mail address ({reason}).", "nl": "Dat is geen geldig e-mailadres ({reason})."},
    "phone": {"en": "That is not a valid phone number; use +31 6 12345678 or 06 12345678.",
              "nl": "Dat is geen geldig telefoonnummer; gebruik +31 6 12345678 of 06 12345678."},
    "file_missing": {"en": "There is no file {path}.", "nl": "Het bestand {path} bestaat niet."},
    "cwe": {"en": "That is not a CWE id; write it like CWE-79 (or just 79).",
            "nl": "Dat is geen CWE-id; schrijf het als CWE-79 (of alleen 79)."},
    "cvss": {"en": "That is not a valid CVSS 3.1 or 4.0 vector ({reason}).",
             "nl": "Dat is geen geldige CVSS 3.1- of 4.0-vector ({reason})."},
    "date": {"en": "Write a date like {example}.", "nl": "Schrijf een datum zoals {example}."},
    "future": {"en": "That date is in the future.", "nl": "Die datum ligt in de toekomst."},
    "not_future": {"en": "A publication date must lie in the future.", "nl": "Een publicatiedatum moet in de toekomst liggen."},
    "ip": {"en": "{value!r} is not an IPv4 or IPv6 address.", "nl": "{value!r} is geen IPv4- of IPv6-adres."},
}


def say(lang: str, key: str, **params: Any) -> str:
    texts = ERRORS[key]
    return (texts.get(lang) or texts["en"]).format(**params)


# ---------------------------------------------------------------------------- answer parsing
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}\.?$",
                       re.IGNORECASE)


def parse_target(text: str) -> tuple[str, str] | None:
    """A URL or an IP address, as the report file holds it: ``("url", ...)`` or ``("ip", ...)``.

    A bare host name (``gemeente.example`` or ``gemeente.example/path``) gets ``https://`` in front,
    since a report needs a URL with a host (DESIGN.md, target); anything else is None.
    """
    value = (text or "").strip()
    if not value:
        return None
    candidate = value.strip("[]") if value.startswith("[") and value.endswith("]") else value
    if check_ip(candidate):
        return "ip", str(ipaddress.ip_address(candidate))
    if "://" not in value:
        host = value.split("/", 1)[0].split(":", 1)[0]
        if _HOSTNAME.match(host):
            value = "https://" + value
    if check_url(value):
        return "url", value
    return None


def split_list(text: str | None, *, spaces: bool = False) -> list[str]:
    """Comma, semicolon or line separated (and, for IP addresses, space separated) items."""
    pattern = r"[,;\n\s]+" if spaces else r"[,;\n]+"
    return [p.strip() for p in re.split(pattern, text or "") if p.strip()]


_BULLET = re.compile(r"^\s*(?:[-*•]|\(?\d{1,3}[.)]|stap \d+:|step \d+:)\s*", re.IGNORECASE)


def parse_steps(text: str | None) -> list[str]:
    """One step a line; leading numbers and bullets ("1.", "2)", "-") are dropped."""
    return [_BULLET.sub("", line).strip() for line in (text or "").splitlines() if _BULLET.sub("", line).strip()]


def parse_date(text: str | None) -> dt.date | None:
    value = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):  # ISO, and the Dutch habit dd-mm-jjjj
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


# ---------------------------------------------------------------------------- checks
def _check_target(value: Any, ctx: Context) -> str | None:
    return None if parse_target(str(value)) else say(ctx.lang, "target")


def _check_email(value: Any, ctx: Context) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    reason = check_email(text)
    return say(ctx.lang, "email", reason=reason) if reason else None


def _check_phone(value: Any, ctx: Context) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    return None if check_phone(text, ctx.policy.phone_region) else say(ctx.lang, "phone")


def _check_cwe(value: Any, ctx: Context) -> str | None:
    return None if cwe.normalise_cwe(str(value or "")) else say(ctx.lang, "cwe")


def _check_cvss(value: Any, ctx: Context) -> str | None:
    reason = check_cvss(str(value or ""))
    return say(ctx.lang, "cvss", reason=reason) if reason else None


def _check_discovered(value: Any, ctx: Context) -> str | None:
    day = parse_date(str(value or ""))
    if day is None:
        return say(ctx.lang, "date", example=ctx.today.isoformat())
    if day > ctx.today:  # validate's discovered_future
        return say(ctx.lang, "future")
    return None


def _check_publication(value: Any, ctx: Context) -> str | None:
    day = parse_date(str(value or ""))
    if day is None:
        return say(ctx.lang, "date", example=(ctx.today + dt.timedelta(days=90)).isoformat())
    return say(ctx.lang, "not_future") if day <= ctx.today else None


def _check_ips(value: Any, ctx: Context) -> str | None:
    for item in split_list(str(value or ""), spaces=True):
        if not check_ip(item):
            return say(ctx.lang, "ip", value=item)
    return None


# ---------------------------------------------------------------------------- the questions
def _spec(path: str) -> str:
    """The model's own description of a field (core/model.py SPEC), as English prompt text."""
    node = SPEC[path.split(".", maxsplit=1)[0]]
    for part in path.split(".")[1:]:
        assert node.fields is not None
        node = node.fields[part]
    return node.description.rstrip(".")


def _q(name: str, kind: str, step: str, nl: str, en: str | None = None, *, fld: str | None = None,
       **kw: Any) -> Question:
    return Question(name, kind, {"nl": nl, "en": en if en is not None else _spec(fld or "")}, step, fld, **kw)


def _opt(value: str, en: str, nl: str) -> Option:
    return Option(value, {"en": en, "nl": nl})


OPTIONAL = {"en": "(optional: Enter to skip)", "nl": "(optioneel: Enter om over te slaan)"}
LONG = {"en": "(several lines: finish with Esc and then Enter)", "nl": "(meerdere regels: afronden met Esc en dan Enter)"}

_QUESTIONS: tuple[Question, ...] = (
    # 1. target
    _q("target", "text", "target", "Welke URL of welk IP-adres is kwetsbaar?",
       "Which URL or IP address is vulnerable?", fld="target.urls", check=_check_target,
       hint={"en": "(e.g. https://www.gemeente.example/login)", "nl": "(bijv. https://www.gemeente.example/inloggen)"}),
    _q("target_other", "confirm", "target", "Wilt u een ander doelwit opgeven?", "Do you want to give another target?"),
    # 2. reporter
    _q("reporter_name", "text", "reporter", "Naam of schuilnaam", fld="reporter.name", optional=True, hint=OPTIONAL),
    _q("reporter_email", "text", "reporter", "E-mailadres voor antwoorden", fld="reporter.email", optional=True,
       check=_check_email, hint=OPTIONAL),
    _q("reporter_phone", "text", "reporter", "Telefoonnummer voor antwoorden (Nederlandse nummers mogen zonder +31)",
       fld="reporter.phone", optional=True, check=_check_phone, hint=OPTIONAL),
    _q("reporter_anonymous", "confirm", "reporter",
       "U liet geen e-mailadres of telefoonnummer achter. Anoniem melden? Dan kan de organisatie u nooit antwoorden.",
       "You left no e-mail address or phone number. Report anonymously? Then the organisation can never answer you.",
       fld="reporter.anonymous"),
    _q("reporter_pgp_key", "text", "reporter",
       "Uw eigen publieke OpenPGP-sleutel (een bestand), zodat zij versleuteld kunnen antwoorden",
       fld="reporter.pgp_key", optional=True, hint=OPTIONAL),
    # 3. vulnerability
    _q("title", "text", "vulnerability", "Een korte titel", fld="vulnerability.title"),
    _q("cwe", "select", "vulnerability", "Wat voor soort zwakke plek is het?", "What kind of weakness is it?",
       fld="vulnerability.cwe",
       options=(*(Option(w.id, {"en": w.say("en"), "nl": w.say("nl")}) for w in cwe.COMMON),
                _opt("other", "Another CWE id", "Een ander CWE-id"),
                _opt("unknown", "I don't know", "Weet ik niet"))),
    _q("cwe_other", "text", "vulnerability", "Welk CWE-id?", "Which CWE id?", fld="vulnerability.cwe",
       check=_check_cwe, hint={"en": "(e.g. CWE-209)", "nl": "(bijv. CWE-209)"}),
    _q("cvss_mode", "select", "vulnerability", "Ernst volgens CVSS?", "Severity as CVSS?", fld="vulnerability.cvss",
       options=(_opt("none", "Skip (optional)", "Overslaan (optioneel)"),
                _opt("build", "Build it from 8 short questions", "Opbouwen met 8 korte vragen"),
                _opt("vector", "I have a vector (CVSS:3.1/... or CVSS:4.0/...)", "Ik heb een vector (CVSS:3.1/... of CVSS:4.0/...)"))),
    _q("cvss_vector", "text", "vulnerability", "CVSS-vector", "CVSS vector", fld="vulnerability.cvss", check=_check_cvss),
    *(Question(f"cvss.{m.key}", "select", dict(m.question), "vulnerability", "vulnerability.cvss",
               options=tuple(Option(v.value, dict(v.text)) for v in m.values)) for m in cvss_builder.METRICS),
    _q("description", "editor", "vulnerability", "Wat is de kwetsbaarheid?", "What is the vulnerability?", fld="vulnerability.description",
       hint=LONG),
    _q("steps", "editor", "vulnerability", "Stappen om het na te doen, één per regel",
       "Steps to reproduce, one a line", fld="vulnerability.steps", optional=True, hint=LONG),
    _q("impact", "text", "vulnerability", "Wat zou een aanvaller ermee kunnen doen?", fld="vulnerability.impact",
       optional=True, hint=OPTIONAL),
    _q("remediation", "text", "vulnerability", "Hoe zou het opgelost kunnen worden?",
       "How could it be fixed?", fld="vulnerability.remediation", optional=True, hint=OPTIONAL),
    # 5. conduct
    _q("discovered", "text", "conduct", "Wanneer vond u het? (JJJJ-MM-DD)", "When did you find it? (YYYY-MM-DD)",
       fld="conduct.discovered", check=_check_discovered),
    _q("source_ips", "text", "conduct", "Vanaf welke IP-adressen testte u? (helpt hen hun logs te vinden)",
       fld="conduct.source_ips", optional=True, check=_check_ips, hint=OPTIONAL),
    _q("tools", "text", "conduct", "Welke hulpmiddelen gebruikte u? (gescheiden door komma's)",
       "Tools you used (separated by commas)", fld="conduct.tools", optional=True, hint=OPTIONAL),
    _q("data_accessed", "text", "conduct", "Welke gegevens zag u?", "What data did you see?",
       fld="conduct.data_accessed", optional=True, hint=OPTIONAL),
    _q("data_downloaded", "text", "conduct", "Welke gegevens downloadde u? (niet meer dan nodig)",
       "What data did you download? (no more than needed)", fld="conduct.data_downloaded", optional=True,
       hint=OPTIONAL),
    # 6. disclosure
    _q("shared_with", "text", "disclosure", "Aan wie vertelde u het al? (het beleid vraagt niets te delen tot het is opgelost)",
       fld="disclosure.shared_with", optional=True, hint=OPTIONAL),
    _q("disclosure_intent", "select", "disclosure", "Wilt u er later over publiceren?", "Do you intend to publish about it?",
       fld="disclosure.intent",
       options=(_opt("none", "No", "Nee"),
                _opt("after-fix", "Yes, after it is fixed (I will tell them first)",
                     "Ja, nadat het is opgelost (ik laat het hen eerst weten)"),
                _opt("date", "Yes, on a date I choose", "Ja, op een datum die ik kies"))),
    _q("disclosure_date", "text", "disclosure", "Op welke datum? (JJJJ-MM-DD)", "On which date? (YYYY-MM-DD)",
       fld="disclosure.date", check=_check_publication),
    _q("credit", "select", "disclosure", "Hoe wilt u vermeld worden (bijv. in een hall of fame)?",
       "How do you want to be credited (e.g. in a hall of fame)?", fld="disclosure.credit",
       options=(_opt("name", "With my name", "Met mijn naam"), _opt("pseudonym", "With my pseudonym", "Met mijn schuilnaam"),
                _opt("none", "Not at all", "Helemaal niet"))),
    # 7. finish and flow control
    _q("finish_action", "select", "finish", "Wat wilt u nu doen?", "What do you want to do now?",
       options=(_opt("send", "Send it now", "Nu versturen"),
                _opt("save", "Save it as a report file, to send later with `cvd-reporter submit`",
                     "Opslaan als rapportbestand, om later te versturen met `cvd-reporter submit`"),
                _opt("change", "Go back and change an answer", "Teruggaan en een antwoord veranderen"),
                _opt("stop", "Stop for now (the draft is kept)", "Nu stoppen (het concept blijft bewaard)"))),
    _q("change_step", "select", "finish", "Welk deel wilt u veranderen?", "Which part do you want to change?",
       options=tuple(Option(s, {"en": STEP_TITLES[s]["en"].split(" ", 1)[1], "nl": STEP_TITLES[s]["nl"].split(" ", 1)[1]})
                     for s in STEPS)),
    _q("save_path", "text", "finish", "Opslaan als", "Save as"),
)

QUESTIONS: dict[str, Question] = {q.name: q for q in _QUESTIONS}


def evidence_questions(index: int) -> tuple[Question, Question, Question]:
    """The questions about evidence file number ``index`` (0-based): path, description, redaction.

    Whether the path exists is checked by the wizard (files are I/O; this module is pure).
    """
    n = index + 1
    return (
        Question(f"evidence[{index}].path", "text",
                 {"en": f"Evidence file {n}: path", "nl": f"Bewijsbestand {n}: pad"}, "evidence", "evidence.path",
                 optional=True,
                 hint={"en": "(Enter when there are no more)", "nl": "(Enter als er geen meer zijn)"}),
        Question(f"evidence[{index}].description", "text",
                 {"en": f"What does file {n} show?", "nl": f"Wat laat bestand {n} zien?"}, "evidence",
                 "evidence.description", optional=True, hint=OPTIONAL),
        Question(f"evidence[{index}].redact", "confirm",
                 {"en": f"Use a redacted copy of file {n} in the report instead?",
                  "nl": f"Een geschoonde kopie van bestand {n} in het rapport gebruiken?"}, "evidence"),
    )


def attestation_question(att: Attestation) -> Question:
    """One policy rule as its own yes/no question, in the policy's own words (nl or en)."""
    return Question(f"attest.{att.id}", "confirm", dict(att.text), "conduct", "conduct.attestations")


def get(name: str) -> Question:
    """A question by name, including the numbered evidence questions."""
    if name in QUESTIONS:
        return QUESTIONS[name]
    m = re.match(r"^evidence\[(\d+)\]\.(path|description|redact)$", name)
    if m:
        path_q, desc_q, redact_q = evidence_questions(int(m.group(1)))
        return {"path": path_q, "description": desc_q, "redact": redact_q}[m.group(2)]
    raise KeyError(name)


# ---------------------------------------------------------------------------- answers -> Report
def report_language(lang: str, policy: Policy, preferred: list[str] | tuple[str, ...] = ()) -> str:
    """The organisation's first Preferred-Language that the policy's texts exist in; else ``lang``."""
    for code in preferred:
        code = code.strip().lower().split("-")[0]
        if code in policy.languages:
            return code
    return lang if lang in policy.languages else policy.languages[0]


def evidence_count(answers: Mapping[str, Any]) -> int:
    n = 0
    while str(answers.get(f"evidence[{n}].path") or "").strip():
        n += 1
    return n


def build_report(answers: Mapping[str, Any], *, policy: Policy, lang: str,
                 organisation_domain: str | None = None) -> Report:
    """The Report the answers describe (what `validate` and `submit` will see in the file)."""
    a = answers

    def text(key: str) -> str | None:
        return str(a.get(key) or "").strip() or None

    anonymous = bool(a.get("reporter_anonymous")) and not (text("reporter_email") or text("reporter_phone"))
    reporter = Reporter(name=text("reporter_name"), email=text("reporter_email"), phone=text("reporter_phone"),
                        pgp_key=text("reporter_pgp_key"), anonymous=anonymous)

    target = Target()
    parsed = parse_target(str(a.get("target") or ""))
    if parsed:
        (target.urls if parsed[0] == "url" else target.ips).append(parsed[1])

    cwe_choice = a.get("cwe")
    cwe_id = cwe.normalise_cwe(str(a.get("cwe_other") or "")) if cwe_choice == "other" else (
        cwe_choice if cwe_choice not in (None, "unknown") else None)
    mode = a.get("cvss_mode")
    cvss = None
    if mode == "vector":
        cvss = text("cvss_vector")
    elif mode == "build":
        try:
            cvss = cvss_builder.build_vector({k: str(a.get(f"cvss.{k}")) for k in cvss_builder.METRIC_KEYS})
        except ValueError:
            cvss = None
    vulnerability = Vulnerability(title=text("title"), cwe=cwe_id, cvss=cvss, description=text("description"),
                                  steps=parse_steps(a.get("steps")), impact=text("impact"),
                                  remediation=text("remediation"))

    evidence = []
    for i in range(evidence_count(a)):
        path = a.get(f"evidence[{i}].file") or a.get(f"evidence[{i}].path")
        evidence.append(Evidence(path=str(path).strip(), description=text(f"evidence[{i}].description")))

    conduct = Conduct(
        discovered=parse_date(a.get("discovered")),
        source_ips=[str(ipaddress.ip_address(x)) for x in split_list(a.get("source_ips"), spaces=True) if check_ip(x)],
        tools=split_list(a.get("tools")),
        data_accessed=text("data_accessed"),
        data_downloaded=text("data_downloaded"),
        attestations=[att.id for att in policy.attestations if a.get(f"attest.{att.id}") is True],
    )
    intent = a.get("disclosure_intent")
    disclosure = Disclosure(shared_with=split_list(a.get("shared_with")), intent=intent,
                            date=parse_date(a.get("disclosure_date")) if intent == "date" else None,
                            credit=a.get("credit"))
    return Report(language=lang, reporter=reporter, organisation=Organisation(domain=organisation_domain),
                  target=target, vulnerability=vulnerability, evidence=evidence, conduct=conduct,
                  disclosure=disclosure)
