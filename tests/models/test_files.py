"""The one bounded reader: special files are refused at once, big files by their size."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from models.files import (
    FileRefused,
    atomic_write_text,
    check_regular_file,
    make_private_dir,
    read_regular_bytes,
)


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def test_regular_file_is_read_whole(tmp_path: Path) -> None:
    file = tmp_path / "a.txt"
    file.write_bytes(b"turn on the lights\n")
    assert read_regular_bytes(file, "batch file", 100) == b"turn on the lights\n"
    assert check_regular_file(file, "batch file", 100) == 19


@pytest.mark.parametrize(
    ("target", "kind"),
    [("fifo", "a pipe (FIFO)"), ("/dev/zero", "a device"), ("folder", "a folder")],
)
def test_special_files_are_refused_in_one_line(
    target: str, kind: str, fifo: Path, tmp_path: Path
) -> None:
    path = {"fifo": fifo, "folder": tmp_path}.get(target, Path(target))
    for call in (read_regular_bytes, check_regular_file):
        # A FIFO with no writer would block a plain open() forever; this returns at once.
        with pytest.raises(FileRefused) as err:
            call(path, "home file", 1024)
        assert str(err.value) == f"{path}: cannot read home file: it is {kind}, not a regular file"


def test_size_cap(tmp_path: Path) -> None:
    file = tmp_path / "big"
    file.write_bytes(b"x" * 2049)
    with pytest.raises(FileRefused, match="too large"):
        read_regular_bytes(file, "config", 2048)
    with pytest.raises(FileRefused, match=r"too large \(2 KiB; at most 2 KiB\)|too large"):
        check_regular_file(file, "config", 2048)


def test_missing_and_symlink_loop(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(FileRefused, match="too many levels of symbolic links"):
        read_regular_bytes(loop, "home file", 10)
    with pytest.raises(FileRefused, match="cannot read home file: No such file"):
        read_regular_bytes(tmp_path / "missing", "home file", 10)


def test_private_dir_and_atomic_file_are_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    make_private_dir(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    atomic_write_text(folder / "config.toml", "x = 1\n")
    assert stat.S_IMODE((folder / "config.toml").stat().st_mode) == 0o600
