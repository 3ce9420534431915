"""Intent test sets owned by the benchmarks (tests import them; they never import tests).

- ``sampled_demo.jsonl`` / ``sampled_generated.jsonl``: sentences sampled with hassil from
  home-assistant-intents' English templates, every intent and slot combination, on the demo home
  and on the generated 500-device home (``python -m bench.sets.sampling`` remakes them).
- ``natural.yaml``: commands written by hand the way people speak, for the demo home; each names
  its intent and the slots that matter (``room`` is where the speaker stands, if anywhere).
- ``out_of_scope.yaml``: sentences no intent should accept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FOLDER = Path(__file__).parent
SETS = {
    "sampled-demo": FOLDER / "sampled_demo.jsonl",
    "sampled-generated": FOLDER / "sampled_generated.jsonl",
    "natural": FOLDER / "natural.yaml",
    "out-of-scope": FOLDER / "out_of_scope.yaml",
}


@dataclass(frozen=True)
class Example:
    """One sentence and what it must be understood as (``intent`` None: nothing)."""

    text: str
    intent: str | None
    slots: dict[str, Any] = field(default_factory=dict)
    room: str | None = None
    # True: the slots must be exactly these (sampled sets); False: at least these (natural).
    exact: bool = False
    source: str = ""


def load(name: str) -> list[Example]:
    """The examples of set ``name`` (a key of ``SETS``)."""
    path = SETS[name]
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        return [
            Example(
                text=r["text"],
                intent=r["intent"],
                slots=r.get("slots", {}),
                room=r.get("room"),
                exact=True,
                source=r.get("source", ""),
            )
            for r in rows
        ]
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples = []
    for group in raw["groups"]:
        room = group.get("room")
        for item in group["sentences"]:
            if isinstance(item, str):
                item = {"text": item}
            examples.append(
                Example(
                    text=item["text"],
                    intent=item.get("intent", group.get("intent")),
                    slots={**group.get("slots", {}), **item.get("slots", {})},
                    room=item.get("room", room),
                    source=group.get("name", ""),
                )
            )
    return examples


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return float(expected) == float(actual)
    return str(expected).casefold() == str(actual).casefold()


def slots_match(example: Example, slots: dict[str, Any]) -> bool:
    """Whether ``slots`` say what the example expects (exactly, for sampled sets)."""
    if example.exact and set(slots) != set(example.slots):
        return False
    return all(k in slots and _same(v, slots[k]) for k, v in example.slots.items())
