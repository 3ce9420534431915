"""`hearth models list|info|fetch|verify|import|convert|quantize`.

`list` and `info` also show what each model measured on this machine (`models.measurements`,
written by `python -m bench.compression`), or that it has not been measured here yet.

The app's CLI owns the top-level parser and the config, so it calls `add_subcommands` and passes
the cache folder into `run`; `models` never imports `assistant`. `main` exists so this part can
be run and tested alone (`python -m models.cli list`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from models import measurements
from models.catalog import CATALOG, ConvertedSource, ModelSpec, PackagedSource, UrlSource
from models.store import (
    InstallState,
    ModelStore,
    ModelStoreError,
    Progress,
)

CACHE_ENV = "HEARTH_CACHE_DIR"


def default_cache_dir() -> Path:
    """The app's cache folder, found the way `assistant.config.cache_dir` finds it.

    Repeated here (not imported) because `models` must not depend on `assistant`; only the
    standalone `main` uses it, the app passes its own folder to `run`.
    """
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("hearth"))


def add_subcommands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `models` with its own sub-commands to the app's sub-parsers."""
    parser = subparsers.add_parser("models", help="list, fetch, verify and import models")
    commands = parser.add_subparsers(dest="models_command", required=True, metavar="COMMAND")

    listing = commands.add_parser("list", help="every known model and whether it is installed")
    listing.add_argument("--json", action="store_true", help="one JSON object per model")

    info = commands.add_parser("info", help="the model card of one model")
    info.add_argument("model_id", metavar="MODEL")

    fetch = commands.add_parser("fetch", help="download models (needs the network)")
    fetch.add_argument("model_ids", nargs="+", metavar="MODEL")

    verify = commands.add_parser("verify", help="re-check installed models' hashes")
    verify.add_argument("model_ids", nargs="*", metavar="MODEL", help="default: all installed")

    importing = commands.add_parser("import", help="install a model from a local file or folder")
    importing.add_argument("model_id", metavar="MODEL")
    importing.add_argument("path", type=Path, metavar="PATH")
    importing.add_argument(
        "--trust",
        action="store_true",
        help="install it even though the catalog has no checksum for it (shown as unverified)",
    )

    convert = commands.add_parser(
        "convert", help="rebuild the openai-whisper tiny.en checkpoint from the packaged weights"
    )
    convert.add_argument("--force", action="store_true", help="rebuild even if installed")
    convert.add_argument(
        "--onnx", action="store_true", help="also export encoder and decoder to ONNX (float32)"
    )

    quantize = commands.add_parser(
        "quantize", help="quantize the ONNX export to int8 (builds the missing steps first)"
    )
    quantize.add_argument("--force", action="store_true", help="rebuild even if installed")


def run(
    args: argparse.Namespace,
    cache_dir: Path,
    *,
    catalog: Mapping[str, ModelSpec] = CATALOG,
    out: TextIO | None = None,
    data_dir: Path | None = None,
) -> int:
    """Run one `hearth models` command; errors become one line on stderr and exit status 1.

    ``data_dir`` holds this machine's measurements (default: $HEARTH_DATA_DIR or the user data
    folder, as the app's config finds it).
    """
    out = out or sys.stdout
    store = ModelStore(cache_dir, catalog)
    args = argparse.Namespace(**vars(args), data_dir=data_dir or measurements.default_data_dir())
    handlers = {
        "list": _list,
        "info": _info,
        "fetch": _fetch,
        "verify": _verify,
        "import": _import,
        "convert": _convert,
        "quantize": _quantize,
    }
    try:
        return handlers[args.models_command](store, args, out)
    except ModelStoreError as err:
        print(f"hearth: error: {err}", file=sys.stderr)
        return 1
    except ImportError as err:
        print(
            f"hearth: error: `hearth models {args.models_command}` needs the Python package "
            f"{err.name or err}; install the torch extra (pip install 'hearth[torch]')",
            file=sys.stderr,
        )
        return 1


