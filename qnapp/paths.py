"""Data folder and default database path. ``QNAPP_HOME`` overrides the platform folder."""

import os
from pathlib import Path

import platformdirs

from qnapp import APP_AUTHOR, APP_NAME

DB_FILENAME = "qnapp.sqlite"
DEMO_FILENAME = "demo.sqlite"


def data_dir() -> Path:
    home = os.environ.get("QNAPP_HOME")
    if home:
        return Path(home)
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def demo_db_path() -> Path:
    """The demo's own database: trying the demo never touches the officer's data."""
    return data_dir() / DEMO_FILENAME


def backup_dir_for(db_path: Path) -> Path:
    """Backups sit beside the database so a copied data folder carries them."""
    return Path(db_path).parent / "backups"
