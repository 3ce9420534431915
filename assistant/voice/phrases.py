"""Comparing short spoken phrases: normalized words, cancel phrases, Whisper's doubled answers."""

from __future__ import annotations

import re

CANCEL_PHRASES = frozenset(
    {"stop", "cancel", "never mind", "nevermind", "cancel that", "forget it", "stop it", "quiet"}
)
"""Whole utterances that cancel instead of being understood as commands."""


def normalize(text: str) -> str:
    """Lower-case words without punctuation, for comparing short answers and cancel phrases."""
    return " ".join(re.sub(r"[^\w' ]", " ", text.lower()).split())


def collapse_repeat(text: str) -> str:
    """ "yes. Yes." → "yes.": Whisper repeats very short answers when padded to a long window,
    and the engine's own repetition filter needs three words or more to see it."""
    words = text.split()
    half = len(words) // 2
    if (
        half
        and len(words) % 2 == 0
        and normalize(" ".join(words[:half])) == normalize(" ".join(words[half:]))
    ):
        return " ".join(words[:half])
    return text
