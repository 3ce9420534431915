"""How fast, and how well, each installed speech engine understands commands on this machine.

The first-run check asks this once so that a slow laptop is not left on an engine that makes
every command wait, and a fast one keeps the most accurate engine. It speaks a few commands
for the demo home with the project's own voice (piper, or espeak-ng where piper is missing),
runs each installed engine on them exactly as a spoken command runs (VAD and end-pointing cut,
the home's vocabulary hint, then the conversation on a throw-away copy of the demo home), and
times the part a person waits for once they stop speaking: decoding plus understanding and
acting. "Understood" means the words led to the same actions as the typed sentence does.

Qt-free so it can be unit-tested and run from anywhere; the first-run dialog runs it on a worker
thread, reports progress through a callback and stops it with a ``threading.Event``.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.audio.base import SAMPLE_RATE
from assistant.audio.vad import SileroVad
from assistant.config import SpeechConfig, TtsConfig, VadConfig
from assistant.conversation import Conversation
from assistant.home.loader import load_home
from assistant.home.model import Home
from assistant.home.simulated import SimulatedBackend
from assistant.runtime import intent_engine
from assistant.session import SessionStore
from assistant.speech import SpeechError, get_engine
from assistant.speech.base import SpeechEngine, VocabularyHint
from assistant.speech.hint import home_hint
from assistant.speech.registry import SpeechEngineSpec, speed_checked
from assistant.speech.transcribe import transcribe_audio
from assistant.tts import Synthesizer, TtsError, load_synthesizer
from intents.engine import IntentEngine
from models.store import ModelStore

#: Short demo-home commands every engine's vocabulary hint covers (no confirmation needed).
DEMO_COMMANDS = (
    "turn on the kitchen lights",
    "turn off the desk lamp",
    "set the floor lamp to twenty percent",
)

#: The engines the check tries, the more accurate first (speech/registry.py's speed ranks); a
#: short check of three sentences cannot rank accuracy by itself.
PREFERENCE = tuple(spec.name for spec in speed_checked())

#: Below this per-command time the more accurate engine is recommended over a faster one; above
#: it a person notices the wait, so the fastest engine that understood as much wins.
LATENCY_BUDGET_MS = 600.0

_SILENCE_BEFORE_S = 0.3
_SILENCE_AFTER_S = 1.2  # longer than the end-pointer's 0.7 s, as after a real command
_LEVEL = 0.5  # peak level of the synthesized speech: a person near the microphone, not 0 dBFS
_LOAD_ERRORS = (SpeechError, OSError, RuntimeError, ValueError, ImportError)

#: Builds and loads one engine; tests pass one that hands back an already loaded engine.
EngineLoader = Callable[[str, SpeechConfig], SpeechEngine]


class SpeedCheckError(Exception):
    """The check cannot run at all (no voice to speak the commands); one line for a person."""


class SpeedCheckCancelled(Exception):
    """The caller's cancel event was set; nothing was measured to the end."""


@dataclass(frozen=True)
class Step:
    """One progress report: ``done`` of ``total`` units (synthesized or transcribed commands)."""

    message: str
    done: int
    total: int


@dataclass(frozen=True)
class CommandResult:
    """One spoken command through one engine."""

    text: str
    heard: str
    latency_ms: float  # decoding + understanding and acting, after the end of speech
    understood: bool
    audio_ms: float = 0.0  # how long the spoken clip is (for the real-time factor)


@dataclass(frozen=True)
class EngineResult:
    """Every command through one engine, or why the engine could not run."""

    engine: str
    commands: tuple[CommandResult, ...] = ()
    load_ms: float = 0.0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.commands)

    @property
    def latency_ms(self) -> float:
        """The median per-command time: one slow first call does not speak for the engine."""
        return statistics.median(c.latency_ms for c in self.commands) if self.commands else 0.0

    @property
    def understood(self) -> int:
        return sum(c.understood for c in self.commands)

    def summary(self) -> str:
        """ "faster-whisper: about 180 ms per command, understood 3/3"."""
        if not self.ok:
            return f"{self.engine}: could not run ({self.error or 'nothing measured'})"
        return (
            f"{self.engine}: about {_rounded_ms(self.latency_ms)} ms per command, "
            f"understood {self.understood}/{len(self.commands)}"
        )


