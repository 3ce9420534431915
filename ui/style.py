"""Look and feel shared by the widgets, derived from the system palette.

Colours come from ``palette(...)`` roles so the window follows the desktop's light or dark theme;
the only fixed colours are mid-tone accents (state dots, timing segments, device colours) that
read on both light and dark backgrounds.
"""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

#: Colour names used by home files and voice commands that Qt does not know.
_NAMED_COLORS = {
    "warm white": "#ffd8a1",
    "soft white": "#ffe6c4",
    "cool white": "#e6efff",
    "daylight": "#f2f6ff",
}

#: Accent for each pipeline stage in the timing bars (a categorical set, theme-neutral).
STAGE_COLORS = {
    "wake": "#8b949e",
    "vad": "#a371f7",
    "asr": "#d29922",
    "intent": "#2f81f7",
    "cloud": "#db61a2",
    "action": "#3fb950",
    "reply": "#f0883e",
    "other": "#8b949e",
}

#: Dot colour for each assistant state.
STATE_COLORS = {
    "loading": "#8b949e",
    "idle": "#3fb950",
    "listening": "#db61a2",
    "thinking": "#d29922",
    "speaking": "#f0883e",
    "confirm": "#2f81f7",
    "error": "#f85149",
}

#: Badge colour for each recognition source; cloud stands out on purpose (privacy).
SOURCE_COLORS = {
    "local": "#3fb950",
    "fuzzy": "#d29922",
    "semantic": "#a371f7",
    "cloud": "#db61a2",
    "direct": "#2f81f7",
}

STYLESHEET = """
QFrame#card {
    border: 1px solid palette(mid);
    border-radius: 8px;
    background: palette(base);
}
QFrame#card[active="true"] {
    border: 2px solid palette(highlight);
}
QFrame#panel {
    border: 1px solid palette(mid);
    border-radius: 8px;
}
QFrame#confirmBox {
    border: 2px solid palette(highlight);
    border-radius: 6px;
}
QPushButton#toggle {
    border: 1px solid palette(mid);
    border-radius: 12px;
    padding: 3px 14px;
    background: palette(button);
    color: palette(button-text);
}
QPushButton#toggle:checked {
    background: palette(highlight);
    color: palette(highlighted-text);
    border-color: palette(highlight);
}
QPushButton#toggle:focus { border: 2px solid palette(text); }
QPushButton#toggle:disabled { color: palette(mid); }
QLabel#cardTitle { font-weight: 600; }
QLabel#secondary { color: palette(placeholder-text); }
QLabel#sectionTitle { font-size: 15pt; font-weight: 600; }
QLabel#areaTitle { font-size: 11pt; font-weight: 600; color: palette(placeholder-text); }
QLabel#reply { font-size: 14pt; }
QLabel#panelTitle { font-weight: 600; }
QLabel#transcript { font-size: 12pt; }
QLabel#transcript[partial="true"] { color: palette(placeholder-text); font-style: italic; }
QPushButton#talk {
    min-height: 44px;
    min-width: 150px;
    font-size: 12pt;
    font-weight: 600;
    border: 2px solid palette(highlight);
    border-radius: 22px;
    padding: 4px 18px;
}
QPushButton#talk[talking="true"] {
    background: palette(highlight);
    color: palette(highlighted-text);
}
QPushButton#talk:disabled { border-color: palette(mid); color: palette(mid); }
"""


def color_for(name: str | None) -> QColor | None:
    """A QColor for a device's colour attribute, or None when it names no colour we know."""
    if not name:
        return None
    text = str(name).strip().lower()
    text = _NAMED_COLORS.get(text, text)
    if QColor.isValidColorName(text):
        return QColor.fromString(text)
    squashed = text.replace(" ", "")
    return QColor.fromString(squashed) if QColor.isValidColorName(squashed) else None


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property used in a selector changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def badge_css(color: str) -> str:
    """A small rounded label with white text on an accent colour (readable in both themes)."""
    return (
        f"background: {color}; color: white; border-radius: 8px; padding: 1px 8px;"
        " font-weight: 600;"
    )
