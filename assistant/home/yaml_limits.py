"""Bounds on YAML that Hearth reads from others (home files): how deep, and how big once
aliases are expanded, so a crafted file ("billion laughs", a recursive anchor) is refused with
its line instead of eating memory or the stack.
"""

from __future__ import annotations

import yaml

MAX_DEPTH = 32
"""Nesting deeper than this is no home; PyYAML's composer recurses and would overflow."""
MAX_ATTRIBUTE_VALUES = 10_000
"""Values in one device's attributes with every alias expanded: a "billion laughs" document
is a few hundred bytes whose aliases expand to 10^9 values."""


def expanded_size(node: yaml.Node, limit: int) -> int:
    """How many values ``node`` holds once every alias is expanded, stopping past ``limit``.

    Aliases make the node graph a DAG (or, with a recursive anchor, a cycle); sizes are
    memoized per node so the count itself costs one walk of the graph. Aliases can also nest
    deeper than the text does (a chain of anchors each holding the last): past ``MAX_DEPTH``
    the walk stops, so it never recurses far.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(current: yaml.Node, depth: int) -> int:
        key = id(current)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise Recursive
        if isinstance(current, yaml.ScalarNode):
            return 1
        if depth > MAX_DEPTH:
            raise TooDeep
        active.add(key)
        total = 1
        children: list[yaml.Node] = (
            [item for pair in current.value for item in pair]
            if isinstance(current, yaml.MappingNode)
            else list(current.value)
        )
        for child in children:
            total += size(child, depth + 1)
            if total > limit:
                break
        active.discard(key)
        sizes[key] = total
        return total

    return size(node, 0)


class TooDeep(Exception):
    """Aliases nest the value deeper than any home attribute needs."""


class Recursive(Exception):
    """An anchor used inside itself: its expansion never ends."""
