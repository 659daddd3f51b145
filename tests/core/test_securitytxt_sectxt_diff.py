"""Agreement with the field: our parser against sectxt 0.9.8 (the validator internet.nl uses).

Over the real-world corpus in tests/data/securitytxt-corpus/ (sources in its MANIFEST.tsv) with one
fixed ``now``, the valid / invalid verdict and the set of sectxt codes must be the same for every
file, or the file is named here with the reason we differ. The same holds for the synthetic rows of
the parser's code table. sectxt reads the clock itself; its ``datetime`` is replaced by one that
returns our fixed ``now`` (the only stand-in in this file: a clock cannot be made real).
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pytest

from cvd_reporter.core.securitytxt import CODES, parse
from tests.support.paths import DATA
from tests.support.securitytxt import CASES, NOW

sectxt = pytest.importorskip("sectxt", reason="sectxt (test dependency) is not installed")

CORPUS = DATA / "securitytxt-corpus"

# file -> (the code of ours that makes the difference, why). sectxt's known false negatives.
KNOWN_CORPUS = {
    "051.txt": ("invalid_encryption", "Encryption is a data: URI holding an age key; RFC 9116 §2.5.4 says no "
                                      "key in the field, and it is not an OpenPGP key; sectxt accepts any URI"),
    "089.txt": ("invalid_contact", "Contact mailto:support\\@beam.mw is not an e-mail address; sectxt does not "
                                   "check mailto addresses"),
}
# row id in CASES -> why the verdict differs (only rows whose code is sectxt's are compared).
KNOWN_SYNTHETIC = {
    "invalid_lang-9": "en_US is not an RFC 5646 tag (underscore); langcodes, and so sectxt, accepts it",
    "pgp_data_error-40": "no blank line after the Hash header (RFC 4880 §7, RFC 9116 §4 ABNF); PGPy tolerates it",
    "pgp_error-41": "the armor CRC-24 does not match the data; PGPy does not check it (GnuPG does)",
}


class _FixedClock(dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return NOW if tz else NOW.replace(tzinfo=None)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(sectxt, "datetime", _FixedClock)


def _theirs(content: bytes) -> tuple[bool, set[str]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PGPy warns (e.g. "Incorrect crc24") instead of failing
        p = sectxt.Parser(content)
    return p.is_valid(), {e["code"] for e in p.errors + p.recommendations + p.notifications}


def _ours(content: bytes) -> tuple[bool, set[str], set[str]]:
    s = parse(content, now=NOW)
    mine = {f.code for f in s.findings}
    return s.valid, {c for c in mine if CODES[c][1] == "sectxt"}, {c for c in mine if CODES[c][1] == "own"}


def _corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_corpus_agrees_with_sectxt(path):
    content = path.read_bytes()
    their_valid, their_codes = _theirs(content)
    our_valid, our_codes, own = _ours(content)
    if path.name in KNOWN_CORPUS:
        code, reason = KNOWN_CORPUS[path.name]
        assert their_valid and not our_valid and code in own, f"{path.name} no longer differs as noted: {reason}"
    else:
        assert our_valid == their_valid, f"{path.name}: verdict differs (ours {our_valid}, sectxt {their_valid})"
    assert our_codes == their_codes, f"{path.name}: sectxt codes differ: ours {our_codes}, sectxt {their_codes}"


def test_corpus_is_big_enough_to_mean_something():
    files = _corpus_files()
    assert len(files) >= 50
    verdicts = [_ours(p.read_bytes())[0] for p in files]
    assert 10 <= sum(verdicts) <= len(files) - 10  # both verdicts well represented


_SYNTH = [(f"{code}-{i}", content) for i, (code, content) in enumerate(CASES) if CODES[code][1] == "sectxt"]


@pytest.mark.parametrize("case_id, content", _SYNTH, ids=[c for c, _ in _SYNTH])
def test_synthetic_cases_agree_with_sectxt(case_id, content):
    their_valid, their_codes = _theirs(content)
    our_valid, _our_codes, _own = _ours(content)
    code = case_id.rsplit("-", 1)[0]
    if case_id in KNOWN_SYNTHETIC:
        assert their_valid != our_valid, f"{case_id} no longer differs: {KNOWN_SYNTHETIC[case_id]}"
        return
    assert our_valid == their_valid, f"{case_id}: verdict differs (ours {our_valid}, sectxt {their_valid})"
    if code != "no_canonical_match":  # needs URLs, compared below
        assert code in their_codes


@pytest.mark.parametrize("canonical, match", [
    ("https://gemeente.test/.well-known/security.txt", True),
    ("https://www.gemeente.test/.well-known/security.txt", False),
])
def test_canonical_match_agrees_with_sectxt_for_exact_urls(canonical, match):
    content = (f"Contact: mailto:security@gemeente.test\nCanonical: {canonical}\n"
               f"Expires: {(NOW + dt.timedelta(days=30)):%Y-%m-%dT%H:%M:%SZ}\n").encode()
    urls = ["https://gemeente.test/.well-known/security.txt"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = sectxt.Parser(content, urls=urls).is_valid()
    assert parse(content, now=NOW, urls=urls).valid is theirs is match
