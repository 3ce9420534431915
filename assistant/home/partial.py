"""When a remote home does part of a command: which devices changed and which did not.

A simulated home applies a command set whole or not at all. A broker or a server cannot: the
first light may switch before the connection drops, or one device may not answer. Then the
backend raises ``PartialFailure`` (a ``BackendError``, so every caller that handles a backend
failure still does), carrying the results that did happen, so they can be shown and undone, and
each device that didn't change with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.home.backend import BackendError
from assistant.home.commands import ActionResult


@dataclass(frozen=True)
class Failure:
    """One device whose change did not happen (or was not confirmed), and why."""

    device_id: str
    name: str
    reason: str


class PartialFailure(BackendError):
    """Some devices changed and some didn't; ``done`` and ``failed`` say which."""

    def __init__(self, done: Sequence[ActionResult], failed: Sequence[Failure]) -> None:
        self.done = tuple(done)
        self.failed = tuple(failed)
        super().__init__(describe(self.done, self.failed))


def describe(done: Sequence[ActionResult], failed: Sequence[Failure]) -> str:
    """ "changed Kettle; didn't change Garage Door (the device didn't confirm the change)" """
    by_reason: dict[str, list[str]] = {}
    for failure in failed:
        by_reason.setdefault(failure.reason, []).append(failure.name)
    missed = "; ".join(f"{_names(names)} ({reason})" for reason, names in by_reason.items())
    changed = _names(list(dict.fromkeys(r.after.name for r in done if r.via is None)))
    if not changed:
        return f"nothing changed: {missed}"
    return f"changed {changed}; didn't change {missed}"


def _names(names: Sequence[str]) -> str:
    if len(names) > 1:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return "".join(names)
