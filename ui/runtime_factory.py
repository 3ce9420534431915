"""Which runtime the app builds, and whether new settings need a new one.

The command line may override the home file and the room for one session (``--home`` uses a
fresh temporary copy); the settings dialog changes the saved config. Once the user picks a home
or a room in the dialog, their choice wins over the command line's, otherwise saving an
unrelated setting would silently keep the old override. Only the sections the runtime is built
from need a rebuild; the rest (microphone, wake word, voice) belong to the voice pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.config import Config
from assistant.runtime import Runtime, build_runtime

#: Config sections that ``build_runtime`` reads; a change in any of them needs a rebuild.
RUNTIME_SECTIONS = ("home", "conversation", "cloud")


@dataclass
class RuntimeFactory:
    """Builds runtimes from the current config plus the command line's one-session overrides."""

    config: Config
    config_path: Path
    home_file: str | None = None  # --home: a temporary copy of this file
    room: str | None = None  # --room

    def __call__(self) -> Runtime:
        return build_runtime(self.config, home_file=self.home_file, this_room=self.room)

    def apply(self, new: Config) -> bool:
        """Take the saved settings; True when the running engine must be rebuilt for them."""
        old = self.config
        if new.home.home_file != old.home.home_file or new.home.backend != old.home.backend:
            self.home_file = None
        if new.home.this_room != old.home.this_room:
            self.room = None
        self.config = new
        changed = any(getattr(old, s) != getattr(new, s) for s in RUNTIME_SECTIONS)
        return changed or new.speech.language != old.speech.language
