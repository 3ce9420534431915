"""The Backend protocol: what every home (simulated, MQTT, Home Assistant) offers the engine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from assistant.home.commands import Action, ActionResult
from assistant.home.model import Home


class BackendError(RuntimeError):
    """The backend could not carry out a command (broker down, server error); one line."""


class Backend(Protocol):
    def home(self) -> Home:
        """A consistent snapshot of every device's current state."""
        ...

    def execute(self, actions: Sequence[Action]) -> list[ActionResult]:
        """Run the commands as one unit: all of them happen, or none (CommandError/BackendError)."""
        ...

    def restore(self, results: Sequence[ActionResult]) -> list[ActionResult]:
        """Put the devices back as they were before ``results`` (undo)."""
        ...

    def close(self) -> None: ...
