"""Repair misheard or misspelled words before giving up on a sentence.

Speech engines turn "lights" into "lice" and "blinds" into "blins"; replacing each unknown word
with the closest word the home and the templates know often recovers the command. Only close
matches count, so out-of-scope sentences stay out of scope.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

from intents.vocabulary import words_of

MIN_WORD_LENGTH = 4


def max_edits(word: str) -> int:
    """Typos allowed in a word: one in a short word, two from seven letters on.

    Edits are optimal-string-alignment edits, so a swapped pair ("tunr") counts once.
    """
    return 1 if len(word) < 7 else 2


def max_phrase_edits(joined: str) -> int:
    """Edits allowed between a span, spelled without spaces, and a name: as for a word, and a
    third from twelve letters on, where a speech engine's split of one long word into two
    sound-alikes ("chandel layer" for "chandelier") costs three and no other name is that close.
    """
    return max_edits(joined) + (len(joined) >= 12)


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


def merged_pairs(text: str, known_words: frozenset[str], limit: int = 5) -> list[Repair]:
    """Texts with one pair of neighbouring words read as one known word.

    Speech engines split words ("un lock" and even "and lock" for "unlock", "bed room"): the
    pair, written together, is then a small edit away from a word the home or templates know.
    """
    words = words_of(text)
    choices = sorted(known_words)
    repairs: list[Repair] = []
    for index in range(len(words) - 1):
        joined = words[index] + words[index + 1]
        if len(joined) < MIN_WORD_LENGTH:
            continue
        if joined in known_words:
            choice, distance = joined, 0.0
        else:
            found = process.extractOne(
                joined, choices, scorer=OSA.distance, score_cutoff=max_edits(joined)
            )
            if found is None:
                continue
            choice, distance, _ = found
        fixed = [*words[:index], choice, *words[index + 2 :]]
        pair = f"{words[index]} {words[index + 1]}"
        score = 1 - distance / max(len(joined), len(choice))
        repairs.append(Repair(" ".join(fixed), score, ((pair, choice),)))
        if len(repairs) >= limit:
            break
    return repairs


def name_phrases(text: str, phrases: Iterable[str], limit: int = 5) -> list[Repair]:
    """Texts with a span of one to three words replaced by the home name it sounds like.

    Whisper hears "night light" as "light light" and "back door" as "mac door": spelled without
    spaces, the span is a small edit away from a device or room name of this home.
    """
    words = words_of(text)
    spaced = {" ".join(words_of(p)) for p in phrases}
    targets = {s.replace(" ", ""): s for s in spaced if s}
    choices = sorted(targets)
    repairs: list[Repair] = []
    for size in (3, 2, 1):
        for index in range(len(words) - size + 1):
            span = " ".join(words[index : index + size])
            joined = span.replace(" ", "")
            if span in spaced or len(joined) < MIN_WORD_LENGTH + 2:
                continue
            found = process.extractOne(
                joined, choices, scorer=OSA.distance, score_cutoff=max_phrase_edits(joined)
            )
            if found is None:
                continue
            target = targets[found[0]]
            fixed = [*words[:index], target, *words[index + size :]]
            score = 1 - found[1] / max(len(joined), len(found[0]))
            repairs.append(Repair(" ".join(fixed), score, ((span, target),)))
            if len(repairs) >= limit:
                return repairs
    return repairs


def opening_word(text: str, template_words: frozenset[str], limit: int = 3) -> list[Repair]:
    """Texts whose first word is read as a template word up to two edits away.

    A command opens with its verb, the word a short decoding window hears with the least
    context: Whisper tiny.en hears "close the living room blinds" as "cost the living room
    blinds" at every speed. The word-by-word repair allows one edit in a short word; the opening
    gets two, and the caller keeps a candidate only if it is a whole command.
    """
    words = words_of(text)
    if len(words) < 2 or len(words[0]) < MIN_WORD_LENGTH or words[0] in template_words:
        return []
    first = words[0]
    found = process.extract(
        first, sorted(template_words), scorer=OSA.distance, score_cutoff=2, limit=None
    )
    # Among equals, the most letters in common, in order: "cost" is "close" before "cold".
    found.sort(key=lambda f: (f[1], -Indel.normalized_similarity(first, f[0]), f[0]))
    return [
        Repair(
            " ".join([choice, *words[1:]]),
            1 - distance / max(len(first), len(choice)),
            ((first, choice),),
        )
        for choice, distance, _ in found[:limit]
    ]


def sentences(text: str) -> list[str]:
    """The sentences of a transcript, most repeated first (Whisper sometimes says it thrice)."""
    parts = [p.strip() for p in re.split(r"[.!?;]+(?:\s+|$)", text) if p.strip()]
    if len(parts) < 2:
        return []
    counts = Counter(" ".join(words_of(p)) for p in parts)
    unique = list(dict.fromkeys(parts))
    return sorted(unique, key=lambda p: -counts[" ".join(words_of(p))])


# Words speech engines put in front of a command that was never said ("and lock the back door").
FILLERS = frozenset({"and", "to", "so", "uh", "um", "oh", "okay", "ok", "the", "a", "then"})


def without_filler(text: str) -> list[str]:
    """The text without the filler words it starts with; empty when it starts with none."""
    words = words_of(text)
    start = 0
    while start < len(words) - 1 and words[start] in FILLERS:
        start += 1
    return [" ".join(words[start:])] if start else []
