"""Text from outside Hearth made safe to print and to show: no terminal escapes, no controls.

A cloud model's answer is someone else's text. Printed raw, an ANSI escape in it can recolour or
clear the terminal, move the cursor over earlier lines, set the window title or write a link
that says one thing and opens another; bidirectional-override characters can make a line read
differently from what it holds; a lone surrogate cannot even be encoded, so printing it fails.
``printable`` removes all of that and keeps every ordinary character (accents, emoji, scripts).
"""

from __future__ import annotations

import re
import unicodedata

_ESCAPES = re.compile(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]?                 # CSI: colours, cursor moves, erasing
    | \x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?   # OSC: window title, hyperlinks (to BEL or ST)
    | \x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?   # DCS, SOS, PM, APC strings
    | \x1b[ -/]*[0-~]?                          # any other escape (charset, keypad, reset)
    | \x9b[0-?]*[ -/]*[@-~]?                    # the 8-bit CSI
    | [\x90\x98\x9d-\x9f][^\x07\x1b\x9c]*(?:\x07|\x9c)?   # 8-bit DCS, SOS, OSC, PM, APC
    """,
    re.VERBOSE,
)

#: Bidirectional embeddings, overrides, isolates and marks: they reorder what is displayed.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

#: Whitespace controls and line/paragraph separators: a space instead, so words stay apart.
_SPACES = frozenset("\t\n\v\f\r\x85\u2028\u2029")


def printable(text: str) -> str:
    """``text`` without escape sequences, control, bidi-control or surrogate characters."""
    text = _ESCAPES.sub("", text)
    return "".join(" " if ch in _SPACES else ch for ch in text if _kept(ch))


def _kept(ch: str) -> bool:
    if ch in _SPACES:
        return True
    if ch in _BIDI:
        return False
    return unicodedata.category(ch) not in ("Cc", "Cs")
