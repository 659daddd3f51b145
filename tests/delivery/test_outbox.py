"""The outbox: only encrypted messages, private files, attempts with answers, never sent twice.

The CLI tests send through aiosmtpd on loopback and decrypt what arrived with real gpg.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from cvd_reporter.core import mime
from cvd_reporter.delivery.outbox import Outbox, entry_id
from cvd_reporter.delivery.send import send_entry
from cvd_reporter.errors import DeliveryError, StoreError
from tests.servers.smtp import Capture, LocalSMTP
from tests.support.delivery import CANARY, FROM_ADDR, REPORT_ID, TO, build_message, smtp_env, smtp_settings


def save_email(box: Outbox, message: bytes, **kw):
    return box.save(report_id=kw.pop("report_id", REPORT_ID), channel="email", recipient=TO, payload=message,
                    key=mime.header_of(message, "Message-ID"),
                    route={"mail_from": FROM_ADDR, "rcpt_to": [TO]}, **kw)


class DataLog(Capture):
    """Remembers the Message-ID and bytes of every DATA the server saw, refused or not."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.seen: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.seen.append(envelope.content)
        return await super().handle_DATA(server, session, envelope)


# ---- the store ------------------------------------------------------------------------------
def test_saved_message_is_private_and_named_only_by_id(tmp_path: Path, encrypted_message):
    box = Outbox(tmp_path)
    entry = save_email(box, encrypted_message)
    assert entry.path.read_bytes() == encrypted_message
    assert stat.S_IMODE(box.dir.stat().st_mode) == 0o700
    for f in box.dir.iterdir():
        if not f.name.endswith(".lock"):
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
        assert CANARY not in f.name and f.name.startswith(entry.id)
    meta = json.loads((box.dir / f"{entry.id}.meta.json").read_text())
    assert meta["outbox"] == 1 and meta["key"] == mime.message_id_for(REPORT_ID, "reporter.test")
    assert (meta["encrypted"], meta["plaintext"], meta["state"]) == (True, False, "pending")
    assert CANARY not in json.dumps(meta)


@pytest.mark.parametrize("channel, payload", [
    ("email", b"From: a@b.test\r\nSubject: plain report " + CANARY.encode() + b"\r\n\r\nbody\r\n"),
    ("api", json.dumps({"schema": "cvd-submission/1", "report_id": REPORT_ID, "encryption": "none",
                        "report": {"title": CANARY}}).encode()),
    ("api", json.dumps({"schema": "cvd-submission/1", "report_id": REPORT_ID, "encryption": "openpgp",
                        "message": "not armored " + CANARY}).encode()),
    ("github", json.dumps({"vulnerability": {"title": CANARY}}).encode()),
])
def test_plaintext_is_refused_unless_allowed_and_then_marked(tmp_path, channel, payload):
    box = Outbox(tmp_path)
    with pytest.raises(StoreError) as e:
        box.save(report_id=REPORT_ID, channel=channel, recipient="x", payload=payload, key=REPORT_ID)
    assert e.value.code == "not_encrypted" and box.list() == []
    entry = box.save(report_id=REPORT_ID, channel=channel, recipient="x", payload=payload, key=REPORT_ID,
                     allow_plaintext=True)
    assert entry.plaintext and not entry.encrypted


def test_encrypted_flag_comes_from_the_bytes_not_the_caller(tmp_path, encrypted_message):
    # a multipart/encrypted shell whose "ciphertext" is the report in the clear is still plaintext
    forged = encrypted_message.split(b"-----BEGIN PGP MESSAGE-----")[0] + CANARY.encode() + b"\r\n--x--\r\n"
    with pytest.raises(StoreError):
        save_email(Outbox(tmp_path), forged)


