"""A grammar-constrained engine: pocketsphinx decoding only the sentences the home can execute.

The caller gives command templates (hassil/JSGF-like: ``(a|b)`` alternatives, ``[optional]``
words, ``{slot}`` lists filled with the home's names), which are compiled to a JSGF grammar. The
decoder then cannot produce anything else, which is what makes it fast and robust on known
commands and useless on anything else, so every result carries a confidence:

* the hypothesis must be a *complete* sentence of the grammar (pocketsphinx otherwise returns the
  best partial path, e.g. "lock" for an out-of-grammar sentence);
* an unconstrained phone loop decodes the same audio, and how closely its phones agree with the
  phones of the grammar's answer ranks complete answers: confidence is 0 for an incomplete or
  empty answer and 0.5 + 0.5 x agreement for a complete one.

The pipeline falls back to Whisper below a threshold. Words missing from the pronunciation
dictionary cannot be decoded; templates and names using them are left out and listed in
:attr:`GrammarEngine.skipped`.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assistant.speech.base import (
    SpeechError,
    SpeechErrorCode,
    TranscriptResult,
    VocabularyHint,
    check_audio,
    duration_ms,
)

NAME = "grammar"
_TOKEN = re.compile(r"\{\w+\}|[()\[\]|]|[^\s()\[\]|{}]+")
_SEARCH_GRAMMAR = "hearth"
_MARGIN_SAMPLES = 4000  # 0.25 s

ACCEPT_CONFIDENCE = 0.55
"""Suggested line below which the pipeline should fall back to Whisper. On the synthesized test
set, right answers scored 0.54-0.77, wrong-but-complete ones 0.50-0.71, out-of-grammar speech
either nothing complete (0.0) or 0.50."""

_ONES = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(number: int) -> str:
    """0-999 in words, as pocketsphinx's dictionary spells them ("fifty five")."""
    if not 0 <= number <= 999:
        raise ValueError(f"only 0-999 can be spoken in a grammar, not {number}")
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + ("" if ones == 0 else " " + _ONES[ones])
    hundreds, rest = divmod(number, 100)
    return _ONES[hundreds] + " hundred" + ("" if rest == 0 else " " + number_words(rest))


def normalize_words(text: str) -> list[str]:
    """Lower-case dictionary words: punctuation dropped, numbers and "%" spelled out."""
    out: list[str] = []
    for raw in re.findall(r"[\w'%]+", text.lower()):
        percent = raw.endswith("%")
        word = raw.rstrip("%").strip("'")
        if word.isdigit() and int(word) <= 999:
            out.extend(number_words(int(word)).split())
        elif word:
            out.append(word)
        if percent:
            out.append("percent")
    return out


@dataclass(frozen=True)
class GrammarOptions:
    """Where the acoustic model and dictionary are; empty: pocketsphinx's bundled en-us."""

    model_dir: str = ""
    dictionary: str = ""


@dataclass
class CompiledGrammar:
    """A JSGF grammar plus the regular expression that tells complete sentences from partial."""

    jsgf: str
    pattern: re.Pattern[str]
    skipped: list[str] = field(default_factory=list)