@dataclass(frozen=True)
class SpeedReport:
    results: tuple[EngineResult, ...]
    voice: str  # the synthesizer that spoke the commands

    @property
    def recommended(self) -> EngineResult | None:
        return recommend(self.results)


def recommend(results: Sequence[EngineResult]) -> EngineResult | None:
    """The engine to use: understood the most; then the most accurate one that is fast enough.

    Among the engines that understood as many commands as the best one, the first in
    :data:`PREFERENCE` within :data:`LATENCY_BUDGET_MS` wins; when none is that fast, the
    fastest does. Engines that understood nothing are never recommended.
    """
    usable = [r for r in results if r.ok and r.understood > 0]
    if not usable:
        return None
    best = max(r.understood for r in usable)
    top = [r for r in usable if r.understood == best]
    fast = [r for r in top if r.latency_ms <= LATENCY_BUDGET_MS]
    if fast:
        return min(fast, key=lambda r: _rank(r.engine))
    return min(top, key=lambda r: r.latency_ms)


def _rank(engine: str) -> int:
    return PREFERENCE.index(engine) if engine in PREFERENCE else len(PREFERENCE)


def _rounded_ms(ms: float) -> int:
    """10 ms steps above 100 ms: "about 183 ms" claims a precision three commands do not have."""
    return round(ms) if ms < 100 else int(round(ms, -1))


def installed_engines(config: SpeechConfig, store: ModelStore) -> list[str]:
    """The engines that are installed and cheap to load here (seconds, not tens of seconds).

    Only those the registry gives a speed rank: openai-whisper is left out (torch takes several
    seconds and ~400 MB to load, and is never faster than faster-whisper on the same weights).
    """
    if config.language != "en":
        return []

    def model_ready(spec: SpeechEngineSpec) -> bool:
        if config.engine == spec.name and config.model:
            if config.model in store.catalog:
                return store.is_installed(config.model)
            return Path(config.model).exists()
        default = spec.default_model(config.language)
        return default is None or store.is_installed(default)  # None: bundled with the engine

    return [spec.name for spec in speed_checked() if spec.installed() and model_ready(spec)]


def load_engine(name: str, config: SpeechConfig) -> SpeechEngine:
    """The engine as the app builds it: the configured model for the configured engine."""
    model = config.model if name == config.engine else ""
    engine = get_engine(name, SpeechConfig(engine=name, model=model, language=config.language))
    engine.load()
    return engine


def default_synthesizer() -> Synthesizer:
    """Piper's neural voice when installed (engines hear it as a person), else espeak-ng."""
    try:
        return load_synthesizer(TtsConfig(engine="piper"))
    except TtsError as err:
        raise SpeedCheckError(f"no voice to speak the test commands: {err}") from None


def spoken(text: str, synthesizer: Synthesizer) -> np.ndarray:
    """``text`` as a command sounds to the microphone: speech with silence on both sides."""
    try:
        speech = synthesizer.synthesize(text).astype(np.float32)
    except TtsError as err:
        raise SpeedCheckError(str(err)) from None
    peak = float(np.abs(speech).max()) if speech.size else 0.0
    if peak > 0:
        speech *= _LEVEL * 32767 / peak
    before = np.zeros(int(_SILENCE_BEFORE_S * SAMPLE_RATE), np.float32)
    after = np.zeros(int(_SILENCE_AFTER_S * SAMPLE_RATE), np.float32)
    return np.concatenate([before, speech, after]).astype(np.int16)


