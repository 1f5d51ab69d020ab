"""The index folder on disk: one writer at a time, generations swapped in atomically, a checked manifest.

Layout::

    index/LOCK               held (flock) by the one process writing; holds its pid for messages
    index/CURRENT            "<generation> <SHA-256 of its manifest.json>", then, when reports were
                             added since, "<segment> <SHA-256 of the segment's manifest.json>"
    index/gen-<stamp>-<pid>-<n>/   manifest.json and the files it vouches for
    index/gen-…/seg-<stamp>-<pid>-<n>/   a segment: reports added or replaced since the generation was
                             written, with its own manifest naming the generation's (qa.retrieval.segments)
    index/VERIFIED           the files of CURRENT last hashed, with their size/mtime/ctime/inode then

A rebuild writes a whole new generation and then replaces CURRENT with one atomic rename,
so a crash at any moment leaves the previous generation loadable. Writers exclude each
other with an flock on LOCK, which the kernel releases when the holder exits in any way
(kill -9 included), so a lock can never outlive its process: that is the stale-lock rule.
The manifest records a SHA-256 of every file and CURRENT records the manifest's, so a
truncated or edited file, or an edited manifest, is caught on load. Nothing is pickled.
Adding a report writes a new segment inside the generation and swaps CURRENT the same
way, so a crash leaves the previous segment (or none) in use.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from qa.errors import IndexBusyError, IndexLoadError

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
CURRENT = "CURRENT"
LOCK = "LOCK"
VERIFIED = "VERIFIED"
REBUILD_HINT = "rebuild it with `python -m qa build --corpus CORPUS --index {folder}`"
_GENERATION = re.compile(r"gen-\d{8}T\d{6}-(\d+)-\d{6}")
_SEGMENT = re.compile(r"seg-\d{8}T\d{6}-(\d+)-\d{6}")
SEGMENT_PREFIX = "seg-"
_SHA256 = re.compile(r"[0-9a-f]{64}")
# A file changed less than this long before it was hashed may change again within the same
# timestamp tick, so its stat cannot vouch for it afterwards (git's "racy clean" problem).
_RACY_NS = 2_000_000_000
# Keys every manifest must carry, with their types; the index adds its own on top.
MANIFEST_KEYS: dict[str, type | tuple[type, ...]] = {
    "format": int, "config": dict, "model": str, "dimension": int, "normalised": bool, "store": str,
    "tokenizer": dict, "reports": int, "passages": int, "files": dict,
}


@contextmanager
def writer_lock(folder: Path) -> Iterator[None]:
    """Hold the index folder's write lock for the duration, or fail at once if another process holds it.

    Raises:
        IndexBusyError: another build or update is writing this folder; it names that pid.
    """
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise IndexBusyError(
                f"another build is running (pid {holder}) on {folder}; nothing was changed. Wait for it to "
                f"finish and try again (the lock is released the moment that process ends, even if it is killed)."
            ) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(descriptor)  # releases the flock


def new_generation(folder: Path, prefix: str = "gen-") -> Path:
    """Create an empty generation folder beside the one in use (or a segment inside one); its name carries this process's pid."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 1_000_000:06d}"
    generation = folder / f"{prefix}{stamp}"
    generation.mkdir()
    return generation


def read_pointer(folder: Path) -> list[str]:
    """Return CURRENT's fields: generation, manifest hash and, with a segment, its name and manifest hash."""
    try:
        return (folder / CURRENT).read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        return []


def commit_segment(folder: Path, generation: Path, segment: Path, manifest: dict) -> dict:
    """Seal a segment of the generation in use with its manifest and make it the one in use, atomically.

    Call it holding writer_lock, with CURRENT naming `generation`. Other segments of the
    generation (the one replaced, or one a crash left half-written) are removed afterwards.
    Returns the manifest as written.
    """
    fields = read_pointer(folder)
    if fields[:1] != [generation.name]:
        raise IndexLoadError(f"{folder / CURRENT} no longer names {generation.name}; update again.")
    manifest = dict(manifest, base=fields[1], files=_file_hashes(segment))
    text = json.dumps(manifest, ensure_ascii=False, indent=1)
    _write_atomic(segment / MANIFEST, text)
    _fsync_tree(segment)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    _write_atomic(folder / CURRENT, f"{generation.name} {fields[1]} {segment.name} {digest}\n")
    for old in generation.glob(SEGMENT_PREFIX + "*"):
        if old.name != segment.name and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    return manifest


