"""The last English words of a Dutch run, said in the run's language (issue 17).

Each case runs the real CLI in `--lang nl` and `--lang en`: scope's notes about an odd target and why its DNS
lookup failed (loopback DNS), the contact kinds a policy page reader names, the channel of a report sent to
the municipality on the loopback servers (summary, sent line, status) and the practice run's first block.
`--json` keeps the English texts and the codes.
"""

from __future__ import annotations

import pytest

from tests.servers.smtp import LocalSMTP
from tests.support.english import english_lines
from tests.support.municipality import env_for, serve, write_report


def _said(out) -> str:
    """stdout and stderr with their line breaks folded: the terminal wraps long sentences."""
    return " ".join((out.stdout + out.stderr).split())


ODD = ("HTTPS://Example.NL\\x", "10.0.0.1", "https://user:pw@GEMEENTE.NL.:443/./x", "0x7f.1")


def test_scope_says_a_targets_notes_in_dutch(cli):
    out = cli("--lang", "nl", "scope", "--no-securitytxt", "--dns-server", "127.0.0.1:9", "--timeout", "0.5", *ODD)
    said = _said(out)
    assert "ter informatie: Het schema stond er als 'HTTPS'; dat is 'https'." in said, said
    assert "Een backslash beëindigt de hostnaam zoals een schuine streep dat in browsers doet" in said
    assert "10.0.0.1 is geen openbaar internetadres (privé, loopback, link-local of gereserveerd)" in said
    assert "(er stond ook een wachtwoord bij; dat is weggelaten); browsers gaan naar de host erna: gemeente.nl." \
        in said
    assert "Poort 443 is de standaardpoort voor https; die is weggelaten." in said
    assert "De punt aan het eind is weggelaten" in said and "'.'- of '..'-delen" in said
    assert "0x7f.1 is een IPv4-adres in een afwijkende schrijfwijze" in said
    assert ":pw@" not in said  # the password is never shown
    assert english_lines(out.stdout) == [], out.stdout


def test_scope_notes_in_english_and_json_keeps_english_and_codes(cli):
    args = ("scope", "--no-securitytxt", "--dns-server", "127.0.0.1:9", "--timeout", "0.5", *ODD)
    en = _said(cli("--lang", "en", *args))
    assert "info: The scheme was written 'HTTPS'; it is 'https'." in en, en
    assert "10.0.0.1 is not a public internet address (private, loopback, link-local or reserved)" in en
    data = cli("--lang", "nl", "--json", *args).json["data"]
    notes = [(n["code"], n["message"]) for r in data["results"] for n in r["notes"]]
    assert ("case", "The scheme was written 'HTTPS'; it is 'https'.") in notes, notes
    assert ("non_public_address", "10.0.0.1 is not a public internet address (private, loopback, link-local or "
            "reserved); make sure it is the system you mean.") in notes
    (userinfo,) = [n for r in data["results"] for n in r["notes"] if n["code"] == "userinfo"]
    assert userinfo["userinfo"] == "user" and "a password was given too" in userinfo["message"]
    assert "geen openbaar" not in str(data) and "weggelaten" not in str(data)


def test_why_a_dns_lookup_stopped_is_said_in_dutch(cli):
    args = ("scope", "--dns-server", "127.0.0.1:9", "--timeout", "0.5", "--no-securitytxt", "gemeente.test")
    nl = _said(cli("--lang", "nl", *args))
    assert "Het opzoeken van gemeente.test in DNS is mislukt (geen antwoord binnen 0.5 s)" in nl, nl
    en = _said(cli("--lang", "en", *args))
    assert "The DNS lookup of gemeente.test failed (no answer within 0.5 s)" in en, en
    data = cli("--lang", "nl", "--json", *args).json["data"]
    assert data["results"][0]["resolution"]["error"] == "no answer within 0.5 s"


POLICY = ('<html lang="nl"><body><h1>Responsible disclosure</h1><p>Heeft u een kwetsbaarheid gevonden? Meld dit dan '
          "via het online formulier op onze website.</p><p>Wij reageren binnen 5 werkdagen op uw melding.</p>"
          "</body></html>")


def test_policy_read_names_a_contacts_kind_in_the_run_language(cli, tmp_path):
    page = tmp_path / "beleid.html"
    page.write_text(POLICY, encoding="utf-8")
    nl = cli("--lang", "nl", "policy", "read", str(page))
    assert "formulier    (webformulier; adres staat niet in de tekst)" in nl.stdout, nl.stdout
    assert "web form" not in nl.stdout and english_lines(nl.stdout) == []
    en = cli("--lang", "en", "policy", "read", str(page))
    assert "(web form; address not in the text)" in en.stdout, en.stdout
    (contact,) = cli("--lang", "nl", "--json", "policy", "read", str(page)).json["data"]["policy"]["contacts"]
    assert contact["kind"] == "form" and contact["name"] == "web form"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_sent_report_names_its_channel_and_key_source_in_words(cli, https, pki, zone, municipality, tmp_path,
                                                                  lang):
    serve(https, municipality.key)
    with LocalSMTP(pki.chain, pki.key) as smtp:
        env = env_for(https, pki, zone, smtp)
        out = cli("--lang", lang, "submit", str(write_report(tmp_path)), "--yes", env=env)
        assert out.exit_code == 0, _said(out)
        status = cli("--lang", lang, "status", env=env)
        (rid,) = [r["id"] for r in cli("--json", "status", env=env).json["data"]["reports"]]
        one = " ".join(cli("--lang", lang, "status", rid, env=env).stdout.split())
    said, listed = _said(out), " ".join(status.stdout.split())
    # `status ID` says what each delivery was and how it went, in words: no codes such as 'report' or 'email'
    if lang == "nl":
        assert "melding via e-mail aan security@gemeente.test" in one, one
    else:
        assert "report by email to security@gemeente.test" in one, one
    if lang == "nl":
        assert "security@gemeente.test via e-mail" in said, said
        assert "bron security.txt-veld Encryption (https)" in said
        assert "via email" not in said and "encryption-uri" not in said
        assert " e-mail 20" in listed, listed
    else:
        assert "security@gemeente.test via email" in said, said
        assert "source security.txt Encryption (https)" in said
        assert " email 20" in listed, listed


def test_json_keeps_the_channel_code(cli, https, pki, zone, municipality, tmp_path):
    serve(https, municipality.key)
    with LocalSMTP(pki.chain, pki.key) as smtp:
        out = cli("--lang", "nl", "--json", "submit", str(write_report(tmp_path)), "--yes",
                  env=env_for(https, pki, zone, smtp))
    assert out.exit_code == 0, out.stderr
    assert out.json["data"]["channel"] == "email" and out.json["data"]["key"]["source"] == "encryption-uri"


def test_the_practice_run_says_key_and_channel_in_dutch(cli):
    out = cli("--lang", "nl", "practice", "--auto")
    assert out.exit_code == 0, out.stderr
    said = out.stderr + out.stdout
    first_block = said.split("Voorbeeldmelding")[0]
    assert "  sleutel       " in first_block and "  key " not in first_block, first_block
    assert "via e-mail (uit security.txt" in said
    assert "via email" not in said
