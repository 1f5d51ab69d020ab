"""The manifest is checked itself: its hash is recorded in CURRENT, its keys and types are required,
and a file without a hash in it is a load error, never a skipped check.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from qa import IndexLoadError, ReportIndex
from qa.retrieval import storage

from test_crash_safety import QUESTIONS, corpus_copy, generation, replace_figure


@pytest.fixture
def built(tmp_path: Path, fake_encoder) -> Path:
    folder = tmp_path / "index"
    ReportIndex.build(corpus_copy(tmp_path / "corpus"), folder, encoder=fake_encoder)
    return folder


def manifest_of(folder: Path) -> dict:
    return json.loads((generation(folder) / "manifest.json").read_text(encoding="utf-8"))


def rewrite_manifest(folder: Path, manifest: dict, *, record_hash: bool) -> None:
    """Write a manifest; with record_hash, also record its hash in CURRENT, as a careful forger would."""
    text = json.dumps(manifest, ensure_ascii=False)
    (generation(folder) / "manifest.json").write_text(text, encoding="utf-8")
    if record_hash:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        (folder / "CURRENT").write_text(f"{generation(folder).name} {digest}\n", encoding="utf-8")


def test_an_edited_manifest_is_caught_by_the_hash_in_current(built, fake_encoder):
    manifest = manifest_of(built)
    del manifest["files"]
    rewrite_manifest(built, manifest, record_hash=False)
    with pytest.raises(IndexLoadError, match="does not match the hash recorded in .*CURRENT.*rebuild"):
        ReportIndex.load(built, encoder=fake_encoder)


def test_a_manifest_without_files_is_a_load_error_and_an_edited_report_is_never_served(built, fake_encoder):
    """The attack of the issue: drop the files table so no hash is checked, then edit a figure."""
    manifest = manifest_of(built)
    del manifest["files"]
    rewrite_manifest(built, manifest, record_hash=True)
    replace_figure(generation(built) / "reports.jsonl")
    with pytest.raises(IndexLoadError, match="'files'.*rebuild"):
        ReportIndex.load(built, encoder=fake_encoder)


@pytest.mark.parametrize("name", ["reports.jsonl", "passages.jsonl", "infos.jsonl", "vectors.npy", "names.sqlite"])
def test_a_file_dropped_from_the_files_table_is_a_load_error(built, name, fake_encoder):
    manifest = manifest_of(built)
    del manifest["files"][name]
    rewrite_manifest(built, manifest, record_hash=True)
    with pytest.raises(IndexLoadError, match=f"{name}.*(no hash|cannot be checked)"):
        ReportIndex.load(built, encoder=fake_encoder)


def test_every_file_of_a_generation_must_have_a_hash(built, fake_encoder):
    for name in manifest_of(built)["files"]:
        manifest = manifest_of(built)
        original = dict(manifest["files"])
        del manifest["files"][name]
        rewrite_manifest(built, manifest, record_hash=True)
        with pytest.raises(IndexLoadError, match="rebuild"):
            ReportIndex.load(built, encoder=fake_encoder)
        rewrite_manifest(built, {**manifest, "files": original}, record_hash=True)
    assert ReportIndex.load(built, encoder=fake_encoder).answer(QUESTIONS[-1]).text.startswith("806")


def test_an_extra_file_without_a_hash_is_a_load_error(built, fake_encoder):
    (generation(built) / "lexical" / "extra.npy").write_bytes(b"\x93NUMPY")
    with pytest.raises(IndexLoadError, match="extra.npy has no hash"):
        ReportIndex.load(built, encoder=fake_encoder)


@pytest.mark.parametrize(
    "key, value",
    [("format", None), ("model", 3), ("dimension", "64"), ("dimension", True), ("config", []), ("tokenizer", {}),
     ("files", []), ("files", {"reports.jsonl": "not a hash"}), ("passages", None), ("normalised", 1)],
)
def test_required_keys_and_types_are_checked(built, key, value, fake_encoder):
    manifest = manifest_of(built)
    manifest[key] = value
    rewrite_manifest(built, manifest, record_hash=True)
    with pytest.raises(IndexLoadError, match="rebuild"):
        ReportIndex.load(built, encoder=fake_encoder)


@pytest.mark.parametrize("key", sorted(storage.MANIFEST_KEYS))
def test_a_missing_key_is_a_load_error(built, key, fake_encoder):
    manifest = manifest_of(built)
    del manifest[key]
    rewrite_manifest(built, manifest, record_hash=True)
    with pytest.raises(IndexLoadError, match="rebuild"):
        ReportIndex.load(built, encoder=fake_encoder)


def test_current_without_the_manifest_hash_is_a_load_error(built, fake_encoder):
    (built / "CURRENT").write_text(generation(built).name + "\n", encoding="utf-8")
    with pytest.raises(IndexLoadError, match="records no SHA-256.*rebuild"):
        ReportIndex.load(built, encoder=fake_encoder)


def test_a_file_verified_once_is_not_hashed_again_until_it_changes(built, fake_encoder, monkeypatch):
    monkeypatch.setattr(storage, "_RACY_NS", 0)  # the files are fresh: trust their stat at once
    hashed = []
    real_sha256 = storage._sha256
    monkeypatch.setattr(storage, "_sha256", lambda path: hashed.append(path.name) or real_sha256(path))
    ReportIndex.load(built, encoder=fake_encoder)
    assert "reports.jsonl" in hashed and (built / storage.VERIFIED).is_file()
    hashed.clear()
    ReportIndex.load(built, encoder=fake_encoder)
    assert hashed == []
    # An edit of the same size with the old mtime put back still changes the ctime: hashed and caught.
    path = generation(built) / "reports.jsonl"
    status = path.stat()
    replace_figure(path)
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert path.stat().st_size == status.st_size
    with pytest.raises(IndexLoadError, match="reports.jsonl does not match"):
        ReportIndex.load(built, encoder=fake_encoder)
