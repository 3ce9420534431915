"""An accelerated soak: hours of mixed typed and spoken use, run back to back in one process.

A long-running assistant must not grow: every turn goes through the same conversation, home
database, session store and history log the app uses, and the process's resident memory (RSS)
and each turn's time are sampled as the represented hours pass. Nothing is asserted; the table
and the JSON (bench/results/soak.md, soak.json) are for a person to read — a flat RSS column is
what a healthy run looks like.

Time is simulated: the conversation's and the history's clock advance by the time the turns
would take in real use (``--turns-per-hour``), so confirmations, follow-ups and undo expire as
they would; the turns themselves run as fast as the machine allows. Typed turns are episodes a
person would say (commands, questions, "unlock …" then "yes"/"no", "undo", "and the bedroom
too", misspellings, things Hearth cannot do). Every ``--voice-every``-th episode starts with a
spoken command instead: an espeak-ng recording decoded by the configured speech engine through
the same VAD and transcription path as ``hearth listen --wav``.

    python -m bench.soak                       # 8 represented hours, 250 turns an hour
    python -m bench.soak --hours 1 --voice-every 0
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import resource
import shutil
import sys
import tempfile
import time
import traceback
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.base import SAMPLE_RATE
from assistant.config import Config, HistoryConfig, SpeechConfig, VadConfig
from assistant.events import new_turn_id
from assistant.history import History
from assistant.runtime import Runtime, build_runtime, load_voice_models

RESULTS = Path(__file__).parent / "results"

#: What people say, in the episodes they say it in (a follow-up right after its command).
EPISODES: tuple[tuple[str, ...], ...] = (
    ("turn on the kitchen lights",),
    ("turn off the kitchen lights",),
    ("turn on the kitchen lights", "and the bedroom too"),
    ("turn on the bedroom lights", "turn them off"),
    ("set the floor lamp to 40%", "a bit brighter"),
    ("dim the floor lamp",),
    ("brighten the floor lamp by 10%",),
    ("turn the floor lamp blue", "make it warm white"),
    ("set the thermostat to 21 degrees",),
    ("what's the temperature in the living room",),
    ("is the front door locked",),
    ("unlock the front door", "yes"),
    ("lock the front door",),
    ("unlock the back door", "no"),
    ("open the garage door", "yes"),
    ("close the garage door",),
    ("activate movie night", "undo"),
    ("set the floor lamp to 10%", "undo"),
    ("turn on the kettle",),
    ("turn off the kettle",),
    ("start the vacuum",),
    ("send the vacuum home",),
    ("pause the music",),
    ("louder",),
    ("what time is it",),
    ("what's the date today",),
    ("turn of the kichen lights",),  # misspelled: the fuzzy path
    ("turn on the jacuzzi",),  # a device the home does not have
    ("what's the capital of France",),  # not a command at all
    ("turn on the lights",),  # no room: a question back
)
#: The spoken commands (one recording each, made once per run).
SPOKEN = (
    "turn on the kitchen lights",
    "turn off the kitchen lights",
    "set the floor lamp to fifty percent",
    "is the front door locked",
    "start the vacuum",
    "what time is it",
)
ANSWER_GAP_S = 3.0  # a "yes" or a follow-up comes a few seconds after the question


def rss_mb() -> float:
    """Resident memory now (not the peak): a leak shows as a rising line."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # peak, KiB on Linux


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def files_kb(*paths: Path) -> float:
    total = 0
    for path in paths:
        for part in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if part.exists():
                total += part.stat().st_size
    return total / 1024


@dataclass
class SimClock:
    """The conversation's and history's wall clock, moved by the represented use."""

    now: float = field(default_factory=time.time)

    def __call__(self) -> float:
        return self.now


@dataclass
class Voice:
    """Spoken turns through the same VAD + speech engine path as ``hearth listen --wav``."""

    engine: Any
    vad: Any
    hint: Any
    clips: dict[str, Path]

    def hear(self, text: str) -> tuple[str, float]:
        from assistant.speech.transcribe import transcribe_file

        result = transcribe_file(
            self.clips[text], self.engine, VadConfig(), self.hint, vad=self.vad
        )
        return result.text, float(result.timings_ms.get("asr", 0.0))


