"""The live loop's timing rules, mapped from the user's settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.audio.endpoint import EndpointConfig
from assistant.config import Config


@dataclass(frozen=True)
class PipelineOptions:
    """Timing rules of the live loop; ``from_config`` maps the user's settings."""

    endpoint: EndpointConfig = field(default_factory=EndpointConfig)
    listen_timeout_s: float = 6.0  # after the wake word: no speech by then → idle
    follow_up_s: float = 6.0  # window to answer a question without the wake word
    wake_preroll_s: float = 0.2  # audio from before the wake detection given to the command
    ptt_preroll_s: float = 0.6  # people start speaking just before they press the button
    speech_preroll_s: float = 0.3  # audio before the VAD's start of speech (VAD fires late)
    partial_interval_s: float = 0.6  # decode the growing utterance this often while speaking
    early: bool = True  # act on a partial that is already a complete command
    early_pause_s: float = 0.12  # ... once the VAD has heard this much pause after it
    pause_decode_s: float = 0.05  # quiet this long (past the VAD's own window) is a pause
    transcribe_timeout_s: float = 8.0
    act_timeout_s: float = 20.0  # cloud help has its own, shorter timeouts inside this
    reply_tail_s: float = 0.3  # echo of the reply dies down: wake word still ignored
    level_interval_s: float = 0.1
    barge_in: bool = True
    earcons: bool = True
    barge_in_silence_s: float = 0.3
    queue_frames: int = 400  # 8 s of 20 ms frames before the oldest are dropped

    @classmethod
    def from_config(cls, config: Config) -> PipelineOptions:
        return cls(
            endpoint=EndpointConfig.from_vad_config(config.vad),
            follow_up_s=min(config.conversation.confirmation_timeout_s, 8.0),
            barge_in=config.tts.barge_in,
            earcons=config.tts.earcons,
        )
