"""Shopping and to-do lists on this machine."""

from __future__ import annotations

import stat

import pytest

from assistant.lists import SHOPPING_LIST, ListError, ListStore, canonical_list


def test_add_read_complete_and_remove():
    store = ListStore(None)
    store.add(SHOPPING_LIST, "milk")
    store.add(SHOPPING_LIST, "  some eggs. ")
    assert [i.item for i in store.items(SHOPPING_LIST)] == ["milk", "some eggs"]
    store.complete(SHOPPING_LIST, "Milk")
    assert [i.item for i in store.items(SHOPPING_LIST)] == ["some eggs"]
    assert len(store.items(SHOPPING_LIST, include_done=True)) == 2
    store.remove(SHOPPING_LIST, "eggs")
    assert store.items(SHOPPING_LIST) == []


def test_an_item_not_on_the_list_is_said_plainly():
    store = ListStore(None)
    with pytest.raises(ListError, match="bread is not on the Shopping List"):
        store.complete(SHOPPING_LIST, "bread")
    with pytest.raises(ListError):
        store.add(SHOPPING_LIST, "   ")


def test_lists_persist_privately(tmp_path):
    path = tmp_path / "lists.db"
    ListStore(path).add("Chores", "hoover the stairs")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [i.item for i in ListStore(path).items("Chores")] == ["hoover the stairs"]


@pytest.mark.parametrize(
    ("spoken", "known", "expected"),
    [
        (None, (), SHOPPING_LIST),
        ("shopping", (), SHOPPING_LIST),
        ("my shopping list", (), SHOPPING_LIST),
        ("to do", ("To-do",), "To-do"),
        ("the chores list", ("Chores",), "Chores"),
        ("hardware", (), "Hardware List"),
    ],
)
def test_spoken_list_names(spoken, known, expected):
    assert canonical_list(spoken, known) == expected
