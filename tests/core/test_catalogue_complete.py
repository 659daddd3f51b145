"""Every message exists in Dutch and English and reads as its language (issue 17).

Each id of the catalogue is rendered in both languages with a value for every placeholder: a missing
text, a broken placeholder or an empty text fails. A Dutch text equal to the English one is a text
nobody translated, unless it is a name or a code (SAME). A Dutch text with an English sentence in it
(tests/support/english.py) fails too. click's own messages (cli/localise.py) have their Dutch in the
``click`` domain under click's English msgids: each must still be a msgid the installed click uses,
and the ones a user sees on every help page or usage error must be there.
"""

from __future__ import annotations

import string
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from cvd_reporter.core.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, say
from tests.support.english import english_lines

# Ids whose Dutch is rightly the English: proper names, codes and words Dutch borrowed.
SAME = {
    "cwe.CWE-79", "cwe.CWE-352", "cwe.CWE-611", "cwe.CWE-918", "cwe.CWE-1021",  # CWE's own names
    "model.type.true_false",  # true/false: the YAML words to write
    "render.cvss", "render.email", "submit.via", "policy.channel.email", "policy.kind.email",  # CVSS, E-mail, via
    "wizard.found_at",  # "security.txt: {url}"
    "securitytxt.invalid_contact", "securitytxt.invalid_encryption",  # "Contact {uri!r}: {problem}."
    "outbox.col.via",  # VIA, a column head
    "escalate.message_id",  # Message-ID, the mail header
    "render.product", "render.credit_one",  # Product (the same word); "{name} ({how})"
    "stx.kind.mailto", "stx.label.csaf",  # e-mail; CSAF, a field name
    "where.contact",  # "{kind}: {value}"
    "app.contacts.two_notes",  # "{first}; {second}": two notes, each said in the reader's language
    "contacts_view.stage.security_txt",  # security.txt, the file's name (RFC 9116)
    "wizard_lookup.key",  # "{fingerprint} ({when})": the parts are said in the reader's language
    "channel.api", "channel.github",  # API, GitHub: an acronym and a name, the same in Dutch
}
# Ids whose Dutch names English terms on purpose (a command's own words, quoted English of the policy).
ENGLISH_INSIDE: set[str] = set()


def catalogue(lang: str, domain: str = DOMAIN) -> dict[str, str]:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as f:
        return {m.id: m.string for m in read_po(f, locale=lang) if m.id and isinstance(m.id, str)}


def values(text: str) -> dict[str, object]:
    """A value for each placeholder: a number where the placeholder has a format (``{score:g}``)."""
    return {name.split(".")[0].split("[")[0]: 2 if spec else "X"
            for _, name, spec, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_id_renders_in_both_languages(lang):
    for msgid, english in catalogue("en").items():
        text = say(lang, msgid, **{"n": 2, **values(english)})
        assert text.strip() and text != msgid, (lang, msgid)


def test_no_dutch_text_is_the_english_one_left_untranslated():
    en, nl = catalogue("en"), catalogue("nl")
    same = {i for i in en if nl.get(i) == en[i]}
    assert sorted(same - SAME) == []
    assert sorted(SAME - same) == []  # the allow-list shrinks when a name gets a Dutch text


def test_no_dutch_text_holds_an_english_sentence():
    nl = catalogue("nl")
    found = {i: english_lines(t) for i, t in nl.items() if i not in ENGLISH_INSIDE and english_lines(t)}
    assert found == {}


def _click_msgids() -> set[str]:
    folder = Path(click.__file__).parent
    ids: set[str] = set()
    for path in folder.glob("*.py"):
        for _, msg, _, _ in extract_from_file("python", str(path), keywords={"_": None, "ngettext": (1, 2)}):
            ids |= {msg} if isinstance(msg, str) else {m for m in msg if m}
    return ids


SEEN_BY_EVERY_USER = {"Usage:", "Options", "Commands", "Show this message and exit.", "Show the version and exit.",
                      "Error: {message}", "Try '{command} {option}' for help.", "No such option {name!r}.",
                      "No such command {name!r}.", "Missing argument", "Did you mean {possibility}?",
                      "default: {default}", "required", "Invalid value for {param_hint}: {message}"}


def test_click_messages_are_dutch_and_still_clicks():
    with (LOCALE_DIR / "nl" / "LC_MESSAGES" / "click.po").open("rb") as f:
        shipped = {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in read_po(f) if m.id}
    # a click upgrade renamed one: update click.po. "required" is looked up as _(extra["required"]).
    assert sorted(set(shipped) - _click_msgids() - {"required"}) == []
    assert sorted(SEEN_BY_EVERY_USER - set(shipped)) == []
    assert all(shipped.values())
    assert (LOCALE_DIR / "nl" / "LC_MESSAGES" / "click.mo").is_file()
