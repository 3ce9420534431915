"""Searching the media library as people ask: by title, artist, album, genre, or a kind."""

from __future__ import annotations

import pytest

from assistant.home.loader import load_home
from assistant.home.media_library import MediaClass, MediaLibraryError, parse_library

LIBRARY = load_home().media  # the demo home's own library


@pytest.mark.parametrize(
    ("query", "media_class", "title"),
    [
        ("kind of blue", None, "Kind of Blue"),
        ("some jazz", None, "Kind of Blue"),
        ("the beatles", None, "Abbey Road"),
        ("the beatles", "track", "Here Comes the Sun"),
        ("here comes the sun", None, "Here Comes the Sun"),
        ("fleetwood mac", "album", "Rumours"),
        ("rain sounds", None, "Rain Sounds"),
        ("the daily", "podcast", "The Daily"),
        ("debussy", None, "Clair de Lune"),
    ],
)
def test_search(query, media_class, title):
    found = LIBRARY.search(query, media_class)
    assert found is not None and found.title == title


def test_nothing_found_is_none():
    assert LIBRARY.search("polka") is None
    assert LIBRARY.search("the") is None
    assert LIBRARY.search("jazz", "podcast") is None


def test_items_become_media_player_attributes():
    item = LIBRARY.search("so what")
    assert item.to_attributes() == {
        "media_title": "So What",
        "media_content_type": "track",
        "media_artist": "Miles Davis",
        "media_album_name": "Kind of Blue",
    }
    assert item.describe() == "So What by Miles Davis"


@pytest.mark.parametrize(
    "raw", ["jazz", [{"artist": "x"}], [{"title": "x", "media_class": "hologram"}]]
)
def test_bad_sections_are_refused_plainly(raw):
    with pytest.raises(MediaLibraryError):
        parse_library(raw)


def test_media_classes_are_home_assistants():
    assert {c.value for c in MediaClass} >= {"track", "album", "artist", "playlist", "podcast"}


def test_a_bad_media_section_is_reported_and_the_home_still_loads(tmp_path):
    home_file = tmp_path / "home.yaml"
    home_file.write_text(
        "devices:\n  - {id: light.a, name: A, domain: light}\nmedia:\n  - {artist: Nobody}\n"
    )
    said: list[str] = []
    home = load_home(home_file, report=said.append)
    assert list(home.devices) == ["light.a"]
    assert home.media.items == ()
    assert said == [f"{home_file}:4: media item 1 needs a title; left the media library out"]
