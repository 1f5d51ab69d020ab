"""A build killed at any moment leaves the previous index loadable and answering exactly as before;
a damaged index file is caught on load with an IndexLoadError that says to rebuild.
"""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pytest

from qa import IndexLoadError, ReportIndex

REPO = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
TIAN = "2024_田镇街道.txt"
QUESTIONS = [
    "铁西区2024年收到行政复议申请多少件？",
    "春城街道探索实施了什么样的普法方式？",
    "七马路街道法治政府建设存在哪些不足？",
    "田镇街道2024年调处矛盾纠纷多少件",
]
# Builds an index with the fake encoder, exactly as `python -m qa build` does with a real one.
# With a stage name it prints "at <stage>" and sleeps just before that write, so the kill lands there.
# The head of a script that writes an index in a child process and waits, before the write named by its
# third argument, long enough to be killed there (str.format fills in the tests and repo folders).
PAUSING = """
import sys, time
sys.path[:0] = [{tests!r}, {repo!r}]
from conftest import FakeEncoder
from qa import ReportIndex
from qa.retrieval import storage
stage = sys.argv[3] if len(sys.argv) > 3 else None

def pause(name, write):
    def paused(*args, **kwargs):
        if name == stage and (name != "pointer" or args[0].name == "CURRENT"):
            print("at", name, flush=True)
            time.sleep(60)
        return write(*args, **kwargs)
    return paused
"""

BUILD_SCRIPT = PAUSING + """
storage.save_vectors = pause("vectors", storage.save_vectors)
storage.commit_generation = pause("commit", storage.commit_generation)
storage._write_atomic = pause("pointer", storage._write_atomic)
storage._fsync_tree = pause("fsync", storage._fsync_tree)
ReportIndex.build(sys.argv[1], sys.argv[2], encoder=FakeEncoder(),
                  progress=lambda fraction, message: print(f"{{fraction:.2f}} {{message}}", flush=True))
print("done", flush=True)
"""


def corpus_copy(folder: Path, *, without: str | None = None, padding_mb: float = 0.0) -> Path:
    shutil.copytree(REPO / "corpus", folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    if without:
        (folder / without).unlink()
    if padding_mb:
        line = "青石镇人民政府2024年度法治政府建设情况报告。全年办理行政复议案件4217件，开展送法下乡活动36场次。\n"
        (folder / "padding.txt").write_text(line * int(padding_mb * 1e6 / len(line.encode())), encoding="utf-8")
    return folder


def answers(index: ReportIndex) -> list[dict]:
    return [asdict(index.answer(question)) for question in QUESTIONS]


@pytest.fixture
def previous(tmp_path: Path, fake_encoder) -> tuple[Path, list[dict]]:
    """An index of the seed reports without 田镇, and its answers to QUESTIONS."""
    folder = tmp_path / "index"
    index = ReportIndex.build(corpus_copy(tmp_path / "old", without=TIAN), folder, encoder=fake_encoder)
    before = answers(index)
    assert not before[-1]["found"]  # 田镇 is unknown to the previous index
    return folder, before


def start_build(corpus: Path, folder: Path, stage: str | None = None) -> subprocess.Popen:
    script = BUILD_SCRIPT.format(tests=str(TESTS), repo=str(REPO))
    command = [sys.executable, "-c", script, str(corpus), str(folder), *([stage] if stage else [])]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=corpus.parent)


def kill(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGKILL)
    output, _ = process.communicate(timeout=30)
    return output


def check_previous_or_new(folder: Path, before: list[dict], finished: bool, fake_encoder, *,
                          may_have_committed: bool = False) -> None:
    """The index loads (its hashes check) and answers as the previous build or as the whole new one."""
    index = ReportIndex.load(folder, encoder=fake_encoder)
    after = answers(index)
    new = after[-1]["found"] and after[-1]["text"].startswith("806")
    if finished:
        assert new
    elif may_have_committed:
        assert after == before or new  # killed after its commit but before it exited: the new index, whole
    else:
        assert after == before


@pytest.mark.parametrize("delay", [0.2, 0.5, 1.0, 2.0, 3.0, 5.0])
def test_a_build_killed_after_a_delay_leaves_the_previous_index(previous, tmp_path: Path, delay: float, fake_encoder):
    folder, before = previous
    process = start_build(corpus_copy(tmp_path / "new", padding_mb=1.0), folder)
    time.sleep(delay)
    finished = process.poll() is not None
    output = kill(process)
    check_previous_or_new(folder, before, finished and "done" in output, fake_encoder, may_have_committed=True)


