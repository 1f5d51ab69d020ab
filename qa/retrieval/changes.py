"""Which report files of a corpus folder changed since an index was written: by stat first, then by hash.

Hashing every file of a 100,000-report corpus reads gigabytes; a file whose size, mtime and
ctime are those recorded when it was read cannot have changed (ctime cannot be set back by
a program), so only the others are hashed. As in git, a stat taken less than two seconds
after the file's last change is not recorded: another write within the same tick would
not show in it.
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from qa.ingest.corpus_folder import scan_folder
from qa.model import ReadFailure

_RACY_NS = 2_000_000_000


def file_stat(path: Path) -> list[int]:
    status = os.stat(path)
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns]


def stat_corpus(folder: str | os.PathLike) -> dict[str, list[int]]:
    """Return [size, mtime_ns, ctime_ns] of every report file, by source, leaving out files changed just now.

    Take it before reading the files: a file changed afterwards then differs from its record.
    """
    root = Path(folder)
    now = time.time_ns()
    stats = {}
    for path in scan_folder(root).files:
        try:
            stat = file_stat(path)
        except OSError:
            continue
        if now - stat[2] > _RACY_NS and now - stat[1] > _RACY_NS:
            stats[path.relative_to(root).as_posix()] = stat
    return stats


@dataclass(frozen=True)
class CorpusChanges:
    """Sources added, changed (bytes differ) and removed, against what an index holds."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    skipped: tuple[ReadFailure, ...]
    stats: dict[str, list[int]]

    @property
    def count(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)


def find_changes(folder: str | os.PathLike, indexed: Mapping[str, str], recorded: Mapping[str, Sequence[int]]) -> CorpusChanges:
    """Compare a corpus folder with an index's reports.

    Args:
        folder: the corpus folder.
        indexed: sha256 of every indexed report's file bytes, by source.
        recorded: the stats recorded when those files were read.

    Returns:
        The changes, and fresh stats (taken before any hashing) for the files found unchanged or to be read.
    """
    root = Path(folder)
    scan = scan_folder(root)
    now = time.time_ns()
    added, changed, stats = [], [], {}
    for path in scan.files:
        source = path.relative_to(root).as_posix()
        try:
            stat = file_stat(path)
        except OSError:
            continue  # gone since the scan: read_report will say why if it is asked for
        settled = now - stat[2] > _RACY_NS and now - stat[1] > _RACY_NS
        if settled:
            stats[source] = stat
        if source not in indexed:
            added.append(source)
        elif list(recorded.get(source) or ()) != stat or not settled:
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                digest = ""
            if digest != indexed[source]:
                changed.append(source)
    present = {path.relative_to(root).as_posix() for path in scan.files}
    removed = [source for source in indexed if source not in present]
    return CorpusChanges(tuple(added), tuple(changed), tuple(removed), scan.skipped, stats)