def commit_generation(folder: Path, generation: Path, manifest: dict) -> None:
    """Seal a generation with its manifest and make it the one in use, atomically.

    Call it holding writer_lock. Afterwards generations known dead are removed: those this
    process made, and unfinished or replaced ones whose maker is no longer running. A
    generation of a live process is left alone, whatever it is doing.
    """
    signatures = {path.relative_to(generation).as_posix(): _signature(path)
                  for path in generation.rglob("*") if path.is_file()}
    manifest = dict(manifest, files=_file_hashes(generation))
    text = json.dumps(manifest, ensure_ascii=False, indent=1)
    check_manifest(manifest, generation)
    _write_atomic(generation / MANIFEST, text)
    _fsync_tree(generation)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    _write_atomic(folder / CURRENT, f"{generation.name} {digest}\n")
    _record_verified(generation, digest, {name: signatures[name] for name in manifest["files"]})
    for old in folder.glob("gen-*"):
        if old.name != generation.name and old.is_dir() and _known_dead(old):
            shutil.rmtree(old, ignore_errors=True)


def current_generation(folder: Path, required: Sequence[str] = ()) -> tuple[Path, dict]:
    """Return the generation in use and its manifest, after checking the manifest and every file.

    Args:
        folder: the index folder.
        required: files the caller will read; each must have a hash in the manifest.

    Raises:
        IndexLoadError: the folder is not an index; CURRENT, the manifest or a file is missing,
            malformed, truncated or edited; or a file has no hash to be checked against.
    """
    hint = REBUILD_HINT.format(folder=folder)
    pointer = folder / CURRENT
    if not pointer.is_file():
        raise IndexLoadError(f"{folder} is not a report index (no {CURRENT} file); {hint}.")
    try:
        fields = pointer.read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError) as error:
        raise IndexLoadError(f"{pointer} cannot be read ({error}); {hint}.") from error
    segment_fields, fields = fields[2:], fields[:2]
    name = fields[0] if fields else ""
    if not _GENERATION.fullmatch(name) or not (folder / name).is_dir():
        raise IndexLoadError(f"{pointer} names no generation of this index ({name[:60]!r}); {hint}.")
    generation = folder / name
    try:
        raw = (generation / MANIFEST).read_bytes()
        manifest = json.loads(raw)
    except (OSError, ValueError) as error:
        raise IndexLoadError(f"{generation / MANIFEST} cannot be read ({error}); {hint}.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise IndexLoadError(f"{folder} has index format {found!r}, this version reads format {FORMAT_VERSION}; {hint}.")
    if len(fields) != 2 or not _SHA256.fullmatch(fields[1]):
        raise IndexLoadError(f"{pointer} records no SHA-256 of {generation / MANIFEST}, so it cannot be trusted; {hint}.")
    if hashlib.sha256(raw).hexdigest() != fields[1]:
        raise IndexLoadError(f"{generation / MANIFEST} does not match the hash recorded in {pointer} (edited or damaged); {hint}.")
    check_manifest(manifest, generation, required)
    _check_files(generation, manifest["files"], fields[1], hint)
    if segment_fields:
        manifest = dict(manifest, segment=_checked_segment(generation, segment_fields, fields[1], hint))
    return generation, manifest


def _checked_segment(generation: Path, fields: list[str], base_digest: str, hint: str) -> dict:
    """Check the segment CURRENT names (its manifest's hash, its base, every file, hashed: it is small).

    Returns its manifest with "path", the segment folder.
    """
    if len(fields) != 2 or not _SEGMENT.fullmatch(fields[0]) or not _SHA256.fullmatch(fields[1]):
        raise IndexLoadError(f"{generation.parent / CURRENT} names no segment in a form this version reads ({fields!r:.80}); {hint}.")
    segment = generation / fields[0]
    try:
        raw = (segment / MANIFEST).read_bytes()
        manifest = json.loads(raw)
    except (OSError, ValueError) as error:
        raise IndexLoadError(f"{segment / MANIFEST} cannot be read ({error}); {hint}.") from error
    if hashlib.sha256(raw).hexdigest() != fields[1]:
        raise IndexLoadError(f"{segment / MANIFEST} does not match the hash recorded in CURRENT (edited or damaged); {hint}.")
    if not isinstance(manifest, dict) or manifest.get("base") != base_digest or not isinstance(manifest.get("files"), dict):
        raise IndexLoadError(f"{segment / MANIFEST} does not belong to {generation.name}; {hint}.")
    present = {path.relative_to(segment).as_posix(): path for path in segment.rglob("*") if path.is_file()}
    present.pop(MANIFEST, None)
    if set(present) != set(manifest["files"]):
        odd = sorted(set(present) ^ set(manifest["files"]))[0]
        raise IndexLoadError(f"{segment / odd} is missing or has no hash in the segment's manifest; {hint}.")
    for name, digest in manifest["files"].items():
        if _sha256(present[name]) != digest:
            raise IndexLoadError(f"{segment / name} does not match its manifest hash (truncated or edited); {hint}.")
    return dict(manifest, path=str(segment))


def check_manifest(manifest: dict, generation: Path, required: Sequence[str] = ()) -> None:
    """Check a manifest's keys and types, and that it has a hash for every file the loader reads.

    Raises:
        IndexLoadError: a key is missing or of the wrong type, or a required file has no hash.
    """
    where, hint = generation / MANIFEST, REBUILD_HINT.format(folder=generation.parent)
    for key, kind in MANIFEST_KEYS.items():
        value = manifest.get(key)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise IndexLoadError(f"{where}: key {key!r} is {value!r:.60}, expected {getattr(kind, '__name__', kind)}; {hint}.")
    words = manifest["tokenizer"].get("user_words")
    if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
        raise IndexLoadError(f"{where}: tokenizer.user_words must be a list of strings; {hint}.")
    files = manifest["files"]
    bad = [name for name, digest in files.items() if not isinstance(digest, str) or not _SHA256.fullmatch(digest)]
    if bad or not files:
        raise IndexLoadError(f"{where}: the files table is empty or holds no SHA-256 for {bad[:3]}; {hint}.")
    missing = [name for name in required if name not in files]
    if missing:
        raise IndexLoadError(f"{where} holds no hash for {missing}, so they cannot be checked; {hint}.")


def _check_files(generation: Path, expected: dict[str, str], manifest_digest: str, hint: str) -> None:
    """Check every file against the manifest: none missing, none changed, none without a hash.

    A file whose size, mtime, ctime and inode are those recorded when it was last hashed
    is not hashed again (ctime cannot be set back by a program): a large index then loads
    in a fraction of the time. Any write to a file changes its ctime, so it is hashed.
    """
    stamp_path = generation.parent / VERIFIED
    stamp = _read_stamp(stamp_path, generation.name, manifest_digest)
    present = {name: path for path in generation.rglob("*") if path.is_file()
               if not (name := path.relative_to(generation).as_posix()).startswith(SEGMENT_PREFIX)}
    present.pop(MANIFEST, None)
    unlisted = sorted(set(present) - set(expected))
    if unlisted:
        raise IndexLoadError(f"{generation / unlisted[0]} has no hash in the manifest, so it cannot be checked; {hint}.")
    seen, hashed = {}, False
    for name, digest in expected.items():
        path = present.get(name)
        if path is None:
            raise IndexLoadError(f"{generation / name} is missing; {hint}.")
        signature = _signature(path)
        if stamp.get(name) != signature:
            hashed = True
            if _sha256(path) != digest:
                raise IndexLoadError(f"{generation / name} does not match its manifest hash (truncated or edited); {hint}.")
        seen[name] = signature
    if hashed:
        _record_verified(generation, manifest_digest, seen)


def _signature(path: Path) -> list[int]:
    status = path.stat()
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


def _record_verified(generation: Path, manifest_digest: str, signatures: dict[str, list[int]]) -> None:
    """Remember the files just hashed and found right, leaving out those changed too recently to vouch for."""
    now = time.time_ns()
    settled = {name: signature for name, signature in signatures.items() if now - signature[2] > _RACY_NS}
    if not settled:
        return
    record = {"generation": generation.name, "manifest": manifest_digest, "files": settled}
    try:
        _write_atomic(generation.parent / VERIFIED, json.dumps(record))
    except OSError:
        pass  # a read-only index is hashed in full on every load


def _read_stamp(path: Path, name: str, manifest_digest: str) -> dict:
    try:
        stamp = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stamp, dict) or [stamp.get("generation"), stamp.get("manifest")] != [name, manifest_digest]:
        return {}
    if not isinstance(stamp.get("files"), dict):
        return {}
    return stamp["files"]


def save_vectors(path: Path, vectors: np.ndarray) -> None:
    np.save(path, np.ascontiguousarray(vectors, dtype=np.float32), allow_pickle=False)


def load_vectors(path: Path) -> np.ndarray:
    """Map the vectors from disk: only the rows a search touches are read into memory."""
    try:
        return np.load(path, allow_pickle=False, mmap_mode="r")
    except (OSError, ValueError) as error:
        raise IndexLoadError(f"{path} cannot be read ({error}); rebuild the index.") from error


def _known_dead(generation: Path) -> bool:
    """Tell whether a generation is safe to remove: this process made it, or its maker has ended."""
    match = _GENERATION.fullmatch(generation.name)
    if match is None:
        return False  # not ours to judge
    pid = int(match.group(1))
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_hashes(generation: Path) -> dict[str, str]:
    return {
        path.relative_to(generation).as_posix(): _sha256(path)
        for path in sorted(generation.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }


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
