"""`cvd-reporter scope TARGET...`: in scope, out of scope or unknown per target, with reasons (issue 5).

The logic is in core/scope.py (normalise, decide), app/scoping.py (the evidence: DNS, security.txt) and
net/resolve.py (the bounded pool); this module reads targets (arguments, ``-`` for stdin, streamed),
runs them through the pool and writes one result per target as soon as it is ready. Only click is
imported at start-up (``--help`` stays fast).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import click

from cvd_reporter.app import scoping
from cvd_reporter.app.profiles import builtin_names, load_policy
from cvd_reporter.app.scoping import load_policy_scope, make_checker, securitytxt_lookup
from cvd_reporter.cli.app import AppContext, Result, cvd_command, global_options
from cvd_reporter.core.display import json_safe, printable
from cvd_reporter.core.i18n import N_, said_in, say
from cvd_reporter.core.scope import say_reason
from cvd_reporter.core.scope_file import PolicyScope
from cvd_reporter.core.target import display_target
from cvd_reporter.errors import (
    EXIT_OK,
    EXIT_SCOPE,
    EXIT_VALIDATION,
    CvdError,
    InputFileError,
    UsageError,
    ValidationError,
)
from cvd_reporter.net.resolve import map_bounded

MAX_LINE_BYTES = 64 * 1024  # a longer stdin line is reported as an error, never held in memory
Item = tuple[dict[str, int], str, "str | None"]  # (where, text, problem found while reading)


@click.command(name="scope")
@click.argument("targets", nargs=-1, required=True, metavar="TARGET...")
@click.option("--policy", "policy_path", metavar="FILE|NAME",
              help="YAML/JSON file with a 'scope' section (include/exclude domains and networks), or a "
                   "built-in policy profile [default: the configured profile's scope, if it has one].")
@click.option("--strict", is_flag=True, help="Count 'unknown' as out of scope (exit 4).")
@click.option("--json-lines", is_flag=True, help="Print one JSON object per target, as each is decided.")
@click.option("--no-securitytxt", is_flag=True, help="Do not look for security.txt files (no HTTPS requests).")
@click.option("--jobs", type=click.IntRange(1, 256), default=32, show_default=True,
              help="Targets checked at once.")
@global_options
@cvd_command
def scope(app: AppContext, targets: tuple[str, ...], policy_path: str | None, strict: bool, json_lines: bool,
          no_securitytxt: bool, jobs: int) -> Result:
    """Is each TARGET (URL, host name or IP address) in the organisation's scope?

    Prints in_scope, out_of_scope or unknown per target with the reasons. TARGET '-' reads one target
    a line from stdin. Exit 0 when all are in scope, 4 when any is out of scope (with --strict also
    unknown), 3 when a target cannot be read at all.
    """
    if json_lines and app.json:
        raise UsageError("Use --json (one document at the end) or --json-lines (one object per target), not both.")

    policy = _load_policy(app, policy_path)
    lookup = None if no_securitytxt else _securitytxt_lookup(app)
    check = _records(policy, app.context.network.host_resolver(), lookup, app.lang)
    tally, collected, progress = _Tally(strict, app.lang), [], _Progress(enabled=app.terminal.stderr)
    for record in map_bounded(check, _read_targets(targets), workers=jobs):
        tally.add(record)
        if app.json:
            collected.append(record)
        else:
            progress.clear()
            click.echo(json_safe(json.dumps(record, ensure_ascii=False)) if json_lines
                       else printable(_human(record, app.lang)))
        progress.show(tally)
    progress.clear()
    if not app.json:
        app.info(tally.text())
    data = {"policy": policy.to_dict() if policy else None, "results": collected if app.json else None,
            "summary": tally.summary()}
    return Result(data=data, exit_code=tally.exit_code, errors=tally.errors())


# ------------------------------------------------------------------------------------ input
def _read_targets(args: Iterable[str]) -> Iterator[Item]:
    """Arguments in order; ``-`` expands to stdin, read line by line (streamed, bounded per line).
    Empty lines and lines starting with '#' are skipped."""
    for pos, arg in enumerate(args, 1):
        if arg != "-":
            yield {"arg": pos}, arg, None
            continue
        stream: BinaryIO = sys.stdin.buffer  # bytes: a bad line must not stop the batch
        number = 0
        while True:
            raw = stream.readline(MAX_LINE_BYTES + 1)
            if not raw:
                break
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while True:  # skip the rest of the over-long line without keeping it
                    more = stream.readline(MAX_LINE_BYTES)
                    if not more or more.endswith(b"\n"):
                        break
                yield {"line": number}, raw[:200].decode("utf-8", "replace"), \
                    f"The line is longer than {MAX_LINE_BYTES // 1024} KiB; a target is a URL, host name or IP address."
                continue
            try:
                text = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                yield {"line": number}, raw[:200].decode("utf-8", "replace"), "The line is not UTF-8 text."
                continue
            if text and not text.startswith("#"):
                yield {"line": number}, text, None


def _load_policy(app: AppContext, given: str | None):  # -> PolicyScope | None
    """``--policy FILE`` (a file with a top-level ``scope`` key, e.g. a policy profile) or the name of a
    built-in profile; without the option, the configured profile's scope when it has one."""

    name = given or app.settings.policy
    if not name:
        return None
    if name in builtin_names():  # the same order as `validate --policy`: built-in names first
        profile = load_policy(name)
        return PolicyScope.from_dict(profile.scope, source=profile.source) if profile.scope else None
    path = Path(name).expanduser()
    if path.is_file():
        return load_policy_scope(path, required=given is not None)
    if given is None:
        return None  # a configured profile that is gone is the validate command's concern
    raise InputFileError(f"The policy file {name} does not exist (built-in profiles: {', '.join(builtin_names())}).")


