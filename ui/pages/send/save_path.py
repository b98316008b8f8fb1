"""Where the send page writes a file: the folder used last, and the save dialog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from qnapp.workspace import Workspace

SavePathPrompt = Callable[[QWidget, str, Path, str], "str | None"]


def default_folder(workspace: Workspace) -> Path:
    """The folder used last, else the user's Documents."""
    folder = workspace.export_folder()
    if folder is not None:
        return folder
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def ask_save_path(parent: QWidget, caption: str, suggested: Path, file_filter: str) -> str | None:
    path, _selected = QFileDialog.getSaveFileName(parent, caption, str(suggested), file_filter)
    if not path:
        return None
    if not Path(path).suffix:  # some dialogs do not add the filter's extension
        path += suggested.suffix
    return path
