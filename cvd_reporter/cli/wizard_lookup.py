"""The wizard's one door to the rest of the product: scope, discovery, keys, lint, render, submit.

Those modules are built by other parts of the project and may be absent from an installation (or
fail on the network). Every use goes through this module, which imports them lazily and, when they
are missing or the network fails, says "could not check now" instead of failing: the wizard then
accepts the answer with a warning that ``submit`` checks it again before anything is sent (issue 7,
"Bad input"). Nothing here prompts or prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cvd_reporter.cli.next_steps import next_steps
from cvd_reporter.core.channels import channel_word
from cvd_reporter.core.i18n import Phrase, Spoken, said_in, say
from cvd_reporter.core.lint import redact, scan_text
from cvd_reporter.core.render import render_text
from cvd_reporter.core.target import parse_target
from cvd_reporter.errors import CvdError

if TYPE_CHECKING:
    from cvd_reporter.app.context import Context
    from cvd_reporter.core.directory import Entry
    from cvd_reporter.core.findings import Finding
    from cvd_reporter.core.model import Report
    from cvd_reporter.core.policy import Policy



@dataclass
class LookupResult:
    """What the wizard shows after the target: scope verdict, who receives the report, how, which key."""

    target: str
    verdict: str | None = None  # in_scope | out_of_scope | unknown; None: could not check now
    reasons: list[str] = field(default_factory=list)
    organisation: str | None = None  # registrable domain of the organisation
    found_at: str | None = None  # where the security.txt came from
    contacts: list[str] = field(default_factory=list)  # preference order, e.g. "mailto:security@x"
    key: str | None = None  # "fingerprint …, expires …"
    policy_url: str | None = None
    languages: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why something could not be checked now
    # Where the report can go, best first, each with its provenance (core.contacts.FoundContact.to_dict):
    # from the security.txt, its Policy: page, a page linked from the home page, a well-known path or
    # the directory. Empty: nothing found (or the search could not run).
    where: list[dict[str, Any]] = field(default_factory=list)
    organisation_block: dict[str, Any] = field(default_factory=dict)  # ContactSearch.organisation_block()

    @property
    def checked(self) -> bool:
        return self.verdict is not None

    @property
    def out_of_scope(self) -> bool:
        return self.verdict == "out_of_scope"

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "verdict": self.verdict, "reasons": self.reasons,
                "organisation": self.organisation, "found_at": self.found_at, "contacts": self.contacts,
                "key": self.key, "policy_url": self.policy_url, "languages": self.languages, "notes": self.notes,
                "where": self.where, "organisation_block": self.organisation_block}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _describe_key(chosen: Any) -> str:
    """The key the wizard found: fingerprint, expiry and source; English as the string (``--json``), said
    in the wizard's language on the terminal (a Phrase)."""
    from cvd_reporter.net.keys import SOURCE_LABELS  # noqa: PLC0415 - kept lazy, as the key lookup itself

    verdict = getattr(chosen, "verdict", chosen)
    expires = getattr(verdict, "expires", None)
    when = Phrase("wizard_lookup.key_expires", date=expires.isoformat()[:10]) if isinstance(expires, dt.date) \
        else Phrase("wizard_lookup.key_no_expiry")
    fingerprint = getattr(verdict, "fingerprint", "?")
    source = getattr(chosen, "source", None)
    if source:
        return Phrase("wizard_lookup.key_from", fingerprint=fingerprint, when=when,
                      source=SOURCE_LABELS.get(source, source))
    return Phrase("wizard_lookup.key", fingerprint=fingerprint, when=when)