def test_attempts_and_sent_state_are_recorded(tmp_path, encrypted_message):
    box = Outbox(tmp_path)
    entry = save_email(box, encrypted_message)
    box.record_attempt(entry.id, False, "451 4.7.1  Greylisted,\r\n try later", code="temporary_failure")
    box.record_attempt(entry.id, True, "250 2.0.0 accepted")
    done = box.mark_sent(entry.id, receipt={"code": 250})
    again = Outbox(tmp_path).get(entry.id)
    assert [(a.ok, a.answer, a.code) for a in again.attempts] == [
        (False, "451 4.7.1 Greylisted, try later", "temporary_failure"), (True, "250 2.0.0 accepted", None)]
    assert again.state == "sent" and again.sent_at == done.sent_at and again.receipt == {"code": 250}
    with pytest.raises(StoreError) as e:
        box.mark_sent(entry.id)
    assert e.value.code == "already_sent"


def test_saving_again_keeps_one_entry_and_refuses_after_sending(tmp_path, recipient, encrypted_message):
    box = Outbox(tmp_path)
    first = save_email(box, encrypted_message)
    box.record_attempt(first.id, False, "451 later")
    reencrypted = build_message(recipient)  # new ciphertext, same report, same Message-ID
    assert reencrypted != encrypted_message
    second = save_email(box, reencrypted)
    assert second.id == first.id and len(box.list()) == 1 and len(second.attempts) == 1
    assert box.read(second) == reencrypted
    box.mark_sent(first.id)
    with pytest.raises(StoreError) as e:
        save_email(box, reencrypted)
    assert e.value.code == "already_sent"


def test_get_by_report_id_and_unknown_ids(tmp_path, encrypted_message):
    box = Outbox(tmp_path)
    entry = save_email(box, encrypted_message)
    assert box.get(REPORT_ID).id == entry.id and box.get(entry.id[:6]).id == entry.id
    with pytest.raises(StoreError) as e:
        box.get("nothing-like-this")
    assert e.value.code == "not_found"


def test_tampered_message_is_not_sent(tmp_path, pki, encrypted_message):
    box = Outbox(tmp_path)
    entry = save_email(box, encrypted_message)
    entry.path.write_bytes(encrypted_message.replace(b"Subject:", b"Subject: x"))
    with pytest.raises(StoreError) as e:
        send_entry(box, entry.id, settings=smtp_settings(pki, 1))
    assert e.value.code == "outbox_corrupt"


def test_a_second_sender_is_locked_out(tmp_path, encrypted_message):
    box = Outbox(tmp_path)
    entry = save_email(box, encrypted_message)
    with box.sending(entry.id), pytest.raises(StoreError) as e:
        send_entry(Outbox(tmp_path), entry.id, settings=None)
    assert e.value.code == "busy"


# ---- sending through SMTP -------------------------------------------------------------------
def test_retry_after_451_sends_the_same_message_id_and_then_never_again(tmp_path, pki, recipient,
                                                                          encrypted_message, monkeypatch):
    monkeypatch.setenv("CVD_SMTP_PASSWORD", "s3cret-Pa55")
    box = Outbox(tmp_path)
    entry = save_email(box, encrypted_message)
    log = DataLog(data_script=["451 4.3.0 Temporary failure, try again"])
    with LocalSMTP(pki.chain, pki.key, capture=log) as server:
        settings = smtp_settings(pki, server.port, environ=dict(os.environ))
        with pytest.raises(DeliveryError) as e:
            send_entry(box, entry.id, settings=settings)
        assert f"outbox send {entry.id}" in e.value.message and e.value.exit_code == 7
        done = send_entry(box, entry.id, settings=settings)
        with pytest.raises(StoreError) as again:
            send_entry(box, entry.id, settings=settings)
    assert again.value.code == "already_sent"
    assert len(log.seen) == 2 and len(server.messages) == 1
    ids = {mime.header_of(m, "Message-ID") for m in log.seen}
    assert ids == {entry.key} and log.seen[0] == log.seen[1] == encrypted_message
    assert CANARY.encode() in recipient.decrypt_message(server.messages[0]["content"])
    assert [(a.ok, a.code) for a in done.attempts] == [(False, "temporary_failure"), (True, "sent")]
    assert "451 4.3.0" in done.attempts[0].answer and done.receipt["code"] == 250


