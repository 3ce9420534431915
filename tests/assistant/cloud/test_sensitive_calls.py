"""A tool call that opens a way in only ever becomes a question, whatever the function is called.

The model could open the garage door with ``turn_on`` (it had no confirmation before: the check
went by the action's name). Now every tool the model is offered on a lock, a garage door, door or
gate is tried, and the ones that open it must ask; the rest must not.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.cloud_tools import allowed_actions, build_toolset
from assistant.conversation import Conversation
from assistant.home import sensitivity
from assistant.home.commands import ActionKind
from assistant.home.loader import parse_home
from assistant.home.simulated import SimulatedBackend
from assistant.session import SessionStore
from tests.assistant.cloud.fake_openai import Script
from tests.assistant.guarded_home import GUARDED, HOME, opening, samples

UNKNOWN = "make the house ready for the delivery"  # nothing the local engine understands


@pytest.fixture
def guarded(tmp_path: Path, engine, bus, clock, make_fallback) -> Iterator[Conversation]:
    backend = SimulatedBackend(parse_home(HOME), tmp_path / "state.sqlite3", bus)
    store = SessionStore(None)
    yield Conversation(backend, engine, bus=bus, store=store, clock=clock, fallback=make_fallback())
    store.close()
    backend.close()


def _calls() -> list:
    home = parse_home(HOME)
    cases = []
    for device_id in GUARDED:
        for kind in allowed_actions(home.devices[device_id]):
            for params in samples(kind):
                cases.append(
                    pytest.param(device_id, kind, params, id=f"{device_id}-{kind.value}-{params}")
                )
    return cases


@pytest.mark.parametrize(("device_id", "kind", "params"), _calls())
def test_every_tool_call_on_a_way_in(
    server, guarded: Conversation, device_id: str, kind: ActionKind, params: dict
) -> None:
    tools = build_toolset(guarded.backend.home(), share_states=False)
    handle = next(h for h, e in tools.entries.items() if e.device_id == device_id)
    server.push(Script.call((kind.value, {"device": handle, **params})))

    result = guarded.handle(UNKNOWN)

    device = guarded.backend.home().devices[device_id]
    assert not sensitivity.exposed(device)
    if opening(device_id, kind, params):
        assert result.confirmation_required, result.response
        assert result.response.startswith("Are you sure you want me to")
        guarded.handle("yes")
        assert sensitivity.exposed(guarded.backend.home().devices[device_id])
    else:
        assert not result.confirmation_required, result.response


def test_turn_on_the_garage_door_asks(server, guarded: Conversation) -> None:
    """The reported case, spelled out."""
    tools = build_toolset(guarded.backend.home(), share_states=False)
    handle = next(h for h, e in tools.entries.items() if e.device_id == "cover.garage_door")
    server.push(Script.call(("turn_on", {"device": handle})))
    result = guarded.handle(UNKNOWN)
    assert result.confirmation_required
    assert result.response == "Are you sure you want me to open the Garage Door?"
    assert guarded.backend.home().devices["cover.garage_door"].state == "closed"
    assert guarded.handle("no").response == "Okay, I won't open the Garage Door."
    assert guarded.backend.home().devices["cover.garage_door"].state == "closed"
