"""The functions the contract models hand to pydantic: union discriminators and one field rule.

They live apart from the models because pydantic keeps them in the models' core schemas: the compiled
contracts (``_compiled.py``) refer to them by name, and loading them must not load the models.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationInfo
from pydantic_core import PydanticCustomError


def string_or_array(value: Any) -> str | None:
    """The tag of a value that is a string or an array (a message's content)."""
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return None


def string_or_object(value: Any) -> str | None:
    """The tag of a value that is a string or an object (``"auto"`` or a response format, a tool choice)."""
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict | BaseModel):
        return "object"
    return None


def named_when_function(value: Any, info: ValidationInfo) -> Any:
    """A tool choice of type ``function`` names its function (``AssistantsNamedToolChoice``)."""
    if value is None and info.data.get("type") == "function":
        raise PydanticCustomError("missing", "Field required when type is 'function'")
    return value
