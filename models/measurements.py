"""What a model measured on this machine: latency, real-time factor, WER and command success.

A catalog card can only say what a model is; how fast and how accurate it is depends on the CPU
it runs on. `python -m bench.compression` measures every speech model it runs and records the
numbers here, in a small JSON file in the user's data folder (not the cache: a benchmark takes
minutes and is not re-creatable by a download). `hearth models list` / `info` and the settings
dialog read them back with :func:`measured`, and say "not measured yet on this machine" where
there is nothing.

A measurement belongs to the machine it was taken on: each one carries a fingerprint of the CPU
(model name, core count, architecture), and one taken elsewhere (a data folder copied to another
computer) is not shown as this machine's. Writes are atomic (a temporary file renamed over the
old one), so a card never reads half a file, and a run that measured only some models keeps the
others' numbers.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models.files import MIB, FileRefused, atomic_write_text, read_regular_bytes

DATA_ENV = "HEARTH_DATA_DIR"
FILE_NAME = "model-measurements.json"
_FORMAT = 1
# The precision shown first when a model was measured in several: the one Hearth's engines run
# by default on a CPU (int8 for CTranslate2 and ONNX, float32 for torch, whose fp16 is slow).
_PREFERENCE = ("int8", "fp32", "fp16")


def default_data_dir() -> Path:
    """The app's data folder, found the way `assistant.config.data_dir` finds it.

    Repeated here (not imported) because `models` must not depend on `assistant`.
    """
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("hearth"))


@dataclass(frozen=True)
class Machine:
    """Which computer a measurement was taken on, and with how many threads."""

    cpu: str
    cores: int
    arch: str
    threads: int = 0  # threads the runtime used; 0: not recorded

    @property
    def fingerprint(self) -> tuple[str, int, str]:
        """What must match for a measurement to count as this machine's (threads may differ)."""
        return (self.cpu, self.cores, self.arch)

    def describe(self) -> str:
        threads = (
            f", {self.threads} thread{'s' if self.threads != 1 else ''}" if self.threads else ""
        )
        return f"{self.cpu}, {self.cores} cores{threads}"


def this_machine(threads: int = 0) -> Machine:
    """The current computer's CPU model name, logical core count and architecture."""
    return Machine(
        cpu=_cpu_name(), cores=os.cpu_count() or 1, arch=platform.machine(), threads=threads
    )


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass  # not Linux: platform's answer below
    return platform.processor() or platform.machine() or "unknown CPU"


