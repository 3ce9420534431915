"""Where the licences of Hearth's parts can be read: About shows them, bug reports may cite them.

The installers (PyInstaller bundles, see packaging/) carry a ``LICENSES`` folder beside the code
with the licence of every bundled library and model and an index, README.txt. Run from pip or a
source checkout there is no such folder: each package's licence is in its own metadata then.
The models a fresh install uses, and their licences, come from the model catalog either way.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from models.catalog import CATALOG, INSTALLER_MODEL_IDS

LICENSES_FOLDER = "LICENSES"
LICENSES_INDEX = "README.txt"


@dataclass(frozen=True)
class ModelLicence:
    model_id: str
    license: str


def bundled_licenses_dir() -> Path | None:
    """The bundle's LICENSES folder; None outside an installer's bundle (pip, source)."""
    base = getattr(sys, "_MEIPASS", None)
    if not getattr(sys, "frozen", False) or not base:
        return None
    folder = Path(base) / LICENSES_FOLDER
    return folder if (folder / LICENSES_INDEX).is_file() else None


def default_model_licences() -> list[ModelLicence]:
    """The licence of each model a fresh install runs with (the ones the installers bundle)."""
    return [ModelLicence(model_id, CATALOG[model_id].license) for model_id in INSTALLER_MODEL_IDS]
