"""Serve the lexical and dense rankings from a Milvus collection (milvus-lite file or a cluster).

One row a passage: its position as primary key, report source and year as scalar fields
(a question's scope becomes a filter the server applies), its text, its unit vector in an
exact FLAT index and its BM25 sparse vector (qa.retrieval.bm25_vectors) in a sparse
inverted index, both by inner product. BM25 statistics stay on the client and fusion stays
in qa.retrieval.fusion, so the rankings are the local backend's. The same code reaches
milvus-lite (a URI ending in .db) and a Milvus Standalone or Distributed server (http://host:19530,
with a token "user:password" or an API key).
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa.errors import IndexLoadError, QAError
from qa.model import Passage, ReportInfo
from qa.retrieval.bm25_vectors import BM25_VECTORS, Bm25Statistics
from qa.retrieval.building import lexical_input

KIND = "milvus"
INSTALL_HINT = "install the extra with `pip install -e '.[milvus]'` (pymilvus and milvus-lite)"
INSERT_BATCH = 1000
MAX_TEXT = 8192
# Extra results asked for so that passages tied with the last one can be ordered by id, as locally.
TIE_MARGIN = 10
NO_YEAR = -1


@dataclass(frozen=True)
class MilvusTarget:
    """Where a Milvus-backed index lives.

    Attributes:
        uri: a milvus-lite file ("index/milvus.db") or a server ("http://milvus:19530").
        collection: prefix of the collection names; each index generation gets its own collection.
        token: "user:password" or an API key for a server; never written into the manifest.
    """

    uri: str
    collection: str = "report_qa"
    token: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        if not self.uri:
            raise QAError("the Milvus URI is empty; give a file ending in .db (milvus-lite) or http://host:19530.")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,200}", self.collection):
            raise QAError(
                f"collection name {self.collection!r} is not allowed; use letters, digits and _ ,"
                " starting with a letter (for example report_qa)."
            )

    def to_manifest(self) -> dict:
        return {"kind": KIND, "uri": self.uri, "collection": self.collection}


def collection_name(target: MilvusTarget, generation: str) -> str:
    """Return the collection of one index generation, e.g. report_qa_gen_20261130T131500_42_000123."""
    return f"{target.collection}_{re.sub(r'[^A-Za-z0-9]', '_', generation)}"


class MilvusRankings:
    """Rank passages of one collection by BM25 and by vector, optionally within some reports."""

    def __init__(self, client, collection: str, statistics: Bm25Statistics) -> None:
        self._client = client
        self._collection = collection
        self.statistics = statistics

    @classmethod
    def connect(cls, backend: dict, statistics: Bm25Statistics, *, token: str = "") -> MilvusRankings:
        """Open the collection a manifest names.

        Raises:
            IndexLoadError: pymilvus is missing, the server cannot be reached, or the collection is gone.
        """
        client = _client(MilvusTarget(backend["uri"], backend["collection"], token), IndexLoadError)
        name = backend["collection_name"]
        if not client.has_collection(name):
            raise IndexLoadError(
                f"Milvus at {backend['uri']} has no collection {name!r}; rebuild with "
                f"`python -m qa build --backend milvus --uri {backend['uri']}`."
            )
        client.load_collection(name)
        return cls(client, name, statistics)

    def rankings(
        self, tokens: Sequence[str], vector: np.ndarray, n: int, sources: Sequence[str] | None
    ) -> tuple[list[int], list[int]]:
        """Return (lexical, dense) passage ids, best first, at most n each, ties by lower id.

        Args:
            tokens: the question's tokens.
            vector: the question's unit vector.
            n: how many candidates each ranking hands to fusion.
            sources: only passages of these reports (pushed to the server as a filter); None for all.
        """
        options = {}
        if sources is not None:
            # A JSON list of strings is a valid Milvus list literal, quotes and backslashes escaped.
            # (Filter templates, filter_params, are not understood by milvus-lite 3.2.2.)
            options = {"filter": f"source in {json.dumps(list(sources), ensure_ascii=False)}"}
        lexical: list[int] = []
        question = self.statistics.question_vector(tokens)
        if question:
            lexical = self._search("lexical", question, n, options)
        dense = self._search("dense", np.asarray(vector, dtype=np.float32).tolist(), n, options)
        return lexical, dense

    def _search(self, field_name: str, query, n: int, options: dict) -> list[int]:
        found = self._client.search(
            self._collection, data=[query], anns_field=field_name, limit=n + TIE_MARGIN,
            search_params={"metric_type": "IP"}, output_fields=[], **options,
        )[0]
        scored = sorted((-float(hit["distance"]), int(hit["id"])) for hit in found)
        if field_name == "lexical":  # locally only passages sharing a token (score > 0) are ranked
            scored = [(score, i) for score, i in scored if score < 0]
        return [passage_id for _, passage_id in scored[:n]]

    def close(self) -> None:
        self._client.close()


def publish(
    target: MilvusTarget,
    generation: Path,
    pairs: Sequence[tuple[ReportInfo, Passage]],
    vectors: np.ndarray,
    token_lists: Sequence[Sequence[str]],
) -> tuple[dict, MilvusRankings]:
    """Write a generation's BM25 statistics and its collection; return the manifest entry and the rankings."""
    statistics = Bm25Statistics.from_tokens(token_lists)
    statistics.save(generation / BM25_VECTORS)
    rows = [(info.source, info.year, lexical_input(info, p)) for info, p in pairs]
    entry = write_collection(target, generation.name, rows, vectors, token_lists, statistics)
    return entry, MilvusRankings.connect(entry, statistics, token=target.token)


