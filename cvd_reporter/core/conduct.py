"""Does the report itself say the reporter used a technique the organisation's policy forbids?

A policy's promise not to take legal action holds only when its rules were kept (no denial of
service, no brute force, no social engineering, ...). A report that describes brute forcing a login
in its steps tells the organisation exactly that, so ``validate`` and ``submit`` warn (they never
refuse: the reporter knows what they did, the words may mean something else).

Conservative on purpose, since a false alarm teaches people to skip warnings:

- only the fields that say what the reporter did are read: the steps, the tools, the data seen and
  downloaded, the evidence descriptions, and the description and impact;
- the description and impact often say what *an attacker could* do: a sentence there counts only
  when it speaks of the reporter ("I", "we", "ik", "wij", ...) or of something done ("used",
  "gebruikt", "uitgevoerd");
- a clause with a negation ("no brute force was used", "zonder DoS", "ik heb niet ..."), a
  possibility ("could", "kan", "mogelijk"), an attacker, or a defence ("protection against brute
  force", "kwetsbaar voor") never counts.

A policy's ``forbidden`` entries are names (the policy reader's tags ``dos``, ``brute-force``, or a
reporter's own words in a profile file, ``denial of service``, ``no-brute-force``); each maps to one
technique below, and an entry that maps to none is not checked.

Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MAX_QUOTE = 160  # characters of the report's sentence quoted in the warning

# technique -> what the report would say (lower case, both languages)
PATTERNS: dict[str, re.Pattern[str]] = {name: re.compile(pattern) for name, pattern in {
    "dos": r"denial[- ]of[- ]service|\bd?dos\b|\bddos|dos[- ]aanval|overbelast\w*|\boverload(ed|ing)?\b|"
           r"\bflood(ed|ing)?\b|stress ?test\w*|\bload ?test\w*|\bslowloris\b|\bloic\b",
    "brute-force": r"brute[- ]?forc\w*|brute kracht|password[- ]?(guess|spray|crack)\w*|"
                   r"(guess|guessed|guessing|cracked|cracking) (the |their |his |her )?(passwords?|pins?|pincodes?)|"
                   r"wachtwoord\w* .{0,30}(geraden|raden|gekraakt|kraken|geprobeerd)|"
                   r"(raden|kraken) van (de |het )?(wachtwoord|pincode)\w*|credential[- ]stuffing|"
                   r"dictionary attack|woordenboekaanval|\bhydra\b|\bmedusa\b|\bpatator\b|\bncrack\b|\bhashcat\b|"
                   r"john the ripper|rockyou|\d[\d.,]* (inlogpogingen|login attempts|passwords tried|"
                   r"wachtwoorden geprobeerd)",
    "social-engineering": r"social[- ]engineer\w*|phish\w*|vishing|smishing|pretext\w*|impersonat\w*|"
                          r"posed as|deed me voor als|voorgedaan als|(called|phoned|emailed|e-mailed|tricked|"
                          r"persuaded|convinced) (an? |the |their |one of the )?(employee|staff|helpdesk|"
                          r"service ?desk|receptionist)|(medewerker|helpdesk|servicedesk|receptionist)\w* "
                          r".{0,30}(gebeld|gemaild|benaderd|misleid|overgehaald|overtuigd)",
    "physical": r"physical (access|attack|intrusion|break[- ]?in)|fysiek\w* (toegang|aanval|binnen)|"
                r"lock ?pick\w*|tailgat\w*|badge clon\w*|clon(ed|ing) (the |an? )?(access )?(badge|card)|"
                r"toegangspas\w* .{0,20}(gekopieerd|gekloond)|broke into (the )?(building|office|premises)|"
                r"ingebroken|usb[- ]?drop|usb[- ]?sticks? .{0,20}(achtergelaten|left|dropped)",
    "spam": r"\bspam\w*|\bbulk[- ]?e?-?mail\w*|mass[- ]?mail\w*|massa-?mail\w*|"
            r"(sent|verstuurd|verzonden) \d[\d.,]* (e-?mails|berichten|messages|sms)",
    "automated-scans": r"\bmasscan\b|\bzmap\b|\bnikto\b|\bnuclei\b|\bacunetix\b|\bnessus\b|\bopenvas\b|"
                       r"\bgobuster\b|\bdirbuster\b|\bdirb\b|\bffuf\b|\bwfuzz\b|automated (vulnerability )?scan\w*|"
                       r"geautomatiseerde? (kwetsbaarheden)?scan\w*|vulnerability scanner|kwetsbaarhe\w*scanner|"
                       r"(scanned|scanning|gescand) (the )?(entire|whole|full|complete|hele|alle|volledige|gehele)|"
                       r"all 65535 ports|alle 65535 poorten|\d+\.\d+\.\d+\.\d+/(8|16)\b",
    "excess-data": r"(downloaded|dumped|exported|copied|scraped|extracted|retrieved|saved) (the |all (the |of the )?)?"
                   r"(entire|whole|full|complete|all)\b.{0,40}(database|table|records|data|files|dataset|users|"
                   r"customers|accounts)|(downloaded|dumped|exported|scraped|copied|extracted|retrieved) "
                   r"(all )?\d{3,}[\d.,]* (records|rows|files|users|accounts|entries|documents|customers)|"
                   r"\b(database|db|table)[- ]?dump|\bdumped (the )?(database|db|tables?)|--dump(-all)?\b|"
                   r"(hele|volledige|complete|gehele) (database|tabel|dataset|klantenbestand|bestand)\w* .{0,40}"
                   r"(gedownload|gedumpt|geëxporteerd|gekopieerd|binnengehaald|opgehaald|opgeslagen)|"
                   r"\d{3,}[\d.,]* (records|rijen|bestanden|dossiers|persoonsgegevens|klantgegevens|accounts) "
                   r"(gedownload|gedumpt|geëxporteerd|gekopieerd|opgehaald|binnengehaald)",
    "malware": r"malware|ransomware|backdoor|achterdeur|web ?shell|\btrojan|trojaans paard|\bvirus\b",
}.items()}

# A forbidden entry (normalised: lower case, words joined by "-", without "no-"/"geen-") -> technique.
ALIASES = {
    "dos": "dos", "ddos": "dos", "denial-of-service": "dos", "overload": "dos", "availability": "dos",
    "brute-force": "brute-force", "bruteforce": "brute-force", "password-guessing": "brute-force",
    "password-cracking": "brute-force", "credential-stuffing": "brute-force",
    "social-engineering": "social-engineering", "phishing": "social-engineering", "pretexting": "social-engineering",
    "physical": "physical", "physical-attacks": "physical", "physical-security": "physical", "fysiek": "physical",
    "spam": "spam",
    "automated-scans": "automated-scans", "automated-scanning": "automated-scans", "scanning": "automated-scans",
    "mass-scanning": "automated-scans", "large-scans": "automated-scans", "vulnerability-scanning": "automated-scans",
    "data-abuse": "excess-data", "excess-data": "excess-data", "minimal-data": "excess-data",
    "excessive-download": "excess-data", "more-data-than-needed": "excess-data",
    "malware": "malware", "ransomware": "malware", "backdoor": "malware", "backdoors": "malware",
}
TECHNIQUES = tuple(PATTERNS)

NEGATION = re.compile(r"\b(no|not|never|nor|none|without|geen|niet|nooit|noch|zonder|avoid\w*|vermeden|vermijd\w*|"
                      r"refrained|afgezien)\b|n't\b")
# What an attacker could do, or a defence against the technique: not what the reporter did.
HYPOTHETICAL = re.compile(r"\b(could|would|might|can|cannot|may|should|possible|possibly|potential\w*|allows?|"
                          r"enables?|attackers?|malicious|hackers?|criminals?|kan|kunnen|zou|zouden|mogelijk\w*|"
                          r"potentieel|aanvaller\w*|kwaadwillend\w*|crimine\w*|protect\w*|bescherm\w*|prevent\w*|"
                          r"voorkom\w*|mitigat\w*|vulnerable|susceptible|kwetsbaar|gevoelig|risks?|risico\w*|"
                          r"rate[- ]?limit\w*|lock-?out|captcha|if|indien)\b")
# The description and impact count only where they speak of the reporter or of something done.
ACTOR = re.compile(r"\b(i|i've|i'm|ik|we|wij|my|mijn|me|mij|our|onze|ons|us|used|performed|carried out|conducted|"
                   r"ran|executed|tried|gebruikt|uitgevoerd|gedaan|toegepast|ingezet|geprobeerd|gedraaid)\b")
SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")
CLAUSES = re.compile(r",\s+|;\s*|:\s+|\s+[-–]\s+|\b(?:but|maar|however|echter|though|although|whereas|terwijl|"
                     r"hoewel|omdat|because)\b")


@dataclass(frozen=True)
class Sign:
    """A sentence of the report that suggests a forbidden technique."""

    technique: str  # a key of PATTERNS
    field: str  # where in the report: ``vulnerability.steps[2]``
    sentence: str  # the report's own sentence, shortened to MAX_QUOTE characters


def technique_of(entry: str) -> str | None:
    """The technique a policy's ``forbidden`` entry names, or None when it is none we can look for."""
    key = re.sub(r"[\s_]+", "-", str(entry).strip().lower())
    key = re.sub(r"^(no|geen)-", "", key)
    return ALIASES.get(key)


