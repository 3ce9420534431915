"""One device's part of an MQTT command set, and how its reported state is judged.

Pure functions over ``Device`` snapshots: whether a device reports what it was asked for, what
to keep when it reports only part of its state, and the events and failures that follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.events import DeviceChanged
from assistant.home.commands import ActionResult
from assistant.home.model import Device, Domain
from assistant.home.mqtt.codec import STATE, Publish
from assistant.home.partial import Failure


@dataclass(frozen=True)
class Step:
    """One device's part of a command set: the result it should have and what to send."""

    result: ActionResult
    publishes: tuple[Publish, ...]
    reports: frozenset[str]


def reached(device: Device, step: Step) -> bool:
    """Whether the device reports what it was asked for. A light asked to go off is judged by
    its state alone: what it says about brightness or colour while off is its own business
    (MQTT cannot set the colour of a light that stays off, so an undo cannot either)."""
    wanted = step.result.after
    dark = wanted.domain is Domain.LIGHT and wanted.state == "off"
    for key in step.reports:
        if key == STATE:
            if device.state != wanted.state:
                return False
        elif (
            not dark
            and key in wanted.attributes
            and device.attributes.get(key) != wanted.attributes[key]
        ):
            return False
    return True


def settled(reported: Device, step: Step) -> Device:
    """What the device reported, plus what it doesn't report taken as sent (optimistic)."""
    wanted = step.result.after
    attributes = dict(reported.attributes)
    for key, value in wanted.attributes.items():
        if key not in step.reports:
            attributes[key] = value
    state = reported.state if STATE in step.reports else wanted.state
    if reported.domain in (Domain.SCENE, Domain.BUTTON):
        state = reported.state
    return reported.with_state(state, attributes)


def failure(step: Step, reason: str) -> Failure:
    return Failure(step.result.after.id, step.result.after.name, reason)


def differs(before: Device, after: Device) -> bool:
    return (before.state, dict(before.attributes)) != (after.state, dict(after.attributes))


def changed(before: Device, after: Device) -> DeviceChanged:
    return DeviceChanged(
        device_id=after.id,
        state=after.state,
        attributes=dict(after.attributes),
        previous_state=before.state,
    )
