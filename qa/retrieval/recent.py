"""The last few rankings an index gave, so a question searched and then answered is ranked once.

Evaluations, benchmarks and API clients call search() and then answer() with the same
question; each would otherwise encode it and scan the vector store again (on an exact
store of 175,000 passages, the scan is most of the time of an unscoped question).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")

KEEP = 16


class RecentResults(Generic[Item]):
    """Remember the results of the last `keep` keys (least recently used dropped first); thread-safe.

    Only for results that depend on nothing but the key while the owner lives: an index's
    rankings do, because an update gives a new index.
    """

    def __init__(self, keep: int = KEEP) -> None:
        if keep < 1:
            raise ValueError(f"keep={keep!r} must be at least 1.")
        self._keep = keep
        self._items: OrderedDict[Hashable, tuple[Item, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Sequence[Item]]) -> list[Item]:
        """Return a new list of the results for key, computing them (outside the lock) when not remembered."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return list(found)
        results = tuple(compute())
        with self._lock:
            self._items[key] = results
            self._items.move_to_end(key)
            while len(self._items) > self._keep:
                self._items.popitem(last=False)
        return list(results)

    def __len__(self) -> int:
        return len(self._items)
