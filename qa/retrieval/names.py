"""The place-shaped words the reports write, as a table on disk, so scoping never scans report texts.

A question naming a place no report covers is out of scope, unless a report writes that
word (or an ending of it) somewhere: "向乡镇下放" has the shape of a place but "乡镇" is a
common word. Deciding that used to scan every report's text per question; with 100,000
reports that is seconds. The table holds every string such a check can look up
(scope.place_tails), built once with the index, in the standard library's SQLite.
"""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from qa.errors import IndexLoadError
from qa.retrieval.scope import normalise_question, place_tails

TABLE = "names.sqlite"


def write_names(path: Path, texts: Iterable[str]) -> int:
    """Write the table of place-shaped strings written in the texts (as read); return its size."""
    words: set[str] = set()
    for text in texts:
        words |= place_tails(normalise_question(text))
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE tails (word TEXT PRIMARY KEY) WITHOUT ROWID")
        db.executemany("INSERT INTO tails VALUES (?)", ((word,) for word in sorted(words)))
    db.close()
    return len(words)


class NamesTable:
    """Answer scope.Mentions from the table, and report texts from the index on demand."""

    def __init__(self, path: Path, text_of: Callable[[str], str]) -> None:
        self._text_of = text_of
        self._lock = threading.Lock()  # one connection, opened now, so it outlives a replaced generation
        try:
            self._db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
            self._db.execute("SELECT 1 FROM tails LIMIT 1").fetchall()
        except sqlite3.Error as error:
            raise IndexLoadError(f"{path} cannot be read as a names table ({error}); rebuild the index.") from error

    def written(self, word: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM tails WHERE word = ?", (word,)).fetchone() is not None

    def text(self, source: str) -> str | None:
        return normalise_question(self._text_of(source))