def open_rankings(backend: dict, generation: Path, *, token: str = "") -> tuple[MilvusRankings, MilvusTarget]:
    """Connect to the collection a manifest's backend entry names, with the generation's BM25 statistics."""
    statistics = Bm25Statistics.load(generation / BM25_VECTORS)
    rankings = MilvusRankings.connect(backend, statistics, token=token)
    return rankings, MilvusTarget(backend["uri"], backend["collection"], token)


def write_collection(
    target: MilvusTarget,
    generation: str,
    rows: Sequence[tuple[str, int | None, str]],
    vectors: np.ndarray,
    token_lists: Sequence[Sequence[str]],
    statistics: Bm25Statistics,
) -> dict:
    """Create this generation's collection and fill it; return the manifest's backend entry.

    Args:
        target: the server and collection prefix.
        generation: the index generation's folder name.
        rows: (source, year, text) of every passage, in passage order (the order gives the ids).
        vectors: unit vectors, one row per passage.
        token_lists: BM25 tokens, one list per passage.
        statistics: BM25 statistics over those token lists.

    Raises:
        QAError: pymilvus is missing or the server refuses the collection.
    """
    from pymilvus import DataType, MilvusClient, MilvusException

    client = _client(target, QAError)
    name = collection_name(target, generation)
    try:
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("source", DataType.VARCHAR, max_length=MAX_TEXT)
        schema.add_field("year", DataType.INT64)
        schema.add_field("text", DataType.VARCHAR, max_length=MAX_TEXT)
        schema.add_field("dense", DataType.FLOAT_VECTOR, dim=int(vectors.shape[1]))
        schema.add_field("lexical", DataType.SPARSE_FLOAT_VECTOR)
        indexes = client.prepare_index_params()
        indexes.add_index(field_name="dense", index_type="FLAT", metric_type="IP")
        indexes.add_index(field_name="lexical", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
        if client.has_collection(name):
            client.drop_collection(name)
        # Strong consistency: a search right after the build sees every row.
        client.create_collection(name, schema=schema, index_params=indexes, consistency_level="Strong")
        for start in range(0, len(rows), INSERT_BATCH):
            batch = [
                {
                    "id": i,
                    "source": rows[i][0],
                    "year": NO_YEAR if rows[i][1] is None else rows[i][1],
                    "text": rows[i][2][: MAX_TEXT // 4],  # VARCHAR counts bytes; 4 per character at most
                    "dense": vectors[i].tolist(),
                    "lexical": statistics.passage_vector(token_lists[i]),
                }
                for i in range(start, min(start + INSERT_BATCH, len(rows)))
            ]
            client.insert(name, batch)
        client.flush(name)
        client.load_collection(name)
    except MilvusException as error:
        raise QAError(f"Milvus at {target.uri} refused collection {name!r}: {error}") from error
    finally:
        client.close()
    return dict(target.to_manifest(), collection_name=name)


def drop_other_generations(target: MilvusTarget, keep: str) -> None:
    """Drop this index's collections of earlier generations, as the local backend deletes their folders."""
    client = _client(target, QAError)
    try:
        prefix = f"{target.collection}_gen_"
        for name in client.list_collections():
            if name.startswith(prefix) and name != keep:
                client.drop_collection(name)
    finally:
        client.close()


def _client(target: MilvusTarget, error_type: type[Exception]):
    try:
        from pymilvus import MilvusClient, MilvusException
    except ImportError as error:
        raise error_type(f"the Milvus backend needs pymilvus ({error}); {INSTALL_HINT}.") from error
    try:
        return MilvusClient(uri=target.uri, token=target.token)
    except MilvusException as error:
        raise error_type(f"cannot connect to Milvus at {target.uri}: {error}. Check the URI and token.") from error