@dataclass(frozen=True)
class Measurement:
    """One model in one runtime and precision, measured over a set of spoken commands.

    Rates are fractions (0.113 is 11.3%); the noisy condition is speech with noise at
    ``noisy_snr_db``. ``None`` means that part was not measured (for example no judge).
    """

    model_id: str
    runtime: str  # "faster-whisper (CTranslate2)", "onnxruntime", ...
    precision: str  # "int8", "fp32", "fp16"
    p50_ms: float
    p95_ms: float
    rtf: float  # decode time / audio time
    utterances: int
    machine: Machine
    measured_at: str  # ISO 8601, UTC
    wer_clean: float | None = None
    wer_noisy: float | None = None
    success_clean: float | None = None
    success_noisy: float | None = None
    noisy_snr_db: float = 10.0
    source: str = "bench/compression.py"
    extra: Mapping[str, float] = field(default_factory=dict)  # load_s, peak_rss_mb, disk_mb

    @property
    def key(self) -> str:
        return f"{self.model_id}|{self.runtime}|{self.precision}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["extra"] = dict(self.extra)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Measurement:
        """The inverse of `to_dict`; unknown keys (from a newer Hearth) are ignored."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        machine = {f.name for f in fields(Machine)}
        values["machine"] = Machine(**{k: v for k, v in data["machine"].items() if k in machine})
        values["extra"] = dict(data.get("extra", {}))
        return cls(**values)

    def summary(self) -> str:
        """One line for a table cell: speed first, then the accuracy a user cares about."""
        text = f"{self.p50_ms:.0f} ms p50"
        if self.wer_clean is not None:
            text += f", WER {100 * self.wer_clean:.1f}%"
        return text

    def describe(self) -> str:
        """The full sentence for a model card."""
        speed = f"p50 {self.p50_ms:.0f} ms, p95 {self.p95_ms:.0f} ms, RTF {self.rtf:.2f}"
        parts = [f"{speed} over {self.utterances} utterances"]
        noisy = f"{self.noisy_snr_db:g} dB"
        if self.wer_clean is not None and self.wer_noisy is not None:
            parts.append(
                f"WER {100 * self.wer_clean:.1f}% clean, {100 * self.wer_noisy:.1f}% at {noisy}"
            )
        if self.success_clean is not None and self.success_noisy is not None:
            parts.append(
                f"commands right {100 * self.success_clean:.0f}% clean, "
                f"{100 * self.success_noisy:.0f}% at {noisy}"
            )
        when = self.measured_at.replace("T", " ")[:16]
        parts.append(f"{self.machine.describe()}; {when} UTC by {self.source}")
        return "; ".join(parts)


_MAX_BYTES = 4 * MIB  # thousands of measurements; a FIFO or device by this name is refused


def path(data_dir: Path | None = None) -> Path:
    return (data_dir or default_data_dir()) / FILE_NAME


def _read(file: Path) -> list[Measurement] | None:
    """The file's measurements, skipping entries this Hearth cannot read; None: not a
    measurements file at all (damaged, or something else by that name)."""
    if not file.exists() and not file.is_symlink():
        return []
    try:
        raw = read_regular_bytes(file, "measurements", _MAX_BYTES)
        entries = json.loads(raw.decode("utf-8"))["measurements"]
    except (FileRefused, ValueError, KeyError, TypeError):
        return None
    if not isinstance(entries, list):
        return None
    found = []
    for entry in entries:
        try:
            found.append(Measurement.from_dict(entry))
        except (KeyError, TypeError, ValueError):
            continue  # one odd entry (another Hearth's format) must not hide the others
    return found


def load(data_dir: Path | None = None) -> list[Measurement]:
    """Every recorded measurement; a missing or unreadable file is simply none."""
    return _read(path(data_dir)) or []


def record(measurements: Iterable[Measurement], data_dir: Path | None = None) -> Path:
    """Add or replace these measurements (same model, runtime and precision) atomically.

    A file that cannot be read at all is kept beside the new one (``.unreadable``), not lost.
    """
    target = path(data_dir)
    previous = _read(target)
    if previous is None:
        target.replace(target.with_name(target.name + ".unreadable"))
        previous = []
    merged = {m.key: m for m in previous}
    merged.update({m.key: m for m in measurements})
    payload = {
        "format": _FORMAT,
        "measurements": [m.to_dict() for m in sorted(merged.values(), key=lambda m: m.key)],
    }
    atomic_write_text(target, json.dumps(payload, indent=2))
    return target


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def measurements(
    model_id: str, data_dir: Path | None = None, machine: Machine | None = None
) -> list[Measurement]:
    """This machine's measurements of ``model_id``, the default precision first."""
    here = (machine or this_machine()).fingerprint
    mine = [m for m in load(data_dir) if m.model_id == model_id and m.machine.fingerprint == here]
    rank = {precision: i for i, precision in enumerate(_PREFERENCE)}
    return sorted(mine, key=lambda m: (rank.get(m.precision, len(rank)), m.runtime))


def measured(
    model_id: str,
    precision: str | None = None,
    *,
    data_dir: Path | None = None,
    machine: Machine | None = None,
) -> Measurement | None:
    """The measurement a settings dialog or model card shows for ``model_id`` on this machine.

    With no ``precision``, the one Hearth runs by default (int8, else float32); None when the
    model has not been measured here yet. Qt-free and cheap (one small JSON read).
    """
    for measurement in measurements(model_id, data_dir, machine):
        if precision is None or measurement.precision == precision:
            return measurement
    return None


NOT_MEASURED = "not measured yet on this machine (python -m bench.compression)"
