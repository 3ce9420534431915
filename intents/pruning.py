"""Skip templates that cannot match a sentence before hassil tries them.

Most of the matching time goes into templates that need a device, area or floor name (or a
value of a closed list such as ``cover_classes``) that the sentence does not contain. A value can
only match if its words are in the text, so a template whose mandatory list has no word in the
sentence is dropped up front: exact (no result is lost) and several times faster. Lists made of
ranges, wildcards or word fragments ("blind[s]") are never used to prune.

The same holds for a template's own words: one whose every expansion needs "timer" cannot match
a sentence without it. Only whole words are counted (a chunk's edge may be half a word, as in
"fan[s]"), so this too drops nothing that could match. With every intent of the package loaded
(over a hundred timer templates alone), it keeps a sentence's cost close to what it was with a
few intents.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Iterator
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
from hassil.intents import Intent, Intents, SlotList, TextSlotList

from intents.vocabulary import words_of

MAX_CACHED = 256


def fold(word: str) -> str:
    """A word compared without apostrophes ("what's" = "whats")."""
    return word.replace("'", "")


def spoken_words(text: str) -> frozenset[str]:
    return frozenset(fold(w) for w in words_of(text.replace("\u2019", "'")))


def expression_words(
    expression: Any, rules: dict[str, Sentence], local_rules: dict[str, Sentence], depth: int = 0
) -> Iterator[str]:
    """Every literal word in ``expression`` (rules expanded, list values not)."""
    if depth > 20:
        return
    if isinstance(expression, TextChunk):
        yield from words_of(expression.text)
    elif isinstance(expression, Group):
        for item in expression.items:
            yield from expression_words(item, rules, local_rules, depth + 1)
    elif isinstance(expression, RuleReference):
        rule = local_rules.get(expression.rule_name) or rules.get(expression.rule_name)
        if rule is not None:
            yield from expression_words(rule.expression, rules, local_rules, depth + 1)


def mandatory_words(
    expression: Any,
    rules: dict[str, Sentence],
    local_rules: dict[str, Sentence],
    depth: int = 0,
    at_start: bool = True,
    at_end: bool = True,
) -> frozenset[str]:
    """Whole words every way of matching ``expression`` contains (folded, as ``spoken_words``).

    A chunk's first or last token counts only where a word must begin or end there: at the
    sentence's edge or beside a blank; elsewhere it may be half a word ("fan" + "[s]").
    """
    if depth > 30:
        return frozenset()
    if isinstance(expression, TextChunk):
        tokens = expression.text.split()
        found: set[str] = set()
        for index, token in enumerate(tokens):
            if index == 0 and not (at_start or expression.text[:1].isspace()):
                continue
            if index == len(tokens) - 1 and not (at_end or expression.text[-1:].isspace()):
                continue
            found.update(fold(w) for w in words_of(token))
        return frozenset(found)
    if isinstance(expression, RuleReference):
        rule = local_rules.get(expression.rule_name) or rules.get(expression.rule_name)
        if rule is None:
            return frozenset()
        return mandatory_words(rule.expression, rules, local_rules, depth + 1, at_start, at_end)
    if isinstance(expression, Alternative):
        if expression.is_optional or not expression.items:
            return frozenset()
        branches = [
            mandatory_words(i, rules, local_rules, depth + 1, at_start, at_end)
            for i in expression.items
        ]
        return frozenset.intersection(*branches)
    if isinstance(expression, Permutation):
        words: frozenset[str] = frozenset()
        for item in expression.items:  # items are separated by blanks, in any order
            words |= mandatory_words(item, rules, local_rules, depth + 1, True, True)
        return words
    if isinstance(expression, Group):
        words = frozenset()
        last = len(expression.items) - 1
        for index, item in enumerate(expression.items):
            words |= mandatory_words(
                item,
                rules,
                local_rules,
                depth + 1,
                at_start and index == 0,
                at_end and index == last,
            )
        return words
    return frozenset()


def list_words(
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
            found.update(fold(w) for w in expression_words(value.text_in, {}, {}))
        words[name] = frozenset(found)
    for name in names or ():
        words.setdefault(name, frozenset())
    return words


def mandatory_lists(
    expression: Any, rules: dict[str, Sentence], local_rules: dict[str, Sentence], depth: int = 0
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
        return mandatory_lists(rule.expression, rules, local_rules, depth + 1)
    if isinstance(expression, Alternative):
        if expression.is_optional or not expression.items:
            return frozenset()
        branches = [mandatory_lists(i, rules, local_rules, depth + 1) for i in expression.items]
        return frozenset.intersection(*branches)
    if isinstance(expression, (Permutation, Group)):
        found: frozenset[str] = frozenset()
        for item in expression.items:
            found |= mandatory_lists(item, rules, local_rules, depth + 1)
        return found
    return frozenset()


class Pruner:
    """The templates of ``intents`` that can still match a sentence, given which lists it can
    fill and which words it contains.

    ``known`` are the lists whose words are known (the package's closed lists and the home's
    name/area/floor); a template needing a known list absent from the sentence, or a whole word
    absent from it, is skipped. Results are cached per (lists present, template words present):
    few distinct keys occur in practice.
    """

    def __init__(self, intents: Intents, known: frozenset[str]) -> None:
        self.intents = intents
        self.known = known
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[frozenset[str], frozenset[str]], Intents] = OrderedDict()
        rules = intents.expansion_rules
        # For each intent, each data block: each sentence with the lists and words it needs.
        self._needs: dict[str, list[list[tuple[Sentence, frozenset[str], frozenset[str]]]]] = {
            name: [
                [
                    (
                        s,
                        mandatory_lists(s.expression, rules, data.expansion_rules) & known,
                        mandatory_words(s.expression, rules, data.expansion_rules),
                    )
                    for s in data.sentences
                ]
                for data in intent.data
            ]
            for name, intent in intents.intents.items()
        }
        self.words = frozenset(
            word
            for blocks in self._needs.values()
            for block in blocks
            for _, _, words in block
            for word in words
        )

    def for_present(self, present: frozenset[str], spoken: frozenset[str]) -> Intents:
        key = (present, spoken & self.words)
        with self._lock:
            pruned = self._cache.get(key)
            if pruned is not None:
                self._cache.move_to_end(key)
                return pruned
        lists_present, words_present = key
        intents: dict[str, Intent] = {}
        for name, intent in self.intents.intents.items():
            kept_data = []
            for data, needs in zip(intent.data, self._needs[name], strict=True):
                sentences = [
                    s
                    for s, lists, words in needs
                    if lists <= lists_present and words <= words_present
                ]
                if len(sentences) == len(data.sentences):
                    kept_data.append(data)
                elif sentences:
                    trimmed = copy.copy(data)
                    trimmed.__dict__["sentences"] = sentences
                    kept_data.append(trimmed)
            if kept_data:
                intents[name] = Intent(name=name, data=kept_data)
        pruned = copy.copy(self.intents)
        pruned.intents = intents
        with self._lock:
            self._cache[key] = pruned
            while len(self._cache) > MAX_CACHED:
                self._cache.popitem(last=False)
        return pruned
