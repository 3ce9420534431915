"""Load the sentence templates: every English intent of home-assistant-intents plus Hearth's own.

Hearth's sentence files are merged into the package's data the way Home Assistant merges custom
sentences, with one difference: every data block they add is marked (``HEARTH_SENTENCE`` in its
metadata), so the engine can let the package's own template win a tie for the same sentence.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import yaml
from hassil.util import merge_dict
from home_assistant_intents import get_intents

# Metadata key on every data block that comes from Hearth's sentence files.
HEARTH_SENTENCE = "hearth_sentence"
# Metadata key that ranks a block above everything (answers to a question of ours).
HEARTH_ANSWER = "hearth_answer"


class IntentLoadError(RuntimeError):
    """The sentence data could not be loaded (a broken install or a bad custom sentence file)."""


def sentence_files() -> list[Any]:
    """Hearth's own sentence files, in name order."""
    folder = resources.files("intents") / "sentences"
    return sorted((p for p in folder.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name)


def package_intents_dict(language: str = "en") -> dict[str, Any]:
    """home-assistant-intents' data for ``language``, every intent, as Home Assistant loads it."""
    data = get_intents(language, json_load=lambda fp: json.load(fp))
    if not data:
        raise IntentLoadError(f"home-assistant-intents has no sentences for {language!r}")
    return data


def load_intents_dict(language: str = "en") -> dict[str, Any]:
    """The package's sentences for ``language`` merged with Hearth's (marked as Hearth's)."""
    data = package_intents_dict(language)
    for path in sentence_files():
        try:
            extra = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as err:
            raise IntentLoadError(f"{path.name}: not valid YAML: {err}") from None
        if not isinstance(extra, dict):
            raise IntentLoadError(f"{path.name}: not a sentence file")
        if extra.get("language", language) != language:
            continue
        for intent in (extra.get("intents") or {}).values():
            for block in intent.get("data") or ():
                block["metadata"] = {**(block.get("metadata") or {}), HEARTH_SENTENCE: True}
        merge_dict(data, extra)
    return data
