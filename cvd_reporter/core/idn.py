"""International host names as browsers read them (UTS #46 with the URL Standard's flags), and the
warnings a reporter needs about them: mixed scripts and look-alike letters (UTS #39). Pure.

Used by :mod:`cvd_reporter.core.target`; raises :class:`~cvd_reporter.errors.TargetError`.
"""

from __future__ import annotations

import unicodedata

from cvd_reporter.core.findings import Finding, said_note, shown
from cvd_reporter.errors import TargetError

# UTS #39 confusables, the common part: lower-case letters of other scripts (and Latin look-alikes)
# that render like an ASCII letter. Not the whole table: enough for the homograph attacks seen on
# Dutch and English names (a Cyrillic "а" in gemeente.nl).
_CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j",
    "к": "k", "ӏ": "l", "м": "m", "п": "n", "о": "o", "р": "p", "ԛ": "q", "г": "r", "ѕ": "s", "т": "t",
    "ц": "u", "ѵ": "v", "ԝ": "w", "х": "x", "у": "y", "ү": "y",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "γ": "y",
    # Armenian
    "ց": "g", "հ": "h", "ո": "n", "օ": "o", "ս": "u", "զ": "q",
    # Latin look-alikes
    "ı": "i", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ʋ": "u", "ɒ": "a", "ƅ": "b", "ɗ": "d", "ⅰ": "i",
}
# Script combinations that are normal in one label (UTS #39 "highly restrictive").
_ALLOWED_MIXES = (frozenset({"LATIN", "CJK", "HIRAGANA", "KATAKANA"}), frozenset({"LATIN", "CJK", "HANGUL"}),
                  frozenset({"LATIN", "CJK", "BOPOMOFO"}))


def _script(ch: str) -> str | None:
    if ch.isascii():
        return "LATIN" if ch.isalpha() else None
    cat = unicodedata.category(ch)
    if cat[0] != "L":
        return None  # digits, marks (inherit their base), punctuation: common to all scripts
    name = unicodedata.name(ch, "")
    word = name.split(" ", 1)[0]
    return word if word and "-" not in word else None


def domain_to_ascii(domain: str, notes: list[Finding]) -> tuple[str, str]:
    """UTS #46 ToASCII with the URL Standard's flags (non-transitional, CheckBidi, CheckJoiners,
    no STD3 rules, no hyphen checks) -> (A-label host, U-label host)."""
    import idna  # noqa: PLC0415 - only IDN hosts pay for it

    try:
        mapped = idna.uts46_remap(domain, std3_rules=False, transitional=False)
    except idna.IDNAError:
        bad = next((c for c in domain if not c.isprintable()), None)
        if bad:
            raise TargetError.t("idn.bad_char_at", char=f"U+{ord(bad):04X}") from None
        raise TargetError.t("idn.bad_char") from None
    ascii_labels, unicode_labels = [], []
    mixed, lookalike, not_2008 = [], False, False
    for label in mapped.split("."):
        if label.startswith("xn--"):
            try:
                ulabel = label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError):
                raise TargetError.t("idn.bad_punycode", label=shown(label, 70)) from None
            if not ulabel or ulabel.isascii() or idna.uts46_remap(ulabel, std3_rules=False) != ulabel:
                raise TargetError.t("idn.bad_ulabel", label=shown(label, 70))
            alabel = label
        elif label.isascii():
            ascii_labels.append(label)
            unicode_labels.append(label)
            continue
        else:
            ulabel = label
            alabel = ""
        if unicodedata.category(ulabel[0])[0] == "M":
            raise TargetError.t("idn.combining")
        try:
            idna.check_bidi(ulabel)
            for pos, ch in enumerate(ulabel):
                if ch in "\u200c\u200d" and not idna.valid_contextj(ulabel, pos):
                    raise idna.InvalidCodepointContext("joiner")
        except (idna.IDNABidiError, idna.InvalidCodepointContext):
            raise TargetError.t("idn.bidi") from None
        try:
            idna.alabel(ulabel)  # IDNA2008 (RFC 5891) is stricter than browsers: a warning, not a failure
        except idna.IDNAError:
            not_2008 = True
        if not alabel:
            alabel = "xn--" + ulabel.encode("punycode").decode("ascii")
        scripts = {s for s in map(_script, ulabel) if s}
        if len(scripts) > 1 and not any(scripts <= allowed for allowed in _ALLOWED_MIXES):
            mixed.append(f"{ulabel} ({', '.join(sorted(s.title() for s in scripts))})")
        skeleton = "".join(_CONFUSABLES.get(c, c) for c in ulabel)
        if skeleton != ulabel and skeleton.isascii():
            lookalike = True
        ascii_labels.append(alabel)
        unicode_labels.append(ulabel)
    host = ".".join(ascii_labels).lower()
    uhost = ".".join(unicode_labels)
    if any(not lbl.isascii() for lbl in unicode_labels):
        notes.append(said_note("idn", "info", "idn.note.international", extra={"unicode": uhost, "ascii": host},
                           unicode=uhost, host=host))
    elif not domain.isascii():
        notes.append(said_note("unicode_mapped", "warning", "idn.note.unicode_mapped", written=shown(domain, 60),
                           host=host))
    if mixed:
        notes.append(said_note("mixed_script", "warning", "idn.note.mixed_script", extra={"labels": mixed},
                           labels="; ".join(mixed)))
    if lookalike:
        skeleton_host = ".".join("".join(_CONFUSABLES.get(c, c) for c in lbl) for lbl in unicode_labels)
        notes.append(said_note("confusable", "warning", "idn.note.confusable", extra={"looks_like": skeleton_host},
                           unicode=uhost, looks_like=skeleton_host, host=host))
    if not_2008:
        notes.append(said_note("idn_not_idna2008", "warning", "idn.note.not_idna2008", unicode=uhost))
    return host, uhost
