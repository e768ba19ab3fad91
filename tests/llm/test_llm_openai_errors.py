"""The openai backend against a scripted OpenAI-compatible server on loopback: modes, retries, error mapping."""

from __future__ import annotations

import json
import time

import pytest
from llm_testkit import Scripted, ScriptedServer, chat_reply
from pydantic import BaseModel, Field
from testkit import free_port

from assistant.config import settings_from_env
from assistant.errors import BackendAuthError, BackendTimeout, BackendUnreachable, ConfigError, LLMError
from assistant.llm import Message, generate_structured
from assistant.llm.openai_backend import OpenAIBackend, choose_mode, is_openai_host, normalise_base_url


class City(BaseModel):
    name: str = Field(description="the city's name")
    population_millions: float = Field(ge=0)


ASK = [
    Message(role="system", content="You answer with facts."),
    Message(role="user", content="Largest city of Japan?"),
]
TOKYO = json.dumps({"name": "Tokyo", "population_millions": 14})


def backend(server: ScriptedServer, **options: object) -> OpenAIBackend:
    settings = {
        "base_url": server.url,
        "model": "scripted-model",
        "max_retries": 2,
        "backoff": 0.01,
        "timeout": 5.0,
    }
    settings.update(options)
    return OpenAIBackend(**settings)  # type: ignore[arg-type]


def test_json_object_mode_for_other_servers_sends_the_schema_twice(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Scripted(body=chat_reply(TOKYO)))
    completion = backend(scripted_server).complete(ASK, schema=City, max_tokens=64)
    assert (completion.text, completion.prompt_tokens, completion.completion_tokens) == (TOKYO, 11, 7)
    assert completion.model == "scripted-model" and completion.extra["mode"] == "json_object"
    (request,) = scripted_server.chat_requests
    body = request["json"]
    assert body["response_format"]["type"] == "json_object"
    assert body["response_format"]["schema"]["properties"]["name"]["description"] == "the city's name"
    assert "JSON schema" in body["messages"][0]["content"] and body["messages"][0]["role"] == "system"
    assert body["max_tokens"] == 64 and body["model"] == "scripted-model"
    assert request["headers"]["authorization"] == "Bearer not-needed"


def test_json_schema_mode_is_strict_and_keeps_the_prompt_as_is(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Scripted(body=chat_reply(TOKYO)))
    backend(scripted_server, structured="json_schema", api_key="sk-test").complete(ASK, schema=City)
    body = scripted_server.chat_requests[0]["json"]
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["name"] == "City"
    assert fmt["json_schema"]["schema"]["additionalProperties"] is False
    assert body["messages"] == [m.model_dump() for m in ASK]
    assert scripted_server.chat_requests[0]["headers"]["authorization"] == "Bearer sk-test"


def test_tools_mode_reads_the_forced_function_call(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Scripted(body=chat_reply(None, tool_args=TOKYO, finish="tool_calls")))
    city, _ = generate_structured(backend(scripted_server, structured="tools"), ASK, City)
    assert city.name == "Tokyo"
    body = scripted_server.chat_requests[0]["json"]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "City"}}
    assert body["tools"][0]["function"]["parameters"]["required"] == ["name", "population_millions"]


def test_plain_text_without_schema(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Scripted(body=chat_reply("Tokyo.")))
    assert backend(scripted_server).complete(ASK).text == "Tokyo."
    assert "response_format" not in scripted_server.chat_requests[0]["json"]


def test_401_is_an_auth_error_and_is_not_retried(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Scripted(401, {"error": {"message": "Incorrect API key provided"}}))
    with pytest.raises(BackendAuthError, match=r"rejected the API key .*OKR_LLM_API_KEY"):
        backend(scripted_server).complete(ASK)
    assert len(scripted_server.requests) == 1


def test_429_then_200_is_retried_honouring_retry_after(scripted_server: ScriptedServer) -> None:
    scripted_server.add(
        Scripted(429, {"error": {"message": "slow down"}}, {"retry-after": "0"}),
        Scripted(body=chat_reply(TOKYO)),
    )
    assert backend(scripted_server, backoff=10.0).complete(ASK, schema=City).text == TOKYO  # Retry-After wins
    assert len(scripted_server.chat_requests) == 2


def test_503_then_200_is_retried(scripted_server: ScriptedServer) -> None:
    scripted_server.add(
        Scripted(503, {"error": {"message": "loading model"}}), Scripted(body=chat_reply(TOKYO))
    )
    assert backend(scripted_server).complete(ASK).text == TOKYO


def test_persistent_500_gives_up_after_the_bound(scripted_server: ScriptedServer) -> None:
    scripted_server.add(*[Scripted(500, {"error": {"message": "kaboom"}}) for _ in range(5)])
    started = time.perf_counter()
    with pytest.raises(LLMError, match=r"failed with 500 after 3 attempts.*kaboom"):
        backend(scripted_server, max_retries=2, backoff=0.05).complete(ASK)
    assert len(scripted_server.requests) == 3
    assert time.perf_counter() - started >= 0.05 + 0.1  # backed off 0.05 s, then 0.1 s


def test_persistent_429_says_so(scripted_server: ScriptedServer) -> None:
    scripted_server.add(*[Scripted(429, {"error": {"message": "quota"}}) for _ in range(2)])
    with pytest.raises(LLMError, match=r"rate-limiting \(429\) after 2 attempts"):
        backend(scripted_server, max_retries=1).complete(ASK)


