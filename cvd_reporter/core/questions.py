"""The wizard's questions as data (issue 7), and the pure functions that turn answers into a Report.

Each question has a stable ``name`` (what the draft stores and what tests script), the model field it
fills, its text as an id in the message catalogue (core/i18n.py: ``question.<name>``, options
``question.<name>.<value>``; the English wording follows the model SPEC's descriptions where they
read as a question), and a check that uses the same rules as ``validate`` (core/validate.py), so an
answer that the report file would reject is refused on the spot, with the reason, and asked again.

Pure: no prompts, no files, no network; ``today`` comes in through the Context.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cvd_reporter.core import answer_checks, cvss_builder, cwe
from cvd_reporter.core.i18n import N_, say
from cvd_reporter.core.model import (
    Conduct,
    Credit,
    Disclosure,
    Evidence,
    Organisation,
    Report,
    Reporter,
    Target,
    Vulnerability,
)
from cvd_reporter.core.policy import Attestation, Policy
from cvd_reporter.core.target import WEB_SCHEMES
from cvd_reporter.core.target import parse_target as _parse_target
from cvd_reporter.core.validate import check_cvss, check_email, check_ip, check_phone
from cvd_reporter.errors import CvdError

STEPS: tuple[str, ...] = ("target", "reporter", "vulnerability", "evidence", "conduct", "disclosure")


def step_title(step: str, lang: str) -> str:
    """The heading of a wizard step ("1/7 The target"), from the catalogue (``step.<name>``)."""
    return say(lang, f"step.{step}")


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
Text = str | Callable[[str], str]
"""A catalogue id (``question.title``), or a function of the language for texts that are not ours to
word (a policy rule in the policy's own words) or that combine catalogue texts (a CWE name and id)."""


def _say(text: Text, lang: str, params: Mapping[str, Any]) -> str:
    return say(lang, text, **params) if isinstance(text, str) else text(lang)


@dataclass(frozen=True)
class Option:
    value: str
    text: Text

    def say(self, lang: str) -> str:
        return _say(self.text, lang, {})


@dataclass(frozen=True)
class Question:
    name: str
    kind: str  # text | editor | select | confirm | checkbox
    text: Text
    step: str
    field: str | None = None  # the model path the answer fills (None: steers the flow only)
    options: tuple[Option, ...] = ()
    optional: bool = False
    check: Checker | None = None
    hint: str | None = None  # a catalogue id
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # named values for the texts ({n})
    statement: bool = False  # a yes/no the reporter attests: never a default, Enter does not answer it

    def say(self, lang: str) -> str:
        return _say(self.text, lang, self.params)

    def instruction(self, lang: str) -> str | None:
        return say(lang, self.hint) if self.hint else None

    def error(self, value: Any, ctx: Context) -> str | None:
        """None when the answer is acceptable; otherwise the reason, in ctx.lang, to show and ask again."""
        if self.kind in ("text", "editor"):
            text = "" if value is None else str(value)
            if not text.strip():
                return None if self.optional else say(ctx.lang, "question.error.required")
            if len(text) > MAX_TEXT:
                return say(ctx.lang, "question.error.too_long", limit=MAX_TEXT)
        if self.kind == "select" and value not in {o.value for o in self.options}:
            return say(ctx.lang, "question.error.choose")
        if self.check is not None:
            return self.check(value, ctx)
        return None


MAX_TEXT = 100_000  # one answer; a longer text belongs in an evidence file

# ---------------------------------------------------------------------------- answer parsing
def parse_target(text: str) -> tuple[str, str] | None:
    """A URL or an IP address, as the report file holds it: ``("url", ...)`` or ``("ip", ...)``.

    Parsed by the one target parser (:mod:`cvd_reporter.core.target`), so the report names the
    machine a browser would reach: ``https://0xC0.168.1.1/`` is ``https://192.168.1.1/``. A bare host
    name (``gemeente.example`` or ``gemeente.example/path``) gets ``https://`` in front, since a report
    needs a URL with a host (docs/report-file.md, target). None for text that is no target, for a scheme other
    than http(s), and for a bare host name of one label (``gemeente``: a typo, not a web address).
    """
    try:
        t = _parse_target(text or "")
    except CvdError:
        return None
    if t.scheme is not None and t.scheme not in WEB_SCHEMES:
        return None
    if t.kind == "ip":
        return "ip", t.host
    if t.scheme is None and t.ip is None and "." not in t.host:
        return None
    if t.url is None:  # a bare host (and port): the URL of its front page
        t = _parse_target(f"https://{t.host_in_url}" + (f":{t.port}" if t.port is not None else ""))
    return "url", str(t.url)


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
    text = str(value or "").strip()
    try:
        host = _parse_target(text).host
    except CvdError:  # the host as typed: after any scheme, before any path or port
        host = re.split(r"[/:?#]", text.split("://", 1)[-1], maxsplit=1)[0]
    if answer_checks.fake_ipv4(host):
        return say(ctx.lang, "check.target.bad_ip", value=host)
    return None if parse_target(text) else say(ctx.lang, "check.target.example")


def _check_email(value: Any, ctx: Context) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    reason = check_email(text)
    return say(ctx.lang, "question.error.email", reason=reason) if reason else None


def _check_phone(value: Any, ctx: Context) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    return None if check_phone(text, ctx.policy.phone_region) else say(ctx.lang, "question.error.phone")


def _check_cwe(value: Any, ctx: Context) -> str | None:
    return None if cwe.normalise_cwe(str(value or "")) else say(ctx.lang, "question.error.cwe")


def _check_cvss(value: Any, ctx: Context) -> str | None:
    reason = check_cvss(str(value or ""))
    return say(ctx.lang, "question.error.cvss", reason=reason) if reason else None


def _check_discovered(value: Any, ctx: Context) -> str | None:
    day = parse_date(str(value or ""))
    if day is None:
        return say(ctx.lang, "question.error.date", example=ctx.today.isoformat())
    if day > ctx.today:  # validate's discovered_future
        return say(ctx.lang, "question.error.future")
    return None


def _check_publication(value: Any, ctx: Context) -> str | None:
    day = parse_date(str(value or ""))
    if day is None:
        return say(ctx.lang, "question.error.date", example=(ctx.today + dt.timedelta(days=90)).isoformat())
    if day <= ctx.today:
        return say(ctx.lang, "question.error.not_future")
    problem = answer_checks.publication_problem(str(ctx.answers.get("disclosure_intent") or "date"), day,
                                                ctx.policy, ctx.today)
    return say(ctx.lang, problem[0], **problem[1]) if problem else None


def _check_ips(value: Any, ctx: Context) -> str | None:
    for item in split_list(str(value or ""), spaces=True):
        if not check_ip(item):
            return say(ctx.lang, "check.ip.example", value=item)
    return None


# ---------------------------------------------------------------------------- the questions
def _step_name(step: str) -> Callable[[str], str]:
    """A step's title without its number ("The target"), for the change-step choice."""
    return lambda lang: step_title(step, lang).split(" ", 1)[1]


def _q(name: str, kind: str, step: str, *, fld: str | None = None, options: tuple[str, ...] = (),
       **kw: Any) -> Question:
    """A question whose text is ``question.<name>`` and whose options are ``question.<name>.<value>``."""
    return Question(name, kind, f"question.{name}", step, fld,
                    options=tuple(Option(v, f"question.{name}.{v}") for v in options), **kw)


OPTIONAL = N_("question.hint.optional")
LONG = N_("question.hint.long")

_QUESTIONS: tuple[Question, ...] = (
    # 1. target
    _q("target", "text", "target", fld="target.urls", check=_check_target, hint=N_("question.target.hint")),
    _q("target_other", "confirm", "target"),
    # 2. reporter
    _q("reporter_name", "text", "reporter", fld="reporter.name", optional=True, hint=OPTIONAL),
    _q("reporter_email", "text", "reporter", fld="reporter.email", optional=True, check=_check_email, hint=OPTIONAL),
    _q("reporter_phone", "text", "reporter", fld="reporter.phone", optional=True, check=_check_phone, hint=OPTIONAL),
    _q("reporter_anonymous", "confirm", "reporter", fld="reporter.anonymous"),
    _q("reporter_pgp_key", "text", "reporter", fld="reporter.pgp_key", optional=True, hint=OPTIONAL),
    # 3. vulnerability
    _q("title", "text", "vulnerability", fld="vulnerability.title"),
    Question("cwe", "select", "question.cwe", "vulnerability", "vulnerability.cwe",
             options=(*(Option(w.id, w.say) for w in cwe.COMMON),
                      Option("other", N_("question.cwe.other")), Option("unknown", N_("question.cwe.unknown")))),
    _q("cwe_other", "text", "vulnerability", fld="vulnerability.cwe", check=_check_cwe,
       hint=N_("question.cwe_other.hint")),
    _q("cvss_mode", "select", "vulnerability", fld="vulnerability.cvss", options=("none", "build", "vector")),
    _q("cvss_vector", "text", "vulnerability", fld="vulnerability.cvss", check=_check_cvss),
    *(Question(f"cvss.{m.key}", "select", m.say, "vulnerability", "vulnerability.cvss",
               options=tuple(Option(v.value, v.say) for v in m.values)) for m in cvss_builder.METRICS),
    _q("product", "text", "vulnerability", fld="target.product", optional=True, hint=N_("question.product.hint")),
    _q("version", "text", "vulnerability", fld="target.version", optional=True, hint=OPTIONAL),
    _q("scope_pick", "select", "vulnerability", fld="target.asset"),
    _q("description", "editor", "vulnerability", fld="vulnerability.description", hint=LONG),
    _q("steps", "editor", "vulnerability", fld="vulnerability.steps", optional=True, hint=LONG),
    _q("impact", "text", "vulnerability", fld="vulnerability.impact", optional=True, hint=OPTIONAL),
    _q("remediation", "text", "vulnerability", fld="vulnerability.remediation", optional=True, hint=OPTIONAL),
    # 5. conduct
    _q("discovered", "text", "conduct", fld="conduct.discovered", check=_check_discovered),
    _q("source_ips", "text", "conduct", fld="conduct.source_ips", optional=True, check=_check_ips, hint=OPTIONAL),
    _q("tools", "text", "conduct", fld="conduct.tools", optional=True, hint=OPTIONAL),
    _q("data_accessed", "text", "conduct", fld="conduct.data_accessed", optional=True, hint=OPTIONAL),
    _q("data_downloaded", "text", "conduct", fld="conduct.data_downloaded", optional=True, hint=OPTIONAL),
    # 6. disclosure
    _q("shared_with", "text", "disclosure", fld="disclosure.shared_with", optional=True, hint=OPTIONAL),
    _q("disclosure_intent", "select", "disclosure", fld="disclosure.intent", options=("none", "after-fix", "date")),
    _q("disclosure_date", "text", "disclosure", fld="disclosure.date", check=_check_publication),
    _q("credit", "select", "disclosure", fld="disclosure.credit", options=("name", "pseudonym", "none")),
    _q("rule_refused_action", "select", "conduct", options=("again", "stop")),
    _q("conflict_action", "select", "conduct", options=("change", "own", "stop")),
    # 7. finish and flow control
    _q("finish_action", "select", "finish", options=("send", "save", "change", "stop")),
    Question("change_step", "select", "question.change_step", "finish",
             options=tuple(Option(s, _step_name(s)) for s in STEPS)),
    _q("save_path", "text", "finish"),
)

QUESTIONS: dict[str, Question] = {q.name: q for q in _QUESTIONS}


def evidence_questions(index: int) -> tuple[Question, Question, Question]:
    """The questions about evidence file number ``index`` (0-based): path, description, redaction.

    Whether the path exists is checked by the wizard (files are I/O; this module is pure).
    """
    n = {"n": index + 1}
    return (
        Question(f"evidence[{index}].path", "text", "question.evidence.path", "evidence", "evidence.path",
                 optional=True, hint=N_("question.evidence.path.hint"), params=n),
        Question(f"evidence[{index}].description", "text", "question.evidence.description", "evidence",
                 "evidence.description", optional=True, hint=OPTIONAL, params=n),
        Question(f"evidence[{index}].redact", "confirm", "question.evidence.redact", "evidence", params=n),
    )


def credit_questions(index: int) -> tuple[Question, Question]:
    """Someone else to credit (number ``index``, 0-based): name or pseudonym, and how."""
    n = {"n": index + 1}
    return (
        Question(f"credits[{index}].name", "text", N_("question.credits.name"), "disclosure", "disclosure.credits",
                 optional=True, hint=N_("question.credits.name.hint"), params=n, check=_check_line),
        Question(f"credits[{index}].credit", "select", N_("question.credits.credit"), "disclosure",
                 "disclosure.credits", options=(Option("name", "question.credit.name"),
                                                Option("pseudonym", "question.credit.pseudonym")), params=n),
    )


def _check_line(value: Any, ctx: Context) -> str | None:
    return say(ctx.lang, "check.one_line") if "\n" in str(value or "") else None


MAX_CREDITS = 10


def attestation_question(att: Attestation) -> Question:
    """One policy rule as its own yes/no question, in the policy's own words (nl or en)."""
    return Question(f"attest.{att.id}", "confirm", att.say, "conduct", "conduct.attestations", statement=True)


def get(name: str) -> Question:
    """A question by name, including the numbered evidence questions."""
    if name in QUESTIONS:
        return QUESTIONS[name]
    c = re.match(r"^credits\[(\d+)\]\.(name|credit)$", name)
    if c:
        return credit_questions(int(c.group(1)))[0 if c.group(2) == "name" else 1]
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


def credits(answers: Mapping[str, Any], reporter: Reporter) -> list[Credit]:
    """Everyone to credit: the reporter (when they want credit and gave a name), then the others."""
    out = []
    own = answers.get("credit")
    if own in ("name", "pseudonym") and reporter.name and not reporter.anonymous:
        out.append(Credit(name=reporter.name, credit=own))
    i = 0
    while name := str(answers.get(f"credits[{i}].name") or "").strip():
        out.append(Credit(name=name, credit=str(answers.get(f"credits[{i}].credit") or "name")))
        i += 1
    return out if i else []  # the reporter alone is what disclosure.credit already says


def build_report(answers: Mapping[str, Any], *, policy: Policy, lang: str,
                 organisation_domain: str | None = None) -> Report:
    """The Report the answers describe (what `validate` and `submit` will see in the file)."""
    a = answers

    def text(key: str) -> str | None:
        return str(a.get(key) or "").strip() or None

    anonymous = bool(a.get("reporter_anonymous")) and not (text("reporter_email") or text("reporter_phone"))
    reporter = Reporter(name=text("reporter_name"), email=text("reporter_email"), phone=text("reporter_phone"),
                        pgp_key=text("reporter_pgp_key"), anonymous=anonymous)

    target = Target(product=text("product"), version=text("version"),
                    asset=text("scope_pick") if a.get("scope_pick") not in (None, "", "other") else None)
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
                            credit=a.get("credit"), credits=credits(a, reporter))
    return Report(language=lang, reporter=reporter, organisation=Organisation(domain=organisation_domain),
                  target=target, vulnerability=vulnerability, evidence=evidence, conduct=conduct,
                  disclosure=disclosure)
