"""What the main window gets from the app besides the bridge.

The window never reaches for globals (the user's QSettings, the real microphone, the history
file): the app hands them in here, and tests hand in temporary or fake ones instead. One
dataclass keeps that seam in one place rather than in a growing constructor signature.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.audio.microphone import load_sounddevice
from assistant.history import History
from ui.level_meter import SoundDeviceLoader
from ui.preferences import UiPreferences, default_settings
from ui.runtime_factory import RuntimeFactory
from ui.voice import BuildPipeline, OpenSource


@dataclass
class AppServices:
    """What the window needs from the app besides the bridge; tests pass their own parts."""

    preferences: UiPreferences = field(default_factory=lambda: UiPreferences(default_settings()))
    load_sounddevice: SoundDeviceLoader = load_sounddevice
    factory: RuntimeFactory | None = None  # None: settings are saved but no rebuild happens
    ptt_name: str | None = None  # the push-to-talk socket; None: one per user
    tray: bool = True
    history: History | None = None  # the persistent log; None: this session's turns only
    voice: bool = True  # False: typed commands and cards only (no microphone, no models)
    open_source: OpenSource | None = None  # None: the microphone through load_sounddevice
    build_pipeline: BuildPipeline | None = None  # None: the pipeline ``hearth listen`` runs
