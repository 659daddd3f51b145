"""The wizard's input steps (issue 17): reporter, vulnerability, evidence, conduct, disclosure.

What the reporter types is checked where it is typed: an IP address or URL with an example of the
right form, a reporter key that the organisation could not encrypt to, personal data in evidence
(shown in full, with what to redact, and a redacted copy offered), answers that contradict an
attested rule, and a publication date before the organisation's answer is due. A rule that is not
confirmed is explained and can be answered again, or the draft kept; the wizard no longer ends there.

A mixin of :class:`cvd_reporter.cli.wizard.Wizard`: the flow (target, look-up, finish) lives there.
The pure checks are in :mod:`cvd_reporter.core.answer_checks`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cvd_reporter.app.scoping import as_policy_scope
from cvd_reporter.cli.prompter import Choice, Prompter
from cvd_reporter.core import answer_checks, cvss_builder
from cvd_reporter.core import questions as Q
from cvd_reporter.core.i18n import N_
from cvd_reporter.core.lint.detectors import DETECTORS
from cvd_reporter.core.messages import make
from cvd_reporter.core.policy import Policy
from cvd_reporter.core.validate import cvss_score
from cvd_reporter.errors import CvdError, StoreError
from cvd_reporter.store.drafts import Draft, write_report_file

MAX_KEY_BYTES = 1024 * 1024
# Kinds of lint hit that are secrets rather than personal data: the advice differs.
_SECRETS = frozenset({"private_key", "jwt", "aws_key", "github_token", "slack_token", "google_api_key",
                      "bearer_token", "password", "secret", "session_cookie"})


class StopKeepDraft(Exception):
    """The reporter chose to stop and keep the draft (a rule they cannot confirm, a contradiction)."""


class InputSteps:
    """The steps that ask what the reporter knows; see the module docstring."""

    p: Prompter
    policy: Policy
    lang: str
    draft: Draft
    answers: dict[str, Any]
    today: dt.date
    cwd: Path
    defaults: dict[str, str | None]
    clock: Callable[[], dt.datetime]
    lint: Callable[..., Any]
    ask: Callable[..., Any]
    t: Callable[..., str]
    save: Callable[[], None]
    answered: Callable[[str, str], bool]
    report: Callable[[], Any]
    _await_lookup: Callable[[], None]

    # ------------------------------------------------------------------ 2. reporter
    def step_reporter(self) -> None:
        d = self.defaults
        while True:
            self.ask("reporter_name", default=d.get("reporter_name"))
            email = self.ask("reporter_email", default=d.get("reporter_email"))
            phone = self.ask("reporter_phone", default=d.get("reporter_phone"))
            if email or phone:
                self.answers.pop("reporter_anonymous", None)
                break
            if self.ask("reporter_anonymous", default=False):
                self.p.say(make("anonymous", "warning", self.lang).message)
                break
            for name in ("reporter_email", "reporter_phone", "reporter_anonymous"):
                self.answers.pop(name, None)  # ask for a contact again
        if not self.answers.get("reporter_anonymous"):
            self.ask("reporter_pgp_key", default=d.get("reporter_pgp_key"), validate=self._check_key,
                     transform=self._abspath)
        self._await_lookup()

    # ------------------------------------------------------------------ 3. vulnerability
    def step_vulnerability(self) -> None:
        self.ask("title")
        if self.ask("cwe") == "other":
            self.ask("cwe_other", transform=lambda v: Q.cwe.normalise_cwe(v) or v)
        mode = self.ask("cvss_mode", default="none")
        if mode == "vector":
            self.ask("cvss_vector")
        elif mode == "build":
            old = cvss_builder.parse_vector(str(self.answers.get("cvss_vector") or ""))
            for m in cvss_builder.METRICS:
                self.ask(f"cvss.{m.key}", default=old.get(m.key))
            self._say_cvss()
        scope = self._scope_choices()
        if scope:
            self.ask("scope_pick", default=scope[0].value, choices=scope)
        self.ask("product")
        self.ask("version")
        self.ask("description")
        self.ask("steps")
        self.ask("impact")
        self.ask("remediation")

    def _scope_choices(self) -> list[Choice]:
        """The policy's scope list (applications by name, else domains and networks), plus "not listed"."""
        try:
            scope = as_policy_scope(self.policy.scope)
        except CvdError:
            return []
        if scope is None or not scope.include:
            return []
        seen: dict[str, None] = {}
        for rule in scope.include:
            seen.setdefault(rule.application or rule.describe(), None)
        return [*(Choice(v, v) for v in seen), Choice("other", self.t("question.scope_pick.other"))]

    def _say_cvss(self) -> None:
        vector = self.report().vulnerability.cvss
        scored = cvss_score(vector) if vector else None
        if vector and scored:
            self.p.say(self.t("wizard.cvss_built", vector=vector, score=scored[0], severity=scored[1]))

    # ------------------------------------------------------------------ 4. evidence
    def step_evidence(self) -> None:
        for i in range(Q.MAX_EVIDENCE):
            path_q, desc_q, _ = Q.evidence_questions(i)
            fresh = not self.answered(path_q.name, "evidence")
            path = self.ask(path_q, validate=self._check_evidence, transform=self._abspath)
            if not path:  # the list ends here: forget files after it (left over from changing this step)
                for key in [k for k in self.answers if k.startswith("evidence[") and k != path_q.name]:
                    if int(key[9:key.index("]")]) >= i:
                        del self.answers[key]
                self.save()
                return
            self.ask(desc_q)
            if fresh:
                self._lint_evidence(i, Path(path))

    def _lint_evidence(self, i: int, path: Path) -> None:
        _, _, redact_q = Q.evidence_questions(i)
        self.answers.pop(f"evidence[{i}].file", None)
        raw = path.read_bytes()
        try:
            text = None if b"\x00" in raw[:65536] else raw.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None:
            self.p.say(self.t("wizard.lint_binary", path=path))
            return
        own_emails = [e for e in [self.answers.get("reporter_email")] if e]
        own_phones = [p for p in [self.answers.get("reporter_phone")] if p]
        outcome = self.lint(text, own_emails=own_emails, own_phones=own_phones, path=str(path), lang=self.lang)
        if not outcome.findings:
            self.p.say(self.t("wizard.lint_clean", path=path))
            return
        lines = [self.t("check.lint.heading", path=path.name, n=len(outcome.findings)),
                 *("  " + self._lint_line(f) for f in outcome.findings), self.t("check.lint.advice")]
        self.p.say("\n".join(lines))
        if outcome.redacted is not None and self.ask(redact_q, default=True):
            copy = path.with_name(f"{path.stem}.redacted{path.suffix}")
            try:  # next to the original, 0600; the original stays as it is
                write_report_file(copy, outcome.redacted, overwrite=True)
            except StoreError as e:
                self.p.say(self.t("wizard.redact_failed", why=e.message))
                return
            self.answers[f"evidence[{i}].file"] = str(copy)
            self.save()
            self.p.say(self.t("wizard.redacted", path=copy))

    def _lint_line(self, finding: Any) -> str:
        """One hit in people's words: where, what it looks like, and what to do (no internal code)."""
        kind = finding.extra.get("detector", "")
        label = DETECTORS[kind].label(self.lang) if kind in DETECTORS else finding.message
        what = N_("check.lint.secret") if kind in _SECRETS else N_("check.lint.personal")
        return self.t(what, line=finding.line or "?", label=label, preview=finding.extra.get("preview", ""))

    # ------------------------------------------------------------------ 5. conduct
    def step_conduct(self) -> None:
        fresh = not self.answered("discovered", "conduct")
        day = self.ask("discovered", default=self.today.isoformat(),
                       transform=lambda v: (Q.parse_date(v) or self.today).isoformat())
        found, limit = Q.parse_date(day), self.policy.report_within_days
        if fresh and found and limit is not None and (self.today - found).days > limit:  # as validate warns
            self.p.say(make("discovered_stale", "warning", self.lang, days=(self.today - found).days).message)
        for name in ("source_ips", "tools", "data_accessed", "data_downloaded"):
            self.ask(name)
        for att in self.policy.attestations:
            self._attest(att)

    def _attest(self, att: Any) -> None:
        """One rule: confirmed deliberately (no default); a "no" is explained and can be answered again;
        a "yes" that an earlier answer contradicts is shown, to change that answer or keep both."""
        q = Q.attestation_question(att)
        while True:
            if self.ask(q):
                conflict = answer_checks.rule_conflict(att.id, self.answers)
                field = "data_accessed" if att.id == "no-data-abuse" else "data_downloaded"
                if conflict is None or self.answers.get(f"_conflict_ok.{att.id}") == self.answers.get(field):
                    return
                self.p.say(self.t(conflict[0], rule=att.say(self.lang), **conflict[1]))
                action = self.ask("conflict_action", default="change", remember=False)
                if action == "own":  # the data was the reporter's own (or test data): both stand
                    self.answers[f"_conflict_ok.{att.id}"] = self.answers.get(field)
                    self.save()
                    return
                del self.answers[q.name]
                if action == "stop":
                    self._stop()
                self.answers.pop(field, None)
                self.ask(field)
                continue
            del self.answers[q.name]  # a refused rule is asked again, also when the draft is resumed
            self.save()
            self.p.say(self.t("check.rule.refused", rule=att.say(self.lang), why=att.explain(self.lang)))
            if self.ask("rule_refused_action", default="again", remember=False) == "stop":
                self._stop()

    def _stop(self) -> None:
        self.save()
        self.p.say(self.t("wizard.kept", id=self.draft.id))
        raise StopKeepDraft

    # ------------------------------------------------------------------ 6. disclosure
    def step_disclosure(self) -> None:
        self.ask("shared_with")
        intent = self.ask("disclosure_intent", default="after-fix")
        if intent != "none" and self.policy.notify_before_publication and not self.answered("disclosure_date",
                                                                                              "disclosure"):
            self.p.say(self.t("wizard.notify"))
        if intent == "date":
            due = answer_checks.response_due(self.policy, self.today)
            self.p.say(self.t("check.publication.due", due=due.isoformat()))
            self.ask("disclosure_date", transform=lambda v: (Q.parse_date(v) or self.today).isoformat())
        if self.answers.get("reporter_anonymous"):
            self.answers["credit"] = "none"
            return
        self.ask("credit", default="name" if self.answers.get("reporter_name") else "none")
        for i in range(Q.MAX_CREDITS):
            name_q, how_q = Q.credit_questions(i)
            if not self.ask(name_q):
                for key in [k for k in self.answers if k.startswith("credits[")]:
                    if int(key[8:key.index("]")]) >= i:
                        del self.answers[key]
                self.save()
                return
            self.ask(how_q, default="name")

    # ------------------------------------------------------------------ checks at the edge (files)
    def _abspath(self, value: Any) -> str:
        text = str(value or "").strip()
        return str((self.cwd / Path(text).expanduser()).resolve()) if text else ""

    def _file_problem(self, value: str) -> tuple[Path, str | None]:
        path = (self.cwd / Path(value.strip()).expanduser())
        if not path.is_file():
            return path, self.t("wizard.file_missing", path=value.strip())
        if path.stat().st_size > Q.MAX_EVIDENCE_BYTES:
            return path, self.t("wizard.file_big", path=value.strip(), mb=Q.MAX_EVIDENCE_BYTES // 1048576)
        return path, None

    def _check_evidence(self, value: str) -> str | None:
        return self._file_problem(value)[1]

    def _check_key(self, value: str) -> str | None:
        """A public key the organisation can encrypt its answer to: not a secret key, and not sign-only."""
        path, problem = self._file_problem(value)
        if problem:
            return problem
        head = path.read_bytes()[:MAX_KEY_BYTES]
        if b"PRIVATE KEY BLOCK" in head:
            return self.t("wizard.secret_key", path=value.strip())
        if b"BEGIN PGP PUBLIC KEY BLOCK" not in head and not (head[:1] and head[0] & 0x80):
            return self.t("wizard.not_a_key", path=value.strip())
        judged = answer_checks.reporter_key_problem(head, self.clock())
        return self.t(judged[0], path=value.strip(), **judged[1]) if judged else None
