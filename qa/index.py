"""ReportIndex: build, load, update and query an index of reports.

This is the one object users hold. It joins the parts: reports read and split into
passages, a lexical index and a vector store searched together, scoping by the report
and year a question names, and extractive answers.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np

from embeddings.encoder import Encoder, load_encoder
from embeddings.store import VectorStore, load_store

from qa.retrieval import changes, segment_view, segments, storage
from qa.retrieval.backend import DenseSearch, LexicalSearch, LocalDense
from qa.reader.answers import compare, extract_answer
from qa.reader.evidence import PART_SEPARATOR
from qa.retrieval.building import (
    PLAN_WORDS, REQUIRED_FILES, VECTORS, Progress, embed_passages, embedding_input, lexical_input,
    tokenize_passages, vector_key, write_generation,
)
from qa.config import IndexConfig
from qa.errors import IndexLoadError, QAError, QuestionError
from qa.reader.followup import FollowUp, resolve_followup, without_aside, without_carried_year
from qa.retrieval.fusion import reciprocal_rank_fusion
from qa.retrieval.recent import RecentResults
from qa.retrieval.lexical import LexicalIndex
from qa.model import Answer, Hit, Passage, Quote, ReadFailure, Report, ReportInfo
from qa.reader.questions import Question, analyse
from qa.reader.wording import official_wording
from qa.ingest.metadata import METADATA_VERSION
from qa.ingest.reports import read_corpus
from qa.retrieval.scope import Scope, ScopeResolver, known_names, normalise_question, simplified, topic_of
from qa.retrieval import tokenize
from qa.retrieval.tokenize import Tokenizer

if TYPE_CHECKING:
    from qa.retrieval.distributed import RayCluster
    from qa.retrieval.milvus import MilvusRankings, MilvusTarget



def _no_progress(fraction: float, message: str) -> None:
    """Ignore progress reports."""


# A question word: a piece of a question without one asks nothing of its own.
_ASKS_SOMETHING = re.compile(r"多少|几|什么|哪|谁|啥")
_EACH_OF_THEM = re.compile(r"各自|分别|各是")  # "A和B各自…是哪几年": the same question of each place named
# "A的X和B的Y各搞了几场", "A的X和B的Y，文件全名分别叫什么": two places, each with its topic, asked the same.
_EACH_PLACE = re.compile(r"^(?P<a>[^，,；;？?]+?)(?:和|与|及|以及)(?P<b>[^，,；;？?]+?)"
                         r"(?:(?:各自|分别|各)|[，,](?=[^，,；;？?]*(?:各自|分别|各)))"
                         r"(?P<rest>[^，,；;？?]*(?:多少|几|什么|哪|谁|啥)[^，,；;？?]*)[？?]?$")


class ReportIndex:
    """Hybrid (BM25 + dense) search and extractive answers over a folder of reports."""

    def __init__(
        self,
        folder: Path,
        config: IndexConfig,
        generation: Path,
        vectors: np.ndarray,
        store: VectorStore,
        lexical: LexicalIndex,
        tokenizer: Tokenizer,
        encoder: Encoder,
        failures: Sequence[ReadFailure] = (),
        remote: MilvusRankings | None = None,
        target: MilvusTarget | None = None,
        segment: dict | None = None,
        previous: "ReportIndex | None" = None,
    ) -> None:
        """Open a checked generation and its segment: report metadata in memory, texts and passages read on demand."""
        self.folder = Path(folder)
        self.config = config
        # Set when the rankings come from Milvus (qa.retrieval.milvus) instead of the local lexical and vector indexes.
        self._remote = remote
        self._target = target
        view = segment_view.open_view(generation, vectors, segment, previous._view if previous else None)
        self._view = view
        self._stores = (store, lexical)  # lent to the index an update opens on the same generation
        self.passages: Sequence[Passage] = view.passages
        self._vectors = view.vectors
        self._dense: DenseSearch | None = None if store is None else view.dense(
            LocalDense(view.vectors, store, rescore=1 if store.kind == "flat" else config.rescore))
        self._lexical: LexicalSearch = view.lexical(lexical)
        self._tokenizer = tokenizer
        self._encoder = encoder
        self.failures = tuple(failures)
        self._generation = generation
        self._infos = view.infos
        self._info = {info.source: info for info in view.infos}
        self._in_plan_section = view.plan
        self._ranges: dict[str, tuple[int, int]] = view.ranges
        self._reports = view.reports
        self._metadata_version = METADATA_VERSION  # of the reader that read its reports; _open sets the manifest's
        self._names = view.mentions(self.text_of)

    @functools.cached_property
    def places(self) -> tuple[str, ...]:
        """Every name a question may use for a report, longest first (worked out on first use: a second at 100,000 reports)."""
        return tuple(sorted({name for info in self._infos for name in known_names(info)}, key=len, reverse=True))

    # ----------------------------------------------------------------- building and loading

    @classmethod
    def build(
        cls,
        corpus: str | Path,
        folder: str | Path,
        *,
        config: IndexConfig | None = None,
        encoder: Encoder | None = None,
        progress: Progress | None = None,
        backend: MilvusTarget | None = None,
        ray: RayCluster | None = None,
    ) -> "ReportIndex":
        """Read every report in `corpus`, index it, and write the index to `folder`.

        Files that cannot be read are listed in `.failures`; every other report goes in.

        Args:
            backend: serve the rankings from this Milvus collection instead of local indexes.
            ray: parse and embed the reports on this Ray cluster (qa.retrieval.distributed).

        Raises:
            QAError: the corpus folder is missing or holds no readable report.
        """
        config = config or IndexConfig()
        reports = vectors = None
        if ray is not None:
            from qa.retrieval.distributed import read_and_embed

            parsed, failures, vectors = read_and_embed(corpus, ray, config, encoder, progress or _no_progress)
            reports = (parsed, failures)
        return cls._assemble(corpus, Path(folder), config, encoder, previous=None, progress=progress,
                             reports=reports, vectors=vectors, backend=backend)

    @classmethod
    def load(cls, folder: str | Path, *, encoder: Encoder | None = None, token: str = "") -> "ReportIndex":
        """Load an index folder written by build() or update().

        An index built with a Milvus backend connects to the collection its manifest names
        (`token` authenticates to a Milvus server; milvus-lite needs none).

        Raises:
            IndexLoadError: the folder is not an index, is damaged, or was built with
                another format or model than the encoder given; the message says how to rebuild.
        """
        folder = Path(folder)
        generation, manifest = storage.current_generation(folder, REQUIRED_FILES)
        given = encoder is not None
        encoder = encoder or load_encoder(manifest["model"])
        _check_encoder(folder, manifest, encoder, given)
        if encoder.dimension != manifest["dimension"]:
            raise IndexLoadError(
                f"{folder} holds {manifest['dimension']}-dimensional vectors but model {encoder.name!r} "
                f"gives {encoder.dimension}; rebuild the index with that model."
            )
        return cls._open(folder, generation, manifest, encoder, token=token)

    @classmethod
    def _open(cls, folder: Path, generation: Path, manifest: dict, encoder: Encoder,
              failures: Sequence[ReadFailure] = (), token: str = "", tokenizer: Tokenizer | None = None,
              previous: "ReportIndex | None" = None) -> "ReportIndex":
        """Open a generation whose files were checked (or just written under the lock)."""
        vectors = storage.load_vectors(generation / VECTORS)
        if vectors.shape != (manifest["passages"], manifest["dimension"]):
            raise IndexLoadError(
                f"{generation} has {vectors.shape[0]} vectors for {manifest['passages']} passages; rebuild the index."
            )
        remote = target = None
        backend = manifest.get("backend", {"kind": "local"})
        if backend.get("kind") == "milvus":
            from qa.retrieval.milvus import open_rankings

            remote, target = open_rankings(backend, generation, token=token)
        # Served from Milvus, the local vector and BM25 files stay on disk unread.
        if previous is not None and previous._generation == generation and not remote:
            store, lexical = previous._stores  # the generation's files are unchanged: a segment was written beside them
        else:
            store = None if remote else load_store(generation / "dense", mmap=True)
            lexical = None if remote else LexicalIndex.load(generation / "lexical", mmap=True)
        index = cls(
            folder, IndexConfig.from_dict(manifest["config"]), generation, vectors, store, lexical,
            tokenizer or tokenize.restore(manifest["tokenizer"], manifest.get("segment")), encoder, failures, remote, target,
            manifest.get("segment"), previous,
        )
        index._metadata_version = manifest.get("metadata", 1)
        return index

    @classmethod
    def open(
        cls,
        corpus: str | Path,
        folder: str | Path,
        *,
        config: IndexConfig | None = None,
        encoder: Encoder | None = None,
        progress: Progress | None = None,
    ) -> "ReportIndex":
        """Load the index if it exists, bring it up to date with the corpus, else build it."""
        try:
            index = cls.load(folder, encoder=encoder)
        except IndexLoadError:
            return cls.build(corpus, folder, config=config, encoder=encoder, progress=progress)
        return index.update(corpus, progress=progress)

    def update(self, corpus: str | Path, *, progress: Progress | None = None) -> "ReportIndex":
        """Bring the index up to date with `corpus`, re-embedding only new or changed reports.

        The new index is written as a new generation and swapped in atomically; this
        object keeps answering from the old one. Returns the new index (or self when
        nothing changed).
        """
        # Reports read by an older version of the metadata reader are read again (their vectors are reused).
        stale = self._metadata_version != METADATA_VERSION
        appended = None if stale else self._append(Path(corpus), progress or _no_progress)
        if appended is not None:
            return appended
        stats = changes.stat_corpus(corpus)
        reports, failures = read_corpus(corpus, reuse=None if stale else self._reports, max_chars=self.config.max_passage_chars)
        if not stale and [r.info.sha256 for r in reports] == [i.sha256 for i in self._infos] and [
            r.info.source for r in reports] == [i.source for i in self._infos
        ]:
            self.failures = tuple(failures)
            return self
        return self._assemble(corpus, self.folder, self.config, self._encoder, previous=self, progress=progress,
                              reports=(reports, failures), backend=self._target, stats=stats)

    def _append(self, corpus: Path, progress: Progress) -> "ReportIndex | None":
        """Add few new or changed reports as a segment beside a large generation; None when a full write is due."""
        if self._remote is not None or self._target is not None or self._view.base_count < self.config.segment_above:
            return None
        found = changes.find_changes(corpus, {info.source: info.sha256 for info in self._infos}, self._view.stats())
        if not found.count:
            self.failures = (*found.skipped, *(f for f in self.failures if f.indexed and f.path in self._info))
            return self
        with storage.writer_lock(self.folder):
            appended = segments.append(self.folder, self._view, corpus, found, self._encoder, self._tokenizer,
                                       self.config.max_passage_chars, progress)
            if appended is None:
                return None
            generation, manifest = storage.current_generation(self.folder, REQUIRED_FILES)
        return self._open(self.folder, generation, manifest, self._encoder, appended.failures, tokenizer=appended.tokenizer,
                          previous=self)

    @classmethod
    def _assemble(cls, corpus, folder: Path, config: IndexConfig, encoder: Encoder | None, *,
                  previous: "ReportIndex | None", progress: Progress | None,
                  reports: tuple[list[Report], list[ReadFailure]] | None = None,
                  vectors: dict[str, np.ndarray] | None = None,
                  backend: MilvusTarget | None = None, stats: dict | None = None) -> "ReportIndex":
        progress = progress or _no_progress
        with storage.writer_lock(folder):
            return cls._write(corpus, folder, config, encoder, previous=previous, progress=progress, reports=reports,
                              vectors=vectors, backend=backend, stats=stats)

    @classmethod
    def _write(cls, corpus, folder: Path, config: IndexConfig, encoder: Encoder | None, *,
               previous: "ReportIndex | None", progress: Progress,
               reports: tuple[list[Report], list[ReadFailure]] | None,
               vectors: dict[str, np.ndarray] | None = None, backend: MilvusTarget | None = None,
               stats: dict | None = None) -> "ReportIndex":
        if reports is None:
            progress(0.0, f"reading reports in {corpus}")
            stats = changes.stat_corpus(corpus)
            reports = read_corpus(corpus, max_chars=config.max_passage_chars)
        parsed, failures = reports
        if not parsed:
            reasons = "; ".join(f"{f.path}: {f.reason}" for f in failures) or "no .txt/.docx/.pdf/.html files"
            raise QAError(f"no readable report in {corpus} ({reasons}); add report files and build again.")
        encoder = encoder or load_encoder(config.model)
        pairs = [(report.info, p) for report in parsed for p in report.passages]
        cache = {**(previous._vectors_by_input(encoder.name) if previous else {}), **(vectors or {})}
        vectors = embed_passages(pairs, encoder, cache, progress)
        progress(0.9, "building the lexical and vector indexes")
        user_words = sorted({name for report in parsed for name in known_names(report.info)})
        tokenizer = Tokenizer(user_words)
        if previous is None:
            tokens = tokenize_passages(pairs, tokenizer, {}, set())
        else:
            changed = set(tokenizer.user_words) ^ set(previous._tokenizer.user_words)
            tokens = tokenize_passages(pairs, tokenizer, previous._tokens_by_input(), changed)
        publish = None
        if backend is not None:
            from qa.retrieval import milvus

            def publish(generation: Path) -> dict:
                progress(0.95, f"writing the Milvus collection at {backend.uri}")
                entry, remote = milvus.publish(backend, generation, pairs, vectors, tokens)
                remote.close()
                return {"backend": entry}

        generation, manifest = write_generation(folder, config, encoder, parsed, vectors, tokens, user_words, publish,
                                                stats, list(tokenizer.frequencies().values()))
        if backend is not None:
            milvus.drop_other_generations(backend, manifest["backend"]["collection_name"])
        progress(1.0, f"indexed {len(parsed)} reports, {len(pairs)} passages")
        return cls._open(folder, generation, manifest, encoder, failures, token=backend.token if backend else "")

    # ----------------------------------------------------------------- what is indexed

    @property
    def encoder_description(self) -> str:
        """Say which model, backend and quantisation embed the questions: "m3e-small (onnx, quantisation none)"."""
        provenance = getattr(self._encoder, "provenance", {})
        return f"{self._encoder.name} ({provenance.get('backend', 'unknown backend')}, quantisation {provenance.get('quantisation', 'none')})"

    @property
    def reports(self) -> tuple[ReportInfo, ...]:
        """The indexed reports' metadata, in corpus order."""
        return self._infos

    def report(self, source: str) -> Report:
        """Return one indexed report by its source path."""
        try:
            return self._reports[source]
        except KeyError:
            raise QAError(f"no report {source!r} in this index; known: {', '.join(list(self._info)[:10])}…") from None

    def text_of(self, source: str) -> str:
        """Return a report's text as read, which every offset points into."""
        return self.report(source).text

    def passage_count(self, source: str) -> int:
        return len(self.report(source).passages)

    # ----------------------------------------------------------------- search and answers

    def scope(self, question: str, *, sources: Iterable[str] | None = None, year: int | None = None) -> Scope:
        """Return the reports a question is limited to, narrowed by explicit filters."""
        scope = self._scope_resolver.resolve(question)
        chosen = scope.sources
        if sources is not None:
            wanted = set(sources)
            unknown = wanted - set(self._info)
            if unknown:
                raise QuestionError(f"unknown report source(s) {sorted(unknown)}; choose from {list(self._info)[:20]}")
            chosen = tuple(s for s in (chosen if chosen is not None else self._info) if s in wanted)
        if year is not None:
            if not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 2100:
                raise QuestionError(f"year={year!r} must be a whole number such as 2024, not {type(year).__name__}.")
            chosen = tuple(s for s in (chosen if chosen is not None else self._info) if self._info[s].year == year)
        return Scope(chosen, scope.places, scope.year if year is None else year, scope.unknown_place, scope.years,
                     scope.locators)

    def search(
        self, question: str, k: int = 5, *, sources: Iterable[str] | None = None, year: int | None = None
    ) -> list[Hit]:
        """Return the k passages that best answer `question`, best first.

        A question that names a report (by issuer, place or year) is answered only from
        that report; one that names a place no report covers gets no hits.

        Args:
            question: the question as a user types it.
            k: how many hits, at least 1.
            sources: only search these reports (their source paths).
            year: only search reports of this year.

        Raises:
            QuestionError: the question is empty or k is not a positive whole number.
        """
        question = self._check(question, k)
        scope = self.scope(question, sources=sources, year=year)
        if scope.out_of_scope:
            return []
        return self._search(topic_of(question, scope), k, scope.sources)

    def answer(
        self,
        question: str,
        *,
        history: Sequence[str] = (),
        sources: Iterable[str] | None = None,
        year: int | None = None,
        k: int = 5,
    ) -> Answer:
        """Answer a question with the reports' own words, or say that they hold no answer.

        Args:
            question: the question; a follow-up ("那春城街道呢？") is read against `history`.
            history: earlier questions of the conversation, oldest first.
            sources, year: filters as in search().
            k: how many passages to draw quotes from.
        """
        question = self._check(question, k)
        history = tuple(without_aside(earlier) for earlier in self._check_history(history))
        asked = without_aside(question)
        named = self._places_named(asked, history)
        followup = resolve_followup(asked, list(history), named) if history else FollowUp(asked)
        standalone = followup.text
        scope = self.scope(standalone, sources=sources, year=year)
        lighter = without_carried_year(standalone, question) if history and scope.out_of_scope else None
        if lighter:
            # A year carried over from the conversation does not rule out a place that only has other years.
            wider = self.scope(lighter, sources=sources, year=year)
            if not wider.out_of_scope and wider.sources:
                standalone, scope = lighter, wider
        # The issuers in scope are places too: "市场监管局" abbreviates "绍兴市市场监督管理局".
        issuers = [self._info[s].issuer for s in scope.sources or () if s in self._info][:3]
        parsed = analyse(standalone, places=[*named, *issuers])
        if scope.out_of_scope or self._figure_of_another_year(parsed, scope):
            related = self._search(standalone, k, None)
            return Answer(question, None, False, tuple(_related_quotes(related)), kind="none")
        pieces = self._pieces_by_place(standalone) if parsed.parts or _EACH_PLACE.match(standalone) else []
        if pieces:
            # "红星街道…多少件，白塔街道…多少场": each part asks its own place, answered as a question of its own.
            replies = [self.answer(piece, sources=sources, year=year, k=k) for piece in pieces]
            if not all(reply.found and reply.text for reply in replies):
                return Answer(question, None, False, tuple(q for r in replies for q in r.quotes[:1]), kind="none")
            return Answer(question, PART_SEPARATOR.join(r.text for r in replies), True,
                          tuple(r.quotes[0] for r in replies), tuple(replies), kind=replies[0].kind)
        several = scope.sources is None or len(scope.sources) > 1
        side_by_side = len(scope.places) > 1 or len(scope.years) > 1
        each = parsed.kind == "number" or _EACH_OF_THEM.search(standalone) is not None
        if several and (parsed.comparison or (side_by_side and scope.sources is not None and each and not parsed.parts)):
            # Two reports named side by side ("清波街道和四季青街道各…", "…各自落实的纲要是哪几年") are compared, a row each;
            # "各镇街" inside one named report asks that report alone.
            in_scope = scope.sources if scope.sources is not None else tuple(self._info)
            query = self._query(topic_of(standalone, scope))
            by_report = {source: self._rank(query, 3, (source,)) for source in in_scope}
            return compare(parsed, by_report, self.text_of)
        hits = self._search(topic_of(standalone, scope), k, scope.sources)
        official = official_wording(standalone, (hit.text for hit in hits))
        if official != standalone:
            parsed = analyse(official, places=[*named, *issuers])
        return extract_answer(parsed, hits, self.text_of, last_part=followup.within_scene)

    def _pieces_by_place(self, question: str) -> list[str]:
        """Split a question whose parts each name another place ("红星街道…多少件，白塔街道…多少场？") into
        those parts; [] when its parts share their place."""
        pieces = [p for p in re.split(r"[，,；;？?]", question) if _ASKS_SOMETHING.search(p)]
        each = _EACH_PLACE.match(question)
        sides = [each.group("a"), each.group("b")] if each and len(pieces) < 2 else []
        if sides and all(analyse(side, places=self._scope_resolver.names_in(normalise_question(side))).phrases
                         for side in sides):
            # "新华街道的法治讲座和中都街道的…活动各搞了几场": each place with its own topic, asked what follows 各.
            pieces = [side + each.group("rest") for side in sides]
        named = [frozenset(self._scope_resolver.names_in(normalise_question(p))) for p in pieces]
        if len(pieces) < 2 or not all(named) or len(set(named)) < len(named):
            return []
        return [piece + "？" for piece in pieces]

    def _figure_of_another_year(self, parsed: Question, scope: Scope) -> bool:
        """Tell whether a figure is asked for a year that none of the named reports is about.

        Such a report may name the year for its plans ("2024年工作打算"), so it stays in scope
        for lists and text, but its figures are another year's and must not answer.
        """
        if parsed.kind != "number" or scope.year is None or not scope.places or scope.sources is None:
            return False
        return all(self._info[source].year not in (None, scope.year) for source in scope.sources)

    def _vectors_by_input(self, model: str) -> dict[str, np.ndarray]:
        """Return this index's passage vectors by building.vector_key, for a rebuild to reuse."""
        if model != self._encoder.name:
            return {}
        return {
            vector_key(embedding_input(self._info[p.source], p), model): row
            for p, row in zip(self.passages, self._vectors) if p.source in self._info  # a removed report's are masked
        }

    def _tokens_by_input(self) -> dict[str, list[str]]:
        """Return this index's BM25 tokens by the text they were made from, read from its folder."""
        if self._generation is None:
            return {}
        try:
            token_lists = self._view.read_tokens()
        except (IndexLoadError, OSError):
            return {}  # the generation was replaced or damaged since: tokenise afresh
        if len(token_lists) != len(self.passages):
            return {}
        return {
            lexical_input(self._info[p.source], p): tokens for p, tokens in zip(self.passages, token_lists)
            if p.source in self._info
        }

    @functools.cached_property
    def _scope_resolver(self) -> ScopeResolver:
        """Prepare scoping on first use, so loading a large index stays fast."""
        return ScopeResolver(self._infos, mentions=self._names)

    def _places_named(self, question: str, history: Sequence[str]) -> list[str]:
        """Return the known places the conversation names; the rest cannot matter to it."""
        named = {name for text in (question, *history) for name in self._scope_resolver.names_in(normalise_question(text))}
        return sorted(named, key=lambda name: (-len(name), name))

    def _check(self, question: str, k: int) -> str:
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise QuestionError(f"k={k!r} must be a whole number of at least 1 (for example k=5).")
        if not isinstance(question, str) or not any(ch.isalnum() for ch in question):
            raise QuestionError(f"question {question!r:.40} has no words; ask for example “田镇街道2024年调处矛盾纠纷多少件”.")
        _check_text(question, "question")
        return simplified(question.strip()[: self.config.max_question_chars])

    def _check_history(self, history: Sequence[str]) -> list[str]:
        """Keep the most recent earlier questions, each capped, so a follow-up costs the same whatever came before."""
        if isinstance(history, str) or not isinstance(history, (list, tuple)):
            raise QuestionError(f"history must be a list of earlier questions (oldest first), not {type(history).__name__}.")
        recent = list(history)[-self.config.max_history :] if self.config.max_history > 0 else []
        kept = []
        for number, item in enumerate(recent, 1):
            if not isinstance(item, str):
                raise QuestionError(f"history item {number} is {type(item).__name__}, not a question string.")
            _check_text(item, f"history item {number}")
            kept.append(simplified(item.strip()[: self.config.max_question_chars]))
        return kept

    def _search(self, question: str, k: int, sources: Sequence[str] | None) -> list[Hit]:
        """Rank passages for a question; the same question asked again (search(), then answer()) is not encoded
        or ranked again."""
        key = (question, k, None if sources is None else tuple(sources))
        return self._recent_searches.get(key, lambda: self._rank(self._query(question), k, sources))

    @functools.cached_property
    def _recent_searches(self) -> RecentResults[Hit]:
        return RecentResults()

    def _query(self, question: str) -> "_Query":
        """Tokenise, score and embed a question once, however many report subsets it is ranked in."""
        tokens = self._tokenizer.tokens(question)
        lexical_scores = self._lexical.query(tokens) if tokens and self._remote is None else None
        vector = self._encoder.encode([question])[0]
        return _Query(lexical_scores, vector, bool(PLAN_WORDS.search(question)), tuple(tokens))

    def _rank(self, query: "_Query", k: int, sources: Sequence[str] | None) -> list[Hit]:
        allowed = None if sources is None else self._passage_ids(sources)
        if allowed is not None and len(allowed) == 0:
            return []
        n = self.config.candidates
        if self._remote is not None:
            rankings = list(self._remote.rankings(query.tokens, query.vector, n, sources))
        else:
            rankings = [self._lexical_ranking(query, n, allowed), self._dense_ranking(query, n, allowed)]
        fused = reciprocal_rank_fusion(
            rankings,
            [1.0 - self.config.dense_weight, self.config.dense_weight],
            k=self.config.rrf_k,
        )
        if not query.asks_about_plans:
            # Plans for next year repeat this year's wording without its results.
            weight = self.config.plan_section_weight
            fused = sorted(
                ((i, score * weight if self._in_plan_section[i] else score) for i, score in fused),
                key=lambda item: -item[1],
            )
        return [self._hit(i, score) for i, score in fused[:k]]

    def _passage_ids(self, sources: Sequence[str]) -> np.ndarray:
        bounds = np.array([self._ranges[s] for s in sources if s in self._ranges], dtype=np.int64).reshape(-1, 2)
        return segment_view.concatenated_ranges(bounds[:, 0], bounds[:, 1])

    def _lexical_ranking(self, query: "_Query", n: int, allowed: np.ndarray | None) -> list[int]:
        if query.lexical_scores is None:
            return []
        _, ids = self._lexical.top(query.lexical_scores, n, allowed_ids=allowed)
        return [int(i) for i in ids]

    def _dense_ranking(self, query: "_Query", n: int, allowed: np.ndarray | None) -> list[int]:
        return self._dense.ranking(query.vector, n, allowed)

    def _hit(self, passage_id: int, score: float) -> Hit:
        passage = self.passages[passage_id]
        return Hit(
            text=self.text_of(passage.source)[passage.start : passage.end],
            score=float(score),
            source=passage.source,
            report=self._info[passage.source].name,
            section=passage.section_label,
            passage=passage,
        )


