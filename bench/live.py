"""The live loop: idle CPU, end-of-speech→action latency, false wakes, missed wakes.

All audio is synthesized (piper's joe voice for commands and wake words, espeak-ng voices for
chatter) so that the last spoken sample of every command is known exactly. Everything runs in
one process on this machine, the reference in the same run:

* **idle CPU**: the live pipeline waiting for the wake word over non-wake speech and noise;
  process CPU time over audio time, in % of one core (as if it were real time).
* **latency**: wake word + command through the live pipeline (simulated real time: the clock
  jumps to each frame's arrival and runs at wall speed while work is done, see
  ``assistant/voice/scheduler.py``), from the last spoken sample to the action executed. The reference
  is the serial pipeline: Silero VAD with a fixed 0.7 s end-of-speech silence, then
  faster-whisper tiny.en int8 (stock 30 s window), then the intent engine and the action.
  Accuracy is judged by the executed actions.
* **false wakes/hour**: the wake-word detector over ``--false-minutes`` of chatter and noise,
  each detection then checked by the speech model as the pipeline does (``wake.verify``).
* **missed wakes at 10 dB**: wake words in several voices and speeds under noise at 10 dB SNR,
  missed by the detector or rejected by the check.

    python -m bench.live [--utterances 100] [--false-minutes 120] [--out bench/results/live.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.base import SAMPLE_RATE
from assistant.audio.vad import SileroVad
from assistant.audio.wake import load_wake_word, wake_word_spec
from assistant.config import Config, VadConfig
from assistant.events import ActionsExecuted, Event, UtteranceTimings, WakeDetected
from assistant.runtime import Runtime, VoiceModels, build_runtime, build_voice
from assistant.speech.faster_whisper import FasterWhisperEngine, WhisperOptions
from assistant.speech.hint import home_hint
from assistant.speech.transcribe import transcribe_audio
from assistant.speech.wake_check import WakeVerifier, wake_verifier
from bench.intents import percentile
from bench.voices import espeak, piper, silence

RESULTS = Path(__file__).parent / "results"

# (command, the device it must change) — whole commands for the demo home.
COMMANDS = [
    ("Turn on the desk lamp.", "light.desk_lamp"),
    ("Turn off the kitchen speaker.", "media_player.kitchen_speaker"),
    ("Turn on the printer.", "switch.printer"),
    ("Turn on the kettle.", "switch.kettle"),
    ("Turn on the coffee machine.", "switch.coffee_machine"),
    ("Turn on the chandelier.", "light.chandelier"),
    ("Turn on the porch light.", "light.porch"),
    ("Turn on the garage light.", "light.garage"),
    ("Turn on the hallway light.", "light.hallway"),
    ("Turn on the christmas tree.", "switch.christmas_tree"),
    ("Turn on the night light.", "light.night_light"),
    ("Turn on the mirror light.", "light.mirror_light"),
    ("Turn on the bedside lamp.", "light.bedside_lamp"),
    ("Turn on the TV backlight.", "light.tv_backlight"),
    ("Turn off the floor lamp.", "light.floor_lamp"),
    ("Turn on the garden lights.", "light.garden"),
    ("Close the living room blinds.", "cover.living_room_blinds"),
    ("Open the office blinds.", "cover.office_blinds"),
    ("Turn on the desk fan.", "fan.office"),
    ("Set the desk lamp to fifty percent.", "light.desk_lamp"),
]
CHATTER = [
    "I think we should go shopping tomorrow afternoon",
    "did you see the game last night, it was amazing",
    "the kids will be home late because of football practice",
    "can you pass me the salt please",
    "we need to call the plumber about the leaking tap",
    "my sister is coming over for dinner on Sunday",
    "the weather forecast says it will rain all week",
    "I left my keys somewhere in the kitchen again",
    "turn the page, the next chapter is better",
    "what time does the train leave in the morning",
    "the light in the painting is beautiful",
    "let us book a table at the new restaurant",
    "okay, I will be there in ten minutes",
    "are you coming to the party on Saturday",
    "the office was very busy today",
]
ESPEAK_VOICES = ("en-us", "en", "en-gb+f3", "en-us+m3")


def noise(samples: int, level_db: float, rng: np.random.Generator) -> np.ndarray:
    white = rng.standard_normal(samples + 1)
    coloured = np.diff(white) * 0.5 + white[1:]
    return (coloured * 10 ** (level_db / 20) / np.sqrt(np.mean(coloured**2)) * 32768).astype(
        np.float64
    )


def with_snr(audio: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    speech = audio.astype(np.float64)
    active = speech[np.abs(speech) > 64]
    power = float(np.mean(active**2)) if len(active) else 1.0
    bed = noise(len(speech), 0.0, rng) / 32768
    bed *= np.sqrt(power / 10 ** (snr_db / 10) / np.mean(bed**2))
    return np.clip(speech + bed, -32768, 32767).astype(np.int16)


def chatter_audio(minutes: float, seed: int = 0) -> np.ndarray:
    """Non-wake speech in several voices with pauses, over a quiet noise bed (-50 dBFS)."""
    rng = np.random.default_rng(seed)
    parts: list[np.ndarray] = []
    total = 0
    target = int(minutes * 60 * SAMPLE_RATE)
    while total < target:
        text = CHATTER[int(rng.integers(len(CHATTER)))]
        if rng.random() < 0.3:
            clip = piper(text[0].upper() + text[1:] + ".")
        else:
            voice = ESPEAK_VOICES[int(rng.integers(len(ESPEAK_VOICES)))]
            clip = espeak(text, voice, int(rng.choice([140, 160, 180])))
        gap = silence(float(rng.uniform(0.5, 3.0)))
        parts += [clip, gap]
        total += len(clip) + len(gap)
    audio = np.concatenate(parts)[:target]
    block = 60 * SAMPLE_RATE  # a minute at a time: two hours in float64 would be gigabytes
    for start in range(0, len(audio), block):
        part = audio[start : start + block].astype(np.float64) + noise(
            len(audio[start : start + block]), -50.0, rng
        )
        audio[start : start + block] = np.clip(part, -32768, 32767).astype(np.int16)
    return audio


# -- measurements ----------------------------------------------------------------------------------


def fresh_runtime(config: Config) -> Runtime:
    runtime = build_runtime(config, temporary=True)
    runtime.conversation.warm_up()
    return runtime


def idle_cpu(config: Config, engine: FasterWhisperEngine, audio: np.ndarray) -> dict[str, Any]:
    runtime = fresh_runtime(config)
    pipeline = build_voice(
        runtime, VoiceModels(engine, SileroVad(), home_hint(runtime.backend.home()))
    )
    wakes: list[Event] = []
    runtime.bus.subscribe(wakes.append, [WakeDetected.type])
    sim = pipeline.simulate()
    started = time.process_time()
    sim.feed(audio)
    cpu = time.process_time() - started
    pipeline.close()
    runtime.close()
    audio_s = len(audio) / SAMPLE_RATE
    return {
        "audio_s": round(audio_s, 1),
        "cpu_pct": round(100 * cpu / audio_s, 2),
        "wakes": len(wakes),
    }


def live_latency(
    config: Config, engine: FasterWhisperEngine, utterances: int
) -> tuple[list[float], int, list[dict[str, Any]]]:
    """Wake word + command through the live pipeline; latency from the true end of speech."""
    latencies: list[float] = []
    correct = 0
    details: list[dict[str, Any]] = []
    runtime = fresh_runtime(config)
    pipeline = build_voice(
        runtime, VoiceModels(engine, SileroVad(), home_hint(runtime.backend.home()))
    )
    timings: list[UtteranceTimings] = []
    changed: list[str] = []
    runtime.bus.subscribe(lambda e: timings.append(e), [UtteranceTimings.type])  # type: ignore[arg-type]
    runtime.bus.subscribe(
        lambda e: (
            changed.extend(a["device"] for a in e.actions)  # type: ignore[attr-defined]
            if isinstance(e, ActionsExecuted) and not e.pending
            else None
        ),
        [ActionsExecuted.type],
    )
    sim = pipeline.simulate()
    sim.silence(1.0)
    for index in range(utterances):
        text, device = COMMANDS[index % len(COMMANDS)]
        scale = (1.0, 0.9, 1.1)[(index // len(COMMANDS)) % 3]
        timings.clear()
        changed.clear()
        sim.feed(piper("Okay Nabu.", scale))
        sim.silence(0.3)
        sim.feed(piper(text, scale))
        speech_end = sim.audio_s
        sim.silence(2.5)
        ok = device in changed
        correct += ok
        if timings and ok:
            latencies.append(1000.0 * (timings[-1].action_s - speech_end))
        details.append(
            {
                "text": text,
                "ok": ok,
                "latency_ms": round(latencies[-1], 1) if timings and ok else None,
                "early": timings[-1].early if timings else None,
            }
        )
        print(f"\r  live {index + 1}/{utterances}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    pipeline.close()
    runtime.close()
    return latencies, correct, details


def reference_latency(config: Config, utterances: int) -> tuple[list[float], int]:
    """VAD with a fixed 0.7 s silence, then stock tiny.en int8, then intent + action."""
    engine = FasterWhisperEngine(WhisperOptions(full_window=True, use_hint=False, workers=1))
    engine.load()
    vad = SileroVad()
    latencies: list[float] = []
    correct = 0
    runtime = fresh_runtime(config)
    for index in range(utterances):
        text, device = COMMANDS[index % len(COMMANDS)]
        scale = (1.0, 0.9, 1.1)[(index // len(COMMANDS)) % 3]
        speech = piper(text, scale)
        audio = np.concatenate([silence(0.3), speech, silence(1.5)])
        speech_end_s = (len(speech) + int(0.3 * SAMPLE_RATE)) / SAMPLE_RATE
        result = transcribe_audio(audio, engine, VadConfig(silence_s=0.7), vad=vad)
        started = time.perf_counter()
        turn = runtime.conversation.handle(result.text)
        act_ms = 1000.0 * (time.perf_counter() - started)
        ok = any(r.after.id == device for r in turn.executed)
        correct += ok
        if ok and result.endpoint_s is not None:
            waited_ms = 1000.0 * (result.endpoint_s - speech_end_s)
            latencies.append(waited_ms + result.timings_ms["asr"] + act_ms)
        runtime.conversation.state.clear_undo()
        print(f"\r  reference {index + 1}/{utterances}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    runtime.close()
    return latencies, correct


def wakes_in(audio: np.ndarray, config: Config, verifier: WakeVerifier | None) -> tuple[int, int]:
    """(detections, of which the speech model kept) as the live pipeline hears ``audio``."""
    detector = load_wake_word(config.wake)
    fired = kept = 0
    for start in range(0, len(audio), 320):
        if detector.process(audio[start : start + 320]) is not None:
            fired += 1
            heard = audio[max(0, start + 320 - int(2 * SAMPLE_RATE)) : start + 320]
            kept += verifier is None or verifier.check(heard).accepted
    return fired, kept


def false_wakes(config: Config, audio: np.ndarray, verifier: WakeVerifier | None) -> dict[str, Any]:
    fired, kept = wakes_in(audio, config, verifier)
    hours = len(audio) / SAMPLE_RATE / 3600
    return {
        "audio_min": round(hours * 60, 1),
        "detector_fired": fired,
        "false_wakes": kept,
        "per_hour": round(kept / hours, 2),
    }


def missed_wakes(config: Config, snr_db: float, verifier: WakeVerifier | None) -> dict[str, Any]:
    rng = np.random.default_rng(7)
    clips: list[tuple[str, np.ndarray]] = []
    for voice in ESPEAK_VOICES:
        for speed in (130, 160, 190):
            clips.append((f"espeak {voice} {speed}", espeak("okay nabu", voice, speed)))
    for scale in (0.9, 1.0, 1.1):
        clips.append((f"piper joe {scale}", piper("Okay Nabu.", scale)))
    results: dict[str, list[bool]] = {}
    detected = 0
    for name, clip in clips:
        for _ in range(3):
            audio = with_snr(np.concatenate([silence(1.5), clip, silence(1.0)]), snr_db, rng)
            fired, kept = wakes_in(audio, config, verifier)
            detected += fired > 0
            results.setdefault(name.split()[0], []).append(kept > 0)
    total = [h for hs in results.values() for h in hs]
    return {
        "snr_db": snr_db,
        "trials": len(total),
        "missed_by_detector_pct": round(100 * (1 - detected / len(total)), 1),
        "missed_pct": round(100 * (1 - sum(total) / len(total)), 1),
        "missed_pct_by_voice": {
            k: round(100 * (1 - sum(v) / len(v)), 1) for k, v in results.items()
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--utterances", type=int, default=100)
    parser.add_argument("--false-minutes", type=float, default=120.0)
    parser.add_argument("--idle-minutes", type=float, default=3.0)
    parser.add_argument("--out", default=str(RESULTS / "live.json"))
    args = parser.parse_args(argv)
    config = Config()
    engine = FasterWhisperEngine()
    engine.load()

    print("synthesizing chatter ...", file=sys.stderr)
    chatter = chatter_audio(args.false_minutes)
    print("idle CPU ...", file=sys.stderr)
    idle = idle_cpu(config, engine, chatter[: int(args.idle_minutes * 60 * SAMPLE_RATE)])
    verifier = wake_verifier(
        engine, config.wake, wake_word_spec(config.wake.engine, config.wake.word).phrase
    )
    print("false wakes ...", file=sys.stderr)
    false = false_wakes(config, chatter, verifier)
    print("missed wakes ...", file=sys.stderr)
    missed = missed_wakes(config, 10.0, verifier)
    print("latency (live pipeline) ...", file=sys.stderr)
    live, live_ok, details = live_latency(config, engine, args.utterances)
    print("latency (reference) ...", file=sys.stderr)
    ref, ref_ok = reference_latency(config, args.utterances)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def stats(values: list[float]) -> dict[str, float]:
        if not values:
            return {"p50": float("nan"), "p95": float("nan"), "mean": float("nan")}
        return {
            "p50": round(percentile(values, 50), 1),
            "p95": round(percentile(values, 95), 1),
            "mean": round(statistics.fmean(values), 1),
        }

    live_stats, ref_stats = stats(live), stats(ref)
    early = sum(1 for d in details if d["early"])
    report = {
        "machine": {"cores": os.cpu_count(), "platform": platform.platform()},
        "idle_cpu": idle,
        "latency_ms": {
            "live": {**live_stats, "n": len(live), "correct": live_ok, "early": early},
            "reference": {**ref_stats, "n": len(ref), "correct": ref_ok},
            "speedup_p50": round(ref_stats["p50"] / live_stats["p50"], 2) if live else None,
            "speedup_p95": round(ref_stats["p95"] / live_stats["p95"], 2) if live else None,
        },
        "false_wakes": false,
        "missed_wakes": missed,
        "peak_rss_mb": round(peak_rss_mb, 1),
        "utterances": details,
    }
    rows = [
        ("Idle CPU (waiting for wake word)", f"{idle['cpu_pct']:.2f}% of one core", "≤ 3%"),
        (
            "End of speech → action, p50 / p95",
            f"{live_stats['p50']:.0f} / {live_stats['p95']:.0f} ms",
            "p95 ≤ 200 ms",
        ),
        (
            "Reference (0.7 s silence + tiny.en + hassil)",
            f"{ref_stats['p50']:.0f} / {ref_stats['p95']:.0f} ms",
            "",
        ),
        (
            "Speed-up vs reference, p50 / p95",
            f"{report['latency_ms']['speedup_p50']}× / {report['latency_ms']['speedup_p95']}×",
            "≥ 3×",
        ),
        (
            "Commands carried out (live / reference)",
            f"{live_ok}/{args.utterances} ({early} early) / {ref_ok}/{args.utterances}",
            "",
        ),
        (
            f"False wakes ({false['audio_min']:.0f} min chatter + noise)",
            (
                f"{false['false_wakes']} ({false['per_hour']}/h; detector alone "
                f"{false['detector_fired']})"
            ),
            "≤ 0.5/h",
        ),
        (
            "Missed wakes at 10 dB SNR",
            f"{missed['missed_pct']}% of {missed['trials']} (detector alone "
            f"{missed['missed_by_detector_pct']}%) "
            + ", ".join(f"{k} {v}%" for k, v in missed["missed_pct_by_voice"].items()),
            "≤ 5%",
        ),
        ("Peak RSS", f"{peak_rss_mb:.0f} MB", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\nLive pipeline on {os.cpu_count()} cores ({platform.machine()})")
    print(f"{'Measure':<{width}}  {'Result':<44}  Target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<44}  {target}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
