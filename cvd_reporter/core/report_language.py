"""The language of the report, which is not the language of the questions (issue 17).

The reporter reads questions and output in their own language (``--lang``); the organisation reads the
report in its language. In order: what the reporter asked for (``--report-lang``), what the report file
says (``language``), the first language of the organisation's security.txt Preferred-Languages
(RFC 9116 §2.5.8) that a report can be written in, Dutch for a Dutch organisation (a ``.nl`` host or a
Dutch policy profile such as ``nl-gemeente``), and only then the reporter's own language. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from cvd_reporter.core.i18n import LANGUAGES, N_

# why -> catalogue id of the reason shown in the summary
REASONS = {
    "asked": N_("report_lang.asked"),
    "report_file": N_("report_lang.report_file"),
    "preferred_languages": N_("report_lang.preferred_languages"),
    "dutch_organisation": N_("report_lang.dutch_organisation"),
    "your_language": N_("report_lang.your_language"),
}


def choose(*, asked: str | None, in_file: str | None, preferred: Sequence[str], host: str | None,
           policy_id: str | None, ui_lang: str) -> tuple[str, str]:
    """(language, why): ``why`` is a key of :data:`REASONS`."""
    if asked in LANGUAGES:
        return str(asked), "asked"
    if in_file in LANGUAGES:
        return str(in_file), "report_file"
    for tag in preferred:
        primary = tag.split("-")[0].strip().lower()
        if primary in LANGUAGES:
            return primary, "preferred_languages"
    if (host or "").rstrip(".").lower().endswith(".nl") or (policy_id or "").startswith("nl-"):
        return "nl", "dutch_organisation"
    return (ui_lang if ui_lang in LANGUAGES else "en"), "your_language"
