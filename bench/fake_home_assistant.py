"""A fake Home Assistant: the WebSocket API subset Hearth uses, on 127.0.0.1, for tests and bench.

It speaks the auth phase (auth_required → auth → auth_ok / auth_invalid) and the commands the
backend sends: ``get_states``, the area/floor/device/entity registries (``list``, and
``get_entries`` with aliases), ``homeassistant/expose_entity/list``, ``subscribe_events`` /
``unsubscribe_events`` and ``call_service``. Services change the state in Home Assistant's own
units (brightness 0-255, ``current_position``, ``volume_level`` 0-1) and emit ``state_changed``
carrying the call's context, before the result, as Home Assistant does.

Switches for the hard cases: ``slow_s`` (service calls wait), ``failing`` (services or entities
that answer an error), ``drop()`` (close every connection), ``stop()``/``start()`` (server gone
and back on the same port), and outside changes (``set_state``, ``expose``, ``rename_area``)
that arrive as events. It runs its own asyncio loop on a daemon thread, so sync tests drive it.
What it holds and what its services do: ``fake_home_assistant_data``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import socket
import ssl
import threading
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from aiohttp import WSMsgType, web

from bench.fake_home_assistant_data import FakeState, apply_service

VERSION = "2025.1.0"
TOKEN = "fake-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class FakeHomeAssistant:
    """The server; ``url`` is what ``home_assistant.url`` would be set to."""

    def __init__(
        self,
        state: FakeState,
        token: str = TOKEN,
        port: int | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.data = state
        self.tls = tls
        self.token = token
        self.port = port or free_port()
        self.slow_s = 0.0
        self.admin = True  # False: the token's user may not read the registries
        self.failing: set[str] = set()  # "light.turn_on" or an entity id: that call errors
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.connections = 0
        self._sockets: set[web.WebSocketResponse] = set()
        self._subscriptions: dict[web.WebSocketResponse, dict[int, str]] = {}
        self._clock = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        for entity in self.data.states.values():
            self._stamp(entity)

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    # -- control (any thread) ---------------------------------------------------------------------

    def start(self) -> FakeHomeAssistant:
        if not self._thread.is_alive():
            self._thread.start()
        self._run(self._start())
        return self

    def stop(self) -> None:
        """Close every connection and stop listening (the port refuses until ``start``)."""
        self._run(self._stop())

    def close(self) -> None:
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()

    def drop(self) -> None:
        """Close every WebSocket (a network blip or a server restart); the port stays open."""
        self._run(self._drop())

    def set_state(self, entity_id: str, state: str, **attributes: Any) -> None:
        """A change made outside Hearth (a wall switch): the new state and a state_changed."""

        async def change() -> None:
            old = self.data.states[entity_id]
            new = {**old, "state": state, "attributes": {**old["attributes"], **attributes}}
            await self._write(entity_id, new, uuid.uuid4().hex)

        self._run(change())

    def expose(self, entity_id: str, exposed: bool) -> None:
        """Expose an entity to Assist or stop; an entity_registry_updated follows."""

        async def change() -> None:
            self.data.exposed[entity_id] = exposed
            await self._fire(
                "entity_registry_updated", {"action": "update", "entity_id": entity_id}
            )

        self._run(change())

    def rename_area(self, area_id: str, name: str) -> None:
        async def change() -> None:
            for area in self.data.areas:
                if area["area_id"] == area_id:
                    area["name"] = name
            await self._fire("area_registry_updated", {"action": "update", "area_id": area_id})

        self._run(change())

    def state_of(self, entity_id: str) -> dict[str, Any]:
        async def read() -> dict[str, Any]:
            return dict(self.data.states[entity_id])

        return self._run(read())

    def _run(self, work: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(10)

    # -- the server (its loop) ----------------------------------------------------------------

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/api/websocket", self._websocket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port, ssl_context=self.tls).start()

    async def _stop(self) -> None:
        await self._drop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _drop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()

    async def _websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "auth_required", "ha_version": VERSION})
        auth = await ws.receive_json()
        if auth.get("type") != "auth" or auth.get("access_token") != self.token:
            await ws.send_json(
                {"type": "auth_invalid", "message": "Invalid access token or password"}
            )
            await ws.close()
            return ws
        await ws.send_json({"type": "auth_ok", "ha_version": VERSION})
        self.connections += 1
        self._sockets.add(ws)
        self._subscriptions[ws] = {}
        try:
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    request_data = message.json()
                    asyncio.get_running_loop().create_task(self._command(ws, request_data))
        finally:
            self._sockets.discard(ws)
            self._subscriptions.pop(ws, None)
        return ws

    async def _command(self, ws: web.WebSocketResponse, msg: dict[str, Any]) -> None:
        handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "get_states": lambda m: list(self.data.states.values()),
            "config/area_registry/list": lambda m: self.data.areas,
            "config/floor_registry/list": lambda m: self.data.floors,
            "config/device_registry/list": lambda m: self.data.devices,
            "config/entity_registry/list": lambda m: [
                {k: v for k, v in e.items() if k != "aliases"} for e in self.data.entities.values()
            ],
            "config/entity_registry/get_entries": lambda m: {
                i: self.data.entities.get(i) for i in m.get("entity_ids", [])
            },
            "homeassistant/expose_entity/list": lambda m: {
                "exposed_entities": {i: {"conversation": v} for i, v in self.data.exposed.items()}
            },
        }
        kind = msg.get("type")
        if not self.admin and str(kind).startswith("config/"):
            await self._error(ws, msg["id"], "unauthorized", "Unauthorized")
            return
        if kind == "subscribe_events":
            self._subscriptions.setdefault(ws, {})[msg["id"]] = msg.get("event_type", "*")
            await self._reply(ws, msg["id"], None)
        elif kind == "unsubscribe_events":
            self._subscriptions.get(ws, {}).pop(msg.get("subscription"), None)
            await self._reply(ws, msg["id"], None)
        elif kind == "call_service":
            await self._call_service(ws, msg)
        elif kind in handlers:
            await self._reply(ws, msg["id"], handlers[kind](msg))
        else:
            await self._error(ws, msg["id"], "unknown_command", "Unknown command.")

    async def _call_service(self, ws: web.WebSocketResponse, msg: dict[str, Any]) -> None:
        domain, service = msg["domain"], msg["service"]
        data = dict(msg.get("service_data") or {})
        targets = (msg.get("target") or {}).get("entity_id") or data.pop("entity_id", [])
        targets = [targets] if isinstance(targets, str) else list(targets)
        self.calls.append((domain, service, {**data, "entity_id": targets}))
        if self.slow_s:
            await asyncio.sleep(self.slow_s)
        name = f"{domain}.{service}"
        if name in self.failing or any(t in self.failing for t in targets):
            await self._error(ws, msg["id"], "home_assistant_error", f"{name} failed on the device")
            return
        context = {"id": uuid.uuid4().hex, "parent_id": None, "user_id": "fake-user"}
        for entity_id in targets:
            current = self.data.states.get(entity_id)
            if current is None or not entity_id.startswith(domain + "."):
                await self._error(ws, msg["id"], "not_found", f"Entity {entity_id} not found.")
                return
            changes = apply_service(domain, service, current, data, self.data.states)
            if changes is None:
                await self._error(ws, msg["id"], "not_found", f"Service {name} not found.")
                return
            for changed_id, new in changes:
                await self._write(changed_id, new, context["id"])
        await self._reply(ws, msg["id"], {"context": context, "response": None})

    async def _write(self, entity_id: str, new: dict[str, Any], context: str) -> None:
        old = self.data.states[entity_id]
        if (old["state"], old["attributes"]) == (new["state"], new["attributes"]):
            return  # Home Assistant writes nothing (and fires nothing) when nothing changed
        new = {**new, "context": {"id": context, "parent_id": None, "user_id": None}}
        self._stamp(new)
        self.data.states[entity_id] = new
        await self._fire(
            "state_changed",
            {"entity_id": entity_id, "old_state": old, "new_state": new},
            context,
        )

    def _stamp(self, state: dict[str, Any]) -> None:
        when = dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=next(self._clock))
        state["last_updated"] = state["last_changed"] = when.isoformat()

    async def _fire(self, event_type: str, data: dict[str, Any], context: str = "") -> None:
        event = {
            "event_type": event_type,
            "data": data,
            "origin": "LOCAL",
            "context": {"id": context or uuid.uuid4().hex, "parent_id": None, "user_id": None},
        }
        for ws, subscriptions in list(self._subscriptions.items()):
            for sub_id, wanted in list(subscriptions.items()):
                if wanted in ("*", event_type) and not ws.closed:
                    await ws.send_json({"id": sub_id, "type": "event", "event": event})

    async def _reply(self, ws: web.WebSocketResponse, msg_id: int, result: Any) -> None:
        if not ws.closed:
            await ws.send_json({"id": msg_id, "type": "result", "success": True, "result": result})

    async def _error(self, ws: web.WebSocketResponse, msg_id: int, code: str, message: str) -> None:
        if not ws.closed:
            await ws.send_json(
                {
                    "id": msg_id,
                    "type": "result",
                    "success": False,
                    "error": {"code": code, "message": message},
                }
            )
