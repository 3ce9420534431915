"""PyInstaller runtime hook: programs Hearth starts get the user's library path, not the bundle's.

On Linux the bootloader puts the bundle's folder first on LD_LIBRARY_PATH (keeping the user's
value in LD_LIBRARY_PATH_ORIG). The running app no longer needs it (the dynamic loader read it at
start-up), but every child inherits it, and a system program such as espeak-ng or the desktop's
URL opener would then load the bundle's copies of libstdc++ or libssl instead of its own. So the
user's value is put back before any of Hearth's code runs.
"""

import os
import sys

if sys.platform.startswith("linux") and getattr(sys, "frozen", False):
    original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is None:
        os.environ.pop("LD_LIBRARY_PATH", None)
    else:
        os.environ["LD_LIBRARY_PATH"] = original
