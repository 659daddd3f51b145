"""The last English sentences of a Dutch run, now said in the run's language (issue 17).

Each case runs the real CLI twice, `--lang nl` and `--lang en`, against the real loopback servers
(HTTPS with its own CA, DNS, gpg): the report's own contact that disagrees with the security.txt, an
organisation that takes reports only through a web form, the contacts `discover` finds beyond the
security.txt, the warning before an unencrypted send, a report that already left, an armored key that
is cut off, and the key search that meets a key for another address. `--json` keeps the English.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cvd_reporter.core.wkd import wkd_hash
from tests.servers.https import Response
from tests.servers.smtp import LocalSMTP
from tests.support.english import english_lines
from tests.support.municipality import env_for as _env_for
from tests.support.municipality import serve, write_report
from tests.support.policy_sites import form_only_page, home_page, policy_page

LANGS = ("nl", "en")


def env_for(https, pki, dns, smtp=None):
    """The municipality's environment with the deadline the contact search needs on a busy machine."""
    return _env_for(https, pki, dns, smtp, CVD_TIMEOUT="10")


def said(out) -> str:
    """stdout and stderr with their line breaks folded: the terminal wraps long sentences."""
    return " ".join((out.stderr + out.stdout).split())


@pytest.fixture
def zone(dns):
    dns.resolver.add_zone("www A 127.0.0.1\nopenpgpkey A 127.0.0.1\n@ A 127.0.0.1", "gemeente.test")
    return dns


@pytest.fixture(scope="module")
def ciso_key(municipality) -> bytes:
    """The armored key of a shared service's CISO, whom a report names instead of the security.txt's contact."""
    return municipality.gpg.export(municipality.gpg.gen("Werkorganisatie <ciso@werkorganisatie.example>"), armor=True)


def own_contact_report(folder: Path, key: bytes) -> Path:
    (folder / "their-key.asc").write_bytes(key)
    return write_report(folder, organisation={"contact": ["mailto:ciso@werkorganisatie.example"],
                                              "key": "their-key.asc"})


@pytest.mark.parametrize("lang", LANGS)
def test_the_reports_contact_disagreeing_with_security_txt(cli, https, pki, zone, municipality, ciso_key, tmp_path,
                                                           lang):
    serve(https, municipality.key)
    report = own_contact_report(tmp_path, ciso_key)
    out = cli("--lang", lang, "submit", str(report), env=env_for(https, pki, zone))  # no terminal, no --yes
    text = said(out)
    assert out.exit_code == 8, text
    if lang == "nl":
        assert ("De melding gaat naar ciso@werkorganisatie.example, maar de security.txt op "
                "https://www.gemeente.test/.well-known/security.txt noemt security@gemeente.test: het adres uit de "
                "melding wordt alleen gebruikt als u dat bevestigt (--yes).") in text
        assert "the report's own choice" not in text
    else:
        assert ("The report sends to ciso@werkorganisatie.example, but the security.txt at "
                "https://www.gemeente.test/.well-known/security.txt names security@gemeente.test: the report's own "
                "choice is used only when you confirm (--yes).") in text


def test_json_keeps_the_english_conflict_and_warnings(cli, https, pki, zone, municipality, ciso_key, tmp_path):
    serve(https, municipality.key)
    report = own_contact_report(tmp_path, ciso_key)
    out = cli("--lang", "nl", "--json", "submit", str(report), "--yes", "--dry-run", env=env_for(https, pki, zone))
    assert out.exit_code == 0, out.stderr
    data = out.json["data"]
    assert data["contact_conflict"].startswith("The report sends to ciso@werkorganisatie.example, but the security.txt")
    assert data["hint"] == "Dry run: nothing was sent (use --output FILE to keep the message)."


@pytest.mark.parametrize("lang", LANGS)
def test_a_form_only_organisation_names_the_form(cli, https, pki, zone, tmp_path, lang):
    form = "https://www.gemeente.test/formulieren/kwetsbaarheid"
    https.add("/cvd", form_only_page(form), host="www.gemeente.test")
    out = cli("--lang", lang, "submit", str(write_report(tmp_path)), "--yes", env=env_for(https, pki, zone))
    text = said(out)
    assert out.exit_code == 5, text
    if lang == "nl":
        assert f"www.gemeente.test neemt meldingen alleen aan via het webformulier {form}" in text
        assert "(gevonden in beleidspagina " in text
        assert ("Volgende stap: `cvd-reporter submit REPORT --via form` zet de velden klaar om te plakken en legt "
                "het vast in uw administratie") in text
        assert english_lines(out.stderr) == []
    else:
        assert f"www.gemeente.test takes reports only through the web form {form}" in text
        assert "Next: `cvd-reporter submit REPORT --via form` prepares the fields to paste and keeps the record" in text