@pytest.mark.parametrize("stage", ["vectors", "fsync", "pointer", "commit"])
def test_a_build_killed_while_writing_leaves_the_previous_index(previous, tmp_path: Path, stage: str, fake_encoder):
    folder, before = previous
    process = start_build(corpus_copy(tmp_path / "new"), folder, stage)
    line = ""
    deadline = time.monotonic() + 120
    while not line.startswith("at ") and time.monotonic() < deadline and process.poll() is None:
        line = process.stdout.readline()
    assert line == f"at {stage}\n", f"the build never reached {stage}: {line!r}"
    kill(process)
    check_previous_or_new(folder, before, False, fake_encoder)
    # The half-written generation is litter the next build clears away.
    rebuilt = ReportIndex.build(tmp_path / "new", folder, encoder=fake_encoder)
    assert answers(rebuilt)[-1]["text"].startswith("806")
    assert [path.name for path in folder.glob("gen-*")] == [(folder / "CURRENT").read_text().split()[0]]


# ----------------------------------------------------------------------------- damaged files


def generation(folder: Path) -> Path:
    return folder / (folder / "CURRENT").read_text(encoding="utf-8").split()[0]  # "<generation> <manifest hash>"


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def edit_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-2] ^= 0x01
    path.write_bytes(bytes(data))


def replace_figure(path: Path) -> None:
    """The most dangerous edit: still valid JSON, only a figure changed."""
    path.write_text(path.read_text(encoding="utf-8").replace("806", "807"), encoding="utf-8")


DAMAGE = {
    "truncated vectors": ("vectors.npy", truncate),
    "edited vectors": ("vectors.npy", edit_one_byte),
    "truncated passages": ("passages.jsonl", truncate),
    "figure changed in passages": ("passages.jsonl", replace_figure),
    "figure changed in reports": ("reports.jsonl", replace_figure),
    "deleted reports": ("reports.jsonl", Path.unlink),
    "truncated manifest": ("manifest.json", truncate),
    "empty manifest": ("manifest.json", lambda path: path.write_text("")),
}


@pytest.fixture
def built(tmp_path: Path, fake_encoder) -> Path:
    folder = tmp_path / "index"
    ReportIndex.build(corpus_copy(tmp_path / "corpus"), folder, encoder=fake_encoder)
    return folder


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_index_file_is_caught_on_load(built: Path, damage: str, fake_encoder):
    name, harm = DAMAGE[damage]
    harm(generation(built) / name)
    with pytest.raises(IndexLoadError, match="rebuild"):
        ReportIndex.load(built, encoder=fake_encoder)


def test_every_lexical_and_dense_file_is_checked(built: Path, fake_encoder):
    files = sorted(p for p in generation(built).rglob("*") if p.is_file() and p.parent.name in ("lexical", "dense"))
    assert len(files) >= 2
    for path in files:
        original = path.read_bytes()
        for harm in (truncate, edit_one_byte, Path.unlink):
            harm(path)
            with pytest.raises(IndexLoadError, match="rebuild") as caught:
                ReportIndex.load(built, encoder=fake_encoder)
            assert path.name in str(caught.value)
            path.write_bytes(original)
    assert ReportIndex.load(built, encoder=fake_encoder).answer(QUESTIONS[-1]).text.startswith("806")


@pytest.mark.parametrize(
    "pointer", ["gen-does-not-exist\n", "", "../../etc\n", "\x00\n", "gen-" + "9" * 300 + "\n"]
)
def test_current_pointing_nowhere_is_caught_on_load(built: Path, pointer: str, fake_encoder):
    (built / "CURRENT").write_text(pointer, encoding="utf-8")
    with pytest.raises(IndexLoadError, match="rebuild"):
        ReportIndex.load(built, encoder=fake_encoder)


def test_a_missing_current_is_caught_on_load(built: Path, fake_encoder):
    (built / "CURRENT").unlink()
    with pytest.raises(IndexLoadError, match="rebuild"):
        ReportIndex.load(built, encoder=fake_encoder)


def test_a_manifest_of_another_format_is_caught_on_load(built: Path, fake_encoder):
    manifest = generation(built) / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**data, "format": 99}), encoding="utf-8")
    with pytest.raises(IndexLoadError, match="format 99.*rebuild"):
        ReportIndex.load(built, encoder=fake_encoder)
