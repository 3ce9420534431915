"""The README's examples work as written: a new user copies them first."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.home.loader import parse_home
from assistant.home.model import Domain

README = Path(__file__).parent.parent / "README.md"


def section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else len(text)]


def code_blocks(markdown: str) -> list[str]:
    return re.findall(r"```[a-z]*\n(.*?)```", markdown, flags=re.DOTALL)


def test_the_home_file_example_loads_as_written() -> None:
    (example,) = [b for b in code_blocks(section("Your home")) if "devices:" in b]
    home = parse_home(example, "README.md")
    assert set(home.devices) == {"light.kitchen", "lock.front_door"}
    assert home.device("lock.front_door").domain is Domain.LOCK
    assert list(home.floors) == ["ground"]
    assert home.floor_of_area("hallway") is home.floors["ground"]


def test_the_readme_links_to_the_projects_own_architecture_page() -> None:
    text = README.read_text(encoding="utf-8")
    assert "../shared/" not in text
    links = re.findall(r"\]\(([^)#]+\.md)\)", text)
    assert "docs/architecture.md" in links
    for link in links:
        assert (README.parent / link).is_file(), link
