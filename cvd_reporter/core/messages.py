"""Finding messages for report validation: one plain sentence each, from the message catalogue.

A finding's code (``no_contact``) is what ``--json`` shows; its sentence is the catalogue text
``finding.<code>`` (core/i18n.py) in the language asked for.
"""

from __future__ import annotations

from typing import Any

from cvd_reporter.core.findings import Finding, Severity
from cvd_reporter.core.i18n import say


def make(code: str, severity: Severity, lang: str = "en", *, field: str | None = None,
         line: int | None = None, **params: Any) -> Finding:
    return Finding(code, severity, say(lang, f"finding.{code}", **params), line=line, field=field)
