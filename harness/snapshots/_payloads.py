"""Turning what a test holds (SDK objects, pages, contract models, JSON text) into plain JSON values.

Nothing here imports the openai SDK: objects are recognised by duck typing. Anything with a pydantic
``model_dump`` (the SDK's objects and pages, the harness's contract models) is dumped in JSON mode
with the API's field names and only the fields that were set, which is what the server sent rather
than what the installed SDK version happens to declare.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from harness._errors import HarnessError
from harness.snapshots._normalise import JSONValue

_ACCEPTED = (
    "a pydantic model (anything with model_dump), a page of them, a dict, a list, JSON text, or a JSON scalar"
)


def _dump_model(value: Any) -> object:
    try:
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    except TypeError:
        # A model_dump with a narrower signature (not pydantic v2's): take its JSON mode as it is.
        return value.model_dump(mode="json")


def to_jsonable(value: object) -> JSONValue:
    """Convert ``value`` to JSON values (dicts, lists, strings, numbers, booleans, ``None``).

    Strings stay strings here; see :func:`load_payload` for JSON text.

    Raises:
        HarnessError: ``value`` holds an object that has no JSON form.
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if callable(getattr(value, "model_dump", None)):
        return to_jsonable(_dump_model(value))
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(child) for key, child in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: to_jsonable(getattr(value, field.name)) for field in dataclasses.fields(value)}
    data = getattr(value, "data", None)
    if isinstance(data, list):
        page: dict[str, JSONValue] = {"data": to_jsonable(data)}
        has_more = getattr(value, "has_more", None)
        if isinstance(has_more, bool):
            page["has_more"] = has_more
        return page
    raise HarnessError(
        f"cannot snapshot a {type(value).__module__}.{type(value).__qualname__}: expected {_ACCEPTED}; "
        "convert it first, for example with .model_dump(mode='json')"
    )


def load_payload(value: object) -> JSONValue:
    """Like :func:`to_jsonable`, but JSON text (a ``str`` or ``bytes`` holding an object or an array)
    is parsed first, so that a raw response body and the parsed object snapshot alike."""
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            parsed: JSONValue = json.loads(value)
        except json.JSONDecodeError:
            return value
        return parsed
    return to_jsonable(value)
