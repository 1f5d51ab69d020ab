"""The peer: Langchain-Chatchat's retrieval recipe built from LangChain's public parts, on our corpus and questions.

Usage: .venv/bin/python benchmarks/peer.py

Recipe: each .txt read whole; RecursiveCharacterTextSplitter with Chinese separators,
chunk 250 / overlap 50; FAISS (langchain-community) over the same m3e-small through a thin
Embeddings wrapper of our encoder; BM25Retriever with jieba's search-mode cut; an
EnsembleRetriever weighting both 0.5/0.5, k=5. A retrieved chunk is right when it comes from
the gold report and contains the gold quote, ignoring whitespace and width, as in qa.evaluation.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", ""]


def measure(corpus: Path, questions: Path, work: Path, *, k: int = 5) -> dict:
    """Build the peer on `corpus`, time it, and score it on `questions`; "text" holds the summary."""
    import jieba
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from embeddings.encoder import load_encoder
    from qa.evaluation import load_questions, same_text
    from qa.ingest.reports import read_corpus
    from scale import percentiles

    encoder = load_encoder("m3e-small")

    class Wrapped(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return encoder.encode(texts, batch_size=32).tolist()

        def embed_query(self, text: str) -> list[float]:
            return encoder.encode([text])[0].tolist()

    jieba.initialize()
    started = time.perf_counter()
    documents = [Document(page_content=path.read_text(encoding="utf-8"), metadata={"source": path.name})
                 for path in sorted(Path(corpus).glob("*.txt"))]
    splitter = RecursiveCharacterTextSplitter(separators=SEPARATORS, chunk_size=250, chunk_overlap=50)
    chunks = splitter.split_documents(documents)
    split_s = time.perf_counter() - started
    started = time.perf_counter()
    store = FAISS.from_documents(chunks, Wrapped())
    faiss_s = time.perf_counter() - started
    started = time.perf_counter()
    bm25 = BM25Retriever.from_documents(chunks, preprocess_func=jieba.lcut_for_search, k=k)
    bm25_s = time.perf_counter() - started
    ensemble = EnsembleRetriever(retrievers=[bm25, store.as_retriever(search_kwargs={"k": k})], weights=[0.5, 0.5])
    build_s = split_s + faiss_s + bm25_s

    infos = {Path(report.info.source).name: report.info for report in read_corpus(corpus)[0]}
    gold = [g for g in load_questions(questions)]
    ensemble.invoke(gold[0].question)
    latencies, ranks = [], []
    for question in gold:
        started = time.perf_counter()
        found = ensemble.invoke(question.question)
        latencies.append((time.perf_counter() - started) * 1000)
        if not question.quote:
            continue
        rank = None
        for position, document in enumerate(found[:k], 1):
            info = infos[document.metadata["source"]]
            from_report = bool(question.report) and (question.report in info.issuer or question.report in info.title)
            if from_report and same_text(question.quote) in same_text(document.page_content):
                rank = position
                break
        ranks.append(rank)
    p50, p95 = percentiles(latencies)
    result = {
        "reports": len(documents), "chunks": len(chunks), "build_s": build_s, "split_s": split_s,
        "embed_faiss_s": faiss_s, "bm25_s": bm25_s, "reports_per_s": len(documents) / build_s,
        "chunks_per_s": len(chunks) / build_s, "search_p50_ms": p50, "search_p95_ms": p95,
        "hit_at_1": sum(rank == 1 for rank in ranks) / len(ranks),
        "hit_at_5": sum(rank is not None for rank in ranks) / len(ranks), "scored": len(ranks),
    }
    result["text"] = (
        f"{len(documents)} reports -> {len(chunks)} chunks; build {build_s:.1f} s (split {split_s:.2f}, "
        f"embed+FAISS {faiss_s:.1f}, BM25 {bm25_s:.2f}) = {result['reports_per_s']:.2f} reports/s, "
        f"{result['chunks_per_s']:.1f} chunks/s\n"
        f"ensemble search p50 {p50:.1f} ms, p95 {p95:.1f} ms; hit@1 {result['hit_at_1']:.3f}, "
        f"hit@5 {result['hit_at_5']:.3f} over {len(ranks)} questions with a gold quote"
    )
    return result


def main() -> None:
    root = HERE.parent
    print(measure(root / "corpus", root / "tests" / "data" / "questions.jsonl", Path("/tmp/report-qa-bench/peer"))["text"])


if __name__ == "__main__":
    main()
