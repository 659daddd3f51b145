"""The one message catalogue: every sentence a person reads, in English and Dutch, looked up by id.

The texts live in GNU gettext catalogues, the Python ecosystem's format:
``cvd_reporter/locale/{en,nl}/LC_MESSAGES/cvd_reporter.po`` (edited by translators, managed with Babel:
``pybabel extract / update / compile``, see docs/translations.md) and the compiled ``.mo`` files beside
them, shipped as package data. At run time only the standard library's ``gettext`` reads them; Babel
is a development and test dependency.

Message ids are stable, dotted names (``wizard.saved``, ``finding.no_contact``), not the English text:
- the English wording is a product text like the Dutch one (tests pin both); editing an English
  sentence must not orphan its Dutch translation, which with English msgids would silently fall back
  to English in Dutch mode until a translator caught up;
- one English word needs different Dutch words in different places ("to" is "aan" on a summary line);
  an id carries that context without ``msgctxt``;
- many texts are chosen by a code (a scope verdict, a finding code, a question name, a CVSS metric):
  ``f"verdict.{code}"`` is a lookup, English msgids would need a second table from code to text;
- "every id has a text in both languages" is a loop over the ids (tests/core/test_i18n.py).
The price is an English catalogue of its own (``en.po``), checked like the Dutch one.

Placeholders are named (``{path}``), formatted with ``str.format`` after the lookup, so a translation
may put them in another order. An id missing from a catalogue falls back to English and then to the
id itself (a visible, searchable defect instead of a crash); the tests keep that from shipping.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path
from typing import Any

DOMAIN = "cvd_reporter"
LANGUAGES: tuple[str, ...] = ("en", "nl")
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def N_(msgid: str) -> str:
    """Mark an id for extraction where it is stored now and looked up later; returns it unchanged."""
    return msgid


class Translator:
    """The texts of one language: ``_("wizard.saved", path=p)`` formats the text with named values."""

    __slots__ = ("_catalogue", "lang")

    def __init__(self, lang: str, catalogue: gettext.NullTranslations) -> None:
        self.lang = lang
        self._catalogue = catalogue

    def __call__(self, msgid: str, /, **params: Any) -> str:
        text = self._catalogue.gettext(msgid)
        return text.format(**{k: self._said(v) for k, v in params.items()}) if params else text

    def _said(self, value: Any) -> Any:
        """A value that is itself a catalogue text (``msgid`` and ``params``: core/findings.Said, an error made
        with ``CvdError.t``) is said in this language too, so "Key {fingerprint}: {reason}" nests."""
        say_in = getattr(value, "say_in", None)
        if callable(say_in):  # a value that says itself (core/scope.Reasons: several reasons with their tails)
            return say_in(self.lang)
        msgid, params = getattr(value, "msgid", None), getattr(value, "params", None)
        return self(msgid, **params) if isinstance(msgid, str) and isinstance(params, dict) else value

    def gettext(self, msgid: str) -> str:
        return self._catalogue.gettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int, /, **params: Any) -> str:
        """The singular or plural text (the catalogue's Plural-Forms rule), formatted; ``n`` is passed too."""
        return self._catalogue.ngettext(singular, plural, n).format(n=n, **params)

    def has(self, msgid: str) -> bool:
        """True when the catalogue (or its English fallback) has a text for ``msgid``."""
        return self._catalogue.gettext(msgid) != msgid


def _load(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)


@cache
def translator(lang: str | None) -> Translator:
    """The translator for ``lang`` (``nl`` or ``en``; anything else gets English), loaded once."""
    code = lang if lang in LANGUAGES else "en"
    catalogue = _load(code)
    if code != "en":
        catalogue.add_fallback(_load("en"))
    return Translator(code, catalogue)


def say(lang: str | None, msgid: str, /, **params: Any) -> str:
    """``translator(lang)(msgid, **params)``: one text, for callers that hold a language code."""
    return translator(lang)(msgid, **params)


class Phrase(str):
    """A catalogue text that travels as a plain string: the English text is the string itself (``--json``,
    logs, tests, callers that hold no language), and it keeps its id and values, so ``said_in`` (or a
    sentence it is filled into) says it in the reader's language. The pattern of core/scope.Reason, for
    warnings, reasons and notes that are stored in lists of strings."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, /, **params: Any) -> Phrase:
        self = super().__new__(cls, translator("en")(msgid, **params))
        self.msgid, self.params = msgid, params
        return self

    def say_in(self, lang: str | None) -> str:
        return translator(lang)(self.msgid, **self.params)

    def __reduce__(self) -> tuple[Any, ...]:  # copy and pickle rebuild it from its id, not its text
        return _phrase, (self.msgid, self.params)


def _phrase(msgid: str, params: dict[str, Any]) -> Phrase:
    return Phrase(msgid, **params)


def said_in(text: Any, lang: str | None) -> str:
    """``text`` in ``lang`` when it knows how to say itself (a Phrase, core/scope.Reason(s), core/findings.Said,
    an error made with ``CvdError.t``); any other text as it is."""
    for name in ("say_in", "say"):  # a Phrase or core/scope.Reasons; a Reason or an error
        speak = getattr(text, name, None)
        if callable(speak):
            return str(speak(lang))
    return str(translator(lang)._said(text))


def as_phrase(text: Any) -> Any:
    """A catalogue text held as id and values (core/findings.Said) as a Phrase; any other text as it is."""
    msgid, params = getattr(text, "msgid", None), getattr(text, "params", None)
    return Phrase(msgid, **params) if isinstance(msgid, str) and isinstance(params, dict) else text


class Spoken(str):
    """Any value that says itself (an error, a Reason, a Phrase) kept where a string goes: its English is the
    string, ``say_in`` says it in another language."""

    value: Any

    def __new__(cls, value: Any) -> Spoken:
        self = super().__new__(cls, said_in(value, "en"))
        self.value = value
        return self

    def say_in(self, lang: str | None) -> str:
        return said_in(self.value, lang)

    def __reduce__(self) -> tuple[Any, ...]:
        return str, (str(self),)
