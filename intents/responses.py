"""Render Home Assistant's response templates (Jinja) into a sentence to say or show.

The templates come with home-assistant-intents and Hearth's sentence files; they expect
``slots``, ``state`` and ``query`` objects shaped like Home Assistant's, which ``StateView``
provides for any device-like data.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jinja2 import TemplateError, Undefined
from jinja2.sandbox import SandboxedEnvironment

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class StateView:
    """The parts of a Home Assistant State object that response templates read."""

    entity_id: str
    name: str
    domain: str
    state: str
    attributes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def state_with_unit(self) -> str:
        unit = self.attributes.get("unit_of_measurement")
        return f"{self.state} {unit}" if unit else self.state


class _Renderer:
    def __init__(self) -> None:
        self.env = SandboxedEnvironment(undefined=Undefined, autoescape=False)
        self._cache: dict[str, Any] = {}

    def render(self, template: str, variables: dict[str, Any]) -> str:
        compiled = self._cache.get(template)
        if compiled is None:
            compiled = self._cache[template] = self.env.from_string(template)
        return " ".join(compiled.render(variables).split())


_RENDERER = _Renderer()


def render_response(
    template: str,
    slots: Mapping[str, Any],
    states: Sequence[StateView] = (),
    matched: Sequence[StateView] = (),
    unmatched: Sequence[StateView] = (),
    fallback: str = "Done",
) -> str:
    """Render one response template; a template that fails gives ``fallback``, not an error."""
    by_id = {s.entity_id: s for s in (*states, *matched, *unmatched)}

    def state_attr(entity_id: str, name: str) -> Any:
        view = by_id.get(entity_id)
        return None if view is None else view.attributes.get(name)

    first = (
        matched[0] if matched else (unmatched[0] if unmatched else (states[0] if states else None))
    )
    variables = {
        "slots": dict(slots),
        "state": first,
        "query": {"matched": list(matched), "unmatched": list(unmatched)},
        "state_attr": state_attr,
    }
    try:
        text = _RENDERER.render(template, variables)
    except (TemplateError, TypeError, ValueError, AttributeError) as err:
        _LOGGER.warning("response template failed (%s); using fallback", err)
        return fallback
    return text or fallback
