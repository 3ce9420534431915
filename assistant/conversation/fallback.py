"""The seam for help beyond the local engine (the cloud LLM), and the sentence that asks for it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from assistant.home.commands import Action
from assistant.home.model import Home

# "ask the cloud whether ..." sends the rest straight to cloud help (when the user turned it on).
ASK_CLOUD_PREFIX = re.compile(
    r"^(?:hey |please )?ask (?:the )?cloud\b[\s,:]*(?:to |whether |if )?", re.IGNORECASE
)
CLOUD_OFF = (
    "Cloud help is off. You can turn it on in the settings, "
    "or with: hearth config set cloud.enabled true"
)


@dataclass(frozen=True)
class FallbackAnswer:
    """What a fallback (the cloud LLM) made of a sentence the local engine did not understand.

    ``actions`` must already be validated against the Home; they still pass through the same
    confirmation for sensitive actions as local commands, so no fallback can skip it.
    """

    response: str
    actions: tuple[Action, ...] = ()
    intent: str = "HearthCloud"
    source: str = "cloud"


class Fallback(Protocol):
    def answer(self, text: str, home: Home) -> FallbackAnswer | None:
        """None when the fallback is off or has nothing to add (the local reply stands)."""
        ...
