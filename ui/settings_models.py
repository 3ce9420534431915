"""Which engines and models the settings offer, and how each is labelled.

Kept apart from the widgets so the rules (which models an engine loads, what "installed" means,
how a wake word's catalog id maps to the config's words) are plain functions over the catalog
and the store, read once in the background when the dialog opens.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from assistant import config as config_module
from assistant.speech.registry import ENGINES as SPEECH_ENGINES
from models import measurements
from models.catalog import CATALOG, Engine, ModelSpec
from models.store import InstallState, ModelStore

NON_COMMERCIAL = "non-commercial licence (CC BY-NC-SA 4.0)"
NOT_AVAILABLE = "not available in this version"

TTS_ENGINES = (("piper", "Piper (natural voice)"), ("espeak-ng", "eSpeak NG (robotic, small)"))
WAKE_ENGINES = {Engine.MICRO_WAKE_WORD: "microwakeword", Engine.OPEN_WAKE_WORD: "openwakeword"}

_SPEECH_KINDS = frozenset(
    spec.catalog_engine for spec in SPEECH_ENGINES.values() if spec.catalog_engine
)

#: Model kinds whose install state the settings show (speech, wake word, the piper voice).
_SHOWN_KINDS = frozenset(
    _SPEECH_KINDS | {Engine.MICRO_WAKE_WORD, Engine.OPEN_WAKE_WORD, Engine.PIPER}
)


def human_size(size: int | None) -> str:
    if size is None:
        return "size unknown"
    if size >= 1_000_000:
        return f"{size / 1_000_000:.0f} MB" if size >= 10_000_000 else f"{size / 1e6:.1f} MB"
    return f"{max(1, round(size / 1000))} kB"


def wake_word_of(spec: ModelSpec) -> str:
    """ "microwakeword-okay-nabu" → "okay_nabu" (the word as WakeConfig names it)."""
    return spec.id.split("-", 1)[1].replace("-", "_")


def wake_label(spec: ModelSpec) -> str:
    phrase = wake_word_of(spec).replace("_", " ").title()
    if spec.engine is Engine.OPEN_WAKE_WORD:
        return f"{phrase} — openWakeWord · {NON_COMMERCIAL}"
    return f"{phrase} — microWakeWord ({spec.license})"


@dataclass(frozen=True)
class ModelChoice:
    """One entry of the speech model list: what goes into ``speech.model`` and why."""

    value: str  # what speech.model is set to ("" = the engine's default)
    label: str
    model_id: str | None = None
    installed: bool = True
    detail: str = ""


@dataclass(frozen=True)
class Installed:
    """What is installed on this machine, read in the background when the dialog opens."""

    models: dict[str, InstallState] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    packages: dict[str, bool] = field(default_factory=dict)
    espeak: bool = False
    measured: dict[str, str] = field(default_factory=dict)  # speech model id → one line

    def state(self, model_id: str) -> InstallState:
        return self.models.get(model_id, InstallState.MISSING)

    def with_model(self, model_id: str, path: str) -> Installed:
        """The same, with one model just downloaded into the cache."""
        return Installed(
            {**self.models, model_id: InstallState.CACHED},
            {**self.paths, model_id: path},
            self.packages,
            self.espeak,
            self.measured,
        )


def read_installed(store: ModelStore) -> Installed:
    """Install state of every speech, wake-word and voice model, and of the engines' packages."""
    models: dict[str, InstallState] = {}
    paths: dict[str, str] = {}
    for model_id, spec in store.catalog.items():
        if spec.engine in _SHOWN_KINDS:
            models[model_id] = store.state(model_id)
            if models[model_id] is not InstallState.MISSING:
                paths[model_id] = str(store.path(model_id))
    names = {spec.package for spec in SPEECH_ENGINES.values()} | {"piper"}
    packages = {name: importlib.util.find_spec(name) is not None for name in sorted(names)}
    measured = {
        model_id: measured_line(model_id)
        for model_id, spec in store.catalog.items()
        if spec.engine in _SPEECH_KINDS
    }
    espeak = shutil.which("espeak-ng") is not None
    return Installed(models, paths, packages, espeak, {k: v for k, v in measured.items() if v})


def measured_line(model_id: str) -> str:
    """How fast and accurate the model measured on this computer, for its info line.

    The numbers, or a line that says how to measure it.
    """
    found = measurements.measured(model_id, data_dir=config_module.data_dir())
    if found is None:
        return f"Speed here: {measurements.NOT_MEASURED}."
    text = f"Measured here ({found.precision}): {found.summary()}"
    if found.success_clean is not None:
        text += f", {100 * found.success_clean:.0f}% of spoken commands right"
    return text + "."


def default_model(engine: str, language: str = "en") -> str | None:
    """The catalog model ``engine`` loads when ``speech.model`` is empty."""
    spec = SPEECH_ENGINES.get(engine)
    return spec.default_model(language) if spec else None


def model_choices(
    engine: str,
    current: str,
    installed: Installed,
    catalog: Mapping[str, ModelSpec] = CATALOG,
    language: str = "en",
) -> list[ModelChoice]:
    """The models ``engine`` can load, with size, licence and whether they are installed.

    The engine's default for ``language`` has the value "" (what an untouched config holds);
    every other model is named by its folder, or by its catalog id until it is installed, so
    no other-language model can stand in for the default.
    """
    spec = SPEECH_ENGINES.get(engine)
    kind = spec.catalog_engine if spec else None
    default = default_model(engine, language)
    choices: list[ModelChoice] = []
    if kind is None:
        choices.append(ModelChoice("", "Bundled with the engine (US English)"))
    for spec in catalog.values():
        if spec.engine is not kind or kind is None:
            continue
        state = installed.state(spec.id)
        is_default = default == spec.id
        value = "" if is_default else installed.paths.get(spec.id, spec.id)
        if current and installed.paths.get(spec.id) == current:
            value = current  # a config that names the model's folder (as older versions saved)
        where = {"packaged": "installed (packaged)", "cached": "installed"}.get(
            state.value, "not installed"
        )
        label = f"{spec.id} · {human_size(spec.size_bytes)} · {where}"
        memory = f" Needs about {spec.ram_mb} MB of memory." if spec.ram_mb else ""
        speed = installed.measured.get(spec.id, "")
        detail = f"Licence: {spec.license}.{memory}" + (f" {speed}" if speed else "")
        choices.append(
            ModelChoice(value, label, spec.id, state is not InstallState.MISSING, detail)
        )
    if current and not any(c.value == current for c in choices):
        choices.append(ModelChoice(current, f"Custom: {current}", None, Path(current).exists()))
    return choices
