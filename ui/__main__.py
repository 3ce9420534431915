"""``python -m ui`` starts the desktop app (same as ``hearth`` with no arguments)."""

import sys

from ui.app import main

sys.exit(main())
