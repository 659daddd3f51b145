"""The ``--json`` envelope of every command, the contract scripts rely on (cvd_reporter/cli/app.py).

Each command runs through the real command line twice: once where it succeeds and once where it
fails (a usage error or a refusal), with inputs that need no network or with the loopback servers of
tests/servers/. Both times stdout must be exactly one JSON document of this shape::

    {"cvd_reporter": 1, "command": "securitytxt check", "status": "ok" | "error", "exit_code": 0,
     "data": {...}, "findings": [{"code", "severity", "message", ...}], "errors": [{"code", "message"}]}

The commands are read from the click root, so a new command without both cases fails this file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shlex
import sys
from collections.abc import Callable
from typing import Any

import click
import pexpect
import pytest
import yaml

from cvd_reporter.cli.app import cli as root
from cvd_reporter.core.model import ATTESTATIONS
from cvd_reporter.store.drafts import DraftStore
from cvd_reporter.store.record import Record
from tests.support.cli import CliOutcome
from tests.support.municipality import env_for, serve, write_report
from tests.support.paths import DATA
from tests.support.record import add, deliver
from tests.support.report import GOOD
from tests.support.securitytxt import live_body
from tests.support.terminal import ANSI, DOWN, ENTER, wizard_env

KEYS = {"cvd_reporter", "command", "status", "exit_code", "data", "findings", "errors"}
SEVERITIES = {"error", "warning", "info"}
TARGET = "https://www.gemeente.test/zoeken"
PAGES = DATA / "policy-pages" / "pages"


def leaf_commands(group: click.Group = root, prefix: str = "", ctx: click.Context | None = None) -> list[str]:
    """Every command a user can run, as the envelope names it ("securitytxt check", "status")."""
    ctx = ctx or click.Context(group, info_name="cvd-reporter")
    names = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        path = f"{prefix} {name}".strip()
        if isinstance(command, click.Group):
            names += leaf_commands(command, path, click.Context(command, info_name=name, parent=ctx))
        else:
            names.append(path)
    return names


class World:
    """The fixtures a case asks for, made only when it asks (the servers and keys cost time)."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request

    def __getattr__(self, name: str) -> Any:
        return self._request.getfixturevalue(name)

    def json(self, *args: str, env: dict[str, str] | None = None) -> CliOutcome:
        return self.cli("--json", *args, env=env)

    def municipality_env(self, *, smtp: bool = False) -> dict[str, str]:
        """The municipality on loopback: security.txt and key served, DNS zone, SMTP when asked."""
        serve(self.https, self.municipality.key)
        return env_for(self.https, self.pki, self.zone, self.smtp if smtp else None)

    def sent(self) -> tuple[dict[str, str], str, CliOutcome]:
        """A report submitted by e-mail to the municipality: (environment, report id, submit's outcome)."""
        env = self.municipality_env(smtp=True)
        out = self.json("submit", str(write_report(self.tmp_path)), "--yes", env=env)
        assert out.exit_code == 0, out.stdout + out.stderr
        return env, out.json["data"]["report_id"], out

    def recorded(self) -> str:
        """A report in the record of the isolated home, sent by e-mail (no network needed)."""
        with Record.open(self.isolated_env) as rec:
            add(rec, "R-1")
            deliver(rec, "R-1")
        return "R-1"

    def file(self, name: str, content: str | bytes) -> str:
        path = self.tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return str(path)


def _new_in_a_terminal(w: World) -> CliOutcome:
    """`new` needs a terminal: resume a nearly finished draft in a real pty, stdout to a file."""
    home = w.isolated_env
    store = DraftStore(home)
    draft = store.new(lang="en", now=dt.datetime.now(dt.timezone.utc))
    draft.answers.update({
        "target": "https://www.gemeente.invalid/zoeken", "reporter_name": "Alice",
        "reporter_email": "alice@example.org", "reporter_phone": "", "reporter_pgp_key": "",
        "title": "Reflected XSS in the search page", "cwe": "CWE-79", "cvss_mode": "none",
        "product": "", "version": "", "description": "The q parameter is echoed without escaping.",
        "steps": "1. Open /zoeken?q=<script>alert(1)</script>", "impact": "", "remediation": "",
        "evidence[0].path": "", "discovered": dt.date.today().isoformat(), "source_ips": "", "tools": "",
        "data_accessed": "", "data_downloaded": "", **{f"attest.{a}": True for a in ATTESTATIONS},
        "shared_with": "", "disclosure_intent": "after-fix", "credit": "name",
        "credits[0].name": "",
        "_where": {"contact": [], "later": True}})  # where it goes: left for submit to find
    store.save(draft)
    out_file = w.tmp_path / "out.json"
    command = (f"exec {shlex.quote(sys.executable)} -m cvd_reporter --json new --resume {draft.id} --lang en "
               f"> {shlex.quote(str(out_file))}")
    child = pexpect.spawn("/bin/sh", ["-c", command], cwd=str(w.tmp_path), env=wizard_env(home),
                          dimensions=(40, 120), encoding="utf-8", timeout=20)
    child.logfile_read = io.StringIO()
    try:
        for question, keys in (("What do you want to do now?", DOWN + ENTER), ("Save as", ENTER)):
            try:
                child.expect(re.escape(question))
            except pexpect.TIMEOUT:
                raise AssertionError(ANSI.sub("", child.logfile_read.getvalue())[-2000:]) from None
            child.send(keys)
        child.expect(pexpect.EOF)
        child.close()
    finally:
        child.terminate(force=True)
    return CliOutcome(child.exitstatus, out_file.read_text(encoding="utf-8"), child.logfile_read.getvalue())


