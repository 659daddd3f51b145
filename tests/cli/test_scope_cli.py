"""`cvd-reporter scope`: exit codes, --strict, batches from stdin, bad input, DNS trouble (issue 5).

Everything runs against the real loopback DNS server (``--dns-server``) with small ``--timeout``s.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time

import pytest

from cvd_reporter.errors import ValidationError
from tests.support.paths import ROOT
from tests.support.scope import SILENT, closed_udp_port, load_zone, write_policy


@pytest.fixture
def run(cli, dns, tmp_path):
    """``scope`` against the test zone; with the test policy unless ``policy=None``."""
    load_zone(dns)
    policy_file = write_policy(tmp_path)

    def go(*args, policy=policy_file, input=None, timeout="0.5", securitytxt=False, env=None):
        extra = ["--policy", policy] if policy else []
        extra += [] if securitytxt else ["--no-securitytxt"]
        return cli("scope", "--dns-server", dns.address, "--timeout", timeout, *extra, *args, input=input, env=env)

    return go


def records(out):
    return [json.loads(line) for line in out.stdout.splitlines()]


# ------------------------------------------------------------------------------------ exit codes
def test_all_in_scope_exits_0(run):
    out = run("gemeente.test", "https://www.gemeente.test/login", "alias.gemeente.test", "192.0.2.99")
    assert out.exit_code == 0, out.stderr
    assert out.stdout.count("in_scope") == 4
    assert "4 targets: 4 in scope, 0 out of scope, 0 unknown, 0 not readable." in out.stderr


def test_any_out_of_scope_exits_4(run):
    out = run("gemeente.test", "intern.gemeente.test")
    assert out.exit_code == 4
    assert "out_of_scope  intern.gemeente.test" in out.stdout
    assert "Internal systems" in out.stdout
    assert "1 of 2 targets are out of scope" in out.stderr


@pytest.mark.parametrize("target", ["https://gemeente.test@evil.test/", "gemeente.test.evil.test", "evilgemeente.test",
                                    "198.51.100.1", "afspraken.gemeente.test"])
def test_tricks_and_exclusions_are_out_of_scope(run, target):
    out = run("--json", target)
    assert out.exit_code == 4, out.stdout
    assert out.json["data"]["results"][0]["verdict"] == "out_of_scope"


def test_unknown_is_a_warning_and_strict_counts_it_as_out(run):
    out = run("--json", "loket.gemeente.test")
    assert out.exit_code == 0
    result = out.json["data"]["results"][0]
    assert result["verdict"] == "unknown" and result["provider"] == "saasprovider.test"
    assert result["resolution"]["cname_chain"] == ["gemeente.saasprovider.test", "lb.eu.saasprovider.test"]
    assert any("may need to be told too" in r for r in result["reasons"])
    strict = run("--strict", "loket.gemeente.test")
    assert strict.exit_code == 4
    assert "out of scope or unknown (--strict)" in strict.stderr


def test_json_envelope_holds_the_decision_as_data(run):
    out = run("--json", "https://WWW.Gemeente.Test.:443/x", "intern.gemeente.test")
    doc = out.json
    assert doc["command"] == "scope" and doc["exit_code"] == 4 and doc["status"] == "error"
    first, second = doc["data"]["results"]
    assert first["host"] == "www.gemeente.test" and first["registrable_domain"] == "gemeente.test"
    assert first["url"] == "https://www.gemeente.test/x"
    assert first["resolution"]["addresses"] == ["192.0.2.11", "2001:db8:1::11"]
    assert first["decided_by"] == {"source": "policy", "list": "include", "kind": "domain",
                                   "pattern": "*.gemeente.test", "policy": doc["data"]["policy"]["source"]}
    assert {"case", "trailing_dot", "default_port"} <= {n["code"] for n in first["notes"]}
    assert second["decided_by"]["note"] == "Internal systems"
    assert doc["data"]["summary"] == {"targets": 2, "in_scope": 1, "out_of_scope": 1, "unknown": 0, "errors": 0,
                                      "strict": False}
    assert [e["code"] for e in doc["errors"]] == ["out_of_scope"]


# ------------------------------------------------------------------------------------ batches
def test_stdin_batch_streams_json_lines_in_input_order(run):
    lines = ["gemeente.test", "", "# a comment", "intern.gemeente.test", "http://[", "   ", "192.0.2.1",
             "nope.gemeente.test", "mailto:security@gemeente.test"] * 10
    out = run("--json-lines", "first.gemeente.test", "-", "192.0.2.2", input="\n".join(lines) + "\n")
    recs = records(out)
    assert len(recs) == 2 + 6 * 10
    assert recs[0]["arg"] == 1 and recs[-1]["arg"] == 3
    numbers = [r["line"] for r in recs[1:-1]]
    assert numbers == sorted(numbers) and numbers[:6] == [1, 4, 5, 7, 8, 9]
    bad = [r for r in recs if r.get("error")]
    assert len(bad) == 20 and all(r["verdict"] is None for r in bad)
    assert "closing ']'" in bad[0]["error"]["message"]
    assert out.exit_code == 4  # out of scope wins over unreadable lines
    assert out.stderr.strip().splitlines()[0].startswith("62 targets:")


def test_garbage_10kb_hosts_and_overlong_lines_are_per_target_errors(run):
    data = b"\n".join([
        b"gemeente.test",
        b"a" * 10240,  # a 10 KB host name
        b"www." + b"x" * 300 + b".gemeente.test",
        b"y" * 200_000,  # longer than any line the reader keeps
        b"\xff\xfe not utf-8",
        b"",
        b"\r",
        b"www.gemeente.test",
    ]) + b"\n"
    out = run("--json-lines", "-", input=data)
    recs = records(out)
    assert [r["line"] for r in recs] == [1, 2, 3, 4, 5, 8]
    assert [r["verdict"] for r in recs] == ["in_scope", None, None, None, None, "in_scope"]
    messages = [r["error"]["message"] for r in recs if r.get("error")]
    assert "10240 characters long" in messages[0]
    assert "DNS allows at most 253" in messages[1]
    assert "longer than 64 KiB" in messages[2]
    assert "not UTF-8" in messages[3]
    assert all(len(r["target"]) < 300 for r in recs)
    assert out.exit_code == 3
    assert "4 of 6 targets could not be read" in out.stderr


def test_passwords_in_targets_are_not_echoed(run):
    out = run("--json-lines", "https://alice:hunter2@www.gemeente.test/", "https://bob:s3cret@gemeente.test:0/x:")
    assert "hunter2" not in out.stdout + out.stderr and "s3cret" not in out.stdout + out.stderr
    assert [r["target"] for r in records(out)] == ["https://alice:***@www.gemeente.test/",
                                                   "https://bob:***@gemeente.test:0/x:"]


def test_a_single_garbage_target_is_one_sentence_and_exit_3(run):
    out = run("https://gemeente.test:99999/")
    assert out.exit_code == 3
    assert "The port 99999 is larger than 65535." in out.stdout
    assert "Traceback" not in out.stdout + out.stderr


def test_json_and_json_lines_together_is_a_usage_error(run):
    out = run("--json", "--json-lines", "gemeente.test")
    assert out.exit_code == 2 and "not both" in out.json["errors"][0]["message"]


def test_no_target_is_a_usage_error(cli):
    assert cli("scope").exit_code == 2


# ------------------------------------------------------------------------------------ DNS trouble
def test_a_dns_server_that_is_down_bounds_every_lookup(cli, tmp_path):
    policy = write_policy(tmp_path)
    targets = [f"host{i}.gemeente.test" for i in range(40)]
    start = time.monotonic()
    out = cli("scope", "--json-lines", "--no-securitytxt", "--policy", policy, "--timeout", "0.3",
              "--dns-server", f"127.0.0.1:{closed_udp_port()}", "-", input="\n".join(targets))
    elapsed = time.monotonic() - start
    recs = records(out)
    assert [r["host"] for r in recs] == targets
    assert all(r["resolution"]["status"] in ("timeout", "error") for r in recs)
    assert all("dns_timeout" in {n["code"] for n in r["notes"]} or "dns_error" in {n["code"] for n in r["notes"]}
               for r in recs)
    assert elapsed < 10, f"40 lookups against a dead server took {elapsed:.1f} s with --timeout 0.3"


def test_a_name_that_never_answers_does_not_hold_up_the_batch(run):
    out = run("--json-lines", "gemeente.test", SILENT.rstrip("."), "www.gemeente.test", timeout="0.3")
    recs = records(out)
    assert [r["verdict"] for r in recs] == ["in_scope"] * 3
    assert recs[1]["resolution"]["status"] == "timeout"
    assert recs[2]["resolution"]["addresses"] == ["192.0.2.11", "2001:db8:1::11"]


def test_servfail_and_outside_addresses(run):
    recs = records(run("--json-lines", "broken.gemeente.test", "hosted.gemeente.test"))
    assert recs[0]["resolution"]["status"] == "error" and recs[0]["verdict"] == "in_scope"
    assert recs[1]["verdict"] == "unknown"
    assert any("198.51.100.7, outside the policy's networks" in r for r in recs[1]["reasons"])


def test_reasons_and_notes_are_in_the_readers_language_and_codes_stay_in_json(run):
    nl = run("--lang", "nl", "intern.gemeente.test", "hosted.gemeente.test", "broken.gemeente.test")
    assert "intern.gemeente.test is door het beleid uitgesloten" in nl.stdout
    assert "Internal systems" in nl.stdout  # the policy's own note, in its own words
    assert "buiten de netwerken van het beleid" in nl.stdout
    assert "excluded by the policy" not in nl.stdout and "dns_" not in nl.stdout  # no English, no codes
    en = run("intern.gemeente.test", "broken.gemeente.test")
    assert "intern.gemeente.test is excluded by the policy" in en.stdout and "dns_" not in en.stdout
    (rec, broken) = records(run("--json-lines", "intern.gemeente.test", "broken.gemeente.test"))
    assert rec["reasons"][0].startswith("intern.gemeente.test is excluded by the policy")  # JSON stays English
    assert broken["notes"] and all(n["code"].startswith("dns_") for n in broken["notes"])


# ------------------------------------------------------------------------------------ policies
@pytest.mark.parametrize("content, words", [
    (None, "does not exist"),
    ("id: x\n", "no 'scope' section"),
    ("scope:\n  include: {domains: [\"*.nl\"]}\n", "whole public suffix"),
    ("scope: [", "not valid YAML"),
])
def test_policy_problems_exit_3(run, tmp_path, content, words):
    path = tmp_path / "bad.yaml"
    if content is not None:
        path.write_text(content)
    out = run("gemeente.test", policy=str(path))
    assert out.exit_code == 3 and words in out.stderr
    assert "Traceback" not in out.stderr


def test_configured_policy_file_is_used_without_the_option(run, tmp_path):
    path = write_policy(tmp_path / "..", "id: mine\nscope:\n  include: {domains: [gemeente.test]}\n")
    out = run("--json", "gemeente.test", "www.gemeente.test", policy=None, env={"CVD_POLICY": path})
    assert [r["verdict"] for r in out.json["data"]["results"]] == ["in_scope", "out_of_scope"]


def test_builtin_profile_without_scope_leaves_security_txt_and_dns(run):
    out = run("--json", "www.gemeente.test", "192.0.2.1", policy="nl-gemeente")
    results = out.json["data"]["results"]
    assert [r["verdict"] for r in results] == ["unknown", "unknown"]
    assert out.json["data"]["policy"] is None and out.exit_code == 0


# ------------------------------------------------------------------------------------ security.txt seam
def test_security_txt_decides_without_a_policy_against_the_https_server(cli, dns, https, pki):
    """RFC 9116 §3.1 with the real discovery: a file on the host, on its parent, none, a Canonical that
    names another place, and a redirect to a central file of another organisation."""
    load_zone(dns)
    live = "Contact: mailto:security@gemeente.test\nExpires: 2030-01-01T00:00:00Z\n"
    https.add("/.well-known/security.txt", live + "Canonical: https://www.gemeente.test/.well-known/security.txt\n",
              host="www.gemeente.test")
    https.add("/.well-known/security.txt", live, host="gemeente.test")  # covers the parent only
    https.add("/.well-known/security.txt", live + "Canonical: https://elsewhere.test/.well-known/security.txt\n",
              host="other.test")
    from tests.servers.https import redirect

    https.add("/.well-known/security.txt", redirect("https://ncsc.test/.well-known/security.txt"),
              host="www.other.test")
    https.add("/.well-known/security.txt", live + "Canonical: https://ncsc.test/.well-known/security.txt\n",
              host="ncsc.test")
    hosts = ("www.gemeente.test", "gemeente.test", "loket.gemeente.test", "other.test", "www.other.test",
             "ncsc.test", "nofile.gemeente.test")
    args = ["--json", "scope", "--dns-server", dns.address, "--timeout", "2", "--ca-bundle", pki.ca_pem]
    for mapping in https.connect_to(*hosts):
        args += ["--connect-to", mapping]
    out = cli(*args, "https://www.gemeente.test/login", "loket.gemeente.test", "other.test", "www.other.test")
    results = {r["target"]["original"] if isinstance(r["target"], dict) else r["target"]: r
               for r in out.json["data"]["results"]}
    www = results["https://www.gemeente.test/login"]
    assert www["verdict"] == "in_scope" and www["decided_by"]["source"] == "securitytxt"
    parent = results["loket.gemeente.test"]  # no own file: the parent's covers it, and a CNAME to a provider
    assert "gemeente.test" in " ".join(parent["reasons"])
    assert results["other.test"]["verdict"] == "unknown"  # its Canonical names another place
    central = results["www.other.test"]
    assert "ncsc.test" in " ".join(central["reasons"])  # the scope change is shown, not hidden


# ------------------------------------------------------------------------------------ terminals and pipes
def test_no_progress_bar_when_stderr_is_not_a_terminal(run):
    out = run("gemeente.test", "www.gemeente.test")
    assert "\r" not in out.stderr and "checked:" not in out.stderr


def test_progress_bar_on_a_terminal(dns, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    load_zone(dns)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = pexpect.spawn(sys.executable, ["-m", "cvd_reporter", "scope", "--no-securitytxt", "--dns-server",
                                           dns.address, "--timeout", "0.5", "gemeente.test", "192.0.2.1"],
                          env=env, cwd=str(ROOT), encoding="utf-8", timeout=20)
    transcript = child.read()
    child.close()
    assert "checked: " in transcript and "\x1b[K" in transcript
    assert "unknown       gemeente.test" in transcript


def test_stdin_is_streamed_in_and_out(dns):
    """A tool writes one target, reads its verdict, then writes the next (a co-process)."""
    load_zone(dns)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "cvd_reporter", "scope", "--json-lines", "--no-securitytxt",
                             "--dns-server", dns.address, "--timeout", "0.5", "-"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            cwd=str(ROOT), text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    try:
        for host in ("gemeente.test", "www.gemeente.test"):
            proc.stdin.write(host + "\n")
            proc.stdin.flush()
            assert json.loads(lines.get(timeout=20))["host"] == host  # answered while stdin is still open
        proc.stdin.close()
        assert proc.wait(timeout=20) == 0
    finally:
        proc.kill()
        proc.wait()


def test_check_targets_is_the_same_pipeline_for_submit_and_the_wizard(dns):
    from cvd_reporter.app.context import Context
    from cvd_reporter.app.scoping import check_targets
    from cvd_reporter.settings import load_settings

    load_zone(dns)
    ctx = Context(load_settings({"dns_server": dns.address, "timeout": 0.5}))
    scope = {"include": {"domains": ["*.gemeente.test"]}, "exclude": {"domains": ["intern.gemeente.test"]}}
    verdicts = check_targets(["https://www.gemeente.test/", "intern.gemeente.test", "192.0.2.1"],
                             policy_scope=scope, ctx=ctx, securitytxt=False)
    assert [v.verdict for v in verdicts] == ["in_scope", "out_of_scope", "unknown"]
    assert verdicts[0].target.original == "https://www.gemeente.test/"
    with pytest.raises(ValidationError):
        check_targets(["http://["], policy_scope=scope, ctx=ctx, securitytxt=False)
