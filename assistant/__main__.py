"""`python -m assistant` is the same as `hearth`."""

import sys

from assistant.cli import main

sys.exit(main())
