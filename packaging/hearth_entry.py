"""The bundle's entry point: the same `hearth` command pip installs (assistant.cli:main).

With no subcommand it opens the desktop app, so this one program serves the desktop launcher and
the terminal alike. The app and push-to-talk are found through Hearth's ``hearth.frontends``
entry points: hearth.spec copies Hearth's metadata into the bundle and adds those modules as
hidden imports (bundle_frontends.py), so nothing needs registering here.
"""

import sys

from assistant.cli import main

if __name__ == "__main__":
    sys.exit(main())
