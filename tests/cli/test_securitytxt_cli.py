"""`discover` and `securitytxt check` as a user and a script see them: text, --json, exit codes,
--connect-to / --ca-bundle to the loopback HTTPS server, signed files made by real gpg."""

from __future__ import annotations

import datetime as dt

import pytest

from cvd_reporter.core.securitytxt import WELL_KNOWN_PATH
from tests.servers.https import Response, redirect
from tests.support.securitytxt import body, connect_args, live_body

WK = WELL_KNOWN_PATH
KEY_PATH = "/pgp-key.txt"


def run(cli, net_env, https, *args: str, **kw):
    return cli(*args, *connect_args(https), env=net_env, **kw)


# ---- securitytxt check FILE ------------------------------------------------------------
def test_check_a_valid_file(cli, tmp_path):
    f = tmp_path / "security.txt"
    f.write_bytes(live_body("Encryption: https://gemeente.test/pgp-key.txt", "Preferred-Languages: nl, en",
                            "Contact: tel:+31-20-555-0123"))
    out = cli("securitytxt", "check", str(f))
    assert out.exit_code == 0, out.stdout + out.stderr
    assert "1. e-mail security@gemeente.test" in out.stdout and "2. phone" in out.stdout
    assert "nl, en" in out.stdout and "not signed" in out.stdout and "warning: The file is not signed" in out.stdout and "not_signed" not in out.stdout


def test_check_an_invalid_file_as_json(cli, tmp_path):
    f = tmp_path / "security.txt"
    f.write_bytes(live_body(contact="mailto:support\\@beam.mw", expires_days=-3))
    out = cli("--json", "securitytxt", "check", str(f))
    doc = out.json
    assert out.exit_code == 3 and doc["exit_code"] == 3 and doc["status"] == "error"
    assert doc["command"] == "securitytxt check" and doc["data"]["source"] == "file"
    found = {x["code"]: x for x in doc["findings"]}
    assert found["expired"]["severity"] == "error" and found["expired"]["line"] == 2
    assert found["invalid_contact"]["field"] == "Contact"
    contact = doc["data"]["security_txt"]["contacts"][0]
    assert contact["valid"] is False and contact["kind"] == "mailto"
    assert out.stderr == ""


def test_check_reads_stdin(cli):
    out = cli("--json", "securitytxt", "check", "-", input=live_body().decode())
    assert out.exit_code == 0 and out.json["data"]["security_txt"]["valid"] is True


def test_check_a_file_with_its_url_checks_canonical(cli, tmp_path):
    f = tmp_path / "security.txt"
    f.write_bytes(live_body("Canonical: https://gemeente.test/.well-known/security.txt"))
    ok = cli("--json", "securitytxt", "check", str(f), "--url", "https://gemeente.test/.well-known/security.txt")
    bad = cli("--json", "securitytxt", "check", str(f), "--url", "https://evil.test/.well-known/security.txt")
    assert ok.exit_code == 0 and bad.exit_code == 3
    assert "no_canonical_match" in {x["code"] for x in bad.json["findings"]}


@pytest.mark.parametrize("make", [lambda p: p / "missing.txt", lambda p: p])
def test_check_an_unreadable_file_is_one_sentence_and_exit_3(cli, tmp_path, make):
    out = cli("--json", "securitytxt", "check", str(make(tmp_path)))
    assert out.exit_code == 3 and out.json["errors"][0]["code"] == "input_file"
    assert "Traceback" not in out.stdout + out.stderr


def test_check_a_signed_file_with_a_key_you_give(cli, gnupg, tmp_path):
    fpr = gnupg.gen("Sectxt Cli <sectxt-cli@gemeente.test>")
    f, k = tmp_path / "security.txt", tmp_path / "key.asc"
    f.write_bytes(gnupg.clearsign(live_body("Canonical: https://gemeente.test/.well-known/security.txt"), fpr))
    k.write_bytes(gnupg.export(fpr, armor=True))
    out = cli("securitytxt", "check", str(f), "--key", str(k))
    assert out.exit_code == 0 and f"good signature by the key you gave ({fpr})" in out.stdout
    plain = cli("--json", "securitytxt", "check", str(f))
    sig = plain.json["data"]["security_txt"]["signature"]
    assert sig["status"] == "unknown_key" and sig["key_id"] == fpr[-16:]
    assert "signature_unverified" in {x["code"] for x in plain.json["findings"]}


def test_hostile_text_cannot_drive_the_terminal(cli, tmp_path):
    f = tmp_path / "security.txt"
    f.write_bytes(live_body("Policy: https://gemeente.test/\x1b]0;pwned\x07\x1b[2J", contact="mailto:a@b.test\u202e"))
    out = cli("securitytxt", "check", str(f))
    assert out.exit_code == 3 and "\x1b" not in out.stdout and "\u202e" not in out.stdout
    assert "\\x1b]0;pwned" in out.stdout