def main(argv: Sequence[str] | None = None, *, catalog: Mapping[str, ModelSpec] = CATALOG) -> int:
    parser = argparse.ArgumentParser(prog="hearth")
    parser.add_argument("--cache-dir", type=Path, default=None, help="model cache folder")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_subcommands(subparsers)
    args = parser.parse_args(argv)
    return run(args, args.cache_dir or default_cache_dir(), catalog=catalog)


def format_size(size: int | None) -> str:
    if size is None:
        return "?"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def _row(store: ModelStore, spec: ModelSpec, data_dir: Path) -> dict[str, object]:
    state = store.state(spec.id)
    size = store.installed_bytes(spec.id) if state is not InstallState.MISSING else None
    measured = measurements.measured(spec.id, data_dir=data_dir)
    verified = state is InstallState.MISSING or store.is_verified(spec.id)
    return {
        "id": spec.id,
        "engine": str(spec.engine),
        "language": spec.language,
        "state": "installed" if state is not InstallState.MISSING else "missing",
        "location": str(state) if verified else f"{state}, unverified",
        "verified": verified,
        "size_bytes": size if size is not None else spec.size_bytes,
        "license": spec.license,
        "redistributable": spec.redistributable,
        "source": spec.source.kind,
        "measured": measured.to_dict() if measured else None,
    }


def _list(store: ModelStore, args: argparse.Namespace, out: TextIO) -> int:
    rows = [_row(store, spec, args.data_dir) for spec in store.catalog.values()]
    if args.json:
        for row in rows:
            print(json.dumps(row), file=out)
        return 0
    header = ("MODEL", "ENGINE", "LANG", "STATUS", "SIZE", "LICENSE", "MEASURED HERE")
    table = [
        (
            str(r["id"]),
            str(r["engine"]),
            str(r["language"]),
            f"{r['state']} ({r['location']})" if r["state"] == "installed" else "missing",
            format_size(r["size_bytes"] if isinstance(r["size_bytes"], int) else None),
            str(r["license"]).split(" (")[0],
            _measured_cell(r["measured"]),
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in (header, *table)) for i in range(len(header))]
    for line in (header, *table):
        print(
            "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip(),
            file=out,
        )
    return 0


def _measured_cell(measured: object) -> str:
    if not isinstance(measured, dict):
        return "-"
    return measurements.Measurement.from_dict(measured).summary()


def _info(store: ModelStore, args: argparse.Namespace, out: TextIO) -> int:
    spec = store.spec(args.model_id)
    state, location = store.state(spec.id), None
    if state is not InstallState.MISSING:
        location = store.path(spec.id)
    lines = [
        ("model", spec.id),
        ("engine", str(spec.engine)),
        ("language", spec.language),
        ("license", spec.license),
        ("redistributable", "yes" if spec.redistributable else "no"),
        ("source", _describe_source(spec)),
        (
            "integrity",
            str(spec.integrity)
            if location is None or store.is_verified(spec.id)
            else "unverified (imported with --trust)",
        ),
        ("download", format_size(spec.download_bytes) if spec.download_bytes else "-"),
        ("disk", format_size(store.installed_bytes(spec.id) or spec.size_bytes)),
        ("ram (typical)", f"{spec.ram_mb} MB" if spec.ram_mb else "?"),
        ("status", f"installed ({state}) at {location}" if location else "missing"),
        ("files", ", ".join(f.path for f in spec.files)),
        ("notes", spec.notes),
        *_measured_lines(spec.id, args.data_dir),
    ]
    width = max(len(key) for key, _ in lines)
    for key, value in lines:
        print(f"{key.ljust(width)}  {value}", file=out)
    return 0


def _measured_lines(model_id: str, data_dir: Path) -> list[tuple[str, str]]:
    """One card line per measured runtime and precision, or the line saying there is none."""
    found = measurements.measurements(model_id, data_dir)
    if not found:
        return [("measured here", measurements.NOT_MEASURED)]
    return [(f"measured {m.precision} ({m.runtime})", m.describe()) for m in found]


