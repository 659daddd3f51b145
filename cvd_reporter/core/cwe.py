"""A short, curated list of the weaknesses people find most often in municipal websites, with a
plain name in Dutch and English, so a newcomer can pick one instead of knowing the CWE catalogue.

Ids and names follow MITRE's CWE list (https://cwe.mitre.org); the selection follows the OWASP
Top 10 (2021) mapping plus what Dutch CVD reports commonly describe (open redirects, exposed
files, directory listings). Any other id can still be given ("other CWE id").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cvd_reporter.core.validate import CWE_RE


@dataclass(frozen=True)
class Weakness:
    id: str  # "CWE-79"
    name: dict[str, str]

    def say(self, lang: str) -> str:
        return f"{self.name.get(lang) or self.name['en']} ({self.id})"


COMMON: tuple[Weakness, ...] = (
    Weakness("CWE-79", {"en": "Cross-site scripting (XSS)", "nl": "Cross-site scripting (XSS)"}),
    Weakness("CWE-89", {"en": "SQL injection", "nl": "SQL-injectie"}),
    Weakness("CWE-639", {"en": "Access to other people's records by changing an id (IDOR)",
                         "nl": "Toegang tot gegevens van anderen door een id te veranderen (IDOR)"}),
    Weakness("CWE-284", {"en": "Improper access control", "nl": "Onvoldoende toegangscontrole"}),
    Weakness("CWE-287", {"en": "Improper authentication", "nl": "Onvoldoende authenticatie"}),
    Weakness("CWE-200", {"en": "Exposure of sensitive information", "nl": "Uitlekken van gevoelige informatie"}),
    Weakness("CWE-538", {"en": "Sensitive file publicly reachable (backup, .git, config)",
                         "nl": "Gevoelig bestand openbaar bereikbaar (back-up, .git, configuratie)"}),
    Weakness("CWE-548", {"en": "Directory listing", "nl": "Mapinhoud zichtbaar (directory listing)"}),
    Weakness("CWE-601", {"en": "Open redirect", "nl": "Open redirect (doorsturen naar willekeurige site)"}),
    Weakness("CWE-352", {"en": "Cross-site request forgery (CSRF)", "nl": "Cross-site request forgery (CSRF)"}),
    Weakness("CWE-22", {"en": "Path traversal", "nl": "Path traversal (bestanden buiten de map lezen)"}),
    Weakness("CWE-918", {"en": "Server-side request forgery (SSRF)", "nl": "Server-side request forgery (SSRF)"}),
    Weakness("CWE-78", {"en": "OS command injection", "nl": "Injectie van systeemcommando's"}),
    Weakness("CWE-434", {"en": "Unrestricted file upload", "nl": "Onbeperkt bestanden uploaden"}),
    Weakness("CWE-611", {"en": "XML external entities (XXE)", "nl": "XML external entities (XXE)"}),
    Weakness("CWE-319", {"en": "Sensitive data sent without encryption",
                         "nl": "Gevoelige gegevens onversleuteld verstuurd"}),
    Weakness("CWE-1104", {"en": "Outdated software with known vulnerabilities",
                          "nl": "Verouderde software met bekende kwetsbaarheden"}),
    Weakness("CWE-1021", {"en": "Clickjacking", "nl": "Clickjacking"}),
)

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
