"""The home at a glance: device cards grouped by floor and area, kept live by DeviceChanged.

People think of their home as rooms on floors, so cards are laid out the same way, in the
order the home file lists them. The view only shows state and forwards the cards' requests;
the window decides how to run them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from assistant.home.model import Area, Device, Home
from ui.device_cards import CARD_MIN_WIDTH, DeviceCard, card_for
from ui.flow_layout import FlowLayout

OTHER_AREAS = "Other areas"
WHOLE_HOME = "Whole home"


def grouped(home: Home) -> list[tuple[str, list[tuple[str, list[Device]]]]]:
    """``[(floor title, [(area title, devices)])]`` in the home file's order, empty ones left out.

    Areas on no floor are gathered under "Other areas", devices in no area under "Whole home".
    """
    by_area: dict[str | None, list[Device]] = {}
    for device in home.devices.values():
        area = device.area if device.area in home.areas else None
        by_area.setdefault(area, []).append(device)

    def section(areas: list[Area]) -> list[tuple[str, list[Device]]]:
        return [(a.name, by_area[a.id]) for a in areas if by_area.get(a.id)]

    floors: list[tuple[str, list[tuple[str, list[Device]]]]] = []
    placed: set[str] = set()
    for floor in home.floors.values():
        ids = [a for a in floor.areas if a in home.areas]
        ids += [a.id for a in home.areas_on_floor(floor.id) if a.id not in ids]
        placed.update(ids)
        floors.append((floor.name, section([home.areas[a] for a in ids])))
    rest = section([a for a in home.areas.values() if a.id not in placed])
    if by_area.get(None):
        rest.append((WHOLE_HOME, by_area[None]))
    if rest:
        floors.append((OTHER_AREAS if home.floors else "", rest))
    return [(title, areas) for title, areas in floors if areas]


class HomeView(QScrollArea):
    """A scrolling page of floors → areas → device cards."""

    #: A tuple of Actions asked for by a card.
    action_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName("Home devices")
        self.cards: dict[str, DeviceCard] = {}
        self._page = QWidget()
        self._layout = QVBoxLayout(self._page)
        self._layout.setContentsMargins(16, 8, 16, 16)
        self._layout.setSpacing(8)
        self._placeholder = QLabel("Loading your home…")
        self._placeholder.setObjectName("secondary")
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self._placeholder)
        self._layout.addStretch(1)
        self.setWidget(self._page)

    @property
    def message(self) -> str:
        """What is shown instead of cards ("Loading your home…"); "" while cards are shown."""
        return self._placeholder.text() if not self._placeholder.isHidden() else ""

    def show_message(self, text: str) -> None:
        self._placeholder.setText(text)
        self._placeholder.show()

    def set_home(self, home: Home) -> None:
        """Rebuild all cards from a snapshot (on load, or when the layout changed)."""
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self._placeholder:
                widget.deleteLater()
        self.cards.clear()
        sections = grouped(home)
        self._layout.addWidget(self._placeholder)
        self._placeholder.setVisible(not sections)
        self._placeholder.setText("This home has no devices yet.")
        for floor_title, areas in sections:
            if floor_title:
                title = QLabel(floor_title)
                title.setObjectName("sectionTitle")
                self._layout.addWidget(title)
            for area_title, devices in areas:
                self._layout.addWidget(self._area(area_title, devices))
        self._layout.addStretch(1)

    def _area(self, title: str, devices: list[Device]) -> QWidget:
        box = QWidget()
        box.setAccessibleName(title)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 8)
        layout.setSpacing(6)
        label = QLabel(title)
        label.setObjectName("areaTitle")
        layout.addWidget(label)
        cards = QWidget()
        flow = FlowLayout(cards, spacing=10, min_width=CARD_MIN_WIDTH)
        for device in devices:
            card = card_for(device, cards)
            card.action_requested.connect(self.action_requested)
            flow.addWidget(card)
            self.cards[device.id] = card
        layout.addWidget(cards)
        return box

    def apply_change(self, device_id: str, state: str, attributes: dict[str, Any]) -> bool:
        """Show a DeviceChanged event; False when the device has no card (layout changed)."""
        card = self.cards.get(device_id)
        if card is None:
            return False
        card.apply_change(state, attributes)
        return True