def _outbox_send(w: World) -> CliOutcome:
    env = w.municipality_env()  # no SMTP configured: submit queues the encrypted message
    queued = w.json("submit", str(write_report(w.tmp_path)), "--yes", env=env)
    assert queued.json["data"]["status"] == "queued", queued.stdout
    return w.json("outbox", "send", env=env_for(w.https, w.pki, w.zone, w.smtp))


def _key_fetched(w: World) -> dict[str, str]:
    env = w.municipality_env()
    assert w.json("key", "fetch", TARGET, env=env).exit_code == 0
    return env


def _follow_up(w: World) -> CliOutcome:
    env, rid, _ = w.sent()
    return w.json("follow-up", rid, "--message", "Did it arrive?", "--yes", env=env)


def _notify_publication(w: World) -> CliOutcome:
    env, rid, _ = w.sent()
    assert w.json("mark", rid, "fixed", env=env).exit_code == 0
    return w.json("notify-publication", rid, "--date", "2030-06-01", "--yes", env=env)


def _escalate(w: World) -> CliOutcome:
    """Escalated at once (--force) to an address whose key is discovered like an organisation's."""
    env, rid, _ = w.sent()
    return w.json("escalate", rid, "--to", "security@gemeente.test", "--force", "--yes", env=env)


def _policy(w: World) -> str:
    return w.file("policy.yaml", "scope:\n  include:\n    networks: [192.0.2.0/24]\n")


Case = Callable[[World], CliOutcome]
# command -> (a run that succeeds, a run that fails). Every command of the click root needs both.
CASES: dict[str, tuple[Case, Case]] = {
    "new": (_new_in_a_terminal,
            lambda w: w.json("new")),  # no terminal: input needed (8)
    "practice": (lambda w: w.json("practice", "--auto", "--lang", "en"),
                 lambda w: w.json("practice")),  # no terminal and no --auto (8)
    "submit": (lambda w: w.sent()[2],
               lambda w: w.json("submit", str(write_report(w.tmp_path, reporter={"name": "Alex"})), "--yes")),
    "outbox list": (lambda w: w.json("outbox", "list"),
                    lambda w: w.json("outbox", "list", "extra")),
    "outbox send": (_outbox_send,
                    lambda w: w.json("outbox", "send", "no-such-entry")),
    "validate": (lambda w: w.json("validate", w.file("report.json", json.dumps(GOOD))),
                 lambda w: w.json("validate", w.file("report.yaml", yaml.safe_dump({"schema": "cvd-report/1"})))),
    "lint": (lambda w: w.json("lint", w.file("notes.txt", "The search page echoes its input.\n")),
             lambda w: w.json("lint")),  # no file given (2)
    "schema": (lambda w: w.json("schema"),
               lambda w: w.json("schema", "extra")),
    "discover": (lambda w: w.json("discover", TARGET, env=w.municipality_env()),
                 lambda w: w.json("discover", TARGET, env=env_for(w.https, w.pki, w.zone))),  # nothing served (5)
    "securitytxt check": (lambda w: w.json("securitytxt", "check", w.file("security.txt", live_body())),
                          lambda w: w.json("securitytxt", "check", w.file("security.txt", "Contact: nope\n"))),
    "scope": (lambda w: w.json("scope", "192.0.2.7", "--policy", _policy(w), "--no-securitytxt"),
              lambda w: w.json("scope", "198.51.100.7", "--policy", _policy(w), "--no-securitytxt")),
    "key fetch": (lambda w: w.json("key", "fetch", TARGET, env=w.municipality_env()),
                  lambda w: w.json("key", "fetch", TARGET, env=env_for(w.https, w.pki, w.zone))),
    "key forget": (lambda w: w.json("key", "forget", w.municipality.fpr, env=_key_fetched(w)),
                   lambda w: w.json("key", "forget")),  # nothing named (2)
    "key list": (lambda w: w.json("key", "list", env=_key_fetched(w)),
                 lambda w: w.json("key", "list", "extra")),
    "key show": (lambda w: w.json("key", "show", w.municipality.fpr, env=_key_fetched(w)),
                 lambda w: w.json("key", "show", "0123456789ABCDEF")),  # nothing pinned (5)
    "key import": (lambda w: w.json("key", "import", w.file("theirs.asc", w.municipality.key), "--for", w.recorded(),
                                    "--yes"),
                   lambda w: w.json("key", "import", w.file("theirs.asc", w.municipality.key), "--for", "R-404")),
    "status": (lambda w: w.json("status", w.recorded()),
               lambda w: w.json("status", "R-404")),
    "mark": (lambda w: w.json("mark", w.recorded(), "acknowledged"),
             lambda w: w.json("mark", "R-404", "fixed")),
    "follow-up": (_follow_up,
                  lambda w: w.json("follow-up", "R-404")),
    "notify-publication": (_notify_publication,
                           lambda w: w.json("notify-publication", w.recorded())),  # --date missing (2)
    "escalate": (_escalate,
                 lambda w: w.json("escalate", w.recorded(), "--to", "ibd", "--yes")),  # not overdue yet (3)
    "purge": (lambda w: w.json("purge", w.recorded(), "--yes"),
              lambda w: w.json("purge", "R-404", "--yes")),
    "export": (lambda w: w.json("export", w.recorded()),
               lambda w: w.json("export", "R-404")),
    "policy read": (lambda w: w.json("policy", "read", str(PAGES / "01-nl-email-only.txt")),
                    lambda w: w.json("policy", "read", str(PAGES / "07-all-navigation.html"))),  # no contact (5)
    "policy profile": (lambda w: w.json("policy", "profile", "Westervoort"),
                       lambda w: w.json("policy", "profile", "epe.nl", "--policy",  # bad unit in the file (3)
                                        w.file("p.yaml", "id: x\nresponse: {amount: 2, unit: weeks}\n"))),
    "directory show": (lambda w: w.json("directory", "show", "gemeente", "Westervoort"),
                       lambda w: w.json("directory", "show", "Nergenshuizen")),  # not in the directory (5)
    "directory list": (lambda w: w.json("directory", "list"),
                       lambda w: w.json("directory", "list", "extra")),
    "directory import": (lambda w: w.json("directory", "import", str(DATA / "directory" / "program-list.json")),
                         lambda w: w.json("directory", "import", w.file("list.json", "[1, 2"))),  # not JSON (3)
    "config show": (lambda w: w.json("config", "show"),
                    lambda w: w.json("--config", w.file("config.toml", "not = toml = [\n"), "config", "show")),
}


