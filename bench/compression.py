"""The compression lab's report: one Whisper tiny.en, three runtimes, three precisions.

The same weights (the packaged CTranslate2 tiny.en, rebuilt as an openai-whisper checkpoint and
exported to ONNX by `hearth models convert` / `quantize`) run on openai-whisper (torch), on
onnxruntime and on faster-whisper (CTranslate2), in float32, float16 and int8 where the runtime
can. Each configuration runs in its own process (multiprocessing spawn), so peak RSS is that
configuration's alone. All decode the same way: greedy (beam 1, temperature 0, no fallback),
the short feature window max(5 s, audio + 1 s), the demo home's vocabulary as the prompt, the
same token budget and the same no-speech/repetition guards (onnxruntime and torch run
assistant.speech.greedy_whisper, which borrows all of those from the faster-whisper engine).

The set is the spoken-command test's commands on the demo home, synthesized with espeak-ng in two
voices, clean and with noise at 10 dB SNR, each clip cut to its last spoken sample. WER is over
normalized words (numbers as digits); command success is judged by the actions a Conversation on
the demo home takes, as ARCHITECTURE.md asks. Latency is the engine's decode time per utterance
(end-pointed audio in, transcript out), after one warm-up utterance.

Every row measured is also recorded as that model's measurement on this machine
(`models.measurements`, in the user's data folder), which `hearth models list` / `info` and the
settings dialog show; `--no-record` leaves them alone.

    python -m bench.compression [--threads N] [--voices 2] [--limit N] [--cache-dir DIR]
                                [--no-record] [--data-dir DIR] [--int8-variants]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import re
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import cache_dir, data_dir
from assistant.speech.base import SpeechEngine, SpeechError, VocabularyHint
from models.measurements import Measurement, record, this_machine
from models.measurements import now as measurements_now

RESULTS = Path(__file__).parent / "results"
CONDITIONS = (("clean", None), ("10 dB", 10.0))
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "eighteen": 18,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}


@dataclass(frozen=True)
class Backend:
    """One row of the table: a runtime and a precision."""

    runtime: str  # "openai-whisper (torch)", "onnxruntime", "faster-whisper (CTranslate2)"
    precision: str  # "fp32", "fp16", "int8"
    model_id: str  # the catalog entry whose files are on disk ("" for an int8 variant)
    note: str = ""
    variant: str = ""  # an int8 recipe of models.quantization other than the default
    folder: str = ""  # where that variant's graphs are

    @property
    def label(self) -> str:
        precision = f"{self.precision} {self.variant}" if self.variant else self.precision
        return f"{self.runtime} {precision}"


BACKENDS = (
    Backend("openai-whisper (torch)", "fp32", "whisper-tiny.en-openai", "fp16 checkpoint on disk"),
    Backend("openai-whisper (torch)", "fp16", "whisper-tiny.en-openai", "fp16 checkpoint on disk"),
    Backend("onnxruntime", "fp32", "whisper-tiny.en-onnx-fp32"),
    Backend(
        "onnxruntime",
        "int8",
        "whisper-tiny.en-onnx-int8",
        "dynamic quantization, per-channel, 7-bit weights",
    ),
    Backend("faster-whisper (CTranslate2)", "fp32", "whisper-tiny.en-ct2", "fp16 model.bin"),
    Backend("faster-whisper (CTranslate2)", "fp16", "whisper-tiny.en-ct2", "fp16 model.bin"),
    Backend("faster-whisper (CTranslate2)", "int8", "whisper-tiny.en-ct2", "fp16 model.bin"),
)
NOT_BUILT = (
    Backend(
        "onnxruntime",
        "fp16",
        "",
        "n/a: not built; onnxruntime's CPU provider has no fast float16 kernels",
    ),
)


def make_engine(backend: Backend, cache: str, threads: int) -> SpeechEngine:
    """The engine for one row, with the shared decoding options (see the module docstring)."""
    from assistant.speech.faster_whisper import FasterWhisperEngine, WhisperOptions
    from assistant.speech.onnx_whisper import OnnxWhisperEngine, OnnxWhisperOptions
    from assistant.speech.openai_whisper import OpenAIWhisperEngine, OpenAIWhisperOptions

    decoding = WhisperOptions(cpu_threads=threads)
    if backend.runtime.startswith("openai-whisper"):
        return OpenAIWhisperEngine(
            OpenAIWhisperOptions(
                cache_dir=cache,
                cpu_threads=threads,
                fp16=backend.precision == "fp16",
                decoding=decoding,
            )
        )
    if backend.runtime == "onnxruntime":
        return OnnxWhisperEngine(
            OnnxWhisperOptions(
                model=backend.folder,
                precision=backend.precision,
                cache_dir=cache,
                cpu_threads=threads,
                decoding=decoding,
            )
        )
    compute = {"fp32": "float32", "fp16": "float16", "int8": "int8"}[backend.precision]
    return FasterWhisperEngine(replace(decoding, compute_type=compute))


def peak_rss_mb() -> float:
    """This process's own peak RSS. VmHWM, not ru_maxrss: a spawned child's ru_maxrss starts at
    its parent's peak (fork copies it and exec keeps it), and the parent may have run the ONNX
    export with torch loaded."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass  # not Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def serve(
    backend: Backend,
    clips: Sequence[np.ndarray],
    hint: VocabularyHint,
    cache: str,
    threads: int,
    conn: Connection,
) -> None:
    """One configuration's worker process: load, warm up, then transcribe the clips it is sent.

    Answers ("ready", load_s) or ("error", message) first, then (text, decode_ms) per clip index
    received, then ("done", peak RSS MB) when sent None.
    """
    started = time.perf_counter()
    engine = make_engine(backend, cache, threads)
    try:
        engine.load()
        load_s = time.perf_counter() - started
        engine.transcribe(clips[0], hint)  # warm-up: first-call allocations are not latency
    except (SpeechError, ValueError, RuntimeError) as err:
        conn.send(("error", " ".join(str(err).split()).rsplit(": ", 1)[-1]))
        return
    conn.send(("ready", load_s))
    while (index := conn.recv()) is not None:
        result = engine.transcribe(clips[index], hint)
        conn.send((result.text, result.decode_ms))
    conn.send(("done", peak_rss_mb()))


