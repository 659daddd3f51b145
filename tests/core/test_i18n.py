"""The message catalogue cannot drift: every id the code uses has a text in English and Dutch, the
shipped .mo files say exactly what the .po files say, and no text is left that nothing shows.

Extraction is Babel's own (babel.cfg, the configuration `pybabel extract` uses), so what a
maintainer's `pybabel extract` finds is what this test checks. Ids built at run time from a code
(a question name, a CVSS metric, a detector, a finding code) are enumerated from the same data the
code builds them from.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
import string
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from cvd_reporter.cli import wizard
from cvd_reporter.cli.app import cli
from cvd_reporter.cli.localise import english_help_texts
from cvd_reporter.core import cvss_builder, cwe, i18n, lint, model, render, states
from cvd_reporter.core import questions as Q
from cvd_reporter.core.i18n import LANGUAGES, LOCALE_DIR, say, translator
from tests.support.paths import ROOT

PACKAGE = ROOT / "cvd_reporter"


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def catalogue(lang: str) -> dict[str, str]:
    with po_path(lang).open("rb") as f:
        return {m.id: m.string for m in read_po(f, locale=lang) if m.id}


def extracted() -> set[str]:
    """The ids `pybabel extract -F babel.cfg` finds in cvd_reporter/."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    mapping = [(pattern.removeprefix("cvd_reporter/"), method) for pattern, method in method_map]
    options = {pattern.removeprefix("cvd_reporter/"): opts for pattern, opts in options_map.items()}
    return {msg for _, _, msg, _, _ in extract_from_dir(str(PACKAGE), mapping, options) if isinstance(msg, str)}


def finding_ids() -> set[str]:
    """``finding.<code>`` for every code passed to core.messages.make (directly or through validate's add)."""
    users = [p for p in PACKAGE.rglob("*.py") if "import make" in p.read_text(encoding="utf-8")]
    assert users, "no module builds findings with core.messages.make"
    codes = {msg for path in users for _, msg, _, _ in extract_from_file(
        "python", str(path), keywords={"make": (1,), "add": (1,)}) if isinstance(msg, str)}
    return {f"finding.{c}" for c in codes}


def data_ids() -> set[str]:
    """Ids composed at run time from data: questions, steps, CVSS metrics, CWE names, detectors, types."""
    ids: set[str] = {f"step.{s}" for s in (*Q.STEPS, "finish")}
    questions = [*Q.QUESTIONS.values(), *Q.evidence_questions(0)]
    for q in questions:
        for text in (q.text, q.hint, *(o.text for o in q.options)):
            if isinstance(text, str):
                ids.add(text)
    ids |= {f"cvss.{m.key}" for m in cvss_builder.METRICS}
    ids |= {f"cvss.{m.key}.{v.value}" for m in cvss_builder.METRICS for v in m.values}
    ids |= {f"cwe.{w.id}" for w in cwe.COMMON}
    ids |= {f"lint.{code}.{part}" for code in lint.DETECTORS for part in ("label", "about")}
    ids |= {f"model.type.{t}" for t in ("string", "boolean", "date", "list", "object", "empty", "true_false",
                                         "number", "mapping")}
    ids |= {f"model.type.{model._type_name(v)}" for v in (None, True, 1, "x", [], {})}
    ids |= {f"state.name.{s}" for s in states.STATES}
    ids |= {f"finding.severity.{s}" for s in ("error", "warning", "info")}
    ids |= {f"scope.verdict.{v}" for v in ("in_scope", "out_of_scope", "unknown", "error")}
    ids |= due_ids()
    ids |= {f"report_lang.name.{lang}" for lang in LANGUAGES}
    ids |= set(english_help_texts(cli))  # help.<command path>[.<option>], cmd.<name>: cli/localise.py
    return ids


