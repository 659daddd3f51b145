"""Is a line English? For the tests that check Dutch output (issue 17).

The detector is a short list of English words that are no Dutch words ("the", "with", "cannot", ...):
a line with two of them is an English sentence. What may stay English is taken out first: commands
and options (`cvd-reporter status --all`), text in backticks or quotes, paths, URLs, e-mail addresses,
metavars and codes in capitals (FILE, TARGET) and the technical terms in ALLOWED.
"""

from __future__ import annotations

import re

ENGLISH = frozenset(["the", "and", "with", "from", "this", "that", "these", "those", "for", "when", "your", "you", "are", "not", "cannot", "can't", "which", "there", "been", "have", "has", "will", "should", "must", "only", "each", "every", "found", "without", "into", "than", "then", "what", "where", "who", "whose", "does", "did", "because", "about", "after", "before", "please", "give", "run", "use", "shows", "show", "list", "lists", "nothing", "something", "already", "still", "yet", "again", "could", "would"])
# Names, codes and terms that read the same in both languages, or are the names a command takes.
ALLOWED = re.compile(r"\b(security\.txt|Coordinated Vulnerability Disclosure|split-horizon|rebinding|"
                     r"responsible[- ]disclosure|security advisories|Message-ID|Idempotency-Key|"
                     r"disclose\.io|program-list\.json|cleartext)\b", re.I)
STRIP = [
    re.compile(r"`[^`]*`"),                   # commands in backticks
    re.compile(r"'[^']*'|\"[^\"]*\"|«[^»]*»"),  # quoted values (what the user typed, a policy's own words)
    re.compile(r"\bcvd-reporter(\s+[a-z][\w-]*){0,2}"),  # a command named in a hint
    re.compile(r"(?<!\w)--?[\w-]+(=\S+)?"),   # options
    re.compile(r"\S*/\S*"),                   # paths and URLs
    re.compile(r"\S+@\S+"),                   # addresses
    re.compile(r"\b[A-Z][A-Z0-9_|.\[\]-]+\b"),  # metavars and codes in capitals
]


def english_lines(text: str) -> list[str]:
    """The lines of ``text`` that read as English (two English-only words after the allowed parts go)."""
    found = []
    for line in text.splitlines():
        rest = ALLOWED.sub(" ", line)
        for pattern in STRIP:
            rest = pattern.sub(" ", rest)
        words = {w.lower() for w in re.findall(r"[A-Za-z']+", rest)}
        if len(words & ENGLISH) >= 2:
            found.append(line)
    return found
