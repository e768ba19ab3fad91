"""The offline embedder: shapes, normalisation, batching that does not change results, meaning, checksums."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import ModelChecksumMismatch
from assistant.retrieval import embeddings
from assistant.retrieval.embeddings import DIMENSIONS, get_embedder, similarity


def test_embed_returns_unit_vectors_of_384_floats() -> None:
    vectors = get_embedder().embed(["Grow revenue in Europe", "Cut churn", "x" * 3000])
    assert vectors.shape == (3, DIMENSIONS)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_embed_of_nothing_is_an_empty_matrix() -> None:
    assert get_embedder().embed([]).shape == (0, DIMENSIONS)


def test_batching_and_padding_do_not_change_the_vectors() -> None:
    texts = [
        "short",
        "A much longer sentence about enterprise customers and the churn we saw in the second half of the year.",
        "medium length text about pricing",
    ] * 15
    embedder = get_embedder()
    together = embedder.embed(texts)
    alone = np.stack([embedder.embed([text])[0] for text in texts[:3]])
    assert np.allclose(together[:3], alone, atol=1e-4)
    assert np.allclose(together[3:6], together[:3], atol=1e-6)


def test_similarity_follows_meaning() -> None:
    close = similarity("reduce customer churn", "keep more customers from cancelling")
    far = similarity("reduce customer churn", "the recipe needs two eggs and flour")
    assert close > far + 0.3
    assert similarity("same words", "same words") == pytest.approx(1.0, abs=1e-5)


def test_long_input_is_truncated_at_256_tokens_not_rejected() -> None:
    embedder = get_embedder()
    long_text = "quarterly revenue growth " * 400
    assert embedder.count_tokens(long_text) > 256
    assert embedder.embed([long_text]).shape == (1, DIMENSIONS)


def test_a_tampered_tokenizer_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tampered = tmp_path / "tokenizer.json"
    shutil.copy(embeddings.TOKENIZER_PATH, tampered)
    with tampered.open("a", encoding="utf-8") as handle:
        handle.write(" ")
    monkeypatch.setattr(embeddings, "TOKENIZER_PATH", tampered)
    embeddings._tokenizer_json.cache_clear()
    try:
        with pytest.raises(ModelChecksumMismatch, match="sha256"):
            embeddings.load_tokenizer()
    finally:
        embeddings._tokenizer_json.cache_clear()


def test_the_model_is_found_in_the_installed_package() -> None:
    path = embeddings.model_path()
    assert path.name == "model.onnx"
    assert path.stat().st_size > 20_000_000


def test_the_chroma_embedding_function_is_registered_and_rebuilds_from_its_config() -> None:
    from chromadb.utils.embedding_functions import known_embedding_functions

    from assistant.retrieval.chroma import MiniLMEmbeddingFunction

    assert known_embedding_functions["okr-minilm-int8"] is MiniLMEmbeddingFunction
    function = MiniLMEmbeddingFunction()
    rebuilt = MiniLMEmbeddingFunction.build_from_config(function.get_config())
    vectors = rebuilt(["Grow revenue in Europe"])
    assert len(vectors) == 1
    assert len(vectors[0]) == DIMENSIONS
    assert function.default_space() == "cosine"
    with pytest.raises(ValueError, match="embedded with"):
        MiniLMEmbeddingFunction.build_from_config({"model": "some-other-model"})
