"""Text → intent with hassil, Home Assistant's English sentences and Hearth's own.

The engine is loaded once (compiling the templates is the slow part) and then matched against
any home's vocabulary; slot lists are cached per vocabulary so each sentence costs only the
match itself.
"""

from __future__ import annotations

import copy
import json
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml
from hassil.expression import (
    Alternative,
    Group,
    ListReference,
    Permutation,
    RuleReference,
    Sentence,
    TextChunk,
)
from hassil.intents import Intent, Intents, SlotList, TextSlotList, TextSlotValue
from hassil.recognize import RecognizeResult, recognize_all, recognize_best
from hassil.string_matcher import UnmatchedTextEntity
from hassil.util import merge_dict
from home_assistant_intents import get_intents

from intents.vocabulary import Vocabulary, words_of

# Intents Hearth can carry out. Everything else in home-assistant-intents (shopping lists,
# weather, broadcasts...) is left out so that it cannot swallow a sentence we cannot serve.
SUPPORTED_INTENTS = frozenset(
    {
        "HassTurnOn",
        "HassTurnOff",
        "HassToggle",
        "HassLightSet",
        "HassClimateSetTemperature",
        "HassClimateGetTemperature",
        "HassGetState",
        "HassSetPosition",
        "HassMediaPause",
        "HassMediaUnpause",
        "HassMediaNext",
        "HassMediaPrevious",
        "HassSetVolume",
        "HassSetVolumeRelative",
        "HassVacuumStart",
        "HassVacuumReturnToBase",
        "HassGetCurrentTime",
        "HassGetCurrentDate",
        "HassNevermind",
    }
)


# Replies to a question of ours; they never name a device the home lacks.
_ANSWER_INTENTS = frozenset({"HearthSelect", "HearthConfirm", "HearthDeny", "HearthFollowUpArea"})
# An "unknown name" longer than this is a sentence we did not understand, not a name.
MAX_UNKNOWN_WORDS = 4


class IntentLoadError(RuntimeError):
    """The sentence data could not be loaded (a broken install or a bad custom sentence file)."""


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


@dataclass(frozen=True)
class _Lists:
    slot_lists: dict[str, SlotList]
    # For each home list (name, area, floor): every word any of its values is made of.
    words: dict[str, frozenset[str]] = field(default_factory=dict)

    def present_lists(self, text: str) -> frozenset[str]:
        """The home lists that could match somewhere in ``text``.

        A value can only match if its words are in the text, so a list none of whose words
        occur cannot fill a slot, and sentences that need it can be skipped.
        """
        spoken = {_fold(w) for w in words_of(text.replace("\u2019", "'"))}
        return frozenset(name for name, words in self.words.items() if not words.isdisjoint(spoken))


