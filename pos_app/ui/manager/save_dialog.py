"""Where the manager view's files go: the save dialog opens in the user's Documents folder
(never the folder the app was started from) with the file already named after what it holds,
and a path is checked writable before anything is drawn into it, since Qt's PDF writer fails
without a word."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget


def documents_folder() -> Path:
    """The user's Documents folder (XDG's, or ~/Documents); home if the system names none."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


def ask_save_path(parent: QWidget | None, title: str, filename: str, file_filter: str) -> str:
    """Ask where to save `filename`, offering it in the Documents folder; "" if cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title.replace("&", ""), str(documents_folder() / filename),
                                          file_filter)
    return path


def check_writable(path: str | Path) -> Path:
    """Create (or empty) the file at `path`, raising the OSError that says why it cannot be."""
    target = Path(path)
    with target.open("wb"):
        pass
    return target
