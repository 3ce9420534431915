"""What handlers may use besides the home: the timers and the lists.

Timers and lists are not devices: they have no state in the backend, no undo and nothing
sensitive, so their handlers return a ``Plan`` whose ``perform`` changes these stores when the
plan runs (never while planning). The conversation owns one ``Services`` for its lifetime; a
default one keeps everything in memory (tests, a temporary home).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.lists import ListStore
from assistant.timers import TimerStore


@dataclass(frozen=True)
class Services:
    timers: TimerStore = field(default_factory=TimerStore)
    lists: ListStore = field(default_factory=ListStore)

    @classmethod
    def in_folder(cls, folder: Path | None) -> Services:
        """Stores in the data folder (shared by every Hearth process), or in memory for None."""
        if folder is None:
            return cls()
        return cls(
            timers=TimerStore(folder / "timers.sqlite3"), lists=ListStore(folder / "lists.sqlite3")
        )

    def close(self) -> None:
        self.timers.close()
        self.lists.close()
