"""Read a home file (YAML) into a Home, with errors that name the file, the line and the problem.

People write these files by hand, so every mistake gets one precise line ("home.yaml:12: device
'light.x' is in unknown area 'kitchn'") instead of a stack trace. A home exported from Home
Assistant has entities of every domain and attributes on Home Assistant's scales: any domain
loads (see ``model.Domain``), attributes are normalized (``attributes.normalize``), and a bad
entry (floor, area or device) is left out with its line while the rest of the home loads. Only
a file that cannot be parsed, or is not a home at all, is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from assistant.home.attributes import AttributeProblem, check_attributes, normalize
from assistant.home.media_library import MediaLibrary, MediaLibraryError, parse_library
from assistant.home.model import Area, Device, Domain, Floor, Home, domain_of
from assistant.home.yaml_limits import (
    MAX_ATTRIBUTE_VALUES,
    MAX_DEPTH,
    Recursive,
    TooDeep,
    expanded_size,
)
from assistant.storage import notices
from models.files import MIB, FileRefused, read_regular_bytes

DEMO_HOME = "demo_home.yaml"
MAX_HOME_BYTES = 8 * MIB
"""A home of thousands of devices is well under a megabyte."""
_AREA_KEYS = {"id", "name", "aliases", "floor"}
_FLOOR_KEYS = {"id", "name", "aliases", "areas"}
_DEVICE_KEYS = {"id", "name", "aliases", "area", "domain", "state", "attributes"}
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML has it: a 500-device home is read several times faster. Its
composer recurses in C, which is safe only because ``_check_depth`` bounds the nesting first."""
DOMAIN_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
"""What Home Assistant allows as a domain (an integration's name): lower case, digits, _."""


class HomeFileError(ValueError):
    """A home file that cannot be used; ``str()`` is one line for the user."""


def demo_home_path() -> Path:
    return Path(str(resources.files("assistant.home") / "data" / DEMO_HOME))