@pytest.mark.parametrize("as_json", [False, True])
def test_control_characters_in_a_quoted_local_part_never_reach_the_terminal(cli, tmp_path, as_json):
    """A quoted local part may hold ESC, NUL or C1 controls (U+009B is CSI on 8-bit terminals)."""
    f = tmp_path / "security.txt"
    f.write_bytes(live_body(contact='mailto:"\x1b[31m\x00\u009b2J"@gemeente.test'))
    out = cli(*(["--json"] if as_json else []), "securitytxt", "check", str(f))
    for stream in (out.stdout, out.stderr):
        assert not any(ch in stream for ch in "\x1b\x00\x9b\u202e"), repr(stream[-300:])
    if as_json:
        import json
        assert json.loads(out.stdout)["cvd_reporter"] == 1  # still one valid JSON document


def test_printable_spells_controls_and_keeps_layout():
    from cvd_reporter.core.display import json_safe, printable
    assert printable("a\tb\nc") == "a\tb\nc"
    assert printable("x\x1b[2Jy\r\x00\x9b\u202e") == "x\\x1b[2Jy\\x0d\\x00\\x9b\\u202e"
    import json
    doc = json.dumps({"k": "a\x9b\u2028b\u202e"}, ensure_ascii=False)
    assert json.loads(json_safe(doc)) == {"k": "a\x9b\u2028b\u202e"}
    assert "\x9b" not in json_safe(doc) and "\u202e" not in json_safe(doc)


# ---- over the network ------------------------------------------------------------------
def test_check_url_and_domain(cli, net_env, https):
    https.add("/custom/security.txt", live_body(), host="gemeente.test")
    https.add(WK, live_body(contact="mailto:parent@gemeente.test"), host="gemeente.test")
    url = run(cli, net_env, https, "--json", "securitytxt", "check", "https://gemeente.test/custom/security.txt")
    assert url.exit_code == 0 and url.json["data"]["source"] == "url"
    assert url.json["data"]["url"] == "https://gemeente.test/custom/security.txt"
    dom = run(cli, net_env, https, "--json", "securitytxt", "check", "gemeente.test")
    assert dom.exit_code == 0 and dom.json["data"]["url"] == "https://gemeente.test/.well-known/security.txt"
    # check validates one host's file; it does not walk to parent domains (discover does)
    www = run(cli, net_env, https, "--json", "securitytxt", "check", "www.gemeente.test")
    assert www.exit_code == 5 and www.json["errors"][0]["code"] == "no_security_txt"


def test_discover_shows_where_and_what(cli, net_env, https):
    https.add(WK, redirect("https://ncsc.test/.well-known/security.txt"), host="gemeente.test")
    https.add(WK, live_body("Policy: https://ncsc.test/cvd", "Preferred-Languages: nl, en",
                            "Canonical: https://ncsc.test/.well-known/security.txt",
                            contact="mailto:cert@ncsc.test?subject=Melding"), host="ncsc.test")
    out = run(cli, net_env, https, "discover", "https://www.gemeente.test/login")
    assert out.exit_code == 0, out.stdout + out.stderr
    text = out.stdout
    assert "found at:        https://ncsc.test/.well-known/security.txt" in text
    assert "302  https://gemeente.test/.well-known/security.txt" in text
    assert "gemeente.test only (a parent domain, not www.gemeente.test)" in text and "SCOPE CHANGE" in text
    assert "1. e-mail cert@ncsc.test  subject: 'Melding'" in text
    assert "another organisation's domain" in text and "from its parent domain" in text  # words, not codes
    doc = run(cli, net_env, https, "--json", "discover", "www.gemeente.test").json
    assert doc["data"]["from_parent"] == "gemeente.test" and doc["data"]["cross_domain_redirect"] is True
    assert doc["data"]["security_txt"]["contacts"][0]["subject"] == "Melding"
    assert {"cross_domain_redirect", "parent_domain"} <= {x["code"] for x in doc["findings"]}


def test_discover_nothing_found_is_exit_5_with_what_was_tried(cli, net_env, https):
    https.add(WK, redirect(WK), host="gemeente.test")
    out = run(cli, net_env, https, "--json", "discover", "gemeente.test")
    doc = out.json
    assert out.exit_code == 5 and doc["errors"][0]["code"] == "no_security_txt"
    tried = doc["data"]["tried"]
    assert [t["outcome"] for t in tried] == ["redirect_loop", "not_found"]
    text = run(cli, net_env, https, "discover", "gemeente.test")
    assert text.exit_code == 5 and "redirects in a loop" in text.stderr and "Traceback" not in text.stderr


