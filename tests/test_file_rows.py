"""Rows read from a .npy file with positioned reads equal the rows read through its mapping, and leave no mapping behind."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.retrieval.file_rows import FileRows


@pytest.fixture
def mapped(tmp_path: Path) -> np.ndarray:
    rows = np.random.default_rng(3).standard_normal((1000, 7)).astype(np.float32)
    np.save(tmp_path / "rows.npy", rows, allow_pickle=False)
    return np.load(tmp_path / "rows.npy", mmap_mode="r")


def test_rows_by_id_equal_the_mapped_rows_in_the_order_asked(mapped):
    rows = FileRows(mapped)
    assert rows._file is not None  # read from the file, not through the mapping
    for ids in ([0], [999], [5, 6, 7, 8], [9, 3, 4, 5, 100, 101, 0], list(range(1000)), [7, 7, 8], []):
        taken = rows.take(np.asarray(ids, dtype=np.int64))
        assert taken.shape == (len(ids), 7) and np.array_equal(taken, np.asarray(mapped)[ids])
    assert np.array_equal(rows.range(10, 20), mapped[10:20]) and rows.range(5, 5).shape == (0, 7)


def test_a_one_dimensional_file_reads_ranges(tmp_path: Path):
    np.save(tmp_path / "ids.npy", np.arange(50, dtype=np.int32) * 3, allow_pickle=False)
    rows = FileRows(np.load(tmp_path / "ids.npy", mmap_mode="r"))
    assert rows.range(4, 9).tolist() == [12, 15, 18, 21, 24] and rows.take(np.array([49, 0])).tolist() == [147, 0]


def test_an_array_in_memory_is_indexed_as_usual():
    array = np.arange(12, dtype=np.float32).reshape(6, 2)
    rows = FileRows(array)
    assert rows._file is None
    assert rows.take(np.array([5, 1])).tolist() == [[10, 11], [2, 3]] and rows.range(1, 3).tolist() == [[2, 3], [4, 5]]


def test_ids_out_of_range_are_refused(mapped):
    rows = FileRows(mapped)
    with pytest.raises(IndexError, match=r"outside \[0, 1000\)"):
        rows.take(np.array([3, 1000]))
    with pytest.raises(IndexError):
        rows.take(np.array([-1]))
    with pytest.raises(IndexError):
        rows.range(990, 1001)


def test_rows_are_read_after_the_file_is_unlinked(mapped, tmp_path: Path):
    rows = FileRows(mapped)
    expected = np.array(mapped[[1, 2, 500]])
    (tmp_path / "rows.npy").unlink()  # a replaced segment's files are removed while an index still serves
    assert np.array_equal(rows.take(np.array([1, 2, 500])), expected)
