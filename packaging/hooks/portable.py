"""PyInstaller runtime hook: portable (USB-stick) mode.

When a folder named ``data`` sits beside the executable, qnapp keeps its database and
backups there (``QNAPP_HOME``) instead of the user's profile folder, so the whole
program and its data travel together. An explicit ``QNAPP_HOME`` still wins.
"""

import os
import sys
from pathlib import Path

_data = Path(sys.executable).resolve().parent / "data"
if _data.is_dir() and not os.environ.get("QNAPP_HOME"):
    os.environ["QNAPP_HOME"] = str(_data)
