"""The guided wizard behind `cvd-reporter new` (issue 7).

The questions are data (core/questions.py); this module walks them in seven steps through an
injected Prompter, saves the draft after every answer, runs the target lookup in a background
thread while the user goes on typing, and ends with a preview and send / save / change / stop.

Resuming is the same walk: an answer already in the draft is not asked again, except in the step
the user chose to change (then the old answer is the default).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, TextIO

import yaml

from cvd_reporter.app.context import Context, utc_now
from cvd_reporter.app.profiles import load_policy, organisation_policy
from cvd_reporter.cli import wizard_lookup
from cvd_reporter.cli import wizard_lookup as wl
from cvd_reporter.cli.prompter import Choice, Prompter
from cvd_reporter.cli.wizard_input import InputSteps, StopKeepDraft
from cvd_reporter.cli.wizard_lookup import LintOutcome, LookupResult
from cvd_reporter.cli.wizard_where import WHERE, WhereSteps, apply_where, send_saved
from cvd_reporter.core import questions as Q
from cvd_reporter.core.i18n import N_, said_in, say
from cvd_reporter.core.model import Report
from cvd_reporter.core.policy import Policy
from cvd_reporter.core.scope import say_reasons
from cvd_reporter.core.validate import validate_report
from cvd_reporter.errors import CvdError, InternalError, Interrupted, ScopeError
from cvd_reporter.store.drafts import Draft, DraftStore, write_report_file

VERDICTS = {"in_scope": N_("wizard.verdict.in_scope"), "out_of_scope": N_("wizard.verdict.out_of_scope"),
            "unknown": N_("wizard.verdict.unknown")}


@dataclass
class Outcome:
    status: str  # saved | sent | draft
    draft_id: str
    path: Path | None = None
    sent: str | None = None


def _normalise_target(value: str) -> str:
    """What the report file will hold: ``gemeente.example/x`` becomes ``https://gemeente.example/x``."""
    parsed = Q.parse_target(value)
    return parsed[1] if parsed else value


def _no_sender(path: Path, lang: str) -> str:
    """A Wizard built without a sender (only tests do that) cannot send; open_wizard wires the real one."""
    raise InternalError("this wizard was built without a sender")


class BackgroundLookup:
    """Runs the target lookup in a daemon thread (a daemon, so a Ctrl-C never waits for the network)."""

    def __init__(self, fn: Callable[[str], LookupResult], target: str) -> None:
        self.target = target
        self.result: LookupResult | None = None
        self.done = threading.Event()
        self._fn = fn
        threading.Thread(target=self._run, name="cvd-wizard-lookup", daemon=True).start()

    def _run(self) -> None:
        try:
            self.result = self._fn(self.target)
        except Exception as e:
            self.result = LookupResult(self.target, notes=[f"internal error ({type(e).__name__})"])
        finally:
            self.done.set()


