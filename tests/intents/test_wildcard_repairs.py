"""A repair of misheard words never lands on a free-text slot."""

from __future__ import annotations

from tests.conftest import ConversationFactory


def test_a_repair_never_lands_on_free_text(make_conversation: ConversationFactory) -> None:
    """ "plug in the christmas tree" repaired to "play in the christmas tree" would match
    "play {search_query}": a wildcard fits any words, so such a repair proves nothing."""
    conversation = make_conversation(this_room="Living Room")
    found = conversation.recognize("plug in the christmas tree")
    assert found is None or found.source == "local" or not found.wildcard_slots
    exact = conversation.recognize("play some jazz")
    assert exact is not None and exact.intent == "HassMediaSearchAndPlay"
    assert exact.wildcard_slots == ("search_query",)
