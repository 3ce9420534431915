"""What the engine reports, on screen: loading, turns, the home's devices, errors.

Every bridge signal about the engine's state lands here and nowhere else, so there is one place
that decides what the state indicator says when a typed command, a voice turn and a pipeline
state change overlap, and one place that knows which of those news are worth a desktop
notification while the window is hidden. Typed, spoken and clicked turns all end up in
``show_turn``, which is why they look the same.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from assistant.conversation import TurnResult
from assistant.events import (
    Cancelled,
    ConfirmationRequested,
    DeviceChanged,
    ErrorEvent,
    Event,
    PipelineState,
    PipelineStateChanged,
)
from assistant.events import TurnCompleted as TurnCompletedEvent
from assistant.home.model import Home
from assistant.runtime import Runtime
from ui.bridge import EngineBridge
from ui.conversation_panel import WELCOME, ConversationPanel
from ui.home_view import HomeView
from ui.status import AssistantState
from ui.turn_records import turn_from_event

#: How long device changes are gathered into one notification (a scene changes many at once).
NOTIFY_DELAY_MS = 400
#: How often the window looks for changes other processes made to the home (ms).
REFRESH_MS = 1000
#: How long after a question's deadline the window checks that the engine dropped it.
QUESTION_SLACK_MS = 250
#: At most this many device changes are named in one notification; the rest are counted.
NOTIFY_NAMED = 3

_PIPELINE_STATES = {
    PipelineState.IDLE: AssistantState.IDLE,
    PipelineState.WAKE: AssistantState.LISTENING,
    PipelineState.LISTENING: AssistantState.LISTENING,
    PipelineState.TRANSCRIBING: AssistantState.THINKING,
    PipelineState.ACTING: AssistantState.THINKING,
    PipelineState.REPLYING: AssistantState.SPEAKING,
    PipelineState.ERROR: AssistantState.ERROR,
}


class EngineDisplay(QObject):
    """Connects the bridge's results and events to the conversation column and the home view."""

    def __init__(
        self,
        bridge: EngineBridge,
        panel: ConversationPanel,
        home_view: HomeView,
        notify: Callable[[str], None],  # a desktop notification, if the window is hidden
        is_hidden: Callable[[], bool],
        show_status: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.panel = panel
        self.home_view = home_view
        self.home: Home | None = None
        self._notify = notify
        self._is_hidden = is_hidden
        self._show_status = show_status
        self._pending_changes: list[str] = []
        self._notify_timer = QTimer(self)
        self._notify_timer.setSingleShot(True)
        self._notify_timer.setInterval(NOTIFY_DELAY_MS)
        self._notify_timer.timeout.connect(self._notify_changes)
        # ``hearth parse``, ``hearth ptt`` and voice may change the home from other processes.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(bridge.refresh_home)
        # A question expires in the engine after its timeout: look again then, and hide it.
        self._question_timer = QTimer(self)
        self._question_timer.setSingleShot(True)
        self._question_timer.timeout.connect(self.check_question)
        bridge.confirmation_requested.connect(self._on_confirmation)
        bridge.event_received.connect(self._on_event)
        bridge.runtime_ready.connect(self._on_ready)
        bridge.runtime_failed.connect(self._on_load_failed)
        bridge.runtime_reloading.connect(self._on_reloading)
        bridge.home_loaded.connect(self._on_home)
        bridge.busy_changed.connect(self._on_busy)
        bridge.turn_finished.connect(self.show_turn)
        bridge.turn_failed.connect(self._on_turn_failed)
        bridge.turn_completed.connect(self._on_turn_completed)
        bridge.device_changed.connect(self._on_device_changed)
        bridge.reply.connect(lambda event: panel.reply.setText(event.text))
        bridge.error.connect(self._on_error_event)
        bridge.pipeline_state_changed.connect(self._on_pipeline_state)

    # -- the engine's life -------------------------------------------------------------------------------

    def _on_ready(self, runtime: Runtime) -> None:
        panel = self.panel
        panel.state.set_state(AssistantState.IDLE)
        panel.reply.setText(WELCOME)
        panel.set_commands_enabled(True)
        panel.command.setFocus()
        panel.set_cloud(runtime.config.cloud.enabled)
        self.bridge.fetch_home()
        self._refresh_timer.start()

    def _on_load_failed(self, message: str) -> None:
        self._refresh_timer.stop()
        self.panel.state.set_state(AssistantState.ERROR, message)
        self.panel.reply.setText(f"Hearth could not start: {message}")
        self.home_view.show_message("The home could not be loaded.")

    def _on_reloading(self) -> None:
        self._refresh_timer.stop()
        self.panel.state.set_state(AssistantState.LOADING, "Applying the new settings")
        self.panel.set_commands_enabled(False)

    def _on_home(self, home: Home) -> None:
        self.home = home
        self.home_view.set_home(home)
        self.panel.set_home_summary(home)

    # -- turns -----------------------------------------------------------------------------------------------

    def show_turn(self, result: TurnResult) -> None:
        """A turn this window started: the reply, the intent card, a history row, the state."""
        panel = self.panel
        panel.reply.setText(result.response)
        panel.intent_card.show_result(result, self.home)
        panel.history.add_result(result)
        if result.confirmation_required:
            panel.state.set_state(AssistantState.CONFIRM)
        elif self.bridge.busy:
            panel.state.set_state(AssistantState.THINKING)
        else:
            panel.state.set_state(AssistantState.IDLE)

    def _on_turn_completed(self, event: TurnCompletedEvent, ours: bool) -> None:
        """Show turns this window did not start (voice, other front ends) like its own."""
        if ours:
            return
        result = turn_from_event(event, event.confidence)
        self._pending_changes.clear()  # the reply says it better than a list of devices
        self._notify_timer.stop()
        self.panel.reply.setText(result.response)
        undoable = event.changed and result.intent != "HearthUndo"
        self.panel.intent_card.show_result(result, self.home, undoable=undoable)
        self.panel.history.add_result(result, turn_id=event.turn_id)
        if result.response:
            self._notify(result.response)

    # -- the pending question: shown exactly as long as the engine keeps it ---------------------------

    def _on_confirmation(self, event: ConfirmationRequested) -> None:
        # A little after the engine's own deadline, so the engine has surely dropped it.
        self._question_timer.start(round(event.expires_in_s * 1000) + QUESTION_SLACK_MS)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, Cancelled):  # a spoken "stop" or Cancel may have dropped it
            self.check_question()

    def check_question(self) -> None:
        """Ask the engine whether the question shown still waits; hide Yes/No when not."""
        runtime = self.bridge.runtime
        if runtime is None or not self.panel.intent_card.asking:
            return
        conversation = runtime.conversation
        self.bridge.submit_background(
            conversation.pending_question, self._show_question_state, lambda _message: None
        )

    def _show_question_state(self, question: str | None) -> None:
        if question is not None:
            return
        self._question_timer.stop()
        self.panel.intent_card.clear_confirmation()
        if self.panel.state.state is AssistantState.CONFIRM:
            self.panel.state.set_state(AssistantState.IDLE)

    def _on_turn_failed(self, message: str) -> None:
        self.panel.state.set_state(AssistantState.ERROR, message)
        self.panel.reply.setText(f"Sorry, something went wrong: {message}")

    # -- state and errors --------------------------------------------------------------------------------

    def _on_busy(self, busy: bool) -> None:
        state = self.panel.state
        if state.state is AssistantState.LOADING:
            return  # building the engine keeps the worker busy: that is loading, not thinking
        if busy:
            state.set_state(AssistantState.THINKING)
        elif state.state is AssistantState.THINKING:
            state.set_state(AssistantState.IDLE)

    def _on_error_event(self, event: ErrorEvent) -> None:
        self.panel.state.set_state(AssistantState.ERROR, event.message)
        self._show_status(f"{event.stage.value}: {event.message}")

    def _on_pipeline_state(self, event: PipelineStateChanged) -> None:
        state = self.panel.state
        if event.state is PipelineState.ERROR:
            return  # the ErrorEvent just before says what went wrong; idle follows at once
        if event.state is PipelineState.IDLE and state.state is AssistantState.ERROR:
            return  # keep the error readable until the next thing happens
        if event.state is PipelineState.IDLE and self.bridge.busy:
            return  # a typed command is still running
        state.set_state(_PIPELINE_STATES.get(event.state, AssistantState.IDLE))

    # -- devices -------------------------------------------------------------------------------------------

    def _on_device_changed(self, event: DeviceChanged) -> None:
        if self.home is not None and event.device_id in self.home.devices:
            device = self.home.devices[event.device_id]
            self.home = self.home.with_device(device.with_state(event.state, event.attributes))
        shown = self.home_view.apply_change(event.device_id, event.state, event.attributes)
        if not shown and self.home is not None:
            self.bridge.fetch_home()  # a device we have no card for: the layout changed
        if self._is_hidden() and self.home is not None and event.device_id in self.home.devices:
            name = self.home.devices[event.device_id].name
            self._pending_changes.append(f"{name}: {event.state.replace('_', ' ')}")
            self._notify_timer.start()

    def _notify_changes(self) -> None:
        changes, self._pending_changes = self._pending_changes, []
        if not changes:
            return
        if len(changes) > NOTIFY_NAMED:
            changes = [*changes[:NOTIFY_NAMED], f"and {len(changes) - NOTIFY_NAMED} more"]
        self._notify("; ".join(changes))
