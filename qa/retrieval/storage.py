"""The index folder on disk: generations swapped in atomically, a manifest that vouches for every file.

Layout::

    index/CURRENT            name of the generation in use
    index/gen-<stamp>/       manifest.json, reports.jsonl, passages.jsonl, vectors.npy, dense/, lexical/

A rebuild writes a whole new generation and then replaces CURRENT with one atomic rename,
so a crash at any moment leaves the previous generation loadable. The manifest records a
SHA-256 of every file, so a truncated or edited file is caught on load instead of giving
wrong answers. Nothing is pickled.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import asdict
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from qa.errors import IndexLoadError
from qa.model import Passage, Report, ReportInfo, Section

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CURRENT = "CURRENT"
REBUILD_HINT = "rebuild it with `python -m qa build --corpus CORPUS --index {folder}`"


def new_generation(folder: Path) -> Path:
    """Create an empty generation folder beside the one in use."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 1_000_000:06d}"
    generation = folder / f"gen-{stamp}"
    generation.mkdir()
    return generation


def commit_generation(folder: Path, generation: Path, manifest: dict) -> None:
    """Seal a generation with its manifest and make it the one in use, atomically.

    Older generations are removed afterwards; a crash before that only leaves litter.
    """
    manifest = dict(manifest, files=_file_hashes(generation))
    _write_atomic(generation / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    _fsync_tree(generation)
    _write_atomic(folder / CURRENT, generation.name + "\n")
    for old in folder.glob("gen-*"):
        if old.name != generation.name and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def current_generation(folder: Path) -> tuple[Path, dict]:
    """Return the generation in use and its manifest, after checking every file's hash.

    Raises:
        IndexLoadError: the folder is not an index, or a file is missing, truncated or edited.
    """
    hint = REBUILD_HINT.format(folder=folder)
    pointer = folder / CURRENT
    if not pointer.is_file():
        raise IndexLoadError(f"{folder} is not a report index (no {CURRENT} file); {hint}.")
    generation = folder / pointer.read_text(encoding="utf-8").strip()
    try:
        manifest = json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise IndexLoadError(f"{generation / MANIFEST} cannot be read ({error}); {hint}.") from error
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexLoadError(
            f"{folder} has index format {manifest.get('format')!r}, this version reads format {FORMAT_VERSION}; {hint}."
        )
    expected = manifest.get("files", {})
    actual = _file_hashes(generation)
    for name, digest in expected.items():
        if actual.get(name) != digest:
            state = "is missing" if name not in actual else "does not match its manifest hash (truncated or edited)"
            raise IndexLoadError(f"{generation / name} {state}; {hint}.")
    return generation, manifest


def write_reports(path: Path, reports: Iterable[Report]) -> None:
    """Write reports (metadata, text, section tree) as JSON Lines."""
    with open(path, "w", encoding="utf-8") as out:
        for report in reports:
            record = {
                "info": asdict(report.info),
                "text": report.text,
                "sections": [[list(s.path), s.level, s.start, s.end] for s in report.sections],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_passages(path: Path, passages: Iterable[Passage]) -> None:
    """Write passages as JSON Lines, one object a line."""
    with open(path, "w", encoding="utf-8") as out:
        for p in passages:
            record = {"source": p.source, "section": list(p.section), "text": p.text, "start": p.start, "end": p.end}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_reports(reports_path: Path, passages_path: Path) -> list[Report]:
    """Read reports and their passages back, in the order they were written."""
    by_source: dict[str, list[Passage]] = {}
    for record in _json_lines(passages_path):
        passage = Passage(record["source"], tuple(record["section"]), record["text"], record["start"], record["end"])
        by_source.setdefault(passage.source, []).append(passage)
    reports = []
    for record in _json_lines(reports_path):
        info = ReportInfo(**{**record["info"], "places": tuple(record["info"]["places"])})
        sections = tuple(Section(tuple(path), level, start, end) for path, level, start, end in record["sections"])
        reports.append(Report(info, record["text"], sections, tuple(by_source.get(info.source, ()))))
    return reports


def write_tokens(path: Path, token_lists: Iterable[Sequence[str]]) -> None:
    """Write each passage's BM25 tokens, one JSON list a line, so an update need not re-tokenise."""
    with open(path, "w", encoding="utf-8") as out:
        for tokens in token_lists:
            out.write(json.dumps(list(tokens), ensure_ascii=False) + "\n")


def read_tokens(path: Path) -> list[list[str]]:
    return [list(tokens) for tokens in _json_lines(path)]


def save_vectors(path: Path, vectors: np.ndarray) -> None:
    np.save(path, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)


def load_vectors(path: Path) -> np.ndarray:
    return np.load(path, allow_pickle=False, mmap_mode="r")


def _json_lines(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            try:
                yield json.loads(line)
            except ValueError as error:
                raise IndexLoadError(f"{path} line {number} is not valid JSON ({error}); the index is damaged.") from error


def _file_hashes(generation: Path) -> dict[str, str]:
    hashes = {}
    for path in sorted(generation.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            digest = hashlib.sha256()
            with open(path, "rb") as data:
                for block in iter(lambda: data.read(1 << 20), b""):
                    digest.update(block)
            hashes[path.relative_to(generation).as_posix()] = digest.hexdigest()
    return hashes


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as data:
                os.fsync(data.fileno())
