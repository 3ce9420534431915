"""The .deb and the portable archive, built from a tiny stand-in bundle with the real dpkg-deb:
where the app, the command, the menu entry and the icon land, and what the control file says."""

from __future__ import annotations

import shutil
import subprocess
import tarfile

import pytest

from tests.packaging.conftest import load

linux_packages = load("linux_packages")

pytestmark = pytest.mark.skipif(
    shutil.which("dpkg-deb") is None or shutil.which("xz") is None, reason="needs dpkg-deb, xz"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("bundle")
    bundle = root / "hearth"
    internal = bundle / "_internal"
    (internal / "hearth-1.2.3.dist-info").mkdir(parents=True)
    (internal / "LICENSES").mkdir()
    (internal / "LICENSES" / "README.txt").write_text("index\n")
    launcher = bundle / "hearth"
    launcher.write_text("#!/bin/sh\necho hearth 1.2.3\n")
    launcher.chmod(0o700)  # a strict umask at build time: the package must still be usable
    icons = root / "icons"
    icons.mkdir()
    (icons / "hearth.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return linux_packages.build(bundle, icons, root / "out")


def test_deb_layout(built):
    listing = subprocess.run(
        ["dpkg-deb", "-c", str(built.deb)], capture_output=True, text=True, check=True
    ).stdout
    entries = {
        line.split(maxsplit=5)[5].split(" -> ")[0].lstrip("."): line
        for line in listing.splitlines()
    }
    assert entries["/opt/hearth/hearth"].startswith("-rwxr-xr-x root/root")
    assert "/opt/hearth/_internal/LICENSES/README.txt" in entries
    assert entries["/usr/bin/hearth"].startswith("lrwxrwxrwx")
    assert "-> /opt/hearth/hearth" in entries["/usr/bin/hearth"]
    assert "/usr/share/applications/hearth.desktop" in entries
    assert "/usr/share/icons/hicolor/256x256/apps/hearth.png" in entries
    assert "/usr/share/doc/hearth/copyright" in entries
    assert not any(path.startswith(("/home", "/root", "/etc")) for path in entries)


def test_deb_control(built):
    info = subprocess.run(
        ["dpkg-deb", "-I", str(built.deb)], capture_output=True, text=True, check=True
    ).stdout
    fields = dict(
        line.strip().split(": ", 1)
        for line in info.splitlines()
        if line.startswith(" ") and ": " in line
    )
    assert fields["Package"] == "hearth"
    assert fields["Version"] == "1.2.3"
    assert "libc6 (>= 2.36)" in fields["Depends"]
    assert int(fields["Installed-Size"]) > 0
    # no maintainer scripts: removing the package can touch nothing outside its own files
    assert not any(name in info for name in ("postinst", "prerm", "postrm", "preinst"))
    assert built.deb.name == f"hearth_1.2.3_{fields['Architecture']}.deb"


def test_desktop_entry(built, tmp_path):
    subprocess.run(
        ["dpkg-deb", "-x", str(built.deb), str(tmp_path)], check=True, capture_output=True
    )
    entry = (tmp_path / "usr/share/applications/hearth.desktop").read_text()
    assert "Exec=hearth\n" in entry and "Icon=hearth\n" in entry
    assert "Categories=Utility;Audio;" in entry
    if shutil.which("desktop-file-validate"):
        subprocess.run(
            ["desktop-file-validate", str(tmp_path / "usr/share/applications/hearth.desktop")],
            check=True,
        )


def test_portable_archive(built):
    assert built.portable.name.endswith(".tar.xz")
    with tarfile.open(built.portable) as archive:
        members = {m.name: m for m in archive.getmembers()}
    top = built.portable.name.removesuffix(".tar.xz")
    assert members[f"{top}/hearth"].mode & 0o755 == 0o755
    assert members[f"{top}/hearth"].uid == 0
    assert f"{top}/_internal/LICENSES/README.txt" in members
    assert f"{top}/share/hearth.desktop" in members
    assert f"{top}/README.txt" in members


def test_a_missing_bundle_is_one_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="no built bundle"):
        linux_packages.build(tmp_path / "nothing", tmp_path, tmp_path / "out")