class GrammarEngine:
    """pocketsphinx + a JSGF grammar built from the home's command templates and names."""

    name = NAME

    def __init__(
        self,
        sentences: Iterable[str] = (),
        slots: Mapping[str, Iterable[str]] | None = None,
        options: GrammarOptions | None = None,
    ) -> None:
        self.options = options or GrammarOptions()
        slot_map = {key: tuple(values) for key, values in (slots or {}).items()}
        self._default_hint = VocabularyHint(sentences=tuple(sentences), slots=slot_map)
        self._decoder: Any = None
        self._phone_decoder: Any = None
        self._grammar_key: tuple[object, ...] | None = None
        self._grammar: CompiledGrammar | None = None

    @property
    def skipped(self) -> list[str]:
        """Templates and names left out because a word has no pronunciation."""
        return list(self._grammar.skipped) if self._grammar else []

    def load(self) -> None:
        if self._decoder is not None:
            return
        try:
            from pocketsphinx import Decoder, get_model_path
        except ImportError:
            raise SpeechError(
                SpeechErrorCode.MISSING_PACKAGE,
                "the grammar engine needs pocketsphinx: pip install 'hearth[speech]'",
            ) from None
        base = os.path.join(get_model_path(), "en-us")
        model_dir = self.options.model_dir or os.path.join(base, "en-us")
        dictionary = self.options.dictionary or os.path.join(base, "cmudict-en-us.dict")
        phone_lm = os.path.join(base, "en-us-phone.lm.bin")
        for path in (model_dir, dictionary, phone_lm):
            if not os.path.exists(path):
                raise SpeechError(
                    SpeechErrorCode.MODEL_NOT_FOUND, f"pocketsphinx model file missing: {path}"
                )
        try:
            # Two decoders: switching one decoder between an FSG and a phone loop corrupts
            # the FSG search's results in pocketsphinx 5.
            # bestpath=False: the lattice rescoring pass often cut the final word on
            # synthetic voices (54 vs 65 of 76 commands right); dither avoids log(0) on the
            # digital silence of generated or gated audio.
            decoder = Decoder(
                hmm=model_dir,
                dict=dictionary,
                lm=None,
                loglevel="FATAL",
                dither=True,
                seed=1,
                bestpath=False,
            )
            phone_decoder = Decoder(
                hmm=model_dir,
                dict=dictionary,
                allphone=phone_lm,
                lm=None,
                loglevel="FATAL",
                dither=True,
                seed=1,
            )
        except (RuntimeError, ValueError) as err:
            raise SpeechError(
                SpeechErrorCode.LOAD_FAILED, f"cannot load pocketsphinx: {err}"
            ) from err
        self._decoder = decoder
        self._phone_decoder = phone_decoder
        if self._default_hint.sentences:
            self._use_grammar(self._default_hint)

    def compile(self, hint: VocabularyHint) -> CompiledGrammar:
        """JSGF and a matching regex for the hint's templates (words checked against the dict)."""
        self.load()
        return compile_grammar(hint, lambda word: bool(self._decoder.lookup_word(word)))

    def transcribe(self, audio: np.ndarray, hint: VocabularyHint | None = None) -> TranscriptResult:
        samples = check_audio(audio)
        self.load()
        started = time.perf_counter()
        grammar = self._use_grammar(hint or self._default_hint)
        # Silence around the command gives the decoder its start/end context (trimmed clips
        # otherwise often end in a partial path).
        margin = np.zeros(_MARGIN_SAMPLES, dtype=np.int16)
        padded = np.concatenate([margin, samples, margin])
        text = _decode(self._decoder, padded)
        confidence = 0.0
        if text and grammar.pattern.fullmatch(text + " "):
            expected = self._phones(text.split())
            heard = _decode(self._phone_decoder, padded, phones=True).split()
            # A complete grammar sentence is the strong signal (out-of-grammar speech rarely
            # completes a path); phone-loop agreement ranks complete answers above 0.5.
            confidence = 0.5 + 0.5 * phone_agreement(expected, heard)
        return TranscriptResult(
            text=text,
            confidence=confidence,
            duration_ms=duration_ms(samples),
            decode_ms=1000.0 * (time.perf_counter() - started),
            engine=NAME,
            words=tuple(text.split()),
        )

    def _use_grammar(self, hint: VocabularyHint) -> CompiledGrammar:
        key = hint.key()
        if self._grammar is not None and key == self._grammar_key:
            return self._grammar
        if not hint.sentences:
            raise SpeechError(
                SpeechErrorCode.BAD_GRAMMAR,
                "the grammar engine needs command sentences (from the home's intents)",
            )
        grammar = self.compile(hint)
        try:
            self._decoder.add_jsgf_string(_SEARCH_GRAMMAR, grammar.jsgf)
        except (RuntimeError, ValueError) as err:
            raise SpeechError(SpeechErrorCode.BAD_GRAMMAR, f"bad command grammar: {err}") from err
        self._decoder.activate_search(_SEARCH_GRAMMAR)
        self._grammar, self._grammar_key = grammar, key
        return grammar

    def _phones(self, words: list[str]) -> list[str]:
        out: list[str] = []
        for word in words:
            out.extend((self._decoder.lookup_word(word) or "").split())
        return out


