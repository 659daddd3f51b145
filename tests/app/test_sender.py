"""One sender for a report and everything sent about it (app/sender.py).

Through the real pipeline: the loopback HTTPS/DNS municipality, aiosmtpd with STARTTLS and AUTH, and gpg
decrypting what arrived. The SMTP login here is a user name, not an address, and no smtp.from is set:
then the report goes out From the reporter's own address, and so must its follow-up and its
publication notice (they once fell back to the login, a different correspondent to the organisation).
"""

from __future__ import annotations

from cvd_reporter.app.sender import ANONYMOUS, resolve_sender
from cvd_reporter.settings import load_settings
from tests.servers.smtp import USER
from tests.support.municipality import env_for, outer_and_inner, serve, write_report


def test_follow_up_and_publication_notice_come_from_the_reporter_like_the_report(
        cli, https, pki, zone, smtp, municipality, tmp_path):
    serve(https, municipality.key)
    env = env_for(https, pki, zone, smtp)
    del env["CVD_SMTP_FROM"]  # no smtp.from: the sender must come from the report
    assert "@" not in USER
    sent = cli("--json", "submit", str(write_report(tmp_path)), "--yes", env=env)
    assert sent.exit_code == 0, sent.stdout + sent.stderr
    rid = sent.json["data"]["report_id"]
    follow = cli("--json", "follow-up", rid, "--message", "Is het aangekomen?", "--yes", env=env)
    assert follow.exit_code == 0, follow.stdout + follow.stderr
    assert cli("mark", rid, "fixed", env=env).exit_code == 0
    notice = cli("notify-publication", rid, "--date", "2030-06-01", "--yes", env=env)
    assert notice.exit_code == 0, notice.stderr

    assert len(smtp.messages) == 3
    for got in smtp.messages:
        outer, inner = outer_and_inner(got["content"], municipality.gpg)
        assert outer["From"] == inner["From"] == "alex@example.org", (outer["From"], inner["From"])
        assert outer["Message-ID"].endswith("@example.org>")
        assert got["mail_from"] == "alex@example.org"  # the login is a name, not a mailbox (RFC 5321 §4.1.2)


def test_anonymous_report_gets_no_configured_address_and_smtp_from_wins():
    settings = load_settings({}, environ={"CVD_REPORTER_EMAIL": "me@example.org"})
    assert resolve_sender(settings, None).header_from == ANONYMOUS  # not the configured reporter.email
    assert resolve_sender(settings, None).domain == "invalid"
    chosen = load_settings({}, environ={"CVD_SMTP_FROM": "cvd@example.net", "CVD_SMTP_USER": "login"})
    sender = resolve_sender(chosen, "alex@example.org")
    assert (sender.header_from, sender.envelope_from, sender.domain) == ("cvd@example.net", "cvd@example.net",
                                                                          "example.net")
    by_login = load_settings({}, environ={"CVD_SMTP_USER": "alex@mail.example"})
    assert resolve_sender(by_login, "alex@example.org").envelope_from == "alex@mail.example"