class Wizard(WhereSteps, InputSteps):
    kept_hint: str | None = None  # practice: where (and whether) a stopped draft survives; None: `new --resume`

    def __init__(self, *, prompter: Prompter, policy: Policy, lang: str, store: DraftStore, draft: Draft,
                 lookup: Callable[[str], LookupResult], timeout: float, today: dt.date,
                 clock: Callable[[], dt.datetime] | None = None, cwd: Path | None = None,
                 defaults: dict[str, str | None] | None = None,
                 lint: Callable[..., LintOutcome] | None = None,
                 render: Callable[[Report, str], str] | None = None,
                 send: Callable[[Path, str], str] | None = None,
                 status: TextIO | None = None,
                 profiled: Callable[[Report], Policy] | None = None) -> None:
        self.p = prompter
        self.policy = policy
        self.generic_policy = policy  # before the organisation is known
        self.profiled = profiled  # the organisation's profile on top of the generic policy (open_wizard)
        self.lang = lang
        self.store = store
        self.draft = draft
        self.answers = draft.answers
        self.lookup = lookup
        self.timeout = timeout
        self.today = today
        self.clock = clock or utc_now
        self.cwd = cwd or Path.cwd()
        self.defaults = defaults or {}
        self.lint = lint or wizard_lookup.lint_text
        self.render = render or (lambda report, lang: wizard_lookup.render_preview(report, policy=policy, lang=lang,
                                                                                   today=today))
        self.send = send or _no_sender
        self.status = status  # where the spinner goes (stderr on a terminal); None: no spinner
        self.redo: set[str] = set()
        self._bg: BackgroundLookup | None = None
        self._handled: BackgroundLookup | None = None  # the lookup whose result was already shown
        self._gave_up: BackgroundLookup | None = None  # waited --timeout for it; shown if it comes later
        self._heading: str | None = None
        self._in_lookup = False

    # ------------------------------------------------------------------ helpers
    def t(self, msgid: str, /, **params: Any) -> str:
        """A text of the message catalogue (core/i18n.py) in the wizard's language."""
        return say(self.lang, msgid, **params)

    def ctx(self) -> Q.Context:
        return Q.Context(self.lang, self.policy, self.today, self.answers)

    def save(self) -> None:
        self.store.save(self.draft, now=self.clock())

    def answered(self, name: str, step: str) -> bool:
        return name in self.answers and step not in self.redo

    def ask(self, q: Q.Question | str, *, default: Any = None, validate: Callable[[str], str | None] | None = None,
            transform: Callable[[Any], Any] | None = None, remember: bool = True,
            choices: list[Choice] | None = None) -> Any:
        """Ask one question (or return the draft's answer), check it, store it and save the draft."""
        q = Q.get(q) if isinstance(q, str) else q
        if remember and self.answered(q.name, q.step):
            return self.answers[q.name]
        self._poll_lookup()
        if self._heading:
            self.p.say(f"\n── {Q.step_title(self._heading, self.lang)} ──")
            self._heading = None
        if remember and q.name in self.answers:
            default = self.answers[q.name]  # changing a step: the old answer is the default
        message, instruction, ctx = q.say(self.lang), q.instruction(self.lang), self.ctx()

        def check(value: Any) -> str | None:
            return q.error(value, ctx) or (validate(value) if validate and str(value).strip() else None)

        if q.kind == "text":
            value: Any = self.p.text(q.name, message, default=str(default or ""), validate=check,
                                     instruction=instruction).strip()
        elif q.kind == "editor":
            value = self.p.editor(q.name, message, default=str(default or ""), validate=check,
                                  instruction=instruction).strip()
        elif q.kind == "select":
            options = choices or [Choice(o.value, o.say(self.lang)) for o in q.options]
            value = self.p.select(q.name, message, options, default=default)
        elif q.kind == "confirm":
            value = self.p.confirm(q.name, message, default=None if q.statement else bool(default))
        else:  # pragma: no cover - the question data is ours
            raise AssertionError(q.kind)
        if transform is not None:
            value = transform(value)
        if remember:
            self.answers[q.name] = value
            self.draft.step = q.step
            self.save()
        return value

    # ------------------------------------------------------------------ the background lookup
    def _start_lookup(self, target: str) -> None:
        self._bg = BackgroundLookup(self.lookup, target)

    def _poll_lookup(self) -> None:
        """Between questions: show the lookup result as soon as it is there (never waits)."""
        bg = self._bg
        if bg is not None and bg.done.is_set() and self._handled is not bg and not self._in_lookup:
            self._handle(bg, bg.result or LookupResult(bg.target))

    def _await_lookup(self) -> None:
        """Wait for the lookup, at most --timeout, with a spinner on stderr after half a second."""
        bg = self._bg
        if bg is None or self._handled is bg or self._gave_up is bg:
            return
        if not bg.done.wait(min(0.5, self.timeout)):
            deadline = self.timeout - 0.5
            frames, i, waited = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏", 0, 0.0
            label = self.t("wizard.waiting", target=bg.target)
            while waited < deadline and not bg.done.is_set():
                if self.status is not None:
                    self.status.write(f"\r{frames[i % len(frames)]} {label} ({0.5 + waited:.0f} s)")
                    self.status.flush()
                step = min(0.1, deadline - waited)
                bg.done.wait(step)
                waited += step
                i += 1
            if self.status is not None:
                self.status.write("\r" + " " * (len(label) + 12) + "\r")
                self.status.flush()
        if bg.done.is_set():
            self._handle(bg, bg.result or LookupResult(bg.target))
        else:  # go on without it; _poll_lookup still shows it (and stops when out of scope) if it comes
            self._gave_up = bg
            self._show(LookupResult(bg.target, notes=[self.t("wizard.no_answer", timeout=self.timeout)]))

    def _handle(self, bg: BackgroundLookup, result: LookupResult) -> None:
        self._handled = bg
        self._in_lookup = True
        try:
            self._show(result)
            if result.out_of_scope:
                self._out_of_scope(result)
            else:
                self.offer_late_where(result)
        finally:
            self._in_lookup = False

    def _show(self, r: LookupResult) -> None:
        if r.organisation:
            self.answers["_organisation"] = r.organisation
        if r.languages:
            self.answers["_languages"] = list(r.languages)
        notes = list(r.notes)
        lines = []
        if r.checked:
            verdict = self.t(VERDICTS[r.verdict]) if r.verdict in VERDICTS else str(r.verdict)
            lines.append(verdict + (f": {say_reasons(r.reasons, self.lang)}" if r.reasons else ""))
        if r.found_at or r.checked:
            if r.organisation:
                lines.append(self.t("wizard.receiver", who=r.organisation))
            if r.found_at:
                lines.append(self.t("wizard.found_at", url=r.found_at))
            if r.contacts:
                lines.append(self.t("wizard.how", how=", ".join(r.contacts)))
            lines.append(self.t("wizard.key", key=r.key) if r.key else self.t("wizard.no_key"))
            lines.append(self.t("wizard.policy", policy=r.policy_url or self.policy.title(self.lang)))
        if notes or not lines:
            why = "; ".join(said_in(n, self.lang) for n in notes) or "?"
            lines.append(self.t("wizard.unchecked", target=r.target, why=why))
        self.p.say("\n".join("  " + line for line in lines))

    def _out_of_scope(self, result: LookupResult) -> None:
        self.p.say(self.t("wizard.out_of_scope", target=result.target))
        if not self.ask("target_other", default=True, remember=False):
            self.save()
            raise ScopeError(self.t("wizard.stopped_scope", target=result.target, id=self.draft.id))
        self.answers.pop("target", None)
        target = self.ask("target", transform=_normalise_target)
        self._start_lookup(target)
        self._in_lookup = False
        self._await_lookup()

    # ------------------------------------------------------------------ the steps
    def step_target(self) -> None:
        fresh = not self.answered("target", "target")
        old = self.answers.get("target")
        target = self.ask("target", transform=_normalise_target)
        if fresh or self._bg is None or target != old:
            if fresh:
                self.p.say(self.t("wizard.checking", target=target))
            self._start_lookup(target)
        self.settle_where()  # where before what: the channel is settled before the report is written
        self.use_profile()

    def use_profile(self) -> None:
        """Once the target and the channel are settled, the checks that follow (a publication date before
        the answer is due, forbidden techniques in the preview) use the organisation's own profile: its
        directory entry, saved profile and the answer time the where-step found, over the generic policy."""
        if self.profiled is not None:
            self.policy = self.generic_policy  # the report is built on the generic rules, as at the start
            self.policy = self.profiled(self.report())

    # ------------------------------------------------------------------ the end
    def report(self) -> Report:
        preferred = self.answers.get("_languages") or []
        report = apply_where(Q.build_report(self.answers, policy=self.policy,
                                            lang=Q.report_language(self.lang, self.policy, preferred),
                                            organisation_domain=self.answers.get("_organisation")),
                             self.answers.get(WHERE))
        # One id everywhere: the draft's id the reporter has seen is the report's id in the file, the
        # record, the Subject and `status` (submit keeps an id the file gives).
        return report if report.id else replace(report, id=self.draft.id)

    def _preview(self) -> list:
        report = self.report()
        self.p.say(self.t("wizard.preview") + "\n" + self.render(report, report.language or self.lang))
        findings = validate_report(report, policy=self.policy, today=self.today, lang=self.lang)
        shown = [f for f in findings if f.severity != "info" and f.code not in ("anonymous",)]
        if shown:
            self.p.say("\n".join(f.human() for f in shown))
        return findings

    def _save_file(self) -> Path:
        default = f"cvd-report-{self.draft.id}.yaml"  # in the current folder
        target = Path(self.ask("save_path", default=default, validate=self._check_save_path,
                               transform=self._abspath, remember=False))
        data = self.report().to_dict()
        for item in data.get("evidence", []):  # evidence paths are relative to the report file
            item["path"] = os.path.relpath(item["path"], target.parent)
        write_report_file(target, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        self.p.say(self.t("wizard.saved", path=target))
        return target

    def _check_save_path(self, value: str) -> str | None:
        path = self.cwd / Path(value.strip()).expanduser()
        if path.exists():
            return self.t("wizard.path_exists", path=value.strip())
        if not path.parent.is_dir():
            return self.t("wizard.no_folder", path=path.parent)
        return None

    def finish(self) -> Outcome | None:
        """Preview, then send / save / change / stop. None: the user chose to change a step."""
        self.p.say(f"\n── {Q.step_title('finish', self.lang)} ──")
        findings = self._preview()
        errors = any(f.severity == "error" for f in findings)
        q = Q.get("finish_action")
        hold = {"send", "save"} if errors else set() if self.where_sendable() else {"send"}
        options = [Choice(o.value, o.say(self.lang)) for o in q.options if o.value not in hold]
        if errors:
            self.p.say(self.t("wizard.has_errors"))
        elif hold:
            self.p.say(self.t("where.by_hand"))
        action = self.ask(q, default=options[0].value, remember=False, choices=options)
        if action == "change":
            self.redo = {self.ask("change_step", default="vulnerability", remember=False)}
            return None
        if action == "stop":
            self.save()
            self.p.say(self.kept_hint or self.t("wizard.kept", id=self.draft.id))
            return Outcome("draft", self.draft.id)
        path = self._save_file()
        self.store.remove(self.draft.id)  # the report file holds it now
        if action == "send":
            return Outcome("sent", self.draft.id, path, send_saved(self.send, path, self.lang))
        self.p.say(self.t("wizard.next", path=path))
        return Outcome("saved", self.draft.id, path)

    def run(self) -> Outcome:
        try:
            if self.answers.get("target"):
                self.p.say(self.t("wizard.resuming", id=self.draft.id, summary=self.draft.summary))
                self._start_lookup(str(self.answers["target"]))
            while True:
                for step in Q.STEPS:
                    self._heading = step
                    getattr(self, f"step_{step}")()
                self.redo = set()
                outcome = self.finish()
                if outcome is not None:
                    return outcome
        except StopKeepDraft:  # the reporter chose to stop; the draft is saved and they were told how to resume
            return Outcome("draft", self.draft.id)
        except (KeyboardInterrupt, EOFError):
            if not self.answers:  # nothing typed yet: no empty draft to clutter the resume list
                raise Interrupted(self.t("wizard.interrupted_empty")) from None
            self.save()
            raise Interrupted(self.kept_hint or self.t("wizard.interrupted", id=self.draft.id)) from None


def choose_draft(prompter: Prompter, store: DraftStore, lang: str) -> Draft | None:
    """`new` without --resume: offer the unfinished drafts, newest first; None means start anew."""
    drafts = store.list_unfinished()
    if not drafts:
        return None
    new = say(lang, "wizard.resume_new")
    choices = [Choice(d.id, f"{d.id}  {d.summary}  ({d.updated[:16].replace('T', ' ')})") for d in drafts[:10]]
    picked = prompter.select("resume_draft", say(lang, "wizard.resume_q"), [*choices, Choice("new", new)],
                             default=drafts[0].id)
    return None if picked == "new" else store.load(picked)


def open_wizard(ctx: Context, *, lang: str, prompter: Prompter, policy_name: str | None = None,
                resume_id: str | None = None, status: TextIO | None = None, practice: bool = False) -> Wizard:
    """Wire a Wizard to the real world: the context's settings and clock, the draft store, the policy
    and wizard_lookup. The wizard runs for minutes, so it reads the clock at each step, not once."""

    settings = ctx.settings
    policy = load_policy(policy_name or settings.policy)
    store = DraftStore(ctx.home)
    draft = store.load(resume_id) if resume_id else choose_draft(prompter, store, lang)
    if draft is None:
        draft = store.new(lang=lang, now=ctx.clock())

    def lookup(target: str) -> LookupResult:
        parsed = Q.parse_target(target)
        return wl.lookup_target(parsed[1] if parsed else target, ctx, policy=policy, now=ctx.clock())

    def today() -> dt.date:
        return ctx.clock().astimezone().date()  # the user's calendar day

    def _profiled(report: Report) -> Policy:
        """The preview reads as submit will send it: the organisation's own profile (its promised answer
        time, in its words) on top of the generic policy, once the report names the organisation."""
        try:
            return organisation_policy(report, policy_name=policy_name, default=settings.policy,
                                       settings=settings, home=ctx.home)
        except CvdError:  # a broken saved profile: submit will say so; the preview keeps the generic text
            return policy

    wizard = Wizard(
        prompter=prompter, policy=policy, lang=lang, store=store, draft=draft, lookup=lookup,
        timeout=settings.timeout, today=today(), clock=ctx.clock, cwd=Path.cwd(),
        defaults={"reporter_name": settings.reporter_name, "reporter_email": settings.reporter_email,
                  "reporter_phone": settings.reporter_phone, "reporter_pgp_key": settings.reporter_pgp_key},
        lint=wl.lint_text,
        render=lambda report, rlang: wl.render_preview(report, policy=_profiled(report), lang=rlang, today=today()),
        send=partial(_send, wl, ctx, prompter, practice), status=status, profiled=_profiled)
    wizard.find_in_directory, wizard.owners = wl.directory_search(ctx)
    return wizard


def _send(wl: Any, ctx: Context, prompter: Prompter, practice: bool, path: Path, lang: str) -> str:
    def confirm(plan: str) -> bool:
        question = say(lang, "wizard.send_q")
        return prompter.confirm("send_confirm", f"{plan}\n{question}", default=False)

    def choose(choices: list[str], why: str) -> str:  # no usable key: the reporter picks the way on
        from cvd_reporter.app.first_contact import CHOICE_TEXT  # noqa: PLC0415 - only without a key

        return prompter.select("no_key_way", f"{why}\n{say(lang, 'first_contact.pick')}",
                               [Choice(c, say(lang, CHOICE_TEXT[c])) for c in choices], default=choices[0])

    def ask(question: str) -> bool:
        return prompter.confirm("no_key_confirm", question, default=False)

    return wl.send_report(path, ctx, lang=lang, confirm=confirm, progress=prompter.say, practice=practice,
                          choose=choose, ask=ask)
