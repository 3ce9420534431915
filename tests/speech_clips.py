"""Committed test speech: espeak-ng's output for every sentence the tests speak, kept as FLAC.

Why: espeak-ng is not the same program on every machine the suite runs on (1.51 on Debian 12,
1.52 on Debian 13), and a speech model hears the two differently — a recognition floor measured
on one image failed on the other. So the suite never calls espeak-ng: every clip is replayed from
``tests/data/speech`` and sounds the same everywhere. (Recognition can still differ slightly by
CPU — int8 kernels with and without AVX-512 VNNI round differently — which is why the floors keep
a margin under what was measured with both.)

tests/conftest.py makes :func:`samples` the source of every espeak voice in the suite
(``bench.voices.use_espeak``). A sentence the library lacks is an error that says how to record it:
run the tests that need it with ``HEARTH_TEST_SPEECH=record`` (needs espeak-ng), look at the new
files, commit them. Benchmarks don't use the library: they measure with the machine's espeak-ng.
``python -m tests.speech_clips --rerecord`` makes every clip anew with the local espeak-ng and
``python -m tests.speech_clips`` lists what is there.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bench.voices import espeak_ng, espeak_wav

LIBRARY = Path(__file__).parent / "data" / "speech"
INDEX = LIBRARY / "index.json"
MODE_ENV = "HEARTH_TEST_SPEECH"


class MissingClip(LookupError):
    """A sentence the library has no recording of (and recording is off)."""


@dataclass(frozen=True)
class Utterance:
    """One espeak-ng call: ``voice``/``speed`` None mean espeak-ng's own defaults."""

    text: str
    voice: str | None = None
    speed: int | None = None

    @property
    def key(self) -> str:
        spoken = json.dumps([self.voice, self.speed, self.text], ensure_ascii=False)
        return hashlib.sha256(spoken.encode()).hexdigest()[:20]

    @property
    def path(self) -> Path:
        return LIBRARY / f"{self.key}.flac"


def _load_index() -> dict[str, dict[str, object]]:
    if not INDEX.exists():
        return {}
    return json.loads(INDEX.read_text(encoding="utf-8"))["clips"]


def _save_index(clips: dict[str, dict[str, object]]) -> None:
    body = {"espeak_ng": _espeak_version(), "clips": dict(sorted(clips.items()))}
    tmp = INDEX.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(INDEX)


def _espeak_version() -> str:
    binary = shutil.which("espeak-ng")
    if binary is None:
        raise MissingClip("recording test speech needs espeak-ng: apt-get install espeak-ng")
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _encode_flac(samples: np.ndarray, rate: int) -> bytes:
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="flac") as container:
        stream = container.add_stream("flac", rate=rate, layout="mono")
        stream.format = "s16"
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


def _decode_flac(path: Path) -> tuple[np.ndarray, int]:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.rate
        parts = [frame.to_ndarray().reshape(-1) for frame in container.decode(stream)]
    return np.concatenate(parts).astype(np.int16), rate


def record(utterance: Utterance) -> None:
    """Synthesize ``utterance`` with the local espeak-ng into the library (FLAC, lossless)."""
    audio, rate = espeak_ng(utterance.text, utterance.voice, utterance.speed)
    LIBRARY.mkdir(parents=True, exist_ok=True)
    utterance.path.write_bytes(_encode_flac(audio, rate))
    clips = _load_index()
    clips[utterance.key] = asdict(utterance)
    _save_index(clips)


def samples(
    text: str, voice: str | None = None, speed: int | None = None
) -> tuple[np.ndarray, int]:
    """espeak-ng's samples (int16) and rate for this call, as it spoke them when recorded."""
    utterance = Utterance(text, voice, speed)
    if not utterance.path.exists():
        if os.environ.get(MODE_ENV) != "record":
            raise MissingClip(
                f"no recorded test speech for {asdict(utterance)}: record it with "
                f"{MODE_ENV}=record and espeak-ng installed (see tests/speech_clips.py)"
            )
        record(utterance)
    return _decode_flac(utterance.path)


class RecordedEspeak:
    """``assistant.tts.EspeakSynthesizer`` with its output replayed from the library."""

    name = "espeak-ng"

    def __init__(self, voice: str = "en-us", speed: int = 165) -> None:
        self._voice = voice
        self._speed = speed

    def synthesize(self, text: str) -> np.ndarray:
        from assistant.tts import espeak_wav_to_speech

        return espeak_wav_to_speech(espeak_wav(text, self._voice, self._speed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rerecord", action="store_true", help="synthesize every clip anew")
    args = parser.parse_args(argv)
    clips = {key: Utterance(**entry) for key, entry in _load_index().items()}  # type: ignore[arg-type]
    if args.rerecord:
        for utterance in clips.values():
            record(utterance)
    size = sum(u.path.stat().st_size for u in clips.values() if u.path.exists())
    for utterance in sorted(clips.values(), key=lambda u: (str(u.voice), u.text)):
        print(f"{utterance.voice or '-':10} {utterance.speed or '-':>4}  {utterance.text}")
    print(f"{len(clips)} clips, {size / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
