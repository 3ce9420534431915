"""Text → intent with hassil, every English intent of home-assistant-intents and Hearth's own.

The engine is loaded once (compiling the templates is the slow part) and then matched against
any home's vocabulary; slot lists are cached per vocabulary and templates that cannot match are
pruned first (``pruning.py``), so each sentence costs only the match itself.

Results are ranked as Home Assistant ranks them (``recognize_best`` with ``best_slot_name``:
a device name first, then fewer wildcards, then more literal text), with two additions: answers
to a question of ours come first, and on a tie the package's template beats Hearth's own, so
Hearth's sentences add phrasings without changing what the package already understands.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from hassil.intents import Intent, Intents, SlotList, TextSlotList
from hassil.recognize import RecognizeResult, recognize_all
from hassil.string_matcher import UnmatchedTextEntity

from intents.loading import HEARTH_ANSWER, HEARTH_SENTENCE, IntentLoadError, load_intents_dict
from intents.pruning import Pruner, expression_words, list_words, spoken_words
from intents.slot_lists import HOME_LISTS, build_slot_lists, speaker_context
from intents.vocabulary import Vocabulary, words_of

__all__ = ["IntentEngine", "IntentLoadError", "Recognition", "load_intents_dict"]

# Replies to a question of ours; they never name a device the home lacks.
_ANSWER_INTENTS = frozenset({"HearthSelect", "HearthConfirm", "HearthDeny", "HearthFollowUpArea"})
# An "unknown name" longer than this is a sentence we did not understand, not a name.
MAX_UNKNOWN_WORDS = 4
# Stands for "the speaker's room" when nobody said which room that is: "turn off the lights in
# here" still means the lights (the planner asks which room), never an area called "here".
UNKNOWN_AREA = "\x00speaker-area"
# Words that point at a place or a quantity without naming it ("all", "here", "this room"); an
# unknown "area" made only of these is not a missing name.
_POINTING_WORDS = frozenset(
    [
        "all",
        "every",
        "each",
        "single",
        "the",
        "my",
        "our",
        "this",
        "that",
        "these",
        "those",
        "here",
        "there",
        "room",
        "rooms",
        "area",
        "areas",
        "space",
        "whole",
        "entire",
        "house",
        "home",
        "apartment",
        "flat",
        "everywhere",
        "in",
        "on",
        "at",
        "of",
    ]
)


@dataclass(frozen=True)
class Recognition:
    """What a sentence means: an intent with its slots, and how sure we are."""

    intent: str
    slots: dict[str, Any]
    text: str
    confidence: float = 1.0
    source: str = "local"
    response_key: str | None = None
    slot_texts: dict[str, str] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    # Slots filled by free text ("play {search_query}"): any words fit them, so a repaired
    # (fuzzy) sentence that only matches through one proves nothing.
    wildcard_slots: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Lists:
    slot_lists: dict[str, SlotList]
    # For each list that can prune: every word any of its values is made of.
    words: dict[str, frozenset[str]] = field(default_factory=dict)

    def present_lists(self, text: str) -> frozenset[str]:
        """The lists that could match somewhere in ``text``."""
        spoken = spoken_words(text)
        return frozenset(name for name, words in self.words.items() if not words.isdisjoint(spoken))


def rank(result: RecognizeResult) -> tuple[Any, ...]:
    """Sort key, best first: Home Assistant's order, answers first, the package before Hearth."""
    metadata = result.intent_metadata or {}
    name = result.entities.get("name")
    name_length = len(name.text) if name is not None and not name.is_wildcard else None
    wildcards = [e for e in result.entities_list if e.is_wildcard]
    return (
        not metadata.get(HEARTH_ANSWER),
        name_length is None,
        -(name_length or 0),
        len(wildcards),
        -result.text_chunks_matched,
        sum(len(e.text or "") for e in wildcards),
        bool(metadata.get(HEARTH_SENTENCE)),
        result.intent.name,
    )


