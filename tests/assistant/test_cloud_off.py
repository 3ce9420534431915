"""With cloud help off, asking for it explicitly gets a clear answer and nothing else."""

from __future__ import annotations

from assistant.conversation import Conversation
from assistant.home.simulated import SimulatedBackend


def test_ask_the_cloud_with_cloud_off_says_so(
    conversation: Conversation, backend: SimulatedBackend
) -> None:
    result = conversation.handle("ask the cloud what the weather will be tomorrow")
    assert result.intent is None
    assert "Cloud help is off" in result.response
    assert result.actions == ()
