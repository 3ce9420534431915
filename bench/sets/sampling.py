"""Sample sentences from home-assistant-intents' English templates, with the intent and slots each
one must give, for every intent and slot combination (data block) that a home can fill.

Each template is expanded at random (alternatives, optional words, permutations), its lists
filled from the home (``name`` only with entities whose domain/device class the template
requires) or from the package's lists (numbers, colours, wildcards from a small pool). The
speaker stands in a random room, so templates that take the room from the context apply too.

    python -m bench.sets.sampling          # rewrites sampled_demo.jsonl, sampled_generated.jsonl
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import replace
from typing import Any

from hassil.expression import (
    Alternative,
    Group,
    ListReference,
    Permutation,
    RuleReference,
    Sentence,
    TextChunk,
)
from hassil.intents import (
    IntentData,
    Intents,
    RangeSlotList,
    SlotList,
    TextSlotList,
    WildcardSlotList,
)
from hassil.util import check_excluded_context, check_required_context

from bench.sets import SETS
from intents.loading import package_intents_dict
from intents.slot_lists import build_slot_lists, entity_context
from intents.vocabulary import VocabEntity, Vocabulary

# Entities every Home Assistant home has in some form and Hearth's home files don't list yet:
# a weather entity, to-do lists and people. Added to both homes' vocabularies.
EXTRA_ENTITIES = (
    VocabEntity("weather.london", "London", "weather"),
    VocabEntity("todo.groceries", "Groceries", "todo"),
    VocabEntity("todo.chores", "Chores", "todo"),
    VocabEntity("person.alice", "Alice", "person"),
)
WILDCARDS: dict[str, tuple[str, ...]] = {
    "search_query": ("jazz", "the beatles", "bohemian rhapsody", "rain sounds", "the news"),
    "item": ("milk", "eggs", "paper towels", "dog food", "batteries"),
    "message": ("dinner is ready", "time to leave", "the movie is starting"),
    "timer_name": ("pizza", "tea", "boiled eggs"),
    "state": ("home", "work", "school"),
    "timer_command": ("turn off the lights", "open the blinds"),
}
SAMPLES_PER_SENTENCE = 2


def vocabulary_for(base: Vocabulary) -> Vocabulary:
    """``base`` plus ``EXTRA_ENTITIES`` (what the sampled sets and the accuracy bench use)."""
    return replace(base, entities=(*base.entities, *EXTRA_ENTITIES))


class Sampler:
    def __init__(self, intents: Intents, vocabulary: Vocabulary, rng: random.Random) -> None:
        self.intents = intents
        self.vocabulary = vocabulary
        self.rng = rng
        self.home_lists = build_slot_lists(vocabulary)

    def sample(self, data: IntentData, sentence: Sentence) -> tuple[str, dict[str, Any]] | None:
        """One sentence of ``sentence`` and the slots it fills, or None when the home can't."""
        slots: dict[str, Any] = {}
        try:
            words = self._expand(sentence.expression, data, slots, 0)
        except LookupError:
            return None
        text = " ".join("".join(words).split())
        return text, slots

    def _expand(self, expr: Any, data: IntentData, slots: dict[str, Any], depth: int) -> list[str]:
        if depth > 40:
            raise LookupError("too deep")
        if isinstance(expr, TextChunk):
            return [expr.text]
        if isinstance(expr, Alternative):
            return self._expand(self.rng.choice(expr.items), data, slots, depth + 1)
        if isinstance(expr, Permutation):
            items = list(expr.items)
            self.rng.shuffle(items)
            out: list[str] = []
            for item in items:
                out += [" ", *self._expand(item, data, slots, depth + 1), " "]
            return out
        if isinstance(expr, Group):
            out = []
            for item in expr.items:
                out += self._expand(item, data, slots, depth + 1)
            return out
        if isinstance(expr, RuleReference):
            rule = data.expansion_rules.get(expr.rule_name) or self.intents.expansion_rules.get(
                expr.rule_name
            )
            if rule is None:
                raise LookupError(expr.rule_name)
            return self._expand(rule.expression, data, slots, depth + 1)
        if isinstance(expr, ListReference):
            return self._fill(expr, data, slots, depth)
        return []

    def _fill(
        self, ref: ListReference, data: IntentData, slots: dict[str, Any], depth: int
    ) -> list[str]:
        slot_list: SlotList | None = (
            self.home_lists.get(ref.list_name)
            or data.slot_lists.get(ref.list_name)
            or self.intents.slot_lists.get(ref.list_name)
        )
        if slot_list is None:
            raise LookupError(ref.list_name)
        if isinstance(slot_list, RangeSlotList):
            numbers = list(range(slot_list.start, slot_list.stop + 1, slot_list.step))
            number = self.rng.choice(numbers[1:] or numbers)
            value = number * slot_list.multiplier if slot_list.multiplier else number
            slots[ref.slot_name] = int(value) if float(value).is_integer() else value
            return [str(number)]
        if isinstance(slot_list, WildcardSlotList):
            pool = WILDCARDS.get(ref.slot_name) or WILDCARDS.get(ref.list_name) or ("something",)
            value = self.rng.choice(pool)
            slots[ref.slot_name] = value
            return [value]
        assert isinstance(slot_list, TextSlotList)
        required = {k: v for k, v in (data.requires_context or {}).items() if k != "area"}
        excluded = data.excludes_context or {}
        values = [
            v
            for v in slot_list.values
            if ref.list_name != "name"
            or (
                check_required_context(required, v.context or {}, allow_missing_keys=False)
                and check_excluded_context(excluded, v.context or {})
            )
        ]
        if not values:
            raise LookupError(ref.list_name)
        value = self.rng.choice(values)
        spoken = self._expand(value.text_in, data, {}, depth + 1)
        if ref.list_name == "name":
            spoken = [self._spoken_name(str(value.value_out), value.context or {})]
        out = value.value_out if value.value_out is not None else "".join(spoken).strip()
        slots[ref.slot_name] = out
        return spoken

    def _spoken_name(self, name: str, context: dict[str, Any]) -> str:
        """One of the names or aliases of an entity called ``name`` (the list keeps one)."""
        for entity in self.vocabulary.entities:
            if (
                entity.name == name
                and entity_context(entity.domain, entity.device_class) == context
            ):
                return self.rng.choice(entity.names).replace("_", " ")
        return name


