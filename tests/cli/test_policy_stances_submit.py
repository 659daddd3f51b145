"""What the organisation's profile says, acted on by `submit` against a municipality on loopback.

Real parts: the HTTPS server (trustme CA) serves a security.txt without a key, the dnslib server
answers, aiosmtpd takes (or, the point of most tests here, does not get) the mail. The organisation's
stance comes from `--policy FILE` or from the reporter's saved profile in the config folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cvd_reporter.app.context import Context
from cvd_reporter.app.profiles import load_policy
from cvd_reporter.cli import wizard_lookup as wl
from cvd_reporter.errors import InputNeeded
from cvd_reporter.settings import load_settings
from tests.support.municipality import CANARY, env_for, serve, write_report
from tests.support.paths import ROOT

BUILT_IN = ROOT / "cvd_reporter" / "data" / "policies" / "nl-gemeente.yaml"


def _policy_file(folder: Path, **changes) -> Path:
    data = yaml.safe_load(BUILT_IN.read_text("utf-8"))
    data.update(id="gemeente-eigen", **changes)
    path = folder / "beleid.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _saved_profile(tmp_path: Path, **values) -> Path:
    folder = tmp_path / "xdg-config" / "cvd-reporter" / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "gemeente-test.yaml"
    path.write_text(yaml.safe_dump(dict(organisation="Gemeente Test", hosts=["gemeente.test"], **values)),
                    encoding="utf-8")
    return path


def test_plaintext_against_a_policy_that_requires_encryption_stops_a_script_until_despite_policy(
        cli, https, pki, zone, smtp, tmp_path):
    serve(https, None, encryption=False)
    report = write_report(tmp_path / "report")
    policy = _policy_file(tmp_path, encryption="required")
    env = env_for(https, pki, zone, smtp)
    out = cli("--json", "submit", str(report), "--yes", "--allow-plaintext", "--policy", str(policy), env=env)
    assert out.exit_code == 6, out.stdout
    error = out.json["errors"][0]
    assert error["code"] == "encryption_required"
    assert str(policy) in error["message"] and "--first-contact" in error["message"]
    assert "--despite-policy" in error["message"]
    assert smtp.messages == []  # --yes never picks a channel: nothing left
    assert cli("--json", "status", "--all", env=env).json["data"]["count"] == 0

    out = cli("--json", "submit", str(report), "--yes", "--allow-plaintext", "--despite-policy", "--policy",
              str(policy), env=env)
    assert out.exit_code == 0, out.stdout
    assert out.json["data"]["encrypted"] is False
    (warning,) = [f for f in out.json["findings"] if f["code"] == "plaintext_against_policy"]
    assert str(policy) in warning["message"]
    (got,) = smtp.messages
    assert CANARY.encode() in got["content"]  # the reporter chose it, against the policy: it went in the clear


def test_the_refusal_is_said_in_dutch_too(cli, https, pki, zone, smtp, tmp_path):
    serve(https, None, encryption=False)
    policy = _policy_file(tmp_path, encryption="required")
    out = cli("--lang", "nl", "submit", str(write_report(tmp_path / "report")), "--yes", "--allow-plaintext",
              "--policy", str(policy), env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 6
    assert "eist versleutelde meldingen" in out.stderr and "--despite-policy" in out.stderr
    assert smtp.messages == []


def test_a_saved_profile_that_requires_encryption_is_held_to_and_named_in_the_preview(
        cli, https, pki, zone, smtp, tmp_path):
    serve(https, None, encryption=False)
    saved = _saved_profile(tmp_path, encryption="required", shares_with=["IBD"])
    report = write_report(tmp_path / "report")
    env = env_for(https, pki, zone, smtp)
    out = cli("--json", "submit", str(report), "--yes", "--allow-plaintext", "--dry-run", env=env)
    assert out.exit_code == 6 and out.json["errors"][0]["code"] == "encryption_required"
    assert f"your correction {saved}" in out.json["errors"][0]["message"]

    out = cli("submit", str(report), "--yes", "--allow-plaintext", "--despite-policy", "--dry-run", env=env)
    assert out.exit_code == 0, out.stderr
    summary = out.stdout
    # once, neutral: who else reads the report
    assert summary.count("says reports are shared with IBD") == 1
    assert f"Gemeente Test requires encrypted reports (your correction {saved})" in summary
    assert smtp.messages == []


def test_preferred_encryption_only_warns(cli, https, pki, zone, smtp, tmp_path):
    serve(https, None, encryption=False)
    _saved_profile(tmp_path, encryption="preferred")
    out = cli("--json", "submit", str(write_report(tmp_path / "report")), "--yes", "--allow-plaintext",
              env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 0, out.stdout
    (warning,) = [f for f in out.json["findings"] if f["code"] == "encryption_preferred"]
    assert warning["severity"] == "warning" and "--first-contact" in warning["message"]
    assert len(smtp.messages) == 1


def test_despite_policy_goes_with_allow_plaintext(cli, tmp_path):
    out = cli("--json", "submit", str(write_report(tmp_path / "report")), "--despite-policy")
    assert out.exit_code == 2 and "--allow-plaintext" in out.json["errors"][0]["message"]


def test_submit_warns_about_a_forbidden_technique_the_report_describes_and_still_sends(
        cli, https, pki, zone, smtp, municipality, tmp_path):
    serve(https, municipality.key)
    report = write_report(tmp_path / "report", vulnerability={
        "title": "Zwakke pincode", "description": "De pincode van het beheerpaneel heeft vier cijfers.",
        "steps": ["Ik heb met hydra alle pincodes geprobeerd en na 20 minuten de juiste geraden."]})
    env = env_for(https, pki, zone, smtp)
    checked = cli("--json", "validate", str(report), env=env)
    assert checked.exit_code == 0
    (warning,) = [f for f in checked.json["findings"] if f["code"] == "forbidden_technique"]
    assert warning["field"] == "vulnerability.steps[0]" and "hydra" in warning["message"]

    out = cli("--json", "submit", str(report), "--yes", env=env)
    assert out.exit_code == 0, out.stdout
    assert [f["code"] for f in out.json["findings"]].count("forbidden_technique") == 1
    assert "no legal action" in out.stderr  # the summary shows it before the (here scripted) confirmation
    assert len(smtp.messages) == 1


def test_a_report_that_denies_the_technique_gets_no_warning(cli, tmp_path):
    report = write_report(tmp_path / "report", vulnerability={
        "title": "Geen limiet op inlogpogingen", "description": "Het inlogformulier heeft geen limiet.",
        "steps": ["Eén inlogpoging met mijn eigen account; er is geen brute force gebruikt."]})
    out = cli("--json", "validate", str(report))
    assert out.exit_code == 0
    assert "forbidden_technique" not in [f["code"] for f in out.json["findings"]]


def test_the_built_in_model_policy_lists_what_it_forbids():
    assert set(load_policy("nl-gemeente").forbidden) >= {"dos", "brute-force", "social-engineering", "spam"}


def test_the_wizards_send_asks_before_plaintext_against_the_policy_and_no_sends_nothing(
        https, pki, zone, smtp, isolated_env, tmp_path):
    """The wizard's "send now" offers plaintext among the ways on; against a policy that requires
    encryption the reporter is asked once more (the terminal's default is No) and a no sends nothing."""
    serve(https, None, encryption=False)
    saved = _saved_profile(tmp_path, encryption="required")
    ctx = Context(load_settings({}, environ=dict(env_for(https, pki, zone, smtp), CVD_REPORTER_HOME=str(isolated_env))))
    asked: list[str] = []
    summaries: list[str] = []

    def send(answer: bool) -> str:
        return wl.send_report(write_report(tmp_path / "r"), ctx, lang="en", progress=lambda _m: None,
                              confirm=lambda plan: summaries.append(plan) or True,
                              choose=lambda choices, why: "plaintext", ask=lambda q: asked.append(q) or answer)

    with pytest.raises(InputNeeded) as stopped:
        send(False)
    assert stopped.value.code == "not_confirmed" and smtp.messages == [] and summaries == []
    (question,) = asked
    assert f"Gemeente Test requires encrypted reports (your correction {saved})" in question

    send(True)
    assert "you chose so against it" in summaries[0]  # the summary before the final yes says so too
    assert len(smtp.messages) == 1
