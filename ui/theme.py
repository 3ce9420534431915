"""Light and dark appearance: follow the desktop, or choose one (Settings → App → Appearance).

The widgets' stylesheet (ui/style.py) takes every colour from the palette, so switching is
only a matter of the application palette. "System" keeps the style's own palette (it follows
the desktop where the platform reports its theme); "Light" and "Dark" set a complete palette on
the Fusion style, whose drawing honours every palette role, so a desktop that gives Qt no dark
theme (a bare window manager, some Flatpak runtimes) can still have one.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget


class Theme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


LABELS = {Theme.SYSTEM: "Follow the desktop", Theme.LIGHT: "Light", Theme.DARK: "Dark"}

_ROLES = QPalette.ColorRole
#: role → (light, dark); contrast of text on its background is at least 4.5:1 in both.
_COLORS: dict[QPalette.ColorRole, tuple[str, str]] = {
    _ROLES.Window: ("#f6f8fa", "#1f2328"),
    _ROLES.WindowText: ("#1f2328", "#e6edf3"),
    _ROLES.Base: ("#ffffff", "#0d1117"),
    _ROLES.AlternateBase: ("#f0f2f5", "#161b22"),
    _ROLES.Text: ("#1f2328", "#e6edf3"),
    _ROLES.PlaceholderText: ("#59636e", "#9198a1"),
    _ROLES.Button: ("#eef1f4", "#2d333b"),
    _ROLES.ButtonText: ("#1f2328", "#e6edf3"),
    _ROLES.BrightText: ("#ffffff", "#ffffff"),
    _ROLES.Highlight: ("#0969da", "#1f6feb"),
    _ROLES.HighlightedText: ("#ffffff", "#ffffff"),
    _ROLES.Link: ("#0969da", "#4493f8"),
    _ROLES.ToolTipBase: ("#ffffff", "#2d333b"),
    _ROLES.ToolTipText: ("#1f2328", "#e6edf3"),
    _ROLES.Light: ("#ffffff", "#3d444d"),
    _ROLES.Midlight: ("#e1e4e8", "#30363d"),
    _ROLES.Mid: ("#afb8c1", "#545d68"),
    _ROLES.Dark: ("#8c959f", "#161b22"),
    _ROLES.Shadow: ("#6e7781", "#010409"),
}
#: Disabled text: dimmer, still readable.
_DISABLED = ("#8c959f", "#6e7681")


def palette_for(theme: Theme) -> QPalette | None:
    """The full palette of a chosen theme; None for "follow the desktop"."""
    if theme is Theme.SYSTEM:
        return None
    index = 1 if theme is Theme.DARK else 0
    palette = QPalette()
    for role, colors in _COLORS.items():
        palette.setColor(role, QColor(colors[index]))
    for role in (_ROLES.WindowText, _ROLES.Text, _ROLES.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(_DISABLED[index]))
    return palette


#: The style the platform chose before Hearth changed it, to go back to for "System".
_platform_style: str | None = None


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Use ``theme`` for every window of ``app`` from now on."""
    global _platform_style
    if _platform_style is None:
        _platform_style = app.style().name()
    palette = palette_for(theme)
    if palette is None:
        style = QStyleFactory.create(_platform_style)
        if style is not None:
            app.setStyle(style)
        app.setPalette(app.style().standardPalette())
    else:
        fusion = QStyleFactory.create("Fusion")
        if fusion is not None:
            app.setStyle(fusion)
        app.setPalette(palette)
    _restyle(app)


def _restyle(app: QApplication) -> None:
    """Windows already open take the new palette too.

    A style sheet resolves its ``palette(...)`` colours when a widget is polished and pins them
    to the widget, so a palette change alone would leave open windows in the old colours; set
    again, the sheet resolves them anew.
    """
    for window in app.topLevelWidgets():
        for widget in [window, *window.findChildren(QWidget)]:
            sheet = widget.styleSheet()
            if sheet:
                widget.setStyleSheet("")
                widget.setStyleSheet(sheet)


def contrast(foreground: QColor, background: QColor) -> float:
    """WCAG 2 contrast ratio (1 to 21) of two colours."""

    def luminance(color: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(color.redF())
            + 0.7152 * channel(color.greenF())
            + 0.0722 * channel(color.blueF())
        )

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)