def _sentence_files() -> list[Any]:
    folder = resources.files("intents") / "sentences"
    return sorted((p for p in folder.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name)


def load_intents_dict(language: str = "en") -> dict[str, Any]:
    """Home Assistant's sentences for ``language`` merged with Hearth's, supported intents only."""
    data = get_intents(language, json_load=lambda fp: json.load(fp))
    if not data:
        raise IntentLoadError(f"home-assistant-intents has no sentences for {language!r}")
    data["intents"] = {k: v for k, v in data["intents"].items() if k in SUPPORTED_INTENTS}
    for path in _sentence_files():
        try:
            extra = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as err:
            raise IntentLoadError(f"{path.name}: not valid YAML: {err}") from None
        if extra.get("language", language) != language:
            continue
        merge_dict(data, extra)
    return data


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
        self._pruned: OrderedDict[frozenset[str], Intents] = OrderedDict()
        self._template_list_words = _list_words(self.intents.slot_lists, None)
        self._lock = threading.Lock()
        self._template_words: frozenset[str] | None = None

    def warm_up(self, vocabulary: Vocabulary) -> None:
        """Pay hassil's first-call costs (lazy template compilation) before the user speaks."""
        self.recognize("turn on the lights", vocabulary)
        self.recognize("what time is it", vocabulary)

    def recognize(
        self,
        text: str,
        vocabulary: Vocabulary,
        context: dict[str, Any] | None = None,
    ) -> Recognition | None:
        """Match ``text`` exactly against the templates; ``context`` may name the speaker's area."""
        cleaned = " ".join(text.split())
        if not cleaned:
            return None
        lists = self._slot_lists(vocabulary)
        result = recognize_best(
            cleaned,
            self._intents_for(lists.present_lists(cleaned)),
            slot_lists=lists.slot_lists,
            intent_context=context or None,
            language=self.language,
            best_slot_name="name",
            best_metadata_key="hearth_answer",
        )
        if result is None:
            return None
        return self._to_recognition(result, cleaned)

    def unknown_target(
        self, text: str, vocabulary: Vocabulary, context: dict[str, Any] | None = None
    ) -> tuple[str, str] | None:
        """For a sentence that did not match: the device or area name that was not recognized.

        "turn on the jacuzzi" fits a template but names nothing in this home; saying so is more
        helpful than "I didn't understand".
        """
        cleaned = " ".join(text.split())
        lists = self._slot_lists(vocabulary)
        for result in recognize_all(
            cleaned,
            self.intents,
            slot_lists=lists.slot_lists,
            intent_context={**(context or {}), "explain": "unknown"},
            language=self.language,
            allow_unmatched_entities=True,
        ):
            unmatched = result.unmatched_entities
            if result.intent.name in _ANSWER_INTENTS:
                continue
            for slot in ("name", "area", "floor"):
                entity = unmatched.get(slot)
                if isinstance(entity, UnmatchedTextEntity) and len(unmatched) == 1:
                    value = " ".join(entity.text.split()).strip(" .,!?")
                    if (
                        value
                        and value.casefold() != cleaned.casefold().strip(" .,!?")
                        and len(value.split()) <= MAX_UNKNOWN_WORDS
                    ):
                        return slot, value
        return None

    def template_words(self) -> frozenset[str]:
        """Every literal word the supported templates contain (the fuzzy repair's dictionary)."""
        if self._template_words is None:
            found: set[str] = set()
            rules = self.intents.expansion_rules
            for intent in self.intents.intents.values():
                for data in intent.data:
                    for sentence in data.sentences:
                        found.update(_literal_words(sentence, rules, data.expansion_rules))
            for slot_list in self.intents.slot_lists.values():
                if isinstance(slot_list, TextSlotList):
                    for value in slot_list.values:
                        found.update(_expression_words(value.text_in, rules, {}, 0))
            self._template_words = frozenset(found)
        return self._template_words

    def _intents_for(self, present: frozenset[str]) -> Intents:
        """The templates that can still match when only the ``present`` home lists can fill slots.

        Most of the time goes into trying templates that need a device, area or floor name the
        sentence does not contain; dropping them up front is exact (a template whose mandatory
        list has no value in the text cannot match) and several times faster.
        """
        with self._lock:
            pruned = self._pruned.get(present)
            if pruned is not None:
                self._pruned.move_to_end(present)
                return pruned
        known = frozenset(self._template_list_words) | HOME_LISTS
        rules = self.intents.expansion_rules
        intents: dict[str, Intent] = {}
        for name, intent in self.intents.intents.items():
            kept_data = []
            for data in intent.data:
                local = data.expansion_rules
                sentences = [
                    sentence
                    for sentence in data.sentences
                    if _mandatory_lists(sentence.expression, rules, local, 0) & known <= present
                ]
                if sentences:
                    trimmed = copy.copy(data)
                    trimmed.__dict__["sentences"] = sentences
                    kept_data.append(trimmed)
            if kept_data:
                intents[name] = Intent(name=name, data=kept_data)
        pruned = copy.copy(self.intents)
        pruned.intents = intents
        with self._lock:
            self._pruned[present] = pruned
            while len(self._pruned) > 64:
                self._pruned.popitem(last=False)
        return pruned

    def _to_recognition(self, result: RecognizeResult, text: str) -> Recognition:
        slots: dict[str, Any] = {}
        slot_texts: dict[str, str] = {}
        for entity in result.entities_list:
            value = entity.value
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            slots[entity.name] = value
            slot_texts[entity.name] = entity.text_clean or str(entity.value)
        for key, value in (result.intent_data.slots or {}).items():
            slots.setdefault(key, value)
        context = dict(result.context or {})
        # The speaker's room fills in a missing area, but never narrows a device named outright.
        spoken_place = {"area", "name"} & slots.keys()
        if "area" in context and not spoken_place and isinstance(context["area"], str):
            slots["area"] = context["area"]
            slot_texts["area"] = context["area"]
        return Recognition(
            intent=result.intent.name,
            slots=slots,
            text=text,
            response_key=result.response,
            slot_texts=slot_texts,
            context=context,
        )

    def _slot_lists(self, vocabulary: Vocabulary) -> _Lists:
        key = id(vocabulary)
        with self._lock:
            cached = self._lists.get(key)
            if cached is not None and cached[0] is vocabulary:
                self._lists.move_to_end(key)
                return cached[1]
        slot_lists = _build_slot_lists(vocabulary)
        words = {**self._template_list_words, **_list_words(slot_lists, HOME_LISTS)}
        lists = _Lists(slot_lists=slot_lists, words=words)
        with self._lock:
            self._lists[key] = (vocabulary, lists)
            while len(self._lists) > 4:
                self._lists.popitem(last=False)
        return lists


def _clean_name(text: str) -> str:
    return " ".join(text.replace("_", " ").split())


def _build_slot_lists(vocabulary: Vocabulary) -> dict[str, SlotList]:
    # One value per (spoken text, domain): twenty "Lamp"s in twenty rooms are one slot value,
    # otherwise every template would yield twenty identical results to sort through.
    seen: set[tuple[str, str]] = set()
    names: list[TextSlotValue] = []
    for entity in vocabulary.entities:
        for spoken in entity.names:
            key = (_clean_name(spoken).casefold(), entity.domain)
            if key in seen:
                continue
            seen.add(key)
            names.append(
                TextSlotValue(
                    text_in=TextChunk(_clean_name(spoken)),
                    value_out=entity.name,
                    context={"domain": entity.domain},
                )
            )
    areas = [
        TextSlotValue(text_in=TextChunk(_clean_name(spoken)), value_out=area.name)
        for area in vocabulary.areas
        for spoken in area.names
    ]
    floors = [
        TextSlotValue(text_in=TextChunk(_clean_name(spoken)), value_out=floor.name)
        for floor in vocabulary.floors
        for spoken in floor.names
    ]
    return {
        "name": TextSlotList(name="name", values=names),
        "area": TextSlotList(name="area", values=areas),
        "floor": TextSlotList(name="floor", values=floors),
    }


def _literal_words(
    sentence: Sentence, rules: dict[str, Sentence], local_rules: dict[str, Sentence]
) -> Iterator[str]:
    yield from _expression_words(sentence.expression, rules, local_rules, 0)


def _expression_words(
    expression: Any, rules: dict[str, Sentence], local_rules: dict[str, Sentence], depth: int
) -> Iterator[str]:
    if depth > 20:
        return
    if isinstance(expression, TextChunk):
        yield from words_of(expression.text)
    elif isinstance(expression, Group):
        for item in expression.items:
            yield from _expression_words(item, rules, local_rules, depth + 1)
    elif isinstance(expression, RuleReference):
        rule = local_rules.get(expression.rule_name) or rules.get(expression.rule_name)
        if rule is not None:
            yield from _expression_words(rule.expression, rules, local_rules, depth + 1)
    elif isinstance(expression, ListReference):
        return


HOME_LISTS = frozenset({"name", "area", "floor"})


def _fold(word: str) -> str:
    return word.replace("'", "")


def _list_words(
    slot_lists: dict[str, SlotList], names: frozenset[str] | None
) -> dict[str, frozenset[str]]:
    """Words of every value of each text list (``names``, or all text lists when None)."""
    words: dict[str, frozenset[str]] = {}
    for name, slot_list in slot_lists.items():
        if names is not None and name not in names:
            continue
        if not isinstance(slot_list, TextSlotList):
            continue  # ranges and wildcards can match any sentence
        if not all(isinstance(v.text_in, TextChunk) for v in slot_list.values):
            continue  # "blind[s]" is made of fragments, not words: never prune on it
        found: set[str] = set()
        for value in slot_list.values:
            found.update(_fold(w) for w in _expression_words(value.text_in, {}, {}, 0))
        words[name] = frozenset(found)
    for name in names or ():
        words.setdefault(name, frozenset())
    return words


def _mandatory_lists(
    expression: Any, rules: dict[str, Sentence], local_rules: dict[str, Sentence], depth: int
) -> frozenset[str]:
    """Lists every way of matching ``expression`` must fill (optional parts need none)."""
    if depth > 30:
        return frozenset()
    if isinstance(expression, ListReference):
        return frozenset({expression.list_name})
    if isinstance(expression, RuleReference):
        rule = local_rules.get(expression.rule_name) or rules.get(expression.rule_name)
        if rule is None:
            return frozenset()
        return _mandatory_lists(rule.expression, rules, local_rules, depth + 1)
    if isinstance(expression, Alternative):
        if expression.is_optional or not expression.items:
            return frozenset()
        branches = [_mandatory_lists(i, rules, local_rules, depth + 1) for i in expression.items]
        return frozenset.intersection(*branches)
    if isinstance(expression, (Permutation, Group)):
        found: frozenset[str] = frozenset()
        for item in expression.items:
            found |= _mandatory_lists(item, rules, local_rules, depth + 1)
        return found
    return frozenset()
