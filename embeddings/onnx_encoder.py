"""Encode texts with an ONNX export of a sentence-transformers model on ONNX Runtime.

The same vectors as the PyTorch encoder (fp32: within 1e-4 cosine) at a fraction of the
per-call cost, which is what a single question pays. Needs only onnxruntime and tokenizers
at run time; torch is not imported. The export is made by embeddings.onnx_export.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from embeddings.encoder import DEFAULT_MODEL, ONNX_INT8_SUFFIX, EncoderError, check_texts
from embeddings.onnx_export import FP32, INT8, TOKENIZER_FILE, export_folder, read_export

_COLUMNS = ("input_ids", "attention_mask", "token_type_ids")


class OnnxEncoder:
    """Encode texts with ONNX Runtime on the CPU, fp32 or dynamic int8.

    Attributes:
        name: "m3e-small" for fp32 (its vectors equal the PyTorch model's, so an index built
            by either backend serves with the other); "m3e-small+onnx-int8" for int8.
        dimension: length of the vectors.
        backend: "onnx".
        provenance: model, backend, quantisation, opset and versions, for the index manifest.
    """

    backend = "onnx"

    def __init__(self, model: str = DEFAULT_MODEL, *, quantised: bool = False, folder: Path | None = None,
                 threads: int | None = None) -> None:
        """Open the export's session and tokenizer.

        Args:
            model: the model name as given to load_encoder, without a suffix.
            quantised: run the int8 copy instead of fp32.
            folder: the export folder; None means export_folder(model).
            threads: ONNX Runtime intra-op threads; None leaves its default (one per core).

        Raises:
            EncoderError: onnxruntime is not installed, or the export is missing or stale.
            ValueError: threads is below 1.
        """
        if threads is not None and threads < 1:
            raise ValueError(f"threads of {threads} is below 1; give a positive number or None.")
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as error:
            raise EncoderError(f"onnxruntime is not installed ({error}); run `pip install onnxruntime`.") from error
        folder = Path(folder) if folder is not None else export_folder(model)
        info = read_export(folder, model)
        quantisation = INT8 if quantised else FP32
        path = folder / info["files"][quantisation]["file"]
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads is not None:
            options.intra_op_num_threads = threads
        try:
            self._session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            self._tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        except Exception as error:  # noqa: BLE001 - any unreadable file gets the same fix
            raise EncoderError(
                f"cannot open the ONNX export in {folder} ({error}); "
                f"export it again with `python -m embeddings.onnx_export --model {model} --force`."
            ) from error
        self._tokenizer.enable_truncation(int(info["max_seq_length"]))
        self._tokenizer.enable_padding(pad_id=int(info["pad_id"]), pad_token=info["pad_token"])
        self._inputs = list(info["inputs"])
        unknown = sorted(set(self._inputs) - set(_COLUMNS))
        if unknown:
            raise EncoderError(f"the ONNX export of {model!r} takes inputs {unknown} this encoder cannot feed; use the PyTorch backend.")
        self.name = model + (ONNX_INT8_SUFFIX if quantised else "")
        self.dimension = int(info["dimension"])
        self.location = str(path)
        self.provenance = {
            "model": model, "backend": self.backend, "quantisation": quantisation, "opset": info["opset"],
            "exporter": info["exporter"], "onnxruntime": onnxruntime.__version__,
            "export_sha256": info["files"][quantisation]["sha256"],
        }

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Embed texts, longest first in batches so each batch pads little.

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
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            vectors[rows] = self._forward([texts[i] for i in rows])
        return vectors

    def _forward(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        columns = {
            "input_ids": [e.ids for e in encodings],
            "attention_mask": [e.attention_mask for e in encodings],
            "token_type_ids": [e.type_ids for e in encodings],
        }
        feed = {name: np.asarray(columns[name], dtype=np.int64) for name in self._inputs}
        vectors = self._session.run(None, feed)[0].astype(np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)
