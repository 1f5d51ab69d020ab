"""Adding reports to a large index without rewriting it: a segment beside the generation.

Rewriting a generation for one new report costs minutes at 100,000 reports (BM25 and the
vector store rebuilt, every file hashed). An update that touches few reports instead writes
a segment inside the generation: the added or changed reports with their passages, vectors,
BM25 tokens, plan flags and names table, plus the sources whose generation copy no longer
counts. Each update writes the whole (small) segment anew and swaps CURRENT to it, so a
crash leaves the previous state in use. A full build, or an update that would make the
segment larger than MAX_SHARE of the generation, writes a new generation with every report
in it (the segment folded in). qa.retrieval.segment_view searches both together.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
import numpy as np

from embeddings.encoder import Encoder

from qa.errors import ReportReadError
from qa.ingest.reports import admitted, read_report
from qa.model import ReadFailure, Report
from qa.retrieval import building, names, records, storage
from qa.retrieval.changes import CorpusChanges
from qa.retrieval.scope import known_names
from qa.retrieval.segment_view import CorpusView
from qa.retrieval.tokenize import Tokenizer

FORMAT_VERSION = 1
# A segment with more passages than this share of its generation's is folded in by a full write:
# the generation's BM25 statistics stay close to the whole collection's, and searches stay fast.
MAX_SHARE = 0.05


@dataclass(frozen=True)
class Appended:
    """A segment written and made current: its manifest (with "path") and what could not be read."""

    manifest: dict
    failures: tuple[ReadFailure, ...]
    tokenizer: Tokenizer


def append(folder: Path, view: CorpusView, corpus: Path, found: CorpusChanges, encoder: Encoder,
           current: Tokenizer, max_chars: int, progress: building.Progress) -> Appended | None:
    """Write the segment that brings the index up to date with `found`, or return None when a full write is due.

    Call it holding storage.writer_lock. None when CURRENT no longer names the view's generation
    and segment (another process wrote since), or when the segment would grow past MAX_SHARE.
    """
    fields = storage.read_pointer(folder)
    now_segment = fields[2] if len(fields) > 2 else None
    if fields[:1] != [view.generation.name] or now_segment != (view.segment.name if view.segment else None):
        return None
    gone = set(found.removed) | set(found.changed)
    failures: list[ReadFailure] = list(found.skipped)
    known = {info.sha256: info.source for info in view.infos if info.source not in gone}
    fresh: list[Report] = []
    for source in (*found.changed, *found.added):
        progress(0.02, f"reading {source}")
        try:
            report = read_report(corpus / source, source, max_chars=max_chars)
        except ReportReadError as error:
            if source in found.changed and (corpus / source).exists():
                gone.discard(source)  # a report indexed before is not lost because its file went bad
                failures.append(ReadFailure(source, f"{error.reason} (the version indexed before is kept)"))
            else:
                failures.append(ReadFailure(source, error.reason))
            continue
        if admitted(report, source, known, failures):
            fresh.append(report)
    kept = [view.reports[source] for source in _delta_sources(view) if source not in gone]
    reports = kept + fresh
    passages = sum(len(report.passages) for report in reports)
    if passages > MAX_SHARE * view.base_count:
        return None
    removed = sorted((view.removed | gone | {r.info.source for r in fresh}) & _base_sources(view, gone | view.removed))
    pairs = [(report.info, p) for report in reports for p in report.passages]
    previous = _previous(view, encoder.name)
    vectors = building.embed_passages(pairs, encoder, previous[0], progress)
    base_words = [word for word in current.user_words if word not in set(view.segment_words)]
    words = sorted({name for report in reports for name in known_names(report.info)} - set(base_words))
    if set(view.segment_words) <= set(words):  # the usual case: the dictionary in use, with the new names after
        in_use = set(current.user_words)
        tokenizer = current.extended(word for word in Tokenizer(words).user_words if word not in in_use)
    else:
        tokenizer = Tokenizer([*base_words, *words], current.frequencies_of(base_words))
    tokens = building.tokenize_passages(pairs, tokenizer, previous[1], set(words) ^ set(view.segment_words))
    segment = storage.new_generation(view.generation, prefix=storage.SEGMENT_PREFIX)
    stats = {**{s: v for s, v in view.segment_stats().items() if s not in gone},
             **{r.info.source: found.stats[r.info.source] for r in fresh if r.info.source in found.stats}}
    records.write_corpus(segment, reports, stats)
    plan = np.array([bool(building.PLAN_WORDS.search(" ".join(p.section))) for _, p in pairs], dtype=bool)
    np.save(segment / building.PLAN, plan, allow_pickle=False)
    names.write_names(segment / names.TABLE, (report.text for report in reports))
    storage.save_vectors(segment / building.VECTORS, vectors.reshape(len(pairs), encoder.dimension))
    records.write_tokens(segment / records.TOKENS, tokens)
    ordered = Tokenizer(words).user_words
    frequencies = tokenizer.frequencies_of(ordered)  # known without loading jieba's dictionary (a removal needs none)
    if len(frequencies) < len(ordered):
        frequencies = tokenizer.frequencies()
    manifest = {"format": FORMAT_VERSION, "model": encoder.name, "reports": len(reports), "passages": len(pairs),
                "removed": removed, "user_words": words, "frequencies": [frequencies[word] for word in ordered]}
    manifest = storage.commit_segment(folder, view.generation, segment, manifest)
    progress(1.0, f"added {len(fresh)} reports as a segment ({len(reports)} reports, {len(pairs)} passages in it)")
    return Appended(dict(manifest, path=str(segment)), tuple(failures), tokenizer)


def _delta_sources(view: CorpusView) -> list[str]:
    """Return the sources of the reports in the view's segment."""
    if view.segment is None:
        return []
    return [info.source for info in view.infos[len(view.infos) - view.segment_reports:]] if view.segment_reports else []


def _base_sources(view: CorpusView, candidates: set[str]) -> set[str]:
    """Return which of the candidate sources have a copy in the generation."""
    return {source for source in candidates if view.in_generation(source)}


def _previous(view: CorpusView, model: str) -> tuple[dict, dict]:
    """Return the segment's vectors and tokens by their input text, for reuse."""
    if view.segment is None:
        return {}, {}
    vectors, tokens = {}, {}
    rows = view.vectors[np.arange(view.base_count, len(view.passages))]
    token_lists = records.read_tokens(view.segment / records.TOKENS)
    for i, passage in enumerate(view.passages[view.base_count:]):
        info = view.reports[passage.source].info if passage.source in view.reports else None
        if info is None:
            continue
        vectors[building.vector_key(building.embedding_input(info, passage), model)] = rows[i]
        tokens[building.lexical_input(info, passage)] = token_lists[i]
    return vectors, tokens