@dataclass(frozen=True, eq=False)
class _Query:
    """A question prepared for ranking: its BM25 scores, worked out on demand (None without tokens), its vector."""

    lexical_scores: object | None
    vector: np.ndarray
    asks_about_plans: bool
    tokens: tuple[str, ...] = ()


def _check_encoder(folder: Path, manifest: dict, encoder: Encoder, given: bool) -> None:
    """Refuse an encoder whose vectors differ from the index's: the name says which vectors a model gives.

    fp32 PyTorch and fp32 ONNX share a name (their vectors agree within 1e-4), so either serves
    the other's index; int8 variants are named apart ("+int8", "+onnx-int8").
    """
    if encoder.name == manifest["model"]:
        return
    built = manifest.get("encoder") or {"model": manifest["model"]}
    built_with = f"{manifest['model']!r} ({built.get('backend', 'unknown backend')}, quantisation {built.get('quantisation', 'none')})"
    offered = getattr(encoder, "provenance", {})
    offered_as = f"{encoder.name!r} ({offered.get('backend', 'unknown backend')}, quantisation {offered.get('quantisation', 'none')})"
    fix = ("load it without an encoder" if given else
           "install that backend (`make setup` exports the ONNX model; see the warning above)")
    raise IndexLoadError(
        f"{folder} was built with model {built_with} but the encoder {'given' if given else 'available here'} is "
        f"{offered_as}, whose vectors differ; {fix}, or rebuild with `python -m qa build --index {folder} --model {encoder.name}`."
    )


def _check_text(text: str, what: str) -> None:
    """Refuse text that cannot be encoded (a lone surrogate from a broken client), naming where it is."""
    bad = next((i for i, ch in enumerate(text) if "\ud800" <= ch <= "\udfff"), None)
    if bad is not None:
        raise QuestionError(f"{what} holds an invalid character (a lone surrogate) at position {bad}; "
                            "send the text as valid UTF-8.")


def _related_quotes(hits: Sequence[Hit]):
    for hit in hits:
        yield Quote(hit.text, hit.source, hit.report, hit.section, None, hit.passage.start)
