"""Whisper tiny.en on torch through the openai-whisper package, from the converted checkpoint.

The checkpoint is the one `hearth models convert` rebuilds from the packaged CTranslate2 weights,
so this engine is the reference implementation of the very model the default engine runs. It is
the heaviest engine (torch alone is ~200 MB of RSS and ~1.5 s of import), which is why torch and
whisper are imported only in ``load()`` and live in the optional ``torch`` extra.

openai-whisper's own ``decode`` insists on the 30 s window (its encoder asserts 1500 positions),
so the encoder runs here with its positional embedding cut to the short window, and the decoder
uses whisper's own KV-cache hooks under the shared greedy loop of
:mod:`assistant.speech.greedy_whisper`: same window, prompt, budget and guards as the other
Whisper engines. ``fp16`` runs the weights in half precision (slow on most CPUs, but it works on
torch's CPU kernels; the compression benchmark measures it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.speech.base import SpeechError, SpeechErrorCode
from assistant.speech.faster_whisper import WhisperOptions
from assistant.speech.greedy_whisper import (
    DecoderStep,
    ShortWindowWhisper,
    WhisperVocab,
    pad_or_trim_frames,
    resolve_model_dir,
)

NAME = "openai-whisper"
CHECKPOINT = "tiny.en.pt"


@dataclass(frozen=True)
class OpenAIWhisperOptions:
    """Which checkpoint to load and how; ``decoding`` is shared with faster-whisper on purpose.

    ``model`` is a catalog id or a folder holding tiny.en.pt; empty is the converted tiny.en.
    """

    model: str = ""
    cache_dir: str = ""  # empty: the user's model cache
    cpu_threads: int = 0  # 0: torch's default (every core); torch's setting is process-wide
    fp16: bool = False
    decoding: WhisperOptions = field(default_factory=WhisperOptions)


class OpenAIWhisperEngine(ShortWindowWhisper):
    """The torch model, loaded once and kept warm."""

    name = NAME

    def __init__(self, options: OpenAIWhisperOptions | None = None) -> None:
        self.options = options or OpenAIWhisperOptions()
        super().__init__(self.options.decoding)
        self._model: Any = None
        self._torch: Any = None
        self._whisper: Any = None

    def _load(self) -> WhisperVocab:
        try:
            import torch
            import whisper
        except ImportError:
            raise SpeechError(
                SpeechErrorCode.MISSING_PACKAGE,
                "the openai-whisper engine needs torch and openai-whisper: "
                "pip install 'hearth[torch]'",
            ) from None
        from models.catalog import WHISPER_TINY_EN_OPENAI

        folder = resolve_model_dir(
            self.options.model, WHISPER_TINY_EN_OPENAI, (CHECKPOINT,), self.options.cache_dir
        )
        if self.options.cpu_threads:
            torch.set_num_threads(self.options.cpu_threads)
        try:
            model = whisper.load_model(str(folder / CHECKPOINT), device="cpu").eval()
        except Exception as err:  # unpickling a foreign file can raise anything (IndexError, ...)
            # The kind of failure only: unpickler messages quote the bytes they choked on.
            raise SpeechError(
                SpeechErrorCode.LOAD_FAILED,
                f"cannot load the Whisper checkpoint in {folder}: not a usable checkpoint "
                f"({type(err).__name__}); `hearth models verify {WHISPER_TINY_EN_OPENAI}` checks it",
            ) from err
        model = _half(model, torch) if self.options.fp16 else model.float()
        tokenizer = whisper.tokenizer.get_tokenizer(
            multilingual=model.is_multilingual,
            num_languages=model.num_languages,
            language="en" if model.is_multilingual else None,
            task="transcribe",
        )
        self._model, self._torch, self._whisper = model, torch, whisper
        return WhisperVocab.of(tokenizer, default_suppression(tokenizer))

    def _features(self, window: np.ndarray, frames: int) -> np.ndarray:
        mel = self._whisper.log_mel_spectrogram(self._torch.from_numpy(window))
        return pad_or_trim_frames(mel.numpy(), frames)

    def _start(self, features: np.ndarray) -> DecoderStep:
        torch, model = self._torch, self._model
        dtype = torch.float16 if self.options.fp16 else torch.float32
        with torch.inference_mode():
            audio = self._encode(torch.from_numpy(features)[None].to(dtype))

        def step(tokens: list[int]) -> np.ndarray:
            cache, hooks = model.install_kv_cache_hooks(state)
            try:
                with torch.inference_mode():
                    logits = model.decoder(torch.tensor([tokens]), audio, kv_cache=cache)
            finally:
                for hook in hooks:
                    hook.remove()
            state.clear()
            state.update(cache)
            return logits[0].float().numpy()

        state: dict[Any, Any] = {}
        return step

    def _encode(self, mel: Any) -> Any:
        """whisper's AudioEncoder.forward with the positional embedding cut to the window."""
        functional = self._torch.nn.functional
        encoder = self._model.encoder
        x = functional.gelu(encoder.conv1(mel))
        x = functional.gelu(encoder.conv2(x)).permute(0, 2, 1)
        x = (x + encoder.positional_embedding[: x.shape[1]]).to(x.dtype)
        for block in encoder.blocks:
            x = block(x)
        return encoder.ln_post(x)


def _half(model: Any, torch: Any) -> Any:
    """Weights in float16, except layer norms: whisper's LayerNorm computes in float32 and needs
    float32 parameters (that is how openai-whisper itself runs fp16)."""
    model = model.half()
    for module in model.modules():
        if isinstance(module, torch.nn.LayerNorm):
            module.float()
    return model


def default_suppression(tokenizer: Any) -> tuple[int, ...]:
    """The tokens openai-whisper's greedy decoding never emits (its ``suppress_tokens="-1"``):
    non-speech symbols and the special task tokens. Shared with the tests that decode the
    converted checkpoint on other runtimes, so every runtime suppresses the same set."""
    return tuple(
        sorted(
            {
                *tokenizer.non_speech_tokens,
                tokenizer.transcribe,
                tokenizer.translate,
                tokenizer.sot,
                tokenizer.sot_prev,
                tokenizer.sot_lm,
                tokenizer.no_speech,
            }
        )
    )
