"""Wires the engine together from a Config: home, backend, intent engine, conversation, bus.

Front ends (CLI, GUI, voice pipeline) build one Runtime and share it, so there is exactly one
place that decides where state lives and which home is loaded.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from assistant import config as config_module
from assistant.config import Config, ConfigError
from assistant.conversation import Conversation, Fallback
from assistant.events import EventBus
from assistant.home.backend import Backend, BackendError
from assistant.home.loader import load_home
from assistant.home.registry import BackendPlace, backend_spec
from assistant.session import SessionStore
from intents.engine import IntentEngine

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

    def close(self) -> None:
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
) -> Runtime:
    """Build the engine; ``home_file`` given on the command line means a fresh temporary home."""
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
    else:
        data = config_module.data_dir()
        backend = spec.open(BackendPlace(home, data, bus, config))
        store = SessionStore(data / "session.sqlite3")
    room = this_room if this_room is not None else (config.home.this_room or None)
    if room and home.find_area(room) is None:
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
