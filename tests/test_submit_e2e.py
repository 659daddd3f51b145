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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from cvd_reporter.core.wkd import wkd_hash
from tests.servers.gpg import GnuPG
from tests.servers.https import LocalHTTPS, Response
from tests.servers.smtp import PASSWORD, USER, Capture, LocalSMTP
from tests.test_api import Receiver
from tests.test_github import REPO, FakeGitHub
from tests.test_github import TOKEN as GITHUB_TOKEN
from tests.test_report_model import ALL_ATTESTATIONS

CANARY = "KANARIE-7f3a"
TITLE = f"XSS in zoeken {CANARY}"
DESCRIPTION = f"De parameter q wordt ongefilterd teruggegeven ({CANARY}-beschrijving)."
EVIDENCE = b"GET /zoeken?q=<script>alert(1)</script>\r\nHTTP/1.1 200 OK\r\n\x00binary-tail"
HOSTS = ("gemeente.test", "www.gemeente.test", "openpgpkey.gemeente.test", "keys.test", "api.gemeente.test",
         "api.github.test")


@dataclass
class Municipality:
    gpg: GnuPG
    fpr: str
    key: bytes


def _security_txt(expires: str = "2030-01-01T00:00:00Z", encryption: bool = True) -> str:
    lines = ["Contact: mailto:security@gemeente.test", "Contact: https://www.gemeente.test/melden"]
    if encryption:
        lines.append(f"Encryption: https://openpgpkey.gemeente.test/.well-known/openpgpkey/gemeente.test/hu/"
                     f"{wkd_hash('security')}")
    lines += [f"Expires: {expires}", "Preferred-Languages: nl, en",
              "Canonical: https://www.gemeente.test/.well-known/security.txt"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def municipality() -> Iterator[Municipality]:
    from tests.conftest import require_gpg

    require_gpg()
    gpg = GnuPG()
    fpr = gpg.gen("Gemeente CERT <security@gemeente.test>")
    yield Municipality(gpg, fpr, gpg.export(fpr))
    gpg.close()


def serve(https: LocalHTTPS, key: bytes | None, *, encryption: bool = True) -> None:
    https.add("/.well-known/security.txt", _security_txt(encryption=encryption), host="www.gemeente.test")
    if key is not None:
        for path in (f"/.well-known/openpgpkey/gemeente.test/hu/{wkd_hash('security')}",):
            https.add(path, Response(200, key, "application/octet-stream"), host="openpgpkey.gemeente.test")


@pytest.fixture
def zone(dns):
    dns.resolver.add_zone("www A 127.0.0.1\nopenpgpkey A 127.0.0.1\n@ A 127.0.0.1\nsmtp A 127.0.0.1",
                          "gemeente.test")
    return dns


def env_for(https, pki, dns, smtp: LocalSMTP | None = None, **extra: str) -> dict[str, str]:
    mapping = https.connect_to(*HOSTS)
    env = {"CVD_CA_BUNDLE": pki.ca_pem, "CVD_TIMEOUT": "3", "CVD_DNS_SERVER": dns.address,
           "CVD_KEYSERVER": "https://keys.test", "CVD_SMTP_FROM": "alex@example.org"}
    if smtp is not None:
        mapping.append(f"smtp.gemeente.test:587:127.0.0.1:{smtp.port}")
        env.update(CVD_SMTP_HOST="smtp.gemeente.test", CVD_SMTP_PORT="587", CVD_SMTP_USER=USER,
                   CVD_SMTP_PASSWORD=PASSWORD)
    env["CVD_CONNECT_TO"] = ",".join(mapping)
    env.update(extra)
    return env


def write_report(folder: Path, **changes) -> Path:
    (folder / "request.txt").write_bytes(EVIDENCE)
    doc = {
        "schema": "cvd-report/1",
        "reporter": {"name": "Alex", "email": "alex@example.org"},
        "target": {"urls": ["https://www.gemeente.test/zoeken"]},
        "vulnerability": {"title": TITLE, "description": DESCRIPTION, "steps": ["Open /zoeken?q=<script>"],
                          "cwe": "CWE-79"},
        "evidence": [{"path": "request.txt", "description": "het verzoek"}],
        "conduct": {"attestations": ALL_ATTESTATIONS},
        "disclosure": {"intent": "after-fix", "credit": "pseudonym"},
    }
    doc.update(changes)
    path = folder / "report.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return path


def armored_part(raw: bytes) -> bytes:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/encrypted"
    return msg.get_payload()[1].get_payload(decode=True)


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
    data = yaml.safe_load((Path(__file__).parent.parent / "cvd_reporter/data/policies/nl-gemeente.yaml").read_text())
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
    assert out.exit_code == 5 and smtp.messages == []
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
    from tests.delivery_fixtures import Recipient

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
    https.add("/.well-known/security.txt", _security_txt(expires="2025-01-01T00:00:00Z"), host="www.gemeente.test")
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
