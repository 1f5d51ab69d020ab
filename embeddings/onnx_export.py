"""Export a sentence-transformers model to ONNX once, with an int8 copy, so ONNX Runtime can serve it.

Usage: python -m embeddings.onnx_export [--model m3e-small] [--folder DIR] [--force]

The export is made from the local model files (nothing is downloaded for a packaged or
folder model) and written beside the model, in its ``onnx/`` subfolder, the place
sentence-transformers itself uses; a hub model's export goes to ~/.cache/report-qa/onnx/.
The folder holds ``model.onnx`` (fp32), ``model_int8.onnx`` (dynamic int8, per-channel
weights), ``tokenizer.json`` and ``export.json``, the provenance an index manifest copies.
Exporting needs torch, ``onnx`` and ``onnxruntime`` (``pip install -e '.[onnx]'``);
serving needs only onnxruntime.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import warnings
from pathlib import Path

from embeddings.encoder import DEFAULT_MODEL, EncoderError, SentenceTransformerEncoder, resolve_model

EXPORT_FORMAT = 1
EXPORT_INFO = "export.json"
TOKENIZER_FILE = "tokenizer.json"
OPSET = 17
OUTPUT = "sentence_embedding"
# quantisation label -> file; the labels are what export.json and an index manifest record.
VARIANTS = {"none": "model.onnx", "int8-dynamic-per-channel": "model_int8.onnx"}
FP32, INT8 = "none", "int8-dynamic-per-channel"


def export_folder(model: str = DEFAULT_MODEL) -> Path:
    """Return where the export of a model lives: beside a local model, else in the user's cache.

    Raises:
        EncoderError: the model name is neither a folder, a packaged model nor a hub name.
    """
    location = Path(resolve_model(model))
    if location.is_dir():
        return location / "onnx"
    return Path.home() / ".cache" / "report-qa" / "onnx" / model.replace("/", "--")


def source_fingerprint(model: str) -> str:
    """Return a cheap fingerprint of the model files (names, sizes, config), to spot a stale export."""
    location = Path(resolve_model(model))
    if not location.is_dir():
        return f"hub:{model}"
    digest = hashlib.sha256()
    for path in sorted(location.rglob("*")):
        relative = path.relative_to(location)
        if path.is_file() and not relative.parts[0].startswith("onnx"):  # the export itself, or one being made
            digest.update(f"{relative.as_posix()}\x00{path.stat().st_size}\n".encode())
    config = location / "config.json"
    if config.is_file():
        digest.update(config.read_bytes())
    return digest.hexdigest()


def read_export(folder: Path, model: str) -> dict:
    """Read and check export.json: it must describe this model's current files.

    Raises:
        EncoderError: the export is missing, unreadable, of another format, or of other model files.
    """
    hint = f"export it with `python -m embeddings.onnx_export --model {model}` (make setup does it for m3e-small)"
    path = Path(folder) / EXPORT_INFO
    if not path.is_file():
        raise EncoderError(f"no ONNX export of {model!r} at {folder}; {hint}.")
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise EncoderError(f"{path} is not valid JSON ({error}); {hint} --force.") from error
    if info.get("format") != EXPORT_FORMAT:
        raise EncoderError(f"{path} has export format {info.get('format')!r}, this version reads {EXPORT_FORMAT}; {hint} --force.")
    if info.get("source_fingerprint") != source_fingerprint(model):
        raise EncoderError(f"{path} was exported from other files than {model!r} has now; {hint} --force.")
    return info


def export(model: str = DEFAULT_MODEL, folder: Path | None = None, *, force: bool = False) -> Path:
    """Export a model to fp32 ONNX and quantise a dynamic int8 copy; keep an existing valid export.

    Args:
        model: a packaged name, a model folder, or a hub name (the hub is only asked when not cached).
        folder: where to write; None means export_folder(model).
        force: export again even when a valid export is there.

    Returns:
        The folder holding the export.

    Raises:
        EncoderError: the model cannot be loaded, its tokenizer has no tokenizer.json form,
            or torch, onnx or onnxruntime is missing.
    """
    folder = Path(folder) if folder is not None else export_folder(model)
    if not force:
        try:
            read_export(folder, model)
            return folder
        except EncoderError:
            pass
    try:
        import onnxruntime
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as error:
        raise EncoderError(f"exporting needs torch, onnx and onnxruntime ({error}); run `pip install -e '.[onnx]'`.") from error
    import onnx

    encoder = SentenceTransformerEncoder(model)
    network = encoder._model
    tokenizer = getattr(network[0], "tokenizer", None)
    if getattr(tokenizer, "backend_tokenizer", None) is None:
        raise EncoderError(f"{model!r} has no fast (tokenizer.json) tokenizer, which ONNX serving needs; use the PyTorch backend.")
    sample = {key: value for key, value in network.preprocess(["田镇街道办理行政复议案件806件", "示例"]).items()
              if isinstance(value, torch.Tensor)}
    names = list(sample)
    building = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
        torch.onnx.export(
            _forward(network, names).eval(), tuple(sample[name] for name in names), str(building / VARIANTS[FP32]),
            dynamo=False, input_names=names, output_names=[OUTPUT], opset_version=OPSET,
            dynamic_axes={**{name: {0: "batch", 1: "sequence"} for name in names}, OUTPUT: {0: "batch"}},
        )
    quantize_dynamic(str(building / VARIANTS[FP32]), str(building / VARIANTS[INT8]), weight_type=QuantType.QInt8,
                     per_channel=True, extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    tokenizer.backend_tokenizer.save(str(building / TOKENIZER_FILE))
    info = {
        "format": EXPORT_FORMAT, "model": model, "source": encoder.location, "source_fingerprint": source_fingerprint(model),
        "dimension": encoder.dimension, "max_seq_length": encoder.max_seq_length, "inputs": names, "output": OUTPUT,
        "pad_id": int(tokenizer.pad_token_id or 0), "pad_token": str(tokenizer.pad_token or "[PAD]"),
        "opset": OPSET, "exporter": "torch.onnx (TorchScript)", "torch": torch.__version__, "onnx": onnx.__version__,
        "onnxruntime": onnxruntime.__version__,
        "files": {label: {"file": name, "sha256": _sha256(building / name)} for label, name in VARIANTS.items()},
    }
    (building / EXPORT_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    building.rename(folder)
    return folder


def _forward(network, names: list[str]):
    """Wrap a SentenceTransformer as a module of positional tensors, the form the ONNX exporter traces."""
    import torch

    class Forward(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.network = network

        def forward(self, *tensors):
            return self.network(dict(zip(names, tensors)))[OUTPUT]

    return Forward()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m embeddings.onnx_export", description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--folder", type=Path, default=None, help="default: the model's onnx/ subfolder")
    parser.add_argument("--force", action="store_true", help="export again even if a valid export exists")
    args = parser.parse_args(argv)
    try:
        folder = export(args.model, args.folder, force=args.force)
    except EncoderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    info = json.loads((folder / EXPORT_INFO).read_text(encoding="utf-8"))
    print(f"ONNX export of {args.model} (opset {info['opset']}, onnxruntime {info['onnxruntime']}): {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
