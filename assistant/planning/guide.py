""" "Help" / "what can I say?" answered from what this home can do.

A spoken answer can't be a catalogue: it gives one example for each kind of thing this home
has (its own device and room names, from :mod:`assistant.examples`), then the things every
home can do (timers, lists, the time), and points to the window's full list.
"""

from __future__ import annotations

from assistant.examples import candidates
from assistant.planning.context import Handler, HandlerContext, Plan
from assistant.planning.replies import join_words

# Spoken examples: enough to show the range, short enough to listen to.
MAX_EXAMPLES = 5
EVERY_HOME = ("set a timer for 10 minutes", "add milk to the shopping list")


def help_reply(ctx: HandlerContext) -> str:
    here = ctx.home.areas.get(ctx.speaker_area or "")
    found = candidates(ctx.home)
    if here is not None:  # this room's devices first: what the speaker can see
        found.sort(key=lambda e: e.room != here.name)
    picked: list[str] = []
    kinds: set[str] = set()
    for example in found:
        if example.kind not in kinds and len(picked) < MAX_EXAMPLES - len(EVERY_HOME):
            kinds.add(example.kind)
            picked.append(example.text)
    quoted = [f"“{text}”" for text in (*picked, *EVERY_HOME)]
    return (
        f"You can say things like {join_words(quoted)}. "
        "In the window, Help → What can I say? lists more for each room."
    )


def handle_help(ctx: HandlerContext) -> Plan:
    return Plan(response=help_reply(ctx))


HANDLERS: dict[str, Handler] = {"HearthHelp": handle_help}
