"""`submit --via form` and `--via phone` end to end: the organisation's form is a page on the loopback
HTTPS server (trustme CA), opened through a fake browser named by the standard BROWSER variable (a
script that logs its argument and fetches the page with curl, trusting the test CA), and the record
is walked from sent to acknowledged, with the form's reference in status and the export."""

from __future__ import annotations

import re
import shutil
import stat
import sys
from pathlib import Path

import pytest

from tests.servers.https import Response
from tests.support.municipality import CANARY, TITLE, env_for, serve, write_report
from tests.support.terminal import ANSI, wizard_env

FORM = "https://www.gemeente.test/melden"
FORM_PAGE = ('<!DOCTYPE html><html lang="nl"><body><form method="post" action="/melden">'
             '<input name="titel"><textarea name="omschrijving"></textarea></form></body></html>')

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="the fake browser fetches with curl")


@pytest.fixture
def form_env(https, pki, zone, tmp_path):
    """The municipality's security.txt (Contact: mailto + the form) and its form page, no key anywhere."""
    serve(https, None, encryption=False)
    https.add("/melden", Response(200, FORM_PAGE, "text/html; charset=utf-8"), host="www.gemeente.test")
    log, page = tmp_path / "browser.log", tmp_path / "page.html"
    browser = tmp_path / "fake-browser"
    mapping = " ".join(f"--connect-to {m}" for m in https.connect_to("www.gemeente.test"))
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{log}"\n'
                       f'exec curl -sS --cacert "{pki.ca_pem}" {mapping} -o "{page}" "$1"\n')
    browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
    env = env_for(https, pki, zone, BROWSER=f"{browser} %s", CVD_TIMEOUT="10")
    return env, log, page


def test_a_form_report_is_prepared_opened_recorded_with_its_reference_and_exported(cli, form_env, tmp_path):
    env, log, page = form_env
    report = write_report(tmp_path / "r", language="nl")
    prepared = cli("--json", "submit", str(report), "--via", "form", env=env)
    assert prepared.exit_code == 0, prepared.stderr
    data = prepared.json["data"]
    assert data["status"] == "prepared" and data["recorded"] is False and data["browser"] == "opened"
    assert data["recipient"] == FORM and data["contact_source"].startswith("security.txt")
    fields = {f["name"]: f for f in data["fields"]}
    assert fields["title"]["value"] == TITLE and fields["title"]["label"] == "Titel" and fields["title"]["fits"]
    assert CANARY in fields["description"]["value"] and "request.txt" in fields["description"]["value"]
    assert [Path(e["path"]).name for e in data["evidence"]] == ["request.txt"]
    assert data["end_to_end_encrypted"] is False and any("TLS" in w for w in data["warnings"])
    assert log.read_text().splitlines() == [FORM]  # the browser got the form's address ...
    assert "<form" in page.read_text()  # ... and it is the page on the loopback server
    assert cli("--json", "status", "--all", env=env).json["data"]["count"] == 0  # nothing recorded yet

    rid = data["report_id"]
    done = cli("--json", "submit", str(report), "--via", "form", "--reference", "ZAAK-2026-0042", env=env)
    assert done.exit_code == 0, done.stderr
    assert done.json["data"]["status"] == "recorded" and done.json["data"]["reference"] == "ZAAK-2026-0042"
    assert len(log.read_text().splitlines()) == 1  # recording does not open the form again

    shown = cli("status", rid, env=env)
    assert "through the web form " + FORM in shown.stdout and "reference ZAAK-2026-0042" in shown.stdout
    assert "not end-to-end encrypted" in shown.stdout and "answer due" in shown.stdout
    listed = cli("status", env=env)
    assert "form 20" in listed.stdout  # the list says which channel was used, and when
    assert cli("mark", rid, "acknowledged", env=env).exit_code == 0

    bundle = cli("--json", "export", rid, env=env).json["data"]["document"]
    assert bundle["report"]["state"] == "acknowledged"
    (attempt,) = bundle["attempts"]
    assert attempt["channel"] == "form" and attempt["recipient"] == FORM and attempt["reference"] == "ZAAK-2026-0042"
    assert bundle["deliveries"][0]["encrypted"] is False and bundle["deadline"]["response_working_days"] == 5
    assert [e["state"] for e in bundle["timeline"]] == ["draft", "sent", "acknowledged"]


def test_a_report_leaves_through_the_form_once_unless_again(cli, form_env, tmp_path):
    env, _log, _page = form_env
    report = write_report(tmp_path / "r")
    first = cli("--json", "submit", str(report), "--via", "form", "--reference", "A-1", env=env)
    assert first.exit_code == 0, first.stderr
    rid = first.json["data"]["report_id"]
    second = cli("--json", "submit", str(report), "--via", "form", "--reference", "A-2", env=env)
    assert second.exit_code == 8 and second.json["errors"][0]["code"] == "already_sent"
    assert "--again" in second.json["errors"][0]["message"]
    assert cli("--json", "submit", str(report), "--via", "form", "--reference", "A-2", "--again",
               env=env).exit_code == 0
    refs = [a["reference"] for a in cli("--json", "status", rid, env=env).json["data"]["attempts"]]
    assert refs == ["A-1", "A-2"]
    mailed = cli("--json", "submit", str(report), "--yes", env=env)  # nor does a plain submit send it again
    assert mailed.exit_code == 0 and mailed.json["data"]["status"] == "already_sent"
    assert cli("--json", "outbox", "list", env=env).json["data"]["entries"] == []


