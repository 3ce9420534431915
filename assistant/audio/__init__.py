"""Audio in: sources of 16 kHz mono int16 frames, voice activity and end-pointing."""

from assistant.audio.base import (
    DEFAULT_FRAME_MS,
    SAMPLE_RATE,
    AudioError,
    AudioErrorCode,
    AudioSource,
)

__all__ = ["DEFAULT_FRAME_MS", "SAMPLE_RATE", "AudioError", "AudioErrorCode", "AudioSource"]
