"""A build on a two-node Ray cluster on 127.0.0.1 (head + one worker) writes the index a local build writes."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytest.importorskip("ray.data", reason="the Ray build needs the extra: pip install -e '.[ray]'")

from qa import ReportIndex  # noqa: E402
from qa.retrieval.distributed import RayCluster  # noqa: E402
from tests.support import free_port  # noqa: E402

ROOT = Path(__file__).parent.parent
RAY = Path(sys.executable).with_name("ray")
START_TIMEOUT = 120  # seconds for each `ray start`


def _distinct_ports(count: int, taken: set[int]) -> list[int]:
    """Return free ports that differ from each other and from those already handed out."""
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in taken:
            taken.add(port)
            ports.append(port)
    return ports


def _ray_start(arguments: list[str], log: Path, taken: set[int], groups: set[int]) -> None:
    """Start one node (a second try if the first fails); its daemons stay in the group of its `ray start`."""
    for attempt in (1, 2):
        listen, grpc, metrics, runtime = _distinct_ports(4, taken)
        ports = ["--dashboard-agent-listen-port", str(listen), "--dashboard-agent-grpc-port", str(grpc),
                 "--metrics-export-port", str(metrics), "--runtime-env-agent-port", str(runtime)]
        env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0", RAY_gcs_server_port_wait_time_s="120")
        with open(log, "a") as out:
            process = subprocess.Popen(
                [str(RAY), "start", "--node-ip-address=127.0.0.1", "--num-cpus=1", "--disable-usage-stats",
                 *ports, *arguments],
                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True,
            )
        try:
            if process.wait(timeout=START_TIMEOUT) == 0:
                groups.add(process.pid)
                return
        except subprocess.TimeoutExpired:
            pass
        _stop({process.pid})  # a clean slate for the second try: a half-started GCS would refuse the new session
    # Ray waits a fixed 30 s for a node to register (ray/_private/node.py): on a machine loaded far past its cores
    # that is what fails, not the build.
    pytest.skip(f"ray start {' '.join(arguments)} failed twice (load {os.getloadavg()[0]:.1f}):\n{log.read_text()[-1500:]}")


def _descendants(groups: set[int]) -> set[int]:
    """Return the processes of these process groups and every process they started (Ray workers change group)."""
    parents: dict[int, int] = {}
    members: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(entry.name)
            parents[pid] = int(fields[1])
            if int(fields[2]) in groups:
                members.add(pid)
    found, grew = set(members), True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in found} - found
        found |= children
        grew = bool(children)
    return found


def _stop(groups: set[int]) -> None:
    """End exactly the processes this test started, by id: TERM, then KILL what is left after 15 s."""
    pids = _descendants(groups)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in pids):
            time.sleep(0.5)
        pids = {pid for pid in pids if Path(f"/proc/{pid}").exists()}
        if not pids:
            return


@pytest.fixture(scope="module")
def cluster():
    """Yield the address of a head and one worker node on 127.0.0.1, each with 1 CPU; always torn down."""
    temp = Path(tempfile.mkdtemp(prefix="rayqa", dir="/tmp"))  # short: Ray's socket paths must fit 107 bytes
    log = temp.with_name(temp.name + ".log")  # outside Ray's folder; its tail goes into a failure's message
    taken: set[int] = set()
    port, client, dashboard = _distinct_ports(3, taken)
    address = f"127.0.0.1:{port}"
    groups: set[int] = set()
    # One authentication mode for every process of the test: `ray start --head` turns token authentication on by
    # default, while this driver read its mode ("disabled") when ray was imported. The nodes and the command
    # line's driver inherit this setting; the cluster lives only for these tests.
    saved = {"RAY_AUTH_MODE": os.environ.get("RAY_AUTH_MODE")}
    os.environ["RAY_AUTH_MODE"] = "disabled"
    try:
        _ray_start(["--head", f"--port={port}", f"--temp-dir={temp}", "--include-dashboard=false",
                    f"--ray-client-server-port={client}", f"--dashboard-port={dashboard}"], log, taken, groups)
        _ray_start([f"--address={address}"], log, taken, groups)
        yield address
    finally:
        _stop(groups)
        shutil.rmtree(temp, ignore_errors=True)
        log.unlink(missing_ok=True)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _files(index: ReportIndex) -> dict:
    manifest = json.loads((index._generation / "manifest.json").read_text(encoding="utf-8"))
    return manifest


def test_ray_build_equals_a_local_build(cluster, tmp_path):
    import ray.cloudpickle

    import conftest

    # The fake encoder travels to the actors by value: the cluster's workers cannot import tests/conftest.py.
    ray.cloudpickle.register_pickle_by_value(conftest)
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    local = ReportIndex.build(corpus, tmp_path / "local", encoder=conftest.FakeEncoder())
    distributed = ReportIndex.build(
        corpus, tmp_path / "ray", encoder=conftest.FakeEncoder(), ray=RayCluster(cluster, workers=2, batch_size=16)
    )
    # The manifest holds the SHA-256 of every file (reports, passages, tokens, vectors, FAISS and BM25 files).
    assert _files(distributed) == _files(local)
    assert [h.passage for h in distributed.search("调处矛盾纠纷多少件")] == [h.passage for h in local.search("调处矛盾纠纷多少件")]


def test_unreadable_and_duplicate_files_fail_as_locally(cluster, tmp_path):
    import ray.cloudpickle

    import conftest

    ray.cloudpickle.register_pickle_by_value(conftest)
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    (corpus / "broken.txt").write_bytes(b"\x00\x01binary\x00" * 40)
    shutil.copy(corpus / "2024_田镇街道.txt", corpus / "copy.txt")
    local = ReportIndex.build(corpus, tmp_path / "local", encoder=conftest.FakeEncoder())
    distributed = ReportIndex.build(corpus, tmp_path / "ray", encoder=conftest.FakeEncoder(), ray=RayCluster(cluster))
    assert distributed.failures == local.failures and len(local.failures) == 2
    assert _files(distributed) == _files(local)


@pytest.mark.slow
def test_command_line_ray_build_with_the_real_model(cluster, tmp_path):
    """`python -m qa build --ray ADDRESS` with m3e-small: same reports and passages, vectors equal to 1e-4."""
    import numpy as np

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    for name, extra in (("local", []), ("ray", ["--ray", cluster, "--ray-workers", "2"])):
        subprocess.run(
            # fp32: int8 dynamic quantisation scales by what shares a batch, and Ray batches differ from local ones.
            [sys.executable, "-m", "qa", "build", "--corpus", str(corpus), "--index", str(tmp_path / name),
             "--model", "m3e-small", *extra],
            check=True, cwd=ROOT, timeout=900, capture_output=True,
        )
    local, distributed = ReportIndex.load(tmp_path / "local"), ReportIndex.load(tmp_path / "ray")
    assert list(distributed.passages) == list(local.passages)
    # Batches are cut differently on the actors, and padding changes the last bits of a vector.
    np.testing.assert_allclose(np.asarray(distributed._vectors), np.asarray(local._vectors), atol=1e-4)
    from qa.evaluation import evaluate, load_questions

    questions = load_questions(ROOT / "tests" / "data" / "questions.jsonl")
    assert evaluate(distributed, questions).hit_at_1 == evaluate(local, questions).hit_at_1
