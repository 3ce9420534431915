"""Sentences that are talk, not control: broadcasts and Home Assistant's small-talk answers.

Home Assistant's own answers to "hello" or "are you listening?" speak of Home Assistant and
its servers; Hearth answers for itself, truthfully (nothing leaves this computer unless cloud
help is on).
"""

from __future__ import annotations

from assistant.planning.context import Handler, HandlerContext, Plan
from assistant.planning.guide import help_reply

# HassRespond's response keys, answered as Hearth.
RESPONDS = {
    "hello": "Hello! I'm Hearth.",
    "listening": (
        "Only after the wake word, or while you hold the talk button; what I hear is "
        "understood on this computer."
    ),
    "data": "What you say stays on this computer, unless you turn cloud help on in Settings.",
    "creator": "I'm Hearth, built on Home Assistant's open sentence collection.",
}


def handle_respond(ctx: HandlerContext) -> Plan:
    key = ctx.recognition.response_key or "default"
    if key == "commands":  # "what can I ask?": this home's own examples
        return Plan(response=help_reply(ctx))
    return Plan(response=RESPONDS.get(key, RESPONDS["hello"]))


def handle_broadcast(ctx: HandlerContext) -> Plan:
    message = " ".join(str(ctx.slots.get("message", "")).split())
    if not message:
        return Plan(error="What should I announce?")
    # Spoken on this machine: the reply is the announcement, and a voice turn says it aloud.
    return Plan(response=f"Announcement: {message}")


HANDLERS: dict[str, Handler] = {"HassRespond": handle_respond, "HassBroadcast": handle_broadcast}
