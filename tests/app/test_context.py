"""The Context: one clock and one terminal decision, passed in (app/context.py)."""

from __future__ import annotations

import email
import email.policy
import email.utils
import os
import pty
from datetime import datetime, timezone

from cvd_reporter.app.context import Context, Terminal
from cvd_reporter.app.submit import SubmitOptions, submit_report
from cvd_reporter.settings import load_settings
from tests.support.municipality import env_for, serve, write_report

FIXED = datetime(2029, 3, 14, 9, 26, 53, tzinfo=timezone.utc)


def test_a_fixed_clock_is_the_time_the_whole_submit_uses(https, pki, zone, municipality, tmp_path):
    serve(https, municipality.key)
    env = env_for(https, pki, zone, CVD_SMTP_FROM="alex@example.org")
    ctx = Context(load_settings({"home": str(tmp_path / "home")}, environ=env), clock=lambda: FIXED)
    output = tmp_path / "message.eml"
    outcome = submit_report(write_report(tmp_path), ctx=ctx, lang="en", confirm=lambda _s: True,
                            options=SubmitOptions(dry_run=True, output=output))
    assert outcome.status == "dry_run"
    outer = email.message_from_bytes(output.read_bytes(), policy=email.policy.default)
    assert email.utils.parsedate_to_datetime(outer["Date"]) == FIXED
    inner = email.message_from_bytes(municipality.gpg.decrypt(outer.get_payload()[1].get_payload(decode=True)),
                                     policy=email.policy.default)
    assert email.utils.parsedate_to_datetime(inner["Date"]) == FIXED
    assert "2029-03-14" in inner.get_body(("plain",)).get_content()  # the report's date line


def test_terminal_is_decided_from_the_real_streams(monkeypatch):
    leader, follower = pty.openpty()
    try:
        with open(follower, "w", closefd=False) as tty, open(os.devnull, "w") as pipe:
            monkeypatch.setattr("sys.stdin", tty)
            monkeypatch.setattr("sys.stdout", pipe)
            monkeypatch.setattr("sys.stderr", tty)
            seen = Terminal.detect(environ={"TERM": "xterm"})
            assert (seen.stdin, seen.stdout, seen.stderr, seen.colour) == (True, False, True, True)
            assert seen.can_confirm and not seen.interactive  # a yes/no on stderr, no wizard on a pipe
            assert not Terminal.detect(environ={"TERM": "xterm", "NO_COLOR": "1"}).colour  # no-color.org
    finally:
        os.close(leader)
        os.close(follower)
