"""`cvd-reporter submit` end to end against a municipality on loopback.

Real parts: the HTTPS server (trustme CA) serves security.txt and the key on WKD, the dnslib server
answers scope and WKD lookups, aiosmtpd takes the mail over STARTTLS with AUTH, and real gpg
decrypts what arrived — the proof the municipality can read it. A canary from the report's title
and description must appear nowhere outside the encryption.
"""

from __future__ import annotations

import email
import email.policy
import json
import stat
from pathlib import Path

import yaml

from tests.servers.gpg import GnuPG
from tests.servers.smtp import PASSWORD, Capture, LocalSMTP
from tests.support.api_receiver import Receiver
from tests.support.delivery import Recipient
from tests.support.github_fake import REPO, FakeGitHub
from tests.support.github_fake import TOKEN as GITHUB_TOKEN
from tests.support.municipality import (
    CANARY,
    EVIDENCE,
    TITLE,
    armored_part,
    env_for,
    security_txt,
    serve,
    write_report,
)
from tests.support.paths import ROOT


# ---------------------------------------------------------------------------------------------
def test_email_submit_arrives_encrypted_and_gpg_reads_it(cli, https, pki, zone, smtp, municipality, tmp_path):
    serve(https, municipality.key)
    report = write_report(tmp_path)
    out = cli("--json", "submit", str(report), "--yes", env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 0, out.stdout + out.stderr
    data = out.json["data"]
    assert data["status"] == "sent" and data["channel"] == "email" and data["language"] == "nl"
    assert data["key"]["fingerprint"] == municipality.fpr and data["recipient"] == "security@gemeente.test"

    (got,) = smtp.messages
    assert got["tls"] and got["authenticated"] and got["rcpt_tos"] == ["security@gemeente.test"]
    raw = got["content"]
    outer = email.message_from_bytes(raw, policy=email.policy.default)
    headers = "".join(f"{k}: {v}\n" for k, v in outer.items())
    assert CANARY not in headers and CANARY not in got["mail_from"] and "zoeken" not in headers.lower()
    assert CANARY.encode() not in raw  # only ciphertext on the wire
    inner = municipality.gpg.decrypt(armored_part(raw))
    im = email.message_from_bytes(inner, policy=email.policy.default)
    assert TITLE in im["Subject"]
    body = im.get_body(("plain",)).get_content()
    assert "Melding van een kwetsbaarheid" in body and f"{CANARY}-beschrijving" in body
    assert "Ik heb geen spam verstuurd." in body
    (attachment,) = [p for p in im.iter_attachments() if p.get_filename() == "request.txt"]
    assert attachment.get_content() == EVIDENCE

    status = cli("--json", "status", data["report_id"], env=env_for(https, pki, zone, smtp))
    assert status.exit_code == 0 and status.json["data"]["state"] == "sent"
    assert status.json["data"]["next"] is not None  # the answer due date (5 working days)

    again = cli("--json", "submit", str(report), "--yes", env=env_for(https, pki, zone, smtp))
    assert again.exit_code == 0 and again.json["data"]["status"] == "already_sent"
    assert len(smtp.messages) == 1  # never twice


def test_dry_run_writes_the_message_and_sends_nothing(cli, https, pki, zone, smtp, municipality, tmp_path,
                                                     isolated_env):
    serve(https, municipality.key)
    out_file = tmp_path / "out" / "message.eml"
    out = cli("submit", str(write_report(tmp_path)), "--dry-run", "--output", str(out_file),
              env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 0, out.stderr
    assert smtp.messages == [] and stat.S_IMODE(out_file.stat().st_mode) == 0o600
    assert CANARY.encode() in municipality.gpg.decrypt(armored_part(out_file.read_bytes()))
    assert "Dry run" in out.stdout
    assert not (isolated_env / "record.sqlite3").exists()  # nothing recorded
    assert not (isolated_env / "pins.json").exists() and not (isolated_env / "outbox").exists()


def test_without_a_terminal_and_without_yes_nothing_is_sent(cli, https, pki, zone, smtp, municipality, tmp_path):
    serve(https, municipality.key)
    out = cli("--json", "submit", str(write_report(tmp_path)), env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 8 and "--yes" in out.json["errors"][0]["message"]
    assert smtp.messages == []


def test_failed_delivery_keeps_the_encrypted_message_and_a_retry_reuses_its_message_id(
        cli, https, pki, zone, municipality, tmp_path):
    serve(https, municipality.key)
    report = write_report(tmp_path)
    with LocalSMTP(pki.chain, pki.key, capture=Capture(data_script=["451 4.3.0 Try again later"])) as smtp:
        env = env_for(https, pki, zone, smtp)
        out = cli("--json", "submit", str(report), "--yes", env=env)
        assert out.exit_code == 7, out.stdout
        assert "outbox send" in out.json["errors"][0]["message"] and smtp.messages == []
        listing = cli("--json", "outbox", "list", env=env).json["data"]["entries"]
        (entry,) = listing
        assert entry["state"] == "pending" and "451" in entry["attempts"][-1]["answer"]
        kept = Path(entry["path"])
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600 and CANARY.encode() not in kept.read_bytes()
        retry = cli("outbox", "send", entry["id"], env=env)
        assert retry.exit_code == 0, retry.stderr
        (got,) = smtp.messages
        sent_id = email.message_from_bytes(got["content"], policy=email.policy.default)["Message-ID"]
        assert sent_id == email.message_from_bytes(kept.read_bytes(), policy=email.policy.default)["Message-ID"]
        again = cli("outbox", "send", entry["id"], env=env)
        assert again.exit_code == 0 and len(smtp.messages) == 1
        record = cli("--json", "status", entry["report_id"], env=env).json["data"]
        assert record["state"] == "sent"  # the retry moved the draft on
        assert [(d["ok"], d["message_id"] == sent_id) for d in record["deliveries"]] == [(False, True), (True, True)]
        assert "451" in record["deliveries"][0]["server_answer"]


def test_server_without_starttls_gets_neither_report_nor_password(cli, https, pki, zone, municipality, tmp_path):
    serve(https, municipality.key)
    with LocalSMTP(pki.chain, pki.key, mode="plain") as smtp:
        out = cli("--json", "submit", str(write_report(tmp_path)), "--yes", env=env_for(https, pki, zone, smtp))
        assert out.exit_code == 7 and "STARTTLS" in out.json["errors"][0]["message"]
        assert smtp.messages == [] and smtp.auth.calls == []
        assert PASSWORD not in out.stdout + out.stderr


def test_no_smtp_configured_leaves_an_encrypted_eml_in_the_outbox(cli, https, pki, zone, municipality, tmp_path):
    serve(https, municipality.key)
    out = cli("--json", "submit", str(write_report(tmp_path)), "--yes", env=env_for(https, pki, zone))
    assert out.exit_code == 0, out.stdout
    data = out.json["data"]
    assert data["status"] == "queued" and "outbox send" in data["hint"]
    eml = Path(data["outbox_path"])
    assert CANARY.encode() in municipality.gpg.decrypt(armored_part(eml.read_bytes()))


def test_out_of_scope_target_is_refused_before_anything_is_fetched(cli, https, pki, zone, municipality, tmp_path):
    serve(https, municipality.key)
    policy = tmp_path / "policy.yaml"
    data = yaml.safe_load((ROOT / "cvd_reporter/data/policies/nl-gemeente.yaml").read_text())
    data["scope"] = {"include": {"domains": ["*.gemeente.test"]}, "exclude": {"domains": ["www.gemeente.test"]}}
    policy.write_text(yaml.safe_dump(data, allow_unicode=True))
    out = cli("--json", "submit", str(write_report(tmp_path)), "--yes", "--policy", str(policy),
              env=env_for(https, pki, zone))
    assert out.exit_code == 4, out.stdout
    assert not [r for r in https.log if "security.txt" in r["path"]]


def test_no_security_txt_is_exit_5(cli, https, pki, zone, tmp_path):
    out = cli("--json", "submit", str(write_report(tmp_path)), "--yes", env=env_for(https, pki, zone))
    assert out.exit_code == 5 and out.json["errors"][0]["code"] == "no_security_txt"


def test_no_key_refuses_plaintext_unless_explicitly_allowed(cli, https, pki, zone, smtp, tmp_path):
    serve(https, None, encryption=False)
    report = write_report(tmp_path)
    out = cli("--json", "submit", str(report), "--yes", env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 6 and smtp.messages == []  # --yes never picks a channel (issue 14)
    assert out.json["errors"][0]["code"] == "no_usable_key"
    out = cli("--json", "submit", str(report), "--yes", "--allow-plaintext", env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 0, out.stdout
    assert out.json["data"]["encrypted"] is False and "UNENCRYPTED" in out.stderr
    (entry,) = cli("--json", "outbox", "list", env=env_for(https, pki, zone, smtp)).json["data"]["entries"]
    assert entry["plaintext"] is True
    status = cli("status", out.json["data"]["report_id"], env=env_for(https, pki, zone, smtp))
    assert "NOT ENCRYPTED" in status.stdout


def test_expired_key_is_exit_6(cli, https, pki, zone, smtp, tmp_path):
    gpg = GnuPG()
    try:
        fpr = gpg.gen("Gemeente CERT <security@gemeente.test>", expire="2020-01-01",
                      faked_time="20190101T000000")
        serve(https, gpg.export(fpr))
        out = cli("--json", "submit", str(write_report(tmp_path)), "--yes", env=env_for(https, pki, zone, smtp))
    finally:
        gpg.close()
    assert out.exit_code == 6, out.stdout
    assert "expired" in out.json["errors"][0]["message"] and smtp.messages == []


def test_changed_key_stops_until_accepted(cli, https, pki, zone, smtp, municipality, tmp_path):
    serve(https, municipality.key)
    env = env_for(https, pki, zone, smtp)
    first = write_report(tmp_path)
    assert cli("submit", str(first), "--yes", env=env).exit_code == 0
    other = GnuPG()
    try:
        new_fpr = other.gen("Gemeente CERT <security@gemeente.test>")
        serve(https, other.export(new_fpr))
        (tmp_path / "second").mkdir()
        second = write_report(tmp_path / "second", vulnerability={"title": "Tweede", "description": "iets anders"})
        out = cli("--json", "submit", str(second), "--yes", env=env)
        assert out.exit_code == 6 and out.json["errors"][0]["code"] == "pin_changed"
        assert municipality.fpr in out.json["errors"][0]["message"] and new_fpr in out.json["errors"][0]["message"]
        out = cli("--json", "submit", str(second), "--yes", "--accept-new-key", env=env)
        assert out.exit_code == 0 and out.json["data"]["key"]["fingerprint"] == new_fpr
        assert b"Tweede" in other.decrypt(armored_part(smtp.messages[-1]["content"]))
    finally:
        other.close()


def test_api_channel_sends_an_encrypted_document_with_idempotency_key(cli, https, pki, zone, municipality, tmp_path):
    serve(https, municipality.key)
    receiver = Receiver(Recipient(municipality.gpg, municipality.fpr, None), token="api-tok-1")
    https.add("/cvd/reports", receiver, host="api.gemeente.test")
    env = env_for(https, pki, zone, CVD_API_URL="https://api.gemeente.test/cvd/reports", CVD_API_TOKEN="api-tok-1")
    out = cli("--json", "submit", str(write_report(tmp_path)), "--yes", "--via", "api", env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    (request,) = [r for r in https.log if r["path"] == "/cvd/reports"]
    body = json.loads(request["body"])
    assert request["headers"]["Idempotency-Key"] == body["report_id"] == out.json["data"]["report_id"]
    assert CANARY not in request["body"].decode() and CANARY not in request["path"]
    (doc,) = receiver.reports
    assert doc["vulnerability"]["title"] == TITLE


def test_github_channel_warns_that_it_is_not_end_to_end_encrypted(cli, https, pki, zone, tmp_path):
    github = FakeGitHub().install(https)
    env = env_for(https, pki, zone, CVD_GITHUB_API_URL="https://api.github.test", GITHUB_TOKEN=GITHUB_TOKEN)
    out = cli("--json", "submit", str(write_report(tmp_path)), "--yes", "--via", "github", "--repo", REPO, env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    assert "not end-to-end encrypted" in out.stderr
    (created,) = github.created
    assert created["summary"] == TITLE and created["cwe_ids"] == ["CWE-79"]


def test_invalid_report_is_exit_3_before_any_network(cli, https, pki, zone, tmp_path):
    report = write_report(tmp_path, reporter={"name": "Alex"})
    out = cli("--json", "submit", str(report), "--yes", env=env_for(https, pki, zone))
    assert out.exit_code == 3 and https.log == []
    assert any(f["code"] == "no_contact" for f in out.json["errors"][0]["data"]["findings"])


def test_follow_up_and_publication_notice_go_encrypted_to_the_same_address(cli, https, pki, zone, smtp,
                                                                           municipality, tmp_path):
    serve(https, municipality.key)
    env = env_for(https, pki, zone, smtp)
    rid = cli("--json", "submit", str(write_report(tmp_path)), "--yes", env=env).json["data"]["report_id"]
    out = cli("--json", "follow-up", rid, "--message", f"Is het aangekomen? {CANARY}", "--yes", "--lang", "nl",
              env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    raw = smtp.messages[-1]["content"]
    outer = email.message_from_bytes(raw, policy=email.policy.default)
    assert rid in outer["Subject"] and CANARY not in "".join(f"{k}{v}" for k, v in outer.items())
    inner = email.message_from_bytes(municipality.gpg.decrypt(armored_part(raw)), policy=email.policy.default)
    assert f"Herinnering bij melding kwetsbaarheid {rid}" == inner["Subject"]
    assert CANARY in inner.get_body(("plain",)).get_content()
    assert cli("follow-up", rid, "--yes", env=env).exit_code == 3  # once a week
    assert cli("notify-publication", rid, "--date", "2030-06-01", "--yes", env=env).exit_code == 3  # not fixed
    assert cli("mark", rid, "fixed", env=env).exit_code == 0
    out = cli("notify-publication", rid, "--date", "2030-06-01", "--yes", env=env)
    assert out.exit_code == 0, out.stderr
    inner = municipality.gpg.decrypt(armored_part(smtp.messages[-1]["content"]))
    assert b"2030-06-01" in inner and len(smtp.messages) == 3
    timeline = cli("--json", "status", rid, env=env).json["data"]["deliveries"]
    assert [d["kind"] for d in timeline] == ["report", "follow_up", "publication_notice"]


def test_signed_with_the_reporters_own_key_gpg_sees_a_good_signature(cli, https, pki, zone, smtp, municipality,
                                                                      tmp_path):
    serve(https, municipality.key)
    reporter = GnuPG()
    try:
        fpr = reporter.gen("Alex <alex@example.org>")
        key_file = tmp_path / "alex-secret.asc"
        key_file.write_bytes(reporter.gpg("--armor", "--export-secret-keys", fpr))
        municipality.gpg.gpg("--import", input=reporter.export(fpr))
        reporter.gpg("--passphrase", "zeer-geheim", "--quick-gen-key", "Locked <locked@example.org>",
                     "future-default", "default", "never")
        locked = tmp_path / "locked-secret.asc"
        locked.write_bytes(reporter.gpg("--passphrase", "zeer-geheim", "--armor", "--export-secret-keys",
                                        reporter.fpr("locked@example.org")))
    finally:
        reporter.close()
    env = env_for(https, pki, zone, smtp)
    out = cli("--json", "submit", str(write_report(tmp_path)), "--yes", "--sign-with", str(key_file), env=env)
    assert out.exit_code == 0, out.stdout + out.stderr
    inner, status = municipality.gpg.decrypt_status(armored_part(smtp.messages[-1]["content"]))
    assert f"VALIDSIG {fpr}" in status and CANARY.encode() in inner

    (tmp_path / "again").mkdir()
    second = write_report(tmp_path / "again", vulnerability={"title": "Tweede", "description": "anders"})
    out = cli("--json", "submit", str(second), "--yes", "--sign-with", str(locked), env=env)
    assert out.exit_code == 8 and out.json["errors"][0]["code"] == "passphrase_needed"  # no terminal to ask
    out = cli("--json", "submit", str(second), "--yes", "--sign-with", str(locked),
              env=dict(env, CVD_SIGNING_PASSPHRASE="zeer-geheim"))
    assert out.exit_code == 0, out.stdout + out.stderr
    assert "zeer-geheim" not in out.stdout + out.stderr


def test_security_txt_is_fetched_once_per_submit(cli, https, pki, zone, smtp, municipality, tmp_path):
    serve(https, municipality.key)
    out = cli("submit", str(write_report(tmp_path)), "--yes", env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 0, out.stderr
    fetched = [r for r in https.log if r["path"] == "/.well-known/security.txt" and r["host"] == "www.gemeente.test"]
    assert len(fetched) == 1  # the scope check's lookup is reused for discovery


def test_an_expired_security_txt_is_used_only_with_a_loud_warning(cli, https, pki, zone, smtp, municipality,
                                                                  tmp_path):
    serve(https, municipality.key)
    https.add("/.well-known/security.txt", security_txt(expires="2025-01-01T00:00:00Z"), host="www.gemeente.test")
    out = cli("submit", str(write_report(tmp_path)), "--dry-run", env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 0, out.stderr
    assert "EXPIRED on 2025-01-01" in out.stdout + out.stderr


def test_every_attachment_is_listed_with_where_it_really_is(cli, https, pki, zone, smtp, municipality, tmp_path):
    """A symlink beside the report that points elsewhere travels only with a warning, and the plan
    lists each file as read: the path given, the resolved path, size and SHA-256."""
    import hashlib
    serve(https, municipality.key)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "notes.txt").write_text("harmless but not in the report folder\n")
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "link.txt").symlink_to(elsewhere / "notes.txt")
    report = write_report(folder, evidence=[{"path": "request.txt"}, {"path": "link.txt"}])
    out = cli("--json", "submit", str(report), "--dry-run", env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 0, out.stderr
    listed = {a["path"]: a for a in out.json["data"]["attachments"]}
    assert listed["request.txt"]["sha256"] == hashlib.sha256(EVIDENCE).hexdigest()
    assert listed["request.txt"]["outside_report_folder"] is False
    assert listed["link.txt"]["resolved"] == str((elsewhere / "notes.txt").resolve())
    assert listed["link.txt"]["outside_report_folder"] is True
    assert "evidence_outside_folder" in {f["code"] for f in out.json["findings"]}
    text = cli("submit", str(report), "--dry-run", env=env_for(https, pki, zone, smtp))
    assert "OUTSIDE the report's folder" in text.stdout + text.stderr


def test_a_report_marked_sent_by_hand_never_leaves_again(cli, https, pki, zone, smtp, municipality, tmp_path):
    """Exactly once, whichever way it left: the reporter mailed the queued report from their own mail
    client and said so with `mark ID sent`; neither `outbox send` nor a new `submit` sends it again."""
    serve(https, municipality.key)
    report = write_report(tmp_path)
    queued = cli("--json", "submit", str(report), "--yes", env=env_for(https, pki, zone))  # no SMTP: outbox
    assert queued.exit_code == 0, queued.stdout
    rid = queued.json["data"]["report_id"]
    assert cli("mark", rid, "sent").exit_code == 0

    with_smtp = env_for(https, pki, zone, smtp)
    out = cli("--json", "outbox", "send", env=with_smtp)
    assert out.exit_code == 0, out.stdout + out.stderr
    assert out.json["data"]["sent"] == [] and len(out.json["data"]["skipped"]) == 1
    assert "marked sent by hand" in out.json["findings"][0]["message"]
    again = cli("--json", "submit", str(report), "--yes", env=with_smtp)
    assert again.exit_code == 0 and again.json["data"]["status"] == "already_sent"
    assert smtp.messages == []


def test_no_secret_reaches_any_output_channel(cli, https, pki, zone, smtp, municipality, tmp_path, isolated_env):
    """The SMTP password, API and GitHub tokens and the signing passphrase never appear on the terminal,
    in --json, in any file in the home (record database, outbox, pins, drafts) or in a sent message,
    through a whole life: submit, a failed login, status, config, outbox, follow-up, export."""
    serve(https, municipality.key)
    secrets = {"CVD_API_TOKEN": "api-tok-Zq81c", "GITHUB_TOKEN": "ghp_canaryTokEn9876543210",
               "CVD_SIGNING_PASSPHRASE": "sign-pass-Kx22"}
    env = env_for(https, pki, zone, smtp, **secrets)
    canaries = [PASSWORD, *secrets.values()]
    outputs = []

    def run(*args: str, **kw):
        out = cli(*args, env=kw.get("env", env))
        outputs.append(out.stdout + out.stderr)
        return out

    report = write_report(tmp_path)
    run("--json", "config", "show")
    run("config", "show")
    run("--json", "submit", str(report), "--dry-run")
    assert run("--json", "submit", str(report), "--yes").exit_code == 0 and len(smtp.messages) == 1
    rid = cli("--json", "status", env=env).json["data"]["reports"][0]["id"]
    run("status", rid)
    run("--json", "outbox", "list")
    run("--json", "follow-up", rid, "--message", "Is het aangekomen?", "--yes")
    run("--json", "export", rid)
    wrong = dict(env, CVD_SMTP_PASSWORD=PASSWORD + "-wrong")
    (tmp_path / "second").mkdir()
    second = write_report(tmp_path / "second", vulnerability={"title": "Tweede", "description": "Nog een"})
    assert run("--json", "submit", str(second), "--yes", env=wrong).exit_code == 7  # the login is refused
    canaries.append(PASSWORD + "-wrong")
    files = [p for p in isolated_env.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".sqlite3") for p in files)  # the record database is among them
    for canary in canaries:
        assert not any(canary in o for o in outputs), canary
        assert not any(canary.encode() in p.read_bytes() for p in files), canary
        assert not any(canary.encode() in m["content"] for m in smtp.messages), canary


def test_a_second_submit_while_the_first_is_sending_says_so_and_sends_nothing(cli, https, pki, zone, smtp,
                                                                              municipality, tmp_path, isolated_env):
    """Two submits of one report at the same moment: the one that finds the entry locked does not fail
    with exit 3; it says the report is being sent by the other run, and the report leaves once."""
    from cvd_reporter.delivery.outbox import Outbox
    serve(https, municipality.key)
    report = write_report(tmp_path)
    queued = cli("--json", "submit", str(report), "--yes", env=env_for(https, pki, zone))  # no SMTP yet
    entry_id = queued.json["data"]["outbox_id"]
    with Outbox(isolated_env).sending(entry_id):  # the other run, in the middle of sending
        out = cli("--json", "submit", str(report), "--yes", env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 0, out.stdout + out.stderr
    assert out.json["data"]["status"] == "in_progress" and "leaves once" in out.json["data"]["hint"]
    assert smtp.messages == []


def test_a_delivery_the_record_cannot_take_is_journaled_and_added_on_the_next_run(cli, https, pki, zone, municipality,
                                                                                    tmp_path, isolated_env):
    """The record is locked by another program the moment the mail is accepted: the report has left,
    and that fact must not be lost. It waits in the journal and the next command adds it."""
    import sqlite3

    holder: list[sqlite3.Connection] = []

    class LockAfterData(Capture):
        async def handle_DATA(self, server, session, envelope):
            answer = await super().handle_DATA(server, session, envelope)
            db = sqlite3.connect(str(isolated_env / "record.sqlite3"), isolation_level=None, check_same_thread=False)
            db.execute("BEGIN EXCLUSIVE")  # another program holds the record from now on
            holder.append(db)
            return answer

    serve(https, municipality.key)
    with LocalSMTP(pki.chain, pki.key, capture=LockAfterData()) as server:
        out = cli("--json", "submit", str(write_report(tmp_path)), "--yes", env=env_for(https, pki, zone, server))
        assert len(server.messages) == 1  # it left
    assert out.exit_code == 0, out.stdout + out.stderr
    assert out.json["data"]["status"] == "sent" and "journal" in out.json["data"]["hint"]
    journal = isolated_env / "record-journal.jsonl"
    assert journal.exists() and stat.S_IMODE(journal.stat().st_mode) == 0o600
    holder.pop().execute("ROLLBACK")  # the other program is done
    rid = out.json["data"]["report_id"]
    shown = cli("--json", "status", rid).json["data"]
    assert shown["state"] == "sent" and [d["kind"] for d in shown["deliveries"]] == ["report"]
    assert not journal.exists()
    again = cli("--json", "submit", str(write_report(tmp_path)), "--yes", env=env_for(https, pki, zone))
    assert again.json["data"]["status"] == "already_sent"  # and so it is never sent twice


def test_the_record_keeps_no_report_content_and_shows_the_title_from_the_file(cli, https, pki, zone, smtp,
                                                                             municipality, tmp_path, isolated_env):
    serve(https, municipality.key)
    report = write_report(tmp_path)
    rid = cli("--json", "submit", str(report), "--yes", env=env_for(https, pki, zone, smtp)).json["data"]["report_id"]
    assert CANARY.encode() not in (isolated_env / "record.sqlite3").read_bytes()  # neither title nor description
    shown = cli("--json", "status", rid)
    assert shown.json["data"]["title"] == TITLE and TITLE in cli("status", rid).stdout
    report.unlink()
    assert "the record keeps no title" in cli("status", rid).stdout
