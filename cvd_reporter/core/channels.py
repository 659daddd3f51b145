"""A delivery channel as a person reads it: "e-mail", "webformulier", "telefoon". Pure.

The record, the outbox and ``--json`` keep the channel's code (``email``, ``form``, ``phone``, ``api``,
``github``, ``outbox``, ``manual``); a sentence on the terminal or in an escalation says the word from
the catalogue (``channel.*``) in the reader's language.
"""

from __future__ import annotations

from cvd_reporter.core.i18n import N_, Phrase

WORDS = {"email": N_("channel.email"), "form": N_("channel.form"), "phone": N_("channel.phone"),
         "api": N_("channel.api"), "github": N_("channel.github"), "outbox": N_("channel.outbox"),
         "manual": N_("channel.manual")}


def channel_word(code: str) -> str:
    """The word for ``code``, a Phrase (its English is the string, a sentence it is filled into says it in
    that sentence's language); a code this version does not know, as it is."""
    return Phrase(WORDS[code]) if code in WORDS else code
