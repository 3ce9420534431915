"""Opening Hearth's SQLite files so that damage, a read-only folder or a full disk never crash it.

Every database under the data folder (home state, session, history, egress log) is opened here:

- it is created owner-only (0600, in the 0700 data folder: ``config.data_dir``);
- a corrupt or unreadable file is moved aside as ``NAME.damaged-YYYYmmdd-HHMMSS`` (with its
  ``-wal``/``-shm``) and a new one is started, said once in one line;
- a folder Hearth cannot write to opens the file read-only (reading history still works) or,
  when even that fails, an empty in-memory database, again said once;
- writes that fail later (disk full, folder made read-only) are reported once per run by
  :class:`WriteGuard` instead of a traceback per turn.

Notices go to :data:`notices`, which prints ``hearth: ...`` on stderr by default; the GUI may
route them elsewhere. Each distinct notice is said once per process.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from models.files import make_private_dir, make_private_file

_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_UNREADABLE_CODES = {
    8,
    14,
}  # SQLITE_READONLY, SQLITE_CANTOPEN: the file itself, if the folder is ok
_FULL_CODE = 13  # SQLITE_FULL
DAMAGED_SUFFIX = ".damaged-"
_LOW_SPACE = 64 * 1024


class OpenMode(StrEnum):
    """How a database ended up opened."""

    NORMAL = "normal"
    READ_ONLY = "read-only"
    MEMORY = "memory"


@dataclass
class Notices:
    """One-line notices about the user's data, each said once per process."""

    sink: Callable[[str], None] = field(
        default=lambda text: print(f"hearth: {text}", file=sys.stderr, flush=True)
    )
    _said: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def say(self, text: str, key: str | None = None) -> None:
        with self._lock:
            if (key or text) in self._said:
                return
            self._said.add(key or text)
        self.sink(text)

    def reset(self) -> None:
        """Forget what was said (tests; a long-running app after the user fixed the problem)."""
        with self._lock:
            self._said.clear()


notices = Notices()


@dataclass
class Database:
    """An open connection and how it was opened (what the caller may promise the user)."""

    connection: sqlite3.Connection
    mode: OpenMode
    path: Path


def is_corruption(err: sqlite3.Error) -> bool:
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _CORRUPT_CODES
    text = str(err).lower()
    return "malformed" in text or "not a database" in text


