"""The first-run speed check's panel: run the benchmark, show how each engine did, recommend one.

The measuring is :mod:`assistant.speech.speed_check` (Qt-free); this panel runs it on a
:class:`~ui.long_job.LongJob` thread, shows its progress, and turns the report into one sentence
and a "Use this" button. It never decides anything by itself: cancelled, failed or ignored, the
engine in the config stays as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from assistant import config as config_module
from assistant.config import Config
from assistant.speech.speed_check import (
    SpeedCheckCancelled,
    SpeedCheckError,
    SpeedReport,
    Step,
    installed_engines,
    run_speed_check,
)
from models.store import ModelStore
from ui.long_job import LongJob, one_line
from ui.settings_common import note

#: Runs the check: gets a progress callback (:class:`Step` values) and the cancel event.
Measurer = Callable[[Callable[[object], None], threading.Event], SpeedReport]


def engine_measurer(config: Config, store: ModelStore | None = None) -> Measurer:
    """The real check on this machine: every installed engine that is cheap to load."""

    def measure(report: Callable[[object], None], cancel: threading.Event) -> SpeedReport:
        engines = installed_engines(config.speech, store or ModelStore(config_module.cache_dir()))
        if not engines:
            raise SpeedCheckError(
                "no speech engine is installed (pip install 'hearth[speech]'), or the language "
                "is not English"
            )
        return run_speed_check(engines, config.speech, progress=report, cancel=cancel)

    return measure


class SpeedCheckPanel(QWidget):
    """Start, progress and Cancel while it runs; then the recommendation and "Use this"."""

    #: The engine the person chose to use (``speech.engine``).
    engine_chosen = Signal(str)

    def __init__(
        self,
        current_engine: str,
        measure: Measurer,
        parent: QWidget | None = None,
        keep: Callable[[SpeedReport], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.current_engine = current_engine
        self.measure = measure
        #: Keeps a finished report (records it where Settings and `hearth models list` read).
        self.keep = keep
        self.report: SpeedReport | None = None
        self.job = LongJob(self, self._progress, self._done, self._failed)

        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName("Speed check progress")
        self.progress_bar.setTextVisible(False)
        self.status = note("Not run yet.", "Speed check status")
        self.result = QLabel()
        self.result.setObjectName("panelTitle")
        self.result.setWordWrap(True)
        self.result.setAccessibleName("Recommended speech engine")
        self.details = note(name="Every engine's result")
        self.use_button = QPushButton("Use this")
        self.use_button.setAccessibleName("Use the recommended speech engine")
        self.use_button.clicked.connect(self.use_recommended)
        self.run_button = QPushButton("Run the check")
        self.run_button.setAccessibleName("Run the speed check")
        self.run_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the speed check")
        self.cancel_button.clicked.connect(self.cancel)

        buttons = QHBoxLayout()
        buttons.addWidget(self.use_button)
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.progress_bar)
        column.addWidget(self.result)
        column.addWidget(self.details)
        column.addWidget(self.status)
        column.addLayout(buttons)
        self._show(running=False)

    @property
    def running(self) -> bool:
        return self.job.running

    @property
    def has_run(self) -> bool:
        return self.running or self.report is not None

    def start(self) -> None:
        if self.running:
            return
        self.report = None
        self.result.clear()
        self.details.clear()
        self.progress_bar.setRange(0, 0)  # busy until the first step says how many there are
        self.status.setText("Starting…")
        self._show(running=True)
        self.job.start(self.measure, name="hearth-speed-check")

    def cancel(self) -> None:
        if self.running:
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling after the current step…")
            self.job.cancel()

    def use_recommended(self) -> None:
        best = self.report.recommended if self.report is not None else None
        if best is None:
            return
        self.current_engine = best.engine
        self.use_button.setEnabled(False)
        self.use_button.setText("Chosen")
        self.status.setText(f"Hearth will use {best.engine}. Nothing else changes.")
        self.engine_chosen.emit(best.engine)

    # -- job ------------------------------------------------------------------------------------------

    def _show(self, *, running: bool) -> None:
        self.progress_bar.setVisible(running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(True)
        self.run_button.setVisible(not running)
        self.run_button.setText("Run again" if self.report is not None else "Run the check")
        best = self.report.recommended if self.report is not None else None
        self.use_button.setVisible(
            not running and best is not None and best.engine != self.current_engine
        )
        self.use_button.setEnabled(True)
        self.use_button.setText("Use this")
        self.result.setVisible(bool(self.result.text()))
        self.details.setVisible(bool(self.details.text()))

    def _progress(self, step: object) -> None:
        if not isinstance(step, Step) or not self.cancel_button.isEnabled():
            return
        self.progress_bar.setRange(0, step.total)
        self.progress_bar.setValue(step.done)
        self.status.setText(step.message)

    def _done(self, report: object) -> None:
        if not isinstance(report, SpeedReport):
            return
        self.report = report
        best = report.recommended
        others = [r.summary() for r in report.results if r is not best]
        if best is None:
            self.result.setText("No engine understood the test commands.")
            self.status.setText("Hearth keeps its current speech engine.")
        else:
            self.result.setText(f"Recommended — {best.summary()}")
            self.status.setText(
                f"Hearth already uses {best.engine}."
                if best.engine == self.current_engine
                else f"Hearth uses {self.current_engine} now; press Use this to switch."
            )
        voice = f"Commands spoken by {report.voice}."
        self.details.setText("\n".join([*others, voice]))
        if self.keep is not None:
            try:
                self.keep(report)
            except OSError as err:
                self.details.setText(
                    f"{self.details.text()}\nThe results could not be kept: {one_line(err)}."
                )
        self._show(running=False)

    def _failed(self, err: BaseException) -> None:
        if isinstance(err, SpeedCheckCancelled):
            self.status.setText("Speed check cancelled. Hearth keeps its current speech engine.")
        else:
            reason = one_line(err)
            self.status.setText(
                f"The speed check could not run: {reason}. Hearth keeps its current speech engine."
            )
        self._show(running=False)