def test_discover_refuses_private_addresses_unless_allowed(cli, https, pki):
    https.add(WK, live_body())
    env = {"CVD_CA_BUNDLE": pki.ca_pem, "CVD_TIMEOUT": "3"}
    refused = cli("discover", f"localhost:{https.port}", env=env)
    assert refused.exit_code == 5 and "--allow-private" in refused.stderr
    allowed = cli("discover", f"localhost:{https.port}", "--allow-private", env=env)
    assert allowed.exit_code == 0, allowed.stderr


def test_discover_with_a_bad_target_is_exit_3(cli):
    out = cli("--json", "discover", "not a host")
    assert out.exit_code == 3 and out.json["errors"][0]["code"] == "invalid_target"


# ---- signed files served with their key ---------------------------------------------------
@pytest.fixture(scope="module")
def org_key(gnupg):
    fpr = gnupg.gen("Sectxt Org <security@gemeente.test>")
    return fpr, gnupg.export(fpr, armor=True)


def _serve_signed(https, gnupg, fpr: str, *, key: Response | None, tamper: bool = False) -> None:
    signed = gnupg.clearsign(live_body(f"Encryption: https://gemeente.test{KEY_PATH}",
                                       "Canonical: https://gemeente.test/.well-known/security.txt"), fpr)
    if tamper:
        signed = signed.replace(b"security@gemeente.test", b"attacker@evil.test")
    https.add(WK, signed, host="gemeente.test")
    if key is not None:
        https.add(KEY_PATH, key, host="gemeente.test")


def test_signed_by_the_encryption_key(cli, net_env, https, gnupg, org_key):
    fpr, key = org_key
    _serve_signed(https, gnupg, fpr, key=Response(200, key, "application/pgp-keys"))
    out = run(cli, net_env, https, "--json", "discover", "gemeente.test")
    doc = out.json
    assert out.exit_code == 0 and doc["findings"] == []
    sig = doc["data"]["security_txt"]["signature"]
    assert sig["status"] == "signed_by_encryption_key" and sig["fingerprint"] == fpr and sig["verified"]
    assert doc["data"]["keys"][0]["ok"] is True


def test_tampered_signed_file_is_exit_3(cli, net_env, https, gnupg, org_key):
    fpr, key = org_key
    _serve_signed(https, gnupg, fpr, key=Response(200, key, "application/pgp-keys"), tamper=True)
    out = run(cli, net_env, https, "discover", "gemeente.test")
    assert out.exit_code == 3 and "BAD SIGNATURE" in out.stdout and "error (Signature):" in out.stdout


@pytest.mark.parametrize("key_route, code", [
    (Response(200, "<html><body>Our key</body></html>", "text/html"), "encryption_not_a_key"),
    (None, "encryption_key_unavailable"),
])
def test_encryption_url_without_a_key(cli, net_env, https, gnupg, org_key, key_route, code):
    _serve_signed(https, gnupg, org_key[0], key=key_route)
    doc = run(cli, net_env, https, "--json", "discover", "gemeente.test").json
    found = {x["code"]: x["severity"] for x in doc["findings"]}
    assert found[code] == "warning" and found["signature_unverified"] == "info"
    assert doc["exit_code"] == 0 and doc["data"]["security_txt"]["signature"]["status"] == "unknown_key"


def test_signed_by_another_key_than_the_encryption_key(cli, net_env, https, gnupg, org_key, tmp_path):
    other = gnupg.gen("Sectxt Stranger <stranger@other.test>")
    _serve_signed(https, gnupg, other, key=Response(200, org_key[1], "application/pgp-keys"))
    doc = run(cli, net_env, https, "--json", "discover", "gemeente.test").json
    assert "signer_not_encryption_key" in {x["code"] for x in doc["findings"]}
    k = tmp_path / "stranger.asc"
    k.write_bytes(gnupg.export(other))
    given = run(cli, net_env, https, "--json", "discover", "gemeente.test", "--key", str(k)).json
    assert given["data"]["security_txt"]["signature"]["status"] == "signed"


def test_fixed_dates_in_messages_are_utc(cli, tmp_path):
    f = tmp_path / "security.txt"
    f.write_bytes(body(now=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)))
    out = cli("securitytxt", "check", str(f))
    assert "The file expired on 2020-03-31 00:00 UTC" in out.stdout and "EXPIRED" in out.stdout


def test_now_makes_an_expiry_verdict_reproducible(cli, tmp_path):
    f = tmp_path / "security.txt"
    f.write_text("Contact: mailto:security@gemeente.test\nExpires: 2027-01-01T00:00:00Z\n")
    before = cli("--json", "securitytxt", "check", str(f), "--now", "2026-11-20")
    after = cli("--json", "securitytxt", "check", str(f), "--now", "2027-01-02T09:30:00Z")
    assert before.exit_code == 0, before.stdout
    assert after.exit_code == 3 and "expired" in {x["code"] for x in after.json["findings"]}
    bad = cli("securitytxt", "check", str(f), "--now", "next tuesday")
    assert bad.exit_code == 2 and "2026-11-20" in bad.stderr
