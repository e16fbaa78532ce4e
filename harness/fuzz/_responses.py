"""Response objects valid under their contract, for fuzzing code that consumes the API's answers."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from pydantic import BaseModel

from harness.contracts import _models
from harness.contracts._models import ListPage
from harness.fuzz._schema import tree
from harness.fuzz._values import Generation, value


def find_model(model: type[BaseModel] | str) -> type[BaseModel]:
    """The contract model given as a class or by name (``"Run"``).

    Raises:
        ValueError: Not a contract model; the message lists the names accepted.
    """
    if isinstance(model, type) and issubclass(model, BaseModel):
        return model
    if isinstance(model, str):
        found = getattr(_models, model, None)
        if isinstance(found, type) and issubclass(found, BaseModel) and model in _models.__all__:
            return found
    names = sorted(
        name
        for name in _models.__all__
        if isinstance(getattr(_models, name), type)
        and issubclass(getattr(_models, name), BaseModel)
        and name not in ("ContractModel", "ListPage", "QueryModel")
    )
    raise ValueError(f"unknown contract model {model!r}: expected a model class or one of {', '.join(names)}")


def response_values(model: type[BaseModel] | str) -> st.SearchStrategy[dict[str, Any]]:
    """Objects of ``model`` as the API sends them: see :func:`harness.strategies.responses`."""
    found = find_model(model)
    strategy: st.SearchStrategy[dict[str, Any]] = value(tree(found), Generation("response"))
    if issubclass(found, ListPage):
        return strategy.map(_page)
    return strategy


def _page(page: dict[str, Any]) -> dict[str, Any]:
    """A list page whose cursors name its first and last items."""
    data = page["data"]
    ids = [item.get("id") for item in data]
    unique = list(dict.fromkeys(ids))
    if len(unique) != len(ids):
        data = [item for position, item in enumerate(data) if ids.index(item.get("id")) == position]
    return {
        **page,
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
    }
