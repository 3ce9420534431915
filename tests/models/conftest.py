"""A real HTTP server on 127.0.0.1 that misbehaves on request, for the store's download tests."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Route:
    """What one path serves; `truncate_times` counts down so a retry can succeed."""

    data: bytes
    status: int = 200
    truncate_at: int | None = None
    truncate_times: int = 0
    honour_range: bool = True


@dataclass
class ModelServer:
    base_url: str
    routes: dict[str, Route] = field(default_factory=dict)
    log: list[tuple[str, str | None]] = field(default_factory=list)

    def serve(self, path: str, data: bytes, **options: object) -> str:
        self.routes[path] = Route(data, **options)  # type: ignore[arg-type]
        return self.base_url + path

    def requests_for(self, path: str) -> list[str | None]:
        return [rng for p, rng in self.log if p == path]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _handler(server_state: ModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            range_header = self.headers.get("Range")
            server_state.log.append((self.path, range_header))
            route = server_state.routes.get(self.path)
            if route is None or route.status != 200:
                status = 404 if route is None else route.status
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()
                return
            start = 0
            if range_header and route.honour_range:
                start = int(range_header.removeprefix("bytes=").split("-")[0])
                if start >= len(route.data):
                    self.send_response(416)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(route.data) - 1}/*")
            else:
                self.send_response(200)
            body = route.data[start:]
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if route.truncate_times > 0 and route.truncate_at is not None:
                route.truncate_times -= 1
                self.wfile.write(body[: max(route.truncate_at - start, 0)])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

    return Handler


@pytest.fixture
def model_server() -> Iterator[ModelServer]:
    state = ModelServer(base_url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
