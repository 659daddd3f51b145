"""The failures of delivery, the network and the local store, said in the run's language (issue 17).

Each case is one a reporter meets: a mail server without STARTTLS, a wrong SMTP password, a dead
SMTP port, an HTTPS server whose certificate is not trusted, a shared home folder, a damaged record
and a damaged outbox entry. Each runs through the real CLI against the real loopback servers, in
Dutch and in English, and checks the sentence the person reads (on stderr). Nothing is mocked.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.servers.smtp import PASSWORD, LocalSMTP
from tests.support.municipality import env_for, serve, write_report

LANGS = ("nl", "en")


def _said(out) -> str:
    """stderr with its line breaks folded: the terminal wraps long sentences."""
    return " ".join((out.stderr + out.stdout).split())


@pytest.mark.parametrize("lang", LANGS)
def test_a_server_without_starttls_is_refused_and_the_report_stays(cli, https, pki, zone, municipality, tmp_path,
                                                                   lang):
    serve(https, municipality.key)
    with LocalSMTP(pki.chain, pki.key, mode="plain") as smtp:
        out = cli("--lang", lang, "submit", str(write_report(tmp_path)), "--yes", env=env_for(https, pki, zone, smtp))
    said = _said(out)
    assert out.exit_code == 7, said
    if lang == "nl":
        assert "biedt geen STARTTLS aan en cvd-reporter logt nooit in en verstuurt nooit zonder TLS" in said
        assert "de versleutelde melding blijft in de uitbak (verstuur haar opnieuw met `cvd-reporter outbox send" \
            in said
        assert "does not offer STARTTLS" not in said
    else:
        assert "does not offer STARTTLS and cvd-reporter never logs in or sends without TLS" in said
        assert "the encrypted report stays in the outbox (send it again with `cvd-reporter outbox send" in said


@pytest.mark.parametrize("lang", LANGS)
def test_a_refused_login_says_so_and_never_shows_the_password(cli, https, pki, zone, municipality, tmp_path,
                                                              lang):
    serve(https, municipality.key)
    wrong = "not-" + PASSWORD
    with LocalSMTP(pki.chain, pki.key) as smtp:
        env = env_for(https, pki, zone, smtp, CVD_SMTP_PASSWORD=wrong)
        out = cli("--lang", lang, "submit", str(write_report(tmp_path)), "--yes", env=env)
    said = _said(out)
    assert out.exit_code == 7, said
    assert wrong not in said and PASSWORD not in said
    if lang == "nl":
        assert "weigerde de inlog van smtp.user (535), dus er is niets verstuurd; controleer de gebruikersnaam " \
            "en het wachtwoord" in said
    else:
        assert "refused the login of smtp.user (535), so nothing was sent; check the user and the password" in said


@pytest.mark.parametrize("lang", LANGS)
def test_a_dead_smtp_port_is_named(cli, https, pki, zone, municipality, tmp_path, lang):
    serve(https, municipality.key)
    with LocalSMTP(pki.chain, pki.key) as smtp:
        env = env_for(https, pki, zone, smtp)  # the port of a server that is gone when the command runs
    out = cli("--lang", lang, "submit", str(write_report(tmp_path)), "--yes", env=env)
    said = _said(out)
    assert out.exit_code == 7, said
    if lang == "nl":
        assert "Er kon geen verbinding worden gemaakt met de SMTP-server smtp.gemeente.test:587" in said
        assert "er is niets verstuurd" in said
    else:
        assert "Could not connect to the SMTP server smtp.gemeente.test:587" in said


@pytest.mark.parametrize("lang", LANGS)
def test_an_untrusted_certificate_is_named(cli, https, lang):
    # No --ca-bundle: the loopback server's certificate comes from a test CA nobody trusts.
    connect = [a for m in https.connect_to("www.gemeente.test", "gemeente.test") for a in ("--connect-to", m)]
    out = cli("--lang", lang, "policy", "read", "https://www.gemeente.test/cvd", "--timeout", "2", *connect)
    said = _said(out)
    assert out.exit_code == 5, said
    if lang == "nl":
        assert "Het TLS-certificaat van www.gemeente.test kon niet worden gecontroleerd" in said
        assert "niets daarvan is vertrouwd" in said and "could not be verified" not in said
    else:
        assert "The TLS certificate of www.gemeente.test could not be verified" in said
        assert "nothing was trusted from it" in said


@pytest.mark.skipif(os.name != "posix", reason="folder modes are POSIX")
@pytest.mark.parametrize("lang", LANGS)
def test_a_shared_home_folder_is_refused(cli, tmp_path, lang):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    out = cli("--lang", lang, "status", env={"CVD_REPORTER_HOME": str(shared)})
    said = _said(out)
    assert out.exit_code != 0, said
    if lang == "nl":
        assert "is een gedeelde map (andere gebruikers kunnen erin schrijven of zijn de eigenaar)" in said
    else:
        assert "is a shared folder (other users can write to it or own it)" in said
    assert stat.S_IMODE(shared.stat().st_mode) == 0o777  # refused, not changed


@pytest.mark.parametrize("lang", LANGS)
def test_a_damaged_record_is_left_as_it_is(cli, isolated_env: Path, lang):
    isolated_env.mkdir(mode=0o700, parents=True, exist_ok=True)
    record = isolated_env / "record.sqlite3"
    record.write_bytes(b"not a database, somebody's notes")
    record.chmod(0o600)
    out = cli("--lang", lang, "status")
    said = _said(out)
    assert out.exit_code == 3, said
    if lang == "nl":
        assert "is beschadigd (geen SQLite-database); het is ongemoeid gelaten" in said
    else:
        assert "is damaged (not a SQLite database); it was left as it is" in said
    assert record.read_bytes() == b"not a database, somebody's notes"


@pytest.mark.parametrize("lang", LANGS)
def test_a_damaged_outbox_entry_is_named(cli, isolated_env: Path, lang):
    outbox = isolated_env / "outbox"
    outbox.mkdir(mode=0o700, parents=True)
    isolated_env.chmod(0o700)
    entry = outbox / "0123456789ab.meta.json"
    entry.write_text("{ half an entry")
    entry.chmod(0o600)
    out = cli("--lang", lang, "outbox", "send", "0123456789ab")
    said = _said(out)
    assert out.exit_code == 3, said
    if lang == "nl":
        assert "Het bericht 0123456789ab.meta.json in de uitbak kan niet worden gelezen (JSONDecodeError); zet " \
            "het ergens anders neer en probeer het opnieuw." in said
    else:
        assert "The outbox entry 0123456789ab.meta.json cannot be read (JSONDecodeError); move it away and try " \
            "again." in said
    assert entry.read_text() == "{ half an entry"
