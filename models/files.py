"""Writing small files so that a crash never leaves half of one.

Lives in ``models`` (which depends on nothing else of Hearth's) so that the config, the model
store's measurements and anything else can share the one implementation.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_text(file: Path, text: str) -> None:
    """Replace a file's contents so that readers see the old or the new file, never a mix."""
    file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{file.name}.", dir=file.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
