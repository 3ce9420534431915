"""Intent recognition accuracy on Hearth's test sets, and latency on the demo home and on a
generated 500-device home, for Hearth and for plain hassil over the same package.

Prints two tables and writes JSON (bench/results/intents.json).

Accuracy: for each set of ``bench/sets`` (sentences sampled from the package's templates on both
homes, natural commands written by hand, out-of-scope sentences), the share of sentences whose
intent is right, whose intent and slots are right, and (out of scope) the false accepts. Hearth
is ``IntentEngine.recognize``; the reference is plain hassil as Home Assistant runs it:
``recognize_best`` over the package's full English intents, the home's name/area/floor lists
(entity domain and device class as context), the speaker's room in the intent context.

Latency: matching sentences are timed
through ``IntentEngine.recognize``; non-matching ones through the whole no-match path the
assistant runs (exact match, fuzzy repair, then the "which name was unknown" explanation),
because that is what a user waits for. The reference is plain hassil over the complete
home-assistant-intents English set with the same slot lists, as a straightforward integration
would run it.

    python -m bench.intents [--repeat 3] [--devices 500] [--accuracy-only | --latency-only]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hassil.intents import Intents
from hassil.recognize import RecognizeResult, recognize_best
from home_assistant_intents import get_intents

from assistant.conversation import Conversation
from assistant.home.loader import load_home
from assistant.home.model import Device, Domain, Home
from assistant.home.simulated import SimulatedBackend
from assistant.home.vocab import vocabulary_from_home
from assistant.session import SessionStore
from bench import sets
from bench.homes import generate_home
from intents.engine import IntentEngine
from intents.slot_lists import build_slot_lists, speaker_context
from intents.vocabulary import Vocabulary

RESULTS = Path(__file__).parent / "results"
NO_MATCH = [
    "what's the capital of France",
    "tell me a joke",
    "turn on the jacuzzi",
    "order a pizza with extra cheese",
    "how tall is mount everest",
    "play something relaxing by the sea",
    "remind me to call mum tomorrow",
    "open the pod bay doors",
    "what is the meaning of life",
    "is it going to rain on saturday",
]


def matching_sentences(home: Home, count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    devices = [d for d in home.devices.values() if d.domain is not Domain.SENSOR and d.area]
    templates: list[Callable[[Device, str], str]] = [
        lambda d, a: f"turn on the {d.name} in the {a}",
        lambda d, a: f"turn off the {a} {d.name}",
        lambda d, a: f"turn off the lights in the {a}",
        lambda d, a: f"turn on the {a} lights",
        lambda d, a: f"set the {a} lights to {rng.randint(1, 99)}%",
        lambda d, a: f"what's the temperature in the {a}",
        lambda d, a: "turn off the upstairs lights",
        lambda d, a: "what time is it",
    ]
    sentences = []
    for _ in range(count):
        device = rng.choice(devices)
        area = home.areas[device.area or ""].name
        sentences.append(rng.choice(templates)(device, area))
    return sentences


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summarize(samples: list[float], matched: int, total: int) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50_ms": percentile(samples, 50),
        "p95_ms": percentile(samples, 95),
        "max_ms": max(samples),
        "mean_ms": statistics.fmean(samples),
        "matched": matched,
        "of": total,
    }


def time_calls(
    sentences: Sequence[str], call: Callable[[str], object], repeat: int
) -> tuple[list[float], int]:
    samples: list[float] = []
    matched = 0
    for round_index in range(repeat):
        for sentence in sentences:
            started = time.perf_counter()
            result = call(sentence)
            samples.append((time.perf_counter() - started) * 1000)
            if round_index == 0 and result:
                matched += 1
    return samples, matched


def no_match_path(engine: IntentEngine, home: Home, folder: Path) -> Callable[[str], object]:
    """The whole turn a user waits for on a sentence we cannot serve: exact match, every repair,
    the explanation, the reply (``Conversation.handle`` on a throwaway copy of the home)."""
    backend = SimulatedBackend(home, folder / f"bench-{len(home)}.sqlite3")
    conversation = Conversation(backend, engine, store=SessionStore(None))

    def run(text: str) -> object:
        return conversation.handle(text).intent

    return run


def reference_intents() -> Intents:
    return Intents.from_dict(get_intents("en", json_load=lambda fp: json.load(fp)))


Recognizer = Callable[[str, str | None], tuple[str, dict[str, Any]] | None]


def reference_slots(result: RecognizeResult) -> dict[str, Any]:
    slots: dict[str, Any] = {}
    for entity in result.entities_list:
        value = entity.value
        slots[entity.name] = (
            int(value) if isinstance(value, float) and value.is_integer() else value
        )
    return slots


def hearth_recognizer(engine: IntentEngine, vocabulary: Vocabulary) -> Recognizer:
    def recognize(text: str, room: str | None) -> tuple[str, dict[str, Any]] | None:
        found = engine.recognize(text, vocabulary, {"area": room} if room else None)
        return None if found is None else (found.intent, found.slots)

    return recognize


def reference_recognizer(reference: Intents, vocabulary: Vocabulary) -> Recognizer:
    lists = build_slot_lists(vocabulary)

    def recognize(text: str, room: str | None) -> tuple[str, dict[str, Any]] | None:
        found = recognize_best(
            text,
            reference,
            slot_lists=lists,
            intent_context=speaker_context(room) or None,
            language="en",
            best_slot_name="name",
        )
        return None if found is None else (found.intent.name, reference_slots(found))

    return recognize


def score(examples: Sequence[sets.Example], recognize: Recognizer) -> dict[str, Any]:
    """Accuracy of ``recognize`` on ``examples``, plus latency and the first misses."""
    intent_ok = slots_ok = accepted = 0
    samples: list[float] = []
    misses: list[dict[str, Any]] = []
    for example in examples:
        started = time.perf_counter()
        found = recognize(example.text, example.room)
        samples.append((time.perf_counter() - started) * 1000)
        intent, slots = found if found is not None else (None, {})
        accepted += intent is not None
        if intent == example.intent:
            intent_ok += 1
            if example.intent is None or sets.slots_match(example, slots):
                slots_ok += 1
                continue
        if len(misses) < 400:
            misses.append(
                {
                    "text": example.text,
                    "room": example.room,
                    "expected": example.intent,
                    "expected_slots": example.slots,
                    "got": intent,
                    "slots": slots,
                }
            )
    n = len(examples)
    return {
        "n": n,
        "intent": intent_ok / n,
        "intent_slots": slots_ok / n,
        "accepted": accepted / n,
        "p50_ms": percentile(samples, 50),
        "p95_ms": percentile(samples, 95),
        "misses": misses,
    }


def accuracy(engine: IntentEngine, reference: Intents) -> dict[str, Any]:
    """Hearth and plain hassil on every set (each on the home it was written for)."""
    from bench.sets.sampling import homes

    vocabularies = homes()
    home_of = {
        "sampled-demo": "sampled-demo",
        "sampled-generated": "sampled-generated",
        "natural": "sampled-demo",
        "out-of-scope": "sampled-demo",
    }
    report: dict[str, Any] = {}
    for name in sets.SETS:
        examples = sets.load(name)
        vocabulary = vocabularies[home_of[name]]
        engine.warm_up(vocabulary)
        print(f"  {name}: {len(examples)} sentences", file=sys.stderr)
        report[name] = {
            "hearth": score(examples, hearth_recognizer(engine, vocabulary)),
            "hassil": score(examples, reference_recognizer(reference, vocabulary)),
        }
    return report


def accuracy_table(report: dict[str, Any]) -> str:
    lines = [
        "Intent accuracy (share of sentences; out-of-scope: accepted = false accepts)",
        "",
        "| set | n | engine | intent | intent+slots | accepted | p50 ms | p95 ms |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for name, engines in report.items():
        for engine_name, row in engines.items():
            lines.append(
                f"| {name} | {row['n']} | {engine_name} | {row['intent']:.3f} | "
                f"{row['intent_slots']:.3f} | {row['accepted']:.3f} | {row['p50_ms']:.1f} | "
                f"{row['p95_ms']:.1f} |"
            )
    return "\n".join(lines)


def run(
    devices: int,
    repeat: int,
    sentences: int,
    *,
    with_accuracy: bool = True,
    with_latency: bool = True,
) -> dict[str, Any]:
    engine = IntentEngine()
    reference = reference_intents()
    report: dict[str, Any] = {
        "machine": {
            "cores": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
        },
        "repeat": repeat,
    }
    if with_accuracy:
        report["accuracy"] = accuracy(engine, reference)
    if not with_latency:
        return report
    report["homes"] = {}
    homes = {"demo": load_home(), f"generated-{devices}": generate_home(devices)}
    folder = Path(tempfile.mkdtemp(prefix="hearth-bench-"))
    for label, home in homes.items():
        vocabulary = vocabulary_from_home(home)
        engine.warm_up(vocabulary)
        lists = engine.slot_lists(vocabulary)
        recognize_best("turn on the lights", reference, slot_lists=lists)
        match = matching_sentences(home, sentences)
        rows = {}
        samples, ok = time_calls(match, lambda s, v=vocabulary: engine.recognize(s, v), repeat)
        rows["hearth match"] = summarize(samples, ok, len(match))
        samples, ok = time_calls(NO_MATCH, no_match_path(engine, home, folder), repeat)
        rows["hearth no-match (full path)"] = summarize(samples, ok, len(NO_MATCH))

        def ref(text: str, lists: dict[str, Any] = lists) -> object:
            return recognize_best(text, reference, slot_lists=lists, best_slot_name="name")

        samples, ok = time_calls(match, ref, repeat)
        rows["reference hassil match"] = summarize(samples, ok, len(match))
        samples, ok = time_calls(NO_MATCH, ref, repeat)
        rows["reference hassil no-match"] = summarize(samples, ok, len(NO_MATCH))
        report["homes"][label] = {
            "devices": len(home.devices),
            "areas": len(home.areas),
            "rows": rows,
        }
    return report


def table(report: dict[str, Any]) -> str:
    if "homes" not in report:
        return ""
    lines = [
        (
            f"Intent recognition latency ({report['machine']['cores']} cores, "
            f"{report['repeat']} rounds; ms)"
        ),
        "",
        "| home | path | n | p50 | p95 | max | matched |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for label, home in report["homes"].items():
        for name, row in home["rows"].items():
            lines.append(
                f"| {label} ({home['devices']} devices) | {name} | {row['n']} | "
                f"{row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['max_ms']:.1f} | "
                f"{row['matched']}/{row['of']} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sentences", type=int, default=200)
    parser.add_argument("--out", default=str(RESULTS / "intents.json"))
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--accuracy-only", action="store_true")
    only.add_argument("--latency-only", action="store_true")
    args = parser.parse_args(argv)
    print(
        f"benchmarking intents on the demo home and a {args.devices}-device home...",
        file=sys.stderr,
    )
    report = run(
        args.devices,
        args.repeat,
        args.sentences,
        with_accuracy=not args.latency_only,
        with_latency=not args.accuracy_only,
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    if "accuracy" in report:
        print(accuracy_table(report["accuracy"]))
        print()
    print(table(report))
    print(f"\nJSON written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
