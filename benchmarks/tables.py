"""Print the benchmark results as plain-text tables, check them against the targets, and plot cost vs size."""
from __future__ import annotations

from pathlib import Path


def _table(title: str, header: list[str], rows: list[list]) -> str:
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max(len(h), *(len(row[i]) for row in cells)) if cells else len(h) for i, h in enumerate(header)]
    lines = [title, "  ".join(h.rjust(w) for h, w in zip(header, widths))]
    lines += ["  ".join(value.rjust(w) for value, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    return str(value)


def _ok(flag: bool | None) -> str:
    return "n/a" if flag is None else ("PASS" if flag else "MISS")


def render(results: dict, hash_note: str) -> str:
    """Return every table the results hold, then the targets with PASS/MISS."""
    out = []
    machine = results.get("machine", {})
    if machine:
        out.append(f"machine: {machine.get('cpus')} CPUs shared with other engineers, load average at start "
                   f"{', '.join(f'{x:.1f}' for x in machine.get('load_at_start', []))}; {machine.get('when')}")
    out.append(hash_note)
    build = results.get("build", {})
    if build:
        out.append(_table("\nBUILD (ReportIndex.build; phases timed around the encoder calls)",
                          ["corpus", "encoder", "reports", "passages", "total s", "reports/s", "passages/s",
                           "read+parse s", "embed s", "embed p/s", "index+write s", "disk MB", "peak RSS MB", "load avg"],
                          [[label, r.get("encoder"), r.get("reports"), r.get("passages"), r.get("total_s"),
                            r.get("reports_per_s"), r.get("passages_per_s"), r.get("read_s"), r.get("embed_s"),
                            r.get("embed_passages_per_s"), r.get("index_s"), r.get("disk_mb"),
                            r.get("build_peak_rss_mb"), r.get("load_before")] if "error" not in r else [label, r["error"]] + [None] * 12
                           for label, r in build.items()]))
    serve = results.get("serve", {})
    if serve:
        out.append(_table("\nSERVE (load, then every question once through search(k=5) and answer(); queries "
                          "embedded by m3e-small; on hash-built indexes the ranking is meaningless, the time is real)",
                          ["corpus", "built with", "queries", "model load s", "index load s", "index RSS MB",
                           "peak RSS MB", "search p50", "search p95", "answer p50", "answer p95", "hit@1", "answer acc"],
                          [[label, build.get(label, {}).get("encoder"), r.get("queries"), r.get("model_load_s"),
                            r.get("load_s"), r.get("index_rss_mb"), r.get("serve_peak_rss_mb"), r.get("search_p50_ms"),
                            r.get("search_p95_ms"), r.get("answer_p50_ms"), r.get("answer_p95_ms"), r.get("hit_at_1"),
                            r.get("answer_accuracy")] if "error" not in r else [label, r["error"]] + [None] * 11
                           for label, r in serve.items()]))
    update = results.get("update")
    if update and "error" not in update:
        out.append(f"\nUPDATE: add 1 report to the {update['reports_before']}-report index (hash-bigram-512): "
                   f"{update['update_s']:.2f} s, of which embedding {update['update_embed_s']:.3f} s for "
                   f"{update['update_embedded']} passages; with m3e-small add {update['update_embedded']} passages / "
                   f"real embed rate = {_real_update_extra(results, update):.1f} s "
                   f"-> about {update['update_s'] + _real_update_extra(results, update):.1f} s")
    ann = results.get("ann", {})
    if ann.get("rows"):
        out.append(_table("\nFLAT vs HNSW (store defaults M=32 efC=200 efSearch=128; one query at a time; "
                          "hash-bigram-512 vectors, harder for HNSW than real embeddings)",
                          ["vectors", "flat build s", "flat p50 ms", "flat p95 ms", "hnsw build s", "hnsw p50 ms",
                           "hnsw p95 ms", "recall@10"],
                          [[r["size"], r["flat_build_s"], r["flat_p50_ms"], r["flat_p95_ms"], r["hnsw_build_s"],
                            r["hnsw_p50_ms"], r["hnsw_p95_ms"], r["hnsw_recall_at_10"]] for r in ann["rows"]]))
    scoped = [(label, r) for label, r in serve.items() if "scoped_search_answer_p95_ms" in r]
    if scoped:
        out.append(_table("\nSCOPED vs UNSCOPED (search + answer of one question; unscoped = the same questions "
                          "without place or year; year only = 20 of those with a year before them)",
                          ["corpus", "first question ms", "scoped n", "scoped p50", "scoped p95", "unscoped n",
                           "unscoped p50", "unscoped p95", "year only p50", "year only p95"],
                          [[label, r.get("first_question_ms"), r.get("scoped_questions"),
                            r.get("scoped_search_answer_p50_ms"), r.get("scoped_search_answer_p95_ms"),
                            r.get("unscoped_questions"), r.get("unscoped_search_answer_p50_ms"),
                            r.get("unscoped_search_answer_p95_ms"), r.get("year_only_search_answer_p50_ms"),
                            r.get("year_only_search_answer_p95_ms")] for label, r in scoped]))
    for label, ivf in results.get("ivf", {}).items():
        if ivf.get("rows"):
            out.append(_table(f"\nIVF 8-bit + exact rescoring of 4x candidates vs exact search, corpus {label} "
                              f"({ivf.get('encoder')} vectors)",
                              ["vectors", "nlist", "nprobe", "build s", "recall@10", "min recall@10", "p50 ms", "p95 ms"],
                              [[r["size"], r["nlist"], r["nprobe"], r["build_s"], r["recall_at_10"],
                                r["min_recall_at_10"], r["p50_ms"], r["p95_ms"]] for r in ivf["rows"]]))
    embed = results.get("embed", {})
    if embed and "error" not in embed:
        out.append("\nEMBEDDING SPEED (m3e-small, real corpus passages)\n" + embed.get("text", ""))
    peer = results.get("peer", {})
    if peer:
        out.append("\nPEER (Langchain-Chatchat recipe)\n" + (peer.get("text") or peer.get("error", "")))
    out.append("\nTARGETS\n" + _targets(results))
    return "\n".join(out)


def _real_update_extra(results: dict, update: dict) -> float:
    rates = [r["embed_passages_per_s"] for r in results.get("build", {}).values()
             if str(r.get("encoder", "")).startswith("m3e-small") and r.get("embed_passages_per_s")]
    return update["update_embedded"] / max(rates) if rates else float("nan")


def _targets(results: dict) -> str:
    serve, build = results.get("serve", {}), results.get("build", {})
    real = serve.get("real", {})
    lines = []
    if "search_p50_ms" in real:
        lines.append(f"search p50 {real['search_p50_ms']:.1f} ms, answer p50 {real['answer_p50_ms']:.1f} ms on the real "
                     f"corpus (<= 30 ms): {_ok(real['search_p50_ms'] <= 30 and real['answer_p50_ms'] <= 30)}")
    for label in ("10000", "100000"):
        big = serve.get(label, {})
        if "search_p95_ms" not in big:
            continue
        lines.append(f"search p95 {big['search_p95_ms']:.1f} ms, answer p95 {big['answer_p95_ms']:.1f} ms at {int(label):,} reports "
                     f"(<= 150 ms): {_ok(big['search_p95_ms'] <= 150 and big['answer_p95_ms'] <= 150)}; search + answer p95 "
                     f"scoped {big.get('scoped_search_answer_p95_ms', float('nan')):.0f} ms, unscoped "
                     f"{big.get('unscoped_search_answer_p95_ms', float('nan')):.0f} ms")
        lines.append(f"{int(label):,}-report index loads in {big['load_s']:.2f} s (<= 5 s): {_ok(big['load_s'] <= 5)}; "
                     f"serving peak RSS {big['serve_peak_rss_mb']:.0f} MB incl. model (< 3072 MB): "
                     f"{_ok(big['serve_peak_rss_mb'] < 3072)}")
    update = results.get("update", {})
    if "update_s" in update:
        total = update["update_s"] + _real_update_extra(results, update)
        lines.append(f"add 1 report to 1,000: {total:.1f} s with the real model's embedding time (<= 5 s): {_ok(total <= 5)}")
    for label, update in results.get("update_at", {}).items():
        if "update_s" in update:
            lines.append(f"add 1 report to {update['reports_before']:,} (hash encoder, {'a segment' if update.get('segment') else 'a full write'}): "
                         f"{update['update_s']:.2f} s cold ({update.get('update_cpu_s', float('nan')):.2f} s CPU), "
                         f"{update.get('update_warm_s', float('nan')):.2f} s warm ({update.get('update_warm_cpu_s', float('nan')):.2f} s CPU; tokenizer loaded), plus {_real_update_extra(results, update):.1f} s of real embedding (<= 5 s): "
                         f"{_ok(update['update_s'] + _real_update_extra(results, update) <= 5)}; load with the segment "
                         f"{update['load_with_segment_s']:.2f} s ({update.get('load_with_segment_cpu_s', float('nan')):.2f} s CPU); the new report answers its own question: "
                         f"{update['new_report_answers']}; removing it again {update['remove_s']:.2f} s")
    peer = results.get("peer", {})
    ours = build.get("real", {})
    if "build_s" in peer and "total_s" in ours:
        ratio = (ours["passages"] / ours["total_s"]) / (peer["chunks"] / peer["build_s"])
        lines.append(f"build throughput vs peer at equal model (passages/s over chunks/s): {ratio:.2f}x "
                     f"({_ok(ours['total_s'] <= peer['build_s'] * ours['passages'] / peer['chunks'])}); by wall time "
                     f"ours {ours['total_s']:.1f} s vs peer {peer['build_s']:.1f} s on the same 5 reports")
    return "\n".join(lines) or "no results yet"


def plot(results: dict, path: Path) -> None:
    """Draw build time, query latency, index size and memory against corpus size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    build, serve = results.get("build", {}), results.get("serve", {})
    labels = [label for label in build if "error" not in build[label] and "reports" in build[label]]
    if not labels:
        return
    sizes = [build[label]["reports"] for label in labels]
    figure, axes = plt.subplots(1, 3, figsize=(13, 4))
    for key, style, name in (("read_s", "o-", "read+parse"), ("index_s", "s-", "index+write"), ("embed_s", "^--", "embed")):
        axes[0].plot(sizes, [build[label][key] for label in labels], style, label=name)
    axes[0].set(title="build phases (s); embed: m3e-small <=100, hash above", xlabel="reports", yscale="log")
    served = [label for label in labels if "search_p50_ms" in serve.get(label, {})]
    for key, style in (("search_p50_ms", "o-"), ("search_p95_ms", "o--"), ("answer_p50_ms", "s-"), ("answer_p95_ms", "s--")):
        axes[1].plot([build[label]["reports"] for label in served], [serve[label][key] for label in served], style,
                     label=key.replace("_ms", ""))
    axes[1].set(title="query latency (ms)", xlabel="reports")
    axes[2].plot(sizes, [build[label]["disk_mb"] for label in labels], "o-", label="index on disk MB")
    axes[2].plot([build[label]["reports"] for label in served], [serve[label]["index_rss_mb"] for label in served],
                 "s-", label="index RSS MB")
    axes[2].set(title="size (MB)", xlabel="reports")
    for axis in axes:
        axis.set_xscale("log")
        axis.legend(fontsize=8)
        axis.grid(alpha=0.3)
    figure.suptitle("report-qa cost vs corpus size (<=100 reports: m3e-small; larger: 512-d hashing encoder)", fontsize=10)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=90)
