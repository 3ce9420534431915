"""Settings → Voice → Speech recognition: the engine, its model, and getting a missing model.

The model list shows every catalog model the engine can load with its size, licence and install
state; a missing one that can be downloaded gets a Download button right under the list (see
:mod:`ui.model_fetch`), and once it is installed it is selected, ready to save.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QWidget

from assistant.config import Config
from assistant.speech.registry import ENGINES as SPEECH_ENGINES
from models.catalog import UrlSource
from models.store import ModelStore
from ui.model_fetch import ModelFetchPanel, how_to_install
from ui.settings_common import FieldError, note, select
from ui.settings_models import Installed, ModelChoice, model_choices


class SpeechGroup(QGroupBox):
    """Engine and model; ``model_installed`` reports a download so other groups can refresh."""

    model_installed = Signal(str, str)  # model id, folder

    def __init__(self, store: ModelStore, parent: QWidget | None = None) -> None:
        super().__init__("Speech recognition", parent)
        self.store = store
        self.installed: Installed | None = None
        self._config_engine = ""
        self._config_model = ""
        self._language = "en"
        form = QFormLayout(self)
        self.speech_engine = QComboBox()
        self.speech_engine.setAccessibleName("Speech engine")
        for name, spec in SPEECH_ENGINES.items():
            self.speech_engine.addItem(spec.label, name)
        form.addRow("&Engine", self.speech_engine)
        self.speech_model = QComboBox()
        self.speech_model.setAccessibleName("Speech model")
        self.speech_model.addItem("Checking installed models…", None)
        form.addRow("&Model", self.speech_model)
        self.speech_info = note(name="About the speech model")
        form.addRow("", self.speech_info)
        self.fetch = ModelFetchPanel(store, "speech model")
        self.fetch.installed.connect(self._downloaded)
        form.addRow("", self.fetch)
        self.speech_engine.currentIndexChanged.connect(self.fill_models)
        self.speech_model.currentIndexChanged.connect(self._show_model_info)

    def load(self, config: Config) -> None:
        self._config_engine, self._config_model = config.speech.engine, config.speech.model
        self._language = config.speech.language
        select(self.speech_engine, config.speech.engine)

    def set_installed(self, installed: Installed) -> None:
        self.installed = installed
        for index in range(self.speech_engine.count()):
            name = self.speech_engine.itemData(index)
            spec = SPEECH_ENGINES[name]
            if not installed.packages.get(spec.package, False):
                self.speech_engine.setItemText(index, f"{spec.label} — not installed")
        self.fill_models()

    def fill_models(self, _index: int = -1, *, choose_id: str | None = None) -> None:
        """The chosen engine's models; the configured one (or ``choose_id``) selected."""
        if self.installed is None:
            return
        engine = self.speech_engine.currentData()
        current = self._config_model if engine == self._config_engine else ""
        self.speech_model.blockSignals(True)
        self.speech_model.clear()
        choices = model_choices(
            engine, current, self.installed, self.store.catalog, language=self._language
        )
        for choice in choices:
            self.speech_model.addItem(choice.label, choice)
        choices = [self.speech_model.itemData(i) for i in range(self.speech_model.count())]
        wanted = next(
            (i for i, c in enumerate(choices) if choose_id and c.model_id == choose_id), None
        )
        if wanted is None:
            wanted = next((i for i, c in enumerate(choices) if c.value == current), None)
        if wanted is not None:
            self.speech_model.setCurrentIndex(wanted)
        self.speech_model.blockSignals(False)
        self._show_model_info()

    def apply(self, config: Config) -> Config:
        model = self.speech_model.currentData()
        speech_model = config.speech.model
        if isinstance(model, ModelChoice):
            if not model.installed:
                raise FieldError(self.speech_model, self._not_installed(model))
            speech_model = model.value
        return replace(
            config,
            speech=replace(
                config.speech, engine=self.speech_engine.currentData(), model=speech_model
            ),
        )

    def _not_installed(self, model: ModelChoice) -> str:
        if model.model_id is None:
            return f"The speech model {model.value} does not exist."
        spec = self.store.catalog.get(model.model_id)
        if spec is None or isinstance(spec.source, UrlSource):
            return (
                f"The speech model {model.model_id} is not installed. Press Download under it, "
                f"or run: hearth models fetch {model.model_id}"
            )
        return f"The speech model {model.model_id} is not installed. {how_to_install(spec)}"

    def _show_model_info(self) -> None:
        choice = self.speech_model.currentData()
        if not isinstance(choice, ModelChoice):
            return
        engine = self.speech_engine.currentData()
        spec = SPEECH_ENGINES[engine]
        lines = []
        if self.installed is not None and not self.installed.packages.get(spec.package, False):
            extra = spec.extra
            lines.append(f"The {engine} engine is not installed: pip install 'hearth[{extra}]'.")
        if choice.detail:
            lines.append(choice.detail)
        self.speech_info.setText(" ".join(lines))
        spec = self.store.catalog.get(choice.model_id) if choice.model_id else None
        state = self.installed.state(spec.id) if spec and self.installed else None
        if spec is not None and state is not None:
            self.fetch.show_model(spec, state)
        else:
            self.fetch.show_model(None, self.fetch.state)

    def _downloaded(self, model_id: str, path: str) -> None:
        if self.installed is not None:
            self.installed = self.installed.with_model(model_id, path)
        self.model_installed.emit(model_id, path)
        self.fill_models(choose_id=model_id)
