"""Intent recognition latency on the demo home and on a generated 500-device home.

Prints a table and writes JSON (bench/results/intents.json). Matching sentences are timed
through ``IntentEngine.recognize``; non-matching ones through the whole no-match path the
assistant runs (exact match, fuzzy repair, then the "which name was unknown" explanation),
because that is what a user waits for. The reference is plain hassil over the complete
home-assistant-intents English set with the same slot lists, as a straightforward integration
would run it.

    python -m bench.intents [--repeat 3] [--devices 500]
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
from hassil.recognize import recognize_best
from home_assistant_intents import get_intents

from assistant.conversation import Conversation
from assistant.home.loader import load_home
from assistant.home.model import Device, Domain, Home
from assistant.home.simulated import SimulatedBackend
from assistant.home.vocab import vocabulary_from_home
from assistant.session import SessionStore
from bench.homes import generate_home
from intents.engine import IntentEngine

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


def run(devices: int, repeat: int, sentences: int) -> dict[str, Any]:
    engine = IntentEngine()
    reference = reference_intents()
    homes = {"demo": load_home(), f"generated-{devices}": generate_home(devices)}
    folder = Path(tempfile.mkdtemp(prefix="hearth-bench-"))
    report: dict[str, Any] = {
        "machine": {
            "cores": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
        },
        "repeat": repeat,
        "homes": {},
    }
    for label, home in homes.items():
        vocabulary = vocabulary_from_home(home)
        engine.warm_up(vocabulary)
        lists = engine._slot_lists(vocabulary).slot_lists
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
    args = parser.parse_args(argv)
    print(
        f"benchmarking intents on the demo home and a {args.devices}-device home...",
        file=sys.stderr,
    )
    report = run(args.devices, args.repeat, args.sentences)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(table(report))
    print(f"\nJSON written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