def _error_code(err: sqlite3.Error) -> int | None:
    code = getattr(err, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_disk_full(err: BaseException) -> bool:
    if isinstance(err, sqlite3.Error):
        code = getattr(err, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF == _FULL_CODE
        return "full" in str(err).lower()
    return isinstance(err, OSError) and err.errno == 28  # ENOSPC


def open_database(
    path: Path,
    schema: str,
    what: str,
    *,
    secure_delete: bool = False,
    restarted: str = "started a new one",
    unsaved: str = "reading it, but nothing new is saved",
    busy_timeout_s: float = 5.0,
) -> Database:
    """Open (creating if needed) the database at ``path`` with ``schema`` applied.

    ``what`` names it for the user ("history", "session"); ``restarted`` says what replaced a
    damaged file, ``unsaved`` what it means that the file can only be read; another process
    holding the file is waited for up to ``busy_timeout_s``. Never raises for damage or permissions: the worst case is an in-memory
    database and one notice. A busy (locked) file is never taken for a damaged one.
    """
    path = Path(path)
    try:
        make_private_dir(path.parent)
    except OSError:
        pass  # a read-only parent: opening below finds out what can still be done
    try:
        return Database(
            _connect(path, schema, secure_delete, busy_timeout_s), OpenMode.NORMAL, path
        )
    except sqlite3.DatabaseError as err:
        unreadable = (
            _error_code(err) in _UNREADABLE_CODES
            and path.is_file()
            and _folder_writable(path.parent)
        )
        if is_corruption(err) or unreadable:
            replaced = _replace(path, schema, what, secure_delete, restarted, busy_timeout_s)
            if replaced is not None:
                return replaced
        return _degraded(path, schema, what, err, unsaved, busy_timeout_s)


def replace_damaged(
    path: Path,
    schema: str,
    what: str,
    *,
    secure_delete: bool = False,
    restarted: str = "started a new one",
    unsaved: str = "reading it, but nothing new is saved",
    busy_timeout_s: float = 5.0,
) -> Database:
    """A database that a statement found damaged *after* it was opened: move it aside (said
    once) and open a new one in its place, as :func:`open_database` does at opening."""
    path = Path(path)
    replaced = _replace(path, schema, what, secure_delete, restarted, busy_timeout_s)
    if replaced is not None:
        return replaced
    cause = sqlite3.DatabaseError("database disk image is malformed")
    return _degraded(path, schema, what, cause, unsaved, busy_timeout_s)


def _replace(
    path: Path, schema: str, what: str, secure_delete: bool, restarted: str, timeout_s: float
) -> Database | None:
    moved = _move_aside(path)
    if moved is None:
        return None
    notices.say(
        f"the {what} database {path} was damaged or unreadable; moved it aside to "
        f"{moved.name} and {restarted}",
        key=f"damaged:{moved}",
    )
    try:
        return Database(_connect(path, schema, secure_delete, timeout_s), OpenMode.NORMAL, path)
    except sqlite3.DatabaseError:
        return None


def _connect(path: Path, schema: str, secure_delete: bool, timeout_s: float) -> sqlite3.Connection:
    db = sqlite3.connect(
        str(path), check_same_thread=False, isolation_level=None, timeout=timeout_s
    )
    try:
        make_private_file(path)  # also a file an older Hearth left readable by everyone
        db.execute("PRAGMA journal_mode=WAL")
        if secure_delete:
            db.execute("PRAGMA secure_delete=ON")
        db.executescript(schema)
        row = db.execute("PRAGMA quick_check").fetchone()
        if row is None or row[0] != "ok":
            raise sqlite3.DatabaseError("database disk image is malformed")
        # SQLite opens a file it cannot write read-only without a word (a read-only folder
        # with -wal/-shm left behind, say); find out now rather than at the first change.
        # (A write that is rolled back stays in the page cache: it costs no disk.)
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("CREATE TABLE hearth_write_probe (x)")
        finally:
            db.execute("ROLLBACK")
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                make_private_file(side)
    except BaseException:
        db.close()
        raise
    return db


def _degraded(
    path: Path, schema: str, what: str, cause: sqlite3.Error, unsaved: str, timeout_s: float
) -> Database:
    """The folder cannot be written: read what is there, else keep this run's data in memory."""
    if path.exists():
        for uri in (f"file:{path}?mode=ro", f"file:{path}?immutable=1"):
            try:
                db = sqlite3.connect(
                    uri, uri=True, check_same_thread=False, isolation_level=None, timeout=timeout_s
                )
                try:
                    db.execute("PRAGMA quick_check").fetchone()
                    _check_tables(db, schema)
                except sqlite3.Error:
                    db.close()
                    continue
                notices.say(
                    f"cannot write the {what} database {path} ({write_failure(cause, path)}); "
                    f"{unsaved}",
                    key=f"readonly:{path}",
                )
                return Database(db, OpenMode.READ_ONLY, path)
            except sqlite3.Error:
                continue
    db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    db.executescript(schema)
    notices.say(
        f"cannot open the {what} database {path} ({write_failure(cause, path)}); "
        "using a temporary one for this run",
        key=f"memory:{path}",
    )
    return Database(db, OpenMode.MEMORY, path)


def _check_tables(db: sqlite3.Connection, schema: str) -> None:
    """A read-only file must already hold the tables the schema names."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for statement in schema.split(";"):
        words = statement.split()
        is_create = [w.upper() for w in words[:5]] == ["CREATE", "TABLE", "IF", "NOT", "EXISTS"]
        if is_create and len(words) > 5 and words[5].split("(")[0] not in tables:
            raise sqlite3.OperationalError(f"no table {words[5]}")


def _folder_writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def _move_aside(path: Path) -> Path | None:
    """Rename the file and its WAL companions out of the way; None if that is impossible."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}{DAMAGED_SUFFIX}{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}{DAMAGED_SUFFIX}{stamp}-{counter}")
    try:
        os.replace(path, target)
    except OSError:
        return None
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        try:
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
        except OSError:
            side.unlink(missing_ok=True)
    return target


def remove_damaged_copies(path: Path) -> int:
    """Delete the copies of ``path`` moved aside earlier (the user asked to forget everything)."""
    removed = 0
    for copy in path.parent.glob(f"{path.name}{DAMAGED_SUFFIX}*"):
        try:
            copy.unlink()
            removed += 1
        except OSError:
            continue
    return removed


def write_failure(err: BaseException, path: Path) -> str:
    """Name the usual causes plainly: SQLite says "disk I/O error" for a full disk, too."""
    try:
        if shutil.disk_usage(path.parent).free < _LOW_SPACE:
            return "the disk is full"
    except OSError:
        pass
    if not _folder_writable(path.parent):
        return "the folder is read-only"
    return _why(err)


def _why(err: BaseException) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text[:100]


class WriteGuard:
    """Runs writes to a database and reports the first failure once instead of raising.

    A full disk or a folder made read-only while Hearth runs must not cost the user a turn:
    the command still runs, and they are told once that it was not logged.
    """

    def __init__(self, what: str, path: Path) -> None:
        self.what = what
        self.path = path
        self.failures = 0

    def failed(self, err: BaseException) -> None:
        self.failures += 1
        reason = "the disk is full" if is_disk_full(err) else write_failure(err, self.path)
        notices.say(
            f"could not save to the {self.what} database {self.path} ({reason}); "
            "Hearth keeps working, but this is not being recorded",
            key=f"write:{self.path}",
        )
