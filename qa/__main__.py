"""Command line: inspect, build, search, ask, eval.

    python -m qa inspect FILE
    python -m qa build [--corpus corpus] [--index index] [--model m3e-small]
                       [--backend milvus --uri index/milvus.db] [--ray [ADDRESS] --ray-workers 2]
    python -m qa search "…" [-k 5] [--json]
    python -m qa ask "…" [--json]
    python -m qa eval FILE.jsonl
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from qa.errors import QAError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qa", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    inspect = commands.add_parser("inspect", help="print a report's metadata and section tree")
    inspect.add_argument("file")

    build = commands.add_parser("build", help="read every report in the corpus and write the index")
    build.add_argument("--corpus", default="corpus")
    build.add_argument("--index", default="index")
    build.add_argument("--model", default=None, help="embedding model: m3e-small[+onnx-int8], a folder, or a hub name")
    build.add_argument("--backend", choices=("local", "milvus"), default="local",
                       help="where search runs: local files, or a Milvus collection (token: $MILVUS_TOKEN)")
    build.add_argument("--uri", default=None, help="Milvus: a milvus-lite file (default INDEX/milvus.db) or http://host:19530")
    build.add_argument("--collection", default="report_qa", help="Milvus: prefix of the collection names")
    build.add_argument("--ray", nargs="?", const="local", default=None, metavar="ADDRESS",
                       help="parse and embed on a Ray cluster (ADDRESS such as 127.0.0.1:6379; none: a local Ray)")
    build.add_argument("--ray-workers", type=int, default=1, help="encoder actors on the Ray cluster")

    for name, text in (("search", "print the passages that best match a question"), ("ask", "answer a question")):
        command = commands.add_parser(name, help=text)
        command.add_argument("question")
        command.add_argument("--index", default="index")
        command.add_argument("-k", type=int, default=5)
        command.add_argument("--json", action="store_true", help="print JSON instead of text")

    evaluate = commands.add_parser("eval", help="hit@1, hit@5, MRR, answer and refusal accuracy on gold questions")
    evaluate.add_argument("questions")
    evaluate.add_argument("--index", default="index")
    evaluate.add_argument("--corpus", default="corpus", help="used to build the index when it does not exist")
    evaluate.add_argument("--conversations", default=None, help="a conversations .jsonl to score turn by turn too")
    evaluate.add_argument("--verbose", action="store_true", help="list every question that was missed")
    evaluate.add_argument("--model", default=None, help="embedding model when the index is built (see build)")

    args = parser.parse_args(argv)
    try:
        return _run(args)
    except QAError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.command == "inspect":
        from qa.ingest.describe import describe
        from qa.ingest.reports import read_report

        print(describe(read_report(args.file)))
        return 0
    from qa.index import ReportIndex

    if args.command == "build":
        from qa.config import IndexConfig

        config = IndexConfig(model=args.model) if args.model else IndexConfig()
        backend = ray = None
        if args.backend == "milvus":
            from qa.retrieval.milvus import MilvusTarget

            uri = args.uri or str(Path(args.index) / "milvus.db")
            if "://" not in uri:  # a milvus-lite file: the manifest must find it from any working folder
                uri = str(Path(uri).resolve())
            backend = MilvusTarget(uri, args.collection, os.environ.get("MILVUS_TOKEN", ""))
        if args.ray is not None:
            from qa.retrieval.distributed import RayCluster

            ray = RayCluster(None if args.ray == "local" else args.ray, args.ray_workers)
        index = ReportIndex.build(args.corpus, args.index, config=config, progress=_progress_bar(), backend=backend, ray=ray)
        for failure in index.failures:
            print(f"{'warning' if failure.indexed else 'skipped'} {failure.path}: {failure.reason}", file=sys.stderr)
        print(f"indexed {len(index.reports)} reports, {len(index.passages)} passages into {args.index} "
              f"(encoder {index.encoder_description})")
        return 0
    if args.command == "eval":
        from qa.evaluation import evaluate, evaluate_conversations, load_conversations, load_questions

        from qa.config import IndexConfig

        config = IndexConfig(model=args.model) if args.model else IndexConfig()
        index = ReportIndex.open(args.corpus, args.index, config=config, progress=_progress_bar())
        questions = load_questions(args.questions)
        scores = evaluate(index, questions)
        print(f"questions          {scores.questions}")
        print(f"hit@1              {scores.hit_at_1:.3f}")
        print(f"hit@5              {scores.hit_at_5:.3f}")
        print(f"MRR                {scores.mrr:.3f}")
        print(f"answer accuracy    {scores.answer_accuracy:.3f}")
        print(f"refusal accuracy   {scores.refusal_accuracy:.3f}")
        print(f"wrong answers      {scores.wrong_answers:.3f}")
        print(f"search p50         {scores.search_ms_p50:.1f} ms")
        print(f"answer p50         {scores.answer_ms_p50:.1f} ms")
        if args.verbose:
            for outcome in scores.outcomes:
                if outcome.rank != 1 or outcome.answered is False or not outcome.refused_right:
                    print(f"  {outcome}")
        if args.conversations:
            talks = evaluate_conversations(index, load_conversations(args.conversations))
            print(f"conversations      {talks.conversations} ({talks.turns} turns)")
            print(f"turn accuracy      {talks.turn_accuracy:.3f}")
            print(f"fully right        {talks.conversation_accuracy:.3f}")
            if args.verbose:
                for conversation, turn, question in talks.missed:
                    print(f"  {conversation} turn {turn}: {question}")
        return 0
    index = ReportIndex.load(args.index, token=os.environ.get("MILVUS_TOKEN", ""))
    if args.command == "search":
        hits = index.search(args.question, k=args.k)
        if args.json:
            print(json.dumps([{k: v for k, v in asdict(h).items() if k != "passage"} for h in hits], ensure_ascii=False, indent=1))
        for rank, hit in enumerate(hits if not args.json else [], 1):
            print(f"{rank}. [{hit.score:.4f}] {hit.report} › {hit.section}\n   {hit.text.strip()}")
        return 0
    reply = index.answer(args.question, k=args.k)
    if args.json:
        print(json.dumps(asdict(reply), ensure_ascii=False, indent=1))
        return 0
    print(_format_answer(reply))
    return 0


def _format_answer(reply) -> str:
    lines = []
    if reply.rows:
        for row in reply.rows:
            source = row.quotes[0].report if row.quotes else ""
            lines.append(f"- {source}: {row.text or ('未找到' if not row.found else '')}")
            lines.extend(f"    “{q.text.strip()}” ({q.section})" for q in row.quotes[:1])
        return "\n".join(lines)
    lines.append(f"答案：{reply.text}" if reply.found and reply.text else ("见以下原文" if reply.found else "未在报告中找到答案（以下为相关内容）"))
    for quote in reply.quotes:
        lines.append(f"  “{quote.text.strip()}”\n    — {quote.report} › {quote.section}")
    return "\n".join(lines)


def _progress_bar():
    from tqdm import tqdm

    bar = tqdm(total=100, unit="%", file=sys.stderr)

    def update(fraction: float, message: str) -> None:
        bar.set_description(message[:60])
        bar.n = round(fraction * 100)
        bar.refresh()
        if fraction >= 1.0:
            bar.close()

    return update


if __name__ == "__main__":
    sys.exit(main())
