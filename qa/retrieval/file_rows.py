"""Rows of a memory-mapped .npy array read with positioned reads (preadv) instead of through the mapping.

Pages read through a mapping count in the process's resident memory for as long as the
mapping lives, and the kernel maps whole cached folios around each row touched: at 100,000
reports the 200 rows one unscoped question rescored made 22-388 MB of vectors.npy resident
(more when the file came into the page cache by read() or by being written, as after a
build), and RSS grew with every question to gigabytes. Rows read with preadv are copies,
freed after the question; the file's pages stay in the page cache, shared and reclaimable.
An array that is not a mapping of a whole .npy file is indexed as usual.
"""
from __future__ import annotations

import os

import numpy as np

from qa.errors import IndexLoadError


class FileRows:
    """Read rows (or, for a 1-D array, ranges) of an array from its file, not through its mapping."""

    def __init__(self, array: np.ndarray) -> None:
        """Open the array's file now, so a later unlink (a replaced segment) cannot take it away."""
        self.array = array
        self.shape = array.shape
        self._file = None
        self._row_bytes = int(np.prod(array.shape[1:], dtype=np.int64)) * array.dtype.itemsize
        if (isinstance(array, np.memmap) and isinstance(getattr(array, "filename", None), (str, os.PathLike))
                and isinstance(getattr(array, "offset", None), int) and array.flags.c_contiguous
                and array.dtype.isnative):
            self._file = open(array.filename, "rb", buffering=0)
            self._offset = array.offset

    def __len__(self) -> int:
        return self.shape[0]

    def take(self, ids: np.ndarray) -> np.ndarray:
        """Return the rows of these ids, in their order, as a new array; runs of consecutive ids are one read each.

        Raises:
            IndexError: an id outside [0, len(self)).
        """
        ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if len(ids) and (ids.min() < 0 or ids.max() >= len(self)):
            raise IndexError(f"row ids {ids.min()}..{ids.max()} are outside [0, {len(self)}).")
        if self._file is None:
            return np.array(self.array[ids])
        out = np.empty((len(ids), *self.shape[1:]), dtype=self.array.dtype)
        if not len(ids):
            return out
        breaks = np.flatnonzero(np.diff(ids) != 1) + 1
        starts, ends = [0, *breaks.tolist()], [*breaks.tolist(), len(ids)]
        buffer = memoryview(out.reshape(-1)).cast("B")
        firsts = ids[starts].tolist()
        for start, end, first in zip(starts, ends, firsts):
            self._read(buffer[start * self._row_bytes : end * self._row_bytes], first)
        return out

    def range(self, start: int, end: int) -> np.ndarray:
        """Return rows start..end-1 as a new array (one read)."""
        if not 0 <= start <= end <= len(self):
            raise IndexError(f"rows {start}..{end} are outside [0, {len(self)}].")
        if self._file is None:
            return np.array(self.array[start:end])
        out = np.empty((end - start, *self.shape[1:]), dtype=self.array.dtype)
        if end > start:
            self._read(memoryview(out.reshape(-1)).cast("B"), start)
        return out

    def _read(self, buffer: memoryview, first: int) -> None:
        position = self._offset + first * self._row_bytes
        while len(buffer):
            got = os.preadv(self._file.fileno(), [buffer], position)
            if got <= 0:
                raise IndexLoadError(f"{self._file.name} ends before row {first} (truncated since load); rebuild the index.")
            buffer, position = buffer[got:], position + got
