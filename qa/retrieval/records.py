"""Reports and passages on disk as JSON Lines with a byte-offset table, read one record at a time.

An index of 100,000 reports holds about 1.75 million passages and a gigabyte of report
text: keeping them all as Python objects would cost gigabytes and many seconds to load.
Instead each ``.jsonl`` file has a ``.offsets.npy`` beside it (where each line starts, plus
the end), so record i is one positioned read; only the reports' metadata stays in memory.
"""
from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from qa.errors import IndexLoadError
from qa.model import Passage, Report, ReportInfo, Section

try:
    from orjson import loads as _loads
except ImportError:  # the standard library's parser, slower
    _loads = json.loads

REPORTS = "reports.jsonl"
PASSAGES = "passages.jsonl"
INFOS = "infos.jsonl"
TOKENS = "tokens.jsonl"
FILES = (REPORTS, PASSAGES, INFOS, TOKENS, "reports.offsets.npy", "passages.offsets.npy")


def offsets_path(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".jsonl") + ".offsets.npy")


def write_lines(path: Path, records: Iterable[object]) -> int:
    """Write records as JSON Lines and their byte offsets beside them; return how many."""
    offsets = [0]
    with open(path, "wb") as out:
        for record in records:
            line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
            out.write(line)
            offsets.append(offsets[-1] + len(line))
    np.save(offsets_path(path), np.asarray(offsets, dtype=np.int64), allow_pickle=False)
    return len(offsets) - 1


def report_record(report: Report) -> dict:
    return {
        "info": asdict(report.info),
        "text": report.text,
        "sections": [[list(s.path), s.level, s.start, s.end] for s in report.sections],
    }


def passage_record(passage: Passage) -> dict:
    return {"source": passage.source, "section": list(passage.section), "text": passage.text,
            "start": passage.start, "end": passage.end}


def info_record(report: Report, stat: Sequence[int] | None = None) -> dict:
    return {"info": asdict(report.info), "passages": len(report.passages), "stat": stat}


def write_corpus(generation: Path, reports: Sequence[Report], stats: Mapping[str, Sequence[int]] | None = None) -> None:
    """Write reports, passages and report metadata into a generation.

    `stats` are the report files' [size, mtime_ns, ctime_ns] taken before they were read
    (qa.retrieval.changes), so an update can tell unchanged files without reading them.
    """
    stats = stats or {}
    write_lines(generation / REPORTS, (report_record(r) for r in reports))
    write_lines(generation / PASSAGES, (passage_record(p) for r in reports for p in r.passages))
    with open(generation / INFOS, "w", encoding="utf-8") as out:
        for report in reports:
            out.write(json.dumps(info_record(report, stats.get(report.info.source)), ensure_ascii=False) + "\n")


def read_stats(path: Path) -> dict[str, list[int]]:
    """Return the file stats recorded with each report (see write_corpus), by source; none for old indexes."""
    data = path.read_bytes()
    records = _loads(b"[" + b",".join(line for line in data.splitlines() if line.strip()) + b"]")
    return {record["info"]["source"]: record["stat"] for record in records if isinstance(record.get("stat"), list)}


def passage_position(i: int, size: int) -> int:
    """Return passage index i counted from the front (negative counts from the end), or raise IndexError."""
    position = i + size if i < 0 else i
    if not 0 <= position < size:
        raise IndexError(f"passage {i} is out of range; the index holds {size}.")
    return position


class LineFile:
    """Random access to the records of one JSON Lines file through its offsets (thread-safe: pread)."""

    def __init__(self, path: Path, count: int) -> None:
        self.path = path
        try:
            self._offsets = np.load(offsets_path(path), mmap_mode="r", allow_pickle=False)
            self._descriptor = os.open(path, os.O_RDONLY)
            size = os.fstat(self._descriptor).st_size
        except (OSError, ValueError) as error:
            raise IndexLoadError(f"{path} or its offsets cannot be read ({error}); rebuild the index.") from error
        if self._offsets.shape != (count + 1,) or self._offsets[0] != 0 or self._offsets[-1] != size:
            raise IndexLoadError(f"{offsets_path(path)} does not fit {path} ({count} records); rebuild the index.")

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def record(self, i: int) -> dict:
        start, end = int(self._offsets[i]), int(self._offsets[i + 1])
        data = os.pread(self._descriptor, end - start, start)
        try:
            return json.loads(data)
        except ValueError as error:
            raise IndexLoadError(f"{self.path} record {i} is not valid JSON ({error}); rebuild the index.") from error

    def __iter__(self) -> Iterator[dict]:
        """Yield every record in order, through the descriptor opened at load (the file may be unlinked since)."""
        position, rest = 0, b""
        while True:
            block = os.pread(self._descriptor, 1 << 20, position)
            if not block:
                break
            position += len(block)
            *lines, rest = (rest + block).split(b"\n")
            for line in lines:
                yield json.loads(line)
        if rest.strip():
            yield json.loads(rest)

    def __del__(self) -> None:
        descriptor = getattr(self, "_descriptor", None)
        if descriptor is not None:
            os.close(descriptor)


