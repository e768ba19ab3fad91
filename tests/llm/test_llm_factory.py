from __future__ import annotations

from pathlib import Path

import pytest
from llm_testkit import FakeParts

from assistant.config import Settings, settings_from_env
from assistant.errors import ConfigError
from assistant.llm import FakeBackend, FakeQueueEmpty, Message, build_backend, choose_backend
from assistant.llm import local as local_module
from assistant.llm.factory import NO_MODEL
from assistant.llm.openai_backend import OpenAIBackend

NO_MODEL_TEXT = (
    "No model configured: set OKR_LLM_BASE_URL (any OpenAI-compatible server), or install the local model"
)


def test_fake_is_an_empty_script() -> None:
    fake = build_backend(Settings(), "fake")
    assert isinstance(fake, FakeBackend)
    with pytest.raises(FakeQueueEmpty):
        fake.complete([Message(role="user", content="hi")])


def test_a_base_url_or_key_means_openai(tmp_path: Path) -> None:
    settings = settings_from_env({"OKR_DATA_DIR": str(tmp_path), "OKR_LLM_BASE_URL": "http://127.0.0.1:8000"})
    assert choose_backend(settings) == "openai"
    chat = build_backend(settings)
    assert isinstance(chat, OpenAIBackend) and chat.base_url == "http://127.0.0.1:8000/v1"
    keyed = settings_from_env({"OKR_DATA_DIR": str(tmp_path), "OPENAI_API_KEY": "sk-x"})
    assert choose_backend(keyed) == "openai"
    assert build_backend(keyed).model == "gpt-4o-mini"


def test_unknown_backend_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="auto, openai, local, fake"):
        build_backend(Settings(), "gpt")


def test_nothing_configured_explains_both_ways(
    fake_parts: FakeParts, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local_module, "llama_available", lambda: False)
    with pytest.raises(ConfigError) as caught:
        build_backend(settings)
    assert caught.value.message == NO_MODEL and caught.value.message.startswith(NO_MODEL_TEXT)
    assert "okr model install" in caught.value.message


def test_without_parts_or_install_auto_fails_even_with_llama(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, fake_parts: FakeParts
) -> None:
    from assistant.llm import model_files

    monkeypatch.setattr(local_module, "llama_available", lambda: True)
    monkeypatch.setattr(model_files, "find_distribution", _not_found)
    with pytest.raises(ConfigError, match="No model configured"):
        choose_backend(settings)


def test_installable_parts_mean_local(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, fake_parts: FakeParts
) -> None:
    monkeypatch.setattr(local_module, "llama_available", lambda: True)
    assert choose_backend(settings) == "local"


def test_a_custom_gguf_means_local_without_loading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local_module, "llama_available", lambda: True)
    gguf = tmp_path / "other-model.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 64)
    settings = Settings(
        data_dir=tmp_path / "data", local_model_path=gguf, local_threads=3, local_context=1024
    )
    chat = build_backend(settings)
    assert isinstance(chat, local_module.LocalBackend)
    assert (chat.name, chat.model, chat.model_path, chat.n_threads, chat.n_ctx) == (
        "local",
        "other-model",
        gguf,
        3,
        1024,
    )


def test_local_without_llama_cpp_says_how_to_install(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local_module, "llama_available", lambda: False)
    with pytest.raises(ConfigError, match=r"okr-assistant\[local\]"):
        build_backend(settings, "local")


def _not_found(name: str) -> object:
    from importlib.metadata import PackageNotFoundError

    raise PackageNotFoundError(name)