# ---- the CLI --------------------------------------------------------------------------------
def test_cli_outbox_list_and_send_with_retry(cli, pki, isolated_env, encrypted_message):
    entry = save_email(Outbox(isolated_env), encrypted_message)
    r = cli("outbox", "list", "--json")
    assert r.exit_code == 0 and [e["id"] for e in r.json["data"]["entries"]] == [entry.id]
    assert r.json["data"]["entries"][0]["state"] == "pending"

    log = DataLog(rcpt_script=["451 4.7.1 Greylisted"])
    with LocalSMTP(pki.chain, pki.key, capture=log) as server:
        env = smtp_env(pki, server.port)
        r = cli("outbox", "send", "--json", env=env)
        assert r.exit_code == 7 and r.json["data"]["failed"] == [entry.id]
        assert r.json["errors"][0]["code"] == "temporary_failure"
        assert env["CVD_SMTP_PASSWORD"] not in r.stdout + r.stderr
        r = cli("outbox", "send", entry.id, env=env)
        assert r.exit_code == 0 and f"Sent {entry.report_id}" in r.stdout  # the report id a person knows
        r = cli("outbox", "send", entry.id, "--json", env=env)
        assert r.exit_code == 0 and r.json["findings"][0]["code"] == "already_sent"
        r = cli("outbox", "send", env=env)
        assert r.exit_code == 0 and "Nothing waits" in r.stdout
    assert len(server.messages) == 1
    listed = cli("outbox", "list").stdout
    assert entry.report_id in listed and "sent" in listed  # listed by the report id, the entry id in --json


def test_cli_send_without_smtp_explains_the_manual_way(cli, isolated_env, encrypted_message):
    entry = save_email(Outbox(isolated_env), encrypted_message)
    r = cli("outbox", "send", entry.id, "--json")
    assert r.exit_code == 7 and r.json["errors"][0]["code"] == "smtp_not_configured"
    assert str(entry.path) in r.json["errors"][0]["message"]
    assert Outbox(isolated_env).get(entry.id).attempts == []  # nothing was tried, nothing recorded


def test_cli_no_starttls_keeps_the_message(cli, pki, isolated_env, encrypted_message):
    entry = save_email(Outbox(isolated_env), encrypted_message)
    with LocalSMTP(pki.chain, pki.key, mode="plain") as server:
        r = cli("outbox", "send", entry.id, env=smtp_env(pki, server.port))
    assert r.exit_code == 7 and "STARTTLS" in r.stderr and f"outbox send {entry.id}" in r.stderr
    assert server.auth.calls == [] and server.messages == []
    kept = Outbox(isolated_env).get(entry.id)
    assert kept.state == "pending" and kept.attempts[-1].code == "starttls_missing"


def test_cli_unknown_id(cli):
    r = cli("outbox", "send", "deadbeef0000", "--json")
    assert r.exit_code == 3 and r.json["errors"][0]["code"] == "not_found"


def test_entry_id_is_stable():
    assert entry_id("email", "<a@b>") == entry_id("email", "<a@b>") != entry_id("api", "<a@b>")


def test_help_lists_outbox_even_before_submit_exists(cli):
    r = cli("--help")
    assert r.exit_code == 0 and "outbox" in r.stdout
    assert cli("outbox", "send", "--help").exit_code == 0


def test_sending_by_report_id_locks_the_entry_itself(tmp_path, encrypted_message):
    box = Outbox(tmp_path)
    entry = save_email(box, encrypted_message)
    with box.sending(entry.id), pytest.raises(StoreError) as e:
        send_entry(box, REPORT_ID, settings=None)  # the same entry, named by its report id
    assert e.value.code == "busy"
    assert sorted(p.name for p in box.dir.glob("*.lock")) == [f"{entry.id}.lock"]


def test_exit_code_7_reaches_the_shell(process, isolated_env, encrypted_message):
    entry = save_email(Outbox(isolated_env), encrypted_message)
    p = process("outbox", "send", entry.id, "--json", env={"CVD_REPORTER_HOME": str(isolated_env)})
    assert p.returncode == 7 and json.loads(p.stdout)["errors"][0]["code"] == "smtp_not_configured"
