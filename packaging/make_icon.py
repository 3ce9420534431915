"""Write Hearth's icon as image files for the installers: PNG (Linux), ICO (Windows), ICNS (macOS).

The app draws its icon in code (ui/icon.py) so it needs no image files; desktop launchers, Inno
Setup and macOS bundles do, so they are rendered from the same drawing at build time.

    python packaging/make_icon.py OUT_DIR        # writes hearth.png (256 px), .ico and .icns
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QGuiApplication, QImageWriter

from ui.icon import app_icon

#: The PNG's size: what hicolor's 256x256/apps folder expects.
PNG_SIZE = 256


def write_icons(out: Path) -> list[Path]:
    """Render the icon into ``out``; ICO/ICNS only where Qt's image plugins for them exist."""
    _app = QGuiApplication.instance() or QGuiApplication([])
    out.mkdir(parents=True, exist_ok=True)
    icon = app_icon()
    written = []
    formats = {bytes(f).decode() for f in QImageWriter.supportedImageFormats()}
    for suffix in ("png", "ico", "icns"):
        if suffix != "png" and suffix not in formats:
            continue
        path = out / f"hearth.{suffix}"
        if not icon.pixmap(PNG_SIZE, PNG_SIZE).save(str(path), suffix.upper()):
            raise OSError(f"could not write {path}")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "build/icons")
    for written_path in write_icons(target):
        print(written_path)
