"""The front ends the bundle must start: the desktop app and push-to-talk, found by entry point.

`hearth gui` and `hearth ptt` look their ``main`` up in Hearth's ``hearth.frontends`` entry-point
group (assistant/cli/frontends.py): the engine never imports ``ui``. PyInstaller cannot follow
an import made that way, so the spec (hearth.spec) adds the modules named here as hidden imports
and copies Hearth's metadata into the bundle (``copy_metadata("hearth")``), where
``importlib.metadata`` finds the same group. Metadata without the group (Hearth installed from
before it existed) stops the build with one line that says what to do, rather than building a
bundle whose window never opens.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import metadata

#: The entry-point group of assistant/cli/frontends.py (a test checks the two agree).
GROUP = "hearth.frontends"
#: Every bundle starts these: the window (also `hearth` with no command) and push-to-talk.
REQUIRED = ("gui", "ptt")


class FrontendsMissing(RuntimeError):
    """Hearth's installed metadata does not register every required front end."""


def frontend_modules(entry_points: Iterable[metadata.EntryPoint] | None = None) -> list[str]:
    """The modules of the required front ends, from Hearth's metadata (or ``entry_points``)."""
    points = metadata.distribution("hearth").entry_points if entry_points is None else entry_points
    found = {point.name: point.module for point in points if point.group == GROUP}
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise FrontendsMissing(
            f"Hearth's metadata registers no {', '.join(missing)} in the {GROUP} entry points; "
            "reinstall Hearth into the build environment (pip install -e .) and build again"
        )
    return sorted({found[name] for name in REQUIRED})
