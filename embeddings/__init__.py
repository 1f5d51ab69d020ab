"""Dense-vector building blocks: text encoders and vector stores. Knows nothing about reports."""
from embeddings.encoder import (
    DEFAULT_MODEL,
    Encoder,
    EncoderError,
    EncoderFallbackWarning,
    SentenceTransformerEncoder,
    load_encoder,
    locate_packaged_model,
)
from embeddings.store import (
    FlatStore,
    HNSWStore,
    StoreError,
    VectorStore,
    brute_force_top_k,
    load_store,
    make_store,
)

__all__ = [
    "DEFAULT_MODEL",
    "Encoder",
    "EncoderError",
    "EncoderFallbackWarning",
    "FlatStore",
    "HNSWStore",
    "SentenceTransformerEncoder",
    "StoreError",
    "VectorStore",
    "brute_force_top_k",
    "load_encoder",
    "load_store",
    "locate_packaged_model",
    "make_store",
]
