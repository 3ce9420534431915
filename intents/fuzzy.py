"""Repair misheard or misspelled words before giving up on a sentence.

Speech engines turn "lights" into "lice" and "blinds" into "blins"; replacing each unknown word
with the closest word the home and the templates know often recovers the command. Only close
matches count, so out-of-scope sentences stay out of scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from intents.vocabulary import words_of

MIN_SCORE = 78.0
MIN_WORD_LENGTH = 3


@dataclass(frozen=True)
class Repair:
    text: str
    score: float  # 0..1, the weakest replacement's similarity
    replaced: tuple[tuple[str, str], ...]


def repair(text: str, known_words: frozenset[str]) -> Repair | None:
    """Replace unknown words by their nearest known word; None when nothing changed."""
    words = words_of(text)
    if not words:
        return None
    choices = sorted(known_words)
    out: list[str] = []
    replaced: list[tuple[str, str]] = []
    weakest = 100.0
    for word in words:
        if word in known_words or len(word) < MIN_WORD_LENGTH or word.isdigit():
            out.append(word)
            continue
        best = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=MIN_SCORE)
        if best is None:
            out.append(word)
            continue
        out.append(best[0])
        replaced.append((word, best[0]))
        weakest = min(weakest, best[1])
    if not replaced:
        return None
    return Repair(" ".join(out), weakest / 100.0, tuple(replaced))
