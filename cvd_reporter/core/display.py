"""Text from outside (a security.txt, a key's user id, a policy page, a report file) made safe to show.

A terminal acts on control characters: ESC starts a control sequence (it can rewrite the screen, set
the window title or, on some terminals, answer back into the input), C1 code points such as U+009B do
the same on terminals that honour 8-bit controls, and bidirectional overrides (U+202E) make a shown
address read differently from the one that is used. Nothing we print may carry them, so every line we
show passes through :func:`printable`, which spells such characters as visible escapes instead.
"""

from __future__ import annotations

import re

# C0 controls except TAB and LF, DEL, C1 controls, the Unicode line/paragraph separators and the
# bidirectional embedding, override and isolate controls (Unicode TR #9).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _spell(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every character that a terminal would act on written as ``\\xNN`` / ``\\uNNNN``.

    Tabs and line feeds stay (our own layout uses them); a carriage return does not, since it lets a
    later part of a line overwrite what came before it.
    """
    return _UNSAFE.sub(_spell, text)


def json_safe(document: str) -> str:
    """A JSON text with the same characters escaped as ``\\uNNNN`` (valid JSON, same data).

    ``json.dumps(..., ensure_ascii=False)`` escapes C0 controls but writes C1 controls and the
    bidirectional controls raw; outside strings they cannot occur, so replacing them is safe.
    """
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)
