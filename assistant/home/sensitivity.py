"""Which changes open the home to the outside, judged by what they do to the device.

A lock that ends up unlocked, a garage door, door or gate that ends up open, an alarm that ends
up disarmed: these need the user's yes, however the change was asked for ("unlock", "turn on",
"toggle", "set position 30", a scene, an undo) and whoever asked (a sentence, the cloud model,
a device card). Judging by the action's name let "turn on the garage door" through; judging by
the effect cannot be talked around, because every path ends in the same effects.

Two checks use the one definition (``opens``):

- before anything runs, ``risks`` says whether an action *could* open a device: it applies the
  action to the device as it is and as it would be when secured (locked, closed, armed), so a
  toggle or a "turn on" asks even when another process changes the device in the meantime;
- while a backend writes, ``opened`` finds the changes that actually open something, so a
  backend can refuse them inside its transaction unless the user confirmed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from assistant.home import effects
from assistant.home.commands import Action, ActionKind, ActionResult, CommandError
from assistant.home.model import Device, Domain

#: Cover device classes that are a way into the home (Home Assistant's names).
SENSITIVE_COVER_CLASSES = frozenset({"garage", "door", "gate"})
#: Lock states that keep the door shut; anything else (unlocked, open, jammed, …) does not.
_LOCK_SECURE = frozenset({"locked", "locking"})
_COVER_SECURE = frozenset({"closed", "closing"})
_ALARM_OPEN = frozenset({"disarmed"})

_VERB = {Domain.LOCK: "unlock", Domain.COVER: "open", Domain.ALARM_CONTROL_PANEL: "disarm"}


class NeedsConfirmation(CommandError):
    """A backend was asked not to open anything without a yes, and these changes would."""

    def __init__(self, results: Sequence[ActionResult]) -> None:
        self.results = tuple(results)
        names = ", ".join(r.after.name for r in self.results)
        super().__init__(f"{names} needs a confirmation first")


def guarded(device: Device) -> bool:
    """Whether the device is a way into the home (a lock, a door-like cover, an alarm)."""
    if device.domain is Domain.COVER:
        return device.device_class in SENSITIVE_COVER_CLASSES
    return device.domain in (Domain.LOCK, Domain.ALARM_CONTROL_PANEL)


def exposed(device: Device) -> bool:
    """Whether a guarded device is in a state that lets someone in."""
    if not guarded(device):
        return False
    if device.domain is Domain.LOCK:
        return device.state not in _LOCK_SECURE
    if device.domain is Domain.ALARM_CONTROL_PANEL:
        return device.state in _ALARM_OPEN
    position = device.attributes.get("position")
    try:
        partly_open = position is not None and float(position) > 0
    except (TypeError, ValueError):
        partly_open = False
    return device.state not in _COVER_SECURE or partly_open


def opens(before: Device, after: Device) -> bool:
    """The one rule: a change that leaves a guarded device exposed.

    Opening further, or moving a door that is already ajar, counts too: whatever the door
    was, it ends up letting someone in because of this change.
    """
    if not exposed(after):
        return False
    return (before.state, dict(before.attributes)) != (after.state, dict(after.attributes))


def opened(results: Iterable[ActionResult]) -> list[ActionResult]:
    """The results that open something; what a backend refuses without a confirmation."""
    return [r for r in results if opens(r.before, r.after)]


def secured(device: Device) -> Device:
    """The device as it is when it keeps people out (locked, closed, armed)."""
    if not guarded(device):
        return device
    if device.domain is Domain.LOCK:
        return device.with_state("locked")
    if device.domain is Domain.ALARM_CONTROL_PANEL:
        return device if device.state not in _ALARM_OPEN else device.with_state("armed_away")
    attributes = dict(device.attributes)
    if "position" in attributes:
        attributes["position"] = 0
    return device.with_state("closed", attributes)


@dataclass(frozen=True)
class Risk:
    """One device an action could open, and the device the user asked for (a scene, say)."""

    device: Device
    via: Device | None = None

    @property
    def verb(self) -> str:
        return _VERB.get(self.device.domain, "open")

    def describe(self) -> str:
        if self.via is None:
            return f"{self.verb} the {self.device.name}"
        return f"run {self.via.name}, which will {self.verb} the {self.device.name}"


def _after(device: Device, action: Action) -> Device | None:
    try:
        return effects.apply(device, action)
    except CommandError:
        return None  # the backend will refuse it; nothing opens


def action_risks(action: Action, devices: Mapping[str, Device]) -> list[Risk]:
    """What ``action`` could open: judged from the device as it is and as it is when secured."""
    device = devices.get(action.device)
    if device is None or action.action is ActionKind.GET_STATE:
        return []
    risks: list[Risk] = []
    safe = secured(device)
    for start in (device,) if safe == device else (device, safe):
        after = _after(start, action)
        if after is not None and opens(start, after):
            risks.append(Risk(device))
            break
    if device.domain is Domain.SCENE and action.action is ActionKind.TURN_ON:
        members = {m: secured(d) for m, d in devices.items()}
        for start in (devices, members):
            for member in effects.scene_members(device, start):
                risk = Risk(member, via=device)
                if opens(start[member.id], member) and risk not in risks:
                    risks.append(risk)
    return _unique(risks)


def risks(actions: Sequence[Action], devices: Mapping[str, Device]) -> list[Risk]:
    """Every device the actions could open, in order, each once."""
    found: list[Risk] = []
    for action in actions:
        found.extend(action_risks(action, devices))
    return _unique(found)


def restore_risks(targets: Iterable[Device], devices: Mapping[str, Device]) -> list[Risk]:
    """What putting devices back to ``targets`` (undo) would open, from their current state."""
    found = [
        Risk(target)
        for target in targets
        if target.id in devices and opens(devices[target.id], target)
    ]
    return _unique(found)


def question(found: Sequence[Risk]) -> str:
    """ "Are you sure you want me to unlock the Front Door and open the Garage Door?" """
    parts = [r.describe() for r in found]
    if len(parts) > 1:
        text = ", ".join(parts[:-1]) + " and " + parts[-1]
    else:
        text = "".join(parts)
    return f"Are you sure you want me to {text}?"


def _unique(found: list[Risk]) -> list[Risk]:
    seen: set[tuple[str, str | None]] = set()
    unique: list[Risk] = []
    for risk in found:
        key = (risk.device.id, risk.via.id if risk.via else None)
        if key not in seen:
            seen.add(key)
            unique.append(risk)
    return unique