def baseline_rss(clips: Sequence[np.ndarray], conn: Connection) -> None:
    """A process that holds the same audio and imports the same Hearth modules, but no model."""
    import assistant.speech.greedy_whisper  # noqa: F401  (the import cost every row pays)

    conn.send({"peak_rss_mb": peak_rss_mb(), "n": len(clips)})


def measure_all(
    backends: Sequence[Backend],
    clips: Sequence[np.ndarray],
    hint: VocabularyHint,
    cache: str,
    threads: int,
) -> list[dict[str, Any]]:
    """Every configuration in its own process, all fed the same clip in turn (rotating order).

    On a machine shared with other jobs the load changes from minute to minute; measuring the
    configurations one after another would credit one of them with a quiet minute. Taking turns
    clip by clip gives every configuration the same mix of quiet and busy moments, and only one
    process decodes at a time, so they never compete with each other. Loading happens one at a
    time too, so load times are not contended either.
    """
    context = multiprocessing.get_context("spawn")
    results: list[dict[str, Any]] = []
    live: list[tuple[int, Connection]] = []  # (index into results, pipe) of loaded workers
    processes = []
    for backend in backends:
        print(f"{backend.label}: loading in its own process...", file=sys.stderr)
        here, there = context.Pipe()
        process = context.Process(
            target=serve, args=(backend, clips, hint, cache, threads, there), daemon=True
        )
        process.start()
        there.close()  # only the child holds it now: a dead worker reads as EOFError, not a hang
        processes.append(process)
        try:
            status, value = here.recv()
        except EOFError:
            status, value = "error", "worker died while loading"
        if status == "error":
            print(f"  {backend.label}: n/a ({value})", file=sys.stderr)
            results.append({"error": value})
            continue
        live.append((len(results), here))
        results.append({"load_s": value, "texts": [], "decode_ms": []})
    for index in range(len(clips)):
        turn = index % len(live) if live else 0
        for slot, conn in live[turn:] + live[:turn]:
            conn.send(index)
            text, ms = conn.recv()
            results[slot]["texts"].append(text)
            results[slot]["decode_ms"].append(ms)
        if (index + 1) % 20 == 0 or index + 1 == len(clips):
            medians = ", ".join(
                f"{np.median(results[slot]['decode_ms']):.0f}" for slot, _conn in live
            )
            print(f"  {index + 1}/{len(clips)} utterances; medians ms: {medians}", file=sys.stderr)
    for slot, conn in live:
        conn.send(None)
        _done, results[slot]["peak_rss_mb"] = conn.recv()
    for process in processes:
        process.join()
    return results


