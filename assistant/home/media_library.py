"""The music and shows a home can play, searched by title, artist, album or genre.

Home Assistant searches each media player's own sources; the simulated home declares a small
library in its home file instead (a top-level ``media:`` list), so "play some jazz in the
kitchen" or "play Kind of Blue" can be tried end to end without a streaming service.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

_WORD = re.compile(r"[a-z0-9']+")
_FILLER = frozenset({"some", "a", "an", "the", "music", "songs", "song", "by", "from", "of", "my"})


class MediaClass(StrEnum):
    """Home Assistant's media classes that people ask for by name."""

    TRACK = "track"
    ALBUM = "album"
    ARTIST = "artist"
    PLAYLIST = "playlist"
    PODCAST = "podcast"
    MOVIE = "movie"
    TV_SHOW = "tv_show"
    GENRE = "genre"


class MediaLibraryError(ValueError):
    """The home file's media section is not a list of items with titles."""


@dataclass(frozen=True)
class MediaItem:
    title: str
    media_class: MediaClass = MediaClass.TRACK
    artist: str | None = None
    album: str | None = None
    genre: str | None = None

    def describe(self) -> str:
        """ "Kind of Blue by Miles Davis"."""
        return f"{self.title} by {self.artist}" if self.artist else self.title

    def to_attributes(self) -> dict[str, Any]:
        """The media player attributes Home Assistant shows while this plays."""
        attributes: dict[str, Any] = {
            "media_title": self.title,
            "media_content_type": self.media_class.value,
        }
        if self.artist:
            attributes["media_artist"] = self.artist
        if self.album:
            attributes["media_album_name"] = self.album
        return attributes


def _words(text: str | None) -> frozenset[str]:
    return frozenset(_WORD.findall((text or "").casefold())) - _FILLER


@dataclass(frozen=True)
class MediaLibrary:
    items: tuple[MediaItem, ...] = ()

    def search(self, query: str, media_class: str | None = None) -> MediaItem | None:
        """The best item for a spoken query: every query word must be in its title, artist,
        album or genre; a whole-title match beats an artist or genre match."""
        wanted = _words(query)
        if not wanted:
            return None
        kind = _media_class(media_class)
        best: tuple[int, int, MediaItem] | None = None
        for order, item in enumerate(self.items):
            if kind is not None and not _fits(item, kind):
                continue
            fields = (item.title, item.artist, item.album, item.genre)
            if not wanted <= frozenset().union(*map(_words, fields)):
                continue
            score = (
                3
                if _words(item.title) == wanted
                else 2
                if _words(item.artist) == wanted or _words(item.album) == wanted
                else 1
            )
            if best is None or score > best[0]:
                best = (score, -order, item)
        return best[2] if best else None


def _media_class(value: str | None) -> MediaClass | None:
    try:
        return MediaClass(value) if value else None
    except ValueError:
        return None


def _fits(item: MediaItem, kind: MediaClass) -> bool:
    if kind is MediaClass.ARTIST:
        return item.artist is not None
    if kind is MediaClass.ALBUM:
        return item.album is not None or item.media_class is MediaClass.ALBUM
    return item.media_class is kind


def parse_library(raw: Any) -> MediaLibrary:
    if raw is None:
        return MediaLibrary()
    if not isinstance(raw, list):
        raise MediaLibraryError("'media' must be a list of items")
    items = []
    for index, entry in enumerate(raw, 1):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("title"), str):
            raise MediaLibraryError(f"media item {index} needs a title")
        kind = _media_class(str(entry.get("media_class", "track")))
        if kind is None:
            raise MediaLibraryError(
                f"media item {index} has unknown media_class '{entry.get('media_class')}'"
            )
        items.append(
            MediaItem(
                title=entry["title"].strip(),
                media_class=kind,
                artist=_text(entry.get("artist")),
                album=_text(entry.get("album")),
                genre=_text(entry.get("genre")),
            )
        )
    return MediaLibrary(tuple(items))


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None
