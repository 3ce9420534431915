"""Understanding a sentence: exact match → repairs → an explanation of what was not understood.

``Recognizer`` is the seam: the conversation asks it what a sentence means and, when nothing
matched, how to say so. ``HomeRecognizer`` is the local one, over this home's names: the
intent engine's exact match first, then the repairs of what speech engines and typing get
wrong (one cascade, cheapest and likeliest first), and for a sentence that still fails, the
name it did not know ("I am not aware of any device called jacuzzi").
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any, Protocol

from assistant.home.model import Home
from assistant.home.vocab import vocabulary_from_home
from intents.engine import IntentEngine, Recognition
from intents.fuzzy import (
    merged_pairs,
    name_phrases,
    opening_word,
    repair,
    sentences,
    without_filler,
)
from intents.vocabulary import Vocabulary, words_of

NOT_UNDERSTOOD = "Sorry, I couldn't understand that"


class Recognizer(Protocol):
    """Text → meaning, for one home."""

    def recognize(self, text: str, home: Home) -> Recognition | None:
        """What ``text`` means (repairs included), or None when nothing matched."""
        ...

    def explain(self, text: str, home: Home) -> str:
        """The reply for a sentence ``recognize`` did not understand."""
        ...


class HomeRecognizer:
    """The local recognizer: the intent engine over this home's vocabulary, then repairs."""

    def __init__(self, engine: IntentEngine, speaker_area: str | None = None) -> None:
        self.engine = engine
        #: The area the speaker is in ("turn on the lights" means this room's), by id.
        self.speaker_area = speaker_area
        # The voice thread asks about partial transcripts while a turn runs: the cache is shared.
        self._lock = threading.Lock()
        self._vocabulary: Vocabulary | None = None
        self._vocabulary_key: tuple[Any, ...] | None = None

    def vocabulary(self, home: Home) -> Vocabulary:
        """The vocabulary for the current layout, rebuilt only when names or areas change."""
        key = (
            tuple((d.id, d.name, d.aliases, d.area) for d in home.devices.values()),
            tuple((a.id, a.name, a.aliases) for a in home.areas.values()),
            tuple((f.id, f.name, f.aliases) for f in home.floors.values()),
        )
        with self._lock:
            if self._vocabulary is None or key != self._vocabulary_key:
                self._vocabulary = vocabulary_from_home(home)
                self._vocabulary_key = key
            return self._vocabulary

    def context(self, home: Home) -> dict[str, Any] | None:
        if self.speaker_area and self.speaker_area in home.areas:
            return {"area": home.areas[self.speaker_area].name}
        return None

    def recognize(self, text: str, home: Home) -> Recognition | None:
        """Exact match first; then repairs of what speech engines and typing get wrong."""
        vocabulary = self.vocabulary(home)
        context = self.context(home)
        recognition = self.engine.recognize(text, vocabulary, context)
        if recognition is not None:
            return recognition
        for candidate, score in self._repairs(text, vocabulary):
            recognition = self.engine.recognize(candidate, vocabulary, context)
            # A free-text slot fits any words, so a repair landing on one proves nothing.
            if recognition is not None and not recognition.wildcard_slots:
                return replace(recognition, source="fuzzy", confidence=score, text=text)
        return None

    def _repairs(self, text: str, vocabulary: Vocabulary) -> dict[tuple[str, float], None]:
        """Candidate sentences with their scores, in the order they are tried, each once."""
        # Cheapest and likeliest repairs first; each is only tried when the one before failed.
        known = vocabulary.words | self.engine.template_words()
        candidates: list[tuple[str, float]] = [(part, 1.0) for part in sentences(text)]
        candidates += [(r.text, r.score) for r in merged_pairs(text, known)]
        candidates += [(part, 1.0) for part in without_filler(text)]
        single = repair(text, known)
        base = single.text if single else text
        if single is not None:
            candidates.append((single.text, single.score))
            candidates += [(r.text, r.score) for r in merged_pairs(base, known)]
        # The whole-phrase repair also on the words as heard: a word-by-word repair can turn a
        # split name's halves into other words ("chandel layer" → "channel player").
        for heard in dict.fromkeys((base, text)):
            candidates += [(r.text, r.score) for r in name_phrases(heard, vocabulary.phrases)]
        # The verb last ("cost the living room blinds"): a few more tries, on no-match only.
        for heard in dict.fromkeys((base, text)):
            candidates += [
                (r.text, r.score) for r in opening_word(heard, self.engine.template_words())
            ]
        return dict.fromkeys(candidates)

    def explain(self, text: str, home: Home) -> str:
        unknown = self.engine.unknown_target(text, self.vocabulary(home), self.context(home))
        if unknown is None:
            return NOT_UNDERSTOOD
        slot, value = unknown
        words = words_of(value)
        while words and words[0] in {"the", "my", "our", "a"}:
            words = words[1:]
        if not words:
            return NOT_UNDERSTOOD
        spoken = " ".join(words)
        known = known_name(spoken, home)
        if known is not None:
            # The name exists; it is the request that has no sentence yet.
            return f"Sorry, I don't know how to do that with the {known}"
        if slot == "name":
            return f"Sorry, I am not aware of any device called {spoken}"
        return f"Sorry, I am not aware of any {slot} called {spoken}"


def known_name(spoken: str, home: Home) -> str | None:
    """The device, area or floor whose name or alias is ``spoken``, if any."""
    items = [*home.devices.values(), *home.areas.values(), *home.floors.values()]
    for item in items:
        if any(" ".join(words_of(n)) == spoken for n in (item.name, *item.aliases)):
            return item.name
    return None
