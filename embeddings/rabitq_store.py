"""An IVF store whose codes are RaBitQ's: one bit per dimension of each vector's offset from its cluster centre.

Why this and not 8-bit codes with few clusters scanned (IVFStore): on m3e-small's vectors the
clusters a question's true neighbours sit in are often not among the few scanned, and 8-bit
codes are too large to scan many of them (0.9 GB at 1.75 M vectors). RaBitQ codes are 72 bytes
a vector (126 MB at 1.75 M), small enough to scan half the clusters or all of them in tens of
milliseconds; the similarity they give is an estimate, so the caller ranks a few thousand
candidates again with the exact vectors (qa.retrieval.backend.LocalDense). Codes relative to a
cluster's centre estimate better than codes relative to the collection's centre (the flat
IndexRaBitQ) on real vectors, and far worse on nearly random ones: README "Performance".
"""
from __future__ import annotations

from typing import ClassVar

import faiss

from embeddings.store import IVFStore, _check_dimension


class IVFRaBitQStore(IVFStore):
    """Approximate search over 1-bit RaBitQ codes in nlist clusters, every cluster scanned unless nprobe says fewer.

    Memory-mapped on load like IVFStore, and searched among some ids the same way (search_among).

    Args:
        dimension: vector length.
        nlist: clusters; about 4 * sqrt(n) for n vectors.
        nprobe: clusters scanned per query; None (the default) scans all nlist of them.
        qb: bits the question is quantised to when compared with the codes (1-8); 4 was measured.
    """

    kind: ClassVar[str] = "ivf-rabitq"

    def __init__(self, dimension: int, *, nlist: int = 1024, nprobe: int | None = None, qb: int = 4,
                 index: faiss.Index | None = None) -> None:
        _check_dimension(dimension)
        if not isinstance(qb, int) or not 1 <= qb <= 8:
            raise ValueError(f"RaBitQ parameter qb of {qb!r} is not an integer from 1 to 8.")
        if index is None:
            if not isinstance(nlist, int) or nlist < 1:
                raise ValueError(f"IVF parameter nlist of {nlist!r} is not a positive integer.")
            index = faiss.IndexIVFRaBitQ(faiss.IndexFlatIP(dimension), dimension, nlist, faiss.METRIC_INNER_PRODUCT)
        index.qb = qb
        super().__init__(dimension, nlist=nlist, nprobe=nlist if nprobe is None else nprobe, index=index)
        self._params = {"nlist": nlist, "nprobe": nprobe, "qb": qb}
