"""Structured output the instructor way: validate into a pydantic model, re-ask with the error, bounded.

Also the helpers every backend shares: the JSON schema a model is shown, and the note that asks for it
(backends whose server enforces a strict schema skip the note). A backend whose decoding is constrained by the
schema (llama.cpp's grammar) needs only the compact note: the fields and what they mean, not the schema text.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from assistant.errors import StructuredOutputError
from assistant.llm.base import ChatBackend, Completion, Message

M = TypeVar("M", bound=BaseModel)

# The note is part of the prompt; it is kept here, next to the code that enforces it, because every
# backend appends it and no template variable changes it but the schema.
SCHEMA_NOTE = (
    "Reply with one JSON object and nothing else: no prose, no Markdown fences. "
    "It must validate against this JSON schema:\n{schema}"
)
COMPACT_NOTE = "Reply with one JSON object and nothing else, with these fields:\n{fields}"
REASK_NOTE = (
    "Your previous reply was rejected: {problem}\n"
    "Reply again with only the corrected JSON object that validates against the schema."
)
_ECHO_LIMIT = 2000  # characters of a rejected reply echoed back on a re-ask; keeps small contexts small
_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)


def json_schema_of(schema: type[BaseModel]) -> dict[str, Any]:
    """The schema's JSON schema without ``title`` noise (titles cost prompt tokens and say nothing)."""
    return _drop_titles(schema.model_json_schema())


def _drop_titles(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _drop_titles(value)
            for key, value in node.items()
            # a property may be called "title": only drop the annotation, never a field named so
            if not (key == "title" and isinstance(value, str))
        }
    if isinstance(node, list):
        return [_drop_titles(item) for item in node]
    return node


def schema_note(schema: type[BaseModel], *, compact: bool = False) -> str:
    """The note asking for ``schema``: the full JSON schema, or (``compact``) one line per field."""
    if compact:
        return COMPACT_NOTE.format(fields="\n".join(_field_lines(json_schema_of(schema))))
    return SCHEMA_NOTE.format(schema=json.dumps(json_schema_of(schema), separators=(",", ":")))


def with_schema_instructions(
    messages: list[Message], schema: type[BaseModel], *, compact: bool = False
) -> list[Message]:
    """The messages with the schema note added, so the model sees the fields and their descriptions.

    The full note goes at the end of the first system message (or a new one). The compact note goes at the end
    of the last message, so the system prompt and the conversation before it stay a constant prefix that a
    prompt cache reuses across calls asking for different schemas; a caller that already placed the compact
    note (e.g. in its system prompt, for the same reason) gets the messages back unchanged.
    """
    out = list(messages)
    if compact:
        note = schema_note(schema, compact=True)
        if any(note in m.content for m in out):
            return out
        if out and out[-1].role == "user":
            out[-1] = Message(role="user", content=f"{out[-1].content.rstrip()}\n\n{note}")
            return out
        return [*out, Message(role="user", content=note)]
    note = schema_note(schema)
    for index, message in enumerate(out):
        if message.role == "system":
            out[index] = Message(role="system", content=f"{message.content}\n\n{note}")
            return out
    return [Message(role="system", content=note), *out]


def _field_lines(schema: dict[str, Any], indent: str = "") -> list[str]:
    """``- name (type): description`` per property; nested objects indented below their field."""
    defs = schema.get("$defs", {})
    lines = []
    for name, spec in schema.get("properties", {}).items():
        spec = _resolve(spec, defs)
        kind, inner = _type_of(spec, defs)
        description = spec.get("description", "")
        lines.append(f"{indent}- {name} ({kind})" + (f": {description}" if description else ""))
        if inner is not None:
            lines += _field_lines({**inner, "$defs": defs}, indent + "  ")
    return lines