def forbidden_techniques(entries: Iterable[str]) -> list[str]:
    """The distinct techniques the entries name, in the policy's order."""
    out: list[str] = []
    for entry in entries:
        technique = technique_of(entry)
        if technique is not None and technique not in out:
            out.append(technique)
    return out


def _fields(report: Any) -> list[tuple[str, str, bool]]:
    """(path, text, narrative) for every field that says what the reporter did."""
    v, c = report.vulnerability, report.conduct
    out: list[tuple[str, str, bool]] = [(f"vulnerability.steps[{i}]", s, False) for i, s in enumerate(v.steps)]
    out += [(f"conduct.tools[{i}]", s, False) for i, s in enumerate(c.tools)]
    out += [("conduct.data_downloaded", c.data_downloaded or "", False),
            ("conduct.data_accessed", c.data_accessed or "", False)]
    out += [(f"evidence[{i}].description", e.description or "", False) for i, e in enumerate(report.evidence)]
    out += [("vulnerability.description", v.description or "", True), ("vulnerability.impact", v.impact or "", True)]
    return [(path, text, narrative) for path, text, narrative in out if isinstance(text, str) and text.strip()]


def clause_says(clause: str, technique: str) -> bool:
    """Does this clause (lower case) say the technique was used, without negation or possibility?"""
    return bool(PATTERNS[technique].search(clause)) and not NEGATION.search(clause) \
        and not HYPOTHETICAL.search(clause)


def sentence_says(sentence: str, technique: str, *, narrative: bool) -> bool:
    """Does one sentence of the report say the reporter used the technique (see the module docstring)?"""
    text = sentence.lower().replace("\u2019", "'")
    if narrative and not ACTOR.search(text):
        return False
    return any(clause_says(clause, technique) for clause in CLAUSES.split(text) if clause and clause.strip())


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCES.split(text) if s and s.strip()]


def quote(sentence: str) -> str:
    one_line = " ".join(sentence.split())
    return one_line if len(one_line) <= MAX_QUOTE else one_line[:MAX_QUOTE - 1].rstrip() + "…"


def signs(report: Any, forbidden: Iterable[str]) -> list[Sign]:
    """The first sentence that suggests each forbidden technique, in the order of the report's fields."""
    wanted = forbidden_techniques(forbidden)
    found: dict[str, Sign] = {}
    for path, text, narrative in _fields(report):
        for sentence in sentences(text):
            for technique in wanted:
                if technique not in found and sentence_says(sentence, technique, narrative=narrative):
                    found[technique] = Sign(technique, path, quote(sentence))
    return [found[t] for t in wanted if t in found]
