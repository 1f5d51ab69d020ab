"""Nearest-neighbour search over unit vectors with FAISS, saved as a folder.

Vectors are L2-normalised, so an inner-product index ranks by cosine similarity. A
store is a folder holding ``vectors.faiss`` (faiss.write_index) and ``store.json``
({kind, dimension, count, params, faiss_version}); loading checks one against the other.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar, Protocol

import faiss
import numpy as np

INDEX_FILE = "vectors.faiss"
MANIFEST_FILE = "store.json"
NORM_TOLERANCE = 1e-3
MISSING_ID = -1
CHECK_ROWS = 65536  # rows checked at a time (_check_vectors)


class StoreError(Exception):
    """A store folder is missing, damaged, or disagrees with its manifest."""


class VectorStore(Protocol):
    """A searchable collection of unit vectors whose ids are their insertion positions."""

    kind: ClassVar[str]

    @property
    def dimension(self) -> int: ...

    def __len__(self) -> int: ...

    def add(self, vectors: np.ndarray) -> None:
        """Append unit vectors; their ids continue from len(self)."""
        ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return (scores, ids), each (len(queries), k), best first; ids -1 past the last vector."""
        ...

    def save(self, folder: Path) -> None:
        """Write the store into folder so load_store can read it back."""
        ...


