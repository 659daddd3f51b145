"""Every parser that reads outside input gives a clear result or our own error, never another exception.

Property-based (hypothesis) over report files (YAML and JSON), policy profiles with their scope,
security.txt, armor and key packets, targets (URLs, hosts, IP addresses) and SMTP answers. The runs
are derandomised, so CI sees the same examples every time; ``CVD_HYPOTHESIS_EXAMPLES=5000`` makes a
long local run (see docs/development.md).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvd_reporter.app.reportfile import parse_document
from cvd_reporter.core.display import printable
from cvd_reporter.core.model import parse_report
from cvd_reporter.core.pgp.armor import ArmorError, dearmor
from cvd_reporter.core.pgp.certificates import load_certificates
from cvd_reporter.core.pgp.packets import PacketError, iter_packets
from cvd_reporter.core.policy import Policy
from cvd_reporter.core.securitytxt import parse as parse_securitytxt
from cvd_reporter.core.target import parse_target
from cvd_reporter.delivery.smtp import MAX_ANSWER, _answer
from cvd_reporter.errors import CvdError

EXAMPLES = int(os.environ.get("CVD_HYPOTHESIS_EXAMPLES", "150"))
FIXED = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone.utc)

# JSON-like values: what a YAML or JSON document can hold.
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40)
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5)
                         | st.dictionaries(st.text(max_size=15), inner, max_size=5), max_leaves=30)

REPORT_KEYS = ["schema", "id", "language", "reporter", "organisation", "target", "vulnerability", "evidence",
               "conduct", "disclosure"]
report_like = st.fixed_dictionaries({}, optional=dict.fromkeys(REPORT_KEYS, documents)).map(
    lambda d: {"schema": "cvd-report/1", **d})

# Text with the characters parsers trip on: YAML and JSON syntax, controls, line ends, non-ASCII.
hostile_text = st.text(alphabet=st.sampled_from(list("abc:-[]{}&*!|>'\"#%@ \t\n\r\x00\x1b\u2028é9.,/\\=+")) |
                       st.characters(blacklist_categories=("Cs",)), max_size=300)


@FIXED
@given(text=hostile_text, suffix=st.sampled_from([".yaml", ".json"]))
def test_report_file_text(text: str, suffix: str) -> None:
    try:
        data = parse_document(text, Path("report" + suffix))
    except CvdError:
        return
    if isinstance(data, dict):
        parse_report(data, lang="nl")


@FIXED
@given(doc=report_like)
def test_report_structure(doc: dict[str, Any]) -> None:
    report, findings = parse_report(doc, lang="en")
    assert all(f.message for f in findings)
    report.to_dict()  # what submit renders from must always serialise


BASE_POLICY: dict[str, Any] = {"id": "p", "name": {"en": "P", "nl": "P"}, "response": {"working_days": 5}}


@FIXED
@given(extra=st.dictionaries(st.sampled_from(["id", "name", "rules", "required", "response", "calendar", "scope",
                                               "languages", "attestations", "contact"]), documents, max_size=4),
       scope=documents)
def test_policy_profile(extra: dict[str, Any], scope: Any) -> None:
    try:
        Policy.from_dict({**BASE_POLICY, "scope": scope, **extra}, source="fuzz.yaml")
    except CvdError:
        pass


@FIXED
@given(body=st.binary(max_size=600) | hostile_text.map(lambda t: ("Contact: " + t + "\nExpires: " + t).encode()))
def test_security_txt(body: bytes) -> None:
    stx = parse_securitytxt(body, now=NOW)
    assert all(f.code for f in stx.findings)


armor_like = st.builds(lambda kind, body, crc: (f"-----BEGIN PGP {kind}-----\n\n{body}\n={crc}\n"
                                                 f"-----END PGP {kind}-----\n").encode(),
                       st.sampled_from(["PUBLIC KEY BLOCK", "SIGNATURE", "MESSAGE", "PRIVATE KEY BLOCK"]),
                       st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n ",
                               max_size=200),
                       st.text(alphabet="ABCDabcd0123+/=", max_size=6))


@FIXED
@given(data=st.binary(max_size=400) | armor_like | st.sampled_from([b"\x9b", b"\x99\x00\x01\x04"]))
def test_armor_and_packets(data: bytes) -> None:
    try:
        dearmor(data)
    except ArmorError:
        pass
    try:
        list(iter_packets(data))
    except PacketError:
        pass
    try:
        load_certificates(data)
    except CvdError:
        pass


@FIXED
@given(text=hostile_text | st.from_regex(r"[a-z]{1,8}://[^\s]{0,40}", fullmatch=True))
def test_targets(text: str) -> None:
    try:
        target = parse_target(text)
    except CvdError:
        return
    assert target.host == target.host.strip()


@FIXED
@given(resp=st.binary(max_size=2000) | st.text(max_size=2000))
def test_smtp_answers_are_one_short_printable_line(resp: bytes | str) -> None:
    text = _answer(resp)
    assert len(text) <= MAX_ANSWER and "\n" not in text and "\r" not in text
    assert printable(text) == text or any(ord(c) < 32 or 0x7f <= ord(c) <= 0x9f or c in "\u2028\u2029"
                                          for c in text)


@pytest.mark.parametrize("resp", [b"250 ok\x1b[2J", "550 5.1.1 \u202egnp.exe"])
def test_smtp_answers_never_reach_the_terminal_raw(resp: bytes | str) -> None:
    """What the server said is shown to the user: the terminal-safe form is what the CLI prints."""
    assert "\x1b" not in printable(_answer(resp)) and "\u202e" not in printable(_answer(resp))