def plausible(
    results: Iterable[RecognizeResult], vocabulary: Vocabulary
) -> Iterator[RecognizeResult]:
    """Results that can be about this home: free text ("who is {zone}") about a domain the home
    has no entity of ("person") is a question about something else ("who is the president")."""
    for result in results:
        domain = (result.intent_data.slots or {}).get("domain")
        if (
            isinstance(domain, str)
            and domain not in vocabulary.domains
            and any(e.is_wildcard for e in result.entities_list)
        ):
            continue
        yield result


def intent_context(context: dict[str, Any] | None, stand_in: bool = False) -> dict[str, Any]:
    """Hassil's intent context: the speaker's area as Home Assistant passes it; with
    ``stand_in``, a placeholder for a speaker whose room nobody configured."""
    found = dict(context or {})
    area = found.get("area")
    if isinstance(area, str):
        found.update(speaker_context(area))
    elif not area and stand_in:
        found["area"] = {"value": UNKNOWN_AREA, "text": ""}
    return found


def _needing_area(intents: Intents) -> Intents:
    """Only the data blocks that take the speaker's area from the context ("... in here")."""
    kept: dict[str, Intent] = {}
    for name, intent in intents.intents.items():
        data = [d for d in intent.data if "area" in (d.requires_context or {})]
        if data:
            kept[name] = Intent(name=name, data=data)
    subset = copy.copy(intents)
    subset.intents = kept
    return subset


