"""Where saved files go (the manager's reports, a shift's report): the save dialog opens in the
user's Documents folder (never the folder the app was started from) with the file already named
after what it holds, and a path is checked writable before anything is drawn into it, since
Qt's PDF writer fails without a word; when it is not, the words say why in the user's language."""

from __future__ import annotations

import errno
import re
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from pos_app.core.messages import filled


def documents_folder() -> Path:
    """The user's Documents folder (XDG's, or ~/Documents), made if it is not there yet (a fresh
    account has none, and Qt's dialog would then fall back to the folder the app started in);
    home if it cannot be made."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path.home()
    return folder


def plain_title(label: str) -> str:
    """A button's label as a window title: no mnemonic, neither "&Save" nor "保存(&S)"."""
    return re.sub(r"\(&\w\)", "", label).replace("&", "")


def ask_save_path(parent: QWidget | None, title: str, filename: str, file_filter: str) -> str:
    """Ask where to save `filename`, offering it in the Documents folder; "" if cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, plain_title(title), str(documents_folder() / filename), file_filter)
    return path


def check_writable(path: str | Path) -> Path:
    """Create (or empty) the file at `path`, raising the OSError that says why it cannot be."""
    target = Path(path)
    with target.open("wb"):
        pass
    return target


def file_failure(error: OSError, lang: str, path: str) -> str:
    """A file (CSV, PDF) that could not be written at `path`."""
    name = {errno.EACCES: "file_denied", errno.EPERM: "file_denied", errno.EROFS: "file_denied",
            errno.ENOENT: "file_no_folder", errno.ENOTDIR: "file_no_folder",
            errno.ENOSPC: "file_disk_full"}.get(error.errno or 0, "file_failed")
    return str(filled(name, lang, path=path))
