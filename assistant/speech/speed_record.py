"""Keep what the first-run speed check measured, where `hearth models list` and Settings look.

The check times each installed engine on this computer; before, its numbers were shown once and
lost, and the model cards kept saying "not measured here yet" right after a measurement. Each
engine that ran is recorded as a :class:`models.measurements.Measurement` of the catalog model
it loaded (the configured one, or the engine's default), tagged with its source, so a later
`python -m bench.compression` run (more commands, WER) replaces or complements it.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from assistant.config import SpeechConfig
from assistant.speech.registry import ENGINES
from assistant.speech.speed_check import EngineResult, SpeedReport
from models import measurements
from models.catalog import CATALOG

SOURCE = "the first-run speed check"


def model_of(engine: str, config: SpeechConfig) -> str | None:
    """The catalog model ``engine`` ran in the check; None when it is not a catalog model."""
    spec = ENGINES.get(engine)
    if spec is None or spec.measured_as is None:
        return None  # the grammar engine's model comes with pocketsphinx, not the catalog
    if engine == config.engine and config.model:
        return config.model if config.model in CATALOG else None  # a folder: unknown model
    return spec.default_model("en")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measurement_of(result: EngineResult, config: SpeechConfig) -> measurements.Measurement | None:
    """One engine's result as a Measurement of its model; None if it did not run or has none."""
    spec = ENGINES.get(result.engine)
    model_id = model_of(result.engine, config)
    if spec is None or spec.measured_as is None or model_id is None or not result.ok:
        return None
    runtime, precision = spec.measured_as
    latencies = [c.latency_ms for c in result.commands]
    audio = sum(c.audio_ms for c in result.commands)
    return measurements.Measurement(
        model_id=model_id,
        runtime=runtime,
        precision=precision,
        p50_ms=statistics.median(latencies),
        p95_ms=_percentile(latencies, 0.95),
        rtf=sum(latencies) / audio if audio > 0 else 0.0,
        utterances=len(result.commands),
        machine=measurements.this_machine(),
        measured_at=measurements.now(),
        success_clean=result.understood / len(result.commands),
        source=SOURCE,
    )


def record_report(
    report: SpeedReport, config: SpeechConfig, data_dir: Path | None = None
) -> list[measurements.Measurement]:
    """Record every engine that ran; returns what was recorded (nothing is written if none)."""
    found = [m for r in report.results if (m := measurement_of(r, config)) is not None]
    if found:
        measurements.record(found, data_dir)
    return found