def make_voice(folder: Path, runtime: Runtime) -> Voice:
    """Record the spoken commands with espeak-ng and load the speech engine once."""
    from assistant.tts import EspeakSynthesizer

    synthesizer = EspeakSynthesizer("en-us")
    clips: dict[str, Path] = {}
    silence = np.zeros(int(0.3 * SAMPLE_RATE), np.int16)
    tail = np.zeros(int(1.5 * SAMPLE_RATE), np.int16)
    for index, text in enumerate(SPOKEN):
        audio = np.concatenate([silence, synthesizer.synthesize(text), tail])
        path = folder / f"spoken-{index}.wav"
        with wave.open(str(path), "wb") as writer:
            writer.setnchannels(1)
            writer.setsampwidth(2)
            writer.setframerate(SAMPLE_RATE)
            writer.writeframes(audio.astype("<i2").tobytes())
        clips[text] = path
    models = load_voice_models(runtime)
    return Voice(models.engine, models.vad, models.hint, clips)


@dataclass
class Sample:
    turn: int
    hours: float
    rss_mb: float
    text_p50_ms: float
    text_p95_ms: float
    voice_p50_ms: float
    voice_p95_ms: float
    state_kb: float
    errors: int

    def row(self) -> str:
        def ms(value: float) -> str:
            return "-" if math.isnan(value) else f"{value:.1f}"  # NaN: no turn of that kind

        return (
            f"| {self.turn:>6} | {self.hours:>5.2f} | {self.rss_mb:>7.1f} | "
            f"{ms(self.text_p50_ms):>8} | {ms(self.text_p95_ms):>8} | "
            f"{ms(self.voice_p50_ms):>8} | {ms(self.voice_p95_ms):>8} | "
            f"{self.state_kb:>8.0f} | {self.errors:>6} |"
        )


HEADER = (
    "|   turn | hours | RSS MB | text p50 | text p95 | voice p50 | voice p95 | state KB | errors |\n"
    "|-------:|------:|-------:|---------:|---------:|----------:|----------:|---------:|-------:|"
)


