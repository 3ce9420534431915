"""Smoke tests of the built installers (`make dist-test`); skipped until `make dist` has run.

They run the bundle as a user would, with a bare environment (no virtualenv, no PYTHONPATH, a
fresh home folder): the version, a typed command, a spoken one heard by the bundled Whisper model,
the window painted offscreen, and no network connection on any of them (strace watches every
connect and sendto). Then the .deb: its contents and control file, and, with
HEARTH_TEST_CHROOT=1 (`make dist-test`) as root where a Debian 13 root exists at /srv/trixie,
installed there with dpkg, run without any Python on PATH, and removed, leaving the user's data.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.voices import write_espeak_wav

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
BUNDLE = DIST / "hearth"
EXE = BUNDLE / "hearth"
CHROOT = Path("/srv/trixie")
#: Only `make dist-test` installs into the shared Debian root; a plain `make test` does not.
CHROOT_ENV = "HEARTH_TEST_CHROOT"
COMMAND = "turn on the kitchen lights"  # recorded in tests/data/speech (en-us, speed 165)
KITCHEN_LIGHTS = {"light.kitchen_ceiling", "light.kitchen_counter"}

pytestmark = pytest.mark.skipif(not EXE.is_file(), reason="no built bundle (run make dist)")


def _version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def bare_env(home: Path) -> dict[str, str]:
    """What a desktop session gives a program: no Python variables, the system PATH only."""
    return {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
    }


def run(args: list[str], home: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, capture_output=True, text=True, timeout=timeout, env=bare_env(home), check=False
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture(scope="module")
def spoken_command(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_espeak_wav(COMMAND, tmp_path_factory.mktemp("clip") / "cmd.wav", "en-us", 165)


def test_version(home):
    done = run([str(EXE), "--version"], home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"hearth {_version()}"


def test_no_dangling_links_in_the_bundle():
    broken = [p for p in BUNDLE.rglob("*") if p.is_symlink() and not p.exists()]
    assert broken == []


def test_parse(home):
    done = run([str(EXE), "parse", COMMAND, "--json"], home)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["intent"] == "HassTurnOn"
    assert {a["device"] for a in result["actions"]} == KITCHEN_LIGHTS


def test_listen_hears_the_command_with_the_bundled_model(home, spoken_command):
    done = run([str(EXE), "listen", "--wav", str(spoken_command), "--json"], home)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["intent"] == "HassTurnOn", result
    assert {a["device"] for a in result["actions"]} == KITCHEN_LIGHTS
    assert result["timings_ms"]["asr"] > 0  # heard by Whisper, not typed
    # the model came from the bundle, not from a download into the fresh home
    assert not any((home / ".cache").rglob("model.bin"))


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_window_paints_offscreen(home, tmp_path):
    picture = tmp_path / "window.png"
    done = run([str(EXE), "gui", "--screenshot", str(picture)], home)
    assert done.returncode == 0, done.stderr
    assert _png_size(picture) == (1280, 800)
    assert picture.stat().st_size > 20_000  # a painted window, not an empty frame


def test_start_up_marks(home):
    done = run([str(EXE), "gui", "--startup-probe"], home)
    assert done.returncode == 0, done.stderr
    marks = dict(
        line.split() for line in done.stdout.splitlines() if line.endswith(tuple("0123456789"))
    )
    assert {"first-paint-ms", "ready-ms"} <= marks.keys()
    assert int(marks["first-paint-ms"]) <= int(marks["ready-ms"])


OUTSIDE = re.compile(
    r"sa_family=AF_INET6?,.*?(?:inet_addr\(\"([^\"]+)\"\)|inet_pton\(AF_INET6, \"([^\"]+)\")"
)


def _outside_connections(trace: Path) -> list[str]:
    found = []
    for line in trace.read_text(errors="replace").splitlines():
        if not re.search(r"\b(connect|sendto|sendmsg)\(", line):
            continue
        match = OUTSIDE.search(line)
        if match:
            address = match.group(1) or match.group(2)
            if not (address.startswith("127.") or address == "::1"):
                found.append(line)
    return found


@pytest.mark.skipif(shutil.which("strace") is None, reason="needs strace")
def test_no_network_connection_with_cloud_help_off(home, spoken_command, tmp_path):
    for name, args in {
        "parse": ["parse", "set the bedroom lights to 40 percent", "--json"],
        "listen": ["listen", "--wav", str(spoken_command), "--json"],
        "gui": ["gui", "--startup-probe"],
    }.items():
        trace = tmp_path / f"{name}.strace"
        done = run(
            [
                "strace",
                "-f",
                "-qq",
                "-e",
                "trace=connect,sendto,sendmsg",
                "-o",
                str(trace),
                str(EXE),
                *args,
            ],
            home,
        )
        assert done.returncode == 0, done.stderr
        if name == "gui":  # strace does see connections: the app looks for push-to-talk's socket
            assert "connect(" in trace.read_text(errors="replace")
        assert _outside_connections(trace) == [], f"{name} reached out"


# -- the .deb --------------------------------------------------------------------------------------


def _deb() -> Path:
    debs = sorted(DIST.glob("hearth_*.deb"))
    if not debs:
        pytest.skip("no .deb built (make dist)")
    return debs[-1]


def test_deb_contents_match_the_bundle():
    deb = _deb()
    listing = subprocess.run(
        ["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True
    )
    paths = {
        line.split(maxsplit=5)[5].split(" -> ")[0].lstrip(".")
        for line in listing.stdout.splitlines()
    }
    bundled = {
        f"/opt/hearth/{p.relative_to(BUNDLE).as_posix()}" for p in BUNDLE.rglob("*") if p.is_file()
    }
    assert bundled <= paths
    assert {"/usr/bin/hearth", "/usr/share/applications/hearth.desktop"} <= paths
    assert "/opt/hearth/_internal/LICENSES/README.txt" in paths
    assert not any("pyopen_wakeword" in p or "/torch/" in p for p in paths)
    info = subprocess.run(["dpkg-deb", "-I", str(deb)], capture_output=True, text=True, check=True)
    assert f"Version: {_version()}" in info.stdout


def _chroot_ready() -> str | None:
    if os.environ.get(CHROOT_ENV) != "1":
        return f"installing into {CHROOT} is for make dist-test ({CHROOT_ENV}=1)"
    if os.geteuid() != 0:
        return "installing into a chroot needs root"
    if not (CHROOT / "usr/bin/dpkg").exists():
        return f"no Debian root at {CHROOT}"
    if not (CHROOT / ROOT.relative_to("/")).is_dir():
        return f"{ROOT} is not visible inside {CHROOT}"
    return None


@pytest.fixture
def installed(spoken_command) -> Iterator[Path]:
    """The .deb installed in the Debian 13 root, removed again afterwards whatever happens."""
    why = _chroot_ready()
    if why:
        pytest.skip(why)
    deb = _deb()
    user = Path(tempfile.mkdtemp(prefix="hearth-deb-test-", dir=CHROOT / "tmp"))
    try:
        done = _in_chroot(["dpkg", "-i", str(deb)], user)
        assert done.returncode == 0, done.stdout + done.stderr
        yield user
    finally:
        _in_chroot(["dpkg", "--purge", "hearth"], user)
        shutil.rmtree(user, ignore_errors=True)


def _in_chroot(
    args: list[str], user: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    inside = "/" + user.relative_to(CHROOT).as_posix()
    env = {**bare_env(Path(inside)), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    return subprocess.run(
        ["chroot", str(CHROOT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def test_deb_installs_runs_without_python_and_removes_cleanly(installed, spoken_command):
    user = installed
    assert _in_chroot(["sh", "-c", "command -v python3"], user).stdout == ""  # no Python here
    version = _in_chroot(["hearth", "--version"], user)
    assert version.stdout.strip() == f"hearth {_version()}", version.stderr
    parsed = _in_chroot(["hearth", "parse", COMMAND, "--json"], user)
    assert json.loads(parsed.stdout)["intent"] == "HassTurnOn", parsed.stderr
    clip = shutil.copyfile(spoken_command, user / "cmd.wav")
    inside_clip = "/" + clip.relative_to(CHROOT).as_posix()
    heard = _in_chroot(["hearth", "listen", "--wav", inside_clip, "--json"], user)
    assert heard.returncode == 0, heard.stderr
    result = json.loads(heard.stdout.strip().splitlines()[-1])
    assert {a["device"] for a in result["actions"]} == KITCHEN_LIGHTS
    picture = user / "window.png"
    shot = _in_chroot(
        ["hearth", "gui", "--screenshot", "/" + picture.relative_to(CHROOT).as_posix()], user
    )
    assert shot.returncode == 0, shot.stderr
    assert _png_size(picture) == (1280, 800)
    desktop = _in_chroot(["cat", "/usr/share/applications/hearth.desktop"], user).stdout
    assert "Exec=hearth" in desktop
    user_data = sorted(
        p.relative_to(user).as_posix()
        for p in user.rglob("*")
        if p.is_file() and p.name not in {"cmd.wav", "window.png"}
    )
    assert user_data, "running hearth wrote nothing to the user's folders"

    removed = _in_chroot(["dpkg", "-r", "hearth"], user)
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert not (CHROOT / "opt/hearth").exists()
    assert not (CHROOT / "usr/bin/hearth").exists() and not (CHROOT / "usr/bin/hearth").is_symlink()
    after = [p for p in user_data if (user / p).is_file()]
    assert after == user_data  # settings, history and anything downloaded stay
