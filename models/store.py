"""Where model files live on this machine, and how they get there.

Resolution order is packaged wheel → user cache; the network is touched only by `fetch`, which a
person asks for. Everything that lands in the cache goes through one gate (`_accept`): it is
checked against the catalog's pins, hashed into a manifest, and moved into place with a rename,
so an interrupted download, a bad mirror or a half-copied import never looks like an installed
model.
"""

from __future__ import annotations

import errno
import hashlib
import http.client
import importlib.util
import json
import os
import shutil
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path, PurePosixPath

from models.catalog import (
    CATALOG,
    ArchiveFormat,
    ConvertedSource,
    Integrity,
    ModelFile,
    ModelSpec,
    PackagedSource,
    UrlSource,
)
from models.files import FileRefused, check_regular_file

MANIFEST_NAME = ".hearth-manifest.json"
_PARTIAL_DIR = ".partial"
_STAGING_PREFIX = ".staging-"
_SPACE_MARGIN_BYTES = 16 * 1024 * 1024
_HASH_CHUNK = 1024 * 1024
MAX_IMPORT_FILE_BYTES = 8 * 1024**3
"""No model file Hearth knows is near this; it keeps /dev/zero-like sources out of the cache."""


class InstallState(StrEnum):
    """Where a model was found."""

    PACKAGED = "packaged"
    CACHED = "cached"
    MISSING = "missing"


class CheckStatus(StrEnum):
    """The outcome of checking one file against what it must be."""

    OK = "ok"
    UNPINNED = "unpinned"
    MISSING = "missing"
    SIZE_MISMATCH = "size-mismatch"
    HASH_MISMATCH = "hash-mismatch"


class ModelStoreError(Exception):
    """Base of every error the store raises; its message is one line meant for a person."""


class UnknownModel(ModelStoreError):
    def __init__(self, model_id: str) -> None:
        super().__init__(f"unknown model {model_id!r}; `hearth models list` shows the known ones")
        self.model_id = model_id


class ModelNotInstalled(ModelStoreError):
    """Raised instead of downloading: Hearth never goes online unless asked to."""

    def __init__(self, spec: ModelSpec) -> None:
        self.model_id = spec.id
        super().__init__(f"model {spec.id} is not installed; {_install_hint(spec)}")


class DownloadFailed(ModelStoreError):
    """Every mirror failed; a partial file that can be resumed is kept."""


class DownloadCancelled(ModelStoreError):
    """The caller's cancel event was set; the partial file is kept for a later resume."""


class InsufficientSpace(ModelStoreError):
    """Refused before the first byte is fetched, so a full disk never holds a half model."""


class ImportFailed(ModelStoreError):
    """The given file or folder is not this model (missing files, wrong hashes, bad archive)."""


class ImportUnverifiable(ImportFailed):
    """The catalog has no checksum that the imported bytes could be checked against."""


@dataclass(frozen=True)
class Progress:
    """One progress report during a download; `total` is None when nobody knows it."""

    model_id: str
    filename: str
    done: int
    total: int | None
    url: str


@dataclass(frozen=True)
class FileCheck:
    path: str
    status: CheckStatus
    expected_sha256: str | None = None
    actual_sha256: str | None = None


@dataclass(frozen=True)
class VerifyReport:
    model_id: str
    state: InstallState
    location: Path
    checks: tuple[FileCheck, ...]
    verified: bool = True  # False: imported with --trust, nothing in the catalog vouches for it

    @property
    def ok(self) -> bool:
        return all(c.status in (CheckStatus.OK, CheckStatus.UNPINNED) for c in self.checks)


ProgressCallback = Callable[[Progress], None]


def _install_hint(spec: ModelSpec) -> str:
    imported = f"`hearth models import {spec.id} PATH`"
    match spec.source:
        case UrlSource():
            return f"run `hearth models fetch {spec.id}` when online, or {imported}"
        case PackagedSource(package=package):
            return f"run `pip install {package}` when online, or {imported}"
        case ConvertedSource(base=base, command=command):
            return f"run `{command}` to build it from {base}, or {imported}"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_HASH_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _disk_free(path: Path) -> int:
    return shutil.disk_usage(path).free