@pytest.mark.parametrize("lang", LANGS)
def test_discover_shows_the_contacts_beyond_security_txt(cli, https, pki, zone, lang):
    https.add("/", home_page(("/bestuur/kwetsbaarheid-melden", "Kwetsbaarheid melden")), host="www.gemeente.test")
    https.add("/bestuur/kwetsbaarheid-melden", policy_page("ciso@werkorganisatie.example"), host="www.gemeente.test")
    out = cli("--lang", lang, "discover", "www.gemeente.test", env=env_for(https, pki, zone))
    assert out.exit_code == 0, out.stderr
    text = out.stdout
    if lang == "nl":
        assert "Waar u kunt melden voor www.gemeente.test:" in text
        assert "uit beleidspagina https://www.gemeente.test/bestuur/kwetsbaarheid-melden" in text
        assert "Stappen:" in text and "startpagina" in text and "gevonden" in text
        assert "https://www.gemeente.test/bestuur/kwetsbaarheid-melden noemt 1 contactadres(sen)." in text
        assert "(gezocht in " in text
        assert english_lines(text) == []
    else:
        assert "Where to report for www.gemeente.test:" in text
        assert "from policy page https://www.gemeente.test/bestuur/kwetsbaarheid-melden" in text
        assert "https://www.gemeente.test/bestuur/kwetsbaarheid-melden names 1 contact(s)." in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_unencrypted_send_is_warned_in_the_run_language(cli, https, pki, zone, municipality, tmp_path, lang):
    serve(https, None, encryption=False)  # a security.txt, but no key anywhere
    out = cli("--lang", lang, "submit", str(write_report(tmp_path)), "--yes", "--allow-plaintext", "--dry-run",
              env=env_for(https, pki, zone))
    text = said(out)
    assert out.exit_code == 0, text
    if lang == "nl":
        assert "de melding wordt ONVERSLEUTELD verstuurd (--allow-plaintext)." in text
        assert "Proefrun: er is niets verstuurd (gebruik --output BESTAND om het bericht te bewaren)." in text
        assert "UNENCRYPTED" not in text
    else:
        assert "the report will be sent UNENCRYPTED (--allow-plaintext)." in text
        assert "Dry run: nothing was sent (use --output FILE to keep the message)." in text


@pytest.mark.parametrize("lang", LANGS)
def test_a_report_that_already_left_is_not_sent_again(cli, https, pki, zone, municipality, tmp_path, lang):
    serve(https, municipality.key)
    report = write_report(tmp_path)
    with LocalSMTP(pki.chain, pki.key) as smtp:
        env = env_for(https, pki, zone, smtp)
        first = cli("--lang", lang, "submit", str(report), "--yes", env=env)
        assert first.exit_code == 0, said(first)
        again = cli("--lang", lang, "submit", str(report), "--yes", env=env)
    text = said(again)
    assert again.exit_code == 0, text
    if lang == "nl":
        assert "verstuurd aan security@gemeente.test; er is niets opnieuw verstuurd." in text
        assert "Met `cvd-reporter follow-up " in text
    else:
        assert "to security@gemeente.test; nothing was sent again." in text


@pytest.mark.parametrize("lang", LANGS)
def test_an_armored_key_that_is_cut_off(cli, tmp_path, lang):
    key = tmp_path / "afgekapt.asc"
    key.write_text("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZ\n", encoding="ascii")
    out = cli("--lang", lang, "key", "show", str(key))
    text = said(out)
    assert out.exit_code == 6, text
    if lang == "nl":
        assert "is niet te lezen: Het armor-blok (public key block) heeft geen END-regel; het bestand is afgekapt." \
            in text
        assert english_lines(out.stderr) == []
    else:
        assert "cannot be read: The armored public key block has no END line; the file is truncated." in text


@pytest.mark.parametrize("lang", LANGS)
def test_a_key_for_another_address_is_refused_with_its_reason(cli, zoo, https, dns, net_env, isolated_env, lang):
    dns.resolver.add_zone("@ IN A 127.0.0.1", "gemeente.test")
    env = {**net_env, "CVD_DNS_SERVER": dns.address, "CVD_KEYSERVER": "https://keys.test",
           "CVD_CONNECT_TO": ",".join(https.connect_to("gemeente.test", "openpgpkey.gemeente.test", "keys.test"))}
    other = zoo["ed25519"]  # ed25519@gemeente.test, served for security@gemeente.test
    https.add(f"/.well-known/openpgpkey/hu/{wkd_hash('security')}",
              Response(200, other.binary, "application/octet-stream"), host="gemeente.test")
    out = cli("--lang", lang, "key", "fetch", "security@gemeente.test", env=env)
    text = said(out)
    assert out.exit_code == 6, text
    if lang == "nl":
        assert "Geen van de gebruikers-id's van deze sleutel is security@gemeente.test; de bron gaf een sleutel " \
               "voor een ander adres." in text
        assert "WKD (directe methode)" in text and "is niet bruikbaar:" in text
        assert "None of its User IDs" not in text
    else:
        assert "None of its User IDs is security@gemeente.test; the source answered with a key for another " \
               "address." in text
        assert "WKD (direct method)" in text and "cannot be used:" in text
    assert not (isolated_env / "pins.json").exists()