def in_subprocess(function: Any, *args: Any) -> dict[str, Any]:
    """Run ``function(*args, conn)`` in a fresh spawned process and return what it sends."""
    context = multiprocessing.get_context("spawn")
    here, there = context.Pipe()
    process = context.Process(target=function, args=(*args, there), daemon=True)
    process.start()
    there.close()  # only the child holds it now: a dead worker reads as EOFError, not a hang
    try:
        result = here.recv()
    except EOFError:
        result = {"error": "worker died"}
    process.join()
    return result


# ---- the spoken set and its judging ---------------------------------------------------------


@dataclass(frozen=True)
class Utterance:
    text: str
    voice: str
    condition: str
    index: int  # into SPOKEN, for the expected actions


def synthesize(voices: Sequence[str], limit: int) -> tuple[list[Utterance], list[np.ndarray]]:
    from bench.spoken_commands import SPOKEN
    from bench.voices import add_noise, speak, trim_silence

    items = list(enumerate(SPOKEN))[: limit or None]
    utterances: list[Utterance] = []
    clips: list[np.ndarray] = []
    with tempfile.TemporaryDirectory() as folder:
        for voice in voices:
            for index, item in items:
                clean = trim_silence(speak(item.text, voice, Path(folder)))
                for condition, snr in CONDITIONS:
                    seed = len(clips)
                    clips.append(clean if snr is None else add_noise(clean, snr, seed=seed))
                    utterances.append(Utterance(item.text, voice, condition, index))
    return utterances, clips


def words(text: str) -> list[str]:
    """Lower-case words, punctuation gone, numbers as digits ("twenty two" and "22" agree)."""
    tokens = re.sub(r"[^\w%' ]", " ", text.lower().replace("%", " percent ")).split()
    out: list[str] = []
    for token in tokens:
        if token in _UNITS and out and out[-1].isdigit() and int(out[-1]) in _TENS.values():
            out[-1] = str(int(out[-1]) + _UNITS[token])
        elif token in _TENS:
            out.append(str(_TENS[token]))
        elif token in _UNITS:
            out.append(str(_UNITS[token]))
        else:
            out.append(token)
    return out


def edit_distance(reference: Sequence[str], hypothesis: Sequence[str]) -> int:
    row = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        previous, row[0] = row[0], i
        for j, hyp in enumerate(hypothesis, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ref != hyp))
    return row[-1]


class Judge:
    """Says whether a transcript makes the demo home do what the spoken command meant."""

    def __init__(self) -> None:
        from assistant.home.loader import load_home
        from intents.engine import IntentEngine

        self.home = load_home()
        self.engine = IntentEngine("en")
        self._cache: dict[tuple[str, int], bool] = {}

    def success(self, transcript: str, index: int) -> bool:
        key = (transcript, index)
        if key not in self._cache:
            self._cache[key] = self._run(transcript, index)
        return self._cache[key]

    def _run(self, transcript: str, index: int) -> bool:
        from assistant.conversation import Conversation
        from assistant.home.simulated import SimulatedBackend
        from assistant.session import SessionStore
        from bench.spoken_commands import SPOKEN, check

        with tempfile.TemporaryDirectory() as folder:
            backend = SimulatedBackend(self.home, Path(folder) / "home.sqlite3")
            store = SessionStore(None)
            try:
                result = Conversation(backend, self.engine, store=store).handle(transcript)
            finally:
                backend.close()
                store.close()
        return check(SPOKEN[index], [action.to_dict() for action in result.requested_actions])


