"""The parts of add-1-report and the first question that grow with the corpus, measured on a corpus folder alone.

Usage: .venv/bin/python benchmarks/scale_parts.py CORPUS_FOLDER   (e.g. a 100,000-report folder of generate.py)

Needs no index, so it runs at sizes whose index was not built: (1) finding the one new report among
the folder's files when every other file's stat was recorded (qa.retrieval.changes), against the
full folder scan it replaces; (2) jieba's dictionary with every issuer and place name of the folder
(taken from the file names generate.py writes), each frequency worked out as a build does and
replayed from recorded frequencies as a load does. Prints wall and CPU seconds of each.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def timed(call):
    wall, cpu = time.perf_counter(), time.process_time()
    value = call()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    args = parser.parse_args()
    from qa.ingest.corpus_folder import scan_folder
    from qa.retrieval.changes import find_changes, stat_corpus
    from qa.retrieval.tokenize import Tokenizer

    stats = stat_corpus(args.corpus)
    newest = sorted(stats)[-1]
    indexed = {source: "sha256 of the indexed version" for source in stats if source != newest}
    found, wall, cpu = timed(lambda: find_changes(args.corpus, indexed, stats))
    assert found.added == (newest,) and not found.changed, found
    print(f"{len(stats):,} report files: the new one found in {wall:.2f} s wall, {cpu:.2f} s CPU")
    _, wall, cpu = timed(lambda: scan_folder(args.corpus))
    print(f"  the full folder scan it replaces: {wall:.2f} s wall, {cpu:.2f} s CPU")
    names = {path.stem.split("_", 2)[-1] for path in args.corpus.glob("*.txt")}
    words = set(names)
    for name in names:
        words.update(match.group() for match in re.finditer(r"[\u4e00-\u9fff]+?(?:市|区|县|街道|镇)", name))
    words = sorted(words)
    built = Tokenizer(words)
    _, wall, cpu = timed(lambda: built.tokens("法治政府"))
    print(f"jieba dictionary with {len(words):,} names, frequencies worked out: {wall:.2f} s wall, {cpu:.2f} s CPU")
    replayed = Tokenizer(words, built.frequencies())
    _, wall, cpu = timed(lambda: replayed.tokens("法治政府"))
    same = replayed._loaded().FREQ == built._loaded().FREQ and replayed._loaded().total == built._loaded().total
    print(f"  replayed from recorded frequencies: {wall:.2f} s wall, {cpu:.2f} s CPU (same dictionary: {same})")
    loaded = built.extended(["新添街道"])
    _, wall, cpu = timed(lambda: built.extended(["新添街道"]))
    print(f"  a loaded one extended by a name, as an update does: {wall:.2f} s wall, {cpu:.2f} s CPU ({len(loaded.user_words):,} names)")


if __name__ == "__main__":
    main()
