"""Check uploaded reports and store them in the corpus folder under names that cannot escape it.

Every file of an upload is read before any is copied, so one unreadable file leaves the
corpus, and therefore the index, exactly as it was.
"""
from __future__ import annotations

import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from qa.errors import ReportReadError
from qa.ingest.reading import SUPPORTED_SUFFIXES, read_text

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_MAX_STEM_CHARS = 120
# Letters and digits of any script (\w), and the punctuation report file names commonly use.
_UNSAFE = re.compile(r"[^\w.\-（）()]+")


@dataclass(frozen=True)
class StoredReport:
    """An uploaded report and where it now lives.

    Attributes:
        upload_name: the file name as uploaded.
        path: the file in the corpus folder.
        new: False when an identical file of that name was already there and nothing was copied.
    """

    upload_name: str
    path: Path
    new: bool


def safe_file_name(name: str) -> str:
    """Return a plain file name for an uploaded report, so it can only land inside the corpus folder.

    Directories ("../", "C:\\\\"), control characters and unusual punctuation are dropped or
    replaced by "_"; leading dots are removed so the file is neither hidden nor a parent link.

    Args:
        name: the file name as the browser sent it.

    Returns:
        A name like "2024_田镇街道.txt" with a lower-case suffix.

    Raises:
        ReportReadError: the suffix is not a supported report type.
    """
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1]
    base = "".join(char for char in base if unicodedata.category(char)[0] != "C")
    stem, suffix = os.path.splitext(base.strip())
    suffix = suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReportReadError(
            name, f"unsupported file type '{suffix}'; upload one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    stem = _UNSAFE.sub("_", stem).strip("._ ")[:_MAX_STEM_CHARS] or "report"
    return stem + suffix


def check_upload(upload: str | os.PathLike, name: str, *, max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """Check that an uploaded file is a readable report of an allowed size and type.

    Args:
        upload: where the upload is stored temporarily.
        name: the file name as uploaded, used in messages and for the stored name.
        max_bytes: the largest file accepted.

    Returns:
        The safe file name to store it under.

    Raises:
        ReportReadError: naming the uploaded file: wrong type, too large, or unreadable.
    """
    safe_name = safe_file_name(name)
    size = os.path.getsize(upload)
    if size > max_bytes:
        raise ReportReadError(
            name, f"file is {size / 2**20:.1f} MB, larger than the {max_bytes / 2**20:.0f} MB allowed; "
            "split the report or remove images from it"
        )
    try:
        read_text(upload)
    except ReportReadError as error:
        # The temporary path means nothing to the person who uploaded the file.
        raise ReportReadError(name, error.reason.replace(str(upload), name)) from error
    return safe_name


def store_uploads(
    uploads: Sequence[tuple[str | os.PathLike, str]], corpus: str | os.PathLike, *, max_bytes: int = MAX_UPLOAD_BYTES
) -> list[StoredReport]:
    """Check every uploaded report, then copy them all into the corpus folder.

    A name already used by a different file gets "-2", "-3", ... so no report is overwritten.
    Callers run one store at a time (the app's upload event has a concurrency limit of one).

    Args:
        uploads: (temporary path, file name as uploaded) pairs.
        corpus: the corpus folder.
        max_bytes: the largest file accepted.

    Returns:
        One StoredReport per upload, in order.

    Raises:
        ReportReadError: an upload is of the wrong type, too large, or unreadable; nothing was copied.
    """
    checked = [(Path(upload), name, check_upload(upload, name, max_bytes=max_bytes)) for upload, name in uploads]
    corpus = Path(corpus)
    stored = []
    for upload, name, safe_name in checked:
        target, exists = _free_target(corpus, safe_name, upload.read_bytes())
        if not exists:
            # A hidden temporary name, then an atomic rename: an index update never sees half a file.
            partial = corpus / f".{target.name}.part"
            shutil.copyfile(upload, partial)
            os.replace(partial, target)
        stored.append(StoredReport(upload_name=name, path=target, new=not exists))
    return stored


def _free_target(corpus: Path, safe_name: str, data: bytes) -> tuple[Path, bool]:
    """Return the path to store data under, and whether an identical file is already there."""
    stem, suffix = os.path.splitext(safe_name)
    candidate, number = corpus / safe_name, 1
    while candidate.exists():
        if candidate.is_file() and candidate.read_bytes() == data:
            return candidate, True
        number += 1
        candidate = corpus / f"{stem}-{number}{suffix}"
    return candidate, False