def load_home(path: str | Path | None = None, report: Callable[[str], None] | None = None) -> Home:
    """Load a home file; ``None`` loads the demo home shipped with Hearth."""
    file = Path(path) if path else demo_home_path()
    try:
        raw = read_regular_bytes(file, "home file", MAX_HOME_BYTES)
    except FileRefused as err:
        raise HomeFileError(str(err)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise HomeFileError(f"{file}: not a UTF-8 text file") from None
    return parse_home(text, str(file), report)


def parse_home(
    text: str, source: str = "<home>", report: Callable[[str], None] | None = None
) -> Home:
    """Build a Home from YAML text; a bad device is passed to ``report`` (default: one notice
    line on stderr) and left out, a file that is not a home at all raises HomeFileError."""
    try:
        _check_depth(text, source)
        root = yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise HomeFileError(f"{where}: not valid YAML: {problem}") from None
    except RecursionError:
        raise HomeFileError(f"{source}: not valid YAML: nested too deeply") from None
    return _Builder(source, report or notices.say).build(root)


def _check_depth(text: str, source: str) -> None:
    """Refuse deep nesting from the event stream (the parser is iterative, the composer not)."""
    depth = 0
    for event in yaml.parse(text, Loader=_FAST_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else 0
                raise HomeFileError(
                    f"{source}:{line}: nested more than {MAX_DEPTH} levels deep; "
                    "a home file is never that deep"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


class _Builder:
    """Walks the YAML node tree so that every error can point at a line."""

    def __init__(self, source: str, report: Callable[[str], None]) -> None:
        self.source = source
        self.report = report
        self.floor_nodes: dict[str, yaml.Node] = {}

    def fail(self, node: yaml.Node | None, message: str) -> HomeFileError:
        line = f":{node.start_mark.line + 1}" if node is not None else ""
        return HomeFileError(f"{self.source}{line}: {message}")

    def mapping(self, node: yaml.Node, what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping")
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node, f"a key in {what}")
            if key in result:
                raise self.fail(key_node, f"{what} has '{key}' twice")
            result[key] = value_node
        return result

    def sequence(self, node: yaml.Node | None, what: str) -> Iterator[yaml.Node]:
        if node is None or (isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null")):
            return iter(())
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what} must be a list")
        return iter(node.value)

    def scalar(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"{what} must be a single value")
        return str(node.value)

    def text(self, fields: dict[str, yaml.Node], key: str, what: str, owner: yaml.Node) -> str:
        if key not in fields:
            raise self.fail(owner, f"{what} has no '{key}'")
        value = self.scalar(fields[key], f"{what}'s {key}").strip()
        if not value:
            raise self.fail(fields[key], f"{what}'s {key} is empty")
        return value

    def strings(self, fields: dict[str, yaml.Node], key: str, what: str) -> tuple[str, ...]:
        return tuple(
            self.scalar(item, f"an entry of {what}'s {key}").strip()
            for item in self.sequence(fields.get(key), f"{what}'s {key}")
        )

    def check_keys(self, fields: dict[str, yaml.Node], allowed: set[str], what: str) -> None:
        for key, node in fields.items():
            if key not in allowed:
                raise self.fail(node, f"{what} has unknown key '{key}'")

    def build(self, root: yaml.Node | None) -> Home:
        if root is None:
            raise self.fail(None, "home file is empty")
        top = self.mapping(root, "the home file")
        if not set(top) & {"areas", "devices", "floors"}:
            # Some other file (.env, a credentials file): its keys are not echoed back.
            raise self.fail(root, "not a Hearth home file (no 'devices', 'areas' or 'floors')")
        self.check_keys(top, {"areas", "devices", "floors", "media"}, "the home file")
        if "devices" not in top:
            raise self.fail(root, "the home file has no 'devices' list")

        skipped: list[str] = []
        floors: dict[str, Floor] = {}
        for node in self.sequence(top.get("floors"), "floors"):
            try:
                floor = self.floor(node)
                if floor.id in floors:
                    raise self.fail(node, f"duplicate floor id '{floor.id}'")
            except HomeFileError as err:
                skipped.append(f"{err}; left that floor out")
                continue
            floors[floor.id] = floor
            self.floor_nodes[floor.id] = node

        areas: dict[str, Area] = {}
        for node in self.sequence(top.get("areas"), "areas"):
            try:
                area = self.area(node, floors)
                if area.id in areas:
                    raise self.fail(node, f"duplicate area id '{area.id}'")
            except HomeFileError as err:
                skipped.append(f"{err}; left that area out")
                continue
            areas[area.id] = area
        floors = self.check_floor_areas(floors, areas, skipped)

        devices: dict[str, Device] = {}
        device_nodes: dict[str, yaml.Node] = {}
        bad_devices: list[str] = []
        for node in self.sequence(top.get("devices"), "devices"):
            # A bad device is reported with its line and left out; the rest of the home works.
            try:
                device = self.device(node, areas)
                if device.id in devices:
                    raise self.fail(node, f"duplicate device id '{device.id}'")
            except HomeFileError as err:
                bad_devices.append(str(err))
                continue
            devices[device.id] = device
            device_nodes[device.id] = node
        for device in list(devices.values()):
            try:
                self.check_scene(device, devices, node_for=device_nodes[device.id])
            except HomeFileError as err:
                bad_devices.append(str(err))
                del devices[device.id]
        if not devices:
            if bad_devices:
                raise HomeFileError(f"{bad_devices[0]} (and the home has no other usable device)")
            raise self.fail(top["devices"], "the home has no devices")
        skipped += [f"{problem}; left that device out" for problem in bad_devices]
        media = MediaLibrary()
        if "media" in top:
            try:
                media = parse_library(self.plain(top["media"], "the media library"))
            except MediaLibraryError as err:
                skipped.append(f"{self.fail(top['media'], str(err))}; left the media library out")
            except HomeFileError as err:
                skipped.append(f"{err}; left the media library out")
        for problem in skipped:
            self.report(problem)
        return Home(
            areas.values(), devices.values(), floors.values(), warnings=skipped, media=media
        )

    def floor(self, node: yaml.Node) -> Floor:
        fields = self.mapping(node, "a floor")
        self.check_keys(fields, _FLOOR_KEYS, "a floor")
        floor_id = self.text(fields, "id", "a floor", node)
        what = f"floor '{floor_id}'"
        return Floor(
            id=floor_id,
            name=self.text(fields, "name", what, node),
            aliases=self.strings(fields, "aliases", what),
            areas=self.strings(fields, "areas", what),
        )

    def area(self, node: yaml.Node, floors: dict[str, Floor]) -> Area:
        fields = self.mapping(node, "an area")
        self.check_keys(fields, _AREA_KEYS, "an area")
        area_id = self.text(fields, "id", "an area", node)
        what = f"area '{area_id}'"
        floor = self.scalar(fields["floor"], f"{what}'s floor") if "floor" in fields else None
        if floor is not None and floor not in floors:
            raise self.fail(fields["floor"], f"{what} is on unknown floor '{floor}'")
        return Area(
            id=area_id,
            name=self.text(fields, "name", what, node),
            aliases=self.strings(fields, "aliases", what),
            floor=floor,
        )

    def check_floor_areas(
        self, floors: dict[str, Floor], areas: dict[str, Area], skipped: list[str]
    ) -> dict[str, Floor]:
        """Floors whose area lists name known areas, each area on one floor only; an entry
        that does not fit is dropped from the floor's list (the floor and area stay)."""
        checked: dict[str, Floor] = {}
        for floor_id, floor in floors.items():
            kept: list[str] = []
            for area_id in floor.areas:
                if area_id not in areas:
                    problem = f"floor '{floor_id}' lists unknown area '{area_id}'"
                elif areas[area_id].floor not in (None, floor_id):
                    problem = (
                        f"area '{area_id}' is on floor '{areas[area_id].floor}' and '{floor_id}'"
                    )
                else:
                    kept.append(area_id)
                    continue
                skipped.append(
                    f"{self.fail(self.floor_nodes.get(floor_id), problem)}; left it off that floor"
                )
            checked[floor_id] = Floor(floor.id, floor.name, floor.aliases, tuple(kept))
        return checked

    def device(self, node: yaml.Node, areas: dict[str, Area]) -> Device:
        fields = self.mapping(node, "a device")
        self.check_keys(fields, _DEVICE_KEYS, "a device")
        device_id = self.text(fields, "id", "a device", node)
        what = f"device '{device_id}'"
        domain_text = self.text(fields, "domain", what, node)
        if not DOMAIN_NAME.fullmatch(domain_text):
            raise self.fail(
                fields["domain"],
                f"{what} has domain '{domain_text}', which is no Home Assistant domain name "
                "(lower-case letters, digits and _, such as light or weather)",
            )
        domain = domain_of(domain_text)
        prefix, dot, _ = device_id.partition(".")
        if dot and prefix != domain.value:
            raise self.fail(
                fields["id"], f"{what} has domain '{domain.value}' but its id says '{prefix}'"
            )
        area = self.scalar(fields["area"], f"{what}'s area") if "area" in fields else None
        if area is not None and area not in areas:
            raise self.fail(fields["area"], f"{what} is in unknown area '{area}'")
        attributes: dict[str, Any] = {}
        if "attributes" in fields and not isinstance(fields["attributes"], yaml.MappingNode):
            raise self.fail(fields["attributes"], f"{what}'s attributes must be a mapping")
        state = self.scalar(fields["state"], f"{what}'s state") if "state" in fields else "unknown"
        if "attributes" in fields:
            attributes = self.attributes(fields["attributes"], what, domain, state)
        return Device(
            id=device_id,
            name=self.text(fields, "name", what, node),
            domain=domain,
            area=area,
            aliases=self.strings(fields, "aliases", what),
            state=state,
            attributes=attributes,
        )

    def attributes(
        self, node: yaml.MappingNode, what: str, domain: str, state: str
    ) -> dict[str, Any]:
        """Plain data only, of bounded size, in Hearth's terms (``normalize``); the device is
        refused with its line otherwise."""
        attributes = self.plain(node, f"{what}'s attributes")
        try:
            attributes = normalize(domain, state, attributes)
            check_attributes(attributes)
        except AttributeProblem as err:
            raise self.fail(node, f"{what}: {err}") from None
        return attributes

    def plain(self, node: yaml.Node, what: str) -> Any:
        """The node as plain data, of bounded size even through aliases; refused with its line."""
        try:
            values = expanded_size(node, MAX_ATTRIBUTE_VALUES)
        except Recursive:
            raise self.fail(node, f"{what} use an anchor inside itself") from None
        except TooDeep:
            raise self.fail(
                node, f"{what} nest more than {MAX_DEPTH} levels deep through aliases"
            ) from None
        if values > MAX_ATTRIBUTE_VALUES:
            raise self.fail(
                node,
                f"{what} are too large (more than {MAX_ATTRIBUTE_VALUES} values "
                "once aliases are expanded)",
            )
        try:
            data = yaml.SafeLoader("").construct_document(node)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            problem = getattr(err, "problem", None) or "cannot be read"
            raise self.fail(
                None if mark is None else node, f"{what}: {problem.split(chr(10))[0]}"
            ) from None
        except (TypeError, ValueError) as err:  # e.g. an unhashable mapping key
            raise self.fail(node, f"{what}: {str(err)[:80]}") from None
        return data

    def check_scene(self, device: Device, devices: dict[str, Device], node_for: yaml.Node) -> None:
        members = device.attributes.get("entities")
        if device.domain is not Domain.SCENE or members is None:
            return
        if not isinstance(members, dict):
            raise self.fail(node_for, f"scene '{device.id}' entities must be a mapping")
        for member_id in members:
            if member_id not in devices:
                raise self.fail(node_for, f"scene '{device.id}' names unknown device '{member_id}'")
