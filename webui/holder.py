"""Share one read-only index between all chat sessions and swap in a rebuilt one atomically."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Protocol

from qa.model import Answer, Hit, ReadFailure, Report, ReportInfo
from qa.retrieval.scope import Scope

Progress = Callable[[float, str], None]


class SearchableIndex(Protocol):
    """What the web chat needs from qa.ReportIndex; tests pass a fake with the same methods."""

    failures: tuple[ReadFailure, ...]

    @property
    def reports(self) -> tuple[ReportInfo, ...]: ...

    def passage_count(self, source: str) -> int: ...

    def report(self, source: str) -> Report: ...

    def scope(self, question: str, *, sources: Any = None, year: int | None = None) -> Scope: ...

    def search(self, question: str, k: int = 5, *, sources: Any = None, year: int | None = None) -> list[Hit]: ...

    def answer(
        self, question: str, *, history: Any = (), sources: Any = None, year: int | None = None
    ) -> Answer: ...

    def update(self, corpus: str | Path, progress: Progress | None = None) -> "SearchableIndex": ...


class IndexHolder:
    """Hold the current index; readers take a reference, a rebuild replaces it whole.

    Sessions never see a half-built index: update() builds the new one beside the old and
    only then swaps the reference under a lock. Rebuilds run one at a time.
    """

    def __init__(self, index: SearchableIndex, corpus: str | Path) -> None:
        self._index = index
        self._swap_lock = threading.Lock()
        self._update_lock = threading.Lock()
        self.corpus = Path(corpus)

    @classmethod
    def open(cls, corpus: str | Path, index: str | Path, progress: Progress | None = None) -> "IndexHolder":
        """Load the index folder for a corpus, building or updating it when the corpus changed.

        Args:
            corpus: folder holding the reports.
            index: folder holding (or to hold) the index.
            progress: called with (fraction, message) while building.

        Returns:
            A holder over the opened index.

        Raises:
            QAError: the corpus cannot be read or the index cannot be built; the message says why.
        """
        from qa import ReportIndex  # deferred: the UI and its tests run on any SearchableIndex

        return cls(ReportIndex.open(corpus, index, progress=progress), corpus)

    @property
    def index(self) -> SearchableIndex:
        """Return the current index; keep the reference for the whole request so it stays consistent."""
        with self._swap_lock:
            return self._index

    def update(self, progress: Progress | None = None) -> SearchableIndex:
        """Re-index the corpus folder and swap the result in; on error the old index stays.

        Args:
            progress: called with (fraction, message) while re-embedding.

        Returns:
            The new index, now current.

        Raises:
            QAError: the update failed; the current index is unchanged.
        """
        with self._update_lock:
            updated = self.index.update(self.corpus, progress=progress)
            with self._swap_lock:
                self._index = updated
            return updated