def run(
    hours: float,
    turns_per_hour: float,
    voice_every: int,
    samples: int,
    seed: int,
    max_minutes: float | None,
    progress: Callable[[str], None],
) -> dict[str, Any]:
    rng = random.Random(seed)
    total_turns = max(1, round(hours * turns_per_hour))
    gap_s = 3600.0 / turns_per_hour
    folder = Path(tempfile.mkdtemp(prefix="hearth-soak-"))
    clock = SimClock()
    runtime = build_runtime(Config(), temporary=False, data=folder, clock=clock)
    history = History(folder / "history.sqlite3", HistoryConfig(), clock=clock)
    history.attach(runtime.bus)
    conversation = runtime.conversation
    conversation.warm_up()
    voice = make_voice(folder, runtime) if voice_every > 0 else None
    state_files = [folder / "home.sqlite3", folder / "session.sqlite3", folder / "history.sqlite3"]

    every = max(1, total_turns // max(1, samples))
    text_ms: list[float] = []
    voice_ms: list[float] = []
    errors: list[str] = []
    rows: list[Sample] = []
    started = time.perf_counter()
    baseline = rss_mb()
    turn = 0
    episode_index = 0
    voice_turns = voice_understood = 0
    stopped_early = False

    def sample() -> None:
        rows.append(
            Sample(
                turn=turn,
                hours=(clock.now - start_clock) / 3600,
                rss_mb=rss_mb(),
                text_p50_ms=percentile(text_ms, 50),
                text_p95_ms=percentile(text_ms, 95),
                voice_p50_ms=percentile(voice_ms, 50),
                voice_p95_ms=percentile(voice_ms, 95),
                state_kb=files_kb(*state_files),
                errors=len(errors),
            )
        )
        text_ms.clear()
        voice_ms.clear()
        progress(rows[-1].row())

    start_clock = clock.now
    progress(HEADER)
    sample()
    while turn < total_turns:
        episode = EPISODES[rng.randrange(len(EPISODES))]
        spoken = voice is not None and voice_every > 0 and episode_index % voice_every == 0
        episode_index += 1
        for position, text in enumerate(episode):
            if turn >= total_turns:
                break
            is_voice = spoken and position == 0
            if is_voice:
                text = SPOKEN[rng.randrange(len(SPOKEN))]
            began = time.perf_counter()
            try:
                if is_voice:
                    assert voice is not None
                    heard, asr_ms = voice.hear(text)
                    voice_turns += 1
                    with runtime.bus.turn(new_turn_id("u")):
                        understood = conversation.handle(heard, asr_ms=asr_ms).intent is not None
                    voice_understood += understood
                else:
                    runtime.handle(text)
            except Exception as err:  # noqa: BLE001 - a soak reports failures, never stops on them
                errors.append(f"turn {turn} {text!r}: {type(err).__name__}: {err}")
                if len(errors) <= 3:
                    traceback.print_exc(file=sys.stderr)
            (voice_ms if is_voice else text_ms).append((time.perf_counter() - began) * 1000)
            turn += 1
            clock.now += ANSWER_GAP_S if position < len(episode) - 1 else 0.0
            if turn % every == 0 or turn == total_turns:
                sample()
        clock.now += rng.expovariate(1 / gap_s) * len(episode)  # people are irregular
        if max_minutes is not None and time.perf_counter() - started > max_minutes * 60:
            stopped_early = True
            if rows[-1].turn != turn:
                sample()
            break

    wall_s = time.perf_counter() - started
    history_rows = history.count()
    history.close()
    runtime.close()
    shutil.rmtree(folder, ignore_errors=True)
    rss = [r.rss_mb for r in rows]
    settled = rows[len(rows) // 4 :] or rows  # after the first quarter: caches are warm
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "settings": {
            "hours": hours,
            "turns_per_hour": turns_per_hour,
            "voice_every": voice_every,
            "seed": seed,
            "speech_engine": SpeechConfig().engine if voice is not None else None,
        },
        "turns": turn,
        "voice_turns": voice_turns,
        "voice_understood": voice_understood,
        "represented_hours": round((clock.now - start_clock) / 3600, 2),
        "stopped_early": stopped_early,
        "wall_s": round(wall_s, 1),
        "rss_mb": {
            "before_first_turn": round(baseline, 1),
            "first_sample": round(rss[0], 1),
            "max": round(max(rss), 1),
            "last": round(rss[-1], 1),
            "settled_growth": round(settled[-1].rss_mb - settled[0].rss_mb, 1),
        },
        "history_rows": history_rows,
        "errors": errors,
        "samples": [vars(r) for r in rows],
    }


def chart(rows: Sequence[dict[str, Any]], width: int = 48) -> str:
    """RSS over represented time as a text chart from 0 MB (one line per sample)."""
    high = max(max(r["rss_mb"] for r in rows), 1.0)
    lines = []
    for r in rows:
        bar = "#" * max(1, round(r["rss_mb"] / high * width))
        lines.append(f"{r['hours']:5.2f} h {r['rss_mb']:7.1f} MB {bar}")
    return "\n".join(lines)


def table(report: dict[str, Any]) -> str:
    rss = report["rss_mb"]
    lines = [
        (
            f"Soak: {report['turns']} turns ({report['voice_turns']} spoken, "
            f"{report['voice_understood']} of them understood) over "
            f"{report['represented_hours']} represented hours in {report['wall_s']} s "
            f"on {report['machine']['cpus']} CPUs (speech engine "
            f"{report['settings']['speech_engine']})"
        ),
        "",
        HEADER,
        *[Sample(**s).row() for s in report["samples"]],
        "",
        (
            f"RSS: {rss['first_sample']} MB at the start, {rss['last']} MB at the end, "
            f"max {rss['max']} MB; growth after the first quarter {rss['settled_growth']} MB"
        ),
        f"history rows: {report['history_rows']}; turns that raised: {len(report['errors'])}",
        "",
        "RSS over represented time:",
        "```",
        chart(report["samples"]),
        "```",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--hours", type=float, default=8.0, help="represented hours of use")
    parser.add_argument("--turns-per-hour", type=float, default=250.0)
    parser.add_argument(
        "--voice-every", type=int, default=10, help="every Nth episode is spoken (0: none)"
    )
    parser.add_argument("--samples", type=int, default=32, help="rows in the table")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--max-minutes", type=float, default=None, help="stop early after this")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    numbers = (args.hours, args.turns_per_hour, args.samples)
    if not all(math.isfinite(n) and n > 0 for n in numbers) or args.voice_every < 0:
        parser.error("--hours, --turns-per-hour and --samples must be positive and finite")
    report = run(
        args.hours,
        args.turns_per_hour,
        args.voice_every,
        args.samples,
        args.seed,
        args.max_minutes,
        lambda line: print(line, file=sys.stderr, flush=True),
    )
    text = table(report)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "soak.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (args.out / "soak.md").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
