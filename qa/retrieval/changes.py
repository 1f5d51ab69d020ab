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
from qa.ingest.reading import SUPPORTED_SUFFIXES
from qa.model import ReadFailure

_RACY_NS = 2_000_000_000


def file_stat(path: Path) -> list[int]:
    status = os.stat(path)
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns]


def _plain_walk(root: Path) -> dict[str, list[int]] | None:
    """Return the stat of every report file by source when the folder holds only plain folders and files.

    None when it holds anything scan_folder would name a reason for (a link, a hidden folder
    or report, a Word lock file, a special file, an unreadable folder): the caller then scans
    it in full. Otherwise the sources are exactly scan_folder's, found without building a
    Path per file, which costs seconds at 100,000 reports.
    """
    stats: dict[str, list[int]] = {}
    pending = [("", str(root))]
    while pending:
        prefix, directory = pending.pop()
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    name = entry.name
                    candidate = _suffix(name) in SUPPORTED_SUFFIXES
                    if entry.is_symlink():
                        return None
                    if entry.is_dir(follow_symlinks=False):
                        if name.startswith("."):
                            return None
                        pending.append((f"{prefix}{name}/", entry.path))
                    elif not candidate:
                        continue
                    elif name.startswith((".", "~$")) or not entry.is_file(follow_symlinks=False):
                        return None
                    else:
                        status = entry.stat(follow_symlinks=False)
                        stats[prefix + name] = [status.st_size, status.st_mtime_ns, status.st_ctime_ns]
        except OSError:
            return None
    return stats


def _suffix(name: str) -> str:
    """Return os.path.splitext(name)[1].lower() without its per-call cost (100,000 names per update)."""
    stem = name.lstrip(".")
    dot = stem.rfind(".")
    return stem[dot:].lower() if dot > 0 else ""


def _corpus_stats(root: Path) -> tuple[dict[str, list[int]], tuple[ReadFailure, ...]]:
    """Return every report file's stat by source, and the entries scan_folder leaves out with a reason."""
    plain = _plain_walk(root)
    if plain is not None:
        return plain, ()
    scan = scan_folder(root)
    stats = {}
    for path in scan.files:
        try:
            stats[path.relative_to(root).as_posix()] = file_stat(path)
        except OSError:
            continue  # gone since the scan: read_report will say why if it is asked for
    return stats, scan.skipped


def _settled(stat: list[int], now: int) -> bool:
    return now - stat[2] > _RACY_NS and now - stat[1] > _RACY_NS


def stat_corpus(folder: str | os.PathLike) -> dict[str, list[int]]:
    """Return [size, mtime_ns, ctime_ns] of every report file, by source, leaving out files changed just now.

    Take it before reading the files: a file changed afterwards then differs from its record.
    """
    now = time.time_ns()
    return {source: stat for source, stat in _corpus_stats(Path(folder))[0].items() if _settled(stat, now)}


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
    now = time.time_ns()
    found, skipped = _corpus_stats(root)
    settled_before = now - _RACY_NS
    stats = {source: stat for source, stat in found.items() if stat[1] < settled_before and stat[2] < settled_before}
    added = sorted(source for source in found if source not in indexed)
    changed = []
    for source in sorted(source for source, stat in found.items()
                         if source in indexed and (recorded.get(source) != stat or source not in stats)):
        try:
            digest = hashlib.sha256((root / source).read_bytes()).hexdigest()
        except OSError:
            digest = ""
        if digest != indexed[source]:
            changed.append(source)
    removed = [source for source in indexed if source not in found]
    return CorpusChanges(tuple(added), tuple(changed), tuple(removed), skipped, stats)
