"""A compact, read-only map from cleaned text positions to positions in the text as read."""
from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import overload


class OffsetMap(Sequence[int]):
    """Map cleaned positions to positions in the text as read, stored as runs of consecutive offsets.

    Behaves like a read-only tuple of ints; a 50 MB report costs a few arrays, not 50 million ints.
    """

    __slots__ = ("_clean", "_raw", "_length")

    def __init__(self, clean_starts: array, raw_starts: array, length: int) -> None:
        self._clean = clean_starts
        self._raw = raw_starts
        self._length = length

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[int, ...]: ...

    def __getitem__(self, index: int | slice) -> int | tuple[int, ...]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._length)
            if step == 1:
                return tuple(islice(self, start, max(start, stop)))
            return tuple(self[i] for i in range(start, stop, step))
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(f"offset {index} is outside the map of length {self._length}")
        run = bisect_right(self._clean, index) - 1
        return self._raw[run] + index - self._clean[run]

    def __iter__(self) -> Iterator[int]:
        ends = list(self._clean[1:]) + [self._length]
        for start, raw, end in zip(self._clean, self._raw, ends):
            yield from range(raw, raw + end - start)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OffsetMap):
            return tuple(self) == tuple(other)
        if isinstance(other, tuple):
            return tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._length, tuple(self._clean), tuple(self._raw)))

    def __repr__(self) -> str:
        return f"OffsetMap(length={self._length}, runs={len(self._clean)})"

    def to_clean(self, raw: int) -> int:
        """Return the first cleaned position whose source is at or after the raw offset ``raw``."""
        run = bisect_right(self._raw, raw) - 1
        if run < 0:
            return 0
        end = self._clean[run + 1] if run + 1 < len(self._clean) else self._length
        return min(self._clean[run] + raw - self._raw[run], end)