@dataclass
class _Judge:
    """Runs sentences on fresh copies of the home and compares what they did."""

    home: Home
    intents: IntentEngine
    folder: Path
    turns: int = 0

    def act(self, text: str) -> tuple[tuple[tuple[str, str, str], ...], float]:
        """What ``text`` does on a fresh copy of the home, and how long handling it took (ms).

        A fresh copy per sentence: state never carries over ("turn on" twice, a pending
        question). Only ``handle`` is timed; setting up the copy is not part of a command.
        """
        self.turns += 1
        backend = SimulatedBackend(self.home, self.folder / f"turn{self.turns}.sqlite3")
        store = SessionStore(None)
        try:
            conversation = Conversation(backend, self.intents, store=store)
            started = time.perf_counter()
            result = conversation.handle(text)
            elapsed = 1000 * (time.perf_counter() - started)
        finally:
            backend.close()
            store.close()
        actions = tuple(
            sorted(
                (a.device, str(a.action), repr(sorted(a.params.items())))
                for a in result.requested_actions
            )
        )
        return actions, elapsed


def run_speed_check(
    engines: Sequence[str],
    config: SpeechConfig | None = None,
    *,
    commands: Sequence[str] = DEMO_COMMANDS,
    synthesizer: Synthesizer | None = None,
    loader: EngineLoader = load_engine,
    progress: Callable[[Step], None] | None = None,
    cancel: threading.Event | None = None,
) -> SpeedReport:
    """Speak ``commands`` once, run every engine on them, and say how each did.

    An engine that cannot load is reported with its reason and the others still run. Raises
    :class:`SpeedCheckCancelled` as soon as ``cancel`` is set (checked between steps; a model
    that is loading finishes loading first) and :class:`SpeedCheckError` when no voice exists.
    """
    config = config or SpeechConfig()
    total = len(commands) * (1 + len(engines))
    done = 0

    def step(message: str) -> None:
        if cancel is not None and cancel.is_set():
            raise SpeedCheckCancelled("the speed check was cancelled")
        if progress is not None:
            progress(Step(message, done, total))

    step("Preparing the test commands…")
    voice = synthesizer or default_synthesizer()
    clips = []
    for text in commands:
        clips.append(spoken(text, voice))
        done += 1
        step("Preparing the test commands…")
    home = load_home(None)
    hint = home_hint(home)
    vad = SileroVad()
    results = []
    with tempfile.TemporaryDirectory(prefix="hearth-speed-") as folder:
        judge = _Judge(home, intent_engine("en"), Path(folder))
        expected = [judge.act(text)[0] for text in commands]
        for name in engines:
            step(f"Loading {name}…")
            started = time.perf_counter()
            try:
                engine = loader(name, config)
                load_ms = 1000 * (time.perf_counter() - started)
                # The first decode pays one-time costs (buffers, the grammar compiled from the
                # hint) that no later command pays; it is not what a person waits for each time.
                engine.transcribe(clips[0], hint)
            except _LOAD_ERRORS as err:
                results.append(EngineResult(name, error=_one_line(err)))
                done += len(commands)
                continue
            measured = []
            for text, clip, wanted in zip(commands, clips, expected, strict=True):
                step(f"{name}: command {len(measured) + 1} of {len(commands)}…")
                measured.append(_measure(text, clip, wanted, engine, hint, vad, judge))
                done += 1
            results.append(EngineResult(name, tuple(measured), load_ms))
    step("Done")
    return SpeedReport(tuple(results), voice.name)


def _measure(
    text: str,
    clip: np.ndarray,
    wanted: tuple[tuple[str, str, str], ...],
    engine: SpeechEngine,
    hint: VocabularyHint,
    vad: SileroVad,
    judge: _Judge,
) -> CommandResult:
    utterance = transcribe_audio(clip, engine, VadConfig(), hint, vad=vad)
    got, act_ms = judge.act(utterance.text)
    latency = utterance.timings_ms.get("asr", 0.0) + act_ms
    return CommandResult(
        text,
        utterance.text.strip(),
        latency,
        bool(wanted) and got == wanted,
        audio_ms=1000 * len(clip) / SAMPLE_RATE,
    )


def _one_line(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


__all__ = [
    "DEMO_COMMANDS",
    "CommandResult",
    "EngineResult",
    "SpeedCheckCancelled",
    "SpeedCheckError",
    "SpeedReport",
    "Step",
    "installed_engines",
    "load_engine",
    "recommend",
    "run_speed_check",
]
