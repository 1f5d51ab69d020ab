"""One view over a generation and its segment: passage ids, vectors, BM25 scores, reports, names.

A segment (qa.retrieval.segments) holds reports added or replaced since the generation was
written. Passage ids run through the generation's passages first, then the segment's; the
generation's passages of a report that was removed or replaced are masked: they stay in
the id space (so the generation's BM25 and vector files serve unchanged) but never rank.
Without a segment every object here is the generation's own.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.model import Passage, Report, ReportInfo
from qa.retrieval import names, records, storage
from qa.retrieval.backend import LocalDense
from qa.retrieval.file_rows import FileRows
from qa.retrieval.lexical import LexicalIndex, QueryScores, allowed, check_k, ranked, top_scores
from qa.retrieval.scope import normalise_question

VECTORS, PLAN = "vectors.npy", "plan.npy"


class StackedVectors:
    """The generation's memory-mapped vectors followed by the segment's, indexed by passage id.

    Rows asked for by id are read from the files (qa.retrieval.file_rows), not through the mappings.
    """

    def __init__(self, base: np.ndarray, delta: np.ndarray) -> None:
        self._base, self._delta = base, delta
        self._base_rows, self._delta_rows = FileRows(base), FileRows(delta)
        self.shape = (len(base) + len(delta), base.shape[1])

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, ids) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        if ids.ndim == 0:
            i = int(ids)
            return self._base[i] if i < len(self._base) else self._delta[i - len(self._base)]
        return self.rows(ids)

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """Return the vectors of these passage ids, in their order."""
        ids = np.asarray(ids, dtype=np.int64)
        rows = np.empty((len(ids), self.shape[1]), dtype=np.float32)
        low = ids < len(self._base)
        rows[low] = self._base_rows.take(ids[low])
        rows[~low] = self._delta_rows.take(ids[~low] - len(self._base))
        return rows

    def __iter__(self) -> Iterator[np.ndarray]:
        return itertools.chain(iter(self._base), iter(self._delta))


class StackedPassages(Sequence[Passage]):
    """The generation's passages followed by the segment's."""

    def __init__(self, base: Sequence[Passage], delta: Sequence[Passage]) -> None:
        self._base, self._delta = base, delta

    def __len__(self) -> int:
        return len(self._base) + len(self._delta)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = records.passage_position(i, len(self))
        return self._base[i] if i < len(self._base) else self._delta[i - len(self._base)]

    def __iter__(self) -> Iterator[Passage]:
        return itertools.chain(iter(self._base), iter(self._delta))


class StackedReports(Mapping[str, Report]):
    """The generation's reports less the removed ones, then the segment's; the segment's version wins."""

    def __init__(self, base: Mapping[str, Report], delta: Mapping[str, Report], removed: frozenset[str]) -> None:
        self._base, self._delta, self._removed = base, delta, removed

    def __getitem__(self, source: str) -> Report:
        if source in self._delta:
            return self._delta[source]
        if source in self._removed:
            raise KeyError(source)
        return self._base[source]

    def __contains__(self, source: object) -> bool:
        return source in self._delta or (source not in self._removed and source in self._base)

    def __iter__(self) -> Iterator[str]:
        return itertools.chain((s for s in self._base if s not in self._removed and s not in self._delta), iter(self._delta))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class DeltaBM25:
    """BM25 of the segment's passages with the generation's statistics, as bm25s scores them ("lucene").

    A term's IDF counts the documents holding it in the generation and the segment together;
    the document length is weighed against the generation's mean. The generation's own
    scores stay as built: a segment is kept small (segments.MAX_SHARE), so the IDFs they
    used move by a small fraction.
    """

    def __init__(self, token_lists: Sequence[Sequence[str]], base: LexicalIndex) -> None:
        self._base = base
        self._lengths = np.array([len(tokens) for tokens in token_lists], dtype=np.float32)
        postings: dict[str, dict[int, int]] = {}
        for doc, tokens in enumerate(token_lists):
            for token in tokens:
                counts = postings.setdefault(token, {})
                counts[doc] = counts.get(doc, 0) + 1
        self._postings = {token: (np.fromiter(c.keys(), np.int64), np.fromiter(c.values(), np.float32))
                          for token, c in postings.items()}
        self._avgdl = base.avgdl or (float(self._lengths.mean()) if len(self._lengths) else 1.0)

    def __len__(self) -> int:
        return len(self._lengths)

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        k1, b = self._base.parameters
        documents = len(self._base) + len(self)
        scores = np.zeros(len(self), dtype=np.float32)
        for token in dict.fromkeys(query_tokens):
            if token not in self._postings:
                continue
            docs, tf = self._postings[token]
            df = self._base.document_frequency(token) + len(docs)
            idf = math.log(1 + (documents - df + 0.5) / (df + 0.5))
            scores[docs] += (idf * tf / (k1 * (1 - b + b * self._lengths[docs] / self._avgdl) + tf)).astype(np.float32)
        return scores