def lookup_target(target: str, ctx: Context, *, policy: Policy, now: dt.datetime) -> LookupResult:
    """Scope verdict, security.txt and key for one target; never raises for a missing module or the network.

    The same three calls as the submit pipeline (cvd_reporter/app/submit.py), so the wizard shows what
    `submit` will find: scoping.check_targets, net.discovery.discover, net.keys.find_keys. Runs in the
    wizard's background thread (with its own fetcher and resolver); every network step is bounded by
    ``settings.timeout``.
    """
    from cvd_reporter.net.http import Fetcher  # noqa: PLC0415 - kept lazy, see above

    result = LookupResult(target)
    try:
        result.organisation = parse_target(target).registrable_domain
    except CvdError:
        result.organisation = None
    settings = ctx.settings
    fetcher = Fetcher.from_settings(settings)

    from cvd_reporter.app.scoping import check_targets  # noqa: PLC0415 - kept lazy, see above
    from cvd_reporter.net.discovery import discover  # noqa: PLC0415 - kept lazy, see above
    from cvd_reporter.net.dns import make_resolver  # noqa: PLC0415 - kept lazy, see above
    from cvd_reporter.net.keys import find_keys  # noqa: PLC0415 - kept lazy, see above

    try:  # 1. scope
        verdict = check_targets([target], policy_scope=policy.scope, ctx=ctx, fetcher=fetcher,
                                now=now)[0]
        result.verdict = str(verdict.verdict)
        result.reasons = list(verdict.reasons)  # Reason keeps its id, so the wizard says it in its language
    except CvdError as e:
        result.notes.append(Spoken(e))  # English in to_dict; the wizard says it in its language
    if result.out_of_scope:
        return result  # stop early: no need to look for where to send it

    from cvd_reporter.app.contacts import search_contacts  # noqa: PLC0415 - kept lazy, see above

    found, missing = None, None  # the Discovery, or the CvdError that says why there is none
    try:  # 2. security.txt: who receives it, how, which languages, which policy
        found = discover(target, fetcher, now=now)
    except CvdError as e:
        missing = e  # no (usable) security.txt: the search below looks further
    if found is not None:
        st = found.security_txt
        result.found_at = _text(found.url)
        result.contacts = [str(c.uri) for c in st.contacts]
        result.languages = [str(x) for x in st.preferred_languages]
        result.policy_url = st.policy[0] if st.policy else None

    try:  # 3. where it goes: security.txt, its Policy: page, the home page's links, well-known paths, directory
        search = search_contacts(target, fetcher, now=now, home=ctx.home, discovery=found, discovery_error=missing)
        result.where = [c.to_dict() for c in search.contacts]
        result.organisation_block = search.organisation_block()
        result.policy_url = result.policy_url or result.organisation_block.get("policy_url")
    except CvdError as e:
        result.notes.append(Spoken(e))
    first = result.where[0]["source"] if result.where else None
    mailto = [c["value"] for c in result.where if c["kind"] == "email" and c["source"] == first]
    if found is None and not result.where and missing is not None:
        result.notes.append(Spoken(missing))  # nothing anywhere: say why security.txt did not answer
    if found is None and not mailto:
        return result

    try:  # 4. the key the report will be encrypted to
        encryption = list(found.security_txt.encryption) if found is not None else []
        keys = find_keys(encryption_uris=encryption, contacts=mailto, fetcher=fetcher,
                         resolver=make_resolver(settings), keyserver=settings.keyserver, now=now)
        if keys.chosen is not None:
            result.key = _describe_key(keys.chosen)
    except CvdError as e:  # no key (5) or an unusable one (6): `submit` refuses; say so now
        result.notes.append(Spoken(e))
    return result


@dataclass
class LintOutcome:
    findings: list[Finding]
    redacted: str | None  # the text with every hit replaced; None when nothing was found


def lint_text(text: str, *, own_emails: list[str], own_phones: list[str], path: str,
              lang: str = "en") -> LintOutcome:
    """The personal-data and secret scan (core.lint) on one evidence text."""
    hits = scan_text(text, own_emails=own_emails, own_phones=own_phones, path=path)
    return LintOutcome([h.to_finding(lang) for h in hits], redact(text, hits) if hits else None)


def render_preview(report: Report, *, policy: Policy, lang: str, today: dt.date | None = None) -> str:
    """The exact text the organisation will read (core.render)."""
    return render_text(report, policy=policy, lang=lang, date=today, has_reporter_key=bool(report.reporter.pgp_key),
                       evidence_names=[Path(e.path).name for e in report.evidence if e.path])


def send_report(path: Path, ctx: Context, *, lang: str, confirm: Callable[[str], bool],
                progress: Callable[[str], None], practice: bool = False,
                choose: Callable[[list[str], str], str] | None = None,
                ask: Callable[[str], bool] | None = None) -> str:
    """Hand a saved report file to the submit pipeline (encrypt, deliver, record).

    ``confirm`` shows what will be sent to whom with which key and asks (the pipeline never prompts
    itself); ``progress`` prints its steps and, once sent, the next steps (cli/next_steps.py; ``practice``:
    introduced as what a real report would do). ``choose``/``ask`` let the reporter pick the way on when
    the organisation has no usable key (a first contact, their form, or plain text), as `submit` does
    on a terminal. Returns one line saying where the report went. Errors (CvdError) propagate to the
    command's exit code; the report file stays where it was saved.
    """
    from cvd_reporter.app.submit import SubmitOptions, submit_report  # noqa: PLC0415 - kept lazy, see above

    outcome = submit_report(path, ctx=ctx, lang=lang, confirm=confirm, progress=progress,
                            options=SubmitOptions(choose=choose, ask=ask))
    plan = outcome.plan
    if plan.kind == "first_contact" and outcome.status in ("sent", "queued"):
        if outcome.status == "sent":
            return say(lang, "first_contact.sent", id=plan.report_id, to=plan.recipient)
        return say(lang, "first_contact.queued", id=plan.report_id, path=outcome.outbox_path)
    if outcome.status == "sent":
        progress(next_steps(plan, sent=ctx.clock(), lang=lang, practice=practice,
                            home=ctx.home))
        return say(lang, "wizard.sent_line", id=plan.report_id, to=plan.recipient, channel=channel_word(plan.channel))
    if outcome.hint:
        return said_in(outcome.hint, lang)
    return say(lang, "wizard.send_status", id=plan.report_id, status=outcome.status)


def directory_search(ctx: Context) -> tuple[Callable[[str], list[Entry]], dict[str, str]]:
    """The directory (bundled and imported entries) as a search by name or host, and whose domain is whose."""
    from cvd_reporter.app.directory import load_all, load_bundled  # noqa: PLC0415 - kept lazy, see above
    from cvd_reporter.core.directory import find  # noqa: PLC0415 - kept lazy, see above

    try:
        entries, owners = load_all(ctx.home)
    except CvdError:  # an unreadable imported file: the bundled entries still answer
        entries, owners = load_bundled()
    return (lambda name: find(entries, name)), owners
