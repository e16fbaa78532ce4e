"""What the API reference documents about request values that the contract models do not encode.

The strategies are derived from the contract models; these few facts only narrow what a plain ``str`` or
``dict`` field may hold so that a request the contracts call valid is one the API accepts:

- ids: fields that name another object (``assistant_id``, ``file_ids``, ``vector_store_ids`` …) hold ids
  of that kind, taken from the caller's ``ids`` when given;
- patterns: function and JSON Schema format names are 1..64 of ``a-zA-Z0-9_-``;
- semantic values: model names, JSON Schemas for ``parameters`` and ``schema``, image URLs, file purposes,
  a chunk overlap no larger than half the smallest chunk;
- cross-field rules: a vector store file batch names ``file_ids`` or ``files`` (not both), and file
  search gets at most one vector store (``vector_store_ids`` or ``vector_stores``);
- a message attachment names its file (the OpenAPI document requires ``file_id``; the reference's types
  leave it optional), and a tool choice names a function exactly when its type is ``function``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

ID_FIELDS: dict[str, str] = {
    "assistant_id": "assistant",
    "thread_id": "thread",
    "message_id": "message",
    "run_id": "run",
    "step_id": "step",
    "tool_call_id": "call",
    "file_id": "file",
    "file_ids": "file",
    "vector_store_id": "vector_store",
    "vector_store_ids": "vector_store",
    "after": "cursor",
    "before": "cursor",
}
"""Field name -> the kind of object whose id it holds."""

ID_KINDS: dict[str, str] = {
    "assistant": "asst_",
    "thread": "thread_",
    "message": "msg_",
    "run": "run_",
    "step": "step_",
    "call": "call_",
    "file": "file-",
    "vector_store": "vs_",
    "cursor": "asst_",
}
"""Id kind -> the prefix of its placeholder ids (the kinds ``ids=`` accepts)."""

MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4-turbo")
"""Model names used for ``model`` fields."""

FILE_PURPOSES = ("assistants", "vision", "user_data", "batch")
"""Purposes used to filter file lists."""

ONE_OF: dict[str, tuple[tuple[str, ...], int]] = {
    "CreateVectorStoreFileBatchRequest": (("file_ids", "files"), 1),
    "FileSearchResourcesParam": (("vector_store_ids", "vector_stores"), 0),
}
"""Model -> fields of which a valid request sets at most one, and at least the given number (0 or 1)."""

REQUIRED: dict[str, tuple[str, ...]] = {
    "MessageAttachment": ("file_id",),
}
"""Model -> optional fields that a valid request sets all the same."""

_NAME_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
_NAMED = frozenset(
    {
        ("FunctionDefinition", "name"),
        ("ToolChoiceFunction", "name"),
        ("JSONSchemaFormat", "name"),
        ("RequiredActionFunction", "name"),
        ("FunctionCallDetails", "name"),
    }
)


def _tool_choice(choice: dict[str, Any]) -> dict[str, Any]:
    if choice.get("function") is not None:
        return {**choice, "type": "function"}
    if choice.get("type") == "function":
        return {**choice, "function": {"name": "fuzz_function"}}
    return choice


COHERENT: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "AssistantToolChoice": _tool_choice,
}
"""Model -> a fix making a generated object's fields agree with each other."""


def names() -> st.SearchStrategy[str]:
    """Function names: 1..64 of ``a-zA-Z0-9_-``, the 64-character boundary included."""
    short = st.text(_NAME_ALPHABET, min_size=1, max_size=12)
    return st.one_of(short, short.map(lambda text: (text * 64)[:64]))


def json_schemas() -> st.SearchStrategy[dict[str, Any]]:
    """Small JSON Schemas of an object with a few typed properties."""
    kinds = st.sampled_from(("string", "integer", "number", "boolean"))
    properties = st.dictionaries(
        st.text(_NAME_ALPHABET[:52], min_size=1, max_size=8),
        kinds.map(lambda kind: {"type": kind}),
        max_size=3,
    )
    return properties.flatmap(
        lambda props: (
            st.lists(st.sampled_from(sorted(props)), unique=True).map(
                lambda required: {"type": "object", "properties": props, "required": required}
            )
            if props
            else st.just({"type": "object", "properties": {}})
        )
    )


def hinted(owner: str, name: str) -> st.SearchStrategy[Any] | None:
    """The strategy for field ``name`` of contract model ``owner``, when the reference narrows it."""
    if (owner, name) in _NAMED:
        return names()
    if name == "model" and owner != "JSONSchemaFormat":
        return st.sampled_from(MODELS)
    if (owner, name) in (("FunctionDefinition", "parameters"), ("JSONSchemaFormat", "schema")):
        return json_schemas()
    if (owner, name) == ("ImageURL", "url"):
        return st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8).map(
            lambda stem: f"https://example.com/{stem}.png"
        )
    if (owner, name) == ("StaticChunkingConfig", "chunk_overlap_tokens"):
        return st.integers(0, 50)
    if (owner, name) == ("ListFilesQuery", "purpose"):
        return st.sampled_from(FILE_PURPOSES)
    return None


def placeholder_ids(kind: str) -> st.SearchStrategy[str]:
    """Made-up ids of ``kind`` (``asst_`` and a few letters), for when no real ids are given."""
    prefix = ID_KINDS.get(kind, "")
    return st.text(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=4, max_size=10
    ).map(lambda tail: prefix + tail)
