"""A short, curated list of the weaknesses people find most often in municipal websites, with a
plain name in Dutch and English, so a newcomer can pick one instead of knowing the CWE catalogue.

Ids and names follow MITRE's CWE list (https://cwe.mitre.org); the selection follows the OWASP
Top 10 (2021) mapping plus what Dutch CVD reports commonly describe (open redirects, exposed
files, directory listings). Any other id can still be given ("other CWE id").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cvd_reporter.core.i18n import say
from cvd_reporter.core.validate import CWE_RE


@dataclass(frozen=True)
class Weakness:
    id: str  # "CWE-79"

    def say(self, lang: str) -> str:
        """The plain name (catalogue id ``cwe.<id>``) and the id: "SQL injection (CWE-89)"."""
        return f"{say(lang, f'cwe.{self.id}')} ({self.id})"


COMMON: tuple[Weakness, ...] = tuple(Weakness(i) for i in (
    "CWE-79", "CWE-89", "CWE-639", "CWE-284", "CWE-287", "CWE-200", "CWE-538", "CWE-548", "CWE-601",
    "CWE-352", "CWE-22", "CWE-918", "CWE-78", "CWE-434", "CWE-611", "CWE-319", "CWE-1104", "CWE-1021",
))

_BY_ID = {w.id: w for w in COMMON}
_LOOSE = re.compile(r"^\s*(?:cwe)?\s*[-_: ]?\s*0*([1-9][0-9]{0,4})\s*$", re.IGNORECASE)


def normalise_cwe(text: str) -> str | None:
    """``79``, ``cwe79``, ``CWE-79`` and ``cwe: 79`` all become ``CWE-79``; None when it is no CWE id."""
    m = _LOOSE.match(text or "")
    if not m:
        return None
    cwe = f"CWE-{m.group(1)}"
    return cwe if CWE_RE.match(cwe) else None


def lookup(cwe_id: str) -> Weakness | None:
    return _BY_ID.get(cwe_id)
