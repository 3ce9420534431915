"""Repair misheard or misspelled words before giving up on a sentence.

Speech engines turn "lights" into "lice" and "blinds" into "blins"; replacing each unknown word
with the closest word the home and the templates know often recovers the command. Only close
matches count, so out-of-scope sentences stay out of scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from intents.vocabulary import words_of

MIN_WORD_LENGTH = 4


def max_edits(word: str) -> int:
    """Typos allowed in a word: one in a short word, two from seven letters on.

    Edits are optimal-string-alignment edits, so a swapped pair ("tunr") counts once.
    """
    return 1 if len(word) < 7 else 2


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
        found = process.extract(
            word, choices, scorer=OSA.distance, score_cutoff=max_edits(word), limit=None
        )
        if not found:
            out.append(word)
            continue
        # Fewest edits first; among equals, the same letters in another order (a swap), then
        # the same length, is the likelier typo: "tunr" is "turn", not "tune".
        choice, distance, _ = min(
            found, key=lambda f: (f[1], sorted(f[0]) != sorted(word), abs(len(f[0]) - len(word)))
        )
        out.append(choice)
        replaced.append((word, choice))
        weakest = min(weakest, 100.0 * (1 - distance / max(len(word), len(choice))))
    if not replaced:
        return None
    return Repair(" ".join(out), weakest / 100.0, tuple(replaced))
