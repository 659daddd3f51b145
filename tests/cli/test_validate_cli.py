"""`cvd-reporter validate` as a user and a script see it: findings, exit codes, bad files, no writes."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import yaml

from cvd_reporter.app.reportfile import is_secret_key_packet
from tests.support.paths import EXAMPLES
from tests.support.report import GOOD


def write(tmp_path: Path, doc, name="report.yaml") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(doc) if name.endswith(".json") else yaml.safe_dump(doc, allow_unicode=True))
    return p


def snapshot(folder: Path) -> set[str]:
    return {str(p) for p in folder.rglob("*")}


def test_example_report_validates(cli, tmp_path):
    before = snapshot(EXAMPLES)
    out = cli("--json", "validate", str(EXAMPLES / "report.yaml"))
    assert out.exit_code == 0, out.stdout
    doc = out.json
    assert doc["data"]["valid"] is True and doc["data"]["policy"] == "nl-gemeente"
    assert not [f for f in doc["findings"] if f["severity"] == "error"]
    assert snapshot(EXAMPLES) == before  # validate writes nothing


def test_errors_give_exit_3_with_field_paths(cli, tmp_path):
    doc = dict(GOOD, reporter={"name": "Alex"}, vulnerability={"title": "t"})
    out = cli("--json", "validate", str(write(tmp_path, doc)))
    assert out.exit_code == 3
    found = {(f["code"], f.get("field")) for f in out.json["findings"]}
    assert ("no_contact", "reporter") in found
    assert ("missing_field", "vulnerability.description") in found


def test_human_output_in_dutch(cli, tmp_path):
    out = cli("--lang", "nl", "validate", str(write(tmp_path, dict(GOOD, reporter={"name": "Alex"}))))
    assert out.exit_code == 3
    assert "Laat minimaal één e-mailadres of telefoonnummer achter" in out.stdout


def test_json_report_file_is_read_too(cli, tmp_path):
    out = cli("validate", str(write(tmp_path, GOOD, "r.json")))
    assert out.exit_code == 0, out.stdout + out.stderr


@pytest.mark.parametrize("content, needle", [
    ("schema: cvd-report/1\nreporter: [unclosed\n", "line 3, column 1"),
    ("schema: cvd-report/1\n  bad: indent\n", "line 2"),
    ("a: &x [1]\nb: *x\n", "aliases are not allowed"),
    ("", "is empty"),
])
def test_malformed_yaml_says_where(cli, tmp_path, content, needle):
    p = tmp_path / "r.yaml"
    p.write_text(content)
    out = cli("validate", str(p))
    assert out.exit_code == 3 and needle in out.stderr and "Traceback" not in out.stderr


def test_malformed_json_says_line_and_column(cli, tmp_path):
    p = tmp_path / "r.json"
    p.write_text('{"schema": "cvd-report/1",\n "reporter": }')
    out = cli("--json", "validate", str(p))
    assert out.exit_code == 3
    err = out.json["errors"][0]
    assert "line 2, column 14" in err["message"] and err["data"] == {"line": 2, "column": 14}


def test_binary_nonutf8_missing_and_huge_files(cli, tmp_path):
    (tmp_path / "bin.yaml").write_bytes(b"schema: x\x00\x01")
    (tmp_path / "latin.yaml").write_bytes("naam: Jos\xe9".encode("latin-1"))
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as fh:  # sparse: 100 MB without writing 100 MB
        fh.truncate(100 * 1024 * 1024)
    cases = {"bin.yaml": "binary file", "latin.yaml": "not UTF-8", "missing.yaml": "does not exist",
             "huge.yaml": "the limit is 5 MiB"}
    for name, needle in cases.items():
        out = cli("validate", str(tmp_path / name))
        assert out.exit_code == 3 and needle in out.stderr, (name, out.stderr)


def test_wrong_type_and_unknown_field(cli, tmp_path):
    doc = dict(GOOD, reporter={"name": "Alex", "emial": "a@example.org"}, target="https://x.test")
    out = cli("validate", str(write(tmp_path, doc)))
    assert out.exit_code == 3
    assert "did you mean 'reporter.email'" in out.stdout
    assert "target should be a mapping of fields, not text" in out.stdout


def test_missing_evidence_and_lint_hits_in_evidence(cli, tmp_path):
    (tmp_path / "ev.txt").write_text("Gevonden: IBAN NL91ABNA0417164300 van een inwoner\n")
    doc = dict(GOOD, evidence=[{"path": "ev.txt"}, {"path": "nope.png"}])
    out = cli("--json", "validate", str(write(tmp_path, doc)))
    assert out.exit_code == 3
    codes = {f["code"] for f in out.json["findings"]}
    assert "evidence_missing" in codes
    assert any(c.startswith("lint_") and "iban" in c for c in codes), codes
    assert "NL91ABNA0417164300" not in out.stdout  # findings never repeat the full secret


def test_policy_option_and_unknown_policy(cli, tmp_path):
    out = cli("validate", str(write(tmp_path, GOOD)), "--policy", "no-such-policy")
    assert out.exit_code == 3 and "nl-gemeente" in out.stderr


def test_lint_hits_in_the_report_name_their_field(cli, tmp_path):
    doc = dict(GOOD, vulnerability=dict(GOOD["vulnerability"],
                                        description="Login works with password=Zomer2026!Zomer for every user."))
    out = cli("--json", "--lang", "nl", "validate", str(write(tmp_path, doc)))
    (hit,) = [f for f in out.json["findings"] if f["code"].startswith("lint_")]
    assert hit["field"] == "vulnerability.description" and hit["severity"] == "warning"
    assert "Zomer2026!Zomer" not in out.stdout


@pytest.mark.parametrize("name, content, needle", [
    ("deep.yaml", "schema: cvd-report/1\nx: " + "[" * 10_000 + "]" * 10_000 + "\n", "nested more than"),
    ("deep.json", '{"schema": "cvd-report/1", "x": ' + "[" * 10_000 + "]" * 10_000 + "}", "nested more than"),
    ("shallow-but-deep.yaml", "schema: cvd-report/1\nx: " + "[" * 40 + "]" * 40 + "\n", "nested more than"),
    ("big.yaml", "schema: cvd-report/1\nx: " + "9" * 4_400 + "\n", "thousands of digits"),
    ("big.json", '{"schema": "cvd-report/1", "x": ' + "9" * 4_400 + "}", "thousands of digits"),
])
def test_hostile_shapes_are_one_sentence_and_exit_3(cli, tmp_path, name, content, needle):
    p = tmp_path / name
    p.write_text(content)
    out = cli("validate", str(p))
    assert out.exit_code == 3, out.stderr
    assert needle in out.stderr and "Internal error" not in out.stderr


def test_an_impossible_date_is_a_finding_on_its_field(cli, tmp_path):
    doc = dict(GOOD, conduct=dict(GOOD.get("conduct", {}), discovered="2026-02-30"))
    p = tmp_path / "r.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True).replace("'2026-02-30'", "2026-02-30"))
    assert "discovered: 2026-02-30" in p.read_text()  # an unquoted YAML date, as a person types it
    out = cli("--json", "validate", str(p))
    assert out.exit_code == 3, out.stdout + out.stderr
    assert ("invalid_date", "conduct.discovered") in {(f["code"], f.get("field")) for f in out.json["findings"]}


@pytest.mark.parametrize("title", ["Line one\nline two", "XSS\u2028Bcc: x@example.org", "tab\tand\rreturn"])
def test_a_title_with_a_line_break_is_refused_before_anything_is_built(cli, tmp_path, title):
    doc = dict(GOOD, vulnerability=dict(GOOD["vulnerability"], title=title))
    out = cli("--json", "validate", str(write(tmp_path, doc, "r.json")))
    assert out.exit_code == 3
    assert ("not_one_line", "vulnerability.title") in {(f["code"], f.get("field")) for f in out.json["findings"]}


@pytest.mark.parametrize("content, needle", [
    ("id: x\nresponse: {working_days: five}\n", "wrong type"),
    ("- 1\n- 2\n", "must be a mapping"),
    ("a: &x 1\nb: *x\n", "aliases"),
    ("id: x\nr: " + "[" * 10_000 + "]" * 10_000 + "\n", "nested more than"),
])
def test_malformed_policy_files_are_one_sentence(cli, tmp_path, content, needle):
    pol = tmp_path / "pol.yaml"
    pol.write_text(content)
    out = cli("validate", str(write(tmp_path, GOOD)), "--policy", str(pol))
    assert out.exit_code == 3, out.stderr
    assert needle in out.stderr and "Internal error" not in out.stderr


def _with_evidence(tmp_path: Path, evidence_path: str, **reporter) -> Path:
    doc = dict(GOOD, evidence=[{"path": evidence_path, "description": "x"}])
    if reporter:
        doc["reporter"] = dict(GOOD["reporter"], **reporter)
    return write(tmp_path, doc)


@pytest.mark.parametrize("target, reason", [
    ("/proc/self/environ", "system file"),   # the environment: tokens and passwords
    ("/dev/zero", "system file"),            # would fill memory
])
def test_system_files_are_never_evidence(cli, tmp_path, target, reason):
    out = cli("--json", "validate", str(_with_evidence(tmp_path, target)))
    assert out.exit_code == 3
    msgs = [f["message"] for f in out.json["findings"] if f["code"] == "evidence_unreadable"]
    assert msgs and reason in msgs[0]


def test_a_fifo_is_refused_without_hanging(cli, tmp_path):
    import os
    os.mkfifo(tmp_path / "pipe")  # nobody writes to it: reading it would block for ever
    out = cli("--json", "validate", str(_with_evidence(tmp_path, "pipe")))
    assert out.exit_code == 3
    assert any("not a regular file" in f["message"] for f in out.json["findings"])


def test_a_symlink_to_a_system_file_is_refused_too(cli, tmp_path):
    (tmp_path / "innocent.txt").symlink_to("/proc/self/environ")
    out = cli("--json", "validate", str(_with_evidence(tmp_path, "innocent.txt")))
    assert out.exit_code == 3
    assert any("system file" in f["message"] for f in out.json["findings"] if f["code"] == "evidence_unreadable")


SECRET_PEM = ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
              "QyNTUxOQAAACBkZXJwZGVycGRlcnBkZXJwZGVycGRlcnBkZXJwZGVycGRlcnAAAAAJgAAA\n"
              "-----END OPENSSH PRIVATE KEY-----\n")


def test_a_private_key_in_evidence_blocks_sending(cli, tmp_path):
    (tmp_path / "id_ed25519").write_text(SECRET_PEM)
    out = cli("--json", "validate", str(_with_evidence(tmp_path, "id_ed25519")))
    assert out.exit_code == 3
    assert "secret_key_material" in {f["code"] for f in out.json["findings"] if f["severity"] == "error"}


def test_a_secret_openpgp_key_as_reporter_key_is_refused(cli, tmp_path):
    (tmp_path / "ev.txt").write_text("GET / HTTP/1.1\n")
    (tmp_path / "mykey.asc").write_text("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlFgEZ0\n=abcd\n"
                                         "-----END PGP PRIVATE KEY BLOCK-----\n")
    out = cli("--json", "validate", str(_with_evidence(tmp_path, "ev.txt", pgp_key="mykey.asc")))
    assert out.exit_code == 3
    assert ("secret_key_material", "reporter.pgp_key") in {(f["code"], f.get("field")) for f in out.json["findings"]}


@pytest.mark.parametrize("algo", ["future-default", "rsa2048", "nistp256", "brainpoolP256r1", "dsa2048"])
def test_a_binary_secret_key_export_as_evidence_is_refused(cli, tmp_path, gnupg, algo):
    fpr = gnupg.gen(f"Evidence Secret {algo} <secret-{algo.lower()}@evidence.test>", algo, enc_algo="none")
    (tmp_path / "key.gpg").write_bytes(gnupg.export_secret(fpr))  # gpg --export-secret-keys, binary
    out = cli("--json", "validate", str(_with_evidence(tmp_path, "key.gpg")))
    assert out.exit_code == 3
    assert "secret_key_material" in {f["code"] for f in out.json["findings"]}


@pytest.mark.parametrize("head", [b"\x95", b"\x9c\x01", b"\xc5\x10\x04", b"\x95\x01\xd8\x04"])
def test_binary_evidence_that_merely_starts_like_a_key_packet_is_sent(cli, tmp_path, head):
    """A capture or a video starts with such a byte in one case in thirty; it is not a secret key.
    A fixed seed keeps the run repeatable; 2,000 samples per start are checked by the detector itself,
    one of them through `validate`."""
    rng = random.Random(int.from_bytes(head, "big"))
    samples = [head + rng.randbytes(4000) for _ in range(2000)]
    assert not any(is_secret_key_packet(sample) for sample in samples)
    (tmp_path / "capture.pcap").write_bytes(samples[0])
    out = cli("--json", "validate", str(_with_evidence(tmp_path, "capture.pcap")))
    assert "secret_key_material" not in {f["code"] for f in out.json["findings"]}


def test_reporter_key_that_is_not_a_public_key_block_is_refused(cli, tmp_path):
    (tmp_path / "ev.txt").write_text("GET / HTTP/1.1\n")
    (tmp_path / "notes.txt").write_text("just some text\n")
    out = cli("--json", "validate", str(_with_evidence(tmp_path, "ev.txt", pgp_key="notes.txt")))
    assert out.exit_code == 3
    assert "reporter_key_unusable" in {f["code"] for f in out.json["findings"]}


def test_a_folder_as_evidence_is_one_finding(cli, tmp_path):
    (tmp_path / "screens").mkdir()
    out = cli("--json", "validate", str(_with_evidence(tmp_path, "screens")))
    assert out.exit_code == 3, out.stderr
    assert any("not a regular file" in f["message"] for f in out.json["findings"] if f["code"] == "evidence_unreadable")


def test_lint_findings_are_capped_with_a_count_of_the_rest(cli, tmp_path):
    """Ten thousand e-mail addresses in one evidence file give a readable list, not ten thousand lines."""
    (tmp_path / "dump.txt").write_text("".join(f"burger{i}@inwoners.example\n" for i in range(10_000)))
    out = cli("--json", "validate", str(_with_evidence(tmp_path, "dump.txt")))
    found = [f for f in out.json["findings"] if f["code"].startswith("lint_")]
    more = [f for f in found if f["code"] == "lint_more"]
    assert len(found) <= 102 and len(more) == 1
    assert "9,900" in more[0]["message"] or "9900" in more[0]["message"]


@pytest.mark.parametrize("response, needle", [
    ("{working_days: 5, calendar: mars}", "Unknown working-day calendar"),
    ("{working_days: 99999}", "0 to 3660"),
])
def test_a_policy_whose_deadline_cannot_be_computed_is_refused_when_read(cli, tmp_path, response, needle):
    """Not when the sent report is recorded: everything that can fail is checked before anything leaves."""
    pol = tmp_path / "pol.yaml"
    pol.write_text(f"id: x\nresponse: {response}\n")
    out = cli("validate", str(write(tmp_path, GOOD)), "--policy", str(pol))
    assert out.exit_code == 3 and needle in out.stderr