# ---- the report ----------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def disk_mb(backend: Backend, cache: str) -> float | None:
    from models.store import ModelStore, ModelStoreError

    if backend.folder:
        return sum(path.stat().st_size for path in Path(backend.folder).glob("*.onnx")) / 1e6

    store = ModelStore(Path(cache))
    try:
        folder = store.path(backend.model_id)
    except ModelStoreError:  # reported as n/a, never a crash
        return None
    files = store.spec(backend.model_id).files
    return sum((folder / entry.path).stat().st_size for entry in files) / 1e6


def score(
    measured: dict[str, Any], utterances: Sequence[Utterance], clips: Sequence[np.ndarray],
    judge: Judge,
) -> dict[str, Any]:  # fmt: skip
    """WER and command success per condition, latency and real-time factor over all."""
    row: dict[str, Any] = {key: measured[key] for key in ("load_s", "peak_rss_mb")}
    ms = measured["decode_ms"]
    row["n"] = len(ms)
    row["p50_ms"] = percentile(ms, 50)
    row["p95_ms"] = percentile(ms, 95)
    audio_ms = sum(1000 * len(clip) / 16000 for clip in clips)
    row["rtf"] = sum(ms) / audio_ms
    for condition, _snr in CONDITIONS:
        picked = [i for i, u in enumerate(utterances) if u.condition == condition]
        errors = sum(
            edit_distance(words(utterances[i].text), words(measured["texts"][i])) for i in picked
        )
        total = sum(len(words(utterances[i].text)) for i in picked)
        hits = sum(judge.success(measured["texts"][i], utterances[i].index) for i in picked)
        row[f"wer_{condition}"] = errors / total
        row[f"success_{condition}"] = hits / len(picked)
    return row


def agreement(first: Sequence[str], second: Sequence[str]) -> float:
    same = sum(words(a) == words(b) for a, b in zip(first, second, strict=True))
    return same / len(first)