class SegmentedLexical:
    """BM25 over the generation (masked passages scored 0) and its segment, in one id space."""

    def __init__(self, base: LexicalIndex, delta: DeltaBM25, masked: np.ndarray) -> None:
        self._base, self._delta, self._masked = base, delta, masked

    def __len__(self) -> int:
        return len(self._base) + len(self._delta)

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        return self.query(query_tokens).full()

    def query(self, query_tokens: Sequence[str]) -> "SegmentedScores":
        return SegmentedScores(self._base.query(query_tokens), self._delta, query_tokens, self._masked)

    def top(self, scores, k: int, *, allowed_ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        if not isinstance(scores, SegmentedScores):
            return top_scores(scores, k, len(self), allowed_ids)
        if allowed_ids is None:
            return top_scores(scores.full(), k, len(self))
        check_k(k)
        candidates = allowed(allowed_ids, len(self))
        return ranked(scores.of(candidates), candidates, k)


class SegmentedScores:
    """One query's BM25 scores over the generation (masked passages 0) and the segment, all or a few (lexical.QueryScores)."""

    def __init__(self, base: QueryScores, delta: DeltaBM25, query_tokens: Sequence[str], masked: np.ndarray) -> None:
        self._base, self._masked = base, masked
        self._delta = delta.scores(query_tokens)  # the segment is small (segments.MAX_SHARE)

    def full(self) -> np.ndarray:
        base = self._base.full()
        scores = np.empty(len(base) + len(self._delta), dtype=np.float32)  # one copy of 1.75 M scores, not two
        scores[: len(base)] = base
        scores[self._masked] = 0.0
        scores[len(base) :] = self._delta
        return scores

    def of(self, documents: np.ndarray) -> np.ndarray:
        """Return the scores of these passage ids (sorted, unique), in their order."""
        count = len(self._base._index)
        split = int(np.searchsorted(documents, count))
        base = self._base.of(documents[:split])
        base[np.isin(documents[:split], self._masked)] = 0.0
        return np.concatenate([base, self._delta[documents[split:] - count]])


class SegmentedDense:
    """The generation's vector store for the whole collection, with masked passages left out and
    every segment passage scored exactly; a subset is scored exactly from the vectors."""

    def __init__(self, local: LocalDense, vectors: StackedVectors, masked: np.ndarray, delta_ids: np.ndarray) -> None:
        self._local, self._vectors = local, vectors
        self._masked, self._masked_set, self._delta_ids = masked, set(masked.tolist()), delta_ids

    def ranking(self, vector: np.ndarray, n: int, allowed: np.ndarray | None) -> list[int]:
        if allowed is not None:
            return self._local.ranking(vector, n, allowed)
        found = [i for i in self._local.ranking(vector, n + len(self._masked), None) if i not in self._masked_set]
        candidates = np.concatenate([np.sort(np.asarray(found, dtype=np.int64)), self._delta_ids])
        return self._local.ranking(vector, n, candidates)


class Mentions:
    """scope.Mentions from the names tables of the generation and its segment."""

    def __init__(self, tables: Sequence[names.NamesTable], text_of) -> None:
        self._tables, self._text_of = tables, text_of

    def written(self, word: str) -> bool:
        return any(table.written(word) for table in self._tables)

    def text(self, source: str) -> str | None:
        return normalise_question(self._text_of(source))


def concatenated_ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Return the ids start..end-1 of every range, in order, as one int64 array, without a Python loop over them
    (a year's 14,000 reports at 100,000 reports)."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return offsets + np.arange(total, dtype=np.int64)


@dataclass
class CorpusView:
    """What ReportIndex reads from a generation and its segment (None without one)."""

    generation: Path
    segment: Path | None
    infos: tuple[ReportInfo, ...]
    ranges: dict[str, tuple[int, int]]
    passages: Sequence[Passage]
    reports: Mapping[str, Report]
    plan: np.ndarray
    vectors: np.ndarray | StackedVectors
    masked: np.ndarray
    removed: frozenset[str]
    base_count: int
    base_reports: Mapping[str, Report]
    segment_reports: int = 0
    segment_words: tuple[str, ...] = ()
    base_part: tuple = ()
    base_stats: dict[str, list[int]] | None = None

    def in_generation(self, source: str) -> bool:
        """Tell whether the generation holds a copy of this report (masked or not)."""
        return source in self.base_reports

    def dense(self, local: LocalDense):
        if self.segment is None:
            return local
        return SegmentedDense(local, self.vectors, self.masked, np.arange(self.base_count, len(self.passages)))

    def lexical(self, base: LexicalIndex | None):
        if self.segment is None or base is None:
            return base
        return SegmentedLexical(base, DeltaBM25(records.read_tokens(self.segment / records.TOKENS), base), self.masked)

    def mentions(self, text_of) -> Mentions | names.NamesTable:
        tables = [names.NamesTable(folder / names.TABLE, text_of) for folder in self.folders]
        return tables[0] if len(tables) == 1 else Mentions(tables, text_of)

    @property
    def folders(self) -> list[Path]:
        return [self.generation] + ([self.segment] if self.segment else [])

    def read_tokens(self) -> list[list[str]]:
        """Return every passage's BM25 tokens, in id order."""
        return [tokens for folder in self.folders for tokens in records.read_tokens(folder / records.TOKENS)]

    def stats(self) -> dict[str, list[int]]:
        """Return the report files' stats recorded when they were read, by source (the segment's win)."""
        if self.base_stats is None:
            self.base_stats = records.stats_by_source(self.base_part[0], self.base_part[4])
        return {**self.base_stats, **self.segment_stats()}

    def segment_stats(self) -> dict[str, list[int]]:
        return records.read_stats(self.segment / records.INFOS) if self.segment else {}


def _open_part(folder: Path) -> tuple[list[ReportInfo], dict, records.StoredPassages, records.StoredReports, np.ndarray]:
    infos, counts, stats = records.read_metadata(folder / records.INFOS)
    passages = records.StoredPassages(records.LineFile(folder / records.PASSAGES, sum(counts)))
    ranges, start = {}, 0
    for info, count in zip(infos, counts):
        ranges[info.source] = (start, start + count)
        start += count
    reports = records.StoredReports([info.source for info in infos],
                                    records.LineFile(folder / records.REPORTS, len(infos)), passages, ranges)
    return infos, ranges, passages, reports, stats


def open_view(generation: Path, vectors: np.ndarray, segment: dict | None = None,
              previous: CorpusView | None = None) -> CorpusView:
    """Open a checked generation and the checked segment CURRENT names with it (storage.current_generation).

    `previous`, a view of the same generation (the index an update replaces), lends what it
    read from the generation: its files never change once sealed, so 100,000 reports'
    metadata need not be read again after writing a segment.
    """
    if previous is not None and previous.generation == generation:
        base_part = previous.base_part
    else:
        base_part = _open_part(generation)
    infos, ranges, passages, reports, _ = base_part
    plan = storage.load_vectors(generation / PLAN)
    if not segment:
        return CorpusView(generation, None, tuple(infos), ranges, passages, reports, plan, vectors,
                          np.empty(0, dtype=np.int64), frozenset(), len(passages), reports, base_part=base_part,
                          base_stats=previous.base_stats if previous is not None and previous.generation == generation else None)
    folder = Path(segment["path"])
    removed = frozenset(segment.get("removed", ()))
    more_infos, more_ranges, more_passages, more_reports, _ = _open_part(folder)
    delta_vectors = storage.load_vectors(folder / VECTORS)
    if len(delta_vectors) != len(more_passages) or delta_vectors.shape[1:] != vectors.shape[1:]:
        raise storage.IndexLoadError(f"{folder / VECTORS} does not fit the segment's {len(more_passages)} passages; rebuild the index.")
    replaced = removed | {info.source for info in more_infos}
    masked = [np.arange(*ranges[source]) for source in replaced if source in ranges]
    kept = [info for info in infos if info.source not in replaced]
    base_count = len(passages)
    all_ranges = {info.source: ranges[info.source] for info in kept}
    all_ranges.update({source: (start + base_count, end + base_count) for source, (start, end) in more_ranges.items()})
    return CorpusView(
        generation, folder, tuple(kept + more_infos), all_ranges, StackedPassages(passages, more_passages),
        StackedReports(reports, more_reports, frozenset(replaced)),
        np.concatenate([plan, storage.load_vectors(folder / PLAN)]), StackedVectors(vectors, delta_vectors),
        np.sort(np.concatenate(masked)) if masked else np.empty(0, dtype=np.int64), frozenset(replaced), base_count,
        reports, len(more_infos), tuple(segment.get("user_words", ())), base_part,
        previous.base_stats if previous is not None and previous.generation == generation else None,
    )
