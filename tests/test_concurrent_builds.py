"""Two writers on one index folder exclude each other, and cleanup never removes a generation still in use.

Real build processes are paused with SIGSTOP at each write while another build (or an
update from this process, as the app's rescan does) runs against the same folder.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa import QAError, ReportIndex
from qa.errors import IndexBusyError
from qa.retrieval import storage

from test_crash_safety import QUESTIONS, TIAN, answers, corpus_copy, generation

REPO = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
# A build with the fake encoder that stops itself (SIGSTOP) just before the named write.
BUILD_SCRIPT = """
import os, signal, sys
sys.path[:0] = [{tests!r}, {repo!r}]
from conftest import FakeEncoder
from qa import ReportIndex
from qa.errors import QAError
from qa.retrieval import names, records, storage
stage = sys.argv[3] if len(sys.argv) > 3 else None

def pause(name, write):
    def paused(*args, **kwargs):
        if name == stage and (name != "pointer" or args[0].name == "CURRENT"):
            print("at", name, flush=True)
            os.kill(os.getpid(), signal.SIGSTOP)
        return write(*args, **kwargs)
    return paused

records.write_corpus = pause("corpus", records.write_corpus)
records.write_tokens = pause("tokens", records.write_tokens)
names.write_names = pause("names", names.write_names)
storage.save_vectors = pause("vectors", storage.save_vectors)
storage._fsync_tree = pause("fsync", storage._fsync_tree)
storage._write_atomic = pause("pointer", storage._write_atomic)
storage.commit_generation = pause("commit", storage.commit_generation)
try:
    ReportIndex.build(sys.argv[1], sys.argv[2], encoder=FakeEncoder())
except QAError as error:
    print("error:", error, flush=True)
    sys.exit(2)
print("done", flush=True)
"""
STAGES = ["corpus", "names", "vectors", "tokens", "commit", "fsync", "pointer"]


def start_build(corpus: Path, folder: Path, stage: str | None = None) -> subprocess.Popen:
    script = BUILD_SCRIPT.format(tests=str(TESTS), repo=str(REPO))
    command = [sys.executable, "-c", script, str(corpus), str(folder), *([stage] if stage else [])]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stopped_at(process: subprocess.Popen, stage: str) -> None:
    """Wait until the build has printed that it reached the stage and the kernel shows it stopped."""
    line = process.stdout.readline()
    assert line == f"at {stage}\n", f"the build never reached {stage}: {line!r} {process.stdout.read()}"
    deadline = time.monotonic() + 30
    while Path(f"/proc/{process.pid}/stat").read_text().split(") ")[1][0] != "T":
        assert time.monotonic() < deadline, "the build did not stop"
        time.sleep(0.01)


@pytest.fixture
def previous(tmp_path: Path, fake_encoder) -> Path:
    folder = tmp_path / "index"
    ReportIndex.build(corpus_copy(tmp_path / "old", without=TIAN), folder, encoder=fake_encoder)
    return folder


@pytest.mark.parametrize("stage", STAGES)
def test_a_second_build_is_refused_while_the_first_is_paused_at_each_write(previous, tmp_path, stage, fake_encoder):
    folder = previous
    serving = generation(folder).name
    first = start_build(corpus_copy(tmp_path / "new"), folder, stage)
    try:
        stopped_at(first, stage)
        second = start_build(corpus_copy(tmp_path / "other", without=TIAN), folder)
        output, _ = second.communicate(timeout=120)
        assert second.returncode == 2, output
        assert f"another build is running (pid {first.pid})" in output
        # The paused build's half-written generation survives the refused one.
        assert len(list(folder.glob("gen-*"))) == 2
    finally:
        first.send_signal(signal.SIGCONT)
    output, _ = first.communicate(timeout=120)
    assert first.returncode == 0 and output.endswith("done\n"), output
    index = ReportIndex.load(folder, encoder=fake_encoder)
    assert answers(index)[-1]["text"].startswith("806")  # the first build's corpus, complete
    # The replaced generation was made by this process, which still runs and may be serving from it.
    assert sorted(path.name for path in folder.glob("gen-*")) == sorted([serving, generation(folder).name])


def test_an_update_in_this_process_is_refused_while_a_build_is_paused(previous, tmp_path, fake_encoder):
    """The app's rescan and a command-line build: the second to come says who holds the folder."""
    index = ReportIndex.load(previous, encoder=fake_encoder)
    before = answers(index)
    first = start_build(corpus_copy(tmp_path / "new"), previous, "tokens")
    try:
        stopped_at(first, "tokens")
        with pytest.raises(IndexBusyError, match=f"another build is running \\(pid {first.pid}\\)"):
            index.update(tmp_path / "new")
        assert issubclass(IndexBusyError, QAError)  # the app shows it and keeps its index
        assert answers(index) == before
    finally:
        first.send_signal(signal.SIGCONT)
    first.communicate(timeout=120)
    assert answers(ReportIndex.load(previous, encoder=fake_encoder))[-1]["text"].startswith("806")


def test_a_lock_whose_holder_was_killed_is_taken_over_at_once(previous, tmp_path, fake_encoder):
    first = start_build(corpus_copy(tmp_path / "new"), previous, "vectors")
    stopped_at(first, "vectors")
    assert (previous / storage.LOCK).read_text().strip() == str(first.pid)
    first.kill()
    first.communicate(timeout=30)
    rebuilt = ReportIndex.build(tmp_path / "new", previous, encoder=fake_encoder)
    assert answers(rebuilt)[-1]["text"].startswith("806")
    assert (previous / storage.LOCK).read_text().strip() == str(os.getpid())
    # The killed build's generation is known dead (its maker is gone) and was cleared.
    assert [path.name for path in previous.glob("gen-*")] == [generation(previous).name]


def test_cleanup_keeps_a_generation_of_a_live_process(previous, tmp_path, fake_encoder):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        foreign = previous / f"gen-20260101T000000-{sleeper.pid}-000001"
        foreign.mkdir()
        (foreign / "vectors.npy").write_bytes(b"being written")
        ReportIndex.build(corpus_copy(tmp_path / "new"), previous, encoder=fake_encoder)
        assert foreign.is_dir()  # its maker still runs: it may be writing it
    finally:
        sleeper.kill()
        sleeper.wait()
    ReportIndex.build(tmp_path / "new", previous, encoder=fake_encoder)
    assert not foreign.exists()  # now known dead
    assert ReportIndex.load(previous, encoder=fake_encoder).answer(QUESTIONS[-1]).text.startswith("806")


def test_two_writers_in_one_process_exclude_each_other(tmp_path):
    folder = tmp_path / "index"
    with storage.writer_lock(folder):
        with pytest.raises(IndexBusyError, match=f"pid {os.getpid()}"):
            with storage.writer_lock(folder):
                pass
    with storage.writer_lock(folder):
        pass  # released on exit
