"""Fixtures for cloud help: a fake OpenAI server on 127.0.0.1 and conversations that use it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

pytest.importorskip("openai")  # the "cloud" extra; without it cloud help cannot be turned on

from assistant import api_key
from assistant.cloud import CloudFallback
from assistant.cloud_tools import build_toolset
from assistant.config import CloudConfig
from assistant.conversation import Conversation
from assistant.egress import EgressLog
from assistant.events import EventBus
from assistant.home.simulated import SimulatedBackend
from assistant.session import SessionStore
from intents.engine import IntentEngine
from tests.assistant.cloud.fake_openai import FakeOpenAI
from tests.conftest import FIXED_NOW, Clock

TEST_KEY = "sk-test-0123456789abcdef"


@pytest.fixture(autouse=True)
def no_system_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the developer's real OS keyring from the tests."""
    monkeypatch.setattr(api_key, "system_keyring", lambda: None)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


@pytest.fixture
def egress_log(tmp_path: Path) -> Iterator[EgressLog]:
    log = EgressLog(tmp_path / "egress.sqlite3")
    yield log
    log.close()


@pytest.fixture
def sleeps() -> list[float]:
    """Backoff delays the fallback asked for (tests do not really wait)."""
    return []


@pytest.fixture
def cloud_config(server: FakeOpenAI) -> CloudConfig:
    """Tests of a deadline set their own; this one leaves room for three fast attempts."""
    return CloudConfig(
        enabled=True, base_url=server.url, model="test-model", timeout_s=10.0, max_retries=2
    )


FallbackFactory = Callable[..., CloudFallback]


@pytest.fixture
def make_fallback(
    cloud_config: CloudConfig, egress_log: EgressLog, bus: EventBus, sleeps: list[float]
) -> Iterator[FallbackFactory]:
    def make(api_key: str | None = TEST_KEY, **changes: object) -> CloudFallback:
        """Each attempt opens and closes its own client, so there is nothing to close here."""
        return CloudFallback(
            config=replace(cloud_config, **changes),
            log=egress_log,
            api_key=api_key,
            bus=bus,
            sleep=sleeps.append,
        )

    yield make


CloudConversationFactory = Callable[..., Conversation]


@pytest.fixture
def cloud_conversation(
    backend: SimulatedBackend,
    engine: IntentEngine,
    bus: EventBus,
    clock: Clock,
    make_fallback: FallbackFactory,
) -> Iterator[CloudConversationFactory]:
    """A Conversation over the demo home whose fallback talks to the fake server."""
    stores: list[SessionStore] = []

    def make(**changes: object) -> Conversation:
        store = SessionStore(None)
        stores.append(store)
        return Conversation(
            backend,
            engine,
            bus=bus,
            store=store,
            clock=clock,
            now=lambda: FIXED_NOW,
            fallback=make_fallback(**changes),
        )

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def handles(backend: SimulatedBackend) -> dict[str, str]:
    """Device id → the opaque handle the model sees for it."""
    tools = build_toolset(backend.home(), share_states=False)
    return {entry.device_id: handle for handle, entry in tools.entries.items()}
