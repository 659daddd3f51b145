"""The errors of scope files, policy profiles, settings, directory files and lint options speak the
run's language (issue 17): each case runs the real CLI with `--lang nl` and with `--lang en` and asserts
the sentence a person reads in each, and the exit code, which does not depend on the language."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.english import english_lines


def _cases(tmp: Path) -> list[tuple[list[str], int, str, str]]:
    """(arguments, exit code, the Dutch sentence, the English sentence)."""
    (tmp / "scheme.yaml").write_text("scope:\n  include:\n    domains: ['https://example.nl/a']\n", encoding="utf-8")
    (tmp / "empty-scope.yaml").write_text("scope:\n  include: {}\n", encoding="utf-8")
    (tmp / "broken.yaml").write_text("scope: [unclosed\n", encoding="utf-8")
    (tmp / "lang.toml").write_text('lang = "fr"\n', encoding="utf-8")
    (tmp / "secret.toml").write_text('smtp_password = "hunter2"\n', encoding="utf-8")
    (tmp / "folder").mkdir()
    (tmp / "notes.txt").write_text("nothing to see\n", encoding="utf-8")
    scope = ["scope", "example.nl", "--no-securitytxt", "--policy"]
    return [
        ([*scope, str(tmp / "scheme.yaml")], 3,
         "moet een domeinnaam zijn, zonder schema, poort of pad.",
         "must be a domain name, without scheme, port or path."),
        ([*scope, str(tmp / "empty-scope.yaml")], 3,
         "Het onderdeel scope van het beleid noemt geen domeinen of netwerken.",
         "The policy's scope section lists no domains or networks."),
        ([*scope, str(tmp / "broken.yaml")], 3,
         "is geen geldige YAML of JSON (rond regel 2).", "is not valid YAML or JSON near line 2."),
        (["policy", "profile", "example.nl", "--policy", "geen-profiel"], 3,
         "Er is geen beleidsprofiel 'geen-profiel': ingebouwde profielen zijn",
         "No policy profile 'geen-profiel': built-in profiles are"),
        (["--config", str(tmp / "absent.toml"), "config", "show"], 2,
         f"Het configuratiebestand {tmp / 'absent.toml'} bestaat niet.",
         f"The config file {tmp / 'absent.toml'} does not exist."),
        (["--config", str(tmp / "lang.toml"), "config", "show"], 2,
         "de taal moet 'nl' of 'en' zijn.", "language must be 'nl' or 'en'."),
        (["--config", str(tmp / "secret.toml"), "config", "show"], 2,
         "bevat een geheim (smtp_password); haal het weg", "holds a secret (smtp_password); remove it"),
        (["--connect-to", "example.nl:443", "config", "show"], 2,
         "--connect-to 'example.nl:443' heeft niet de vorm HOST:PORT:HOST2:PORT2",
         "--connect-to 'example.nl:443' is not HOST:PORT:HOST2:PORT2"),
        (["directory", "import", str(tmp / "folder")], 3,
         "is een map, geen bestand met een lijst van organisaties.", "is a folder, not a directory file."),
        (["policy", "read", "http://example.nl/beleid"], 2,
         "cvd-reporter haalt pagina's alleen via https op", "cvd-reporter fetches only over https"),
        (["lint", str(tmp / "notes.txt"), "--own-email", "niemand"], 2,
         "--own-email 'niemand' is geen e-mailadres.", "--own-email 'niemand' is not an e-mail address."),
        (["lint", str(tmp / "notes.txt"), "--own-phone", "bel me"], 2,
         "--own-phone 'bel me' is geen telefoonnummer; schrijf het als +31 6 12345678.",
         "--own-phone 'bel me' is not a phone number; write it like +31 6 12345678."),
    ]


@pytest.mark.parametrize("index", range(12))
def test_the_error_is_dutch_in_dutch_and_english_in_english(cli, tmp_path, index):
    cases = _cases(tmp_path)
    assert len(cases) == 12
    args, code, dutch, english = cases[index]
    nl = cli("--lang", "nl", *args)
    en = cli("--lang", "en", *args)
    assert (nl.exit_code, en.exit_code) == (code, code)
    assert dutch in nl.stderr and english not in nl.stderr
    assert english_lines(nl.stderr) == []
    assert english in en.stderr and dutch not in en.stderr


def test_a_saved_profile_that_cannot_be_read_is_named_in_dutch(cli, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    (tmp_path / "profiles").mkdir()
    saved = tmp_path / "profiles" / "example.yaml"
    saved.write_text("- just\n- a list\n", encoding="utf-8")
    nl = cli("--lang", "nl", "--config", str(config), "policy", "profile", "example.nl")
    en = cli("--lang", "en", "--config", str(config), "policy", "profile", "example.nl")
    assert (nl.exit_code, en.exit_code) == (3, 3)
    assert f"Uw bewaarde profiel {saved} moet een mapping van velden zijn." in nl.stderr
    assert f"Your saved profile {saved} must be a mapping of fields." in en.stderr


def test_json_keeps_the_code_and_says_the_message_in_the_run_language(cli, tmp_path):
    import json

    out = cli("--lang", "nl", "--json", "policy", "read", "http://example.nl/beleid")
    doc = json.loads(out.stdout)
    assert out.exit_code == 2 and doc["status"] == "error"
    assert doc["errors"][0]["code"] == "usage"
    assert doc["errors"][0]["message"].startswith("cvd-reporter haalt pagina's alleen via https op")


def test_config_show_names_each_source_in_dutch(cli, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('timeout = 20\n', encoding="utf-8")
    nl = cli("--lang", "nl", "--config", str(config), "config", "show", env={"CVD_POLICY": "nl-gemeente"})
    en = cli("--lang", "en", "--config", str(config), "config", "show", env={"CVD_POLICY": "nl-gemeente"})
    assert nl.exit_code == en.exit_code == 0
    assert f"configuratiebestand: {config} (gevonden)" in nl.stdout
    assert f"[configuratiebestand ({config}); omgevingsvariabele CVD_TIMEOUT]" in nl.stdout
    assert "[omgevingsvariabele (CVD_POLICY); omgevingsvariabele CVD_POLICY]" in nl.stdout
    assert "[optie; omgevingsvariabele CVD_LANG]" in nl.stdout
    assert f"config file: {config} (found)" in en.stdout and "[flag; env CVD_LANG]" in en.stdout
    assert "[default; env CVD_CA_BUNDLE]" in en.stdout and "[standaard; omgevingsvariabele CVD_CA_BUNDLE]" in nl.stdout


def test_directory_list_and_show_speak_dutch(cli):
    listed = cli("--lang", "nl", "directory", "list")
    shown = cli("--lang", "nl", "directory", "show", "IBD")
    assert listed.exit_code == shown.exit_code == 0
    assert "dagen geleden); meegeleverd" in listed.stdout and "organisatie(s)." in listed.stdout
    assert "  contactadres:  mailto:" in shown.stdout and "  bron:          https://" in shown.stdout
    assert "(voor gemeente; de melding in taal nl)" in shown.stdout
    english = cli("--lang", "en", "directory", "show", "IBD")
    assert "  contact:     mailto:" in english.stdout and "days ago); bundled" in english.stdout


def test_a_bad_value_names_its_origin_in_the_run_language(cli, tmp_path):
    env = {"CVD_TIMEOUT": "abc"}
    nl = cli("--lang", "nl", "config", "show", env=env)
    en = cli("--lang", "en", "config", "show", env=env)
    assert (nl.exit_code, en.exit_code) == (2, 2)
    assert "omgevingsvariabele CVD_TIMEOUT: 'abc' is geen geldige waarde voor timeout." in nl.stderr
    assert "environment variable CVD_TIMEOUT: timeout 'abc' is not a valid value." in en.stderr
    config = tmp_path / "smtp.toml"
    config.write_text('[smtp]\nsecurity = "plain"\n', encoding="utf-8")
    nl = cli("--lang", "nl", "--config", str(config), "config", "show")
    assert f"configuratiebestand {config}: smtp security moet 'starttls' of 'tls' zijn" in nl.stderr
    assert english_lines(nl.stderr) == []
