"""Hearth's headless engine: audio, speech, conversation, home backends, cloud help.

``__version__`` comes from the installed package's metadata (pyproject.toml is the one place the
version is written), so `hearth --version`, About and bug reports can never disagree.
"""

from importlib.metadata import PackageNotFoundError, version


def _installed_version() -> str:
    try:
        return version("hearth")
    except PackageNotFoundError:  # a source tree on sys.path without `pip install -e .`
        return "0+unknown"


__version__ = _installed_version()
