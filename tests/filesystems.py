"""Real file-system faults for tests: a read-only folder and a small (soon full) file system.

Permissions alone do not stop root, and CI may run as root, so where we are root a tmpfs is
mounted and remounted read-only (or mounted with a few hundred KiB); as a normal user a folder
is made read-only with chmod. Where neither is possible the test is skipped, never faked.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _mount(*args: str) -> bool:
    if shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", *args], check=False, capture_output=True, timeout=30)
    return done.returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True, timeout=30)


@contextmanager
def read_only_folder(folder: Path) -> Iterator[Path]:
    """``folder`` with its current contents, read-only for the duration (even for root)."""
    folder.mkdir(parents=True, exist_ok=True)
    if not _is_root():
        modes = {p: stat.S_IMODE(p.stat().st_mode) for p in [folder, *folder.rglob("*")]}
        for path in modes:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield folder
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    saved = folder.with_name(folder.name + ".contents")
    shutil.copytree(folder, saved, symlinks=True)
    if not _mount("-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", str(folder)):
        shutil.rmtree(saved)
        pytest.skip("cannot mount a tmpfs here to make a folder read-only for root")
    try:
        shutil.copytree(saved, folder, symlinks=True, dirs_exist_ok=True)
        if not _mount("-o", "remount,ro", str(folder)):
            pytest.skip("cannot remount the tmpfs read-only here")
        yield folder
    finally:
        _umount(folder)
        shutil.rmtree(saved, ignore_errors=True)


@contextmanager
def small_filesystem(folder: Path, size_kib: int) -> Iterator[Path]:
    """``folder`` on a tmpfs of ``size_kib`` KiB, so that writes hit ENOSPC for real."""
    if not _is_root():
        pytest.skip("mounting a small tmpfs needs root")
    folder.mkdir(parents=True, exist_ok=True)
    if not _mount("-t", "tmpfs", "-o", f"size={size_kib}k,mode=0700", "tmpfs", str(folder)):
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield folder
    finally:
        _umount(folder)


def fill(folder: Path) -> None:
    """Fill the file system under ``folder`` to the last byte."""
    for name, block in (("filler", 4096), ("filler-tail", 1)):
        try:
            with (folder / name).open("wb", buffering=0) as handle:
                while True:
                    handle.write(b"\0" * block)
        except OSError:
            continue
