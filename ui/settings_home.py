"""Settings → Home: the backend, the home file and "this room".

The home file is read in the background (a file on a slow disk must not freeze the dialog) to
offer its areas as "this room"; a file that cannot be used is reported here and blocks saving.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from assistant.config import Config
from assistant.home.loader import load_home
from assistant.home.model import Area
from assistant.home.registry import BACKENDS, NOT_AVAILABLE
from ui.long_job import run_once
from ui.settings_common import FieldError, buddy, note, select


class HomeTab(QWidget):
    """The backend (only the simulated one is available), the home file and this room."""

    def __init__(
        self,
        areas: tuple[Area, ...] = (),
        session_home: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.areas = areas
        self.problem: str | None = None
        self._loaded_for: str | None = None
        form = QFormLayout(self)
        self.backend = QComboBox()
        self.backend.setAccessibleName("Home backend")
        model = QStandardItemModel(self.backend)
        self.backend.setModel(model)
        for spec in BACKENDS.values():
            label = spec.label if spec.available else f"{spec.label} — {NOT_AVAILABLE}"
            self.backend.addItem(label, spec.name)
            item = model.item(self.backend.count() - 1)
            item.setEnabled(spec.available)
            if not spec.available:
                item.setToolTip(f"The {spec.label} backend is {NOT_AVAILABLE}")
        form.addRow("&Backend", self.backend)

        self.home_file = QLineEdit()
        self.home_file.setAccessibleName("Home file")
        self.home_file.setPlaceholderText("The demo home that ships with Hearth")
        self.home_file.setClearButtonEnabled(True)
        browse = QPushButton("Browse…")
        browse.setAccessibleName("Choose a home file")
        browse.clicked.connect(self._choose_home_file)
        row = QHBoxLayout()
        row.addWidget(self.home_file, 1)
        row.addWidget(browse)
        form.addRow(buddy("Home &file", self.home_file), row)
        self.home_file.editingFinished.connect(self.home_file_changed)

        self.room = QComboBox()
        self.room.setAccessibleName("This room")
        self.room.setToolTip("Where this computer stands: “turn on the lights” means this room")
        form.addRow("This &room", self.room)
        self.home_status = note()
        form.addRow("", self.home_status)
        form.addRow(
            "",
            note(
                "Changing the home reloads the engine in the background; the window stays usable."
            ),
        )
        if session_home:
            form.addRow(
                "",
                note(
                    f"This session uses a temporary copy of {session_home} (from the command "
                    "line); choosing a home file here replaces it."
                ),
            )

    def load(self, config: Config) -> None:
        select(self.backend, config.home.backend)
        self.home_file.setText(config.home.home_file)
        self._fill_rooms(config.home.this_room)
        self.home_status.setText(self._areas_text())
        if config.home.home_file and not self.areas:
            self.home_file_changed()

    def apply(self, config: Config) -> Config:
        """``config`` with this tab's values; FieldError names the first bad one."""
        if self.problem is not None:
            raise FieldError(self.home_file, self.problem)
        home_file = self.home_file.text().strip()
        if home_file and not Path(home_file).expanduser().is_file():
            raise FieldError(self.home_file, f"The home file {home_file} does not exist.")
        room = self.room.currentData() or ""
        if room and self.areas and not any(a.id == room for a in self.areas):
            raise FieldError(self.room, f"This home has no area {room!r}; choose another room.")
        return replace(
            config,
            home=replace(
                config.home, backend=self.backend.currentData(), home_file=home_file, this_room=room
            ),
        )

    def home_file_changed(self) -> None:
        """Read the chosen home file in the background to offer its areas as "this room"."""
        text = self.home_file.text().strip()
        if text == self._loaded_for:
            return
        self._loaded_for = text
        self.home_status.setText("Reading the home file…")

        def done(areas: tuple[Area, ...]) -> None:
            if self._loaded_for != text:
                return  # an older read; a newer one is on its way
            self.problem = None
            selected = self.room.currentData() or ""
            self.areas = areas
            self._fill_rooms(selected)
            self.home_status.setText(self._areas_text())

        def failed(message: str) -> None:
            if self._loaded_for == text:
                self.problem = f"The home file cannot be used: {message}"
                self.home_status.setText(self.problem)

        run_once(self, lambda: tuple(load_home(text or None).areas.values()), done, failed)

    def _choose_home_file(self) -> None:
        start = self.home_file.text() or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose a home file", start, "Home files (*.yaml *.yml);;All files (*)"
        )
        if path:
            self.home_file.setText(path)
            self.home_file_changed()

    def _fill_rooms(self, selected: str) -> None:
        self.room.clear()
        self.room.addItem("Not set", "")
        for area in self.areas:
            self.room.addItem(area.name, area.id)
        if selected and select(self.room, selected) is None:
            match = next(
                (a for a in self.areas if selected.lower() in {a.id, a.name.lower()}), None
            )
            if match is not None:
                select(self.room, match.id)
            else:
                self.room.addItem(f"{selected} (not in this home)", selected)
                self.room.setCurrentIndex(self.room.count() - 1)

    def _areas_text(self) -> str:
        if not self.areas:
            return "Areas appear here once the home is loaded."
        return f"{len(self.areas)} areas: " + ", ".join(a.name for a in self.areas)
