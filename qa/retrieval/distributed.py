"""Parse and embed reports on a Ray cluster with Ray Data, for corpora one machine embeds too slowly.

Embedding is a build's cost (m3e-small: ~40 passages/s on this machine's CPU), and it is
independent per passage, so it spreads over an actor pool of encoders (`map_batches` with
`concurrency`), one model load per actor. Reports are shipped to the cluster as bytes, so
the nodes need no shared file system, only report-qa and its model installed. The driver
gets back the parsed reports and a vector per embedding input and writes the same index
a local build writes (qa.index.ReportIndex._assemble takes the vectors as a cache).
"""
from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from embeddings.encoder import Encoder, load_encoder

from qa.config import IndexConfig
from qa.errors import QAError, ReportReadError
from qa.ingest.corpus_folder import scan_folder
from qa.ingest.reports import read_report
from qa.model import Passage, ReadFailure, Report, ReportInfo, Section
from qa.retrieval.building import EMBED_BATCH, Progress, embedding_input, vector_key

INSTALL_HINT = "install the extra with `pip install -e '.[ray]'`"
PARSE_BATCH = 8


@dataclass(frozen=True)
class RayCluster:
    """Where and how wide a distributed build runs.

    Attributes:
        address: a running cluster ("auto", "127.0.0.1:6379", "ray://head:10001"); None starts
            a Ray instance on this machine for the build.
        workers: encoder actors in the pool; each loads the model once and takes 1 CPU.
        batch_size: passages per map_batches call of an actor.
    """

    address: str | None = None
    workers: int = 1
    batch_size: int = 128

    def __post_init__(self) -> None:
        if self.workers < 1 or self.batch_size < 1:
            raise QAError(f"workers={self.workers} and batch_size={self.batch_size} must both be at least 1.")


def read_and_embed(
    corpus: str | Path, cluster: RayCluster, config: IndexConfig, encoder: Encoder | None, progress: Progress
) -> tuple[list[Report], list[ReadFailure], dict[str, np.ndarray]]:
    """Parse every report of `corpus` and embed its passages on the cluster.

    Args:
        corpus: the folder of reports (read here, on the driver).
        cluster: the cluster to use.
        config: the index settings (model, passage size).
        encoder: shipped to the actors as it is when given (a test's fake encoder); otherwise
            each actor loads config.model.

    Returns:
        (reports, failures, vectors): as read_corpus returns them, in file order, and the
        vectors by building.vector_key, ready to be handed to the index build as a cache.

    Raises:
        QAError: ray is not installed or the cluster cannot be reached.
    """
    try:
        import ray
        import ray.data
    except ImportError as error:
        raise QAError(f"a build on Ray needs ray[data] ({error}); {INSTALL_HINT}.") from error
    root = Path(corpus)
    scan = scan_folder(root)  # links out of the corpus, hidden files…: skipped with a reason, as locally
    items = [{"source": p.relative_to(root).as_posix(), "suffix": p.suffix, "data": p.read_bytes()} for p in scan.files]
    if not items:
        return [], list(scan.skipped), {}
    try:
        ray.init(address=cluster.address, log_to_driver=False, configure_logging=False)
    except (ConnectionError, RuntimeError, ValueError) as error:
        raise QAError(f"cannot reach the Ray cluster at {cluster.address!r} ({error}); start it with `ray start --head`.") from error
    try:
        ray.data.DataContext.get_current().enable_progress_bars = False
        progress(0.02, f"parsing {len(items)} reports on Ray")
        parsed = (
            ray.data.from_items(items)
            .map_batches(_parse_batch, batch_size=PARSE_BATCH, fn_kwargs={"max_chars": config.max_passage_chars})
            .take_all()
        )
        reports, failures = _in_file_order([row["source"] for row in items], parsed)
        failures = [*scan.skipped, *failures]
        texts = sorted({embedding_input(r.info, p) for r in reports for p in r.passages}, key=len)
        progress(0.1, f"embedding {len(texts)} passages with {cluster.workers} encoder actor(s)")
        embedded = (
            ray.data.from_items([{"text": text} for text in texts])
            .map_batches(
                _EncoderActor, fn_constructor_args=(encoder if encoder is not None else config.model,),
                compute=ray.data.ActorPoolStrategy(size=cluster.workers), batch_size=cluster.batch_size, num_cpus=1,
            )
            .take_all()
        )
    finally:
        ray.shutdown()
    vectors = {str(row["key"]): np.asarray(row["vector"], dtype=np.float32) for row in embedded}
    if len(vectors) != len(texts):
        raise QAError(f"the Ray build returned {len(vectors)} vectors for {len(texts)} passages; run the build again.")
    return reports, failures, vectors


def _parse_batch(batch: dict, *, max_chars: int) -> dict:
    """Parse a batch of report files given as bytes; runs on a cluster node."""
    sources, records, errors = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for source, suffix, data in zip(batch["source"], batch["suffix"], batch["data"]):
            path = Path(folder) / f"report{suffix}"
            path.write_bytes(bytes(data))
            sources.append(str(source))
            try:
                records.append(json.dumps(_record(read_report(path, str(source), max_chars=max_chars)), ensure_ascii=False))
                errors.append("")
            except ReportReadError as error:
                records.append("")
                errors.append(error.reason)
    return {"source": sources, "record": records, "error": errors}


class _EncoderActor:
    """One encoder on a cluster node: the model loads once, then embeds batch after batch."""

    def __init__(self, encoder: Encoder | str) -> None:
        self._encoder = load_encoder(encoder) if isinstance(encoder, str) else encoder

    def __call__(self, batch: dict) -> dict:
        texts = [str(text) for text in batch["text"]]
        vectors = self._encoder.encode(texts, batch_size=EMBED_BATCH)
        return {"key": [vector_key(text, self._encoder.name) for text in texts], "vector": vectors}


def _in_file_order(sources: Sequence[str], rows: Sequence[dict]) -> tuple[list[Report], list[ReadFailure]]:
    """Put parsed rows back in file order and drop duplicates as read_corpus does."""
    by_source = {str(row["source"]): row for row in rows}
    reports: list[Report] = []
    failures: list[ReadFailure] = []
    seen: dict[str, str] = {}
    for source in sources:
        row = by_source[source]
        if row["error"]:
            failures.append(ReadFailure(source, str(row["error"])))
            continue
        report = _report(json.loads(row["record"]))
        first = seen.setdefault(report.info.sha256, source)
        if first != source:
            failures.append(ReadFailure(source, f"duplicate of {first}; remove one of the two copies"))
            continue
        reports.append(report)
    return reports, failures


def _record(report: Report) -> dict:
    return {
        "info": asdict(report.info),
        "text": report.text,
        "sections": [[list(s.path), s.level, s.start, s.end] for s in report.sections],
        "passages": [[list(p.section), p.text, p.start, p.end] for p in report.passages],
    }


def _report(record: dict) -> Report:
    info = ReportInfo(**{**record["info"], "places": tuple(record["info"]["places"])})
    sections = tuple(Section(tuple(path), level, start, end) for path, level, start, end in record["sections"])
    passages = tuple(Passage(info.source, tuple(section), text, start, end) for section, text, start, end in record["passages"])
    return Report(info, record["text"], sections, passages)
