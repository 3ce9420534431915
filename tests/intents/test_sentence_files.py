"""Hearth's sentence files: valid, and no key given twice (YAML keeps only the last one, so a
repeated intent silently drops the sentences written above it)."""

from __future__ import annotations

from typing import Any

import yaml

from intents.loading import HEARTH_SENTENCE, load_intents_dict, sentence_files


class _StrictLoader(yaml.SafeLoader):
    pass


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    keys = [loader.construct_object(key, deep=deep) for key, _ in node.value]
    repeated = sorted({str(k) for k in keys if keys.count(k) > 1})
    assert not repeated, f"line {node.start_mark.line + 1}: repeated keys {repeated}"
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def test_no_key_is_given_twice() -> None:
    files = sentence_files()
    assert files
    for path in files:
        yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)


def test_strict_loader_catches_a_repeated_intent() -> None:
    import pytest

    with pytest.raises(AssertionError, match="HassTurnOn"):
        yaml.load("intents:\n  HassTurnOn: {}\n  HassTurnOn: {}\n", Loader=_StrictLoader)


def test_hearths_blocks_are_marked_and_the_packages_are_not() -> None:
    data = load_intents_dict("en")
    marked = {
        name
        for name, intent in data["intents"].items()
        for block in intent["data"]
        if (block.get("metadata") or {}).get(HEARTH_SENTENCE)
    }
    assert {"HearthConfirm", "HassTurnOn"} <= marked
    assert "HassCancelAllTimers" not in marked


def test_canned_answers_are_hearths_own() -> None:
    from intents.engine import IntentEngine

    answers = IntentEngine().responses["HassRespond"]
    for key in ("hello", "listening", "data", "commands", "creator"):
        assert answers[key] and "Home Assistant" not in answers[key], key
