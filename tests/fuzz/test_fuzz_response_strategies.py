"""``responses``: objects that every contract model accepts, as the API would send them."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from harness.contracts import ROUTES, check_response
from harness.contracts import _models as models
from harness.strategies import responses

FAST = settings(max_examples=12, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
MODELS = sorted(
    name
    for name in models.__all__
    if isinstance(getattr(models, name), type)
    and issubclass(getattr(models, name), BaseModel)
    and name not in ("ContractModel", "ListPage", "QueryModel")
)
ROUTED = {route.response_model.__name__: route for route in ROUTES if route.response_model is not None}


@pytest.mark.parametrize("name", MODELS)
def test_every_contract_model_accepts_what_responses_generates(name: str) -> None:
    model: type[BaseModel] = getattr(models, name)

    @FAST
    @given(responses(model=model))
    def check(value: dict[str, Any]) -> None:
        model.model_validate(value, strict=True)
        assert set(value) <= set(model.model_json_schema(mode="validation")["properties"])

    check()


@pytest.mark.parametrize("name", sorted(ROUTED))
@FAST
@given(data=st.data())
def test_routed_responses_pass_the_contract_checks(name: str, data: st.DataObject) -> None:
    route = ROUTED[name]
    value = data.draw(responses(model=name))
    path = route.template.replace("{", "").replace("}", "")
    assert check_response(route.method, path, 200, value) == []


@FAST
@given(responses(model="MessageList"))
def test_a_page_names_its_first_and_last_items(page: dict[str, Any]) -> None:
    ids = [item["id"] for item in page["data"]]
    assert page["first_id"] == (ids[0] if ids else None)
    assert page["last_id"] == (ids[-1] if ids else None)
    assert len(set(ids)) == len(ids)


def test_an_unknown_model_is_refused_with_the_names() -> None:
    with pytest.raises(ValueError, match=r"unknown contract model 'Robot'.*Assistant, AssistantDeleted"):
        responses(model="Robot")
