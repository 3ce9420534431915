"""The bundle's entry point: the same `hearth` command pip installs (assistant.cli:main).

With no subcommand it opens the desktop app, so this one program serves the desktop launcher and
the terminal alike.
"""

import sys

from assistant.cli import main

if __name__ == "__main__":
    sys.exit(main())
