"""The command line as a user and a script see it: help, version, the envelope, config, exit codes."""

from __future__ import annotations

import json
import os
import stat

import pytest

from cvd_reporter import __version__
from tests.support.paths import EXAMPLES, ROOT

EXAMPLE = EXAMPLES / "report.yaml"
ENVELOPE_KEYS = {"cvd_reporter", "command", "status", "exit_code", "data", "findings", "errors"}


def test_python_dash_m_and_version(process):
    p = process("--version")
    assert p.returncode == 0 and __version__ in p.stdout.decode()
    p = process("--help")
    assert p.returncode == 0 and "validate" in p.stdout.decode() and "Exit codes" in p.stdout.decode()


def test_envelope_contract_on_success(cli):
    out = cli("--json", "schema")
    doc = out.json
    assert set(doc) == ENVELOPE_KEYS
    assert doc["cvd_reporter"] == 1 and doc["command"] == "schema" and doc["status"] == "ok"
    assert doc["exit_code"] == 0 and doc["errors"] == [] and doc["findings"] == []
    assert doc["data"]["schema"]["title"] == "cvd-report/1"


def test_envelope_contract_on_usage_error(cli):
    out = cli("--json", "validate")  # missing argument
    assert out.exit_code == 2
    doc = out.json
    assert set(doc) == ENVELOPE_KEYS and doc["status"] == "error" and doc["exit_code"] == 2
    assert doc["errors"][0]["code"] == "usage"


def test_global_options_work_after_the_command(cli):
    out = cli("schema", "--json")
    assert out.json["command"] == "schema"


def test_schema_without_json_prints_the_schema_itself(cli):
    out = cli("schema")
    assert out.exit_code == 0 and json.loads(out.stdout)["$schema"].startswith("https://json-schema.org/")


def test_config_show_hides_secrets_and_names_sources(cli, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[smtp]\nhost = "smtp.example.org"\nuser = "alex"\n')
    out = cli("--json", "--config", str(cfg), "config", "show", "--timeout", "4",
              env={"CVD_SMTP_PASSWORD": "hunter2-very-secret", "CVD_SMTP_PORT": "2525"})
    assert out.exit_code == 0
    settings = out.json["data"]["settings"]
    assert settings["smtp.host"]["value"] == "smtp.example.org" and settings["smtp.host"]["source"].startswith("config")
    assert settings["smtp.port"] == {"value": 2525, "source": "env (CVD_SMTP_PORT)", "env": "CVD_SMTP_PORT"}
    assert settings["timeout"]["value"] == 4.0 and settings["timeout"]["source"] == "flag"
    assert settings["secret.smtp_password"]["value"] == "<hidden>"
    assert "hunter2" not in out.stdout + out.stderr


def test_config_file_with_a_secret_is_refused(cli, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[smtp]\nhost = "smtp.example.org"\npassword = "hunter2"\n')
    out = cli("--json", "--config", str(cfg), "config", "show")
    assert out.exit_code == 2
    assert "secret" in out.json["errors"][0]["message"] and "hunter2" not in out.stdout


@pytest.mark.parametrize("content, needle", [
    ("[smtp\n", "not valid TOML"),
    ('[smtp]\nhots = "x"\n', "unknown key"),
    ('[smtp]\nsecurity = "plain"\n', "no plain option"),
    ('timeout = "soon"\n', "not a valid value"),
])
def test_bad_config_gets_one_sentence_and_exit_2(cli, tmp_path, content, needle):
    cfg = tmp_path / "c.toml"
    cfg.write_text(content)
    out = cli("--config", str(cfg), "config", "show")
    assert out.exit_code == 2 and needle in out.stderr and "Traceback" not in out.stderr


def test_bad_connect_to_and_dns_server(cli):
    out = cli("--connect-to", "nonsense", "config", "show")
    assert out.exit_code == 2 and "HOST:PORT:HOST2:PORT2" in out.stderr
    out = cli("--dns-server", "not-an-ip", "config", "show")
    assert out.exit_code == 2 and "--dns-server" in out.stderr


def test_connect_to_accumulates_from_env_and_flags(cli):
    out = cli("--json", "--connect-to", "a.test:443:127.0.0.1:8443", "--connect-to", "[b.test]:443:[::1]:9443",
              "config", "show")
    assert out.json["data"]["settings"]["connect_to"]["value"] == ["a.test:443:127.0.0.1:8443",
                                                                   "b.test:443:[::1]:9443"]


def test_private_file_helpers_make_0600_in_0700(tmp_path):
    from cvd_reporter.store.fs import write_private

    target = tmp_path / "new" / "deeper" / "f.txt"
    write_private(target, "data")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert target.read_text() == "data"
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]


def test_internal_error_is_one_sentence_without_debug(cli, monkeypatch):
    from cvd_reporter.core import model

    def boom():
        raise RuntimeError("secret detail")

    monkeypatch.setattr(model, "json_schema", boom)  # a bug inside a command
    out = cli("schema")
    assert out.exit_code == 1 and "Internal error (RuntimeError)" in out.stderr and "secret detail" not in out.stderr
    assert "Traceback" not in out.stderr
    out = cli("schema", "--debug")
    assert out.exit_code == 1 and "Traceback" in out.stderr


def test_output_to_a_user_folder_does_not_change_that_folders_mode(tmp_path):
    from cvd_reporter.store.fs import write_private

    folder = tmp_path / "shared-folder"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    write_private(folder / "out.txt", "x", user_path=True)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert stat.S_IMODE((folder / "out.txt").stat().st_mode) == 0o600
    write_private(folder / "own.txt", "x")  # our own folders are tightened
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_every_listed_command_loads_with_the_summary_the_listing_shows(cli):
    import click

    from cvd_reporter.cli.app import COMMANDS
    from cvd_reporter.cli.app import cli as root

    ctx = click.Context(root)
    assert root.list_commands(ctx) == list(COMMANDS)  # every module is there, in the listed order
    for name, (_target, summary) in COMMANDS.items():
        command = root.get_command(ctx, name)
        assert isinstance(command, click.Command), name
        assert command.get_short_help_str(limit=200) == summary
        assert cli(name, "--help").exit_code == 0, name


def test_readme_lists_every_command_with_its_summary():
    from cvd_reporter.cli.app import COMMANDS

    readme = (ROOT / "README.md").read_text()
    for name, (_target, summary) in COMMANDS.items():
        assert f"| `{name}` | {summary} |" in readme, name


def test_a_shared_folder_as_home_is_refused_and_left_as_it_was(cli, tmp_path):
    """--home /tmp must not chmod /tmp to 0700 (it would break every other user of the machine)."""
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    out = cli("--home", str(shared), "status")
    assert out.exit_code == 3, out.stdout + out.stderr
    assert "shared folder" in out.stderr and "--home" in out.stderr
    assert (shared.stat().st_mode & 0o7777) == 0o1777
    assert not list(shared.iterdir())  # nothing of a report was written into it


def test_an_own_folder_as_home_is_made_private(cli, tmp_path):
    own = tmp_path / "own"
    own.mkdir()
    own.chmod(0o755)
    out = cli("--home", str(own), "status")
    assert out.exit_code == 0, out.stdout + out.stderr
    assert (own.stat().st_mode & 0o777) == 0o700
