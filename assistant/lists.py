"""Shopping and to-do lists kept on this machine.

Home Assistant keeps lists in ``todo`` entities; Hearth keeps them in a small SQLite file in the
data folder so "add milk to the shopping list" works offline and from any process (the shell,
the window). A home's ``todo.*`` entities name the lists people can speak of; the shopping list
always exists. One transaction per change.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.local_tables import LocalTables

_SCHEMA = """
CREATE TABLE IF NOT EXISTS list_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    list TEXT NOT NULL,
    item TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    added_at REAL NOT NULL
);
"""
_COLUMNS = "id, list, item, done, added_at"
_UNSAVED = "list changes made now last only while Hearth runs"
SHOPPING_LIST = "Shopping List"
# A spoken item longer than this is a misrecognised sentence, not something to buy.
MAX_ITEM_CHARS = 200


class ListError(ValueError):
    """A list request that can't be carried out (an empty item, an item not on the list)."""


@dataclass(frozen=True)
class ListItem:
    id: int
    list: str
    item: str
    done: bool
    added_at: float


def canonical_list(name: str | None, known: Iterable[str] = ()) -> str:
    """The stored name of the list a sentence means: "shopping" → "Shopping List".

    ``known`` are the lists this home has (its todo entities' names); a spoken name is matched
    against them without case, "the", "my" or the word "list".
    """
    if not name:
        return SHOPPING_LIST
    spoken = _key(name)
    for candidate in (*known, SHOPPING_LIST):
        if _key(candidate) == spoken:
            return candidate
    words = " ".join(name.split())
    return words if words.casefold().endswith("list") else f"{words} list".title()


def _key(text: str) -> str:
    folded = text.casefold().replace("to-do", "todo").replace("to do", "todo")
    return " ".join(w for w in folded.split() if w not in {"the", "my", "list"})


def _item_key(text: str) -> str:
    words = text.casefold().split()
    return " ".join(w for w in words if w not in {"a", "an", "some", "the", "more"})


class ListStore:
    """Items of every list in one table; ``None`` keeps them in memory."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = None if path is None else Path(path)
        self._tables = LocalTables(self.path, _SCHEMA, "lists", _UNSAVED)

    def items(self, list_name: str, include_done: bool = False) -> list[ListItem]:
        rows = self._tables.read(
            lambda db: db.execute(
                f"SELECT {_COLUMNS} FROM list_items WHERE list=? AND (done=0 OR ?) ORDER BY id",
                (list_name, int(include_done)),
            ).fetchall()
        )
        return [_item(row) for row in rows]

    def names(self) -> list[str]:
        rows = self._tables.read(
            lambda db: db.execute("SELECT DISTINCT list FROM list_items ORDER BY list").fetchall()
        )
        return [row[0] for row in rows]

    def add(self, list_name: str, item: str) -> ListItem:
        text = " ".join(item.split()).strip(" .,!?")
        if not text:
            raise ListError("there is nothing to add")
        if len(text) > MAX_ITEM_CHARS:
            raise ListError(f"that item is too long (over {MAX_ITEM_CHARS} characters)")
        now = time.time()
        row_id = self._tables.write(
            lambda db: (
                db.execute(
                    "INSERT INTO list_items (list, item, done, added_at) VALUES (?, ?, 0, ?)",
                    (list_name, text, now),
                ).lastrowid
            )
        )
        return ListItem(int(row_id or 0), list_name, text, False, now)

    def complete(self, list_name: str, item: str) -> ListItem:
        """Check off the open item that matches ``item`` ("milk" finds "Milk")."""
        return self._change(list_name, item, "UPDATE list_items SET done=1 WHERE id=?")

    def remove(self, list_name: str, item: str) -> ListItem:
        return self._change(list_name, item, "DELETE FROM list_items WHERE id=?")

    def _change(self, list_name: str, item: str, statement: str) -> ListItem:
        wanted = _item_key(item)

        def write(db: sqlite3.Connection) -> ListItem | None:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM list_items WHERE list=? AND done=0 ORDER BY id",
                (list_name,),
            ).fetchall()
            for row in rows:
                if _item_key(row[2]) == wanted:
                    db.execute(statement, (row[0],))
                    return _item(row)
            return None

        found = self._tables.write(write)
        if found is None:
            raise ListError(f"{item} is not on the {list_name}")
        return found

    def close(self) -> None:
        self._tables.close()


def _item(row: Sequence[Any]) -> ListItem:
    return ListItem(int(row[0]), str(row[1]), str(row[2]), bool(row[3]), float(row[4]))
