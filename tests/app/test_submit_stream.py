"""submit streams the report e-mail (issue 16): large evidence arrives whole, gpg reads it with a
valid MDC, the message stays under 1.45x incompressible evidence, and the files it leaves are
private and complete. Real parts: the practice municipality's HTTPS, DNS and SMTP servers on
loopback, and real gpg holding the municipality's secret key."""

from __future__ import annotations

import email
import email.policy
import hashlib
import os
import stat
from pathlib import Path

import pytest
import yaml

from cvd_reporter.app.context import Context
from cvd_reporter.app.dispatch import RecordSession
from cvd_reporter.app.profiles import load_policy
from cvd_reporter.app.reportfile import check_report, load_report_file
from cvd_reporter.app.submit import SubmitOptions, deliver, plan_submission
from cvd_reporter.core import mime
from cvd_reporter.practice.run import practice_world, write_sample
from tests.servers.gpg import GnuPG


@pytest.fixture(scope="module")
def world():
    with practice_world(timeout=20) as w:
        yield w


@pytest.fixture(scope="module")
def org_gpg(world):
    from tests.support.oracles import require_gpg

    require_gpg()
    g = GnuPG()
    g.run("--import", input=world.org.key_armored.encode())
    yield g
    g.close()


def report_with(world, title: str, evidence: dict[str, bytes]):
    report = write_sample(world, "nl")
    data = yaml.safe_load(report.read_text())
    data["vulnerability"]["title"] = title
    data["evidence"] = []
    for name, content in evidence.items():
        (report.parent / name).write_bytes(content)
        data["evidence"].append({"path": name, "description": f"bewijs {name}"})
    report.write_text(yaml.safe_dump(data, allow_unicode=True))
    return report


def plan(world, report, **options):
    ctx = Context(world.settings)
    now = ctx.clock()
    opts = SubmitOptions(**options)
    checked = check_report(load_report_file(report, lang="nl"), policy=load_policy(world.settings.policy),
                           lang="nl", today=now.date())
    return plan_submission(checked, ctx=ctx, options=opts, now=now, lang="nl"), opts, now


def send(world, p, opts, now):
    ctx = Context(world.settings)
    with RecordSession(ctx.home) as records:
        return deliver(p, ctx=ctx, options=opts, now=now, records=records)


def test_large_evidence_arrives_whole_and_gpg_reads_it(world, org_gpg):
    capture = os.urandom(2_000_000)
    log = ("GET /zoeken?q=test HTTP/1.1\r\n" * 20000).encode()
    report = report_with(world, "Stream KANARIE-91c2 groot bewijs", {"capture.pcap": capture, "log.txt": log})
    seen: list[tuple[int, int]] = []
    p, opts, now = plan(world, report, via="email")
    opts.upload_meter = lambda sent, total: seen.append((sent, total))
    outcome = send(world, p, opts, now)
    assert outcome.status == "sent"
    raw = world.smtp.messages[-1]["content"]
    outer = email.message_from_bytes(raw, policy=email.policy.default)
    header = raw.split(b"\r\n\r\n", 1)[0]
    assert b"KANARIE" not in header and b"Stream" not in header  # no report content outside
    plain, status = org_gpg.decrypt_status(outer.get_payload()[1].get_payload(decode=True))
    assert "GOODMDC" in status and "DECRYPTION_OKAY" in status and "WARNING" not in status
    inner = email.message_from_bytes(plain, policy=email.policy.default)
    assert "KANARIE-91c2" in str(inner["Subject"])
    got = {a.get_filename(): a.get_payload(decode=True) for a in inner.iter_attachments()}
    assert got["capture.pcap"] == capture and got["log.txt"] == log
    # the message as kept in the outbox: what went out, private, and nothing half-written beside it
    entry_file = outcome.outbox_path
    assert Path(entry_file).read_bytes() == raw
    assert stat.S_IMODE(os.stat(entry_file).st_mode) == 0o600
    assert not [f for f in os.listdir(os.path.dirname(entry_file)) if f.endswith(".tmp")]
    assert p.plaintext_sha256 == hashlib.sha256(plain).hexdigest()
    assert seen[-1] == (len(raw), len(raw))  # the upload meter followed it to the end


def test_incompressible_evidence_stays_under_one_and_a_half_times(world):
    """The base64 inside the encryption is compressed back, so 17 MB of evidence fits a 25 MB mail."""
    size = 3_000_000
    report = report_with(world, "Stream grootte", {"recording.mp4": os.urandom(size)})
    p, _, _ = plan(world, report, via="outbox", dry_run=True)
    assert p.message_size <= 1.45 * size
    assert not any("25 MB" in w for w in p.warnings)


def test_a_dry_run_writes_only_the_output_file(world, tmp_path):
    report = report_with(world, "Stream proefdraai", {"shot.png": os.urandom(300_000)})
    out = tmp_path / "message.eml"
    p, opts, now = plan(world, report, via="outbox", dry_run=True, output=out)
    send(world, p, opts, now)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert mime.is_pgp_mime(out.read_bytes())
    assert out.stat().st_size == p.message_size
    assert [f.name for f in tmp_path.iterdir()] == ["message.eml"]

    p2, opts2, now2 = plan(world, report, via="outbox", dry_run=True)  # no --output: no file anywhere
    before = sorted(world.settings.home.rglob("*")) if world.settings.home.exists() else []
    send(world, p2, opts2, now2)
    after = sorted(world.settings.home.rglob("*")) if world.settings.home.exists() else []
    assert p2.written.path is None and p2.message_size > 300_000 and before == after


def outbox_files(world):
    folder = world.settings.home / "outbox"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_evidence_changed_while_streaming_sends_nothing_and_leaves_no_file(world):
    from cvd_reporter.errors import InputFileError

    report = report_with(world, "Stream gewijzigd", {"video.mp4": os.urandom(3_000_000)})
    before = outbox_files(world)

    def meddle(done, total):  # someone rewrites the file while it is being encrypted
        if done < total:
            (report.parent / "video.mp4").write_bytes(os.urandom(3_000_000))

    with pytest.raises(InputFileError) as caught:
        plan(world, report, via="outbox", meter=meddle)
    assert caught.value.code == "evidence_changed"
    assert outbox_files(world) == before


def test_not_confirmed_leaves_nothing_in_the_outbox(world):
    from cvd_reporter.app.submit import submit_report
    from cvd_reporter.errors import InputNeeded

    report = report_with(world, "Stream niet bevestigd", {"shot.png": os.urandom(200_000)})
    before = outbox_files(world)
    with pytest.raises(InputNeeded):
        submit_report(report, ctx=Context(world.settings), lang="nl", confirm=lambda _summary: False,
                      options=SubmitOptions(via="outbox"))
    assert outbox_files(world) == before


def test_the_message_cap_is_checked_before_anything_is_written(world, monkeypatch):
    from cvd_reporter.core.pgp import encrypt as openpgp
    from cvd_reporter.errors import InputFileError

    monkeypatch.setattr(openpgp, "MAX_MESSAGE_BYTES", 400_000)  # stands in for 256 MiB, to keep it quick
    report = report_with(world, "Stream te groot", {"dump.bin": os.urandom(300_000)})  # 400 kB as base64
    before = outbox_files(world)
    with pytest.raises(InputFileError) as caught:
        plan(world, report, via="outbox")
    assert caught.value.code == "too_large" and outbox_files(world) == before
