"""People-facing wording outside the wizard (issue 17): did-you-mean for states and commands, the
organisation's name instead of its host, words instead of internal codes, and a report summary that says
which language the report is in and which the questions are in."""

from __future__ import annotations

from cvd_reporter.store.record import Record
from tests.support.municipality import env_for, serve, write_report
from tests.support.record import add, deliver


def test_a_mistyped_state_gets_a_did_you_mean_in_both_languages(cli, isolated_env):
    with Record.open(isolated_env) as rec:
        add(rec, "R-1")
        deliver(rec, "R-1")
    en = cli("mark", "R-1", "acknowledge")
    assert en.exit_code == 3 and "did you mean acknowledged?" in en.stderr
    nl = cli("--lang", "nl", "mark", "R-1", "acknowledge")
    assert "bedoelde u acknowledged?" in nl.stderr
    assert cli("--json", "mark", "R-1", "acknowledge").json["errors"][0]["data"]["did_you_mean"] == "acknowledged"
    assert cli("mark", "R-1", "acknowledged").exit_code == 0


def test_a_mistyped_command_gets_a_did_you_mean(cli):
    out = cli("--lang", "nl", "stauts")
    assert out.exit_code == 2 and "bedoelde u status?" in out.stderr
    assert "did you mean status?" in cli("stauts").stderr


def test_status_names_the_organisation_where_the_directory_knows_its_host(cli, isolated_env):
    with Record.open(isolated_env) as rec:
        add(rec, "R-1", organisation="westervoort.nl")
        deliver(rec, "R-1")
    listing = cli("status")
    assert "Gemeente Westervoort" in listing.stdout and "westervoort.nl" not in listing.stdout
    assert "Gemeente Westervoort" in cli("status", "R-1").stdout
    assert cli("--json", "status").json["data"]["reports"][0]["organisation"] == "westervoort.nl"  # the record's


def test_status_and_mark_speak_dutch(cli, isolated_env):
    with Record.open(isolated_env) as rec:
        add(rec, "R-1")
        deliver(rec, "R-1")
    listing = cli("--lang", "nl", "status").stdout
    assert "KENMERK" in listing and "verzonden (sent)" in listing and "uiterlijk" in listing
    one = cli("--lang", "nl", "status", "R-1").stdout
    assert "Tijdlijn:" in one and "werkdagen" in one
    marked = cli("--lang", "nl", "mark", "R-1", "acknowledged").stdout
    assert "staat nu op ontvangst bevestigd (acknowledged)" in marked and "Volgende stap:" in marked


def test_validate_shows_words_not_codes_and_json_keeps_the_codes(cli, tmp_path):
    report = write_report(tmp_path, reporter={"name": "Alex"})  # no way to reach the reporter
    human = cli("--lang", "nl", "validate", str(report))
    assert "no_contact" not in human.stdout and "fout (reporter):" in human.stdout
    assert "no_contact" in {f["code"] for f in cli("--json", "validate", str(report)).json["findings"]}


def test_the_summary_says_the_report_is_dutch_while_the_questions_are_english(cli, https, pki, zone, smtp,
                                                                             municipality, tmp_path):
    """The practice municipality's security.txt says Preferred-Languages: nl, en."""
    serve(https, municipality.key)
    report = write_report(tmp_path)
    env = env_for(https, pki, zone, smtp)
    out = cli("--lang", "en", "submit", str(report), "--dry-run", env=env)
    assert out.exit_code == 0, out.stderr
    assert "report in Dutch (nl): the organisation asks for it (Preferred-Languages" in out.stdout
    assert "questions and messages: English (en)" in out.stdout
    data = cli("--json", "--lang", "en", "submit", str(report), "--dry-run", env=env).json["data"]
    assert (data["language"], data["language_reason"]) == ("nl", "preferred_languages")
    asked = cli("--json", "submit", str(report), "--dry-run", "--report-lang", "en", env=env).json["data"]
    assert (asked["language"], asked["language_reason"]) == ("en", "asked")
