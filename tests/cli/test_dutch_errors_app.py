"""The errors of the use cases say their sentence in the run's language (issue 17).

Each case runs the real entry point twice, `--lang nl` and `--lang en`, and meets a failure a reporter
can make: a report file that is not YAML, that is missing or a folder, evidence that is a folder, a
secret key given as the organisation's key, an option that belongs to another, an expired or revoked
organisation key. The Dutch sentence must be there in Dutch mode and the English one in English mode,
with the same exit code (the errors keep their catalogue id and values: errors.py, core/i18n.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.servers.https import Response
from tests.support.english import english_lines


def both(cli, *args: str, env: dict[str, str] | None = None):
    return cli("--lang", "nl", *args, env=env), cli("--lang", "en", *args, env=env)


def test_a_report_file_that_is_not_yaml(cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [\n", encoding="utf-8")
    nl, en = both(cli, "validate", str(bad))
    assert nl.exit_code == en.exit_code == 3
    assert "is geen geldige YAML" in nl.stderr and "op regel 2, kolom 1." in nl.stderr
    assert "is not valid YAML" in en.stderr and "at line 2, column 1." in en.stderr


@pytest.mark.parametrize(("name", "dutch", "english"), [
    ("missing.yaml", "Het meldingsbestand {path} bestaat niet.", "The report file {path} does not exist."),
    ("folder.yaml", "{path} is een map, geen meldingsbestand.", "{path} is a folder, not a report file."),
])
def test_a_report_file_that_cannot_be_read(cli, tmp_path: Path, name: str, dutch: str, english: str) -> None:
    path = tmp_path / name
    if name.startswith("folder"):
        path.mkdir()
    nl, en = both(cli, "validate", str(path))
    assert nl.exit_code == en.exit_code == 3
    assert dutch.format(path=path) in nl.stderr and english_lines(nl.stderr) == []
    assert english.format(path=path) in en.stderr


def test_evidence_that_is_a_folder(cli, tmp_path: Path) -> None:
    (tmp_path / "ev").mkdir()
    report = tmp_path / "r.yaml"
    report.write_text("schema: cvd-report/1\nevidence:\n  - path: ev\n    description: map\n", encoding="utf-8")
    nl, en = both(cli, "validate", str(report))
    assert nl.exit_code == en.exit_code == 3
    assert "is geen gewoon bestand (maar een map, apparaat, pipe of socket)" in nl.stdout + nl.stderr
    assert "is not a regular file (a folder, device, pipe or socket)" in en.stdout + en.stderr


def test_a_secret_key_is_refused_as_the_organisations_key(cli, tmp_path: Path) -> None:
    secret = tmp_path / "sec.asc"
    secret.write_text("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nxx\n-----END PGP PRIVATE KEY BLOCK-----\n")
    nl, en = both(cli, "key", "import", str(secret), "--for", "R-404")
    assert nl.exit_code == en.exit_code == 3
    assert "bevat geheime sleutelgegevens; importeer alleen de openbare sleutel van de organisatie." in nl.stderr
    assert "holds secret-key material; import only the organisation's public key." in en.stderr


def test_an_option_that_belongs_to_another(cli, tmp_path: Path) -> None:
    report = tmp_path / "r.yaml"
    report.write_text("schema: cvd-report/1\n", encoding="utf-8")
    nl, en = both(cli, "submit", str(report), "--output", str(tmp_path / "x.eml"))
    assert nl.exit_code == en.exit_code == 8
    assert "--output hoort bij --dry-run" in nl.stderr and english_lines(nl.stderr) == []
    assert "--output goes with --dry-run" in en.stderr


def test_an_expired_key_says_why_in_dutch(cli, zoo, tmp_path: Path) -> None:
    expired = tmp_path / "old.asc"
    expired.write_bytes(zoo["expired"].armored)
    nl, en = both(cli, "key", "show", str(expired))
    assert nl.exit_code == en.exit_code == 6
    assert "De sleutel is op " in nl.stdout and " verlopen." in nl.stdout and "expired on" not in nl.stdout
    assert "The key expired on " in en.stdout
    # the label column fits the longest Dutch label: a space always separates label and value
    (line,) = [x for x in nl.stdout.splitlines() if x.strip().startswith("versleutel met")]
    assert line.strip().startswith("versleutel met ")


def test_a_revoked_key_says_why_in_dutch(cli, zoo, https, dns, net_env, isolated_env: Path) -> None:
    from cvd_reporter.core.wkd import wkd_hash

    dns.resolver.add_zone("@ IN A 127.0.0.1", "gemeente.test")
    env = {**net_env, "CVD_DNS_SERVER": dns.address, "CVD_KEYSERVER": "https://keys.test",
           "CVD_CONNECT_TO": ",".join(https.connect_to("gemeente.test", "openpgpkey.gemeente.test", "keys.test"))}
    key = zoo["revoked"]
    local = key.address.split("@", maxsplit=1)[0]
    https.add(f"/.well-known/openpgpkey/hu/{wkd_hash(local)}", Response(200, key.binary, "application/octet-stream"),
              host="gemeente.test")
    nl, en = both(cli, "key", "fetch", key.address, env=env)
    assert nl.exit_code == en.exit_code == 6
    assert "door de eigenaar ingetrokken" in nl.stdout and "revoked by its owner" not in nl.stdout
    assert "revoked by its owner" in en.stdout
    assert not (isolated_env / "pins.json").exists()


def test_a_web_page_given_as_key_is_named_in_dutch(cli, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body>key</body></html>")
    nl, en = both(cli, "key", "show", str(page))
    assert nl.exit_code == en.exit_code == 6
    assert "Het sleutelmateriaal is een HTML-pagina, geen OpenPGP-sleutel." in nl.stderr
    assert "The key data is an HTML page, not an OpenPGP key." in en.stderr