def _resolve(spec: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = spec.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return {**defs[ref.removeprefix("#/$defs/")], **{k: v for k, v in spec.items() if k != "$ref"}}
    return spec


def _type_of(spec: dict[str, Any], defs: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """A short type name for ``spec``, and the object schema to describe below it (if any)."""
    if "enum" in spec:
        return " or ".join(json.dumps(v) for v in spec["enum"]), None
    if "anyOf" in spec:
        kinds = [_type_of(_resolve(s, defs), defs)[0] for s in spec["anyOf"]]
        return " or ".join(kinds), None
    kind = spec.get("type", "any")
    if kind == "object" and "properties" in spec:
        return "object", spec
    if kind == "array":
        items = _resolve(spec.get("items", {}), defs)
        item_kind, inner = _type_of(items, defs)
        low, high = spec.get("minItems"), spec.get("maxItems")
        count = f"{low} to {high} " if low is not None and high is not None else ""
        plural = "s" if item_kind in ("object", "string", "number", "integer", "boolean") else ""
        return f"list of {count}{item_kind}{plural}", inner
    return str(kind), None


class _Rejected(Exception):
    """A reply that does not validate; the message is written for the model (and for a person)."""


def extract_json(text: str) -> Any:
    """Parse the JSON object in a reply, tolerating Markdown fences and prose around it.

    Raises:
        _Rejected: when the reply is empty or holds no parseable JSON object.
    """
    stripped = text.strip()
    if not stripped:
        raise _Rejected("the reply was empty.")
    candidates = [stripped]
    candidates += [block.strip() for block in _FENCE.findall(stripped)]
    start, end = stripped.find("{"), stripped.rfind("}")
    if 0 <= start < end:
        candidates.append(stripped[start : end + 1])
    error: json.JSONDecodeError | None = None
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except json.JSONDecodeError as exc:
            error = error or exc
    assert error is not None
    raise _Rejected(f"the reply is not valid JSON ({error.msg} at line {error.lineno} column {error.colno}).")


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors()[:12]:
        where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in item["loc"]).lstrip(
            "."
        )
        lines.append(f"- {where or '(root)'}: {item['msg']}")
    more = error.error_count() - len(lines)
    if more > 0:
        lines.append(f"- ... and {more} more")
    return "the JSON does not match the schema:\n" + "\n".join(lines)


def parse_structured(text: str, schema: type[M]) -> M:
    """Validate a reply into ``schema``.

    Raises:
        _Rejected: with a message that can be fed back to the model.
    """
    data = extract_json(text)
    if not isinstance(data, dict):
        raise _Rejected(f"the reply is JSON but not an object (got {type(data).__name__}).")
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        # small models like to wrap the object in {"<SchemaName>": {...}}
        if len(data) == 1:
            (inner,) = data.values()
            if isinstance(inner, dict):
                try:
                    return schema.model_validate(inner)
                except ValidationError:
                    pass
        raise _Rejected(_describe(exc)) from exc


def _problem_with(completion: Completion, schema: type[M]) -> tuple[M | None, str]:
    if completion.finish_reason == "refusal" or completion.extra.get("refusal"):
        reason = completion.extra.get("refusal") or completion.text
        return None, f"the model refused ({reason.strip()[:200]}). The request is a routine business task."
    try:
        return parse_structured(completion.text, schema), ""
    except _Rejected as exc:
        problem = str(exc)
    if completion.finish_reason == "length":
        problem += " The reply was cut off at the token limit: answer more briefly."
    return None, problem


def generate_structured(
    backend: ChatBackend,
    messages: list[Message],
    schema: type[M],
    *,
    retries: int = 2,
    max_tokens: int = 1024,
    temperature: float = 0.2,
) -> tuple[M, list[Completion]]:
    """Ask ``backend`` for a ``schema`` instance; re-ask with the validation error at most ``retries`` times.

    Returns:
        The validated instance and every completion made (for traces and token accounting).

    Raises:
        StructuredOutputError: no reply validated; carries ``attempts`` and ``last_output``.
        LLMError: whatever the backend raised (unreachable, timeout, auth), unchanged.
    """
    if retries < 0:
        raise ValueError("retries must be >= 0")
    conversation = list(messages)
    completions: list[Completion] = []
    problem = ""
    for _attempt in range(retries + 1):
        completion = backend.complete(
            conversation, schema=schema, max_tokens=max_tokens, temperature=temperature
        )
        completions.append(completion)
        value, problem = _problem_with(completion, schema)
        if value is not None:
            return value, completions
        echoed = completion.text.strip()[:_ECHO_LIMIT] or "(empty reply)"
        conversation = [
            *conversation,
            Message(role="assistant", content=echoed),
            Message(role="user", content=REASK_NOTE.format(problem=problem)),
        ]
    attempts = len(completions)
    raise StructuredOutputError(
        f"The model ({backend.name}: {backend.model}) gave no valid {schema.__name__} after {attempts} "
        f"attempt{'s' if attempts != 1 else ''}; last problem: {problem} "
        "Try again, raise the retries, or use a stronger model (set OKR_LLM_BASE_URL / OKR_LLM_MODEL).",
        attempts=attempts,
        last_output=completions[-1].text,
    )