def run(args: argparse.Namespace) -> dict[str, Any]:
    cache = args.cache_dir or str(cache_dir())
    ensure_models(cache)
    voices = ("en-us", "en-gb+f3")[: args.voices]
    print(f"synthesizing the command set ({', '.join(voices)})...", file=sys.stderr)
    utterances, clips = synthesize(voices, args.limit)
    from assistant.home.loader import load_home
    from assistant.speech.hint import home_hint

    hint = home_hint(load_home())
    print(f"{len(clips)} utterances", file=sys.stderr)
    load_before = os.getloadavg()
    base = in_subprocess(baseline_rss, clips)
    report: dict[str, Any] = {
        "machine": {
            "cores": os.cpu_count(),
            "threads": args.threads or os.cpu_count(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "load_average_before": load_before,
        },
        "set": {
            "utterances": len(clips),
            "commands": len({u.index for u in utterances}),
            "voices": list(voices),
            "conditions": [c for c, _ in CONDITIONS],
            "audio_s": sum(len(c) for c in clips) / 16000,
        },
        "decoding": (
            "greedy (beam 1, temperature 0, no fallback); window max(5 s, audio + 1 s); "
            "demo home vocabulary as prompt; budget 6 tokens/s + 8; same no-speech and "
            "repetition guards (onnxruntime/torch add a log-prob floor for noise)"
        ),
        "baseline_rss_mb": base.get("peak_rss_mb"),
        "rows": [],
    }
    backends = list(BACKENDS)
    variants_dir = None
    if args.int8_variants:
        variants_dir = tempfile.TemporaryDirectory(prefix="hearth-int8-")
        backends += build_variants(cache, Path(variants_dir.name))
    try:
        measured_rows = measure_all(backends, clips, hint, cache, args.threads)
        print("judging transcripts by their actions on the demo home...", file=sys.stderr)
        judge = Judge()
        texts: dict[str, list[str]] = {}
        for backend, measured in zip(backends, measured_rows, strict=True):
            row: dict[str, Any] = {**asdict(backend), "disk_mb": disk_mb(backend, cache)}
            if "error" in measured:
                row["error"] = measured["error"]
            else:
                row.update(score(measured, utterances, clips, judge))
                row["texts"] = measured["texts"]
                texts[backend.label] = measured["texts"]
            report["rows"].append(row)
    finally:
        if variants_dir is not None:
            variants_dir.cleanup()
    for backend in NOT_BUILT:
        report["rows"].append({**asdict(backend), "error": backend.note.removeprefix("n/a: ")})
    report["machine"]["load_average_after"] = os.getloadavg()
    report["utterances"] = [asdict(u) for u in utterances]
    report["agreement"] = agreements(texts)
    report["targets"] = targets(report["rows"])
    return report


def agreements(texts: dict[str, list[str]]) -> dict[str, float]:
    """Same normalized words, utterance by utterance: the conversion check of issue 7."""
    torch_fp32 = texts.get("openai-whisper (torch) fp32")
    out: dict[str, float] = {}
    if torch_fp32 is None:
        return out
    for other in ("faster-whisper (CTranslate2) fp32", "faster-whisper (CTranslate2) int8"):
        if other in texts:
            out[f"openai-whisper fp32 vs {other}"] = agreement(torch_fp32, texts[other])
    return out


def targets(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Issue 7's targets for int8 against fp32 where both are files on disk (onnxruntime).

    CTranslate2 keeps one float16 file and quantizes while loading, so "smaller on disk" does
    not apply to it; its int8/fp32 speed and RSS are in the table.
    """
    out: dict[str, Any] = {}
    for runtime in {row["runtime"] for row in rows}:
        by = {
            r["precision"]: r
            for r in rows
            if r["runtime"] == runtime and "error" not in r and not r.get("variant")
        }
        if "int8" not in by or "fp32" not in by:
            continue
        fp32, int8 = by["fp32"], by["int8"]
        if fp32["model_id"] == int8["model_id"]:  # CTranslate2 quantizes while loading
            continue
        smaller = fp32["disk_mb"] / int8["disk_mb"] if fp32["disk_mb"] and int8["disk_mb"] else 0
        faster = fp32["p50_ms"] / int8["p50_ms"]
        wer_delta = max(100 * (int8[f"wer_{c}"] - fp32[f"wer_{c}"]) for c, _ in CONDITIONS)
        out[runtime] = {
            "smaller_x": smaller,
            "faster_x_p50": faster,
            "wer_points_worse": wer_delta,
            "met": smaller >= 3.5 and faster >= 1.5 and wer_delta <= 1.0,
        }
    return out


def ensure_models(cache: str) -> None:
    """Build what the table needs into the cache, with progress (no-ops when installed)."""
    from models.convert import convert_openai_whisper
    from models.export import export_whisper_onnx, quantize_whisper_onnx
    from models.store import ModelStore

    store = ModelStore(Path(cache))
    for build in (convert_openai_whisper, export_whisper_onnx, quantize_whisper_onnx):
        build(store, step=lambda message: print(f"  models: {message}", file=sys.stderr))


def to_measurements(report: dict[str, Any]) -> list[Measurement]:
    """The report's measured rows as per-model measurements of this machine."""
    machine = this_machine(threads=report["machine"]["threads"])
    when = measurements_now()
    out = []
    for row in report["rows"]:
        if "error" in row or not row.get("model_id"):
            continue
        extra = {k: float(row[k]) for k in ("load_s", "peak_rss_mb", "disk_mb") if row.get(k)}
        out.append(
            Measurement(
                model_id=row["model_id"],
                runtime=row["runtime"],
                precision=row["precision"],
                p50_ms=row["p50_ms"],
                p95_ms=row["p95_ms"],
                rtf=row["rtf"],
                utterances=row["n"],
                machine=machine,
                measured_at=when,
                wer_clean=row["wer_clean"],
                wer_noisy=row["wer_10 dB"],
                success_clean=row["success_clean"],
                success_noisy=row["success_10 dB"],
                noisy_snr_db=10.0,
                source="bench/compression.py",
                extra=extra,
            )
        )
    return out


def build_variants(cache: str, folder: Path) -> list[Backend]:
    """The int8 recipes `hearth models quantize` was chosen over, built from the cached float32
    export into ``folder``, as extra onnxruntime rows (see models.quantization)."""
    from models.catalog import WHISPER_TINY_EN_ONNX_FP32
    from models.quantization import DEFAULT, RECIPES, quantize_int8
    from models.store import ModelStore

    source = ModelStore(Path(cache)).path(WHISPER_TINY_EN_ONNX_FP32)
    backends = []
    for name, recipe in RECIPES.items():
        if recipe == DEFAULT:
            continue  # that is the catalog's int8 row
        print(f"  models: building int8 variant {name} ({recipe.description})", file=sys.stderr)
        out = folder / name
        out.mkdir()
        quantize_int8(source, out, recipe)
        backends.append(Backend("onnxruntime", "int8", "", recipe.description, name, str(out)))
    return backends


def _fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def table(report: dict[str, Any]) -> str:
    machine = report["machine"]
    lines = [
        (
            f"Whisper tiny.en compression ({machine['cores']} cores, {machine['threads']} threads; "
            f"{report['set']['utterances']} utterances: {report['set']['commands']} commands x "
            f"{len(report['set']['voices'])} espeak-ng voices x clean/10 dB)"
        ),
        "",
        (
            "| runtime | precision | disk MB | load s | peak RSS MB | p50 ms | p95 ms | RTF "
            "| WER clean | WER 10 dB | success clean | success 10 dB |"
        ),
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report["rows"]:
        precision = (
            f"{row['precision']} ({row['variant']})" if row.get("variant") else row["precision"]
        )
        head = f"| {row['runtime']} | {precision} | {_fmt(row.get('disk_mb'), '.1f')} |"
        if "error" in row:
            lines.append(f"{head} n/a: {row['error'][:90]} |||||||||")
            continue
        lines.append(
            f"{head} {row['load_s']:.1f} | {row['peak_rss_mb']:.0f} | {row['p50_ms']:.0f} | "
            f"{row['p95_ms']:.0f} | {row['rtf']:.3f} | {100 * row['wer_clean']:.1f}% | "
            f"{100 * row['wer_10 dB']:.1f}% | {100 * row['success_clean']:.0f}% | "
            f"{100 * row['success_10 dB']:.0f}% |"
        )
    baseline = report["baseline_rss_mb"]
    lines += ["", f"Baseline process (audio + Hearth imports, no model): {baseline:.0f} MB RSS."]
    lines.append(f"Decoding for every row: {report['decoding']}.")
    for runtime, target in sorted(report["targets"].items()):
        lines.append(
            f"{runtime} int8 vs fp32: {target['smaller_x']:.2f}x smaller on disk, "
            f"{target['faster_x_p50']:.2f}x faster (p50), WER {target['wer_points_worse']:+.1f} "
            f"points -> target (>=3.5x, >=1.5x, <=+1 point) "
            f"{'met' if target['met'] else 'NOT met'}"
        )
    for pair, share in report["agreement"].items():
        lines.append(f"Same words, {pair}: {100 * share:.1f}% of {report['set']['utterances']}")
    load = machine["load_average_before"][0], machine["load_average_after"][0]
    lines.append(f"1-minute load average before/after: {load[0]:.1f}/{load[1]:.1f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0, help="per runtime; 0: every core")
    parser.add_argument("--voices", type=int, default=2, choices=(1, 2))
    parser.add_argument("--limit", type=int, default=0, help="first N commands only (0: all)")
    parser.add_argument("--cache-dir", default="", help="model cache (default: Hearth's)")
    parser.add_argument("--out", default=str(RESULTS / "compression.json"))
    parser.add_argument(
        "--no-record", action="store_true", help="do not record the rows as model measurements"
    )
    parser.add_argument(
        "--int8-variants",
        action="store_true",
        help="also measure the int8 recipes `hearth models quantize` was chosen over",
    )
    parser.add_argument("--data-dir", default="", help="where measurements go (default: Hearth's)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    report = run(args)
    report["wall_s"] = time.perf_counter() - started
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(table(report))
    print(f"\nJSON written to {out} ({report['wall_s']:.0f} s)", file=sys.stderr)
    if not args.no_record:
        where = record(to_measurements(report), Path(args.data_dir or data_dir()))
        print(f"measurements of this machine recorded in {where}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
