"""Turn the PyInstaller bundle (dist/hearth) into the Linux downloads: a .deb and a tar.xz.

The .deb puts the app under /opt/hearth, `hearth` on PATH (/usr/bin/hearth, a symlink: the
bundle finds its files from its real path), a desktop entry with its icon in the menu, and the
licences under /usr/share/doc/hearth. It installs no maintainer scripts: dpkg's own triggers
refresh the menu and icon caches, and removing the package (even purging it) touches nothing in
a user's home, where Hearth keeps its settings, history and downloaded models.

The portable archive is the same folder plus the desktop entry and icon, for distributions
without dpkg: unpack anywhere and run ./hearth. It is xz-compressed like the .deb, which keeps
the download inside the size budget (gzip would be about 50 MB larger).

    python packaging/linux_packages.py dist/hearth --icons build/icons --out dist
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DESKTOP_FILE = HERE / "linux" / "hearth.desktop"
INSTALL_DIR = "/opt/hearth"
MAINTAINER = "Hearth developers <hearth@localhost>"
DESCRIPTION = """\
Private, offline-first desktop voice assistant for the home
 Hearth listens for a wake word, understands spoken or typed commands on this
 computer (Whisper tiny.en, Silero VAD, microWakeWord, piper's Joe voice, all
 bundled) and controls a simulated home, MQTT devices or Home Assistant.
 Nothing leaves the computer unless cloud help is switched on."""
#: Libraries the bundle expects from the system, as in Debian 12 and 13 (same names in both):
#: glibc (the bundle is built against 2.36), the GL/EGL and font stack a Qt window draws with,
#: and the X11 keyboard/cursor helpers Qt's xcb platform loads.
DEPENDS = (
    "libc6 (>= 2.36)",
    "libgl1",
    "libegl1",
    "libfontconfig1",
    "libfreetype6",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb-cursor0",
    "libdbus-1-3",
)
RECOMMENDS = ("espeak-ng", "xdg-utils")
#: xz's strongest preset: its 64 MiB window finds repeats across the bundle's many libraries,
#: which keeps the download inside the budget (unpacking needs 65 MiB of memory).
XZ_LEVEL = 9
#: A fixed timestamp for files in the archives, so two builds of one tree are identical.
EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "1700000000"))


@dataclass(frozen=True)
class Built:
    deb: Path
    portable: Path


def bundle_version(bundle: Path) -> str:
    """The version of the bundled hearth, read from its own metadata folder."""
    found = sorted((bundle / "_internal").glob("hearth-*.dist-info"))
    if not found:
        raise SystemExit(f"linux_packages: no hearth-*.dist-info in {bundle}/_internal")
    return found[0].name.removeprefix("hearth-").removesuffix(".dist-info")


def _architecture() -> str:
    done = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else "amd64"


def _tree_size_kib(root: Path) -> int:
    total = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    return (total + 1023) // 1024


def _copy_bundle(bundle: Path, target: Path) -> None:
    shutil.copytree(bundle, target, symlinks=True)
    for path in [target, *target.rglob("*")]:  # readable by all, whatever the build's umask
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        path.chmod((mode | 0o644 | (0o111 if mode & 0o100 or path.is_dir() else 0)) & 0o755)


def _desktop_entry(exec_path: str) -> str:
    return DESKTOP_FILE.read_text(encoding="utf-8").replace("@EXEC@", exec_path)


def build_deb(bundle: Path, icon: Path, out: Path, version: str, work: Path) -> Path:
    root = work / "deb"
    app = root / INSTALL_DIR.lstrip("/")
    _copy_bundle(bundle, app)
    (root / "usr/bin").mkdir(parents=True)
    (root / "usr/bin/hearth").symlink_to(f"{INSTALL_DIR}/hearth")
    applications = root / "usr/share/applications"
    applications.mkdir(parents=True)
    (applications / "hearth.desktop").write_text(_desktop_entry("hearth"), encoding="utf-8")
    icons = root / "usr/share/icons/hicolor/256x256/apps"
    icons.mkdir(parents=True)
    shutil.copyfile(icon, icons / "hearth.png")
    doc = root / "usr/share/doc/hearth"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        "Hearth is licensed under the Apache License 2.0 "
        "(/usr/share/common-licenses/Apache-2.0).\n"
        f"The software and models bundled with it, and their licences: "
        f"{INSTALL_DIR}/_internal/LICENSES/README.txt\n",
        encoding="utf-8",
    )
    control = root / "DEBIAN"
    control.mkdir()
    fields = {
        "Package": "hearth",
        "Version": version,
        "Architecture": _architecture(),
        "Maintainer": MAINTAINER,
        "Installed-Size": str(_tree_size_kib(root)),
        "Depends": ", ".join(DEPENDS),
        "Recommends": ", ".join(RECOMMENDS),
        "Section": "sound",
        "Priority": "optional",
        "Description": DESCRIPTION,
    }
    (control / "control").write_text(
        "".join(f"{key}: {value}\n" for key, value in fields.items()), encoding="utf-8"
    )
    for path in [root, *root.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    deb = out / f"hearth_{version}_{fields['Architecture']}.deb"
    subprocess.run(
        [
            "dpkg-deb",
            "--root-owner-group",
            "-Zxz",
            f"-z{XZ_LEVEL}",
            f"--threads-max={os.cpu_count() or 1}",
            "--build",
            str(root),
            str(deb),
        ],
        check=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(EPOCH)},
    )
    return deb


def build_portable(bundle: Path, icon: Path, out: Path, version: str, work: Path) -> Path:
    name = f"hearth-{version}-linux-{os.uname().machine}"
    top = work / name
    _copy_bundle(bundle, top)
    share = top / "share"
    share.mkdir()
    shutil.copyfile(icon, share / "hearth.png")
    (share / "hearth.desktop").write_text(_desktop_entry("@HEARTH_DIR@/hearth"), encoding="utf-8")
    (top / "README.txt").write_text(
        f"Hearth {version}, portable build for Linux ({os.uname().machine}, glibc 2.36 or newer)\n\n"
        "Run it:              ./hearth            (the desktop app)\n"
        "                     ./hearth --help     (the command line)\n"
        'Add it to the menu:  sed "s|@HEARTH_DIR@|$PWD|" share/hearth.desktop \\\n'
        "                       > ~/.local/share/applications/hearth.desktop\n"
        "                     cp share/hearth.png ~/.local/share/icons/hearth.png\n"
        "Remove it:           delete this folder (your settings and history stay in\n"
        "                     ~/.config/hearth and ~/.local/share/hearth).\n\n"
        "Licences of everything bundled: _internal/LICENSES/README.txt\n",
        encoding="utf-8",
    )
    archive = out / f"{name}.tar.xz"
    subprocess.run(
        [
            "tar",
            "--sort=name",
            f"--mtime=@{EPOCH}",
            "--owner=0",
            "--group=0",
            "--numeric-owner",
            "-I",
            f"xz -T0 -{XZ_LEVEL}",
            "-cf",
            str(archive),
            "-C",
            str(work),
            name,
        ],
        check=True,
    )
    return archive


def build(bundle: Path, icons: Path, out: Path) -> Built:
    if not (bundle / "hearth").is_file():
        raise SystemExit(f"linux_packages: {bundle} holds no built bundle (run make dist)")
    icon = icons / "hearth.png"
    if not icon.is_file():
        raise SystemExit(f"linux_packages: no {icon} (python packaging/make_icon.py {icons})")
    version = bundle_version(bundle)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hearth-packages-", dir=out) as scratch:
        work = Path(scratch)
        deb = build_deb(bundle, icon, out, version, work)
        portable = build_portable(bundle, icon, out, version, work)
    return Built(deb, portable)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path, help="the PyInstaller bundle (dist/hearth)")
    parser.add_argument("--icons", type=Path, default=Path("build/icons"))
    parser.add_argument("--out", type=Path, default=Path("dist"))
    args = parser.parse_args(argv)
    built = build(args.bundle, args.icons, args.out)
    print(built.deb)
    print(built.portable)
    return 0


if __name__ == "__main__":
    sys.exit(main())