def _decode(decoder: Any, samples: np.ndarray, phones: bool = False) -> str:
    decoder.start_utt()
    decoder.process_raw(samples.tobytes(), full_utt=True)
    decoder.end_utt()
    if phones:
        segments = decoder.seg() or []
        return " ".join(s.word for s in segments if s.word not in {"SIL", "<s>", "</s>", "<sil>"})
    hyp = decoder.hyp()
    return hyp.hypstr.strip() if hyp is not None else ""


def phone_agreement(expected: list[str], heard: list[str]) -> float:
    """1 - normalized edit distance between two phone sequences (1.0: identical)."""
    if not expected and not heard:
        return 1.0
    previous = list(range(len(heard) + 1))
    for i, phone in enumerate(expected, start=1):
        current = [i]
        for j, other in enumerate(heard, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (phone != other))
            )
        previous = current
    return max(0.0, 1.0 - previous[-1] / max(len(expected), len(heard)))


def compile_grammar(hint: VocabularyHint, known: Any) -> CompiledGrammar:
    """Build JSGF + regex from templates; ``known(word)`` says whether the dictionary has it."""
    skipped: list[str] = []
    slot_rules: dict[str, list[str]] = {}
    for slot, values in hint.slots.items():
        words_ok = []
        for value in values:
            words = normalize_words(value)
            if words and all(known(word) for word in words):
                words_ok.append(" ".join(words))
            elif words:
                skipped.append(f"{{{slot}}}: {value}")
        slot_rules[slot] = sorted(set(words_ok))
    alternatives: list[tuple[str, str]] = []
    for template in hint.sentences:
        converted = _convert(template, slot_rules, known)
        if converted is None:
            skipped.append(template)
        else:
            alternatives.append(converted)
    if not alternatives:
        raise SpeechError(
            SpeechErrorCode.BAD_GRAMMAR,
            "none of the command sentences can be pronounced by the grammar engine",
        )
    lines = ["#JSGF V1.0;", "grammar hearth;"]
    lines.append("public <command> = " + " | ".join(f"( {j} )" for j, _ in alternatives) + ";")
    for slot, values in slot_rules.items():
        if values:
            lines.append(f"<slot_{slot}> = " + " | ".join(values) + ";")
    pattern = re.compile("|".join(f"(?:{r})" for _, r in alternatives))
    return CompiledGrammar("\n".join(lines) + "\n", pattern, skipped)


def _convert(template: str, slots: dict[str, list[str]], known: Any) -> tuple[str, str] | None:
    """One template as (JSGF expansion, regex over space-separated words); None if unusable."""
    jsgf: list[str] = []
    regex: list[str] = []
    for token in _TOKEN.findall(template):
        if token.startswith("{"):
            values = slots.get(token[1:-1])
            if not values:
                return None
            jsgf.append(f"<slot_{token[1:-1]}>")
            regex.append("(?:" + "|".join(re.escape(v) + " " for v in values) + ")")
        elif token in "()[]|":
            jsgf.append(token)
            regex.append({"(": "(?:", ")": ")", "[": "(?:", "]": ")?", "|": "|"}[token])
        else:
            words = normalize_words(token)
            if not all(known(word) for word in words):
                return None
            jsgf.extend(words)
            regex.extend(re.escape(word) + " " for word in words)
    if not any(part for part in jsgf if part not in "()[]|"):
        return None
    return " ".join(jsgf), "".join(regex)
