"""One card per device: its live state, and the controls its domain supports.

Cards never call the engine themselves. A click, toggle or slider emits the neutral ``Action``s
it means (``action_requested``), and the window sends them through ``Conversation.run_actions``
so a card gets exactly the checks, confirmations and undo a spoken command gets. Which controls
appear is decided from ``effects.device_actions(device)`` (the domain's actions that the device's
capabilities allow), so a card never offers something the backend would refuse.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from assistant.home.commands import ActionKind
from assistant.home.effects import DEFAULT_TEMPERATURE_RANGE
from assistant.home.model import Device, Domain
from ui.device_card import (
    ACTIVE_STATES,
    CARD_HEIGHT,
    CARD_MIN_WIDTH,
    DeviceCard,
    Row,
    number_text,
    percent,
    title_text,
    toggle_button,
)
from ui.style import color_for

__all__ = [
    "CARD_HEIGHT",
    "CARD_MIN_WIDTH",
    "BinarySensorCard",
    "ClimateCard",
    "CoverCard",
    "DeviceCard",
    "LightCard",
    "LockCard",
    "MediaCard",
    "SceneCard",
    "SensorCard",
    "ToggleCard",
    "VacuumCard",
    "card_for",
]

_BINARY_WORDS = {
    "door": ("Open", "Closed"),
    "window": ("Open", "Closed"),
    "garage_door": ("Open", "Closed"),
    "opening": ("Open", "Closed"),
    "motion": ("Motion detected", "No motion"),
    "occupancy": ("Occupied", "Clear"),
    "presence": ("Home", "Away"),
    "moisture": ("Wet", "Dry"),
    "smoke": ("Smoke!", "Clear"),
}


class ToggleCard(DeviceCard):
    """Switches, fans and the like: one on/off toggle."""

    def build(self, layout: QVBoxLayout) -> None:
        self.toggle = toggle_button()
        self.toggle.setAccessibleName(f"{self.device.name} power")
        self.toggle.setToolTip(f"Turn {self.device.name} on or off")
        self.toggle.toggled.connect(self._toggled)
        self.toggle.setEnabled(self.can(ActionKind.TURN_ON) or self.can(ActionKind.TURN_OFF))
        extra = QHBoxLayout()
        extra.setSpacing(6)
        self.fill(extra)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addLayout(extra, 1)
        row.addWidget(self.toggle)
        layout.addLayout(row)

    def fill(self, extra: QHBoxLayout) -> None:
        """Controls left of the toggle (a brightness slider, a setpoint); none by default."""
        extra.addStretch(1)

    def _toggled(self, checked: bool) -> None:
        self.request(ActionKind.TURN_ON if checked else ActionKind.TURN_OFF)

    def on_state(self) -> bool:
        return self.device.state in ACTIVE_STATES

    def refresh(self) -> None:
        on = self.on_state()
        self.toggle.setChecked(on)
        self.toggle.setText("On" if on else "Off")


class LightCard(ToggleCard):
    """A light: toggle, colour swatch and, when dimmable, a brightness slider."""

    def fill(self, extra: QHBoxLayout) -> None:
        self.dimmable = self.can(ActionKind.SET_BRIGHTNESS)
        self.swatch = QLabel()
        self.swatch.setFixedSize(18, 18)
        self.swatch.setAccessibleName(f"{self.device.name} colour")
        extra.addWidget(self.swatch)
        self.brightness: QSlider | None = None
        if self.dimmable:
            self.brightness = self.slider(
                f"{self.device.name} brightness",
                lambda value: self.request(ActionKind.SET_BRIGHTNESS, brightness=value),
            )
            extra.addWidget(self.brightness, 1)
        else:
            extra.addStretch(1)

    def state_text(self) -> str:
        if self.device.state == "on" and self.dimmable:
            return f"On · {percent(self.device, 'brightness')}%"
        return super().state_text()

    def refresh(self) -> None:
        super().refresh()
        if self.brightness is not None:
            lit = self.device.state == "on"
            self.brightness.setValue(percent(self.device, "brightness") if lit else 0)
        name = self.device.attributes.get("color")
        color = color_for(name)
        self.swatch.setVisible(color is not None)
        if color is not None:
            self.swatch.setToolTip(f"Colour: {name}")
            self.swatch.setStyleSheet(
                f"background: {color.name()}; border: 1px solid palette(mid); border-radius: 9px;"
            )


class CoverCard(DeviceCard):
    """Blinds, curtains, garage doors: open, close and a position slider."""

    def build(self, layout: QVBoxLayout) -> None:
        name = self.device.name
        self.position = self.slider(
            f"{name} position", lambda value: self.request(ActionKind.SET_POSITION, position=value)
        )
        self.open_button = self.button(
            "Open", f"Open {name}", lambda: self.request(ActionKind.OPEN)
        )
        self.close_button = self.button(
            "Close", f"Close {name}", lambda: self.request(ActionKind.CLOSE)
        )
        self.offer(self.position, ActionKind.SET_POSITION)
        self.offer(self.open_button, ActionKind.OPEN)
        self.offer(self.close_button, ActionKind.CLOSE)
        row = Row(self.position, self.open_button, self.close_button, stretch_first=True)
        if not self.can(ActionKind.SET_POSITION):
            row.insertStretch(0, 1)  # the buttons keep their place on the right
        layout.addLayout(row)

    def state_text(self) -> str:
        if "position" in self.device.attributes:
            return f"{title_text(self.device.state)} · {percent(self.device, 'position')}%"
        return super().state_text()

    def refresh(self) -> None:
        self.position.setValue(percent(self.device, "position"))


class LockCard(DeviceCard):
    """A lock: one button that does the opposite of the current state (unlock asks first)."""

    def build(self, layout: QVBoxLayout) -> None:
        self.lock_button = QPushButton()
        self.lock_button.clicked.connect(self._clicked)
        layout.addLayout(Row(QWidget(), self.lock_button, stretch_first=True))

    def _clicked(self) -> None:
        self.request(ActionKind.UNLOCK if self.device.state == "locked" else ActionKind.LOCK)

    def is_active(self) -> bool:
        return self.device.state != "locked"  # highlight what needs attention

    def refresh(self) -> None:
        verb = "Unlock" if self.device.state == "locked" else "Lock"
        self.lock_button.setText(f"{verb}…" if verb == "Unlock" else verb)
        self.lock_button.setAccessibleName(f"{verb} {self.device.name}")
        self.lock_button.setToolTip(
            f"{verb} {self.device.name}" + (" (asks for confirmation)" if verb == "Unlock" else "")
        )


class ClimateCard(ToggleCard):
    """A thermostat: current temperature, target setpoint and on/off."""

    def fill(self, extra: QHBoxLayout) -> None:
        low, high = DEFAULT_TEMPERATURE_RANGE
        self.target = QDoubleSpinBox()
        self.target.setRange(
            float(self.device.attributes.get("min_temp", low)),
            float(self.device.attributes.get("max_temp", high)),
        )
        self.target.setSingleStep(0.5)
        self.target.setDecimals(1)
        self.target.setSuffix(f" {self.unit()}")
        self.target.setKeyboardTracking(False)
        self.target.setAccessibleName(f"{self.device.name} target temperature")
        self.target.setToolTip(f"{self.device.name} target temperature")
        self.target.valueChanged.connect(
            lambda value: self.request(ActionKind.SET_TEMPERATURE, temperature=value)
        )
        self.target.setEnabled(self.can(ActionKind.SET_TEMPERATURE))
        extra.addWidget(self.target, 1)

    def unit(self) -> str:
        return str(self.device.attributes.get("unit", "°C"))

    def state_text(self) -> str:
        current = self.device.attributes.get("current_temperature")
        now = f" · now {number_text(current)} {self.unit()}" if current is not None else ""
        return f"{title_text(self.device.state)}{now}"

    def refresh(self) -> None:
        super().refresh()
        target = self.device.attributes.get("temperature")
        if target is not None:
            self.target.setValue(float(target))


class MediaCard(DeviceCard):
    """A media player: title, previous/play-pause/next, power and volume."""

    def build(self, layout: QVBoxLayout) -> None:
        name = self.device.name
        self.previous = self.icon_button(
            QStyle.StandardPixmap.SP_MediaSkipBackward,
            f"{name} previous track",
            lambda: self.request(ActionKind.MEDIA_PREVIOUS),
        )
        self.play = self.icon_button(
            QStyle.StandardPixmap.SP_MediaPlay, f"Play {name}", self._play_pause
        )
        self.next = self.icon_button(
            QStyle.StandardPixmap.SP_MediaSkipForward,
            f"{name} next track",
            lambda: self.request(ActionKind.MEDIA_NEXT),
        )
        has_playlist = bool(self.device.attributes.get("playlist"))
        self.previous.setVisible(has_playlist)
        self.next.setVisible(has_playlist)
        self.offer(self.previous, ActionKind.MEDIA_PREVIOUS)
        self.offer(self.next, ActionKind.MEDIA_NEXT)
        self.offer(self.play, ActionKind.MEDIA_PLAY, ActionKind.MEDIA_PAUSE)
        self.power = toggle_button()
        self.power.setAccessibleName(f"{name} power")
        self.power.setToolTip(f"Turn {name} on or off")
        self.power.toggled.connect(
            lambda on: self.request(ActionKind.TURN_ON if on else ActionKind.TURN_OFF)
        )
        self.volume = self.slider(
            f"{name} volume", lambda value: self.request(ActionKind.SET_VOLUME, volume=value)
        )
        self.offer(self.power, ActionKind.TURN_ON, ActionKind.TURN_OFF)
        volume_icon = QLabel()
        volume_icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MediaVolume).pixmap(16, 16)
        )
        self.offer(volume_icon, ActionKind.SET_VOLUME)
        self.offer(self.volume, ActionKind.SET_VOLUME)
        row = Row(self.previous, self.play, self.next)
        row.addStretch(1)
        row.addWidget(self.power)
        layout.addLayout(row)
        layout.addLayout(Row(volume_icon, self.volume))

    def icon_button(
        self, icon: QStyle.StandardPixmap, accessible: str, on_click: Callable[[], None]
    ) -> QPushButton:
        widget = self.button("", accessible, on_click)
        widget.setIcon(self.style().standardIcon(icon))
        widget.setFixedWidth(36)
        return widget

    def _play_pause(self) -> None:
        playing = self.device.state == "playing"
        self.request(ActionKind.MEDIA_PAUSE if playing else ActionKind.MEDIA_PLAY)

    def state_text(self) -> str:
        title = self.device.attributes.get("media_title")
        if title and self.device.state in {"playing", "paused"}:
            return f"{title_text(self.device.state)} · {title}"
        return super().state_text()

    def refresh(self) -> None:
        playing = self.device.state == "playing"
        icon = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play.setIcon(self.style().standardIcon(icon))
        verb = "Pause" if playing else "Play"
        self.play.setAccessibleName(f"{verb} {self.device.name}")
        self.play.setToolTip(f"{verb} {self.device.name}")
        self.volume.setValue(percent(self.device, "volume"))
        on = self.device.state != "off"
        self.power.setChecked(on)
        self.power.setText("On" if on else "Off")
        title = self.device.attributes.get("media_title")
        self.state_label.setToolTip(str(title) if title else "")


class VacuumCard(DeviceCard):
    """Robot vacuums and mowers: start and send home."""

    def build(self, layout: QVBoxLayout) -> None:
        name = self.device.name
        start = self.button("Start", f"Start {name}", lambda: self.request(ActionKind.START))
        dock = self.button(
            "Dock", f"Send {name} home", lambda: self.request(ActionKind.RETURN_HOME)
        )
        self.offer(start, ActionKind.START)
        self.offer(dock, ActionKind.RETURN_HOME)
        layout.addLayout(Row(QWidget(), start, dock, stretch_first=True))


class SceneCard(DeviceCard):
    """Scenes, scripts and buttons: one Activate button."""

    def build(self, layout: QVBoxLayout) -> None:
        run = self.button(
            "Activate", f"Activate {self.device.name}", lambda: self.request(ActionKind.TURN_ON)
        )
        layout.addLayout(Row(QWidget(), run, stretch_first=True))
        members = self.device.attributes.get("entities") or {}
        self.summary = f"{len(members)} devices" if members else "Scene"

    def state_text(self) -> str:
        return self.summary

    def is_active(self) -> bool:
        return False


class SensorCard(DeviceCard):
    """A sensor: its reading, large."""

    def build(self, layout: QVBoxLayout) -> None:
        self.value = QLabel()
        self.value.setObjectName("reading")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        self.value.setFont(font)
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.value.setAccessibleName(f"{self.device.name} reading")
        layout.addWidget(self.value)

    def state_text(self) -> str:
        kind = self.device.device_class
        return title_text(kind) if kind else "Sensor"

    def refresh(self) -> None:
        unit = self.device.attributes.get("unit_of_measurement", "")
        self.value.setText(f"{number_text(self.device.state)} {unit}".strip())

    def is_active(self) -> bool:
        return False


class BinarySensorCard(DeviceCard):
    """A contact, motion or window sensor, in words that fit its kind."""

    def state_text(self) -> str:
        on_word, off_word = _BINARY_WORDS.get(self.device.device_class or "", ("On", "Off"))
        if self.device.state == "on":
            return on_word
        if self.device.state == "off":
            return off_word
        return super().state_text()

    def is_active(self) -> bool:
        return self.device.state == "on"


_CARDS: dict[Domain, type[DeviceCard]] = {
    Domain.LIGHT: LightCard,
    Domain.SWITCH: ToggleCard,
    Domain.FAN: ToggleCard,
    Domain.INPUT_BOOLEAN: ToggleCard,
    Domain.HUMIDIFIER: ToggleCard,
    Domain.WATER_HEATER: ToggleCard,
    Domain.VALVE: ToggleCard,
    Domain.COVER: CoverCard,
    Domain.LOCK: LockCard,
    Domain.CLIMATE: ClimateCard,
    Domain.MEDIA_PLAYER: MediaCard,
    Domain.VACUUM: VacuumCard,
    Domain.LAWN_MOWER: VacuumCard,
    Domain.SCENE: SceneCard,
    Domain.SCRIPT: SceneCard,
    Domain.BUTTON: SceneCard,
    Domain.SENSOR: SensorCard,
    Domain.BINARY_SENSOR: BinarySensorCard,
}


def card_for(device: Device, parent: QWidget | None = None) -> DeviceCard:
    """The card that fits the device's domain (a read-only card for domains without controls)."""
    card = _CARDS.get(device.domain, DeviceCard)(device, parent)
    card.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return card