def due_ids() -> set[str]:
    """``due.<code>`` and ``due.hint.<code>`` of what core/states.next_due says in every state, late and on time."""
    out: set[str] = set()
    sent = dt.date(2026, 11, 2)
    for state in states.STATES:
        for today, purged, days in ((sent, None, 5), (sent + dt.timedelta(days=90), sent, 5), (sent, None, None)):
            view = SimpleNamespace(id="R-1", state=state, sent_on=sent, response_days=days, calendar="nl-gemeente",
                                   fix_date=sent + dt.timedelta(days=30), purged_at=purged,
                                   state_at=dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc))
            due = states.next_due(view, today)
            if due is not None:
                out |= {f"due.{due.code}"} | ({f"due.hint.{due.hint_code}"} if due.hint_code else set())
    return out


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_id_the_code_uses_has_a_text(lang):
    texts = catalogue(lang)
    used = extracted() | finding_ids() | data_ids()
    assert sorted(used - set(texts)) == []
    assert all(texts[i].strip() for i in used)


def test_no_text_is_left_that_nothing_shows():
    used = extracted() | finding_ids() | data_ids()
    assert sorted(set(catalogue("en")) - used) == []


def test_every_id_has_a_dutch_text_with_the_same_placeholders_as_the_english():
    en, nl = catalogue("en"), catalogue("nl")
    assert set(en) == set(nl)
    untranslated = [i for i in en if not nl[i].strip()]
    assert untranslated == []
    assert {i: placeholders(nl[i]) for i in en} == {i: placeholders(en[i]) for i in en}


def test_placeholders_are_named_never_positional():
    for lang in LANGUAGES:
        for msgid, text in catalogue(lang).items():
            assert "" not in placeholders(text) and not any(p.isdigit() for p in placeholders(text)), msgid
            assert not re.search(r"%[sdr(]", text), msgid


# click's own strings ("Usage:", "Options") have a catalogue of their own, in Dutch only.
SHIPPED = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


@pytest.mark.parametrize("po_file", SHIPPED, ids=lambda p: f"{p.parts[-3]}-{p.stem}")
def test_the_shipped_mo_says_exactly_what_the_po_says(po_file):
    """A .po edited without `pybabel compile` fails here (file times are not kept by git; content is)."""
    lang = po_file.parts[-3]
    with po_file.open("rb") as f:
        po = read_po(f, locale=lang)
    mo_path = po_file.with_suffix(".mo")
    with mo_path.open("rb") as f:
        mo = read_mo(f)
    def texts(cat):  # plural entries (click has a few) carry tuples of ids and texts
        return {tuple(m.id) if isinstance(m.id, (list, tuple)) else m.id:
                tuple(m.string) if isinstance(m.string, (list, tuple)) else m.string for m in cat if m.id}
    assert texts(mo) == texts(po)
    if po_file.stem != "cvd_reporter":
        return  # click's catalogue has plural entries, which babel lays out differently per call path
    fresh = io.BytesIO()
    write_mo(fresh, po)
    assert mo_path.read_bytes() == fresh.getvalue(), f"run: pybabel compile -d cvd_reporter/locale -D {po_file.stem}"


def test_every_catalogue_is_checked():
    assert {(p.parts[-3], p.stem) for p in SHIPPED} >= {("en", "cvd_reporter"), ("nl", "cvd_reporter"), ("nl", "click")}


def test_the_runtime_reads_the_catalogues_with_the_standard_library_only():
    for lang in LANGUAGES:
        gettext.translation(i18n.DOMAIN, localedir=LOCALE_DIR, languages=[lang])  # raises when missing
    assert say("nl", "wizard.saved", path="r.yaml") == "Melding opgeslagen als r.yaml (0600)."
    assert say("en", "wizard.saved", path="r.yaml") == "Saved the report as r.yaml (0600)."
    assert say("de", "render.heading") == "Vulnerability report"  # other languages get English
    assert translator("nl") is translator("nl")  # loaded once


def test_every_question_option_and_hint_reads_as_a_sentence_in_both_languages():
    for q in [*Q.QUESTIONS.values(), *Q.evidence_questions(0)]:
        for lang in LANGUAGES:
            shown = [q.say(lang), q.instruction(lang) or "", *(o.say(lang) for o in q.options)]
            assert not [s for s in shown if re.fullmatch(r"[a-z_]+(\.[\w-]+)+", s)], (q.name, lang)


def test_the_shown_choices_name_texts_the_catalogue_has():
    assert set(render.INTENTS) == set(model.DISCLOSURE_INTENTS)
    assert set(render.CREDITS) == set(model.CREDIT_CHOICES)
    assert set(wizard.VERDICTS) == {"in_scope", "out_of_scope", "unknown"}
