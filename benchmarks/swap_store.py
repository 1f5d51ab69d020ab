"""Copy an index with its dense store rebuilt as another kind, to measure a store on an index too costly to rebuild.

Usage: nice -n 10 .venv/bin/python benchmarks/swap_store.py INDEX OUT [--store ivf-rabitq]

OUT gets the current generation of INDEX (not its segment) as hard links, except `dense/`, which is
built from the generation's vectors.npy with the params a build would choose (building.dense_store)
and the configuration's rescore of today's default. An IVF store's clusters are taken from INDEX's
IVF store when it has as many (its k-means took 7 minutes at 1.75 M vectors), else trained anew.
The manifest is INDEX's with the store and the dense files' hashes replaced; the first load of OUT
hashes every file (about a minute at 100,000 reports) and records VERIFIED. Hard links share the
files' inodes, so INDEX's own VERIFIED no longer vouches for them and its next load hashes them.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent)]

CHUNK = 262_144


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--store", default="ivf-rabitq")
    args = parser.parse_args()
    import faiss

    from embeddings.store import load_store, make_store
    from qa import IndexConfig
    from qa.retrieval import storage
    from qa.retrieval.building import dense_store

    generation, manifest = storage.current_generation(args.index)
    manifest.pop("segment", None)
    vectors = np.load(generation / "vectors.npy", mmap_mode="r")
    kind, params = dense_store(IndexConfig(approximate_above=0), len(vectors))
    if args.store != kind:
        kind, params = args.store, {}
    if args.out.exists():
        raise SystemExit(f"{args.out} exists; remove it or name another folder.")
    target = args.out / generation.name
    target.mkdir(parents=True)
    for name in manifest["files"]:
        if not name.startswith("dense/"):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            os.link(generation / name, target / name)
    started = time.perf_counter()
    store = make_store(kind, vectors.shape[1], **params)
    source = load_store(generation / "dense", mmap=True)
    if "nlist" in params and hasattr(source, "search_among") and source.params.get("nlist") == params["nlist"]:
        centroids = faiss.rev_swig_ptr(faiss.downcast_index(source._index.quantizer).get_xb(), params["nlist"] * vectors.shape[1])
        store._index.quantizer.add(np.array(centroids, dtype=np.float32).reshape(params["nlist"], -1))
        print(f"clusters taken from {generation / 'dense'} ({params['nlist']})", flush=True)
    for start in range(0, len(vectors), CHUNK):
        store.add(np.asarray(vectors[start : start + CHUNK], dtype=np.float32))
    store.save(target / "dense")
    print(f"{kind} {params}: built in {time.perf_counter() - started:.0f} s", flush=True)
    files = {name: digest for name, digest in manifest["files"].items() if not name.startswith("dense/")}
    for path in sorted((target / "dense").iterdir()):
        files[f"dense/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    config = dict(manifest["config"], rescore=IndexConfig().rescore)
    text = json.dumps(dict(manifest, store=kind, config=config, files=files), ensure_ascii=False, indent=1)
    (target / storage.MANIFEST).write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (args.out / storage.CURRENT).write_text(f"{target.name} {digest}\n", encoding="utf-8")
    print(f"{args.out}: {generation.name} with a {kind} store; disk of dense/: "
          f"{sum(p.stat().st_size for p in (target / 'dense').iterdir()) / 1e6:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