def check_envelope(out: CliOutcome, command: str, *, ok: bool) -> dict[str, Any]:
    doc = json.loads(out.stdout)  # exactly one JSON document: anything else on stdout fails here
    assert isinstance(doc, dict) and set(doc) == KEYS, sorted(doc)
    assert doc["cvd_reporter"] == 1 and doc["command"] == command
    assert doc["exit_code"] == out.exit_code and isinstance(doc["data"], dict)
    for finding in doc["findings"]:
        assert {"code", "severity", "message"} <= set(finding) and finding["severity"] in SEVERITIES, finding
    for error in doc["errors"]:
        assert isinstance(error["code"], str) and isinstance(error["message"], str) and error["message"], error
    if ok:
        assert (doc["status"], doc["exit_code"], doc["errors"]) == ("ok", 0, []), out.stdout + out.stderr
    else:
        assert doc["status"] == "error" and doc["exit_code"] not in (0, 1), out.stdout + out.stderr
        assert doc["errors"] or any(f["severity"] == "error" for f in doc["findings"]), out.stdout
    return doc


def test_every_command_has_a_success_and_an_error_case():
    commands = leaf_commands()
    assert len(commands) >= 20 and "securitytxt check" in commands and "status" in commands
    assert sorted(CASES) == sorted(commands), "add both cases to CASES for each new command"


@pytest.mark.parametrize("outcome", ["ok", "error"])
@pytest.mark.parametrize("command", sorted(CASES))
def test_envelope(command: str, outcome: str, request: pytest.FixtureRequest):
    succeed, fail = CASES[command]
    out = (succeed if outcome == "ok" else fail)(World(request))
    check_envelope(out, command, ok=outcome == "ok")


def test_usage_errors_speak_the_envelope_before_any_command_runs(cli):
    doc = check_envelope(cli("--json", "--lang", "fr", "status"), "", ok=False)
    assert doc["exit_code"] == 2 and doc["errors"][0]["code"] == "usage" and "fr" in doc["errors"][0]["message"]
    doc = check_envelope(cli("--json", "key", "show"), "key show", ok=False)
    assert doc["exit_code"] == 2 and doc["errors"][0]["code"] == "usage"


def test_the_check_catches_a_broken_envelope():
    good = {"cvd_reporter": 1, "command": "status", "status": "ok", "exit_code": 0, "data": {}, "findings": [],
            "errors": []}
    check_envelope(CliOutcome(0, json.dumps(good), ""), "status", ok=True)
    for broken in ({**good, "cvd_reporter": 2}, {**good, "command": "state"}, {**good, "exit_code": 3},
                   {k: v for k, v in good.items() if k != "findings"}, {**good, "extra": True},
                   {**good, "findings": [{"code": "x", "severity": "fatal", "message": "m"}]}):
        with pytest.raises(AssertionError):
            check_envelope(CliOutcome(0, json.dumps(broken), ""), "status", ok=True)
    with pytest.raises(json.JSONDecodeError):
        check_envelope(CliOutcome(0, json.dumps(good) + "\nwarning: on stdout\n", ""), "status", ok=True)
