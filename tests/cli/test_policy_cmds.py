"""`cvd-reporter policy read URL|FILE`: a reporter learns where to report, with the page's own words.

URL cases run against the real loopback HTTPS server (trustme CA) through the safe fetcher."""

from __future__ import annotations

import pytest

from tests.servers.https import Response, big_body, endless_chunked, redirect
from tests.support.paths import DATA

PAGES = DATA / "policy-pages" / "pages"


def fetch(cli, net_env, https, *args: str):
    connect = []
    for value in https.connect_to("gemeente.test", "www.gemeente.test"):
        connect += ["--connect-to", value]
    return cli(*args, *connect, env=net_env)


def test_file_text_output_shows_where_and_the_sentence(cli):
    out = cli("policy", "read", str(PAGES / "05-nl-subject-other-domain.txt"))
    assert out.exit_code == 0
    assert "mailto:ciso@vaartland-werkorganisatie.example" in out.stdout
    assert "within 1 working day" in out.stdout and "binnen één werkdag" in out.stdout
    assert "Melding kwetsbaarheid Oudevaart" in out.stdout


def test_file_json_envelope(cli):
    doc = cli("--json", "policy", "read", str(PAGES / "01-nl-email-only.txt")).json
    assert (doc["command"], doc["status"], doc["exit_code"]) == ("policy read", "ok", 0)
    policy = doc["data"]["policy"]
    assert doc["data"]["source"] == "file"
    assert policy["contacts"][0]["value"] == "mailto:informatieveiligheid@zandvoorde.example"
    assert policy["response"]["value"] == {"amount": 5, "unit": "working_days"}
    assert policy["shares_with"][0]["value"] == "IBD"


def test_no_contact_is_exit_5_with_a_next_step(cli):
    out = cli("--json", "policy", "read", str(PAGES / "07-all-navigation.html"))
    doc = out.json
    assert out.exit_code == 5 and doc["status"] == "error"
    assert doc["data"]["policy"]["channel"] == "none"  # what was read is kept
    assert doc["errors"][0]["code"] == "no_contact" and "Next:" in doc["errors"][0]["message"]


@pytest.mark.parametrize("make, message", [
    (lambda tmp: tmp / "missing.html", "does not exist"),
    (lambda tmp: tmp, "is a folder"),
    (lambda tmp: (tmp / "page.bin").write_bytes(b"\x00\x01binary") and tmp / "page.bin", "binary"),
], ids=["missing", "folder", "binary"])
def test_unreadable_file_is_exit_3(cli, tmp_path, make, message):
    out = cli("policy", "read", str(make(tmp_path)))
    assert out.exit_code == 3 and message in out.stderr and "Traceback" not in out.stderr


def test_stdin(cli):
    out = cli("--json", "policy", "read", "-", input="Mail ons via cert@gemeente.example; wij reageren binnen 2 werkdagen.")
    assert out.json["data"]["policy"]["contacts"][0]["value"] == "mailto:cert@gemeente.example"


def test_terminal_output_shows_no_control_characters(cli, tmp_path):
    page = tmp_path / "evil.txt"
    page.write_text("Mail cert@gemeente.example \x1b[2J\x1b]0;owned\x07 binnen 2 werkdagen reactie.", encoding="utf-8")
    out = cli("policy", "read", str(page))
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout


def test_url_through_the_safe_fetcher_with_redirects(cli, net_env, https):
    html = (PAGES / "02-nl-form-only.html").read_bytes()
    https.add("/cvd", redirect("https://www.gemeente.test/beveiliging/melden"), host="gemeente.test")
    https.add("/beveiliging/melden", Response(200, html, "text/html; charset=utf-8"), host="www.gemeente.test")
    out = fetch(cli, net_env, https, "--json", "policy", "read", "https://gemeente.test/cvd")
    doc = out.json
    assert out.exit_code == 0, out.stderr
    assert doc["data"]["final_url"] == "https://www.gemeente.test/beveiliging/melden"
    # the form link is resolved against the page it was found on, after the redirect
    assert doc["data"]["policy"]["contacts"][0]["value"] == "https://www.gemeente.test/formulieren/zwakke-plek-melden"
    assert https.log[-1]["headers"]["Accept"].startswith("text/html")


@pytest.mark.parametrize("route, code", [
    (big_body(), "too_large"), (endless_chunked, "too_large"),
    (Response(404, "not here"), "http_status"), (Response(200, b"%PDF-1.7", "application/pdf"), "not_a_page"),
], ids=["50MB", "endless", "404", "pdf"])
def test_hostile_or_wrong_pages_end_with_a_clear_message(cli, net_env, https, route, code):
    https.add("/cvd", route, host="gemeente.test")
    out = fetch(cli, net_env, https, "--json", "policy", "read", "https://gemeente.test/cvd")
    assert out.exit_code == 5 and out.json["errors"][0]["code"] == code


def test_plain_http_is_refused(cli):
    out = cli("policy", "read", "http://gemeente.test/cvd")
    assert out.exit_code == 2 and "https" in out.stderr


def test_private_addresses_are_refused_without_connect_to(cli, net_env):
    out = cli("--json", "policy", "read", "https://localhost/cvd", env=net_env)
    assert out.exit_code == 5 and out.json["errors"][0]["code"] == "private_address"


def test_a_fifo_or_system_file_is_refused_not_waited_on(cli, tmp_path):
    import os

    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    out = cli("policy", "read", str(fifo))
    assert out.exit_code == 3 and "not a regular file" in out.stderr
    out = cli("policy", "read", "/proc/self/environ")
    assert out.exit_code == 3 and "system file" in out.stderr
