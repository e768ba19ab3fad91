"""Chroma wiring: the client (embedded or server), telemetry off, and our registered embedding function.

The embedding function is registered with Chroma under ``okr-minilm-int8``, so a collection persisted by one
process reopens with the same function in the next, and Chroma's own default (which downloads a model)
never runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import chromadb
from chromadb.api.types import Documents, Embeddable, EmbeddingFunction, Embeddings, Space
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

import assistant.config  # noqa: F401  (telemetry switches, before chromadb and onnxruntime load)
from assistant.config import Settings
from assistant.errors import StoreError
from assistant.retrieval.embeddings import MODEL_ID, get_embedder

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

EMBEDDING_FUNCTION_NAME = "okr-minilm-int8"


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """all-MiniLM-L6-v2 (int8 ONNX, offline) as a Chroma embedding function."""

    def __init__(self) -> None:
        self._embedder = get_embedder()

    def __call__(self, input: Documents) -> Embeddings:
        vectors = self._embedder.embed(list(input))
        return list(vectors)

    @staticmethod
    def name() -> str:
        return EMBEDDING_FUNCTION_NAME

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_ID}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        MiniLMEmbeddingFunction.validate_config(config)
        return MiniLMEmbeddingFunction()

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        model = config.get("model", MODEL_ID)
        if model != MODEL_ID:
            raise ValueError(f"this collection was embedded with {model!r}, not {MODEL_ID!r}")

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]


def chroma_settings() -> ChromaSettings:
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def connect(settings: Settings) -> tuple[ClientAPI, str]:
    """A Chroma client for ``settings`` and a description of where it points.

    ``settings.chroma_url`` selects a Chroma server (checked with a heartbeat); otherwise an embedded
    store lives under ``settings.chroma_dir``.

    Raises:
        StoreError: the server cannot be reached, or the data directory cannot be opened.
    """
    if settings.chroma_url:
        return _connect_http(settings.chroma_url), f"Chroma server at {settings.chroma_url}"
    path = settings.chroma_dir
    try:
        path.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(path), settings=chroma_settings())
    except Exception as exc:
        raise StoreError(
            f"The knowledge base at {path} cannot be opened ({type(exc).__name__}: {exc}). Check that the folder "
            "is writable and not used by another Chroma version, or point --data-dir / OKR_DATA_DIR elsewhere."
        ) from exc
    return client, f"embedded Chroma at {path}"


def _connect_http(url: str) -> ClientAPI:
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise StoreError(f"OKR_CHROMA_URL={url!r} is not an http(s) URL: use e.g. http://127.0.0.1:8000")
    ssl = parts.scheme == "https"
    port = parts.port or (443 if ssl else 8000)
    try:
        client = chromadb.HttpClient(host=parts.hostname, port=port, ssl=ssl, settings=chroma_settings())
        client.heartbeat()
    except Exception as exc:
        raise StoreError(
            f"Cannot reach the Chroma server at {url} ({type(exc).__name__}: {exc}). Start it with "
            "`chroma run --path DIR --port PORT`, or unset OKR_CHROMA_URL to use the embedded store."
        ) from exc
    return client


def collection(client: ClientAPI, name: str) -> Collection:
    """Get or create collection ``name`` with our embedding function and cosine distance.

    Raises:
        StoreError: the collection exists but was made with another embedding function, or the store failed.
    """
    try:
        return client.get_or_create_collection(
            name=name,
            embedding_function=cast("EmbeddingFunction[Embeddable]", MiniLMEmbeddingFunction()),
            configuration={"hnsw": {"space": "cosine"}},
        )
    except ValueError as exc:
        raise StoreError(
            f"The collection {name!r} cannot be used: {exc}. It was made by another tool or model; "
            "use another --data-dir, or remove the collection."
        ) from exc
    except Exception as exc:
        raise StoreError(f"The knowledge base failed to open collection {name!r}: {exc}") from exc
