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

    def execute(
        self, actions: Sequence[Action], *, allow_sensitive: bool = True
    ) -> list[ActionResult]:
        """Run the commands as one unit: all of them happen, or none (CommandError/BackendError).

        A remote backend that cannot roll back (capability ATOMIC absent) checks every command
        before sending any; when some then fail on the server it raises ``PartialFailure``.

        Relative steps are computed from the state at that moment. With ``allow_sensitive``
        false, a change that would open a lock, door or alarm raises
        ``sensitivity.NeedsConfirmation`` and nothing happens.
        """
        ...

    def restore(
        self, results: Sequence[ActionResult], *, allow_sensitive: bool = True
    ) -> list[ActionResult]:
        """Put the devices back as they were before ``results`` (undo); same guard as execute."""
        ...

    def refresh(self) -> object:
        """Publish DeviceChanged for changes made elsewhere since last time.

        The duty every backend declaring ``Capability.REPORTS_OUTSIDE_CHANGES`` keeps: a change
        made by another process, a wall switch or another app reaches the bus it was opened
        with, once, with ``previous_state`` as this backend last showed it; an attribute-only
        change counts; a change undone before the next look is not news; its own changes were
        published when ``execute``/``restore`` made them and are not repeated. A backend that
        is told of changes as they happen (MQTT, Home Assistant's event stream) publishes them
        then, and ``refresh`` may return nothing. Pinned for every registered backend by
        ``tests/assistant/home/test_registry.py``.
        """
        ...

    def close(self) -> None: ...
