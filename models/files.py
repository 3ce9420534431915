"""Reading and writing the small files Hearth keeps, so that a crash never leaves half of one
and a hostile path (``/dev/zero``, a FIFO, a folder) can never exhaust memory or block forever.

Lives in ``models`` (which depends on nothing else of Hearth's) so that the config, the home
loader, the CLI, the model store and the data folder share the one implementation.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600

KIB = 1024
MIB = 1024 * KIB


class FileRefused(ValueError):
    """A path that is not a regular file, too large, or unreadable; ``str()`` is one line."""


def _open_regular(path: Path, what: str) -> int:
    """Open ``path`` for reading without ever blocking, and only if it is a regular file.

    ``O_NONBLOCK`` makes opening a FIFO return at once instead of waiting for a writer; the
    type is then checked on the open descriptor, so what is checked is what is read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise FileRefused(f"{path}: cannot read {what}: {_reason(err)}") from None
    try:
        mode = os.fstat(fd).st_mode
    except OSError as err:
        os.close(fd)
        raise FileRefused(f"{path}: cannot read {what}: {_reason(err)}") from None
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise FileRefused(f"{path}: cannot read {what}: it is {_kind(mode)}, not a regular file")
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return fd


def check_regular_file(path: str | os.PathLike[str], what: str, max_bytes: int) -> int:
    """Refuse anything but a readable regular file of at most ``max_bytes``; return its size.

    For files another library opens itself (WAV decoders, model loaders): call this first.
    """
    file = Path(path)
    fd = _open_regular(file, what)
    try:
        size = os.fstat(fd).st_size
    finally:
        os.close(fd)
    if size > max_bytes:
        raise FileRefused(
            f"{file}: {what} is too large ({_size(size)}; at most {_size(max_bytes)})"
        )
    return size


def read_regular_bytes(path: str | os.PathLike[str], what: str, max_bytes: int) -> bytes:
    """The whole content of a regular file of at most ``max_bytes``, never more.

    The read itself is bounded too (``max_bytes + 1``), so a file that grows while it is read,
    or a file system that reports a wrong size, still cannot make Hearth read without end.
    """
    file = Path(path)
    fd = _open_regular(file, what)
    try:
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as err:
        raise FileRefused(f"{file}: cannot read {what}: {_reason(err)}") from None
    if len(data) > max_bytes:
        raise FileRefused(f"{file}: {what} is too large (more than {_size(max_bytes)})")
    return data


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _reason(err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return "too many levels of symbolic links"
    return err.strerror or type(err).__name__


def _size(size: int) -> str:
    if size >= MIB:
        return f"{size / MIB:.0f} MiB"
    if size >= KIB:
        return f"{size / KIB:.0f} KiB"
    return f"{size} bytes"


def make_private_dir(folder: Path) -> Path:
    """Create ``folder`` (and parents) and make it readable by its owner only (0700)."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    _chmod(folder, PRIVATE_DIR_MODE)
    return folder


def make_private_file(file: Path) -> None:
    """Make an existing file readable and writable by its owner only (0600)."""
    _chmod(file, PRIVATE_FILE_MODE)


def _chmod(path: Path, mode: int) -> None:
    """Tighten permissions where the OS allows; a read-only or foreign folder is left as it is."""
    try:
        if stat.S_IMODE(path.stat().st_mode) != mode:
            path.chmod(mode)
    except OSError:
        pass


def atomic_write_text(file: Path, text: str) -> None:
    """Replace a file's contents so that readers see the old or the new file, never a mix.

    The file is written owner-only (0600, ``mkstemp``'s mode): what Hearth writes is the user's.
    """
    file.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)  # if new: owner-only
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
