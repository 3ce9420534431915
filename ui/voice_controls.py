"""Talk, Cancel, Mute and everything the window shows about listening.

Push-to-talk reaches Hearth from five places (the Talk button held or clicked, Space, the tray,
the local socket behind ``hearth ptt``) and mute from two (the button, the tray). One object
holds the talking/muted/available state they all share, so the places cannot disagree, and
each refuses with a reason rather than silently when voice is unavailable or muted. It also
gathers the voice-only stage times (wake, VAD, ASR) that arrive around a turn and adds them
to its history row.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from assistant.events import (
    AudioLevel,
    Cancelled,
    Event,
    PipelineState,
    PipelineStateChanged,
    Stage,
    StageEnd,
    UtteranceTimings,
    WakeDetected,
)
from ui.app_services import AppServices
from ui.bridge import EngineBridge
from ui.conversation_panel import ConversationPanel
from ui.tray import VOICE_UNAVAILABLE, TrayIcon
from ui.voice import VoiceController, VoiceParts, microphone_opener, pipeline_builder

VOICE_STATUS = "Voice is not available yet"
VOICE_OFF = "Voice is off: type commands or use the device cards"
VOICE_LOADING = "Voice: loading the speech models…"
#: Held longer than this, the Talk button is hold-to-talk; a shorter click toggles listening.
HOLD_S = 0.4
#: Stages whose times only the pipeline knows (the turn itself measures intent, action, ...).
_VOICE_STAGES = (Stage.WAKE, Stage.VAD, Stage.ASR)


class VoiceControls(QObject):
    """The shared push-to-talk and mute state, and the voice pipeline's part of the window."""

    #: Push-to-talk pressed (True) or released (False); the voice pipeline listens here.
    push_to_talk = Signal(bool)
    #: Mute switched (True: drop the microphone's audio).
    mute_changed = Signal(bool)

    def __init__(
        self,
        bridge: EngineBridge,
        panel: ConversationPanel,
        services: AppServices,
        tray: TrayIcon | None,
        show_status: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.panel = panel
        self.tray = tray
        self._show_status = show_status
        self.available = False
        self.problem = ""
        self.talking = False
        self.muted = False
        self._press_at = 0.0
        self._click_stops = False
        self._stages: dict[str, float] = {}
        panel.set_voice_status(VOICE_STATUS if services.voice else VOICE_OFF, VOICE_UNAVAILABLE)
        self.controller: VoiceController | None = None
        if services.voice:
            self.controller = VoiceController(
                bridge,
                services.open_source or microphone_opener(services.load_sounddevice),
                services.build_pipeline or pipeline_builder(services.history),
                self,
            )
            self.controller.loading.connect(self._on_loading)
            self.controller.ready.connect(self._on_ready)
            self.controller.failed.connect(self._on_failed)
            self.controller.stopped.connect(self._on_stopped)
            self.push_to_talk.connect(self.controller.push_to_talk)
            self.mute_changed.connect(self.controller.set_muted)
        if tray is not None:
            tray.listen_requested.connect(lambda: self.handle_push_to_talk("toggle"))
            tray.mute_toggled.connect(self.set_muted)
        panel.talk_button.pressed.connect(self._talk_pressed)
        panel.talk_button.released.connect(self._talk_released)
        panel.cancel_button.clicked.connect(self.cancel)
        panel.mute_button.toggled.connect(self.set_muted)
        bridge.transcript.connect(panel.show_transcript)
        bridge.stage_ended.connect(self._on_stage_end)
        bridge.pipeline_state_changed.connect(self._on_pipeline_state)
        bridge.event_received.connect(self._on_event)

    def set_available(self, available: bool) -> None:
        """Enables Talk, Cancel, Mute, the tray's Listen/Mute, Space and ``ui.ptt``."""
        self.available = available
        self.panel.set_voice_enabled(available)
        if not available:
            self._set_talking(False)
        if self.tray is not None:
            self.tray.set_voice_available(available)

    def handle_push_to_talk(self, command: str) -> str:
        """press / release / toggle from Space, the tray or ``python -m ui.ptt``; the answer line."""
        wanted = {"press": True, "release": False}.get(command, not self.talking)
        if not self.available:
            why = self.problem or VOICE_STATUS.lower()
            self._show_status(
                f"Push-to-talk: voice is not available ({why}). Type a command instead."
            )
            return f"unavailable {why}"
        if self.muted and wanted:
            self._show_status("The microphone is muted: unmute to talk.")
            return "unavailable the microphone is muted"
        if wanted != self.talking:
            self._set_talking(wanted)
            self.push_to_talk.emit(wanted)
        return "ok listening" if wanted else "ok stopped"

    def space(self, pressed: bool) -> None:
        """Space held in the window talks; a release while voice is off says nothing twice."""
        if pressed:
            self.handle_push_to_talk("press")
        elif self.available:
            self.handle_push_to_talk("release")

    def cancel(self) -> None:
        """Cancel button and Esc: drop what the pipeline is doing (listening, thinking, speaking)."""
        if self.controller is None or self.controller.pipeline is None:
            return
        self._set_talking(False)
        self.controller.cancel()

    def set_muted(self, muted: bool) -> None:
        """Mute from the window or the tray: the microphone's audio is dropped, and it shows."""
        if muted == self.muted:
            return
        self.muted = muted
        self.panel.set_muted(muted)
        action = self.tray.mute_action if self.tray is not None else None
        if action is not None and action.isChecked() != muted:
            action.blockSignals(True)
            action.setChecked(muted)
            action.blockSignals(False)
        if muted and self.talking:
            self.handle_push_to_talk("release")
        self.mute_changed.emit(muted)
        self._show_listening()

    def _set_talking(self, talking: bool) -> None:
        self.talking = talking
        self.panel.set_talking(talking)

    def _talk_pressed(self) -> None:
        if self.talking:  # the second click of click-to-toggle
            self._click_stops = True
            self.handle_push_to_talk("release")
            return
        self._click_stops = False
        self._press_at = time.monotonic()
        self.handle_push_to_talk("press")

    def _talk_released(self) -> None:
        if self._click_stops:
            self._click_stops = False
            return
        if self.talking and time.monotonic() - self._press_at >= HOLD_S:
            self.handle_push_to_talk("release")  # held: hold-to-talk ends here

    # -- the pipeline's life ---------------------------------------------------------------------------

    def _show_listening(self) -> None:
        parts = self.controller.parts if self.controller is not None else None
        if parts is None:
            return
        if self.muted:
            text, hint = f"Microphone muted ({parts.device})", "microphone muted"
        else:
            text = f"Listening on {parts.device}"
            wake = f"say “{parts.wake_phrase}” or " if parts.wake_phrase else ""
            hint = f"{wake}hold Talk"
        self.panel.set_voice_status(text)
        self.panel.state.set_idle_hint(hint)

    def _on_loading(self) -> None:
        self.problem = ""
        self.panel.set_voice_status(VOICE_LOADING)
        self.panel.state.set_idle_hint("voice is loading")

    def _on_ready(self, _parts: VoiceParts) -> None:
        self.problem = ""
        self.set_available(True)
        if self.muted:  # muted before the pipeline ran: keep it so
            self.mute_changed.emit(True)
        self._show_listening()

    def _on_failed(self, message: str) -> None:
        self.problem = message
        self.set_available(False)
        text = f"Voice unavailable: {message}"
        self.panel.set_voice_status(
            text, f"{text}. Typed commands and the device cards still work."
        )
        self.panel.state.set_idle_hint("type a command")

    def _on_stopped(self) -> None:
        self.set_available(False)
        self.panel.voice_label.setText(VOICE_STATUS)
        self.panel.state.set_idle_hint("")

    # -- what the pipeline reports ---------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        match event:
            case AudioLevel():
                if not self.muted:
                    self.panel.level_meter.set_level(event.level)
            case WakeDetected():
                self.panel.show_hint("Listening…")
            case UtteranceTimings():
                self._on_timings(event)
            case Cancelled(reason="no-speech"):
                self._stages = {}
                self.panel.show_hint("(no command heard)")
            case Cancelled():
                self._stages = {}
                self.panel.show_hint("(cancelled)")

    def _on_pipeline_state(self, event: PipelineStateChanged) -> None:
        if event.previous is PipelineState.LISTENING and event.state is not PipelineState.LISTENING:
            self._set_talking(False)  # the utterance ended (released, end of speech, timeout)
        if event.state is PipelineState.LISTENING and event.previous is not PipelineState.WAKE:
            self.panel.show_hint("Listening…")  # push-to-talk (after the wake word, WakeDetected)

    def _on_stage_end(self, event: StageEnd) -> None:
        if event.stage is Stage.WAKE:  # the wait for the wake word that started this utterance
            self._stages = {Stage.WAKE.value: event.duration_ms}
        elif event.stage in _VOICE_STAGES:
            key = event.stage.value
            self._stages[key] = self._stages.get(key, 0.0) + event.duration_ms

    def _on_timings(self, event: UtteranceTimings) -> None:
        stages, self._stages = self._stages, {}
        self.panel.history.update_timings(event.turn_id, {**stages, **event.stages_ms})