def _check_file(path: Path, rel: str, size: int | None, sha256: str | None) -> FileCheck:
    """Cheap checks first: a size mismatch needs no hashing."""
    if not path.is_file():
        return FileCheck(rel, CheckStatus.MISSING, sha256)
    if size is not None and path.stat().st_size != size:
        return FileCheck(rel, CheckStatus.SIZE_MISMATCH, sha256)
    if sha256 is None:
        return FileCheck(rel, CheckStatus.UNPINNED)
    actual = sha256_file(path)
    status = CheckStatus.OK if actual == sha256 else CheckStatus.HASH_MISMATCH
    return FileCheck(rel, status, sha256, actual)


class _TransferError(Exception):
    """One mirror failed in a way the next mirror may not."""


class ModelStore:
    """Resolves catalog ids to folders on disk and installs models into the user cache.

    `disk_free` is passed in so tests can stand in for a full disk; `timeout_s` bounds every
    socket wait so a dead mirror can never hang the app.
    """

    def __init__(
        self,
        cache_dir: Path,
        catalog: Mapping[str, ModelSpec] = CATALOG,
        *,
        disk_free: Callable[[Path], int] = _disk_free,
        timeout_s: float = 30.0,
        chunk_size: int = 64 * 1024,
    ) -> None:
        self.cache_dir = Path(cache_dir)
        self.catalog = catalog
        self._disk_free = disk_free
        self._timeout_s = timeout_s
        self._chunk_size = chunk_size

    # ---- resolving ----------------------------------------------------------------------

    def spec(self, model_id: str) -> ModelSpec:
        try:
            return self.catalog[model_id]
        except KeyError:
            raise UnknownModel(model_id) from None

    def packaged_dir(self, model_id: str) -> Path | None:
        """The folder inside an installed pip package, found without importing the package."""
        source = self.spec(model_id).source
        if not isinstance(source, PackagedSource):
            return None
        try:
            found = importlib.util.find_spec(source.module)
        except (ImportError, ValueError):
            return None
        if found is None or not found.submodule_search_locations:
            return None
        return Path(next(iter(found.submodule_search_locations))) / source.subdir

    def cache_path(self, model_id: str) -> Path:
        self.spec(model_id)
        return self.cache_dir / model_id

    def state(self, model_id: str) -> InstallState:
        return self._locate(model_id)[0]

    def is_installed(self, model_id: str) -> bool:
        return self.state(model_id) is not InstallState.MISSING

    def has_files(self, model_id: str) -> bool:
        """Installed, or damaged but still on disk: what `verify` with no ids should check."""
        return self.is_installed(model_id) or self._damaged(model_id)[1] is not None

    def path(self, model_id: str) -> Path:
        """The model's folder; never downloads. Raises ModelNotInstalled with the fix."""
        location = self._locate(model_id)[1]
        if location is None:
            raise ModelNotInstalled(self.spec(model_id))
        return location

    def file(self, model_id: str, name: str) -> Path:
        """One file of an installed model, e.g. `store.file("silero-vad", "silero_vad.onnx")`."""
        spec = self.spec(model_id)
        if name not in {f.path for f in spec.files}:
            raise ModelStoreError(f"model {model_id} has no file {name!r}")
        return self.path(model_id) / name

    def _locate(self, model_id: str) -> tuple[InstallState, Path | None]:
        spec = self.spec(model_id)
        packaged = self.packaged_dir(model_id)
        if packaged is not None and self._files_present(spec, packaged):
            return InstallState.PACKAGED, packaged
        cached = self.cache_dir / model_id
        if (cached / MANIFEST_NAME).is_file() and self._files_present(spec, cached):
            return InstallState.CACHED, cached
        return InstallState.MISSING, None

    @staticmethod
    def _files_present(spec: ModelSpec, root: Path) -> bool:
        """Existence and size only: resolving must stay fast; `verify` does the hashing."""
        for entry in spec.files:
            path = root / entry.path
            if not path.is_file():
                return False
            if entry.size is not None and path.stat().st_size != entry.size:
                return False
        return True

    def installed_bytes(self, model_id: str) -> int | None:
        """Disk use of the installed model, measured, or None when it is missing."""
        state, location = self._locate(model_id)
        if location is None:
            return None
        if state is InstallState.CACHED:
            files = [p for p in location.rglob("*") if p.is_file() and p.name != MANIFEST_NAME]
        else:
            files = [location / f.path for f in self.spec(model_id).files]
        return sum(path.stat().st_size for path in files)

    def build_detail(self, model_id: str) -> str | None:
        """What the manifest of a cached install says about how it was made, or None.

        Local builds record their recipe here, so a build step can tell an install made by an
        older Hearth (another export layout or quantization) from a current one.
        """
        state, location = self._locate(model_id)
        if state is not InstallState.CACHED or location is None:
            return None
        detail = self._read_manifest(location).get("detail")
        return detail if isinstance(detail, str) else None

    # ---- verifying ----------------------------------------------------------------------

    def verify(self, model_id: str) -> VerifyReport:
        """Re-hash every file against the catalog's pins, or the manifest written at install."""
        spec = self.spec(model_id)
        state, location = self._locate(model_id)
        if location is None:
            # A damaged install is still reported file by file rather than as "missing".
            state, location = self._damaged(model_id)
        if location is None:
            raise ModelNotInstalled(spec)
        recorded: dict[str, dict[str, object]] = {}
        if state is InstallState.CACHED:
            recorded = self._read_manifest(location).get("files", {})
        names = [f.path for f in spec.files] + sorted(set(recorded) - {f.path for f in spec.files})
        pins = {f.path: f for f in spec.files}
        checks = []
        for rel in names:
            pin = pins.get(rel, ModelFile(rel))
            entry = recorded.get(rel, {})
            size = pin.size if pin.size is not None else _as_int(entry.get("size"))
            sha = pin.sha256 if pin.sha256 is not None else _as_str(entry.get("sha256"))
            checks.append(_check_file(location / rel, rel, size, sha))
        return VerifyReport(
            model_id, state, location, tuple(checks), verified=self.is_verified(model_id)
        )

    def is_verified(self, model_id: str) -> bool:
        """False for a cached model imported with ``trust``: its bytes match only themselves."""
        state, location = self._locate(model_id)
        if location is None:
            state, location = self._damaged(model_id)
        if state is not InstallState.CACHED or location is None:
            return True
        manifest = self._read_manifest(location)
        recorded = manifest.get("verified")
        if isinstance(recorded, bool):
            return recorded
        # Installed before imports were checked: an import of a model without pins is unknown.
        return manifest.get("origin") != "import" or _fully_pinned(self.spec(model_id))

    def _damaged(self, model_id: str) -> tuple[InstallState, Path | None]:
        cached = self.cache_dir / model_id
        if (cached / MANIFEST_NAME).is_file():
            return InstallState.CACHED, cached
        packaged = self.packaged_dir(model_id)
        if packaged is not None and packaged.is_dir():
            return InstallState.PACKAGED, packaged
        return InstallState.MISSING, None

    @staticmethod
    def _read_manifest(location: Path) -> dict[str, dict[str, dict[str, object]]]:
        try:
            data = json.loads((location / MANIFEST_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    # ---- installing ---------------------------------------------------------------------

    def fetch(
        self,
        model_id: str,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> Path:
        """Return the installed model, downloading it first if it has a URL source."""
        spec = self.spec(model_id)
        location = self._locate(model_id)[1]
        if location is not None:
            return location
        source = spec.source
        if not isinstance(source, UrlSource):
            raise ModelNotInstalled(spec)
        if source.artifact.sha256 is None and spec.integrity is not Integrity.UNPUBLISHED:
            raise DownloadFailed(
                f"the catalog has no sha256 for {spec.id} and does not mark it unverified; "
                "refusing to install unchecked bytes"
            )
        part = self._download(spec, source, progress, cancel)
        try:
            with self._staging(model_id) as staging:
                if source.archive is ArchiveFormat.ZIP:
                    _extract_zip(part, staging, strip_top=source.strip_top_folder)
                else:
                    shutil.move(part, staging / source.artifact.path)
                return self._accept(spec, staging, origin="download", detail=source.urls[0])
        finally:
            # Installed or unusable (not a zip, files missing): either way never resume it.
            part.unlink(missing_ok=True)

    def import_path(self, model_id: str, source_path: Path, *, trust: bool = False) -> Path:
        """Install from a local file or folder, for machines that are never online.

        The bytes must match the catalog: every file's pinned sha256, or the pinned hash of the
        downloadable archive. Where the catalog has neither, the import is refused unless
        ``trust`` is given; then it is installed marked unverified, and `list` and `verify` say so.
        """
        spec = self.spec(model_id)
        source_path = Path(source_path)
        if not source_path.exists() and not source_path.is_symlink():
            raise ImportFailed(f"cannot import {model_id}: {source_path} does not exist")
        try:
            with self._staging(model_id) as staging:
                self._check_import_space(spec, source_path)
                artifact_matched = False
                if source_path.is_dir():
                    root = _model_root(spec, source_path)
                    _copy_folder(root, staging)
                    (staging / MANIFEST_NAME).unlink(missing_ok=True)
                elif _is_zip(source_path) and not _is_single_file(spec, source_path):
                    artifact_matched = self._check_artifact(spec, source_path)
                    strip = not isinstance(spec.source, UrlSource) or spec.source.strip_top_folder
                    _extract_zip(source_path, staging, strip_top=strip)
                    if not self._files_present(spec, staging):
                        _strip_single_folder(staging)
                elif len(spec.files) == 1:
                    _copy_file(source_path, staging / spec.files[0].path, spec.files[0].size)
                else:
                    names = ", ".join(f.path for f in spec.files)
                    raise ImportFailed(
                        f"cannot import {model_id} from one file: "
                        f"it needs a folder or zip with {names}"
                    )
                verified = artifact_matched or _fully_pinned(spec)
                if not verified and not trust:
                    raise ImportUnverifiable(
                        f"cannot verify {model_id}: the catalog has no checksum for its files; "
                        f"if you trust {source_path}, run `hearth models import {model_id} "
                        f"{source_path} --trust` to install it marked unverified"
                    )
                return self._accept(
                    spec, staging, origin="import", detail=str(source_path), verified=verified
                )
        except OSError as err:
            raise ImportFailed(f"cannot import {model_id}: {_os_reason(err)}") from None

    def _check_import_space(self, spec: ModelSpec, source: Path) -> None:
        needed = _source_bytes(source) + _SPACE_MARGIN_BYTES
        free = self._disk_free(self.cache_dir)
        if free < needed:
            raise InsufficientSpace(
                f"{spec.id} needs {needed / 1e6:.0f} MB free in {self.cache_dir}, "
                f"only {free / 1e6:.0f} MB available"
            )

    def _check_artifact(self, spec: ModelSpec, archive: Path) -> bool:
        """True when the archive is the catalog's pinned download; a mismatch is refused."""
        source = spec.source
        if isinstance(source, UrlSource) and source.artifact.sha256 is not None:
            actual = sha256_file(archive)
            if actual != source.artifact.sha256:
                raise ImportFailed(
                    f"{archive} is not {spec.id}: sha256 {actual[:12]}… "
                    f"!= {source.artifact.sha256[:12]}…"
                )
            return True
        return False

    def new_build_dir(self, model_id: str) -> Path:
        """A scratch folder on the cache's file system, for `install_built` to move into place."""
        self.spec(model_id)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"{_STAGING_PREFIX}{model_id}-", dir=self.cache_dir))

    def install_built(self, model_id: str, build_dir: Path, detail: str = "") -> Path:
        """Accept the output of a conversion step; the build folder is consumed."""
        spec = self.spec(model_id)
        try:
            return self._accept(spec, Path(build_dir), origin="convert", detail=detail)
        finally:
            shutil.rmtree(build_dir, ignore_errors=True)

    @contextmanager
    def _staging(self, model_id: str) -> Iterator[Path]:
        staging = self.new_build_dir(model_id)
        try:
            yield staging
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _accept(
        self, spec: ModelSpec, staging: Path, *, origin: str, detail: str, verified: bool = True
    ) -> Path:
        """The one gate into the cache: check pins, write the manifest, rename into place."""
        problems = []
        for entry in spec.files:
            check = _check_file(staging / entry.path, entry.path, entry.size, entry.sha256)
            if check.status not in (CheckStatus.OK, CheckStatus.UNPINNED):
                problems.append(f"{entry.path}: {check.status}")
        if problems:
            raise ImportFailed(f"{spec.id} rejected: " + ", ".join(problems))
        files = {}
        for path in sorted(p for p in staging.rglob("*") if p.is_file()):
            rel = path.relative_to(staging).as_posix()
            if rel != MANIFEST_NAME:
                files[rel] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
        manifest = {
            "model": spec.id,
            "origin": origin,
            "detail": detail,
            "integrity": str(spec.integrity) if verified else "unverified",
            "verified": verified,
            "installed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": files,
        }
        (staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        target = self.cache_dir / spec.id
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".old-{spec.id}-", dir=self.cache_dir))
            os.replace(target, old / "model")
        os.replace(staging, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return target

    # ---- downloading --------------------------------------------------------------------

    def partial_path(self, model_id: str) -> Path:
        source = self.spec(model_id).source
        name = source.artifact.path if isinstance(source, UrlSource) else model_id
        return self.cache_dir / _PARTIAL_DIR / f"{model_id}--{name}.part"

    def _download(
        self,
        spec: ModelSpec,
        source: UrlSource,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
    ) -> Path:
        part = self.partial_path(spec.id)
        part.parent.mkdir(parents=True, exist_ok=True)
        self._check_space(spec, source, part)
        expected = source.artifact
        errors: list[str] = []
        for url in source.urls:
            for _attempt in range(2):
                resumed = part.exists() and part.stat().st_size > 0
                try:
                    self._transfer(spec.id, url, part, expected, progress, cancel)
                except _TransferError as err:
                    errors.append(f"{url}: {err}")
                    break
                check = _check_file(part, expected.path, expected.size, expected.sha256)
                if check.status in (CheckStatus.OK, CheckStatus.UNPINNED):
                    return part
                part.unlink(missing_ok=True)
                errors.append(f"{url}: {check.status}")
                if not resumed:
                    break
        raise DownloadFailed(f"could not download {spec.id}: " + "; ".join(errors))

    def _check_space(self, spec: ModelSpec, source: UrlSource, part: Path) -> None:
        download = source.artifact.size or spec.download_bytes or 0
        have = part.stat().st_size if part.exists() else 0
        unpacked = (spec.size_bytes or download) if source.archive is not ArchiveFormat.NONE else 0
        needed = max(download - have, 0) + unpacked + _SPACE_MARGIN_BYTES
        free = self._disk_free(self.cache_dir)
        if free < needed:
            raise InsufficientSpace(
                f"{spec.id} needs {needed / 1e6:.0f} MB free in {self.cache_dir}, "
                f"only {free / 1e6:.0f} MB available"
            )

    def _transfer(
        self,
        model_id: str,
        url: str,
        part: Path,
        expected: ModelFile,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
    ) -> None:
        """Fetch `url` into `part`, continuing from its current length with an HTTP Range."""
        offset = part.stat().st_size if part.exists() else 0
        if expected.size is not None and offset >= expected.size:
            if offset == expected.size:
                return
            part.unlink()
            offset = 0
        headers = {"User-Agent": "hearth-model-store"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        request = urllib.request.Request(url, headers=headers)
        try:
            response = urllib.request.urlopen(request, timeout=self._timeout_s)
        except urllib.error.HTTPError as err:
            err.close()
            if err.code == 416 and offset:
                part.unlink()
                raise _TransferError("server refused to resume; restarting next time") from err
            raise _TransferError(f"HTTP {err.code}") from err
        except (urllib.error.URLError, OSError, http.client.HTTPException) as err:
            raise _TransferError(str(getattr(err, "reason", err))) from err
        with response:
            if offset and response.status != 206:
                offset = 0
            length = response.headers.get("Content-Length")
            total = offset + int(length) if length is not None else expected.size
            done = offset
            try:
                with part.open("ab" if offset else "wb") as handle:
                    while True:
                        if cancel is not None and cancel.is_set():
                            raise DownloadCancelled(
                                f"download of {model_id} cancelled; run fetch again to resume"
                            )
                        chunk = response.read(self._chunk_size)
                        if not chunk:
                            break
                        handle.write(chunk)
                        done += len(chunk)
                        if progress is not None:
                            progress(Progress(model_id, expected.path, done, total, url))
            except (OSError, http.client.HTTPException) as err:
                raise _TransferError(f"connection lost after {done} bytes") from err
        if total is not None and done < total:
            raise _TransferError(f"transfer ended after {done} of {total} bytes")


def _fully_pinned(spec: ModelSpec) -> bool:
    return all(entry.sha256 is not None for entry in spec.files)


def _is_zip(path: Path) -> bool:
    try:
        check_regular_file(path, "model file", MAX_IMPORT_FILE_BYTES)
    except FileRefused as err:
        raise ImportFailed(str(err)) from None
    return zipfile.is_zipfile(path)


def _copy_file(source: Path, target: Path, size: int | None = None) -> None:
    """Copy one regular file of bounded size (never a FIFO, a device or a symlink loop)."""
    try:
        actual = check_regular_file(source, "model file", MAX_IMPORT_FILE_BYTES)
    except FileRefused as err:
        raise ImportFailed(str(err)) from None
    if size is not None and actual != size:
        raise ImportFailed(f"{source} is {actual} bytes; {target.name} must be {size}")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _copy_folder(root: Path, staging: Path) -> None:
    """Copy a model folder: regular files only, symbolic links to files followed once, links to
    folders and special files refused, so a loop or a /dev/zero link ends in one line."""
    for folder, dirs, files in os.walk(root, followlinks=False, onerror=_raise):
        here = Path(folder)
        for name in dirs:
            if (here / name).is_symlink():
                raise ImportFailed(f"{here / name}: a link to a folder; copy the real folder")
        for name in files:
            source = here / name
            _copy_file(source, staging / source.relative_to(root))


def _raise(err: OSError) -> None:
    raise err


def _source_bytes(source: Path) -> int:
    """What an import will copy at most (a zip's unpacked size is checked by its entries)."""
    if not source.is_dir():
        try:
            size = check_regular_file(source, "model file", MAX_IMPORT_FILE_BYTES)
        except FileRefused as err:
            raise ImportFailed(str(err)) from None
        try:
            with zipfile.ZipFile(source) as bundle:
                size = sum(member.file_size for member in bundle.infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            pass
        return size
    total = 0
    for folder, _dirs, files in os.walk(source, followlinks=False):
        for name in files:
            try:
                total += (Path(folder) / name).lstat().st_size
            except OSError:
                continue
    return total


def _os_reason(err: OSError) -> str:
    """One line naming the file and the reason, never the file's contents."""
    if err.errno == errno.ENOSPC:
        return "the cache folder's disk is full"
    if err.errno == errno.ELOOP:
        return f"{err.filename}: too many levels of symbolic links"
    where = f"{err.filename}: " if err.filename else ""
    return f"{where}{err.strerror or type(err).__name__}"


def _as_int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _as_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _is_single_file(spec: ModelSpec, path: Path) -> bool:
    """A one-file model whose file happens to be a zip (e.g. a checkpoint) is copied, not opened."""
    return len(spec.files) == 1 and not isinstance(spec.source, UrlSource) and path.suffix != ".zip"


def _model_root(spec: ModelSpec, folder: Path) -> Path:
    """Accept both the model folder and a folder holding it as its only child."""
    first = spec.files[0].path
    if (folder / first).exists():
        return folder
    children = [c for c in folder.iterdir() if c.is_dir()]
    if len(children) == 1 and (children[0] / first).exists():
        return children[0]
    return folder


def _extract_zip(archive: Path, target: Path, *, strip_top: bool) -> None:
    """Extract refusing members that would land outside `target` (zip slip)."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = [m for m in bundle.infolist() if not m.is_dir()]
            for member in members:
                parts = PurePosixPath(member.filename).parts
                if member.filename.startswith("/") or ".." in parts or not parts:
                    raise ImportFailed(f"{archive.name}: unsafe path {member.filename!r}")
            bundle.extractall(target, members=members)
    except zipfile.BadZipFile as err:
        raise ImportFailed(f"{archive.name} is not a valid zip archive") from err
    if strip_top:
        _strip_single_folder(target)


def _strip_single_folder(target: Path) -> None:
    entries = list(target.iterdir())
    if len(entries) != 1 or not entries[0].is_dir():
        return
    inner = entries[0]
    holding = target / f".strip-{inner.name}"
    os.replace(inner, holding)
    for child in holding.iterdir():
        os.replace(child, target / child.name)
    holding.rmdir()