def _usable(data: IntentData) -> bool:
    """Blocks whose context only asks for an entity's domain/class and the speaker's room."""
    return set(data.requires_context or {}) <= {"domain", "device_class", "area"}


def sample_set(
    vocabulary: Vocabulary, seed: int, per_sentence: int = SAMPLES_PER_SENTENCE
) -> list[dict[str, Any]]:
    """Examples for every template of the package that ``vocabulary`` can fill."""
    rng = random.Random(seed)
    intents = Intents.from_dict(package_intents_dict("en"))
    sampler = Sampler(intents, vocabulary, rng)
    rooms = [a.name for a in vocabulary.areas]
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for intent_name, intent in sorted(intents.intents.items()):
        for data in intent.data:
            if not _usable(data):
                continue
            combination = (data.metadata or {}).get("slot_combination", "")
            for sentence in data.sentences:
                for _ in range(per_sentence):
                    sampled = sampler.sample(data, sentence)
                    if sampled is None:
                        break
                    text, slots = sampled
                    if text.casefold() in seen:
                        continue
                    seen.add(text.casefold())
                    room = rng.choice(rooms) if rooms else None
                    expected = {**slots}
                    for key, value in (data.slots or {}).items():
                        expected.setdefault(key, value)
                    area_rule = (data.requires_context or {}).get("area")
                    if isinstance(area_rule, dict) and area_rule.get("slot") and room:
                        expected.setdefault("area", room)
                    rows.append(
                        {
                            "text": text,
                            "intent": intent_name,
                            "slots": expected,
                            "room": room,
                            "source": combination,
                        }
                    )
    return rows


def homes() -> dict[str, Vocabulary]:
    """The two homes the sets are sampled on, as vocabularies (extras included)."""
    from assistant.home.loader import load_home
    from assistant.home.vocab import vocabulary_from_home
    from bench.homes import generate_home

    return {
        "sampled-demo": vocabulary_for(vocabulary_from_home(load_home())),
        "sampled-generated": vocabulary_for(vocabulary_from_home(generate_home(500))),
    }


def main() -> int:
    for index, (name, vocabulary) in enumerate(homes().items()):
        per_sentence = SAMPLES_PER_SENTENCE if name == "sampled-demo" else 1
        rows = sample_set(vocabulary, seed=100 + index, per_sentence=per_sentence)
        path = SETS[name]
        path.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows))
        print(f"{path.name}: {len(rows)} sentences", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
