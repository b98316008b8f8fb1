"""Where the shipped data (resources/) lives: source tree, or a PyInstaller bundle."""

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    override = os.environ.get("QNAPP_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
