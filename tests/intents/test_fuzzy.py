"""Fuzzy repair: close misspellings are fixed, everything else is left alone."""

from __future__ import annotations

import pytest

from intents.fuzzy import repair

KNOWN = frozenset(
    {
        "turn",
        "on",
        "off",
        "the",
        "kitchen",
        "lights",
        "light",
        "floor",
        "lamp",
        "switch",
        "kettle",
        "set",
        "to",
        "brightness",
    }
)


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("turn off the kitchen lihgts", "turn off the kitchen lights"),
        ("turn on the flor lamp", "turn on the floor lamp"),
        ("swich on the kettle", "switch on the kettle"),
        ("Turn On The Kitchn Lights", "turn on the kitchen lights"),
    ],
)
def test_repairs_close_words(text: str, fixed: str) -> None:
    result = repair(text, KNOWN)
    assert result is not None
    assert result.text == fixed
    assert 0.78 <= result.score < 1.0
    assert result.replaced


def test_nothing_to_repair() -> None:
    assert repair("turn on the kettle", KNOWN) is None
    assert repair("", KNOWN) is None


def test_unrelated_words_are_not_forced() -> None:
    assert repair("what's the capital of france", KNOWN) is None


def test_short_words_and_numbers_are_kept() -> None:
    result = repair("set the lamp to 45 pct brigtness", KNOWN)
    assert result is not None
    assert result.text == "set the lamp to 45 pct brightness"
    assert result.replaced == (("brigtness", "brightness"),)


def test_score_is_the_weakest_replacement() -> None:
    one = repair("turn on the kitchen lihgts", KNOWN)
    two = repair("turn on the kitchn lihgts", KNOWN)
    assert one is not None and two is not None
    assert two.score <= one.score


def test_a_swap_prefers_the_anagram_over_another_one_edit_word() -> None:
    fixed = repair("tunr on the lamp", KNOWN | {"tune"})
    assert fixed is not None
    assert fixed.text == "turn on the lamp"
    assert ("tunr", "turn") in fixed.replaced
