"""The one composition root: config → home backend → conversation → voice pipeline.

Front ends (CLI, GUI, benches) build one Runtime and share it, so there is exactly one place that
decides where state lives and which home is loaded; :func:`build_voice` puts the live voice
pipeline on top of it (speech engine, VAD, wake word and its verifier, replies), so what
``hearth listen`` does is what the window and the benches do. The voice modules are imported
only when a pipeline is built: typed commands never load them.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant import config as config_module
from assistant.config import Config, ConfigError
from assistant.conversation import Conversation, Fallback, TurnResult
from assistant.events import Event, EventBus, TimerFinished, new_turn_id
from assistant.home.backend import Backend, BackendError
from assistant.home.commands import Action
from assistant.home.loader import load_home
from assistant.home.registry import BackendPlace, backend_spec
from assistant.planning.services import Services
from assistant.session import SessionStore
from assistant.timers import Timer, TimerWatcher
from intents.engine import IntentEngine

if TYPE_CHECKING:
    from assistant.audio.vad import SpeechDetector
    from assistant.history import History
    from assistant.speech.base import SpeechEngine, VocabularyHint
    from assistant.tts import AudioSink
    from assistant.voice.options import PipelineOptions
    from assistant.voice.runner import Pipeline

_ENGINES: dict[str, IntentEngine] = {}


def intent_engine(language: str = "en") -> IntentEngine:
    """One compiled intent engine per language per process (compiling is the slow part)."""
    if language not in _ENGINES:
        _ENGINES[language] = IntentEngine(language)
    return _ENGINES[language]


@dataclass
class Runtime:
    config: Config
    backend: Backend
    conversation: Conversation
    bus: EventBus
    engine: IntentEngine
    _cleanup: list[Path] = field(default_factory=list)
    _watcher: TimerWatcher | None = None
    _bell: Callable[[], None] | None = None  # unsubscribes the current timer bell

    @property
    def services(self) -> Services:
        return self.conversation.services

    def start_timers(self) -> TimerWatcher:
        """Ring finished timers while this front end runs (the window, the shell, ``listen``).

        Each rings once, whichever process sees it first: ``TimerFinished`` on the bus (the
        window notifies, the voice chimes and says it), and a delayed command ("turn off the
        lights in 10 minutes") is carried out then as a turn of its own, asking first if it
        would unlock or open anything, like any other turn.
        """
        if self._watcher is None:
            self._watcher = TimerWatcher(self.services.timers, self._ring)
            self._watcher.start()
        return self._watcher

    def ring_on(self, bell: Callable[[Event], None]) -> None:
        """Ring finished timers with ``bell`` (the voice's speaker), instead of any earlier one:
        a voice pipeline rebuilt on the same runtime must not ring every timer twice."""
        if self._bell is not None:
            self._bell()
        self._bell = self.bus.subscribe(bell)

    def _ring(self, timer: Timer) -> None:
        self.bus.publish(TimerFinished(timer.id, timer.finished_message(), timer.command))
        if timer.command:
            self.handle(timer.command)

    def handle(self, text: str) -> TurnResult:
        """A typed turn: a new turn id on every event it publishes (history, window, CLI)."""
        with self.bus.turn(new_turn_id("t")):
            return self.conversation.handle(text)

    def run_actions(self, actions: Sequence[Action], confirmed: bool = False) -> TurnResult:
        """A clicked turn (a device card), with its own turn id like a typed one."""
        with self.bus.turn(new_turn_id("t")):
            return self.conversation.run_actions(actions, confirmed=confirmed)

    def close(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
        self.services.close()
        close_fallback = getattr(self.conversation.fallback, "close", None)
        if close_fallback is not None:
            close_fallback()
        self.backend.close()
        self.conversation.store.close()
        for path in self._cleanup:
            shutil.rmtree(path, ignore_errors=True)


def build_runtime(
    config: Config,
    home_file: str | Path | None = None,
    this_room: str | None = None,
    temporary: bool | None = None,
    *,
    data: Path | None = None,
    clock: Callable[[], float] = time.time,
) -> Runtime:
    """Build the engine; ``home_file`` given on the command line means a fresh temporary home.

    ``data`` keeps the home and the session somewhere other than the user's data folder, and
    ``clock`` is the conversation's wall clock (a soak test moves it by hours in seconds)."""
    spec = backend_spec(config.home.backend)
    file = home_file or config.home.home_file or None
    home = load_home(file)
    temporary = bool(home_file) if temporary is None else temporary
    bus = EventBus()
    cleanup: list[Path] = []
    if temporary:
        folder = Path(tempfile.mkdtemp(prefix="hearth-home-"))
        cleanup.append(folder)
        backend = spec.open(BackendPlace(home, folder, bus, config))
        store = SessionStore(None)
        services = Services()
    else:
        data = data or config_module.data_dir()
        backend = spec.open(BackendPlace(home, data, bus, config))
        store = SessionStore(data / "session.sqlite3")
        services = Services.in_folder(data)
    room = this_room if this_room is not None else (config.home.this_room or None)
    if room and backend.home().find_area(room) is None:  # the backend's home: a server's rooms
        backend.close()
        raise BackendError(f"'this room' is set to {room!r}, but the home has no such area")
    try:
        fallback = cloud_fallback(config, bus)
    except ConfigError:
        backend.close()
        raise
    conversation = Conversation(
        backend,
        intent_engine(config.speech.language),
        config=config.conversation,
        this_room=room,
        bus=bus,
        store=store,
        fallback=fallback,
        clock=clock,
        services=services,
    )
    return Runtime(config, backend, conversation, bus, conversation.engine, cleanup)


def cloud_fallback(config: Config, bus: EventBus) -> Fallback | None:
    """Cloud help, only when the user turned it on: with it off, no cloud code is even imported."""
    if not config.cloud.enabled:
        return None
    try:
        from assistant import api_key, cloud, egress
    except ImportError as err:
        raise ConfigError(
            f"cloud help is on, but {err.name or 'a package'} is missing: "
            "pip install 'hearth[cloud]' (or turn it off: hearth config set cloud.enabled false)"
        ) from None
    key = api_key.default_store(config_module.config_path()).get().value
    log = egress.open_log(config_module.data_dir())
    return cloud.from_config(config.cloud, log, key, bus)


@dataclass(frozen=True)
class VoiceModels:
    """What a voice pipeline is built from, loaded once (models take a second or two)."""

    engine: SpeechEngine
    vad: SpeechDetector
    hint: VocabularyHint


def load_voice_models(runtime: Runtime) -> VoiceModels:
    """The configured speech engine (loaded), Silero VAD and this home's vocabulary hint."""
    from assistant.audio.vad import SileroVad
    from assistant.speech import get_engine
    from assistant.speech.hint import home_hint

    speech = runtime.config.speech
    engine = get_engine(speech.engine, speech)
    engine.load()
    runtime.conversation.warm_up()
    return VoiceModels(engine, SileroVad(), home_hint(runtime.backend.home()))


def build_voice(
    runtime: Runtime,
    models: VoiceModels | None = None,
    sink: AudioSink | None = None,
    history: History | None = None,
    options: PipelineOptions | None = None,
) -> Pipeline:
    """The live pipeline for a runtime: wake word (checked by the speech model when
    ``wake.verify`` is on), VAD, speech engine and, with a sink, spoken replies; the history
    keeps each command's audio when ``history.store_audio`` allows it."""
    from assistant.audio.wake import load_wake_word
    from assistant.speech.wake_check import wake_verifier
    from assistant.tts import build_speaker, timer_bell
    from assistant.voice.options import PipelineOptions
    from assistant.voice.runner import Pipeline

    config = runtime.config
    models = models or load_voice_models(runtime)
    store_audio = history is not None and config.history.store_audio
    wake = load_wake_word(config.wake)
    speaker = build_speaker(config.tts, sink)
    if speaker is not None:
        runtime.ring_on(timer_bell(speaker))  # finished timers ring on this speaker
    return Pipeline(
        runtime.conversation,
        runtime.bus,
        models.engine,
        models.vad,
        wake,
        options or PipelineOptions.from_config(config),
        hint=models.hint,
        speaker=speaker,
        utterance_audio=history.add_audio if store_audio and history is not None else None,
        wake_verifier=wake_verifier(models.engine, config.wake, wake.spec.phrase),
    )