# ------------------------------------------------------------------------------------ one target
def _records(policy: Any, resolve: Callable[[str], Any], securitytxt: Callable[[Any], Any] | None,
             lang: str = "en") -> Callable[[Item], dict[str, Any]]:
    """``Item -> output record``: scoping's checker, with a bad target as a record, not an exception."""
    check = make_checker(policy, resolve, securitytxt)

    def record(item: Item) -> dict[str, Any]:
        where, text, problem = item
        try:
            if problem:
                raise ValidationError(problem)
            verdict = check(text)
        except CvdError as e:  # one bad target is a result, never the end of the batch
            return {**where, "target": display_target(text, 200), "verdict": None, "error": e.to_dict(lang)}
        return {**where, **verdict.to_dict()}

    return record


def securitytxt_evidence(host: str, fetcher: Any, *, now: Any):  # -> SecurityTxtEvidence | None
    """The adapter from issue 3's Discovery to the scope rule's evidence (in cvd_reporter.app.scoping,
    shared with submit and the wizard): None when the discovery module is missing or finds nothing."""
    return scoping.securitytxt_evidence(host, fetcher, now=now)


def _securitytxt_lookup(app: AppContext) -> Callable[[Any], Any]:
    ctx = app.context
    return securitytxt_lookup(ctx.network.fetcher(), ctx.clock())


# ------------------------------------------------------------------------------------ output
def _human(rec: dict[str, Any], lang: str = "en") -> str:
    if rec.get("error"):
        return f"{say(lang, 'scope.verdict.error'):<13} {rec['target']}: {rec['error']['message']}"
    verdict = rec["verdict"]
    label = say(lang, f"scope.verdict.{verdict}")  # an id built at run time: never extracted as "scope.verdict."
    head = f"{label:<13} {rec['target']}"
    if rec["host"] != rec["target"]:
        head += f"  ({rec['host']})"
    lines = [head] + [f"    {say_reason(reason, lang)}" for reason in rec["reasons"]]
    res = rec.get("resolution")
    if res and (res["addresses"] or res["cname_chain"]):
        chain = " -> ".join([res["name"], *res["cname_chain"]])
        lines.append(f"    DNS: {chain}: {', '.join(res['addresses']) or res['status']}")
    # people read the severity in words and the message; the code stays in --json
    for n in rec["notes"]:
        severity = say(lang, f"finding.severity.{n['severity']}")
        lines.append(f"    {severity}: {said_in(n['message'], lang)}")
    return "\n".join(lines)


class _Tally:
    def __init__(self, strict: bool, lang: str = "en") -> None:
        self.strict = strict
        self.lang = lang
        self.counts = {"in_scope": 0, "out_of_scope": 0, "unknown": 0, "errors": 0}

    def add(self, rec: dict[str, Any]) -> None:
        self.counts["errors" if rec.get("error") else rec["verdict"]] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def out(self) -> int:
        return self.counts["out_of_scope"] + (self.counts["unknown"] if self.strict else 0)

    @property
    def exit_code(self) -> int:
        return EXIT_SCOPE if self.out else (EXIT_VALIDATION if self.counts["errors"] else EXIT_OK)

    def summary(self) -> dict[str, Any]:
        return {"targets": self.total, **self.counts, "strict": self.strict}

    def text(self) -> str:
        c = self.counts
        key = N_("scope.summary_one") if self.total == 1 else N_("scope.summary")
        return say(self.lang, key, n=self.total, in_scope=c["in_scope"], out=c["out_of_scope"],
                   unknown=c["unknown"], errors=c["errors"])

    def errors(self) -> list[dict[str, str]]:
        out = []
        if self.out:
            key = N_("scope.out_strict") if self.strict else N_("scope.out")
            out.append({"code": "out_of_scope", "message": say(self.lang, key, n=self.out, total=self.total)})
        if self.counts["errors"]:
            out.append({"code": "validation", "message": say(self.lang, "scope.unreadable", n=self.counts["errors"],
                                                             total=self.total)})
        return out


class _Progress:
    """A one-line counter on stderr, only on a terminal, redrawn at most ten times a second."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.drawn = False
        self.last = 0.0

    def show(self, tally: _Tally) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.last < 0.1:
            return
        self.last = now
        c = tally.counts
        sys.stderr.write(f"\r{tally.total} checked: {c['in_scope']} in, {c['out_of_scope']} out, "
                         f"{c['unknown']} unknown, {c['errors']} unreadable")
        sys.stderr.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
            self.drawn = False
