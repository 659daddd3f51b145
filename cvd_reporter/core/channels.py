"""A delivery channel and a delivery's kind as a person reads them: "e-mail", "webformulier", "telefoon";
"melding", "herinnering", "eerste contact (zonder details)". Pure.

The record, the outbox and ``--json`` keep the channel's code (``email``, ``form``, ``phone``, ``api``,
``github``, ``outbox``, ``manual``); a sentence on the terminal or in an escalation says the word from
the catalogue (``channel.*``, ``escalate.kind.*``) in the reader's language.
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


KINDS = {"report": N_("escalate.kind.report"), "follow_up": N_("escalate.kind.follow_up"),
         "publication_notice": N_("escalate.kind.publication_notice"),
         "escalation": N_("escalate.kind.escalation"), "phone_call": N_("escalate.kind.phone_call"),
         "first_contact": N_("escalate.kind.first_contact")}


def kind_word(kind: str) -> str:
    """What a delivery was (``report``, ``follow_up``, ...) as a Phrase; a kind this version does not know,
    with spaces for underscores."""
    return Phrase(KINDS[kind]) if kind in KINDS else kind.replace("_", " ")
