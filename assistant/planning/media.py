"""Media players: pause, resume, next/previous track, volume.

With no room or name said, the player that is playing (or paused) is meant, unless the
speaker's own room has one.
"""

from __future__ import annotations

from assistant.home.commands import Action, ActionKind
from assistant.home.model import Device, Domain
from assistant.planning.context import Handler, HandlerContext, Plan, command, supported
from assistant.planning.targets import Targets

VOLUME_STEP = 10


def handle_media(ctx: HandlerContext, kind: ActionKind, states: frozenset[str]) -> Plan:
    targets = ctx.targets(domains=("media_player",), use_speaker_area=False)
    if not ctx.has_place():
        local = ctx.targets(domains=("media_player",))
        active = [
            d
            for d in ctx.home.devices.values()
            if d.domain is Domain.MEDIA_PLAYER and d.state in states
        ]
        if local.ok and ctx.speaker_area:
            targets = local
        elif active:
            targets = Targets(devices=tuple(active))
        else:
            return Plan(
                error="Sorry, nothing is playing"
                if "playing" in states
                else "Sorry, nothing is paused"
            )
    return command(ctx, targets, lambda d: supported(d, kind))


def handle_volume(ctx: HandlerContext) -> Plan:
    level = ctx.slots.get("volume_level")
    step = ctx.slots.get("volume_step")

    def pick(device: Device) -> Action | None:
        if level is not None:
            return supported(device, ActionKind.SET_VOLUME, volume=int(level))
        delta = VOLUME_STEP if step in ("up", None) else -VOLUME_STEP
        if isinstance(step, int | float):
            delta = int(step)
        # Relative, like brightness steps: computed from the volume when it is written.
        return supported(device, ActionKind.SET_VOLUME, volume_step=delta)

    targets = ctx.targets(domains=("media_player",))
    if not ctx.has_place() and not ctx.speaker_area:
        playing = [
            d
            for d in ctx.home.devices.values()
            if d.domain is Domain.MEDIA_PLAYER and d.state == "playing"
        ]
        targets = Targets(devices=tuple(playing)) if playing else targets
    return command(ctx, targets, pick)


def handle_mute(ctx: HandlerContext, muted: bool) -> Plan:
    targets = ctx.targets(domains=("media_player",))
    if not ctx.has_place() and not ctx.speaker_area:
        playing = [
            d
            for d in ctx.home.devices.values()
            if d.domain is Domain.MEDIA_PLAYER and d.state == "playing"
        ]
        targets = Targets(devices=tuple(playing)) if playing else targets
    return command(ctx, targets, lambda d: supported(d, ActionKind.SET_VOLUME, muted=muted))


HANDLERS: dict[str, Handler] = {
    "HassMediaPlayerMute": lambda ctx: handle_mute(ctx, muted=True),
    "HassMediaPlayerUnmute": lambda ctx: handle_mute(ctx, muted=False),
    "HassMediaPause": lambda ctx: handle_media(ctx, ActionKind.MEDIA_PAUSE, frozenset({"playing"})),
    "HassMediaUnpause": lambda ctx: handle_media(ctx, ActionKind.MEDIA_PLAY, frozenset({"paused"})),
    "HassMediaNext": lambda ctx: handle_media(
        ctx, ActionKind.MEDIA_NEXT, frozenset({"playing", "paused"})
    ),
    "HassMediaPrevious": lambda ctx: handle_media(
        ctx, ActionKind.MEDIA_PREVIOUS, frozenset({"playing", "paused"})
    ),
    "HassSetVolume": handle_volume,
    "HassSetVolumeRelative": handle_volume,
}