class IntentEngine:
    """Recognizes intents in text; thread-safe, load once and keep."""

    def __init__(self, language: str = "en") -> None:
        self.language = language
        self._data = load_intents_dict(language)
        self.intents = Intents.from_dict(self._data)
        self.responses: dict[str, dict[str, str]] = self._data.get("responses", {}).get(
            "intents", {}
        )
        self.error_responses: dict[str, str] = self._data.get("responses", {}).get("errors", {})
        self._lists: OrderedDict[int, tuple[Vocabulary, _Lists]] = OrderedDict()
        self._template_list_words = list_words(self.intents.slot_lists, None)
        known = frozenset(self._template_list_words) | HOME_LISTS
        self._pruner = Pruner(self.intents, known)
        self._here_pruner = Pruner(_needing_area(self.intents), known)
        self._lock = threading.Lock()
        self._template_words: frozenset[str] | None = None

    def warm_up(self, vocabulary: Vocabulary) -> None:
        """Pay hassil's first-call costs (lazy template compilation) before the user speaks."""
        self.recognize("turn on the lights", vocabulary)
        self.recognize("what time is it", vocabulary)
        self.recognize("set a timer for five minutes", vocabulary)

    def recognize(
        self,
        text: str,
        vocabulary: Vocabulary,
        context: dict[str, Any] | None = None,
    ) -> Recognition | None:
        """Match ``text`` exactly against the templates; ``context`` may name the speaker's area
        (``{"area": "Kitchen"}``)."""
        cleaned = " ".join(text.split())
        if not cleaned:
            return None
        lists = self._slot_lists(vocabulary)
        present = lists.present_lists(cleaned)
        spoken = spoken_words(cleaned)
        results = recognize_all(
            cleaned,
            self._pruner.for_present(present, spoken),
            slot_lists=lists.slot_lists,
            intent_context=intent_context(context),
            language=self.language,
        )
        best = min(plausible(results, vocabulary), key=rank, default=None)
        if best is None and not (context or {}).get("area"):
            # No room configured: "turn off the lights in here" still means the lights; the
            # templates that take the room from the context are tried with a stand-in.
            results = recognize_all(
                cleaned,
                self._here_pruner.for_present(present, spoken),
                slot_lists=lists.slot_lists,
                intent_context=intent_context(context, stand_in=True),
                language=self.language,
            )
            best = min(plausible(results, vocabulary), key=rank, default=None)
        if best is None:
            return None
        return self._to_recognition(best, cleaned)

    def unknown_target(
        self, text: str, vocabulary: Vocabulary, context: dict[str, Any] | None = None
    ) -> tuple[str, str] | None:
        """For a sentence that did not match: the device or area name that was not recognized.

        "turn on the jacuzzi" fits a template but names nothing in this home; saying so is more
        helpful than "I didn't understand". Words that only point ("all", "here", "this room")
        are never reported as a missing name.
        """
        cleaned = " ".join(text.split())
        lists = self._slot_lists(vocabulary)
        explain = {**intent_context(context, stand_in=True), "explain": "unknown"}
        for result in sorted(
            recognize_all(
                cleaned,
                self.intents,
                slot_lists=lists.slot_lists,
                intent_context=explain,
                language=self.language,
                allow_unmatched_entities=True,
            ),
            key=rank,
        ):
            unmatched = result.unmatched_entities
            if result.intent.name in _ANSWER_INTENTS or len(unmatched) != 1:
                continue
            if any(e.is_wildcard for e in result.entities_list):
                continue  # "play X", "add X to my list": any text fits, nothing is missing
            for slot in ("name", "area", "floor"):
                entity = unmatched.get(slot)
                if not isinstance(entity, UnmatchedTextEntity):
                    continue
                value = " ".join(entity.text.split()).strip(" .,!?")
                words = set(words_of(value))
                if (
                    value
                    and not words <= _POINTING_WORDS
                    and value.casefold() != cleaned.casefold().strip(" .,!?")
                    and len(value.split()) <= MAX_UNKNOWN_WORDS
                ):
                    return slot, value
        return None

    def template_words(self) -> frozenset[str]:
        """Every literal word the templates contain (the fuzzy repair's dictionary)."""
        if self._template_words is None:
            found: set[str] = set()
            rules = self.intents.expansion_rules
            for intent in self.intents.intents.values():
                for data in intent.data:
                    for sentence in data.sentences:
                        found.update(
                            expression_words(sentence.expression, rules, data.expansion_rules)
                        )
            for slot_list in self.intents.slot_lists.values():
                if isinstance(slot_list, TextSlotList):
                    for value in slot_list.values:
                        found.update(expression_words(value.text_in, rules, {}))
            self._template_words = frozenset(found)
        return self._template_words

    def slot_lists(self, vocabulary: Vocabulary) -> dict[str, SlotList]:
        """The home's ``name``/``area``/``floor`` lists, as Home Assistant would build them."""
        return self._slot_lists(vocabulary).slot_lists

    def _to_recognition(self, result: RecognizeResult, text: str) -> Recognition:
        slots: dict[str, Any] = {}
        slot_texts: dict[str, str] = {}
        for entity in result.entities_list:
            value = entity.value
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if entity.name == "area" and value == UNKNOWN_AREA:
                continue  # "in here" with no room known: the planner asks which room
            slots[entity.name] = value
            slot_texts[entity.name] = entity.text_clean or str(value)
        for key, value in (result.intent_data.slots or {}).items():
            slots.setdefault(key, value)
        context = {
            k: v
            for k, v in (result.context or {}).items()
            if not (k == "area" and isinstance(v, dict) and v.get("value") == UNKNOWN_AREA)
        }
        if isinstance(context.get("area"), dict):
            context["area"] = context["area"].get("value")
        return Recognition(
            intent=result.intent.name,
            slots=slots,
            text=text,
            response_key=result.response,
            slot_texts=slot_texts,
            context=context,
            wildcard_slots=tuple(e.name for e in result.entities_list if e.is_wildcard),
        )

    def _slot_lists(self, vocabulary: Vocabulary) -> _Lists:
        key = id(vocabulary)
        with self._lock:
            cached = self._lists.get(key)
            if cached is not None and cached[0] is vocabulary:
                self._lists.move_to_end(key)
                return cached[1]
        slot_lists = build_slot_lists(vocabulary)
        words = {**self._template_list_words, **list_words(slot_lists, HOME_LISTS)}
        lists = _Lists(slot_lists=slot_lists, words=words)
        with self._lock:
            self._lists[key] = (vocabulary, lists)
            while len(self._lists) > 4:
                self._lists.popitem(last=False)
        return lists
