"""The promised first reaction (``binnen 3 werkdagen``, ``within one business day``, ``48 kantooruren``)
and a subject the page requires (``onder vermelding van "Beveiliging ICT"``).

The earliest reaction a page promises counts (an acknowledgement of receipt before an assessment);
deadlines for a fix or for publication are not reactions and are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cvd_reporter.core.policypage.model import Found, Sentence, matching, unknown

NUMBER_WORDS = {
    "een": 1, "één": 1, "eén": 1, "one": 1, "a": 1, "twee": 2, "two": 2, "drie": 3, "three": 3, "vier": 4,
    "four": 4, "vijf": 5, "five": 5, "zes": 6, "six": 6, "zeven": 7, "seven": 7, "acht": 8, "eight": 8,
    "negen": 9, "nine": 9, "tien": 10, "ten": 10, "veertien": 14, "fourteen": 14, "dertig": 30, "thirty": 30,
    "achtenveertig": 48, "forty-eight": 48, "vierentwintig": 24, "twenty-four": 24,
}
_NUM = r"(\d{1,3}|" + "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True)) + r")"
UNITS = (
    (r"werkdag(en)?|working[- ]days?|business[- ]days?|work[- ]?days?", "working_days"),
    (r"kantoorur(en)?|kantooruur|office[- ]hours?|werkuren|business hours", "office_hours"),
    (r"uur|uren|hours?", "hours"),
    (r"kalenderdag(en)?|calendar days?|dag(en)?|days?", "days"),
    (r"werkweken?|working weeks?|weken|weeks?|week", "weeks"),
)
_UNIT = "|".join(f"(?P<u{i}>{p})" for i, (p, _) in enumerate(UNITS))
DURATION = re.compile(rf"(?<![\w-])(?P<n>{_NUM})\s*(?:\(\s*\d+\s*\)\s*)?(?:{_UNIT})(?![\w-])", re.I)
_WITHIN = re.compile(r"\b(binnen|within|uiterlijk|in|na|after|maximaal|at most|no later than|no more than)\s+"
                     r"(de |het |een termijn van |a period of |the )?$", re.I)
REACTION = re.compile(
    r"ontvangstbevestiging|bevestiging|bevestigen|reageren|reageert|reactie|antwoord|terugkoppeling|"
    r"contact (met u |met je )?op|neemt .{0,40}contact|nemen .{0,40}contact|\bhoort\b|hoor je|van ons horen|"
    r"(ontvangt|krijgt) u (een )?bericht|bericht van ons|"
    r"respond|response|reply|acknowledg|confirm|receipt|get back|contact you|hear from us|reaction|"
    r"eerste (beoordeling|inhoudelijke)|in behandeling", re.I)
NOT_REACTION = re.compile(r"oplossen|opgelost|verhelpen|verholpen|\bfix|resolve|remed|openbaar|publice|publish|"
                          r"disclos|dichten|herstel", re.I)
_DAYS_PER_UNIT = {"working_days": 1.4, "days": 1.0, "hours": 1 / 24, "office_hours": 1.4 / 8, "weeks": 7.0}


def _amount(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word.lower())


def durations(text: str) -> list[tuple[int, str, re.Match[str]]]:
    out = []
    for m in DURATION.finditer(text):
        amount = _amount(m.group("n"))
        unit = next(UNITS[i][1] for i in range(len(UNITS)) if m.group(f"u{i}"))
        if amount is None or amount == 0:
            continue
        if m.group("n").lower() == "a" and not _WITHIN.search(text[: m.start()]):
            continue
        out.append((amount, unit, m))
    return out


def find_response(sents: list[Sentence]) -> Found:
    """The earliest promised reaction as ``{amount, unit}``; ``unknown`` when the page states none."""
    best: tuple[float, Found] | None = None
    for s in matching(sents, REACTION):
        for amount, unit, m in durations(s.text):
            before = s.text[max(0, m.start() - 60): m.start()]
            if not _WITHIN.search(before):
                continue
            clause = re.split(r"[,;:]|\ben\b|\band\b", s.text[m.end():], maxsplit=1)[0]
            lead = re.split(r"[,;:]", before)[-1]
            local = lead + m.group(0) + clause
            if NOT_REACTION.search(local) and not REACTION.search(local):
                continue
            if unit == "weeks":
                amount, unit = amount * 7, "days"
            rank = amount * _DAYS_PER_UNIT[unit]
            if best is None or rank < best[0]:
                best = (rank, Found.at({"amount": amount, "unit": unit}, s, said=m.group(0)))
    return best[1] if best else unknown()


_QUOTED = r"[\"'‘’“”„«‹]\s*(?P<q>[^\"'‘’“”„«»‹›]{2,80}?)\s*[\"'‘’“”»›]"
SUBJECT = re.compile(
    r"(onder vermelding van|met (als|het) onderwerp|in het onderwerp(veld)?( van (uw|je) (e-?mail|bericht))?"
    r"|in de onderwerpregel|onderwerp(regel)?\s*:|as (the )?subject|in the subject( line| field)?|subject( line)?\s*:"
    r"|with the subject( line)?|(use|gebruik) (the |het |als )?(subject|onderwerp)|reference)"
    r"\s*(van |het |de |the )?" + _QUOTED, re.I)
SUBJECT_BARE = re.compile(r"(onder vermelding van|met (als|het) onderwerp|onderwerp(regel)?\s*:|subject( line)?\s*:"
                          r"|with the subject( line)?)\s+(?P<q>[A-Z][^.;:!?\n]{1,60}?)\s*(?=[.;!?]|$)", re.I)

ANY_SUBJECT = re.compile(r"vermelding|onderwerp|subject|reference", re.I)


def find_subject(sents: list[Sentence], mailto_subjects: Sequence[tuple[str, object]]) -> Found:
    """A subject the page requires, verbatim; ``reference "X" in your report`` is kept as ``where: report``."""
    for s in matching(sents, ANY_SUBJECT):
        m = SUBJECT.search(s.text)
        if m:
            where = "report" if m.group(0).lower().startswith("reference") else "subject"
            return Found.at(m.group("q").strip(), s, where=where)
        m = SUBJECT_BARE.search(s.text)
        if m:
            return Found.at(m.group("q").strip(), s, where="subject")
    for subject, link in mailto_subjects:
        return Found(subject, f"mailto link: {getattr(link, 'href', '')}", None, {"where": "subject"})
    return unknown()
