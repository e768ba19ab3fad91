"""OKR sets out of HTTP request bodies: JSON, YAML, Markdown or plain text by content type, or a file upload.

The bytes go through the same parser as ``okr review FILE`` (``assistant.parse.parse_okr_bytes``), so the API
reads a file exactly as the CLI does: ``application/json`` as a ``.json`` file, ``text/markdown`` as ``.md``,
``application/yaml`` as ``.yaml``, ``text/plain`` as a ``.txt`` file (format detected). A multipart upload
takes its format from the file name, as the CLI does.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from assistant.errors import InputError, UnsupportedFormat
from assistant.okr import OKRSet

# media type -> parser format (None: detect from the content, as for a .txt file)
OKR_MEDIA_TYPES: dict[str, str | None] = {
    "application/json": "json",
    "application/yaml": "yaml",
    "application/x-yaml": "yaml",
    "text/yaml": "yaml",
    "text/x-yaml": "yaml",
    "text/markdown": "md",
    "text/x-markdown": "md",
    "text/plain": None,
}
_FILE_FORMATS = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".md": "md", ".markdown": "md"}
INLINE_PARSE_BYTES = 64_000  # larger bodies are parsed in a worker thread, keeping the event loop free
BODY_SOURCE = "request body"

UNSUPPORTED = (
    "Send the OKRs as application/json, application/yaml, text/markdown or text/plain (set the Content-Type "
    "header), or upload the file as multipart/form-data in a field named 'file'."
)


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def format_for_file(name: str) -> str | None:
    """The parser format an uploaded file's name implies (None: detect from the content)."""
    return _FILE_FORMATS.get(PurePath(name).suffix.lower())


async def read_upload(request: Request, *, field: str = "file") -> tuple[bytes, str]:
    """The bytes and base name of the one file in a multipart request's ``field``.

    Raises:
        InputError: no such file field, or no file name.
    """
    form = await request.form(max_files=1, max_fields=20)
    upload = form.get(field)
    if not isinstance(upload, UploadFile):
        raise InputError(f"No file in the upload: send it as multipart/form-data in a field named {field!r}.")
    name = PurePath(upload.filename or "").name.strip()
    if not name:
        raise InputError("The uploaded file has no name: the name's extension tells its format (.md, .yaml...).")
    try:
        data = await upload.read()
    finally:
        await upload.close()
    return data, name


async def parse_okr_data(data: bytes, *, fmt: str | None, source: str) -> OKRSet:
    """Parse bytes as the CLI parses a file; big bodies go to a worker thread."""
    from assistant.parse import parse_okr_bytes

    if len(data) <= INLINE_PARSE_BYTES:
        return parse_okr_bytes(data, fmt=fmt, source=source)
    return await run_in_threadpool(parse_okr_bytes, data, fmt=fmt, source=source)


async def okr_set_from_request(request: Request) -> OKRSet:
    """The OKR set a request carries, by its content type.

    Raises:
        UnsupportedFormat: a content type that carries no OKRs (415).
        ParseError, PayloadTooLarge, InputError: as ``assistant.parse.parse_okr_bytes``.
    """
    kind = media_type(request)
    if kind == "multipart/form-data":
        data, name = await read_upload(request)
        return await parse_okr_data(data, fmt=format_for_file(name), source=name)
    if kind and kind not in OKR_MEDIA_TYPES:
        raise UnsupportedFormat(f"Content-Type {kind!r} is not supported. {UNSUPPORTED}")
    data = await request.body()
    return await parse_okr_data(data, fmt=OKR_MEDIA_TYPES.get(kind), source=BODY_SOURCE)


def okr_request_body(description: str) -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of a route that takes an OKR set (the JSON schema is added by
    ``assistant.api.openapi``)."""
    text = {"type": "string", "description": "The file's text."}
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/OKRSetIn"}},
                "application/yaml": {"schema": text},
                "text/markdown": {"schema": text},
                "text/plain": {"schema": text},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary",
                                                "description": "An OKR file (.yaml, .json, .md or .txt)."}},
                    }
                },
            },
        }
    }