def test_no_reference_is_recorded_after_a_warning_and_no_browser_opens_nothing(cli, form_env, tmp_path):
    env, log, _page = form_env
    report = write_report(tmp_path / "r")
    looked = cli("submit", str(report), "--via", "form", "--no-browser", env=env)
    assert looked.exit_code == 0 and not log.exists()
    assert "Paste each field" in looked.stdout and "--reference" in looked.stdout
    done = cli("submit", str(report), "--via", "form", "--yes", "--no-browser", env=env)
    assert done.exit_code == 0 and "No confirmation or ticket number" in done.stderr
    (listed,) = cli("--json", "status", env=env).json["data"]["reports"]
    rid = listed["id"]
    assert f"cvd-reporter mark {rid} acknowledged" in done.stdout  # the next steps, as after an e-mail
    (attempt,) = cli("--json", "status", rid, env=env).json["data"]["attempts"]
    assert attempt["channel"] == "form" and attempt["reference"] is None and attempt["ok"] is True
    assert not log.exists()


def test_a_reference_with_control_characters_is_refused_and_nothing_recorded(cli, form_env, tmp_path):
    env, _log, _page = form_env
    report = write_report(tmp_path / "r")
    out = cli("--json", "submit", str(report), "--via", "form", "--reference", "A\x1b[2J", env=env)
    assert out.exit_code == 3 and out.json["errors"][0]["code"] == "bad_reference"
    assert cli("--json", "status", "--all", env=env).json["data"]["count"] == 0


def test_the_personal_data_lint_runs_on_what_is_pasted(cli, form_env, tmp_path):
    env, _log, _page = form_env
    report = write_report(tmp_path / "r", vulnerability={
        "title": TITLE, "description": "Het account van jan.jansen@voorbeeld.nl is zichtbaar.", "cwe": "CWE-79"})
    out = cli("--json", "submit", str(report), "--via", "form", "--no-browser", env=env)
    assert out.exit_code == 0, out.stderr
    assert any(f["code"].startswith("lint_") for f in out.json["findings"])


def test_a_phone_channel_gets_a_script_without_report_details_and_the_call_is_recorded(cli, https, pki, zone,
                                                                                       tmp_path):
    serve(https, None, encryption=False)
    env = env_for(https, pki, zone, CVD_TIMEOUT="10")
    report = write_report(tmp_path / "r", organisation={"contact": ["tel:+31201234567"]})
    script = cli("submit", str(report), "--via", "phone", env=env)
    assert script.exit_code == 0, script.stderr
    assert "+31201234567" in script.stdout and "OpenPGP" in script.stdout
    assert CANARY not in script.stdout and "zoeken" not in script.stdout
    done = cli("--json", "submit", str(report), "--via", "phone", "--spoke-to", "M. Jansen", env=env)
    assert done.exit_code == 0, done.stderr
    rid = done.json["data"]["report_id"]
    status = cli("--json", "status", rid, env=env).json["data"]
    # A call asks for a channel: the organisation knows a report is waiting, so its answer time runs
    # from today, but the report itself has not left.
    assert status["state"] == "contact_requested" and status["next"]["due"] is not None
    (call,) = status["attempts"]
    assert (call["channel"], call["kind"], call["recipient"]) == ("phone", "phone_call", "+31201234567")
    assert "spoke to M. Jansen" in cli("status", rid, env=env).stdout


def test_on_a_terminal_the_reporter_is_asked_whether_they_submitted_and_for_the_number(cli, form_env, tmp_path,
                                                                                       isolated_env):
    pexpect = pytest.importorskip("pexpect")
    env, log, _page = form_env
    report = write_report(tmp_path / "r", language="nl")
    full = dict(wizard_env(isolated_env), **env)
    child = pexpect.spawn(sys.executable, ["-m", "cvd_reporter", "submit", str(report), "--via", "form", "--lang",
                                           "en"], env=full, dimensions=(40, 120), encoding="utf-8", timeout=30)
    child.expect(re.escape("Have you submitted the form?"))
    child.sendline("y")
    child.expect(re.escape("The confirmation or ticket number"))
    child.sendline("MELD-77")
    child.expect(pexpect.EOF)
    shown = ANSI.sub("", child.before or "")
    child.close()
    assert child.exitstatus == 0, shown
    assert "recorded as sent through the web form" in shown and "MELD-77" in shown
    assert log.read_text().splitlines() == [FORM]
    (listed,) = cli("--json", "status", env=env).json["data"]["reports"]
    status = cli("--json", "status", listed["id"], env=env).json["data"]
    assert status["state"] == "sent" and status["attempts"][0]["reference"] == "MELD-77"


def test_the_form_options_belong_to_the_form_and_phone_channels(cli, tmp_path):
    report = write_report(tmp_path / "r")
    out = cli("--json", "submit", str(report), "--reference", "A-1")
    assert out.exit_code == 2 and "--reference goes with --via form" in out.json["errors"][0]["message"]
