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


def test_split_words_are_joined() -> None:
    from intents.fuzzy import merged_pairs

    known = KNOWN | {"unlock", "bedroom", "door", "front"}
    texts = [r.text for r in merged_pairs("and lock the front door", known)]
    assert "unlock the front door" in texts
    texts = [r.text for r in merged_pairs("turn on the bed room lights", known)]
    assert "turn on the bedroom lights" in texts
    assert merged_pairs("what is the capital of france", known) == []


def test_misheard_names_are_replaced_by_the_name_they_sound_like() -> None:
    from intents.fuzzy import name_phrases

    names = ("Night Light", "Back Door", "Movie Night", "Kitchen")
    assert "turn on the night light" in [
        r.text for r in name_phrases("turn on the light light", names)
    ]
    assert "lock the back door" in [r.text for r in name_phrases("lock the Mac door", names)]
    assert name_phrases("what is the capital of france", names) == []


def test_a_long_name_split_into_two_sound_alikes_is_found() -> None:
    from intents.fuzzy import name_phrases

    names = ("Chandelier", "Kitchen Speaker")
    assert "turn on the chandelier" in [
        r.text for r in name_phrases("turn on the chandel layer", names)
    ]
    # Three edits only in long spans: a short span stays a short span's two at most.
    assert name_phrases("turn on the candle", names) == []


def test_names_are_also_known_led_by_their_area() -> None:
    from intents.vocabulary import VocabArea, VocabEntity, Vocabulary

    vocabulary = Vocabulary(
        entities=(
            VocabEntity("cover.lr_blinds", "Blinds", "cover", area="living_room"),
            VocabEntity("light.kitchen", "Kitchen Light", "light", area="kitchen"),
        ),
        areas=(VocabArea("living_room", "Living Room"), VocabArea("kitchen", "Kitchen")),
    )
    assert "Living Room Blinds" in vocabulary.phrases
    assert "Kitchen Kitchen Light" not in vocabulary.phrases  # the area is already in the name


def test_repeated_sentences_put_the_most_repeated_first() -> None:
    from intents.fuzzy import sentences

    text = "open the lines in the office. Open the blinds in the office. Open the blinds in the office."
    assert sentences(text)[0] == "Open the blinds in the office"
    assert sentences("turn on the lights") == []


def test_leading_filler_words_are_dropped() -> None:
    from intents.fuzzy import without_filler

    assert without_filler("and to lock the back door") == ["lock the back door"]
    assert without_filler("lock the back door") == []


def test_the_opening_verb_may_be_two_edits_away() -> None:
    from intents.fuzzy import opening_word

    words = frozenset({"close", "cold", "cool", "open", "turn", "the", "blinds"})
    # Among words two edits away, the one sharing most letters in order comes first.
    assert opening_word("cost the blinds", words)[0].text == "close the blinds"
    assert opening_word("close the blinds", words) == []  # nothing to repair
    assert opening_word("cost", words) == []  # a lone word is no command
    assert opening_word("on the blinds", words) == []  # too short to guess
    assert opening_word("xylophone the blinds", words) == []
