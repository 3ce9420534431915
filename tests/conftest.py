"""Shared fixtures: one compiled intent engine per session, a fresh demo home per test, and
espeak voices replayed from the committed recordings (tests/speech_clips.py).

Every test runs with HEARTH_DATA_DIR, HEARTH_CONFIG and HEARTH_CACHE_DIR pointing into its own
temporary folder, so no test can read or write the user's real settings, state or models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant import storage
from assistant.config import CACHE_ENV, CONFIG_ENV, DATA_ENV, ConversationConfig
from assistant.conversation import Conversation
from assistant.events import Event, EventBus
from assistant.home.loader import load_home
from assistant.home.model import Home
from assistant.home.simulated import SimulatedBackend
from assistant.session import SessionStore
from bench.voices import use_espeak
from intents.engine import IntentEngine
from tests import speech_clips

# Every test runs under the socket audit: reaching a non-loopback address fails the test.
pytest_plugins = ["tests.socket_audit"]

# Every espeak voice in the suite is a committed recording: the same audio on every OS image.
use_espeak(speech_clips.samples)

# A fixed "now" for time and date answers: Tuesday, 5 March 2024, 14:30.
FIXED_NOW = dt.datetime(2024, 3, 5, 14, 30)


@pytest.fixture(autouse=True)
def fresh_notices() -> Iterator[None]:
    """Each test starts with no data-folder notice said yet (they are said once per process)."""
    storage.notices.reset()
    yield
    storage.notices.reset()


@pytest.fixture(autouse=True)
def isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point every Hearth directory at a fresh temporary folder for this test."""
    root = tmp_path_factory.mktemp("hearth-user")
    monkeypatch.setenv(DATA_ENV, str(root / "data"))
    monkeypatch.setenv(CACHE_ENV, str(root / "cache"))
    monkeypatch.setenv(CONFIG_ENV, str(root / "config" / "config.toml"))
    return root


@dataclass
class Clock:
    """A wall clock the test moves by hand (for confirmation and undo timeouts)."""

    now: float = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Recorder:
    """Collects every event published on a bus."""

    events: list[Event] = field(default_factory=list)

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def of(self, kind: type[Event]) -> list[Event]:
        return [e for e in self.events if isinstance(e, kind)]


@pytest.fixture(scope="session")
def engine() -> IntentEngine:
    """Compiling the templates is the slow part: once per session."""
    return IntentEngine("en")


@pytest.fixture(scope="session")
def demo_home() -> Home:
    return load_home()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
def recorder(bus: EventBus) -> Recorder:
    recorder = Recorder()
    bus.subscribe(recorder)
    return recorder


@pytest.fixture
def backend(demo_home: Home, tmp_path: Path, bus: EventBus) -> Iterator[SimulatedBackend]:
    simulated = SimulatedBackend(demo_home, tmp_path / "home.sqlite3", bus)
    yield simulated
    simulated.close()


ConversationFactory = Callable[..., Conversation]


@pytest.fixture
def make_conversation(
    backend: SimulatedBackend, engine: IntentEngine, bus: EventBus, clock: Clock
) -> Iterator[ConversationFactory]:
    """Build a Conversation over this test's home; ``this_room`` and ``config`` may be given."""
    stores: list[SessionStore] = []

    def make(
        this_room: str | None = None,
        config: ConversationConfig | None = None,
        now: dt.datetime = FIXED_NOW,
    ) -> Conversation:
        store = SessionStore(None)
        stores.append(store)
        return Conversation(
            backend,
            engine,
            config=config,
            this_room=this_room,
            bus=bus,
            store=store,
            clock=clock,
            now=lambda: now,
        )

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def conversation(make_conversation: ConversationFactory) -> Conversation:
    return make_conversation()
