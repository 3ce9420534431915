"""What every handler gets (HandlerContext) and gives back (Plan), and the shared plan builder.

Handlers only plan: they read a Home snapshot and return a Plan. The conversation decides
whether a plan runs now, waits for a confirmation, or turns into a question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.home import effects
from assistant.home.commands import Action, ActionKind, CommandError
from assistant.home.effects import supported_actions
from assistant.home.model import Device, Home
from assistant.planning.replies import ALREADY, MOMENTARY_VERBS, done_and_already
from assistant.planning.services import Services
from assistant.planning.targets import (
    TargetQuery,
    Targets,
    one_of_a_kind,
    resolve,
    singular_noun,
)
from intents.engine import Recognition


@dataclass(frozen=True)
class Plan:
    """What to do for one recognized sentence, and what to say once it is done."""

    actions: tuple[Action, ...] = ()
    response: str = ""
    ambiguous: tuple[Device, ...] = ()
    error: str | None = None
    # Rendered after execution, when the response depends on the new state.
    render: Callable[[Home], str] | None = field(default=None, compare=False)
    # Work outside the home (a timer, a list), done when the plan runs; returns the reply.
    perform: Callable[[], str] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class HandlerContext:
    recognition: Recognition
    home: Home
    responses: dict[str, dict[str, str]]
    speaker_area: str | None = None
    now: Callable[[], dt.datetime] = dt.datetime.now
    # Devices the previous command acted on, while the conversation context is fresh.
    previous: tuple[str, ...] = ()
    services: Services = field(default_factory=Services)

    @property
    def slots(self) -> dict[str, Any]:
        return self.recognition.slots

    def template(self, key: str | None = None) -> str | None:
        by_key = self.responses.get(self.recognition.intent, {})
        return by_key.get(key or self.recognition.response_key or "default") or by_key.get(
            "default"
        )

    def targets(
        self,
        domains: Sequence[str] = (),
        classes: Sequence[str] = (),
        use_speaker_area: bool = True,
    ) -> Targets:
        slots = self.slots
        wanted_domains = set(domains)
        if isinstance(slots.get("domain"), str):
            wanted_domains = {slots["domain"]} if not domains else wanted_domains
        context_domain = self.recognition.context.get("domain")
        if slots.get("name") and isinstance(context_domain, str):
            wanted_domains = {context_domain}
        wanted_classes = set(classes)
        if isinstance(slots.get("device_class"), str):
            wanted_classes = {slots["device_class"]}
        everywhere = self.recognition.response_key in {"light_all", "locks_all"}
        if (
            use_speaker_area
            and not everywhere
            and not any(slots.get(k) for k in ("name", "area", "floor"))
        ):
            # "turn them off", "a bit brighter": the devices we just talked about.
            earlier = [self.home.devices[i] for i in self.previous if i in self.home.devices]
            earlier = [
                d
                for d in earlier
                if (not wanted_domains or d.domain.value in wanted_domains)
                and (not wanted_classes or d.device_class in wanted_classes)
            ]
            if earlier:
                return Targets(devices=tuple(earlier))
        found = resolve(
            self.home,
            TargetQuery(
                name=slots.get("name"),
                spoken_name=self.recognition.slot_texts.get("name"),
                area=slots.get("area"),
                floor=slots.get("floor"),
                domains=frozenset(wanted_domains),
                device_classes=frozenset(wanted_classes),
                speaker_area=self.speaker_area if use_speaker_area else None,
                everywhere=everywhere,
                require_place=use_speaker_area,
            ),
        )
        noun = singular_noun(self.recognition.text)
        if use_speaker_area and noun is not None and not slots.get("name"):
            return one_of_a_kind(found, noun)
        return found

    def has_place(self) -> bool:
        """Whether the sentence named a device, room or floor."""
        return any(self.slots.get(k) for k in ("name", "area", "floor"))


Handler = Callable[[HandlerContext], Plan]


def failed(targets: Targets) -> Plan | None:
    """The plan for targets that did not resolve to devices: an error or a question."""
    if targets.error:
        return Plan(error=targets.error)
    if targets.ambiguous:
        return Plan(ambiguous=targets.ambiguous)
    return None


def supported(device: Device, kind: ActionKind, **params: Any) -> Action | None:
    """The action when the device's domain can do it, else None."""
    if kind in supported_actions(device.domain):
        return Action(device.id, kind, params)
    return None


def unchanged(device: Device, action: Action) -> bool:
    """Whether ``action`` would leave ``device`` as it is ("turn on" a light that is on).

    Only commands whose outcome is a state ("on", "locked", "open") count; running a scene or
    pressing a button changes nothing visible and is still done.
    """
    if action.action not in ALREADY or device.domain in MOMENTARY_VERBS:
        return False
    try:
        after = effects.apply(device, action)
    except CommandError:
        return False  # the backend gives the reason when it refuses
    return (after.state, dict(after.attributes)) == (device.state, dict(device.attributes))


def command(
    ctx: HandlerContext,
    targets: Targets,
    pick: Callable[[Device], Action | None],
) -> Plan:
    """One action per target device (``pick``), without those that would change nothing,
    and a reply naming what was done and what already was so."""
    if (not_found := failed(targets)) is not None:
        return not_found
    picked = [(d, a) for d in targets.devices if (a := pick(d)) is not None]
    if not picked:
        names = ", ".join(sorted({d.name for d in targets.devices}))
        return Plan(error=f"Sorry, {names} can't do that")
    changing = tuple(a for d, a in picked if not unchanged(d, a))
    already = [(a.action, d) for d, a in picked if unchanged(d, a)]
    # What needed no change is only read, so it is not an action carried out, yet "turn it
    # off" next still means these devices.
    looked_at = tuple(Action(d.id, ActionKind.GET_STATE) for _, d in already)

    def render(home: Home) -> str:
        return done_and_already(changing, already, home)

    return Plan(actions=changing + looked_at, render=render)
