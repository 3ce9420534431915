"""Moving a damaged SQLite file aside so that Hearth starts again with a fresh one.

A damaged log must never cost the user their commands: the file (with its ``-wal``/``-shm``) is
renamed to ``NAME.damaged-YYYYmmdd-HHMMSS``, a one-line notice says so, and a new file is
started. Only damage counts (SQLite's CORRUPT and NOTADB codes, or a failed ``quick_check``):
a busy, read-only or missing file is someone else's problem and is never moved.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

DAMAGED_SUFFIX = ".damaged-"
_DAMAGE_CODES = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB

T = TypeVar("T")


class DamagedDatabase(sqlite3.DatabaseError):
    """``quick_check`` found damage that no statement has failed on yet."""


def is_damage(err: BaseException) -> bool:
    """True for a damaged file; False for a busy, read-only, missing or full one."""
    if isinstance(err, DamagedDatabase):
        return True
    if not isinstance(err, sqlite3.DatabaseError):
        return False
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _DAMAGE_CODES
    text = str(err).lower()
    return "malformed" in text or "not a database" in text


def check(db: sqlite3.Connection) -> None:
    """Raise DamagedDatabase unless SQLite's own quick check of every page passes."""
    row = db.execute("PRAGMA quick_check").fetchone()
    if row is None or row[0] != "ok":
        raise DamagedDatabase("database disk image is malformed")


def move_aside(path: Path) -> Path:
    """Rename ``path`` and its WAL companions out of the way; the new name of the main file."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}{DAMAGED_SUFFIX}{stamp}")
    number = 1
    while target.exists():
        number += 1
        target = path.with_name(f"{path.name}{DAMAGED_SUFFIX}{stamp}-{number}")
    os.replace(path, target)
    for suffix in ("-wal", "-shm"):  # a stale WAL must never be replayed into the new file
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    return target


def remove_damaged_copies(path: Path) -> int:
    """Delete the copies of ``path`` moved aside earlier (the user asked to forget all of it)."""
    removed = 0
    for copy in path.parent.glob(f"{path.name}{DAMAGED_SUFFIX}*"):
        copy.unlink(missing_ok=True)
        removed += not copy.name.endswith(("-wal", "-shm"))
    return removed


def say(text: str) -> None:
    """The default notice: one line on stderr."""
    print(f"hearth: {text}", file=sys.stderr, flush=True)


def replace(
    path: Path, connect: Callable[[Path], T], what: str, notify: Callable[[str], None] = say
) -> T:
    """Move the damaged ``path`` aside, say so in one line, and ``connect`` to a new file."""
    moved = move_aside(path)
    notify(f"the {what} {path} was damaged; moved it aside to {moved.name} and started a new one")
    return connect(path)


def open_or_replace(
    path: Path, connect: Callable[[Path], T], what: str, notify: Callable[[str], None] = say
) -> T:
    """``connect(path)``; if the file is damaged, ``replace`` it."""
    try:
        return connect(path)
    except sqlite3.DatabaseError as err:
        if not is_damage(err) or not path.exists():
            raise
    return replace(path, connect, what, notify)
