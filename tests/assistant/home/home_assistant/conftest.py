"""A fake Home Assistant on 127.0.0.1 holding the demo home, and Hearth's backend connected to it.

The fake lives in bench/ (the benchmark drives it too; bench never imports tests). Timeouts and
backoff are short so the failure cases (slow calls, drops, a stopped server) finish quickly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from assistant import api_key
from assistant.conversation import Conversation
from assistant.events import ConnectionChanged, ConnectionState, Event, EventBus
from assistant.home.home_assistant.backend import HomeAssistantBackend
from assistant.home.home_assistant.connection import Settings
from assistant.home.model import Home
from assistant.session import SessionStore
from bench.fake_home_assistant import TOKEN, FakeHomeAssistant
from bench.fake_home_assistant_data import state_from_home
from intents.engine import IntentEngine
from tests.conftest import FIXED_NOW, Clock, Recorder

#: Generous for a loaded CI machine; the slow-call tests use SLOW_TIMEOUT_S and a slower fake.
TIMEOUT_S = 5.0
SLOW_TIMEOUT_S = 0.5


@pytest.fixture(autouse=True)
def no_system_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """The token goes to the test's own file, never the real keyring of whoever runs the tests."""
    monkeypatch.setattr(api_key, "system_keyring", lambda: None)


@pytest.fixture
def fake(demo_home: Home) -> Iterator[FakeHomeAssistant]:
    server = FakeHomeAssistant(state_from_home(demo_home)).start()
    yield server
    server.close()


def settings(url: str, token: str = TOKEN, timeout_s: float = TIMEOUT_S) -> Settings:
    return Settings(url, token, timeout_s=timeout_s, backoff_initial_s=0.05, backoff_max_s=0.2)


@pytest.fixture
def ha(fake: FakeHomeAssistant, bus: EventBus) -> Iterator[HomeAssistantBackend]:
    backend = HomeAssistantBackend(settings(fake.url), bus).start()
    yield backend
    backend.close()


@pytest.fixture
def ha_conversation(
    ha: HomeAssistantBackend, engine: IntentEngine, bus: EventBus, clock: Clock
) -> Iterator[Conversation]:
    store = SessionStore(None)
    yield Conversation(ha, engine, bus=bus, store=store, clock=clock, now=lambda: FIXED_NOW)
    store.close()


class Waiter:
    """Waits (bounded) for an event on the bus that matches; the link publishes from its thread."""

    def __init__(self, bus: EventBus) -> None:
        self._events: list[Event] = []
        self._changed = threading.Condition()
        bus.subscribe(self._add)

    def _add(self, event: Event) -> None:
        with self._changed:
            self._events.append(event)
            self._changed.notify_all()

    def until(self, match: Callable[[Event], bool], timeout: float = 5.0) -> Event:
        with self._changed:
            found = self._changed.wait_for(
                lambda: next((e for e in self._events if match(e)), None), timeout
            )
        assert found is not None, f"no matching event within {timeout} s: {self._events[-5:]}"
        return found

    def connection(self, state: ConnectionState, timeout: float = 5.0) -> ConnectionChanged:
        event = self.until(lambda e: isinstance(e, ConnectionChanged) and e.state is state, timeout)
        assert isinstance(event, ConnectionChanged)
        return event

    def clear(self) -> None:
        with self._changed:
            self._events.clear()


@pytest.fixture
def waiter(bus: EventBus) -> Waiter:
    return Waiter(bus)


__all__ = ["SLOW_TIMEOUT_S", "Recorder", "Waiter", "settings"]
