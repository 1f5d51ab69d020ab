"""List the report files of a corpus folder, and say why every other candidate was left out.

The folder is the boundary of what gets indexed: a symbolic link is followed only when its
target lies inside the folder, so a link to /etc/passwd (or to a folder elsewhere) is never read.
Hidden entries, Word lock files, broken links, special files and folders that cannot be read
are not indexed either, and each one is named with the reason instead of vanishing.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from qa.errors import ReportReadError
from qa.ingest.reading import SUPPORTED_SUFFIXES
from qa.model import ReadFailure


@dataclass(frozen=True)
class FolderScan:
    """What a corpus folder holds.

    Attributes:
        files: report files to read, sorted; each is inside the folder (through links too).
        skipped: entries left out, with the reason; paths relative to the folder, with "/".
    """

    files: tuple[Path, ...]
    skipped: tuple[ReadFailure, ...]


def scan_folder(folder: str | os.PathLike) -> FolderScan:
    """Walk a corpus folder recursively without ever leaving it.

    Args:
        folder: the folder holding the reports.

    Returns:
        The report files (by suffix in SUPPORTED_SUFFIXES) and the entries skipped with a reason.

    Raises:
        ReportReadError: the folder does not exist, is not a folder, or cannot be read.
    """
    root = Path(folder)
    if not root.exists():
        raise ReportReadError(str(root), "folder not found; pass the folder that holds the reports")
    if not root.is_dir():
        raise ReportReadError(str(root), "not a folder; pass the folder that holds the reports")
    real_root = root.resolve()
    files: list[Path] = []
    skipped: list[ReadFailure] = []
    pending = [root]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as entries:
                listed = sorted(entries, key=lambda entry: entry.name)
        except OSError as error:
            if directory == root:
                raise ReportReadError(str(root), f"folder cannot be read ({error.strerror or error}); "
                                                 "give the user running the index read access") from error
            skipped.append(_skip(root, directory, f"folder cannot be read ({error.strerror or error}); its "
                                                  "reports are not indexed; give read access to index them"))
            continue
        for entry in listed:
            path = Path(entry.path)
            kind, reason = _classify(entry, path, real_root)
            if kind == "folder":
                pending.append(path)
            elif kind == "file":
                files.append(path)
            elif reason:
                skipped.append(_skip(root, path, reason))
    files.sort(key=lambda path: path.relative_to(root).as_posix())
    skipped.sort(key=lambda failure: failure.path)
    return FolderScan(tuple(files), tuple(skipped))


def find_report_files(folder: str | os.PathLike) -> list[Path]:
    """Return the report files of a folder in a stable order (scan_folder without the reasons)."""
    return list(scan_folder(folder).files)


def _classify(entry: os.DirEntry, path: Path, real_root: Path) -> tuple[str, str]:
    """Return ("folder" | "file" | "skip", reason); a skip without a reason is not worth naming."""
    name = entry.name
    candidate = path.suffix.lower() in SUPPORTED_SUFFIXES
    if name.startswith("."):
        if entry.is_dir(follow_symlinks=False):
            return "skip", "hidden folder (name starts with '.'), not searched; rename it to index its reports"
        if candidate:
            return "skip", "hidden file (name starts with '.'); rename it without the '.' to index it"
        return "skip", ""
    if entry.is_symlink():
        target = Path(os.path.realpath(path))
        if not target.exists():
            return "skip", f"broken link: its target {os.readlink(path)} does not exist"
        if not target.is_relative_to(real_root):
            return "skip", (f"link to {target}, outside the corpus folder, not followed; "
                            "copy the report into the folder to index it")
        if target.is_dir():
            return "skip", "link to a folder inside the corpus, which is searched where it is"
    try:
        mode = entry.stat().st_mode
    except OSError as error:
        return "skip", f"cannot be read ({error.strerror or error})"
    if stat.S_ISDIR(mode):
        return "folder", ""
    if not candidate:
        return "skip", ""
    if name.startswith("~$"):
        return "skip", "Word lock file of an open document, not a report"
    if not stat.S_ISREG(mode):
        return "skip", "not a regular file (a pipe, socket or device); save the report as a file"
    return "file", ""


def _skip(root: Path, path: Path, reason: str) -> ReadFailure:
    return ReadFailure(path.relative_to(root).as_posix(), reason)
