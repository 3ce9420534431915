"""Shopping and to-do lists: add, check off, remove and read back, kept on this machine.

Home Assistant's list intents name a list by its ``todo`` entity (slot ``name``); the shopping
list intents name none. The lists people can speak of are this home's todo entities plus the
shopping list, which always exists.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.lists import ListError, ListStore, canonical_list
from assistant.planning.context import Handler, HandlerContext, Plan
from assistant.planning.replies import join_words

# Reading a list aloud stops here; the window shows the rest.
MAX_READ = 10


def _list_name(ctx: HandlerContext) -> str:
    known = [d.name for d in ctx.home.devices.values() if d.domain == "todo"]
    name = ctx.slots.get("name")
    return canonical_list(str(name) if name else None, known)


def _item(ctx: HandlerContext) -> str | None:
    item = ctx.slots.get("item")
    text = " ".join(str(item).split()).strip(" .,!?") if item else ""
    return text or None


def _change(ctx: HandlerContext, change: Callable[[ListStore, str, str], str]) -> Plan:
    item = _item(ctx)
    if item is None:
        return Plan(error="What should I put on the list?")
    list_name = _list_name(ctx)
    store = ctx.services.lists

    def perform() -> str:
        try:
            return change(store, list_name, item)
        except ListError as err:
            return f"Sorry, {err}"

    return Plan(perform=perform)


def _add(store: ListStore, list_name: str, item: str) -> str:
    added = store.add(list_name, item)
    return f"Added {added.item} to the {list_name.lower()}"


def _complete(store: ListStore, list_name: str, item: str) -> str:
    done = store.complete(list_name, item)
    return f"Checked off {done.item} on the {list_name.lower()}"


def _remove(store: ListStore, list_name: str, item: str) -> str:
    gone = store.remove(list_name, item)
    return f"Removed {gone.item} from the {list_name.lower()}"


def handle_read(ctx: HandlerContext) -> Plan:
    list_name = _list_name(ctx)
    store = ctx.services.lists

    def perform() -> str:
        items = [i.item for i in store.items(list_name)]
        if not items:
            return f"The {list_name.lower()} is empty"
        if len(items) > MAX_READ:
            shown = join_words([*items[:MAX_READ], f"{len(items) - MAX_READ} more"])
        else:
            shown = join_words(items)
        count = f"{len(items)} item{'s' if len(items) != 1 else ''}"
        return f"The {list_name.lower()} has {count}: {shown}"

    return Plan(perform=perform)


HANDLERS: dict[str, Handler] = {
    "HassShoppingListAddItem": lambda ctx: _change(ctx, _add),
    "HassShoppingListCompleteItem": lambda ctx: _change(ctx, _complete),
    "HassListAddItem": lambda ctx: _change(ctx, _add),
    "HassListCompleteItem": lambda ctx: _change(ctx, _complete),
    "HassListRemoveItem": lambda ctx: _change(ctx, _remove),
    "HearthListRead": handle_read,
}