def read_infos(path: Path) -> tuple[list[ReportInfo], list[int]]:
    """Read every report's metadata and passage count, in index order."""
    infos, counts, _ = read_metadata(path)
    return infos, counts


def read_metadata(path: Path) -> tuple[list[ReportInfo], list[int], np.ndarray]:
    """Read every report's metadata, passage count and recorded file stat, in index order.

    Parsed as one JSON array with orjson where installed (it comes with gradio): 100,000
    records then take a fraction of the seconds the standard library's parser needs. The
    stats (write_corpus) come back as rows of [size, mtime_ns, ctime_ns], -1 where none was
    recorded: kept from the load, an update need not parse the file again (a second at 100,000).
    """
    try:
        data = path.read_bytes()
        records = _loads(b"[" + b",".join(line for line in data.splitlines() if line.strip()) + b"]")
    except ValueError:
        records = None  # find the line at fault below
    infos, counts = [], []
    if records is None:
        records = []
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            try:
                records.append(json.loads(line))
            except ValueError as error:
                raise IndexLoadError(f"{path} line {number} is not a report record ({error}); rebuild the index.") from error
    stats = np.full((len(records), 3), -1, dtype=np.int64)
    for number, record in enumerate(records, 1):
        try:
            infos.append(ReportInfo(**{**record["info"], "places": tuple(record["info"]["places"])}))
            counts.append(int(record["passages"]))
        except (ValueError, KeyError, TypeError) as error:
            raise IndexLoadError(f"{path} line {number} is not a report record ({error}); rebuild the index.") from error
        stat = record.get("stat")
        if isinstance(stat, list) and len(stat) == 3 and all(type(value) is int and value >= 0 for value in stat):
            stats[number - 1] = stat
    return infos, counts, stats


def stats_by_source(infos: Sequence[ReportInfo], stats: np.ndarray) -> dict[str, list[int]]:
    """Return the stats read_metadata gave, by source, leaving out reports without one (as read_stats does)."""
    return {info.source: row for info, row in zip(infos, stats.tolist()) if row[0] >= 0}


def to_passage(record: dict) -> Passage:
    return Passage(record["source"], tuple(record["section"]), record["text"], record["start"], record["end"])


class StoredPassages(Sequence[Passage]):
    """The passages of an index, in id order, read from disk when asked for."""

    def __init__(self, lines: LineFile) -> None:
        self._lines = lines
        self._get = functools.lru_cache(maxsize=4096)(self._read)

    def __len__(self) -> int:
        return len(self._lines)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self._get(passage_position(i, len(self)))

    def _read(self, i: int) -> Passage:
        return to_passage(self._lines.record(i))

    def __iter__(self) -> Iterator[Passage]:
        return (to_passage(record) for record in self._lines)


class StoredReports(Mapping[str, Report]):
    """Reports by source, read from disk when asked for; the last few are kept parsed."""

    def __init__(self, sources: Sequence[str], reports: LineFile, passages: StoredPassages,
                 ranges: Mapping[str, tuple[int, int]]) -> None:
        self._position = {source: i for i, source in enumerate(sources)}
        self._reports = reports
        self._passages = passages
        self._ranges = ranges
        self._get = functools.lru_cache(maxsize=64)(self._read)

    def __len__(self) -> int:
        return len(self._position)

    def __iter__(self) -> Iterator[str]:
        return iter(self._position)

    def __contains__(self, source: object) -> bool:
        return source in self._position

    def __getitem__(self, source: str) -> Report:
        if source not in self._position:
            raise KeyError(source)
        return self._get(source)

    def _read(self, source: str) -> Report:
        record = self._reports.record(self._position[source])
        info = ReportInfo(**{**record["info"], "places": tuple(record["info"]["places"])})
        sections = tuple(Section(tuple(path), level, start, end) for path, level, start, end in record["sections"])
        start, end = self._ranges[source]
        return Report(info, record["text"], sections, tuple(self._passages[i] for i in range(start, end)))

    def text(self, source: str) -> str:
        """Return a report's text without building its passages."""
        return self._reports.record(self._position[source])["text"]


def read_tokens(path: Path) -> list[list[str]]:
    tokens = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            try:
                tokens.append(list(json.loads(line)))
            except ValueError as error:
                raise IndexLoadError(f"{path} line {number} is not valid JSON ({error}); the index is damaged.") from error
    return tokens


def write_tokens(path: Path, token_lists: Iterable[Sequence[str]]) -> None:
    """Write each passage's BM25 tokens, one JSON list a line, so an update need not re-tokenise."""
    with open(path, "w", encoding="utf-8") as out:
        for tokens in token_lists:
            out.write(json.dumps(list(tokens), ensure_ascii=False) + "\n")