class _FaissStore:
    """Shared code of the FAISS stores; subclasses only say how the index is made."""

    kind: ClassVar[str] = ""

    def __init__(self, index: faiss.Index, params: dict[str, Any]) -> None:
        self._index = index
        self._params = dict(params)

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    @property
    def params(self) -> dict[str, Any]:
        """Return the construction parameters, as written to store.json."""
        return dict(self._params)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, vectors: np.ndarray) -> None:
        """Append unit vectors; their ids continue from len(self).

        Args:
            vectors: float array of shape (n, dimension) with unit-length rows.

        Raises:
            ValueError: wrong shape, non-finite values, or rows not of unit length.
        """
        vectors = _check_vectors(vectors, self.dimension, "vectors", unit=True)
        if len(vectors):
            self._index.add(vectors)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Find the k vectors most similar to each query.

        Args:
            queries: float array of shape (m, dimension), unit-length rows.
            k: results per query; more than len(self) pads with id -1 and score -inf.

        Returns:
            (scores, ids): float32 and int64 arrays of shape (m, k), best first.

        Raises:
            ValueError: k below 1, or queries of the wrong shape.
        """
        _check_k(k)
        queries = _check_vectors(queries, self.dimension, "queries", unit=False)
        if len(self) == 0 or len(queries) == 0:
            return _padding(len(queries), k)
        scores, ids = self._index.search(queries, min(k, len(self)))
        scores = scores.astype(np.float32)
        ids = ids.astype(np.int64)
        scores[ids == MISSING_ID] = -np.inf
        if ids.shape[1] < k:
            pad_scores, pad_ids = _padding(len(queries), k - ids.shape[1])
            scores = np.hstack([scores, pad_scores])
            ids = np.hstack([ids, pad_ids])
        return scores, ids

    def save(self, folder: Path) -> None:
        """Write vectors.faiss and store.json into folder, creating it if needed.

        Args:
            folder: destination folder; existing store files there are replaced.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self._index, str(folder / INDEX_FILE))
        manifest = {
            "kind": self.kind,
            "dimension": self.dimension,
            "count": len(self),
            "params": self._params,
            "faiss_version": faiss.__version__,
        }
        (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "_FaissStore":
        """Read a store written by save(); see load_store."""
        store = load_store(folder)
        if not isinstance(store, cls):
            raise StoreError(f"{Path(folder) / MANIFEST_FILE}: holds a {store.kind!r} store, not {cls.kind!r}.")
        return store


class FlatStore(_FaissStore):
    """Exact search: every query is compared with every vector (fast enough up to ~1M vectors)."""

    kind: ClassVar[str] = "flat"

    def __init__(self, dimension: int, *, index: faiss.Index | None = None) -> None:
        _check_dimension(dimension)
        super().__init__(index if index is not None else faiss.IndexFlatIP(dimension), {})


class HNSWStore(_FaissStore):
    """Approximate search on a navigable small-world graph, for collections too big to scan.

    Args:
        dimension: vector length.
        M: graph neighbours per node; more is more accurate, larger and slower to build.
        ef_construction: candidates examined while building.
        ef_search: candidates examined per query; raise it for better recall.
    """

    kind: ClassVar[str] = "hnsw"

    def __init__(
        self,
        dimension: int,
        *,
        M: int = 32,
        ef_construction: int = 200,
        ef_search: int = 128,
        index: faiss.Index | None = None,
    ) -> None:
        _check_dimension(dimension)
        for label, value in (("M", M), ("ef_construction", ef_construction), ("ef_search", ef_search)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"HNSW parameter {label} of {value!r} is not a positive integer.")
        if index is None:
            index = faiss.IndexHNSWFlat(dimension, M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = ef_construction
        index.hnsw.efSearch = ef_search
        super().__init__(index, {"M": M, "ef_construction": ef_construction, "ef_search": ef_search})


class IVFStore(_FaissStore):
    """Approximate search in a compact form: vectors in 8 bits, in nlist clusters, nprobe clusters scanned.

    A quarter of the flat store's size and memory-mapped on load, so a collection of millions
    of vectors is served without reading it into memory. Recall depends on nprobe: measure
    it against FlatStore (benchmarks/scale.py) and rescore its candidates with exact vectors.

    Args:
        dimension: vector length.
        nlist: clusters; about 4 * sqrt(n) for n vectors.
        nprobe: clusters scanned per query; more is more accurate and slower.
    """

    kind: ClassVar[str] = "ivf-sq8"

    def __init__(self, dimension: int, *, nlist: int = 1024, nprobe: int = 64, index: faiss.Index | None = None) -> None:
        _check_dimension(dimension)
        for label, value in (("nlist", nlist), ("nprobe", nprobe)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"IVF parameter {label} of {value!r} is not a positive integer.")
        if index is None:
            quantizer = faiss.IndexFlatIP(dimension)
            index = faiss.IndexIVFScalarQuantizer(
                quantizer, dimension, nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
            )
        index.nprobe = nprobe
        super().__init__(index, {"nlist": nlist, "nprobe": nprobe})

    def search_among(self, queries: np.ndarray, k: int, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Find the k vectors most similar to each query among the given ids only, approximately.

        nprobe grows as the ids' share of the store shrinks (up to every cluster), so about as many
        of them are scanned as a search of the whole store scans vectors: a search among a tenth of
        the store probes ten times the clusters, skipping the vectors of other ids.

        Returns and Raises as search(); ids outside the store are ignored.
        """
        _check_k(k)
        queries = _check_vectors(queries, self.dimension, "queries", unit=False)
        ids = np.asarray(ids, dtype=np.int64)
        ids = ids[(ids >= 0) & (ids < len(self))]
        if len(ids) == 0 or len(queries) == 0:
            return _padding(len(queries), k)
        mask = np.zeros(len(self), dtype=bool)
        mask[ids] = True
        bitmap = np.packbits(mask, bitorder="little")  # bit i of the bitmap is id i, as faiss reads it
        nlist, nprobe = self._params["nlist"], int(self._index.nprobe)
        probes = min(nlist, int(np.ceil(nprobe * len(self) / int(mask.sum()))))
        params = faiss.SearchParametersIVF(sel=faiss.IDSelectorBitmap(len(self), faiss.swig_ptr(bitmap)), nprobe=probes)
        scores, found = self._index.search(queries, k, params=params)
        scores, found = scores.astype(np.float32), found.astype(np.int64)
        scores[found == MISSING_ID] = -np.inf
        return scores, found

    def add(self, vectors: np.ndarray) -> None:
        """Append unit vectors, training the clusters on the first batch (at least nlist vectors)."""
        vectors = _check_vectors(vectors, self.dimension, "vectors", unit=True)
        if not self._index.is_trained:
            if len(vectors) < self._params["nlist"]:
                raise ValueError(f"an IVF store of nlist={self._params['nlist']} needs at least that many vectors "
                                 f"to train on, got {len(vectors)}; use a flat store or a smaller nlist.")
            sample = vectors[np.random.default_rng(0).permutation(len(vectors))[: 64 * self._params["nlist"]]]
            self._index.train(sample)
        super().add(vectors)


def _kinds() -> dict[str, tuple[type[_FaissStore], type]]:
    """Return every store kind with its class and the FAISS index type its file must hold."""
    from embeddings.rabitq_store import IVFRaBitQStore  # its own module, built on IVFStore: imported here, not above

    return {
        FlatStore.kind: (FlatStore, faiss.IndexFlatIP), HNSWStore.kind: (HNSWStore, faiss.IndexHNSWFlat),
        IVFStore.kind: (IVFStore, faiss.IndexIVFScalarQuantizer), IVFRaBitQStore.kind: (IVFRaBitQStore, faiss.IndexIVFRaBitQ),
    }


def make_store(kind: str, dimension: int, **params: Any) -> VectorStore:
    """Create an empty store of the named kind.

    Args:
        kind: "flat" (exact), "hnsw", "ivf-sq8" or "ivf-rabitq" (approximate).
        dimension: vector length.
        **params: kind-specific options (hnsw: M, ef_construction, ef_search; ivf-sq8: nlist, nprobe;
            ivf-rabitq: nlist, nprobe, qb).

    Returns:
        An empty store.

    Raises:
        ValueError: unknown kind, bad dimension, or options the kind does not take.
    """
    kinds = _kinds()
    if kind not in kinds:
        raise ValueError(f"Vector store kind {kind!r} is unknown; use one of {sorted(kinds)}.")
    try:
        return kinds[kind][0](dimension, **params)
    except TypeError as error:
        raise ValueError(f"Vector store {kind!r} does not take options {sorted(params)}: {error}") from error


def load_store(folder: Path, *, mmap: bool = False) -> VectorStore:
    """Read a store folder written by save(), checking the index against store.json.

    Args:
        folder: the folder holding vectors.faiss and store.json.
        mmap: map an IVF store's codes from disk instead of reading them (other kinds are read).

    Returns:
        The store, ready to search.

    Raises:
        StoreError: a file is missing or unreadable, or the index disagrees with store.json.
    """
    folder = Path(folder)
    manifest_path, index_path = folder / MANIFEST_FILE, folder / INDEX_FILE
    for path in (manifest_path, index_path):
        if not path.is_file():
            raise StoreError(f"{path}: missing; the vector store is incomplete. Rebuild the index.")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        kind, dimension, count = manifest["kind"], int(manifest["dimension"]), int(manifest["count"])
        params = dict(manifest.get("params") or {})
    except (ValueError, KeyError, TypeError) as error:
        raise StoreError(f"{manifest_path}: not a valid store manifest ({error}). Rebuild the index.") from error
    kinds = _kinds()
    if kind not in kinds:
        raise StoreError(f"{manifest_path}: kind {kind!r} is unknown; known kinds are {sorted(kinds)}. Rebuild the index.")
    store_class, faiss_type = kinds[kind]
    try:
        flags = faiss.IO_FLAG_MMAP if mmap and issubclass(store_class, IVFStore) else 0
        index = faiss.read_index(str(index_path), flags)
    except RuntimeError as error:
        raise StoreError(f"{index_path}: FAISS cannot read it ({error}). Rebuild the index.") from error
    if not isinstance(index, faiss_type):
        raise StoreError(f"{index_path}: holds a {type(index).__name__}, but {manifest_path.name} says {kind!r}. Rebuild the index.")
    if index.d != dimension or index.ntotal != count:
        raise StoreError(
            f"{index_path}: holds {index.ntotal} vectors of dimension {index.d}, but {manifest_path.name} says "
            f"{count} of dimension {dimension}; the files come from different builds. Rebuild the index."
        )
    try:
        return store_class(dimension, index=index, **params)
    except (TypeError, ValueError) as error:
        raise StoreError(f"{manifest_path}: params {params} do not suit a {kind!r} store ({error}). Rebuild the index.") from error


def brute_force_top_k(queries: np.ndarray, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Rank vectors by inner product with each query, exactly, as a reference for the stores.

    Args:
        queries: array of shape (m, d).
        vectors: array of shape (n, d).
        k: results per query; beyond n, ids are -1 and scores -inf.

    Returns:
        (scores, ids): float32 and int64 arrays of shape (m, k), best first, ties by lower id.

    Raises:
        ValueError: k below 1, or arrays that are not 2-D with the same width.
    """
    _check_k(k)
    queries, vectors = np.asarray(queries, dtype=np.float32), np.asarray(vectors, dtype=np.float32)
    if queries.ndim != 2 or vectors.ndim != 2 or queries.shape[1] != vectors.shape[1]:
        raise ValueError(f"queries {queries.shape} and vectors {vectors.shape} must be 2-D with the same width.")
    scores, ids = _padding(len(queries), k)
    take = min(k, len(vectors))
    if take == 0:
        return scores, ids
    similarity = queries @ vectors.T
    order = np.argsort(-similarity, axis=1, kind="stable")[:, :take]
    ids[:, :take] = order
    scores[:, :take] = np.take_along_axis(similarity, order, axis=1)
    return scores, ids


def _padding(rows: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full((rows, k), -np.inf, dtype=np.float32), np.full((rows, k), MISSING_ID, dtype=np.int64)


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k of {k!r} is not a positive integer; ask for at least 1 result.")


def _check_dimension(dimension: int) -> None:
    if isinstance(dimension, bool) or not isinstance(dimension, (int, np.integer)) or dimension < 1:
        raise ValueError(f"dimension of {dimension!r} is not a positive integer.")


def _check_vectors(vectors: np.ndarray, dimension: int, label: str, *, unit: bool) -> np.ndarray:
    """Return vectors as contiguous float32 (n, dimension), or say what is wrong with them."""
    array = np.asarray(vectors)
    if array.ndim != 2 or array.shape[1] != dimension:
        raise ValueError(
            f"{label} have shape {array.shape}; expected (n, {dimension}). Use array[None, :] for a single vector."
        )
    array = np.ascontiguousarray(array, dtype=np.float32)
    # In blocks of rows: a check of 1.75 M vectors at once would hold temporaries as large as the vectors.
    for start in range(0, len(array), CHECK_ROWS):
        block = array[start : start + CHECK_ROWS]
        if not np.isfinite(block).all():
            raise ValueError(f"{label} hold NaN or infinite values; re-encode the texts.")
        if unit:
            norms = np.linalg.norm(block, axis=1)
            bad = np.flatnonzero(np.abs(norms - 1.0) > NORM_TOLERANCE)
            if len(bad):
                raise ValueError(
                    f"{label}[{start + bad[0]}] has length {norms[bad[0]]:.4f}, not 1; inner product equals cosine only "
                    f"for unit vectors. Normalise them: vectors / np.linalg.norm(vectors, axis=1, keepdims=True)."
                )
    return array
