"""The organisation's profile end to end: a policy page read and saved as the reporter's profile (or the
report's own fields) sets the outer Subject, the deadline in `status` and what `validate` says; a key
the report names that discovery contradicts stops with one sentence.

Real parts: the loopback HTTPS server (security.txt, WKD, the keyserver), the DNS server, aiosmtpd
with STARTTLS+AUTH receiving the message, and gpg decrypting it. The report's canary must appear
nowhere outside the encryption, also not in a required Subject.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from pathlib import Path

import yaml

from tests.servers.https import Response
from tests.support.municipality import CANARY, TITLE, env_for, outer_and_inner, serve, write_report

PAGE = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Beveiligingslek melden</title></head>
<body><nav><a href="/">Home</a> <a href="/afval">Afval</a></nav><main><h1>Beveiligingslek melden</h1>
<p>Heeft u een zwakke plek gevonden in een systeem van de gemeente? Mail uw bevindingen naar
security@gemeente.test met als onderwerp "Beveiliging ICT".</p>
<p>U ontvangt binnen 48 kantooruren een eerste reactie.</p>
<p>Versleutel uw melding bij voorkeur met onze PGP-sleutel.</p></main></body></html>
"""


def saved_profile(cli, tmp_path: Path, env: dict[str, str]) -> Path:
    page = tmp_path / "beveiligingslek-melden.html"
    page.write_text(PAGE, encoding="utf-8")
    out = cli("--json", "policy", "read", str(page), "--save", "--for", "gemeente.test", env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    return Path(out.json["data"]["saved"])


def headers_of(raw: bytes) -> str:
    outer = email.message_from_bytes(raw, policy=email.policy.default)
    return "".join(f"{k}: {v}\n" for k, v in outer.items())


def test_a_saved_policy_page_sets_the_outer_subject_and_the_deadline(cli, https, pki, zone, smtp, municipality,
                                                                    tmp_path):
    serve(https, municipality.key)
    env = env_for(https, pki, zone, smtp)
    saved = saved_profile(cli, tmp_path, env)
    assert saved.parent.name == "profiles" and "xdg-config" in str(saved)  # the app's config folder
    data = yaml.safe_load(saved.read_text("utf-8"))
    assert data["subject"] == "Beveiliging ICT" and data["response"] == {"amount": 48, "unit": "office_hours"}

    shown = cli("--json", "policy", "profile", "gemeente.test", env=env).json["data"]
    assert shown["fields"]["subject"]["source"].startswith("your correction ")
    assert shown["deadline"] == {"days": 6, "calendar": "nl-gemeente"}  # 48 office hours = 6 working days

    out = cli("--json", "submit", str(write_report(tmp_path / "r")), "--yes", env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    rid = out.json["data"]["report_id"]
    (got,) = smtp.messages
    outer, inner = outer_and_inner(got["content"], municipality.gpg)
    assert outer["Subject"] == f"Beveiliging ICT [{rid}]"
    assert CANARY not in headers_of(got["content"]) and CANARY.encode() not in got["content"]
    assert TITLE in inner["Subject"]  # the report's own title travels only inside the encryption
    body = inner.get_body(("plain",)).get_content()
    assert "48 kantooruren" in body  # the promise as the policy states it, not the generic 5 working days

    status = cli("--json", "status", rid, env=env).json["data"]
    assert status["response_days"] == 6 and status["calendar"] == "nl-gemeente"

    follow = cli("--json", "follow-up", rid, "--message", f"Aangekomen? {CANARY}", "--yes", env=env)
    assert follow.exit_code == 0, follow.stdout + follow.stderr
    raw = smtp.messages[-1]["content"]
    subject = email.message_from_bytes(raw, policy=email.policy.default)["Subject"]
    assert subject.startswith("Beveiliging ICT [") and rid in subject  # every message to them carries it
    assert CANARY not in headers_of(raw)


def test_a_corrected_profile_wins_over_the_page_and_a_calendar_day_promise_is_counted_in_days(
        cli, https, pki, zone, smtp, municipality, tmp_path):
    serve(https, municipality.key)
    env = env_for(https, pki, zone, smtp)
    saved = saved_profile(cli, tmp_path, env)
    text = saved.read_text("utf-8").replace("amount: 48", "amount: 5").replace("unit: office_hours", "unit: days")
    saved.write_text(text, encoding="utf-8")  # the reporter corrects the reading by hand
    out = cli("--json", "submit", str(write_report(tmp_path / "r")), "--yes", env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    status = cli("--json", "status", out.json["data"]["report_id"], env=env).json["data"]
    sent_on = dt.date.fromisoformat(status["sent_on"])
    assert status["calendar"] == "calendar-days"
    assert status["next"]["due"] == (sent_on + dt.timedelta(days=5)).isoformat()  # weekends count


def test_a_subject_that_would_name_the_system_is_sent_without_it_and_warned(cli, https, pki, zone, smtp,
                                                                             municipality, tmp_path):
    serve(https, municipality.key)
    env = env_for(https, pki, zone, smtp)
    report = write_report(tmp_path, organisation={"subject": "Melding kwetsbaarheid in [naam systeem]"})
    checked = cli("--json", "validate", str(report), env=env)
    assert checked.exit_code == 0
    (warning,) = [f for f in checked.json["findings"] if f["code"] == "required_subject_reveals"]
    assert "unencrypted" in warning["message"] and "'Melding kwetsbaarheid'" in warning["message"]
    out = cli("--json", "submit", str(report), "--yes", env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    (got,) = smtp.messages
    subject = email.message_from_bytes(got["content"], policy=email.policy.default)["Subject"]
    assert subject == f"Melding kwetsbaarheid [{out.json['data']['report_id']}]"
    assert "zoeken" not in subject and "gemeente" not in subject.lower()


def test_a_required_subject_with_a_line_break_or_too_long_is_refused_and_nothing_is_sent(
        cli, https, pki, zone, smtp, municipality, tmp_path):
    serve(https, municipality.key)
    env = env_for(https, pki, zone, smtp)
    saved = saved_profile(cli, tmp_path, env)
    data = yaml.safe_load(saved.read_text("utf-8"))
    report = write_report(tmp_path / "r")
    for bad, words in (("Beveiliging\r\nBcc: iemand@example.org", "control characters"),
                       ("Beveiliging " * 30, "at most 200 characters")):
        saved.write_text(yaml.safe_dump(dict(data, subject=bad)), encoding="utf-8")
        for command in ("validate", "submit"):
            out = cli("--json", command, str(report), "--yes", env=env) if command == "submit" else \
                cli("--json", command, str(report), env=env)
            assert out.exit_code == 3, out.stdout + out.stderr
            (error,) = out.json["errors"]
            assert words in error["message"] and str(saved) in error["message"] and "Traceback" not in out.stderr
    assert smtp.messages == []


def test_policy_file_wins_over_the_saved_profile_and_the_report(cli, https, pki, zone, municipality, tmp_path):
    env = env_for(https, pki, zone)
    saved_profile(cli, tmp_path, env)
    policy = tmp_path / "mijn-beleid.yaml"
    policy.write_text("id: eigen\nresponse: {amount: 28, unit: days}\nsubject: Responsible disclosure\n",
                      encoding="utf-8")
    report = write_report(tmp_path / "r", organisation={"subject": "Iets anders", "response": "3 werkdagen"})
    shown = cli("--json", "policy", "profile", "gemeente.test", "--policy", str(policy), env=env).json["data"]
    assert shown["fields"]["subject"] == {"value": "Responsible disclosure", "source": str(policy),
                                          "kind": "policy_file"}
    assert shown["deadline"] == {"days": 28, "calendar": "calendar-days"}
    without = cli("--json", "validate", str(report), env=env).json["data"]["profile"]
    assert without["fields"]["subject"]["value"] == "Iets anders"  # the report beats the saved profile
    assert without["fields"]["response"]["kind"] == "report"


def test_saving_again_does_not_overwrite_the_reporters_edits_without_replace(cli, tmp_path):
    page = tmp_path / "p.html"
    page.write_text(PAGE, encoding="utf-8")
    first = cli("--json", "policy", "read", str(page), "--save", "--for", "gemeente.test")
    saved = Path(first.json["data"]["saved"])
    saved.write_text(saved.read_text("utf-8") + "language: en\n", encoding="utf-8")
    again = cli("--json", "policy", "read", str(page), "--save", "--for", "gemeente.test")
    assert again.exit_code == 8 and "--replace" in again.json["errors"][0]["message"]
    assert "language: en" in saved.read_text("utf-8")
    assert cli("--json", "policy", "read", str(page), "--save", "--for", "gemeente.test", "--replace").exit_code == 0
    assert "language: en" not in saved.read_text("utf-8")


def test_a_fingerprint_in_the_report_that_discovery_contradicts_is_exit_6_naming_both_keys(
        cli, https, pki, zone, smtp, municipality, tmp_path):
    serve(https, municipality.key)  # the security.txt (Encryption, WKD) names the municipality's key ...
    other = municipality.gpg.gen("Iemand Anders <security@gemeente.test>")
    https.add(f"/vks/v1/by-fingerprint/{other}", Response(200, municipality.gpg.export(other), "application/pgp-keys"),
              host="keys.test")  # ... the keyserver the key the report names
    report = write_report(tmp_path, organisation={"key": other})
    out = cli("--json", "submit", str(report), "--yes", env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 6 and smtp.messages == []
    message = out.json["errors"][0]["message"]
    assert re.search(f"report names key {other} \\(organisation.key\\), but security.txt Encryption .* offers key {municipality.fpr}",
                     message), message
    assert "correct organisation.key" in message and message.count(". ") == 0  # one sentence


def test_a_page_read_over_https_is_saved_for_the_organisations_domain(cli, https, pki, zone, tmp_path):
    https.add("/beveiligingslek-melden", Response(200, PAGE, "text/html; charset=utf-8"), host="www.gemeente.test")
    env = env_for(https, pki, zone)
    out = cli("--json", "policy", "read", "https://www.gemeente.test/beveiligingslek-melden", "--save", env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    data = yaml.safe_load(Path(out.json["data"]["saved"]).read_text("utf-8"))
    assert data["hosts"] == ["gemeente.test"]
    shown = cli("--json", "policy", "profile", "gemeente.test", env=env).json["data"]
    assert shown["fields"]["response"]["value"] == {"amount": 48, "unit": "office_hours"}
    assert shown["subject_as_sent"] == "Beveiliging ICT" and shown["saved_file"] == out.json["data"]["saved"]


def test_a_first_contact_carries_the_required_subject_and_no_word_of_the_report(cli, https, pki, zone, smtp,
                                                                               tmp_path):
    serve(https, None, encryption=False)  # no key anywhere: the first contact asks for one
    env = env_for(https, pki, zone, smtp)
    saved_profile(cli, tmp_path, env)
    out = cli("--json", "submit", str(write_report(tmp_path / "r")), "--first-contact", "--yes", env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    (got,) = smtp.messages
    msg = email.message_from_bytes(got["content"], policy=email.policy.default)
    assert msg["Subject"] == f"Beveiliging ICT [{out.json['data']['report_id']}]"
    for word in (CANARY, "zoeken", "XSS"):
        assert word.lower().encode() not in got["content"].lower(), word
