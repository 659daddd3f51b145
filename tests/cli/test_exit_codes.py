"""One test per documented exit code (README "Exit codes"), each through the real command line.

Most codes are also covered where their feature is tested; this file pins the contract in one place.
"""

from __future__ import annotations

from tests.servers.gpg import GnuPG
from tests.servers.smtp import LocalSMTP
from tests.support.municipality import env_for, serve, write_report
from tests.support.paths import ROOT


def test_0_success(cli):
    assert cli("schema").exit_code == 0


def test_1_internal_error_is_one_sentence(cli, monkeypatch):
    from cvd_reporter.core import model

    monkeypatch.setattr(model, "json_schema", lambda: 1 / 0)  # a bug inside a command
    out = cli("schema")
    assert out.exit_code == 1 and "--debug" in out.stderr and "Traceback" not in out.stderr


def test_2_usage(cli):
    assert cli("validate").exit_code == 2
    assert cli("no-such-command").exit_code == 2


def test_3_validation(cli, tmp_path):
    out = cli("validate", str(tmp_path / "missing.yaml"))
    assert out.exit_code == 3 and "does not exist" in out.stderr


def test_4_out_of_scope(cli, tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("id: p\nscope:\n  include: {networks: [198.51.100.0/24]}\n  exclude: {networks: [192.0.2.0/24]}\n")
    out = cli("scope", "--policy", str(policy), "--no-securitytxt", "192.0.2.7")
    assert out.exit_code == 4, out.stdout + out.stderr


def test_5_nothing_found(cli, https, pki):
    out = cli("discover", "https://www.gemeente.test/", "--ca-bundle", pki.ca_pem, "--timeout", "2",
              *[a for m in https.connect_to("www.gemeente.test", "gemeente.test") for a in ("--connect-to", m)])
    assert out.exit_code == 5, out.stdout + out.stderr


def test_6_key_not_usable(cli, https, pki, zone, tmp_path):
    gpg = GnuPG()
    try:
        fpr = gpg.gen("Gemeente CERT <security@gemeente.test>", expire="2020-01-01", faked_time="20190101T000000")
        serve(https, gpg.export(fpr))
    finally:
        gpg.close()
    out = cli("submit", str(write_report(tmp_path)), "--yes", env=env_for(https, pki, zone))
    assert out.exit_code == 6 and "expired" in out.stderr


def test_7_delivery_failed_and_kept(cli, https, pki, zone, municipality, tmp_path):
    serve(https, municipality.key)
    with LocalSMTP(pki.chain, pki.key, mode="plain") as smtp:  # no STARTTLS: refused, nothing sent
        out = cli("submit", str(write_report(tmp_path)), "--yes", env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 7 and "outbox send" in out.stderr


def test_8_input_needed(cli):
    out = cli("new")  # no terminal here
    assert out.exit_code == 8 and "submit" in out.stderr


def test_130_interrupted(cli, monkeypatch):
    """A Ctrl-C inside a command (simulated here: a KeyboardInterrupt; the real keystroke is sent in
    tests/cli/test_wizard_pty.py) exits 130 and says nothing was sent."""
    from cvd_reporter.core import model

    def interrupt():
        raise KeyboardInterrupt

    monkeypatch.setattr(model, "json_schema", interrupt)
    out = cli("schema")
    assert out.exit_code == 130 and "nothing was sent" in out.stderr.lower() and "outbox" in out.stderr


def test_the_readme_documents_every_code():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Exit codes", 1)[1].split("##", 1)[0]
    for code in (0, 1, 2, 3, 4, 5, 6, 7, 8, 130):
        assert f"| {code} |" in table, code