def test_404_names_the_model_setting(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Scripted(404, {"error": {"message": "model not found"}}))
    with pytest.raises(ConfigError, match="OKR_LLM_MODEL"):
        backend(scripted_server).complete(ASK)


def test_an_unreachable_server_says_how_to_fix_it() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(BackendUnreachable) as caught:
        OpenAIBackend(base_url=url, model="m", timeout=5.0).complete(ASK)
    assert caught.value.message.startswith(f"cannot reach {url}: is the server running?")
    assert "OKR_LLM_BASE_URL" in caught.value.message


def test_a_slow_server_times_out(scripted_server: ScriptedServer) -> None:
    scripted_server.add(Scripted(body=chat_reply(TOKYO), delay=2.0))
    started = time.perf_counter()
    with pytest.raises(BackendTimeout, match=r"did not answer within 0\.3 s.*OKR_LLM_TIMEOUT"):
        backend(scripted_server, timeout=0.3).complete(ASK)
    assert time.perf_counter() - started < 1.5  # not retried


def test_a_refusal_is_flagged_and_never_validates(scripted_server: ScriptedServer) -> None:
    scripted_server.add(
        *[Scripted(body=chat_reply(None, refusal="I can't help with that.")) for _ in range(2)]
    )
    first = backend(scripted_server).complete(ASK, schema=City)
    assert first.finish_reason == "refusal" and first.extra["refusal"] == "I can't help with that."
    with pytest.raises(Exception, match="refused"):
        generate_structured(backend(scripted_server), ASK, City, retries=0)


def test_the_model_is_discovered_when_not_configured(scripted_server: ScriptedServer) -> None:
    scripted_server.add(
        Scripted(
            body={
                "object": "list",
                "data": [{"id": "qwen-local", "object": "model", "created": 0, "owned_by": "me"}],
            }
        ),
        Scripted(body=chat_reply("hi", model="qwen-local")),
        Scripted(body=chat_reply("again", model="qwen-local")),
    )
    chat = OpenAIBackend(base_url=scripted_server.url, timeout=5.0)
    assert chat.complete(ASK).model == "qwen-local"
    chat.complete(ASK)
    assert [r["path"] for r in scripted_server.requests] == [
        "/v1/models",
        "/v1/chat/completions",
        "/v1/chat/completions",
    ]
    assert scripted_server.chat_requests[0]["json"]["model"] == "qwen-local"


def test_structured_repair_through_the_server(scripted_server: ScriptedServer) -> None:
    scripted_server.add(
        Scripted(body=chat_reply('{"name": "Tokyo", "population_millions": -1}')),
        Scripted(body=chat_reply(TOKYO)),
    )
    city, completions = generate_structured(backend(scripted_server), ASK, City)
    assert city.population_millions == 14 and len(completions) == 2
    second = scripted_server.chat_requests[1]["json"]["messages"]
    assert "population_millions" in second[-1]["content"] and second[-2]["role"] == "assistant"


def test_mode_selection_and_url_normalisation() -> None:
    assert is_openai_host(None) and is_openai_host("https://api.openai.com/v1")
    assert not is_openai_host("http://127.0.0.1:8000/v1") and not is_openai_host(
        "https://openai.com.evil.test/v1"
    )
    assert choose_mode("auto", None) == "json_schema"
    assert choose_mode("auto", "http://localhost:8080/v1") == "json_object"
    assert choose_mode("tools", None) == "tools"
    with pytest.raises(ConfigError, match="OKR_LLM_STRUCTURED"):
        choose_mode("grammar", None)
    assert normalise_base_url("http://127.0.0.1:8000") == "http://127.0.0.1:8000/v1"
    assert normalise_base_url("http://127.0.0.1:8000/v1/") == "http://127.0.0.1:8000/v1"
    assert normalise_base_url("http://host/openai/v1") == "http://host/openai/v1"
    with pytest.raises(ConfigError, match="not an http"):
        normalise_base_url("127.0.0.1:8000")


def test_openai_without_a_key_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="OKR_LLM_API_KEY"):
        OpenAIBackend()


def test_settings_reach_the_backend() -> None:
    settings = settings_from_env(
        {
            "OKR_LLM_BASE_URL": "http://127.0.0.1:9/v1",
            "OPENAI_API_KEY": "sk-x",
            "OKR_LLM_MODEL": "m",
            "OKR_LLM_TIMEOUT": "7",
            "OKR_LLM_MAX_RETRIES": "1",
            "OKR_LLM_STRUCTURED": "tools",
        }
    )
    chat = OpenAIBackend.from_settings(settings)
    assert (chat.base_url, chat.model, chat.timeout, chat.max_retries, chat.mode) == (
        "http://127.0.0.1:9/v1",
        "m",
        7.0,
        1,
        "tools",
    )


@pytest.mark.parametrize(
    "reply", [Scripted(body={"choices": []}), Scripted(raw=b"<html>a login page</html>")]
)
def test_a_body_that_is_not_a_completion_is_an_llm_error(
    scripted_server: ScriptedServer, reply: Scripted
) -> None:
    scripted_server.add(reply)
    with pytest.raises(LLMError, match="did not return a chat completion"):
        backend(scripted_server).complete(ASK)
