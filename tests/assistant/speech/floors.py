"""One way for a recognition test to hold a rate to its floor, say what it measured and list misses.

Floors are set from measurements, never from hope: each sits under the lowest rate measured on
Debian 12 and Debian 13 and with the two int8 code paths CI machines take (AVX-512 VNNI and
AVX2 only), with a margin. ``HEARTH_FLOOR_REPORT=FILE`` appends every measured rate to FILE as
JSON lines, which is how the numbers beside each floor were collected.
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path


def assert_rate(label: str, rate: float, floor: float, misses: list[str]) -> None:
    report = os.environ.get("HEARTH_FLOOR_REPORT")
    if report:
        line = {"test": label, "rate": round(rate, 4), "floor": floor, "misses": len(misses)}
        line["machine"] = platform.node()
        with Path(report).open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
    listing = "\n".join(f"  {miss}" for miss in misses)
    assert rate >= floor, f"{label}: {rate:.1%} is under the floor {floor:.0%}; misses:\n{listing}"


def noise_label(snr_db: float | None) -> str:
    return "clean" if snr_db is None else f"{snr_db:g} dB SNR"