def _describe_source(spec: ModelSpec) -> str:
    match spec.source:
        case ConvertedSource(base=base, command=command):
            return f"converted from {base} by `{command}`"
        case PackagedSource(package=package):
            return f"pip package {package}"
        case UrlSource(urls=urls):
            return "download: " + ", ".join(urls)


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self._stream = stream
        self._width = width
        self._last = 0.0
        self._started = time.monotonic()
        self._drawn = False

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        final = progress.total is not None and progress.done >= progress.total
        if not final and now - self._last < 0.1:
            return
        self._last = now
        rate = progress.done / max(now - self._started, 1e-6)
        if progress.total:
            fraction = min(progress.done / progress.total, 1.0)
            filled = int(fraction * self._width)
            bar = "#" * filled + "." * (self._width - filled)
            text = (
                f"\r{progress.model_id} [{bar}] {fraction:4.0%} "
                f"{format_size(progress.done)}/{format_size(progress.total)} "
                f"{format_size(int(rate))}/s"
            )
        else:
            text = f"\r{progress.model_id} {format_size(progress.done)} {format_size(int(rate))}/s"
        self._stream.write(text)
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()


def _fetch(store: ModelStore, args: argparse.Namespace, out: TextIO) -> int:
    for model_id in args.model_ids:
        store.spec(model_id)
    for model_id in args.model_ids:
        bar = ProgressBar(sys.stderr)
        cancel = threading.Event()
        try:
            path = store.fetch(model_id, progress=bar, cancel=cancel)
        except KeyboardInterrupt:
            bar.close()
            print(
                f"hearth: fetch of {model_id} interrupted; run it again to resume", file=sys.stderr
            )
            return 130
        finally:
            bar.close()
        print(f"{model_id}: installed at {path}", file=out)
    return 0


def _verify(store: ModelStore, args: argparse.Namespace, out: TextIO) -> int:
    ids = args.model_ids or [s.id for s in store.catalog.values() if store.has_files(s.id)]
    failed = False
    for model_id in ids:
        report = store.verify(model_id)
        bad = [c for c in report.checks if c.status.value not in ("ok", "unpinned")]
        if bad:
            failed = True
            details = ", ".join(f"{c.path} {c.status}" for c in bad)
            print(f"{model_id}: FAILED ({details})", file=out)
        elif not report.verified:
            print(
                f"{model_id}: UNVERIFIED ({len(report.checks)} files unchanged since they were "
                "imported with --trust; the catalog has no checksum to check them against)",
                file=out,
            )
        else:
            print(f"{model_id}: ok ({len(report.checks)} files, {report.state})", file=out)
    return 1 if failed else 0


def _import(store: ModelStore, args: argparse.Namespace, out: TextIO) -> int:
    path = store.import_path(args.model_id, args.path, trust=args.trust)
    note = "" if store.is_verified(args.model_id) else " (unverified: imported with --trust)"
    print(f"{args.model_id}: installed at {path}{note}", file=out)
    return 0


def _step(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _convert(store: ModelStore, args: argparse.Namespace, out: TextIO) -> int:
    from models import convert

    path = convert.convert_openai_whisper(store, force=args.force, step=_step)
    print(f"{convert.TARGET_ID}: installed at {path}", file=out)
    if args.onnx:
        from models import export

        path = export.export_whisper_onnx(store, force=args.force, step=_step)
        print(f"{export.WHISPER_TINY_EN_ONNX_FP32}: installed at {path}", file=out)
    return 0


def _quantize(store: ModelStore, args: argparse.Namespace, out: TextIO) -> int:
    from models import convert, export

    convert.convert_openai_whisper(store, step=_step)
    export.export_whisper_onnx(store, step=_step)
    path = export.quantize_whisper_onnx(store, force=args.force, step=_step)
    print(f"{export.WHISPER_TINY_EN_ONNX_INT8}: installed at {path}", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
