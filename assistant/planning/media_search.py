""" "Play some jazz in the kitchen": find it in the home's media library, play it on a player.

The player is the one named or in the named room; with neither, the speaker's room's player,
else the one already playing, else the only one. Nothing found in the library is said plainly
rather than playing something else.
"""

from __future__ import annotations

from assistant.home.commands import ActionKind
from assistant.home.model import Device
from assistant.planning.context import Handler, HandlerContext, Plan, failed, supported
from assistant.planning.targets import Targets


def _players(ctx: HandlerContext) -> Targets:
    if ctx.has_place():
        return ctx.targets(domains=("media_player",), use_speaker_area=False)
    players = [d for d in ctx.home.devices.values() if d.domain == "media_player"]
    here = [d for d in players if ctx.speaker_area and d.area == ctx.speaker_area]
    playing = [d for d in players if d.state == "playing"]
    for choice in (here, playing, players):
        if len(choice) == 1:
            return Targets(devices=(choice[0],))
    if here or playing:
        return Targets(ambiguous=tuple(here or playing))
    return (
        Targets(ambiguous=tuple(players)) if players else Targets(error="There's no media player")
    )


def _on(device: Device, home_names: list[str]) -> str:
    return f"the {device.name}" if home_names.count(device.name) == 1 else device.name


def handle_search_and_play(ctx: HandlerContext) -> Plan:
    query = " ".join(str(ctx.slots.get("search_query") or "").split())
    if not query:
        return Plan(error="What should I play?")
    media_class = ctx.slots.get("media_class")
    item = ctx.home.media.search(query, str(media_class) if media_class else None)
    if item is None:
        kind = f" {str(media_class).replace('_', ' ')}" if media_class else ""
        return Plan(error=f"Sorry, I couldn't find{kind} “{query}” in the media library")
    targets = _players(ctx)
    if (not_found := failed(targets)) is not None:
        return not_found
    player = targets.devices[0]
    action = supported(player, ActionKind.MEDIA_PLAY, **item.to_attributes())
    if action is None:
        return Plan(error=f"Sorry, the {player.name} can't play media")
    names = [d.name for d in ctx.home.devices.values()]
    return Plan(actions=(action,), response=f"Playing {item.describe()} on {_on(player, names)}")


HANDLERS: dict[str, Handler] = {"HassMediaSearchAndPlay": handle_search_and_play}
