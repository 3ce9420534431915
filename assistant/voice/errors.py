"""One error type per stage of the live loop, each with a stable code.

A stage that fails raises (or, for work done on a lane, is handed) one of these; the state
machine turns every one of them into an ``ErrorEvent`` in one place (``Machine.fail``), so the
stage an error is reported under is the stage's own, never the state the loop happened to be in.
"""

from __future__ import annotations

from enum import StrEnum

from assistant.events import Stage


class ErrorCode(StrEnum):
    """Stable codes on ErrorEvent, one family per stage."""

    WAKE_FAILED = "wake-failed"
    VAD_FAILED = "vad-failed"
    ASR_FAILED = "asr-failed"
    ASR_TIMEOUT = "asr-timeout"
    ACT_FAILED = "action-failed"
    ACT_TIMEOUT = "action-timeout"
    TTS_FAILED = "tts-failed"
    INTERNAL = "internal-error"


class StageError(Exception):
    """A stage failed: ``code`` is for programs, the message for people."""

    stage: Stage = Stage.WAKE

    def __init__(self, code: ErrorCode, message: str, turn_id: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.turn_id = turn_id


class WakeError(StageError):
    """The wake-word detector or the audio source feeding it failed."""

    stage = Stage.WAKE


class VadError(StageError):
    """Voice activity detection failed (e.g. a corrupt model file)."""

    stage = Stage.VAD


class AsrError(StageError):
    """The speech engine failed or took too long."""

    stage = Stage.ASR


class ActionError(StageError):
    """Understanding and carrying out the command failed or took too long.

    The act lane runs the whole turn (intent, plan, devices), so its failures and its timeout
    are both the action stage's.
    """

    stage = Stage.ACTION


class ReplyError(StageError):
    """The reply could not be synthesized or played."""

    stage = Stage.REPLY


class InternalError(StageError):
    """A bug: anything unexpected, reported under the stage the loop was in."""

    def __init__(self, stage: Stage, message: str, turn_id: str = "") -> None:
        super().__init__(ErrorCode.INTERNAL, message, turn_id)
        self.stage = stage
